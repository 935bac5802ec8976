package provider

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/mocktest"
	"github.com/secgroup/terraform-provider-secgroup/internal/rule"
)

// Rules whose peer is a group of another account, on the clouds that name
// its owner (the ECS and Apsara Stack RevokeSecurityGroup references: the
// owner account and id among a peer-group rule's parameters).

// unknownAccount is an owner id the mock knows no login of: its describe
// gives the id alone. The mock's other accounts (1234567890
// peer@example.com, 1122334455667788 partner@example.net) are described
// with both fields whichever one the rule was made with.
const unknownAccount = "900000000000001"

// crossAccount is one rule of another account's peer group, made out of
// band with made, and declared with the owner attributes declared.
type crossAccount struct {
	name     string
	made     rule.Rule
	declared []string
	// ownerID is the owner id the cloud holds, which the revoke must send.
	ownerID string
}

// crossAccountRules are rules of the group's own VPC's groups named as
// groups of other accounts (the mock checks only that the peer exists):
// a revoke naming no owner then reaches the rule match, as it does on ECS,
// rather than a VPC check.
func crossAccountRules(peerA, peerB string) []crossAccount {
	return []crossAccount{
		{name: "owner_left_out", ownerID: unknownAccount,
			made: rule.Rule{Direction: rule.Ingress, Protocol: rule.TCP, Ports: ports(22, 22), PeerGroupID: peerA, PeerGroupOwnerID: unknownAccount}},
		{name: "owner_id", ownerID: "1234567890", declared: []string{`peer_group_owner_id = "1234567890"`},
			made: rule.Rule{Direction: rule.Egress, Protocol: rule.UDP, Ports: ports(53, 53), PeerGroupID: peerB, PeerGroupOwnerID: "1234567890"}},
		{name: "owner_account", ownerID: "1122334455667788", declared: []string{`peer_group_owner_account = "partner@example.net"`, `peer_group_owner_id = "1122334455667788"`},
			made: rule.Rule{Direction: rule.Ingress, Protocol: rule.TCP, Ports: ports(443, 443), PeerGroupID: peerB, PeerGroupOwnerAccount: "partner@example.net"}},
	}
}

// block declares the rule as secgroup_rule.<name>.
func (c crossAccount) block(cloudName, group string) string {
	return ruleBlock(c.name, cloudName, group, c.made.Direction, append([]string{
		fmt.Sprintf("protocol = %q", c.made.Protocol), fmt.Sprintf("port_range = %q", c.made.Ports.String()),
		fmt.Sprintf("peer_security_group_id = %q", c.made.PeerGroupID)}, c.declared...)...)
}

// revokedWithOwner checks that a successful revoke named the rule with its
// owner id (flat parameters or one of a Permissions.N list).
func revokedWithOwner(m *mockcloud.Server, cloudName string, r rule.Rule, ownerID string) error {
	side := "Source"
	if r.Direction == rule.Egress {
		side = "Dest"
	}
	var sent []map[string]any
	for _, c := range m.Store.CallsOf(cloudName, "") {
		if !strings.HasPrefix(c.Action, "RevokeSecurityGroup") {
			continue
		}
		for _, p := range revokedRules(c.Params) {
			if c.Status == 200 && p[side+"GroupId"] == r.PeerGroupID && p["PortRange"] == r.Ports.Slash() {
				if p[side+"GroupOwnerId"] == ownerID {
					return nil
				}
				sent = append(sent, p)
			}
		}
	}
	return fmt.Errorf("no successful revoke of %s carried %sGroupOwnerId=%s; the revokes of it sent %v", r, side, ownerID, sent)
}

// revokedRules splits a revoke's parameters into its rules: the flat
// parameters, or each Permissions.N.
func revokedRules(params map[string]any) []map[string]any {
	byIndex := map[string]map[string]any{}
	for k, v := range params {
		if rest, ok := strings.CutPrefix(k, "Permissions."); ok {
			n, field, _ := strings.Cut(rest, ".")
			if byIndex[n] == nil {
				byIndex[n] = map[string]any{}
			}
			byIndex[n][field] = v
		}
	}
	if len(byIndex) == 0 {
		return []map[string]any{params}
	}
	var out []map[string]any
	for _, p := range byIndex {
		out = append(out, p)
	}
	return out
}

