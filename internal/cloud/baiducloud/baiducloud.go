// Package baiducloud manages Baidu AI Cloud BCC security group rules
// through the vendor's SDK (github.com/baidubce/bce-sdk-go: its client,
// bce-auth-v1 signer and request builder): PUT ?authorizeRule to create,
// GET /v2/securityGroup/{id} to read, PUT ?revokeRule to delete (BCC's
// RevokeSecurityGroupRule), each write with a clientToken and the group's
// sgVersion.
package baiducloud

import (
	"context"
	"regexp"
	"strconv"
	"sync"
	"time"

	"github.com/baidubce/bce-sdk-go/services/bcc/api"

	"github.com/secgroup/terraform-provider-secgroup/internal/cloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/rule"
)

// Name is the cloud's name in HCL.
const Name = "baiducloud"

// identity is what names a BCC rule: the 6-tuple of the BCC
// RevokeSecurityGroupRule reference, remark included.
var identity = rule.Identity{Description: true}

// Definition describes BCC to the provider.
func Definition() cloud.Cloud {
	return cloud.Cloud{
		Name:  Name,
		Title: "Baidu AI Cloud BCC",
		Capabilities: cloud.Capabilities{
			Protocols:  []string{rule.TCP, rule.UDP, rule.ICMP, rule.All},
			IPv6:       true,
			PeerGroups: true,
			// The remark is part of the rule's identity (the 6-tuple of
			// RevokeSecurityGroupRule): changing it replaces the rule, and two
			// rules that differ only in it are two rules.
			Description: true,
			NativeIDs:   true,
			// clientToken on every write (the BCC references' idempotence);
			// a repeated 6-tuple is refused (HTTP 409).
			ClientTokens: true,
			// securityGroupRuleId of the group's detail: r-rv2gdcz8bzzj in
			// the reference's sample, which also names sgr-… ids; both
			// prefixes are taken, since refusing a real id would fail
			// every plan that keeps it.
			RuleIDs: cloud.RuleIDForm{Pattern: regexp.MustCompile(`^(r|sgr)-[a-z0-9]+$`),
				Text: "r- (or sgr-) followed by lower-case letters and digits", Example: "r-rv2gdcz8bzzj"},
			Identity: identity,
			// Baidu's VPC documents allow 50 ingress and 50 egress rules
			// per group.
			Quota:             50,
			QuotaPerDirection: true,
		},
		Settings: []cloud.Setting{
			{Name: "access_key", Description: "Access key id.", EnvVars: []string{"BAIDUCLOUD_ACCESS_KEY"}, Sensitive: true, Required: true},
			{Name: "secret_key", Description: "Secret access key.", EnvVars: []string{"BAIDUCLOUD_SECRET_KEY"}, Sensitive: true, Required: true},
			{Name: "region", Description: "Region of the security groups, e.g. `bj`, `gz`, `su`, `hkg`, `fwh`, `bd`.", EnvVars: []string{"BAIDUCLOUD_REGION"}, Required: true},
			{Name: "endpoint", Description: "API endpoint as `scheme://host[:port]`; defaults to `https://bcc.<region>.baidubce.com`.", EnvVars: []string{"BAIDUCLOUD_BCC_ENDPOINT"}},
		},
		Connect:         func(_ context.Context, s map[string]string) (cloud.Backend, error) { return New(s) },
		DefaultEndpoint: defaultEndpoint,
		VendorDomains:   []string{"baidubce.com"},
		MovesFrom:       []cloud.Move{move},
	}
}

// Backend talks to BCC.
type Backend struct {
	client *client

	mu sync.Mutex
	// versions holds each group's sgVersion as last read, sent with the
	// next write so that a change by someone else in between is caught
	// (VersionMismatch) instead of acted on blindly.
	versions map[string]int64
	// described holds each group's rules as the last read spelled them,
	// dropped when we authorize into the group (the read no longer shows
	// every rule). BCC names a rule on revoke by its 6-tuple, matched letter
	// for letter against its own spelling ("all", a bare host address,
	// "22"), so a revoke sends the rule as the cloud gave it, as the
	// vendor's own provider does (terraform-provider-baiducloud revokes
	// with the values it read).
	described map[string][]api.SecurityGroupRuleVo
}

// New connects with resolved settings: access_key, secret_key, region and
// optionally endpoint.
func New(s map[string]string) (*Backend, error) {
	c, err := newClient(s)
	if err != nil {
		return nil, err
	}
	return &Backend{client: c, versions: map[string]int64{}, described: map[string][]api.SecurityGroupRuleVo{}}, nil
}

// detail reads a group with GET /v2/securityGroup/{id}: one group, never
// a listing of all of them.
func (b *Backend) detail(ctx context.Context, groupID string) (*api.GetSecurityGroupDetailResult, error) {
	var out api.GetSecurityGroupDetailResult
	if err := b.client.call(ctx, cloud.Request{Action: "GetSecurityGroupDetail", Group: groupID}, &out); err != nil {
		return nil, err
	}
	b.mu.Lock()
	b.versions[groupID] = out.SgVersion
	b.described[groupID] = out.Rules
	b.mu.Unlock()
	return &out, nil
}

// CloudNow is the cloud's time, from the Date of its last answer
// (cloud.Clocked).
func (b *Backend) CloudNow() (time.Time, bool) { return b.client.clock.Now() }

