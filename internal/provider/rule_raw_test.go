package provider

import (
	"context"
	"fmt"
	"math/big"
	"reflect"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// The raw path reads and writes every attribute of the schema but the
// timeouts (read apart), and nothing else.
func TestRawFieldsAreTheSchema(t *testing.T) {
	_, s := ruleUnderTest(t)
	var schemaNames, rawNames []string
	for name := range s.Schema.Attributes {
		if name != "timeouts" {
			schemaNames = append(schemaNames, name)
		}
	}
	for _, f := range rawFields {
		rawNames = append(rawNames, f.name)
	}
	slices.Sort(schemaNames)
	slices.Sort(rawNames)
	if !slices.Equal(rawNames, schemaNames) {
		t.Errorf("the raw path reads %q\nthe schema has %q", rawNames, schemaNames)
	}
	if len(rawUnhandled) > 0 {
		t.Errorf("ruleModel has attributes of a type the raw path does not convert (rawAttrs.model, with): %q", rawUnhandled)
	}
}

// Every attribute set reads as the framework's Get reads it, and writes as
// its Set writes it: what Create or Read returns is what the plan held.
func TestRawPathIsTheFrameworks(t *testing.T) {
	ctx := context.Background()
	_, s := ruleUnderTest(t)
	typ := s.Schema.Type().TerraformType(ctx)
	first, second := populated(t, s, 1), populated(t, s, 2)

	raw, err := newRawAttrs(first)
	if err != nil {
		t.Fatal(err)
	}
	var want ruleModel
	if d := (tfsdk.Plan{Schema: s.Schema, Raw: first}).Get(ctx, &want); d.HasError() {
		t.Fatal(diagText(d))
	}
	got := raw.model()
	got.Timeouts = want.Timeouts // read apart, by rawAttrs.timeouts
	for _, d := range modelDiffs(reflect.ValueOf(got), reflect.ValueOf(want)) {
		t.Errorf("raw read differs from the framework's Get: %s", d)
	}

	// The other values written over the first object, its timeouts kept.
	var m ruleModel
	if d := (tfsdk.Plan{Schema: s.Schema, Raw: second}).Get(ctx, &m); d.HasError() {
		t.Fatal(diagText(d))
	}
	m.Timeouts = want.Timeouts
	written := raw.with(m, typ)
	framework := tfsdk.State{Schema: s.Schema, Raw: tftypes.NewValue(typ, nil)}
	if d := framework.Set(ctx, &m); d.HasError() {
		t.Fatal(diagText(d))
	}
	if diffs, err := written.Diff(framework.Raw); err != nil || len(diffs) > 0 {
		t.Errorf("raw write differs from the framework's Set (%v):", err)
		for _, d := range diffs {
			t.Errorf("  %s: raw %v, framework %v", d.Path, d.Value1, d.Value2)
		}
	}
}

// modelDiffs compares two models attribute by attribute (every field with
// a value of the framework's, through embedded structs).
func modelDiffs(got, want reflect.Value) []string {
	var out []string
	for i := range got.NumField() {
		f := got.Type().Field(i)
		g, w := got.Field(i), want.Field(i)
		if f.Anonymous && f.Type.Kind() == reflect.Struct && !f.Type.Implements(reflect.TypeFor[attr.Value]()) {
			out = append(out, modelDiffs(g, w)...)
			continue
		}
		gv, _ := g.Interface().(attr.Value)
		wv, _ := w.Interface().(attr.Value)
		if gv == nil || wv == nil || !gv.Equal(wv) {
			out = append(out, fmt.Sprintf("%s %q: raw %v, framework %v", f.Name, f.Tag.Get("tfsdk"), gv, wv))
		}
	}
	return out
}

// populated is an object of the resource's type with every attribute set,
// each to a value of its own (variant makes another set of values).
func populated(t *testing.T, s resource.SchemaResponse, variant int) tftypes.Value {
	t.Helper()
	typ, ok := s.Schema.Type().TerraformType(context.Background()).(tftypes.Object)
	if !ok {
		t.Fatal("the schema's type is not an object")
	}
	values := map[string]tftypes.Value{}
	n := 0
	for name, at := range typ.AttributeTypes {
		n++
		values[name] = leafValue(t, at, fmt.Sprintf("%s-%d", name, variant), int64(100*variant+n))
	}
	return tftypes.NewValue(typ, values)
}

func leafValue(t *testing.T, typ tftypes.Type, text string, number int64) tftypes.Value {
	t.Helper()
	switch {
	case typ.Is(tftypes.String):
		return tftypes.NewValue(typ, text)
	case typ.Is(tftypes.Number):
		return tftypes.NewValue(typ, new(big.Float).SetInt64(number))
	case typ.Is(tftypes.Object{}):
		// The timeouts: durations, the same in every variant.
		o, _ := typ.(tftypes.Object)
		values := map[string]tftypes.Value{}
		for name, at := range o.AttributeTypes {
			values[name] = leafValue(t, at, "1m", 1)
		}
		return tftypes.NewValue(typ, values)
	}
	t.Fatalf("no test value for an attribute of type %s: teach leafValue and the raw path (rawAttrs) about it", typ)
	return tftypes.Value{}
}

// The raw path is there for its speed (see rawAttrs): reading and writing
// a rule's attributes.
func BenchmarkRawModelWith(b *testing.B) {
	_, s := ruleUnderTest(&testing.T{})
	typ := s.Schema.Type().TerraformType(context.Background())
	a, err := newRawAttrs(object(&testing.T{}, s, map[string]any{"cloud": "alicloud", "security_group_id": "sg-1", "direction": "ingress", "protocol": "tcp", "port_range": "22", "cidr": "10.0.0.0/8", "priority": 1, "description": "ssh"}))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		m := a.model()
		_ = a.with(m, typ)
	}
}
