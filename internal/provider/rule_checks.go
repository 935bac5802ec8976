package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/secgroup/terraform-provider-secgroup/internal/cloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/rule"
)

// problem is one thing wrong with a rule's configuration: the attribute at
// fault ("" for the rule as a whole), and what to do about it.
type problem struct {
	attr, summary, detail string
}

func invalid(attr, format string, args ...any) problem {
	return problem{attr: attr, summary: "Invalid Attribute Value", detail: fmt.Sprintf(format, args...)}
}

// configCheck is one plan-time check of what single attributes cannot
// tell: m is the configuration, def the chosen cloud (nil while the cloud
// is unknown or not one of ours: its own validator says so).
type configCheck func(m ruleModel, def *cloud.Cloud) []problem

// configChecks run in this order, every one of them, so that a plan lists
// every problem at once.
var configChecks = []configCheck{
	checkOnePeer,
	checkPorts,
	checkAddressFamilies,
	checkProtocolOnCloud,
	checkAddressesOnCloud,
	checkSupportedOnCloud,
	checkValuesOnCloud,
	checkDescription,
	checkPriority,
}

// ValidateConfig runs configChecks at plan time. Each error names the
// attribute and the fix. The attributes are read raw (see rawAttrs).
func (r *RuleResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	raw, ok := readRaw(req.Config.Raw, "Invalid Configuration", &resp.Diagnostics)
	if !ok {
		return
	}
	resp.Diagnostics.Append(checkTimeouts(raw.timeouts(ctx).Object)...)
	m := raw.model()
	var def *cloud.Cloud
	if known(m.Cloud) {
		if d, ok := r.registry.Get(m.Cloud.ValueString()); ok {
			def = &d
		}
	}
	for _, check := range configChecks {
		for _, p := range check(m, def) {
			if p.attr == "" {
				resp.Diagnostics.AddError(p.summary, p.detail)
				continue
			}
			resp.Diagnostics.AddAttributeError(path.Root(p.attr), p.summary, p.detail)
		}
	}
}

// checkOnePeer: exactly one of cidr, peer_security_group_id and
// prefix_list_id. Here rather than a config validator, which walks the
// schema for each of the three (a tenth of the provider's CPU in a large
// plan).
func checkOnePeer(m ruleModel, _ *cloud.Cloud) []problem {
	var peers []string
	unknownPeer := false
	for _, p := range []struct {
		name string
		v    types.String
	}{{"cidr", m.CIDR}, {"peer_security_group_id", m.PeerSecurityGroupID}, {"prefix_list_id", m.PrefixListID}} {
		switch {
		case p.v.IsUnknown():
			unknownPeer = true
		case !p.v.IsNull():
			peers = append(peers, p.name)
		}
	}
	switch {
	case len(peers) > 1:
		return []problem{{attr: peers[0], summary: "Invalid Attribute Combination",
			detail: fmt.Sprintf("A rule has one peer: set exactly one of cidr, peer_security_group_id and prefix_list_id, not %s. Declare one rule per peer.", strings.Join(peers, " and "))}}
	case len(peers) == 0 && !unknownPeer:
		return []problem{{summary: "Missing Peer",
			detail: "A rule needs its peer: set exactly one of cidr (an address range), peer_security_group_id (another security group) and prefix_list_id (a prefix list)."}}
	}
	return nil
}

// checkPorts: port_range and source_port_range against the protocol. An
// unknown protocol gets its own error from the attribute's validator
// alone.
func checkPorts(m ruleModel, _ *cloud.Cloud) []problem {
	proto := m.Protocol.ValueString()
	if !known(m.Protocol) || !slices.Contains(rule.Protocols, proto) {
		return nil
	}
	var out []problem
	ports, perr := rule.ParsePortRange(m.PortRange.ValueString())
	switch {
	case rule.HasPorts(proto) && m.PortRange.IsNull():
		out = append(out, invalid("port_range", "protocol %q needs port_range, e.g. \"22\" or \"80-443\".", proto))
	case rule.HasPorts(proto) && known(m.PortRange) && perr == nil && ports.IsZero():
		out = append(out, invalid("port_range", "protocol %q needs ports: port_range %q means none. Write a port such as \"22\", a range such as \"80-443\", or \"1-65535\" for every port.",
			proto, m.PortRange.ValueString()))
	case !rule.HasPorts(proto) && !m.PortRange.IsNull():
		out = append(out, invalid("port_range", "protocol %q has no ports: remove port_range (the rule covers all of %s).", proto, proto))
	}
	if !rule.HasPorts(proto) && !m.SourcePortRange.IsNull() {
		out = append(out, invalid("source_port_range", "protocol %q has no ports: remove source_port_range.", proto))
	}
	return out
}