// Describe returns a group's rules.
func (b *Backend) Describe(ctx context.Context, groupID string) ([]rule.Rule, error) {
	d, err := b.detail(ctx, groupID)
	if err != nil {
		return nil, err
	}
	rules := make([]rule.Rule, 0, len(d.Rules))
	for _, r := range d.Rules {
		rules = append(rules, fromWire(r))
	}
	return rules, nil
}

// version returns the group's sgVersion as last read, reading it when
// unknown.
func (b *Backend) version(ctx context.Context, groupID string) (int64, error) {
	b.mu.Lock()
	v, ok := b.versions[groupID]
	b.mu.Unlock()
	if ok {
		return v, nil
	}
	d, err := b.detail(ctx, groupID)
	if err != nil {
		return 0, err
	}
	return d.SgVersion, nil
}

// write sends one authorize or revoke. An authorize carries the group's
// sgVersion, read again after any write (a success moved it on, a
// VersionMismatch says someone else did), so its duplicate check stands on
// the group as it is. A revoke carries none (sgVersion is optional, the BCC
// RevokeSecurityGroupRule reference): it names its rule by the literal
// 6-tuple, so a change elsewhere in the group cannot make it remove another
// rule, and another writer never costs it a retry.
//
// at, when set, is the sgVersion a revoke carries (RevokeUnchanged).
func (b *Backend) write(ctx context.Context, action, groupID string, r *api.SecurityGroupRuleModel, clientToken string, at *int64) error {
	params := map[string]string{action: ""}
	if action == "authorizeRule" {
		v, err := b.version(ctx, groupID)
		if err != nil {
			return err
		}
		at = &v
	}
	if at != nil {
		params["sgVersion"] = strconv.FormatInt(*at, 10)
	}
	if clientToken != "" {
		params["clientToken"] = clientToken
	}
	req := cloud.Request{Action: action, Group: groupID, Direction: r.Direction, Params: params, Body: api.AuthorizeSecurityGroupArgs{Rule: r}}
	err := b.client.call(ctx, req, nil)
	b.mu.Lock()
	delete(b.versions, groupID)
	if action == "authorizeRule" {
		delete(b.described, groupID)
	}
	b.mu.Unlock()
	return err
}

// Authorize adds rules one call each (BCC takes one rule per call), each
// with its own clientToken derived from the caller's, so a retry of the
// same batch reuses the same tokens.
func (b *Backend) Authorize(ctx context.Context, groupID string, rules []rule.Rule, clientToken string) error {
	for i, r := range rules {
		if err := b.write(ctx, "authorizeRule", groupID, toWire(r), cloud.ItemToken(clientToken, i, len(rules)), nil); err != nil {
			return err
		}
	}
	return nil
}

// Revoke removes rules one call each, with the clientToken of the BCC
// RevokeSecurityGroupRule reference (no sgVersion, see write), each rule
// spelled as the group's last read gave it (see described). The group is
// read only when no current read of this process is at hand; a rule a
// current read does not show is gone, and the cloud will say so. The token
// is the revoke's own (one per rule, derived from the caller's): BCC
// answers a token it has seen as it answered it first, without revoking
// again.
func (b *Backend) Revoke(ctx context.Context, groupID string, rules []rule.Rule, clientToken string) error {
	return cloud.RevokeEach(rules, func(i int, r rule.Rule) error {
		w, ok, current := b.spelled(groupID, r)
		if !ok && !current {
			if _, err := b.detail(ctx, groupID); err != nil {
				return err
			}
			w, ok, _ = b.spelled(groupID, r)
		}
		if !ok {
			w = toWire(r)
		}
		return b.write(ctx, "revokeRule", groupID, w, cloud.ItemToken(clientToken, i, len(rules)), nil)
	})
}

// RevokeUnchanged revokes one rule as the group's last read spelled it,
// with that read's sgVersion (optional on the BCC RevokeSecurityGroupRule
// reference): BCC refuses it with VersionMismatch when the group changed
// since. Without a read of the group since our last write to it, or one
// that does not show the rule, it is KindBusy: read again, choose again.
// Only the engine's worker of the group reads and writes it, so the read
// is the one the engine chose the rule from.
func (b *Backend) RevokeUnchanged(ctx context.Context, groupID string, r rule.Rule, clientToken string) error {
	b.mu.Lock()
	v, read := b.versions[groupID]
	b.mu.Unlock()
	w, found, _ := b.spelled(groupID, r)
	if !read || !found {
		return &cloud.Error{Cloud: Name, Action: "revokeRule", Kind: cloud.KindBusy,
			Message: "no read of security group " + groupID + " since the last write shows the rule " + r.String()}
	}
	return b.write(ctx, "revokeRule", groupID, w, clientToken, &v)
}

// spelled returns the rule r names as the group's last read spelled it,
// and whether there is a current read of the group at all.
func (b *Backend) spelled(groupID string, r rule.Rule) (w *api.SecurityGroupRuleModel, found, current bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	described, current := b.described[groupID]
	for _, vo := range described {
		if identity.Match(r, fromWire(vo)) {
			return &api.SecurityGroupRuleModel{Remark: vo.Remark, Direction: vo.Direction, Ethertype: vo.Ethertype,
				PortRange: vo.PortRange, Protocol: vo.Protocol, SourceGroupId: vo.SourceGroupId, SourceIp: vo.SourceIp,
				DestGroupId: vo.DestGroupId, DestIp: vo.DestIp}, true, true
		}
	}
	return nil, false, current
}
