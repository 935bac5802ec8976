package provider

import (
	"math/big"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/secgroup/terraform-provider-secgroup/internal/rule"
)

// ruleAttrs are the attributes of one rule, shared by the secgroup_rule
// resource and the entries of the secgroup_rules data source.
type ruleAttrs struct {
	ID                    types.String `tfsdk:"id"`
	RuleID                types.String `tfsdk:"rule_id"`
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

// ruleModel is the secgroup_rule resource's data.
type ruleModel struct {
	ruleAttrs
	Cloud           types.String   `tfsdk:"cloud"`
	SecurityGroupID types.String   `tfsdk:"security_group_id"`
	Timeouts        timeouts.Value `tfsdk:"timeouts"`
}

// newRuleModel is a model to fill with setObserved: no timeouts set, as
// an import or a move leaves them.
func newRuleModel() ruleModel {
	return ruleModel{Timeouts: timeouts.Value{Object: types.ObjectNull(timeoutsAttrTypes)}}
}

// toRule converts known values to the portable model. The validators have
// already checked syntax, so parse errors cannot occur here; values that
// are unknown or null stay unset.
func (m ruleAttrs) toRule() rule.Rule {
	r := rule.Rule{
		NativeID:              m.RuleID.ValueString(),
		Direction:             m.Direction.ValueString(),
		Protocol:              m.Protocol.ValueString(),
		PeerGroupID:           m.PeerSecurityGroupID.ValueString(),
		PeerGroupOwnerAccount: m.PeerGroupOwnerAccount.ValueString(),
		PeerGroupOwnerID:      m.PeerGroupOwnerID.ValueString(),
		PrefixListID:          m.PrefixListID.ValueString(),
		NicType:               m.NicType.ValueString(),
		Policy:                m.Policy.ValueString(),
		Priority:              int(wholeOrZero(m.Priority)),
		Description:           m.Description.ValueString(),
	}
	r.Ports, _ = rule.ParsePortRange(m.PortRange.ValueString())
	r.SourcePorts, _ = rule.ParsePortRange(m.SourcePortRange.ValueString())
	if v := m.CIDR.ValueString(); v != "" {
		r.CIDR, _ = rule.CanonicalCIDR(v)
	}
	if v := m.LocalCIDR.ValueString(); v != "" {
		r.LocalCIDR, _ = rule.CanonicalCIDR(v)
	}
	return r
}

// setObserved writes what the cloud reports into m. Where the prior value
// means the same as the observed one in another spelling ("10.0.0.1" and
// "10.0.0.1/32", "22" and "22-22"), the user's spelling stays, so there is
// never a diff from spelling alone. Attributes the cloud does not report
// (empty observed value) keep their prior value when they are optional
// parts of the rule's identity.
func (m *ruleModel) setObserved(cloudName, groupID string, o rule.Rule) {
	m.Cloud = types.StringValue(cloudName)
	m.SecurityGroupID = types.StringValue(groupID)
	m.ruleAttrs.setObserved(cloudName, groupID, o)
}

// setObserved writes a rule's attributes; see ruleModel.setObserved. With
// null prior values (a data source entry, an import) it writes o as is.
func (m *ruleAttrs) setObserved(cloudName, groupID string, o rule.Rule) {
	m.Direction = optional(o.Direction)
	m.Protocol = optional(o.Protocol)
	m.PortRange = keepSpelling(m.PortRange, o.Ports.String(), rule.CanonicalPortRange)
	m.SourcePortRange = keepSpelling(m.SourcePortRange, o.SourcePorts.String(), rule.CanonicalPortRange)
	m.CIDR = keepSpelling(m.CIDR, o.CIDR, rule.CanonicalCIDR)
	m.LocalCIDR = keepSpelling(m.LocalCIDR, o.LocalCIDR, rule.CanonicalCIDR)
	m.PeerSecurityGroupID = optional(o.PeerGroupID)
	m.PrefixListID = optional(o.PrefixListID)
	m.PeerGroupOwnerAccount = unlessUnreported(m.PeerGroupOwnerAccount, o.PeerGroupOwnerAccount)
	m.PeerGroupOwnerID = unlessUnreported(m.PeerGroupOwnerID, o.PeerGroupOwnerID)
	m.NicType = unlessUnreported(m.NicType, o.NicType)
	m.Policy = unlessUnreported(m.Policy, o.Policy)
	if o.Priority != 0 {
		m.Priority = priorityValue(o.Priority)
	} else if m.Priority.IsUnknown() {
		m.Priority = types.NumberNull()
	}
	// No description and an empty one are one value.
	m.Description = types.StringValue(o.Description)
	m.RuleID = optional(o.NativeID)
	m.ID = types.StringValue(stableID(m.ID, rule.ID{Cloud: cloudName, GroupID: groupID, Rule: o}))
}

// stableID is the id to record for a rule: its own, or the recorded one
// where that is the rule's content id written before the peer group's
// owner was read (releases before this one did not read ECS's owner id):
// a content id is compared later (keep-lists, identities), so it stays
// while it names the same rule. Ids of the native form never change so.
func stableID(prior types.String, id rule.ID) string {
	own := id.String()
	if !known(prior) || prior.ValueString() == own || id.IsNative() {
		return own
	}
	p, err := rule.ParseID(prior.ValueString())
	if err != nil || p.IsNative() || p.Cloud != id.Cloud || p.GroupID != id.GroupID {
		return own
	}
	o := id.Rule
	if p.Rule.PeerGroupOwnerAccount == "" {
		o.PeerGroupOwnerAccount = ""
	}
	if p.Rule.PeerGroupOwnerID == "" {
		o.PeerGroupOwnerID = ""
	}
	if rule.ContentKey(p.Rule) == rule.ContentKey(o) {
		return prior.ValueString()
	}
	return own
}

// priorityValue is a priority as the priority attribute holds it. The
// attribute is a number, not an integer: the framework refuses a fraction
// in an integer attribute as a provider bug, before any check of ours can
// say what the cloud accepts (checkPriority does).
func priorityValue(p int) types.Number {
	return types.NumberValue(new(big.Float).SetInt64(int64(p)))
}

// whole is v as an int64, if it is a known whole number that fits.
func whole(v types.Number) (int64, bool) {
	if v.IsNull() || v.IsUnknown() || v.ValueBigFloat() == nil {
		return 0, false
	}
	n, acc := v.ValueBigFloat().Int64()
	return n, acc == big.Exact
}

// wholeOrZero is v as an int64, 0 where it is none (unknown, null, or a
// fraction the checks refused).
func wholeOrZero(v types.Number) int64 {
	n, _ := whole(v)
	return n
}

func optional(v string) types.String {
	if v == "" {
		return types.StringNull()
	}
	return types.StringValue(v)
}

func unlessUnreported(prior types.String, observed string) types.String {
	if observed == "" {
		if prior.IsUnknown() {
			return types.StringNull()
		}
		return prior
	}
	return types.StringValue(observed)
}

func keepSpelling(prior types.String, observed string, canon func(string) (string, error)) types.String {
	if observed == "" {
		return types.StringNull()
	}
	if !prior.IsNull() && !prior.IsUnknown() {
		if c, err := canon(prior.ValueString()); err == nil && c == observed {
			return prior
		}
	}
	return types.StringValue(observed)
}
