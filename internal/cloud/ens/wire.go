package ens

import (
	"github.com/secgroup/terraform-provider-secgroup/internal/cloud/alibaba"
	"github.com/secgroup/terraform-provider-secgroup/internal/rule"
)

// fromWire reads a described Permission as ECS does (alibaba.FromWire,
// which also lower-cases ENS's "TCP" and "Accept"), without what ENS rules
// do not have: rule ids, NIC types, descriptions and a local CIDR.
func fromWire(p alibaba.Permission) rule.Rule {
	r := alibaba.FromWire(p)
	r.NativeID, r.NicType, r.Description, r.LocalCIDR = "", "", "", ""
	return r
}