// checkAddressFamilies: both sides of a rule in one address family.
func checkAddressFamilies(m ruleModel, _ *cloud.Cloud) []problem {
	if !known(m.CIDR) || !known(m.LocalCIDR) {
		return nil
	}
	peer, _ := rule.CanonicalCIDR(m.CIDR.ValueString())
	local, _ := rule.CanonicalCIDR(m.LocalCIDR.ValueString())
	if peer != "" && local != "" && rule.IsIPv6(peer) != rule.IsIPv6(local) {
		return []problem{invalid("local_cidr", "local_cidr and cidr must both be IPv4 or both IPv6.")}
	}
	return nil
}

// checkProtocolOnCloud: the cloud takes the protocol.
func checkProtocolOnCloud(m ruleModel, def *cloud.Cloud) []problem {
	proto := m.Protocol.ValueString()
	if def == nil || !slices.Contains(rule.Protocols, proto) || slices.Contains(def.Capabilities.Protocols, proto) {
		return nil
	}
	return []problem{invalid("protocol", "%s does not support protocol %q: use one of %s.", def.Title, proto, strings.Join(def.Capabilities.Protocols, ", "))}
}

// checkAddressesOnCloud: each side's address against the cloud. ICMP has
// one protocol per address family where the cloud names both (ECS, Apsara
// Stack): icmpv6 for IPv6 peers, icmp for IPv4 ones. Where it names only
// icmp (Baidu), icmp with an IPv6 peer is ICMPv6, as the vendor's
// ethertype makes it.
func checkAddressesOnCloud(m ruleModel, def *cloud.Cloud) []problem {
	if def == nil {
		return nil
	}
	var out []problem
	proto := m.Protocol.ValueString()
	for _, a := range []struct {
		name string
		v    types.String
	}{{"cidr", m.CIDR}, {"local_cidr", m.LocalCIDR}} {
		c, err := rule.CanonicalCIDR(a.v.ValueString())
		if !known(a.v) || err != nil {
			continue
		}
		if rule.IsIPv6(c) && !def.Capabilities.IPv6 {
			out = append(out, invalid(a.name, "%s does not support IPv6: use an IPv4 CIDR block.", def.Title))
		}
		switch {
		case !known(m.Protocol):
		case proto == rule.ICMPv6 && !rule.IsIPv6(c):
			out = append(out, invalid(a.name, "protocol \"icmpv6\" is ICMP for IPv6: give an IPv6 %s, or use protocol \"icmp\" for IPv4.", a.name))
		case proto == rule.ICMP && rule.IsIPv6(c) && slices.Contains(def.Capabilities.Protocols, rule.ICMPv6):
			out = append(out, invalid(a.name, "protocol \"icmp\" is ICMP for IPv4 on %s: use protocol \"icmpv6\" with an IPv6 %s.", def.Title, a.name))
		}
	}
	return out
}

// checkSupportedOnCloud: attributes the cloud has no notion of are not
// set. A value known only later (passed on from a data source, a module's
// input) may turn out null, which is fine: Terraform validates the
// configuration again once it is known, before this rule is written.
func checkSupportedOnCloud(m ruleModel, def *cloud.Cloud) []problem {
	if def == nil {
		return nil
	}
	caps := def.Capabilities
	var out []problem
	for _, a := range []struct {
		name      string
		v         types.String
		supported bool
	}{
		{"peer_security_group_id", m.PeerSecurityGroupID, caps.PeerGroups},
		{"peer_group_owner_account", m.PeerGroupOwnerAccount, caps.PeerGroupOwner},
		{"peer_group_owner_id", m.PeerGroupOwnerID, caps.PeerGroupOwner},
		{"prefix_list_id", m.PrefixListID, caps.PrefixLists},
		{"local_cidr", m.LocalCIDR, caps.LocalCIDR},
		{"source_port_range", m.SourcePortRange, caps.SourcePortRange},
		{"nic_type", m.NicType, len(caps.NicTypes) > 0},
		{"policy", m.Policy, len(caps.Policies) > 0},
	} {
		if known(a.v) && !a.supported {
			out = append(out, invalid(a.name, "%s does not support %s: remove it.", def.Title, a.name))
		}
	}
	return out
}

