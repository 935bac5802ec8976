package provider

import (
	"fmt"
	"math/big"

	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// rawAttrs is a resource object's attributes as Terraform sent them.
// ValidateConfig and ModifyPlan run for every rule of every plan, and the
// framework's Get and Set walk the whole model by reflection on each call
// (most of their CPU at hundreds of rules); reading the few attributes
// they need straight from the value costs a fraction of that.
type rawAttrs map[string]tftypes.Value

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

func (a rawAttrs) int64(name string) types.Int64 {
	v, ok := a[name]
	switch {
	case !ok || v.IsNull():
		return types.Int64Null()
	case !v.IsKnown():
		return types.Int64Unknown()
	}
	var f big.Float
	_ = v.As(&f)
	n, _ := f.Int64()
	return types.Int64Value(n)
}

// model reads the rule's attributes (not its timeouts).
func (a rawAttrs) model() ruleModel {
	return ruleModel{
		ruleAttrs: ruleAttrs{
			ID: a.str("id"), RuleID: a.str("rule_id"), Direction: a.str("direction"), Protocol: a.str("protocol"),
			PortRange: a.str("port_range"), CIDR: a.str("cidr"), PeerSecurityGroupID: a.str("peer_security_group_id"),
			PeerGroupOwnerAccount: a.str("peer_group_owner_account"), PeerGroupOwnerID: a.str("peer_group_owner_id"),
			PrefixListID: a.str("prefix_list_id"), LocalCIDR: a.str("local_cidr"), SourcePortRange: a.str("source_port_range"),
			NicType: a.str("nic_type"), Policy: a.str("policy"), Priority: a.int64("priority"), Description: a.str("description"),
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

func (a rawAttrs) setInt64(name string, v types.Int64) {
	switch {
	case v.IsNull():
		a[name] = tftypes.NewValue(tftypes.Number, nil)
	case v.IsUnknown():
		a[name] = tftypes.NewValue(tftypes.Number, tftypes.UnknownValue)
	default:
		a[name] = tftypes.NewValue(tftypes.Number, new(big.Float).SetInt64(v.ValueInt64()))
	}
}

// value is the object again, of the type it was read from.
func (a rawAttrs) value(t tftypes.Type) tftypes.Value {
	return tftypes.NewValue(t, map[string]tftypes.Value(a))
}
