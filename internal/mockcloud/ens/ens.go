// Package ens is mockcloud's Alibaba ENS (Edge Node Service) front-end,
// API 2017-11-10: ECS's RPC transport (package alicloud: parameters, V1/V3
// signatures, error body) with ENS's own rules: one flat rule per call,
// lower-case IpProtocol only, integer Priority, no IPv6, no rule ids, 400
// for most errors, and the codes of the ENS RevokeSecurityGroupEgress
// reference.
package ens

import (
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/alicloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/frontend"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/store"
)

// Cloud is the store's name for ENS groups.
const Cloud = "ens"

// Version is the ENS API version; calls with it are routed here, the
// others on "/" to ECS.
const Version = "2017-11-10"

// MaxRules is the per-group rule quota the mock enforces.
const MaxRules = 100

var errorf = frontend.Errorf

// New builds the front-end.
func New(cfg frontend.Config) *alicloud.API {
	return alicloud.NewDialect(cfg, alicloud.Dialect{
		Cloud:   Cloud,
		Version: Version,
		Actions: map[string]alicloud.Handler{
			"AuthorizeSecurityGroup":         write("ingress", authorize),
			"AuthorizeSecurityGroupEgress":   write("egress", authorize),
			"RevokeSecurityGroup":            write("ingress", revoke),
			"RevokeSecurityGroupEgress":      write("egress", revoke),
			"DescribeSecurityGroupAttribute": describe,
		},
		Faults: frontend.FaultAnswers{
			Throttle:    errorf(400, "Throttling.User", "Request was denied due to user flow control."),
			ServerError: errorf(500, "InternalError", "The request processing has failed due to some unknown error."),
		},
	})
}

func group(tx *store.Tx, params map[string]string) (*store.Group, *frontend.Error) {
	id := params["SecurityGroupId"]
	if id == "" {
		return nil, errorf(400, "MissingParameter", "The input parameter SecurityGroupId that is mandatory for processing this request is not supplied.")
	}
	g := tx.Group(Cloud, id)
	if g == nil {
		return nil, errorf(400, "InvalidSecurityGroupId.NotFound", "The specified SecurityGroupId does not exist.")
	}
	return g, nil
}

type rulesAction func(tx *store.Tx, g *store.Group, p Permission) (map[string]any, *frontend.Error)

// write reads and checks one rule of an authorize or revoke call, the way
// ENS validates it, then runs the action.
func write(direction string, act rulesAction) alicloud.Handler {
	return func(tx *store.Tx, params map[string]string) (map[string]any, *frontend.Error) {
		g, e := group(tx, params)
		if e != nil {
			return nil, e
		}
		p, e := normalize(direction, params)
		if e != nil {
			return nil, e
		}
		return act(tx, g, p)
	}
}