// checkDescription: a description the cloud can hold. No description and
// an empty one are one value on every cloud: the empty one is what state
// and the secgroup_rules data source hold for a cloud without
// descriptions (ENS), so it passes there, and a value not known yet
// (passed on from the data source) may be it: Create checks it again.
func checkDescription(m ruleModel, def *cloud.Cloud) []problem {
	if def == nil || !known(m.Description) {
		return nil
	}
	caps, n := def.Capabilities, len([]rune(m.Description.ValueString()))
	switch {
	case n > 0 && !caps.Description:
		return []problem{invalid("description", "%s does not support description: remove it, or leave it \"\" (no description).", def.Title)}
	case caps.MaxDescription > 0 && n > caps.MaxDescription:
		return []problem{invalid("description", "%s takes descriptions of up to %d characters; this one has %d.", def.Title, caps.MaxDescription, n)}
	case rule.MentionsMarker(m.Description.ValueString()):
		// The ephemeral rule writes its own marker; one written by hand
		// would let the next ephemeral rule on the group revoke this rule.
		return []problem{invalid("description", "descriptions may not hold %q, which begins the expiry marker of ephemeral secgroup_rule rules: "+
			"a rule whose description ends in one is revoked by the next ephemeral rule opened on its group once the marker's time has passed. Remove it from %q.",
			"secgroup-ephemeral:", m.Description.ValueString())}
	}
	return nil
}

// checkValuesOnCloud: the values the cloud takes for policy and nic_type
// (where it has none, checkSupportedOnCloud says to remove them). While
// the cloud is not known (terraform validate of a cloud from a variable),
// the values some cloud takes; plan checks the cloud's. These are the
// attributes' only checks, so each mistake is one error.
func checkValuesOnCloud(m ruleModel, def *cloud.Cloud) []problem {
	var out []problem
	policy, nicType := m.Policy.ValueString(), m.NicType.ValueString()
	if def == nil {
		if known(m.Policy) && !slices.Contains(rule.Policies, policy) {
			out = append(out, invalid("policy", "policy is %s; %q is not one of them.", strings.Join(rule.Policies, " or "), policy))
		}
		if nicTypes := Clouds().NicTypes(); known(m.NicType) && !slices.Contains(nicTypes, nicType) {
			out = append(out, invalid("nic_type", "nic_type is %s where the cloud has NIC types; %q is not one of them.", strings.Join(nicTypes, " or "), nicType))
		}
		return out
	}
	caps, name := def.Capabilities, def.Title
	if known(m.Policy) && len(caps.Policies) > 0 && !slices.Contains(caps.Policies, policy) && !slices.Contains(caps.ExistingPolicies, policy) {
		out = append(out, invalid("policy", "%s cannot create rules with policy %q: use %s.", name, policy, strings.Join(caps.Policies, " or ")))
	}
	if known(m.NicType) && len(caps.NicTypes) > 0 && !slices.Contains(caps.NicTypes, nicType) {
		out = append(out, invalid("nic_type", "%s does not support nic_type %q: use %s.", name, nicType, strings.Join(caps.NicTypes, " or ")))
	}
	return out
}

// checkPriority: a whole number within the cloud's range, where the cloud
// has priorities; one error whatever is wrong with it. While the cloud is
// not known (terraform validate of a cloud from a variable) the range is
// that of every cloud with priorities, and plan checks the cloud's.
func checkPriority(m ruleModel, def *cloud.Cloud) []problem {
	if m.Priority.IsNull() || m.Priority.IsUnknown() {
		return nil
	}
	given := m.Priority.ValueBigFloat().Text('g', -1)
	p, isWhole := whole(m.Priority)
	if def == nil {
		low, high := priorityBounds(Clouds())
		if !isWhole || p < int64(low) || p > int64(high) {
			return []problem{invalid("priority", "priority is a whole number from %d to %d where the cloud has priorities; %s is not one.", low, high, given)}
		}
		return nil
	}
	caps := def.Capabilities
	switch {
	case !caps.HasPriority():
		return []problem{invalid("priority", "%s has no rule priorities: remove priority.", def.Title)}
	case !isWhole || p < int64(caps.MinPriority) || p > int64(caps.MaxPriority):
		return []problem{invalid("priority", "%s accepts priority %d to %d (whole numbers); %s is not one of them.", def.Title, caps.MinPriority, caps.MaxPriority, given)}
	}
	return nil
}

// priorityBounds is the lowest and the highest priority any of the clouds
// accepts.
func priorityBounds(registry *cloud.Registry) (low, high int) {
	for _, c := range registry.All() {
		caps := c.Capabilities
		if !caps.HasPriority() {
			continue
		}
		if low == 0 || caps.MinPriority < low {
			low = caps.MinPriority
		}
		high = max(high, caps.MaxPriority)
	}
	return low, high
}
