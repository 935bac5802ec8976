package provider

import (
	"context"
	"fmt"
	"math/big"
	"reflect"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// rawAttrs is a resource object's attributes as Terraform sent them.
// ValidateConfig, ModifyPlan, Read, Create and Delete run once per rule,
// and the framework's Get and Set walk the whole model by reflection on
// each call, copying the schema's attribute map at every step (most of
// their CPU at hundreds of rules); reading and writing the attributes
// straight from the value costs a fraction of that.
type rawAttrs map[string]tftypes.Value

// readRaw reads v's attributes; a value that is not an object is reported
// under summary.
func readRaw(v tftypes.Value, summary string, diags *diag.Diagnostics) (rawAttrs, bool) {
	a, err := newRawAttrs(v)
	if err != nil {
		diags.AddError(summary, err.Error())
		return nil, false
	}
	return a, true
}

func newRawAttrs(v tftypes.Value) (rawAttrs, error) {
	var m map[string]tftypes.Value
	if err := v.As(&m); err != nil {
		return nil, fmt.Errorf("reading the resource's attributes: %w", err)
	}
	return m, nil
}

func (a rawAttrs) str(name string) types.String {
	v, ok := a[name]
	switch {
	case !ok || v.IsNull():
		return types.StringNull()
	case !v.IsKnown():
		return types.StringUnknown()
	}
	var s string
	_ = v.As(&s)
	return types.StringValue(s)
}

func (a rawAttrs) number(name string) types.Number {
	v, ok := a[name]
	switch {
	case !ok || v.IsNull():
		return types.NumberNull()
	case !v.IsKnown():
		return types.NumberUnknown()
	}
	f := new(big.Float)
	_ = v.As(&f)
	return types.NumberValue(f)
}

// rawField is an attribute of ruleModel that the raw path reads and
// writes: its tfsdk tag and its place in the struct.
type rawField struct {
	name  string
	index []int
}

// rawFields are ruleModel's attributes but its timeouts (rawAttrs.timeouts
// reads those), found once from the model's tfsdk tags, so that an
// attribute added to the model is read and written here too.
// rawUnhandled names those of a type the raw path does not convert: it
// would drop them (TestRawFieldsAreTheSchema fails while any is there).
var rawFields, rawUnhandled = ruleRawFields()

func ruleRawFields() (fields []rawField, unhandled []string) {
	var walk func(t reflect.Type, index []int)
	walk = func(t reflect.Type, index []int) {
		for i := range t.NumField() {
			f := t.Field(i)
			at := append(slices.Clone(index), i)
			name, tagged := f.Tag.Lookup("tfsdk")
			switch {
			case f.Anonymous && !tagged:
				walk(f.Type, at)
			case !tagged || name == "-" || f.Type == reflect.TypeFor[timeouts.Value]():
				// not an attribute, or the timeouts
			case f.Type == reflect.TypeFor[types.String](), f.Type == reflect.TypeFor[types.Number]():
				fields = append(fields, rawField{name: name, index: at})
			default:
				unhandled = append(unhandled, name)
			}
		}
	}
	walk(reflect.TypeFor[ruleModel](), nil)
	return fields, unhandled
}

// model reads the rule's attributes (not its timeouts).
func (a rawAttrs) model() ruleModel {
	var m ruleModel
	v := reflect.ValueOf(&m).Elem()
	for _, f := range rawFields {
		switch p := v.FieldByIndex(f.index).Addr().Interface().(type) {
		case *types.String:
			*p = a.str(f.name)
		case *types.Number:
			*p = a.number(f.name)
		}
	}
	return m
}

// anyUnknown reports whether one of the named attributes is not known yet.
func (a rawAttrs) anyUnknown(names ...string) bool {
	for _, n := range names {
		if v, ok := a[n]; ok && !v.IsKnown() {
			return true
		}
	}
	return false
}

func (a rawAttrs) setString(name string, v types.String) {
	switch {
	case v.IsNull():
		a[name] = tftypes.NewValue(tftypes.String, nil)
	case v.IsUnknown():
		a[name] = tftypes.NewValue(tftypes.String, tftypes.UnknownValue)
	default:
		a[name] = tftypes.NewValue(tftypes.String, v.ValueString())
	}
}

func (a rawAttrs) setNumber(name string, v types.Number) {
	switch {
	case v.IsNull():
		a[name] = tftypes.NewValue(tftypes.Number, nil)
	case v.IsUnknown():
		a[name] = tftypes.NewValue(tftypes.Number, tftypes.UnknownValue)
	default:
		a[name] = tftypes.NewValue(tftypes.Number, v.ValueBigFloat())
	}
}

// with is the object with the rule's attributes (not its timeouts) set
// from m, of the type it was read from.
func (a rawAttrs) with(m ruleModel, t tftypes.Type) tftypes.Value {
	v := reflect.ValueOf(&m).Elem()
	for _, f := range rawFields {
		switch p := v.FieldByIndex(f.index).Addr().Interface().(type) {
		case *types.String:
			a.setString(f.name, *p)
		case *types.Number:
			a.setNumber(f.name, *p)
		}
	}
	return a.value(t)
}

// timeouts is the timeouts attribute as the timeouts library reads it
// (its Create, Read and Delete parse the durations); null when absent.
func (a rawAttrs) timeouts(ctx context.Context) timeouts.Value {
	if v, ok := a["timeouts"]; ok {
		t := timeouts.Type{ObjectType: types.ObjectType{AttrTypes: timeoutsAttrTypes}}
		if tv, err := t.ValueFromTerraform(ctx, v); err == nil {
			if tv, ok := tv.(timeouts.Value); ok {
				return tv
			}
		}
	}
	return timeouts.Value{Object: types.ObjectNull(timeoutsAttrTypes)}
}

// value is the object again, of the type it was read from.
func (a rawAttrs) value(t tftypes.Type) tftypes.Value {
	return tftypes.NewValue(t, map[string]tftypes.Value(a))
}
