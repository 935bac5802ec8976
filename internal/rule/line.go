package rule

import (
	"strconv"
	"time"
)

// LineVersion is the version of the form Line writes. Line is persisted:
// secgroup_rules_exclusive stores it in state and, at apply, revokes a
// rule only while the group holds it as the stored line. Changing what
// Line (or Summary) writes is a format change: raise LineVersion, add a
// state version to every resource that stores lines, with an upgrader,
// and update testdata/lines.golden (DESIGN.md, "Persisted formats").
const LineVersion = 1

// Summary says what a rule does, as a reviewer reads it, with every part
// that tells two rules of one cloud apart: direction, protocol, ports,
// peer (and its owner), the group's own side where the rule narrows it,
// source ports, the NIC type, policy, priority, description, and the
// cloud's id ("ingress tcp 22 from 10.0.0.0/8 nic intranet accept
// priority 1 \"ssh\" (sgr-1)"). It is the first part of Line, so it is
// persisted too.
func (r Rule) Summary() string {
	s := r.Direction + " " + r.Protocol
	if !r.Ports.IsZero() {
		s += " " + r.Ports.String()
	}
	if r.Direction == Egress {
		s += " to " + r.Peer()
	} else {
		s += " from " + r.Peer()
	}
	for _, owner := range []string{r.PeerGroupOwnerAccount, r.PeerGroupOwnerID} {
		if owner != "" {
			s += " of " + owner
		}
	}
	if r.LocalCIDR != "" {
		s += " at " + r.LocalCIDR
	}
	if !r.SourcePorts.IsZero() {
		s += " source ports " + r.SourcePorts.String()
	}
	if r.NicType != "" {
		s += " nic " + r.NicType
	}
	if r.Policy != "" {
		s += " " + r.Policy
	}
	if r.Priority != 0 {
		s += " priority " + strconv.Itoa(r.Priority)
	}
	if r.Description != "" {
		s += " " + strconv.Quote(r.Description)
	}
	if r.NativeID != "" {
		s += " (" + r.NativeID + ")"
	}
	return s
}

// Line is the rule as a persisted line: Summary, then, where the cloud
// says, when it made the rule (", created 2026-12-06T14:05:26Z"), which
// tells apart a rule revoked and made again with the same content and id
// (ENS). Persisted: see LineVersion.
func (r Rule) Line() string {
	s := r.Summary()
	if !r.Created.IsZero() {
		s += ", created " + r.Created.UTC().Format(time.RFC3339)
	}
	return s
}
