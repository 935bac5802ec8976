package apsarastack

import (
	"github.com/secgroup/terraform-provider-secgroup/internal/cloud/alibaba"
	"github.com/secgroup/terraform-provider-secgroup/internal/rule"
)

// fromWire reads a described Permission as ECS does, plus the peer
// group's owner id, which Apsara Stack answers and ECS's SDK type lacks.
func fromWire(p alibaba.Permission) rule.Rule {
	r := alibaba.FromWire(p)
	if r.PeerGroupID != "" {
		r.PeerGroupOwnerID = ownerID(p, r.Direction)
	}
	return r
}

// ownerID is the peer group's owner id in a described rule.
func ownerID(p alibaba.Permission, direction string) string {
	if direction == rule.Egress {
		return p.DestGroupOwnerId.String()
	}
	return p.SourceGroupOwnerId.String()
}
