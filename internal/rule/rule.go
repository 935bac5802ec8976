package rule

import (
	"fmt"
	"strconv"
	"time"
)

// Rule is one security group rule in portable, canonical form. A field left
// at its zero value is "not set" (the cloud's default applies).
type Rule struct {
	// NativeID is the cloud's own id for the rule (sgr-… on ECS), where the
	// cloud has one.
	NativeID string

	Direction string
	Protocol  string
	Ports     PortRange

	// The peer: exactly one of CIDR, PeerGroupID and PrefixListID is set.
	CIDR                  string
	PeerGroupID           string
	PeerGroupOwnerAccount string
	PeerGroupOwnerID      string
	PrefixListID          string

	// LocalCIDR narrows the rule on the group's own side (ECS "quintuple"
	// rules: DestCidrIp on ingress, SourceCidrIp on egress).
	LocalCIDR   string
	SourcePorts PortRange
	NicType     string

	Policy      string
	Priority    int
	Description string

	// Created is when the cloud made the rule, where its describe says
	// (ECS's CreateTime); it names nothing and is never compared.
	Created time.Time
}

// Peer is the rule's peer as one string, for messages.
func (r Rule) Peer() string {
	switch {
	case r.CIDR != "":
		return r.CIDR
	case r.PeerGroupID != "":
		return "group " + r.PeerGroupID
	case r.PrefixListID != "":
		return "prefix list " + r.PrefixListID
	}
	return "(no peer)"
}

// String is a short human description, used in diagnostics and logs.
func (r Rule) String() string {
	s := fmt.Sprintf("%s %s", r.Direction, r.Protocol)
	if !r.Ports.IsZero() {
		s += " " + r.Ports.String()
	}
	s += " " + r.Peer()
	if r.Policy != "" {
		s += " " + r.Policy
	}
	if r.Priority != 0 {
		s += " priority " + strconv.Itoa(r.Priority)
	}
	return s
}

// Matches reports whether an observed rule (as a cloud reports it) is the
// rule r describes. Fields r leaves unset are not compared: the cloud fills
// them with its defaults. The description never takes part: it is mutable
// on most clouds. (Baidu counts it in a rule's identity, so two BCC rules
// that differ only in it match alike and the first one is found.)
func (r Rule) Matches(observed Rule) bool {
	if r.NativeID != "" && observed.NativeID != "" {
		return r.NativeID == observed.NativeID
	}
	return r.Direction == observed.Direction &&
		r.Protocol == observed.Protocol &&
		r.Ports == observed.Ports &&
		r.CIDR == observed.CIDR &&
		r.PeerGroupID == observed.PeerGroupID &&
		r.PrefixListID == observed.PrefixListID &&
		optionalEqual(r.PeerGroupOwnerAccount, observed.PeerGroupOwnerAccount) &&
		optionalEqual(r.PeerGroupOwnerID, observed.PeerGroupOwnerID) &&
		r.LocalCIDR == observed.LocalCIDR &&
		r.SourcePorts == observed.SourcePorts &&
		optionalEqual(r.NicType, observed.NicType) &&
		optionalEqual(r.Policy, observed.Policy) &&
		(r.Priority == 0 || observed.Priority == 0 || r.Priority == observed.Priority)
}

func optionalEqual(want, got string) bool {
	return want == "" || got == "" || want == got
}

// Find returns the index of the rule in rules that r names, or -1: by
// native id first, then by content. The content pass finds a rule that was
// recreated out of band under a new id, which is still the rule the user
// declared (clouds reject two rules of equal content).
func Find(rules []Rule, r Rule) int { return Identity{}.Find(rules, r) }

// Identity is what tells two rules apart on a cloud, beyond what Matches
// compares everywhere. The zero value is Matches itself.
type Identity struct {
	// Description: the description is part of a rule's identity, so two
	// rules that differ only in it are two rules (Baidu's remark, in the
	// 6-tuple of its RevokeSecurityGroupRule).
	Description bool
	// NoPriority: two rules that differ only in priority are one rule
	// (Zenlayer refuses the second as a repeat).
	NoPriority bool
}

// Match reports whether observed is the rule r names on a cloud of this
// identity.
func (id Identity) Match(r, observed Rule) bool {
	if r.NativeID != "" && observed.NativeID != "" {
		return r.NativeID == observed.NativeID
	}
	if id.NoPriority {
		r.Priority, observed.Priority = 0, 0
	}
	return r.Matches(observed) && (!id.Description || r.Description == observed.Description)
}

// Find is Find on a cloud of this identity: by native id first, then by
// content.
func (id Identity) Find(rules []Rule, r Rule) int {
	if r.NativeID != "" {
		for i, o := range rules {
			if o.NativeID == r.NativeID {
				return i
			}
		}
	}
	byContent := r
	byContent.NativeID = ""
	for i, o := range rules {
		if id.Match(byContent, o) {
			return i
		}
	}
	return -1
}
