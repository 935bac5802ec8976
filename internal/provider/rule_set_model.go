package provider

import (
	"context"
	"fmt"
	"slices"
	"sort"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/secgroup/terraform-provider-secgroup/internal/cloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/rule"
)

// ruleSetModel is the secgroup_rule_set resource's data.
type ruleSetModel struct {
	ID              types.String   `tfsdk:"id"`
	Cloud           types.String   `tfsdk:"cloud"`
	SecurityGroupID types.String   `tfsdk:"security_group_id"`
	Rules           types.Map      `tfsdk:"rules"`
	RuleIDs         types.Map      `tfsdk:"rule_ids"`
	Timeouts        timeouts.Value `tfsdk:"timeouts"`
}

// setEntry is one entry of rules: a rule's attributes as secgroup_rule
// has them, less the computed ones. An attribute left out is the cloud's
// default (policy, priority), none (description), or what the cloud picks
// (nic_type, the peer group's owner): state keeps it left out while the
// cloud holds the default, so there is no computed attribute in the map
// (Terraform 1.5 and OpenTofu 1.10 cannot generate configuration for
// computed nested attributes).
type setEntry struct {
	Direction             types.String `tfsdk:"direction"`
	Protocol              types.String `tfsdk:"protocol"`
	PortRange             types.String `tfsdk:"port_range"`
	CIDR                  types.String `tfsdk:"cidr"`
	PeerSecurityGroupID   types.String `tfsdk:"peer_security_group_id"`
	PeerGroupOwnerAccount types.String `tfsdk:"peer_group_owner_account"`
	PeerGroupOwnerID      types.String `tfsdk:"peer_group_owner_id"`
	PrefixListID          types.String `tfsdk:"prefix_list_id"`
	LocalCIDR             types.String `tfsdk:"local_cidr"`
	SourcePortRange       types.String `tfsdk:"source_port_range"`
	NicType               types.String `tfsdk:"nic_type"`
	Policy                types.String `tfsdk:"policy"`
	Priority              types.Number `tfsdk:"priority"`
	Description           types.String `tfsdk:"description"`
}

// setEntryType is the object type of an entry.
var setEntryType = types.ObjectType{AttrTypes: map[string]attr.Type{
	"direction": types.StringType, "protocol": types.StringType, "port_range": types.StringType,
	"cidr": types.StringType, "peer_security_group_id": types.StringType,
	"peer_group_owner_account": types.StringType, "peer_group_owner_id": types.StringType,
	"prefix_list_id": types.StringType, "local_cidr": types.StringType,
	"source_port_range": types.StringType, "nic_type": types.StringType, "policy": types.StringType,
	"priority": types.NumberType, "description": types.StringType,
}}

// attrs is the entry as secgroup_rule's attributes, for its checks and
// conversions.
func (e setEntry) attrs() ruleAttrs {
	return ruleAttrs{
		ID: types.StringNull(), RuleID: types.StringNull(),
		Direction: e.Direction, Protocol: e.Protocol, PortRange: e.PortRange, CIDR: e.CIDR,
		PeerSecurityGroupID: e.PeerSecurityGroupID, PeerGroupOwnerAccount: e.PeerGroupOwnerAccount,
		PeerGroupOwnerID: e.PeerGroupOwnerID, PrefixListID: e.PrefixListID, LocalCIDR: e.LocalCIDR,
		SourcePortRange: e.SourcePortRange, NicType: e.NicType, Policy: e.Policy, Priority: e.Priority,
		Description: e.Description,
	}
}

func entryOfAttrs(a ruleAttrs) setEntry {
	return setEntry{
		Direction: a.Direction, Protocol: a.Protocol, PortRange: a.PortRange, CIDR: a.CIDR,
		PeerSecurityGroupID: a.PeerSecurityGroupID, PeerGroupOwnerAccount: a.PeerGroupOwnerAccount,
		PeerGroupOwnerID: a.PeerGroupOwnerID, PrefixListID: a.PrefixListID, LocalCIDR: a.LocalCIDR,
		SourcePortRange: a.SourcePortRange, NicType: a.NicType, Policy: a.Policy, Priority: a.Priority,
		Description: a.Description,
	}
}

// known reports whether every attribute of the entry is known.
func (e setEntry) known() bool {
	for _, v := range []attr.Value{e.Direction, e.Protocol, e.PortRange, e.CIDR, e.PeerSecurityGroupID,
		e.PeerGroupOwnerAccount, e.PeerGroupOwnerID, e.PrefixListID, e.LocalCIDR, e.SourcePortRange,
		e.NicType, e.Policy, e.Priority, e.Description} {
		if v.IsUnknown() {
			return false
		}
	}
	return true
}

