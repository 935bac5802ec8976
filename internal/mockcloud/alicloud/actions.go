package alicloud

import (
	"encoding/base64"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/frontend"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/store"
)

type handler func(a *API, tx *store.Tx, req *request) (map[string]any, *apiError)

var actions = map[string]handler{
	"AuthorizeSecurityGroup":         idempotent(authorize("ingress")),
	"AuthorizeSecurityGroupEgress":   idempotent(authorize("egress")),
	"RevokeSecurityGroup":            idempotent(revoke("ingress")),
	"RevokeSecurityGroupEgress":      idempotent(revoke("egress")),
	"ModifySecurityGroupRule":        idempotent(modify("ingress")),
	"ModifySecurityGroupEgressRule":  idempotent(modify("egress")),
	"DescribeSecurityGroupAttribute": describe,
}

// idempotent honours a write's ClientToken as ECS documents idempotence
// (and the Apsara Stack RevokeSecurityGroup reference: "unique between
// different requests"), see frontend.Idempotent: the same token on another
// request (another action, group or parameter) is
// IdempotentParameterMismatch.
func idempotent(h handler) handler {
	return func(a *API, tx *store.Tx, req *request) (map[string]any, *apiError) {
		token := req.params["ClientToken"]
		if token == "" {
			return h(a, tx, req)
		}
		return frontend.Idempotent(tx, a.cloud+"/"+token, req.action+"?"+fingerprint(req.params),
			errorf(400, "IdempotentParameterMismatch", "The request uses the same client token as a previous, but non-identical request."),
			func() (map[string]any, *apiError) { return h(a, tx, req) })
	}
}

// MaxRules is the per-group rule quota the mock enforces.
const MaxRules = 200

// RevokeMissing is the behaviour switch that chooses how a revoke by
// content of a rule that does not exist answers: "success" (the no-op the
// ECS RevokeSecurityGroup reference implies), or one of the codes below.
// The default is an error, as after the change of July 8, 2024 that the
// current RevokeSecurityGroup page notes (it names
// InvalidParam.SecurityGroupRuleId; implementations answer
// InvalidSecurityGroupRule.RuleNotExist too, which is the default).
const RevokeMissing = "revoke_missing"

var revokeMissingAnswers = map[string]*apiError{
	"InvalidSecurityGroupRule.RuleNotExist": errorf(400, "InvalidSecurityGroupRule.RuleNotExist", "The specified security group rule does not exist."),
	"InvalidParam.SecurityGroupRuleId":      errorf(400, "InvalidParam.SecurityGroupRuleId", "The specified parameter SecurityGroupRuleId is not valid."),
	"InvalidGroupAuthItem.NotFound":         errorf(403, "InvalidGroupAuthItem.NotFound", "Specified group authorized item does not exist in our records."),
	"SecurityGroupRule.NotFound":            errorf(404, "SecurityGroupRule.NotFound", "The input security group rule does not exist."),
}

// group finds the request's security group in its region.
func group(tx *store.Tx, req *request) (*store.Group, *apiError) {
	region, id := req.params["RegionId"], req.params["SecurityGroupId"]
	if region == "" {
		return nil, errorf(400, "MissingParameter", "The input parameter \"RegionId\" that is mandatory for processing this request is not supplied.")
	}
	if id == "" {
		return nil, errorf(400, "MissingParameter", "The input parameter \"SecurityGroupId\" that is mandatory for processing this request is not supplied.")
	}
	if !knownRegion(tx, req.cloud, region) {
		return nil, errorf(404, "InvalidRegionId.NotFound", "The specified RegionId does not exist.")
	}
	g := tx.Group(req.cloud, id)
	if g == nil || g.Region != region {
		return nil, errorf(404, "InvalidSecurityGroupId.NotFound", "The specified SecurityGroupId does not exist.")
	}
	return g, nil
}

func knownRegion(tx *store.Tx, cloud, region string) bool {
	for _, r := range Regions {
		if r == region {
			return true
		}
	}
	for _, g := range tx.Groups(cloud) {
		if g.Region == region {
			return true
		}
	}
	return false
}

