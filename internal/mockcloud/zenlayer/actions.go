package zenlayer

import (
	"encoding/json"
	"fmt"
	"slices"

	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/store"
)

type handler func(tx *store.Tx, body []byte) (map[string]any, *apiError)

var actions = map[string]handler{
	"AuthorizeSecurityGroupRules": authorize,
	"RevokeSecurityGroupRules":    revoke,
	"DescribeSecurityGroups":      describe,
}

// MaxRulesPerDirection is Zenlayer's documented limit: 20 ingress and 20
// egress rules per group.
const MaxRulesPerDirection = 20

// groupRules is the body of AuthorizeSecurityGroupRules and
// RevokeSecurityGroupRules.
type groupRules struct {
	SecurityGroupID string      `json:"securityGroupId"`
	RuleInfos       []requested `json:"ruleInfos"`
}

// writableGroup reads a write's body and finds its group, refusing groups
// that cannot be edited, in the order the API checks them.
func writableGroup(tx *store.Tx, body []byte) (*store.Group, groupRules, *apiError) {
	var in groupRules
	if err := json.Unmarshal(body, &in); err != nil {
		return nil, in, errorf(400, "INVALID_PARAMETER", "The request body does not match the action's parameters: "+err.Error())
	}
	if in.SecurityGroupID == "" {
		return nil, in, errorf(400, "INVALID_PARAMETER", "securityGroupId is required.")
	}
	if len(in.RuleInfos) == 0 {
		return nil, in, errorf(400, "INVALID_PARAMETER", "ruleInfos is required.")
	}
	g := tx.Group(Cloud, in.SecurityGroupID)
	switch {
	case g == nil:
		return nil, in, errorf(404, "INVALID_SECURITY_GROUP_NOT_FOUND", "Security group does not exist.")
	case g.Default:
		return nil, in, errorf(403, "OPERATION_DENIED_DEFAULT_SECURITY_GROUP_NOT_SUPPORT", "Operations on the default security groups are not supported.")
	case g.Status != "Available":
		return nil, in, errorf(403, "OPERATION_DENIED_SECURITY_GROUP_STATUS_NOT_AVAILABLE", "Status of security group should be Available.")
	}
	return g, in, nil
}

// authorize adds every rule or none: a bad or repeated rule, or one past
// the limit, fails the whole call.
func authorize(tx *store.Tx, body []byte) (map[string]any, *apiError) {
	g, in, e := writableGroup(tx, body)
	if e != nil {
		return nil, e
	}
	var add []RuleInfo
	count := map[string]int{}
	for _, r := range g.Rules {
		count[r.(*RuleInfo).Direction]++
	}
	for _, req := range in.RuleInfos {
		r, e := normalize(req, true)
		if e != nil {
			return nil, e
		}
		for _, o := range append(stored(g), add...) {
			if sameRule(r, o) {
				return nil, errorf(403, "OPERATION_DENIED_SECURITY_GROUP_EXIST_REPEAT_RULE", "Security group rule already exists.")
			}
		}
		if count[r.Direction]++; count[r.Direction] > MaxRulesPerDirection {
			return nil, errorf(403, "OPERATION_DENIED_SECURITY_GROUP_RULE_EXCEED_LIMIT",
				fmt.Sprintf("A security group holds at most %d %s rules.", MaxRulesPerDirection, r.Direction))
		}
		add = append(add, r)
	}
	for _, r := range add {
		r.RuleID = tx.NextNumber()
		g.Rules = append(g.Rules, &r)
	}
	return nil, nil
}

// revoke removes every named rule or none: a rule that does not exist
// fails the whole call with INVALID_SECURITY_GROUP_RULE_NOT_FOUND (the
// Zenlayer RevokeSecurityGroupRules reference documents the code and no
// partial success; the mock takes the strict reading).
func revoke(tx *store.Tx, body []byte) (map[string]any, *apiError) {
	g, in, e := writableGroup(tx, body)
	if e != nil {
		return nil, e
	}
	drop := map[int]bool{}
	for _, req := range in.RuleInfos {
		r, e := normalize(req, false)
		if e != nil {
			return nil, e
		}
		found := false
		for i, o := range stored(g) {
			if !drop[i] && matches(req, r, o) {
				drop[i], found = true, true
				break
			}
		}
		if !found {
			return nil, errorf(404, "INVALID_SECURITY_GROUP_RULE_NOT_FOUND", "Security group rule does not exist.")
		}
	}
	kept := []any{}
	for i, r := range g.Rules {
		if !drop[i] {
			kept = append(kept, r)
		}
	}
	g.Rules = kept
	return nil, nil
}

func stored(g *store.Group) []RuleInfo {
	out := make([]RuleInfo, len(g.Rules))
	for i, r := range g.Rules {
		out[i] = *r.(*RuleInfo)
	}
	return out
}

// describe pages through the groups, filtered by ids or name.
func describe(tx *store.Tx, body []byte) (map[string]any, *apiError) {
	var in struct {
		SecurityGroupIDs  []string `json:"securityGroupIds"`
		SecurityGroupName string   `json:"securityGroupName"`
		PageNum           int      `json:"pageNum"`
		PageSize          int      `json:"pageSize"`
	}
	if len(body) > 0 {
		if err := json.Unmarshal(body, &in); err != nil {
			return nil, errorf(400, "INVALID_PARAMETER", "The request body does not match the action's parameters: "+err.Error())
		}
	}
	if len(in.SecurityGroupIDs) > 100 {
		return nil, errorf(400, "INVALID_PARAMETER", "securityGroupIds takes at most 100 ids.")
	}
	if in.PageNum == 0 {
		in.PageNum = 1
	}
	if in.PageSize == 0 {
		in.PageSize = 20
	}
	if in.PageNum < 1 || in.PageSize < 1 || in.PageSize > 1000 {
		return nil, errorf(400, "INVALID_PARAMETER", "pageNum must be at least 1 and pageSize within 1-1000.")
	}
	var match []map[string]any
	for _, g := range tx.Groups(Cloud) {
		if len(in.SecurityGroupIDs) > 0 && !slices.Contains(in.SecurityGroupIDs, g.ID) || in.SecurityGroupName != "" && in.SecurityGroupName != g.ID {
			continue
		}
		rules := stored(g)
		match = append(match, map[string]any{
			"securityGroupId": g.ID, "securityGroupName": g.ID, "securityGroupStatus": g.Status,
			"createTime": "2024-01-01T00:00:00Z", "description": nil, "instanceIds": []string{},
			"isDefault": g.Default, "ruleInfos": rules,
		})
	}
	total := len(match)
	start := min((in.PageNum-1)*in.PageSize, total)
	end := min(start+in.PageSize, total)
	page := match[start:end]
	if page == nil {
		page = []map[string]any{}
	}
	return map[string]any{"totalCount": total, "dataSet": page}, nil
}
