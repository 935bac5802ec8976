package baiducloud

import (
	"encoding/json"
	"strconv"

	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/frontend"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/store"
)

type handler func(tx *store.Tx, req *request) (map[string]any, *apiError)

var actions = map[string]handler{
	"authorizeRule":      idempotent(authorize),
	"revokeRule":         idempotent(revoke),
	"getSecurityGroup":   detail,
	"listSecurityGroups": list,
}

// MaxRulesPerDirection is the rule quota of a group, per direction (Baidu's
// VPC documents: 50 ingress and 50 egress rules); the code of its refusal
// is not documented.
const MaxRulesPerDirection = 50

// ConcurrentWrites is the behaviour switch that makes the next N writes
// find that another writer changed the group first (its sgVersion moves
// on just before), so a client sending sgVersion gets VersionMismatch.
const ConcurrentWrites = "concurrent_writes"

// write prepares an authorize or revoke: the group, the rule, and the sgVersion
// check of the BCC RevokeSecurityGroupRule reference (only when the client
// sends one).
func write(tx *store.Tx, req *request) (*store.Group, Rule, *apiError) {
	g := tx.Group(Cloud, req.group)
	if g == nil {
		return nil, Rule{}, errorf(404, "NoSuchObject", "The specified object is not found or resource do not exist.")
	}
	if n, _ := strconv.Atoi(tx.Behavior(Cloud, ConcurrentWrites)); n > 0 {
		tx.SetBehavior(Cloud, ConcurrentWrites, strconv.Itoa(n-1))
		g.Version++
	}
	if v := req.http.URL.Query().Get("sgVersion"); v != "" && v != strconv.FormatInt(g.Version, 10) {
		return nil, Rule{}, errorf(400, "VersionMismatch", "The sgVersion is mismatch.")
	}
	var body struct {
		Rule *requested `json:"rule"`
	}
	if err := json.Unmarshal(req.body, &body); err != nil || body.Rule == nil {
		return nil, Rule{}, errorf(400, "InappropriateJSON", "The body must be {\"rule\": SecurityGroupRuleModel}.")
	}
	r, e := normalize(*body.Rule)
	if e != nil {
		return nil, Rule{}, e
	}
	if peer := r.SourceGroupID + r.DestGroupID; peer != "" && tx.Group(Cloud, peer) == nil {
		return nil, Rule{}, errorf(400, "BadRequest", "the security group "+peer+" does not exist")
	}
	return g, r, nil
}

// idempotent honours a write's clientToken, the "idempotence token" of the
// BCC RevokeSecurityGroupRule reference, see frontend.Idempotent: the
// request is the action, group and rule, checked before anything else (a
// retry carries no sgVersion, or one our own first attempt moved on); the
// vendor documents no code for a token sent with another request.
func idempotent(h handler) handler {
	return func(tx *store.Tx, req *request) (map[string]any, *apiError) {
		token := req.http.URL.Query().Get("clientToken")
		if token == "" {
			return h(tx, req)
		}
		return frontend.Idempotent(tx, Cloud+"/"+token, req.action+"|"+req.group+"|"+strconv.Quote(string(req.body)),
			errorf(400, "BadRequest", "clientToken was used for another request"),
			func() (map[string]any, *apiError) { return h(tx, req) })
	}
}

// authorize adds a rule; a rule equal in the 6-tuple is a 409.
func authorize(tx *store.Tx, req *request) (map[string]any, *apiError) {
	g, r, e := write(tx, req)
	if e != nil {
		return nil, e
	}
	held := 0
	for _, o := range g.Rules {
		if o.(*Rule).key() == r.key() {
			return nil, errorf(409, "SecurityGroup.RuleDuplicated", "The security group rule already exists.")
		}
		if o.(*Rule).Direction == r.Direction {
			held++
		}
	}
	if held >= MaxRulesPerDirection {
		return nil, errorf(400, "SecurityGroup.RuleQuotaExceeded", "The number of security group rules in this direction exceeds the limit.")
	}
	r.ID = tx.NewID("r-")
	r.IDAlias, r.SecurityGroupID = r.ID, g.ID
	r.CreatedTime = tx.Now().Format("2006-01-02T15:04:05Z")
	r.UpdatedTime = r.CreatedTime
	g.Rules = append(g.Rules, &r)
	g.Version++
	return nil, nil
}

// revoke removes the rule whose stored 6-tuple the request spells letter
// for letter; none is the 404 of the BCC RevokeSecurityGroupRule reference.
func revoke(tx *store.Tx, req *request) (map[string]any, *apiError) {
	g, _, e := write(tx, req)
	if e != nil {
		return nil, e
	}
	var body struct {
		Rule requested `json:"rule"`
	}
	_ = json.Unmarshal(req.body, &body)
	for i, o := range g.Rules {
		if o.(*Rule).key() == body.Rule.literalKey() {
			g.Rules = append(g.Rules[:i:i], g.Rules[i+1:]...)
			g.Version++
			return nil, nil
		}
	}
	return nil, errorf(404, "SecurityGroup.RuleNotExist", "The Security group rule is not exist.")
}

// view is a group as the detail and list answers show it.
func view(g *store.Group) map[string]any {
	rules := g.Rules
	if rules == nil {
		rules = []any{}
	}
	return map[string]any{"id": g.ID, "name": g.ID, "desc": "", "vpcId": g.VpcID, "createdTime": "2024-09-13T06:25:19Z",
		"sgVersion": g.Version, "bindInstanceNum": 0, "tags": []any{}, "rules": rules}
}

func detail(tx *store.Tx, req *request) (map[string]any, *apiError) {
	g := tx.Group(Cloud, req.group)
	if g == nil {
		return nil, errorf(404, "NoSuchObject", "The specified object is not found or resource do not exist.")
	}
	return view(g), nil
}

// list pages through the groups the way the SDK expects: marker (a group
// id to start from), maxKeys (default 1000), nextMarker and isTruncated;
// filters by vpcId and securityGroupId.
func list(tx *store.Tx, req *request) (map[string]any, *apiError) {
	q := req.http.URL.Query()
	maxKeys := 1000
	if s := q.Get("maxKeys"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 1000 {
			return nil, errorf(400, "BadRequest", "maxKeys must be within 1-1000")
		}
		maxKeys = n
	}
	marker := q.Get("marker")
	var page []map[string]any
	started, truncated, next := marker == "", false, ""
	for _, g := range tx.Groups(Cloud) {
		if v := q.Get("vpcId"); v != "" && g.VpcID != v {
			continue
		}
		if id := q.Get("securityGroupId"); id != "" && g.ID != id {
			continue
		}
		if !started {
			if g.ID != marker {
				continue
			}
			started = true
		}
		if len(page) == maxKeys {
			truncated, next = true, g.ID
			break
		}
		page = append(page, view(g))
	}
	if page == nil {
		page = []map[string]any{}
	}
	out := map[string]any{"marker": marker, "isTruncated": truncated, "maxKeys": maxKeys, "securityGroups": page}
	if truncated {
		out["nextMarker"] = next
	}
	return out, nil
}
