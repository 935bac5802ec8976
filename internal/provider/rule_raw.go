package provider

import (
	"context"
	"fmt"
	"math/big"

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

// model reads the rule's attributes (not its timeouts).
func (a rawAttrs) model() ruleModel {
	return ruleModel{
		ruleAttrs: ruleAttrs{
			ID: a.str("id"), RuleID: a.str("rule_id"), Direction: a.str("direction"), Protocol: a.str("protocol"),
			PortRange: a.str("port_range"), CIDR: a.str("cidr"), PeerSecurityGroupID: a.str("peer_security_group_id"),
			PeerGroupOwnerAccount: a.str("peer_group_owner_account"), PeerGroupOwnerID: a.str("peer_group_owner_id"),
			PrefixListID: a.str("prefix_list_id"), LocalCIDR: a.str("local_cidr"), SourcePortRange: a.str("source_port_range"),
			NicType: a.str("nic_type"), Policy: a.str("policy"), Priority: a.number("priority"), Description: a.str("description"),
		},
		Cloud: a.str("cloud"), SecurityGroupID: a.str("security_group_id"),
	}
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
	for name, v := range map[string]types.String{
		"id": m.ID, "rule_id": m.RuleID, "direction": m.Direction, "protocol": m.Protocol, "port_range": m.PortRange,
		"cidr": m.CIDR, "peer_security_group_id": m.PeerSecurityGroupID, "peer_group_owner_account": m.PeerGroupOwnerAccount,
		"peer_group_owner_id": m.PeerGroupOwnerID, "prefix_list_id": m.PrefixListID, "local_cidr": m.LocalCIDR,
		"source_port_range": m.SourcePortRange, "nic_type": m.NicType, "policy": m.Policy, "description": m.Description,
		"cloud": m.Cloud, "security_group_id": m.SecurityGroupID,
	} {
		a.setString(name, v)
	}
	a.setNumber("priority", m.Priority)
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