func authorize(direction string) handler {
	return func(a *API, tx *store.Tx, req *request) (map[string]any, *apiError) {
		g, e := group(tx, req)
		if e != nil {
			return nil, e
		}
		wanted, e := rulesOf(req.params)
		if e != nil {
			return nil, e
		}
		if len(wanted) == 0 {
			return nil, errorf(400, "MissingParameter", "The input parameter \"IpProtocol\" that is mandatory for processing this request is not supplied.")
		}
		var add []*permission
		for _, q := range wanted {
			p, e := normalize(tx, g, direction, q, false)
			if e != nil {
				return nil, e
			}
			// ECS answers a repeated authorize with success and adds nothing.
			if find(g, p) >= 0 || containsIdentity(add, p) {
				continue
			}
			add = append(add, &p)
		}
		if len(g.Rules)+len(add) > MaxRules {
			return nil, errorf(403, "AuthorizationLimitExceed", "The limit of authorization records in the security group reaches.")
		}
		for _, p := range add {
			p.SecurityGroupRuleId = tx.NewID("sgr-")
			p.CreateTime = tx.Now().Format(time.RFC3339)
			if p.SourceGroupId != "" {
				p.SourceGroupName = p.SourceGroupId
			}
			if p.DestGroupId != "" {
				p.DestGroupName = p.DestGroupId
			}
			g.Rules = append(g.Rules, p)
		}
		return nil, nil
	}
}

func containsIdentity(list []*permission, p permission) bool {
	for _, o := range list {
		if o.identity(true) == p.identity(true) && sameOwner(*o, p) {
			return true
		}
	}
	return false
}

// fingerprint is what a client token is bound to: every parameter except
// those that change with each signed request.
func fingerprint(params map[string]string) string {
	var keys []string
	for k := range params {
		switch k {
		case "Signature", "SignatureNonce", "Timestamp", "AccessKeyId", "SignatureType", "SignatureMethod", "SignatureVersion", "Format":
			continue
		}
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		b.WriteString(k + "=" + params[k] + "&")
	}
	return b.String()
}

func revoke(direction string) handler {
	return func(a *API, tx *store.Tx, req *request) (map[string]any, *apiError) {
		g, e := group(tx, req)
		if e != nil {
			return nil, e
		}
		ids := listParam(req.params, "SecurityGroupRuleId")
		wanted, e := rulesOf(req.params)
		if e != nil {
			return nil, e
		}
		if len(ids) > 0 && len(wanted) > 0 {
			return nil, errorf(400, "InvalidParameter", "SecurityGroupRuleId and the rule parameters cannot be used together.")
		}
		var drop []int
		if len(ids) > 0 {
			for _, id := range ids {
				i := indexByID(g, id, direction)
				if i < 0 {
					return nil, errorf(404, "InvalidSecurityGroupRuleId.NotFound", "The specified SecurityGroupRuleId "+id+" does not exist.")
				}
				drop = append(drop, i)
			}
		} else {
			if len(wanted) == 0 {
				return nil, errorf(400, "MissingParameter", "The input parameter \"IpProtocol\" that is mandatory for processing this request is not supplied.")
			}
			for _, q := range wanted {
				p, e := normalize(tx, g, direction, q, true)
				if e != nil {
					return nil, e
				}
				if p.NicType == "" {
					// The RevokeSecurityGroup reference: NicType "Default
					// value: internet" (a VPC group's rules are intranet).
					p.NicType = "internet"
					if g.VpcID != "" {
						p.NicType = "intranet"
					}
				}
				i := find(g, p)
				if i < 0 {
					if findIgnoringNic(g, p) >= 0 {
						return nil, errorf(403, "InvalidNicType.Mismatch", "Specified nic type conflicts with the authorization record.")
					}
					answer := tx.Behavior(a.cloud, RevokeMissing)
					if answer == "success" {
						continue
					}
					if e, ok := revokeMissingAnswers[answer]; ok {
						return nil, e
					}
					return nil, revokeMissingAnswers["InvalidSecurityGroupRule.RuleNotExist"]
				}
				drop = append(drop, i)
			}
		}
		removeRules(g, drop)
		return nil, nil
	}
}

func removeRules(g *store.Group, drop []int) {
	gone := map[int]bool{}
	for _, i := range drop {
		gone[i] = true
	}
	kept := g.Rules[:0]
	for i, r := range g.Rules {
		if !gone[i] {
			kept = append(kept, r)
		}
	}
	g.Rules = kept
}