// rule is the entry as the rule to write: what it leaves out is the
// cloud's default policy and priority, and no description.
func (e setEntry) rule(caps cloud.Capabilities) rule.Rule {
	r := e.attrs().toRule()
	if r.Policy == "" {
		r.Policy = caps.DefaultPolicy
	}
	if r.Priority == 0 && caps.HasPriority() {
		r.Priority = caps.DefaultPriority
	}
	return r
}

// sameRule reports whether two entries make the same cloud rule (the
// description aside): what one leaves for the cloud to pick (nic_type,
// the peer group's owner) is any value.
func sameRule(a, b rule.Rule) bool {
	a.NativeID, b.NativeID = "", ""
	return a.Matches(b) && a.Policy == b.Policy && a.Priority == b.Priority
}

// oneCloudRule reports whether the cloud holds a and b as one rule: the
// same rule, or one that differs where the cloud's identity does not
// look (the priority on Zenlayer, ECS and Apsara Stack refuse a second
// rule so), or, where the description is part of it (Baidu), the same
// rule with the same description.
func oneCloudRule(a, b rule.Rule, id rule.Identity) bool {
	if id.NoPriority {
		a.Priority, b.Priority = 0, 0
	}
	return sameRule(a, b) && (!id.Description || a.Description == b.Description)
}

// parses reports whether the entry's addresses and ports are valid (the
// schema's validators report those that are not).
func (e setEntry) parses() bool {
	for _, v := range []types.String{e.CIDR, e.LocalCIDR} {
		if known(v) {
			if _, err := rule.CanonicalCIDR(v.ValueString()); err != nil {
				return false
			}
		}
	}
	for _, v := range []types.String{e.PortRange, e.SourcePortRange} {
		if known(v) {
			if _, err := rule.ParsePortRange(v.ValueString()); err != nil {
				return false
			}
		}
	}
	return true
}

// observed is the entry as the cloud holds rule o now, prior being the
// entry as state or the plan had it: in the prior's spelling where it
// means the same, and left out where the prior left it out and the cloud
// holds the default (secgroup_rule's setObserved, then that).
func (e setEntry) observed(cloudName, groupID string, o rule.Rule, caps cloud.Capabilities) setEntry {
	a := e.attrs()
	a.setObserved(cloudName, groupID, o)
	out := entryOfAttrs(a)
	if e.NicType.IsNull() {
		out.NicType = types.StringNull()
	}
	if e.PeerGroupOwnerAccount.IsNull() {
		out.PeerGroupOwnerAccount = types.StringNull()
	}
	if e.PeerGroupOwnerID.IsNull() {
		out.PeerGroupOwnerID = types.StringNull()
	}
	if e.Policy.IsNull() && (o.Policy == "" || o.Policy == caps.DefaultPolicy) {
		out.Policy = types.StringNull()
	}
	if e.Priority.IsNull() && (o.Priority == 0 || o.Priority == caps.DefaultPriority) {
		out.Priority = types.NumberNull()
	}
	if e.Description.IsNull() && o.Description == "" {
		out.Description = types.StringNull()
	}
	return out
}

// nullEntry is an entry with every attribute left out, the prior of an
// imported rule.
func nullEntry() setEntry {
	return entryOfAttrs(ruleAttrs{
		Direction: types.StringNull(), Protocol: types.StringNull(), PortRange: types.StringNull(),
		CIDR: types.StringNull(), PeerSecurityGroupID: types.StringNull(), PeerGroupOwnerAccount: types.StringNull(),
		PeerGroupOwnerID: types.StringNull(), PrefixListID: types.StringNull(), LocalCIDR: types.StringNull(),
		SourcePortRange: types.StringNull(), NicType: types.StringNull(), Policy: types.StringNull(),
		Priority: types.NumberNull(), Description: types.StringNull(),
	})
}

// setEntriesOf reads a rules map; entries are its's entries by key; unknown holds the keys whose
// whole entry is not known yet. ok is false when the map itself is null
// or unknown.
type entries struct {
	byKey   map[string]setEntry
	unknown []string
}

