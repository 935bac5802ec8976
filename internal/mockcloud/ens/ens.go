// Package ens is mockcloud's Alibaba ENS (Edge Node Service) front-end,
// API 2017-11-10: ECS's RPC transport (package ecs: parameters, V1/V3
// signatures, error body) with ENS's own rules: one flat rule per call,
// lower-case IpProtocol only, integer Priority, no IPv6, no rule ids, 400
// for most errors, and the codes of the ENS RevokeSecurityGroup reference.
package ens

import (
	"strconv"
	"strings"
	"time"

	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/ecs"
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
func New(cfg frontend.Config) *ecs.API {
	return ecs.NewDialect(cfg, ecs.Dialect{
		Cloud:   Cloud,
		Version: Version,
		Actions: map[string]ecs.Handler{
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

// Permission is a stored ENS rule; it marshals to DescribeSecurityGroupAttribute's
// Permission: protocol and policy as ENS answers them (TCP, Accept),
// Priority an integer, CreationTime.
type Permission struct {
	Direction       string
	IpProtocol      string
	PortRange       string
	SourcePortRange string
	SourceCidrIp    string
	DestCidrIp      string
	Policy          string
	Priority        int
	Description     string
	CreationTime    string
}

// identity is what makes two rules the same rule.
func (p Permission) identity() string {
	return strings.Join([]string{p.Direction, p.IpProtocol, p.PortRange, p.SourcePortRange, p.SourceCidrIp, p.DestCidrIp, p.Policy, strconv.Itoa(p.Priority)}, "|")
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
func write(direction string, act rulesAction) ecs.Handler {
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

func normalize(direction string, q map[string]string) (Permission, *frontend.Error) {
	p := Permission{Direction: direction, Policy: "Accept", Priority: 1}
	proto := q["IpProtocol"]
	switch proto {
	case "":
		return p, errorf(400, "MissingParameter", "The input parameter IpProtocol that is mandatory for processing this request is not supplied.")
	case "tcp", "udp", "icmp", "gre", "all":
		p.IpProtocol = strings.ToUpper(proto)
	default:
		// Case-sensitive, as the vendor documents: "TCP" is refused.
		return p, errorf(400, "InvalidParameter.IpProtocol", "The specified field IpProtocol invalid. Please check it again.")
	}
	withPorts := proto == "tcp" || proto == "udp"
	var ok bool
	if q["PortRange"] == "" {
		return p, errorf(400, "MissingParameter", "The input parameter PortRange that is mandatory for processing this request is not supplied.")
	}
	if p.PortRange, ok = ecs.PortRange(q["PortRange"], withPorts); !ok {
		return p, errorf(400, "InvalidParameter.PortRange", "The specified field PortRange invalid. Please check it again.")
	}
	if v := q["SourcePortRange"]; v != "" {
		if p.SourcePortRange, ok = ecs.PortRange(v, withPorts); !ok {
			return p, errorf(400, "InvalidParameter.SourcePortRange", "The specified field SourcePortRange invalid. Please check it again.")
		}
	}
	field := "SourceCidrIp"
	if direction == "egress" {
		field = "DestCidrIp"
	}
	cidr := q[field]
	if cidr == "" {
		return p, errorf(400, "MissingParameter", "The input parameter "+field+" that is mandatory for processing this request is not supplied.")
	}
	norm, ok := ipv4(cidr)
	if !ok {
		return p, errorf(400, "InvalidParameter."+field, "The specified field "+field+" invalid. Please check it again.")
	}
	if direction == "ingress" {
		p.SourceCidrIp = norm
	} else {
		p.DestCidrIp = norm
	}
	switch q["Policy"] {
	case "", "accept":
	case "drop":
		p.Policy = "Drop"
	default:
		return p, errorf(400, "InvalidParameter.Policy", "The specified field Policy invalid. Please check it again.")
	}
	if v := q["Priority"]; v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 100 {
			return p, errorf(400, "InvalidParameter.Priority", "The specified field Priority invalid. Please check it again.")
		}
		p.Priority = n
	}
	return p, nil
}

// ipv4 is an IPv4 block or address in CIDR form; ENS refuses host bits.
func ipv4(s string) (string, bool) {
	p, ok := frontend.Prefix(s)
	return p.String(), ok && p.Addr().Is4() && p.Masked() == p
}

func authorize(tx *store.Tx, g *store.Group, p Permission) (map[string]any, *frontend.Error) {
	for _, r := range g.Rules {
		if r.(*Permission).identity() == p.identity() {
			return nil, errorf(400, "SecurityGroupRuleConflict.Duplicated", "The SecurityGroup rule already exists.")
		}
	}
	if len(g.Rules) >= MaxRules {
		return nil, errorf(400, "AuthorizationLimitExceed", "The limit of authorization records in the security group reaches.")
	}
	p.CreationTime = tx.Now().Format("2006-01-02T15:04:05Z")
	g.Rules = append(g.Rules, &p)
	return nil, nil
}

func revoke(_ *store.Tx, g *store.Group, p Permission) (map[string]any, *frontend.Error) {
	for i, r := range g.Rules {
		if r.(*Permission).identity() == p.identity() {
			g.Rules = append(g.Rules[:i:i], g.Rules[i+1:]...)
			return nil, nil
		}
	}
	return nil, errorf(400, "SecurityGroupRule.NotFound", "The input security group rule does not exist.")
}

func describe(tx *store.Tx, params map[string]string) (map[string]any, *frontend.Error) {
	g, e := group(tx, params)
	if e != nil {
		return nil, e
	}
	perms := g.Rules
	if perms == nil {
		perms = []any{}
	}
	return map[string]any{"SecurityGroupId": g.ID, "SecurityGroupName": g.ID, "Description": "",
		"Permissions": map[string]any{"Permission": perms}}, nil
}

// Fixtures are the ENS groups mockcloud starts with (documented in
// mockcloud's README): sg-ens-web and sg-ens-db, empty. ENS's rule calls
// take no region.
func Fixtures(time.Time) []*store.Group {
	return []*store.Group{
		{Cloud: Cloud, ID: "sg-ens-web", Status: "Available", Rules: []any{}},
		{Cloud: Cloud, ID: "sg-ens-db", Status: "Available", Rules: []any{}},
	}
}
