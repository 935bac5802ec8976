package ens

import (
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/frontend"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/store"
)

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

// describe answers a group that does not exist with ens.interface.error, as
// ENS's own provider expects of DescribeSecurityGroupAttribute (the
// alicloud provider's DescribeEnsSecurityGroup reads it as "not found");
// the write actions answer InvalidSecurityGroupId.NotFound, as the ENS
// RevokeSecurityGroupEgress reference lists.
func describe(tx *store.Tx, params map[string]string) (map[string]any, *frontend.Error) {
	g, e := group(tx, params)
	if e != nil && e.Code == "InvalidSecurityGroupId.NotFound" {
		return nil, errorf(400, "ens.interface.error", "An error occurred while calling the API.")
	}
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