func setEntriesOf(ctx context.Context, m types.Map, diags *diag.Diagnostics) (entries, bool) {
	out := entries{byKey: map[string]setEntry{}}
	if m.IsNull() || m.IsUnknown() {
		return out, false
	}
	for k, v := range m.Elements() {
		obj, ok := v.(types.Object)
		if !ok {
			diags.AddAttributeError(path.Root("rules").AtMapKey(k), "Invalid Rule Set Entry", fmt.Sprintf("the entry is a %T, not an object: please report this to the provider developers", v))
			return out, false
		}
		if obj.IsUnknown() || obj.IsNull() {
			out.unknown = append(out.unknown, k)
			continue
		}
		e, ok := entryOfObject(obj)
		if !ok {
			diags.AddAttributeError(path.Root("rules").AtMapKey(k), "Invalid Rule Set Entry", "the entry's attributes are not of their types: please report this to the provider developers")
			return out, false
		}
		out.byKey[k] = e
	}
	sort.Strings(out.unknown)
	return out, true
}

// entryOfObject reads an entry field by field: ObjectValue.As reflects
// on the struct for every entry, a tenth of a large set's plan.
func entryOfObject(obj types.Object) (setEntry, bool) {
	a := obj.Attributes()
	str := func(name string) (types.String, bool) {
		v, ok := a[name].(types.String)
		return v, ok
	}
	var e setEntry
	ok := true
	for name, field := range map[string]*types.String{
		"direction": &e.Direction, "protocol": &e.Protocol, "port_range": &e.PortRange, "cidr": &e.CIDR,
		"peer_security_group_id": &e.PeerSecurityGroupID, "peer_group_owner_account": &e.PeerGroupOwnerAccount,
		"peer_group_owner_id": &e.PeerGroupOwnerID, "prefix_list_id": &e.PrefixListID, "local_cidr": &e.LocalCIDR,
		"source_port_range": &e.SourcePortRange, "nic_type": &e.NicType, "policy": &e.Policy, "description": &e.Description,
	} {
		v, isString := str(name)
		ok = ok && isString
		*field = v
	}
	p, isNumber := a["priority"].(types.Number)
	e.Priority = p
	return e, ok && isNumber
}

// keys are the entries' keys in order.
func (es entries) keys() []string {
	out := make([]string, 0, len(es.byKey))
	for k := range es.byKey {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// recorded are the entries' keys in order and their rules as state
// records them, each with its id (ruleWithID): what Read finds and Delete
// revokes.
func (es entries) recorded(ids map[string]string, caps cloud.Capabilities) (keys []string, rules []rule.Rule) {
	keys = es.keys()
	rules = make([]rule.Rule, len(keys))
	for i, k := range keys {
		rules[i] = ruleWithID(es.byKey[k], ids[k], caps)
	}
	return keys, rules
}

// setEntriesValue is the rules map holding byKey (built field by field,
// as entryOfObject reads it).
func setEntriesValue(_ context.Context, byKey map[string]setEntry, diags *diag.Diagnostics) types.Map {
	elems := make(map[string]attr.Value, len(byKey))
	for k, e := range byKey {
		obj, d := types.ObjectValue(setEntryType.AttrTypes, map[string]attr.Value{
			"direction": e.Direction, "protocol": e.Protocol, "port_range": e.PortRange, "cidr": e.CIDR,
			"peer_security_group_id": e.PeerSecurityGroupID, "peer_group_owner_account": e.PeerGroupOwnerAccount,
			"peer_group_owner_id": e.PeerGroupOwnerID, "prefix_list_id": e.PrefixListID, "local_cidr": e.LocalCIDR,
			"source_port_range": e.SourcePortRange, "nic_type": e.NicType, "policy": e.Policy,
			"priority": e.Priority, "description": e.Description,
		})
		diags.Append(d...)
		elems[k] = obj
	}
	v, d := types.MapValue(setEntryType, elems)
	diags.Append(d...)
	return v
}

// idsValue is a rule_ids map.
func idsValue(ids map[string]string) types.Map {
	elems := make(map[string]attr.Value, len(ids))
	for k, id := range ids {
		elems[k] = types.StringValue(id)
	}
	return types.MapValueMust(types.StringType, elems)
}

// idsOf reads a rule_ids map's known values.
func idsOf(m types.Map) map[string]string {
	out := map[string]string{}
	for k, v := range m.Elements() {
		if s, ok := v.(types.String); ok && known(s) {
			out[k] = s.ValueString()
		}
	}
	return out
}

// ruleWithID is the entry's rule carrying the id rule_ids records for it:
// the cloud's rule id where it has them, so that revokes and reads name
// that rule.
func ruleWithID(e setEntry, id string, caps cloud.Capabilities) rule.Rule {
	r := e.rule(caps)
	if p, err := rule.ParseID(id); err == nil && p.IsNative() {
		r.NativeID = p.Rule.NativeID
	}
	return r
}

// setID is a rule set's id: its cloud and group.
func setID(cloudName, groupID string) string { return cloudName + "/" + groupID }