// A rule of another account's peer group, made out of band and imported
// with the configuration that declares it, plans nothing: an owner the
// configuration leaves out is the cloud's, one it gives equals the cloud's;
// the data source reports the owner id. Destroy revokes the rule with its
// owner id, as the revoke references name such a rule, and the group is
// left without it (on the old main the revoke named no owner id: ECS
// answered that no such rule exists, destroy reported success and the
// rule stayed open).
func TestAccRule_peerGroupOfAnotherAccount(t *testing.T) {
	cliIndependent(t)
	for _, tc := range []struct{ cloud, group, peerA, peerB string }{
		{"alicloud", "sg-web", "sg-app", "sg-db"},
		{"apsarastack", "sg-as-web", "sg-as-app", "sg-as-db"},
	} {
		for _, c := range crossAccountRules(tc.peerA, tc.peerB) {
			t.Run(tc.cloud+"/"+c.name, func(t *testing.T) {
				m := mocktest.Start(t, "")
				id := authorizeInMock(t, m, tc.cloud, tc.group, c.made)
				config := mocktest.ProviderConfig(m) + c.block(tc.cloud, tc.group) + rulesData("group", tc.cloud, tc.group)
				address := "secgroup_rule." + c.name
				resource.ParallelTest(t, resource.TestCase{
					TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_5_0)},
					ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
					CheckDestroy: func(*terraform.State) error {
						if err := mocktest.CheckEmpty(m, tc.cloud, tc.group)(nil); err != nil {
							return err
						}
						return revokedWithOwner(m, tc.cloud, c.made, c.ownerID)
					},
					Steps: []resource.TestStep{
						{
							Config: config + fmt.Sprintf("import {\n  to = %s\n  id = %q\n}\n", address, tc.cloud+"/"+tc.group+"/"+id),
							ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
								plancheck.ExpectResourceAction(address, plancheck.ResourceActionNoop),
							}},
							Check: resource.ComposeAggregateTestCheckFunc(
								resource.TestCheckResourceAttr(address, "peer_group_owner_id", c.ownerID),
								resource.TestCheckResourceAttr("data.secgroup_rules.group", "rules.0.id", tc.cloud+"/"+tc.group+"/"+id),
								resource.TestCheckResourceAttr("data.secgroup_rules.group", "rules.0.peer_group_owner_id", c.ownerID),
								mocktest.CheckRuleCount(m, tc.cloud, tc.group, 1),
							),
						},
						{
							// Without the import block: the refresh keeps the
							// rule as it is, and the plan is empty.
							Config:           config,
							ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
						},
					},
				})
			})
		}
	}
}

// A rule of another account's peer group that secgroup_rules_exclusive
// does not keep is revoked by one apply, with its owner id, and the next
// plan is empty (on the old main the revoke named no owner, the cloud
// answered that no such rule exists, and every plan revoked it again:
// "1 to change" forever).
func TestAccRulesExclusive_peerGroupOfAnotherAccount(t *testing.T) {
	cliIndependent(t)
	for _, tc := range []struct{ cloud, group, peerA, peerB string }{
		{"alicloud", "sg-web", "sg-app", "sg-db"},
		{"apsarastack", "sg-as-web", "sg-as-app", "sg-as-db"},
	} {
		t.Run(tc.cloud, func(t *testing.T) {
			m := mocktest.Start(t, "")
			rules := crossAccountRules(tc.peerA, tc.peerB)
			for _, c := range rules {
				authorizeInMock(t, m, tc.cloud, tc.group, c.made)
			}
			keep := mocktest.ProviderConfig(m) + tcpRule("keep", tc.cloud, tc.group, "8443", "172.16.0.0/12")
			// Imported rather than created, so that one apply revokes.
			config := keep + exclusiveBlock(tc.cloud, tc.group, "[secgroup_rule.keep.id]") +
				fmt.Sprintf("import {\n  to = secgroup_rules_exclusive.x\n  id = %q\n}\n", tc.cloud+"/"+tc.group)
			resource.ParallelTest(t, resource.TestCase{
				TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_5_0)},
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{
					// The kept rule first: a keep-list not known at plan
					// revokes nothing.
					{Config: keep},
					{
						Config: config,
						ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
							revokes(`^ingress tcp 22 from group `+tc.peerA+` `, `^egress udp 53 to group `+tc.peerB+` `, `^ingress tcp 443 from group `+tc.peerB+` `),
						}},
						// The plan after this apply must be empty, which the
						// testing framework checks.
						Check: func(s *terraform.State) error {
							if err := holdsExactly(t, m, tc.cloud, tc.group, nil, "secgroup_rule.keep")(s); err != nil {
								return err
							}
							for _, c := range rules {
								if err := revokedWithOwner(m, tc.cloud, c.made, c.ownerID); err != nil {
									return err
								}
							}
							return nil
						},
					},
					{
						Config:           config,
						ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
					},
				},
			})
		})
	}
}