func indexByID(g *store.Group, id, direction string) int {
	for i, r := range g.Rules {
		if p := r.(*permission); p.SecurityGroupRuleId == id && p.Direction == direction {
			return i
		}
	}
	return -1
}

// listParam reads a repeated string parameter: Name.1, Name.2, ...
func listParam(params map[string]string, name string) []string {
	var out []string
	for i := 1; ; i++ {
		v, ok := params[name+"."+strconv.Itoa(i)]
		if !ok {
			return out
		}
		out = append(out, v)
	}
}

func modify(direction string) handler {
	return func(a *API, tx *store.Tx, req *request) (map[string]any, *apiError) {
		g, e := group(tx, req)
		if e != nil {
			return nil, e
		}
		var i int
		if id := req.params["SecurityGroupRuleId"]; id != "" {
			if i = indexByID(g, id, direction); i < 0 {
				return nil, errorf(404, "InvalidSecurityGroupRuleId.NotFound", "The specified SecurityGroupRuleId does not exist.")
			}
		} else {
			wanted, e := rulesOf(req.params)
			if e != nil {
				return nil, e
			}
			if len(wanted) != 1 {
				return nil, errorf(400, "MissingParameter", "Name the rule to modify by SecurityGroupRuleId or by its parameters.")
			}
			p, e := normalize(tx, g, direction, wanted[0], true)
			if e != nil {
				return nil, e
			}
			if i = find(g, p); i < 0 {
				return nil, errorf(403, "InvalidGroupAuthItem.NotFound", "Specified group authorized item does not exist in our records.")
			}
		}
		// "You cannot delete the value of a non-empty parameter"
		// (ModifySecurityGroupRule): an empty Description leaves it.
		if d := req.params["Description"]; d != "" {
			g.Rules[i].(*permission).Description = d
		}
		return nil, nil
	}
}

func describe(a *API, tx *store.Tx, req *request) (map[string]any, *apiError) {
	g, e := group(tx, req)
	if e != nil {
		return nil, e
	}
	dir := req.params["Direction"]
	switch dir {
	case "", "all", "ingress", "egress":
	default:
		return nil, errorf(400, "InvalidDirection.Malformed", "The specified parameter \"Direction\" is not valid.")
	}
	pageSize := 500
	if v := req.params["MaxResults"]; v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 10 || n > 1000 {
			return nil, errorf(400, "InvalidMaxResults.Malformed", "The specified parameter \"MaxResults\" is not valid: it must be 10 to 1000.")
		}
		pageSize = n
	}
	start := 0
	if tok := req.params["NextToken"]; tok != "" {
		b, err := base64.RawURLEncoding.DecodeString(tok)
		n, err2 := strconv.Atoi(string(b))
		if err != nil || err2 != nil || n < 0 {
			return nil, errorf(400, "InvalidNextToken.Malformed", "The specified parameter \"NextToken\" is not valid.")
		}
		start = n
	}
	// A classic-network group answers one NIC type per call, internet by
	// default ("To query security group rules of both NIC types, call the
	// operation twice"); a VPC group's rules are all intranet.
	nic := req.params["NicType"]
	switch {
	case nic != "" && nic != "internet" && nic != "intranet":
		return nil, errorf(400, "InvalidNicType.ValueNotSupported", "The specified NicType does not exist.")
	case nic == "" && g.VpcID == "":
		nic = "internet"
	}
	var matching []*permission
	for _, r := range g.Rules {
		p := r.(*permission)
		if (dir == "" || dir == "all" || p.Direction == dir) && (nic == "" || nic == p.NicType) {
			matching = append(matching, p)
		}
	}
	page := []*permission{}
	next := ""
	if start < len(matching) {
		end := min(start+pageSize, len(matching))
		page = matching[start:end]
		if end < len(matching) {
			next = base64.RawURLEncoding.EncodeToString([]byte(strconv.Itoa(end)))
		}
	}
	return map[string]any{
		"RegionId": g.Region, "SecurityGroupId": g.ID, "SecurityGroupName": g.ID, "Description": "",
		"VpcId": g.VpcID, "InnerAccessPolicy": "Accept", "NextToken": next,
		"Permissions": map[string]any{"Permission": page},
	}, nil
}
