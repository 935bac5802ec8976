package provider

import (
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/mocktest"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/store"
)

// An entry respelled in the configuration ("22" to "22-22", "10.0.0.1"
// to "10.0.0.1/32") is the same rule: the plan is valid and writes
// nothing.
func TestAccRuleSet_respelledEntry(t *testing.T) {
	cliIndependent(t)
	m := mocktest.Start(t, "")
	w := &setWrites{m: m, cloud: "alicloud"}
	base := mocktest.ProviderConfig(m)
	set := func(es ...entry) string { return base + ruleSetConfig("s", "alicloud", "sg-web", es...) }
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             mocktest.CheckEmpty(m, "alicloud", "sg-web"),
		Steps: []resource.TestStep{
			{Config: set(entry{"k", "ingress", "22", "10.0.0.1", ""})},
			{
				PreConfig: w.reset,
				Config:    set(entry{"k", "ingress", "22-22", "10.0.0.1/32", ""}),
				Check:     resource.ComposeAggregateTestCheckFunc(w.exactly(0), mocktest.CheckRuleCount(m, "alicloud", "sg-web", 1)),
			},
		},
	})
}

// A key takes over another key's rule while its own old rule is revoked;
// the revoke fails. Both rules remain in the cloud, so both must remain in
// state: the destroy after revokes them both.
func TestAccRuleSet_failedRevokeKeepsMovedRule(t *testing.T) {
	cliIndependent(t)
	m := mocktest.Start(t, "")
	base := mocktest.ProviderConfig(m)
	set := func(es ...entry) string { return base + ruleSetConfig("s", "alicloud", "sg-web", es...) }
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: set(entry{"k1", "ingress", "2001", "10.0.0.0/8", ""}, entry{"k2", "ingress", "2002", "10.0.0.0/8", ""})},
			{
				PreConfig: func() {
					m.Store.AddFault(store.Fault{Cloud: "alicloud", Action: "RevokeSecurityGroup", Error: 1, Code: "Forbidden.RAM", Status: 403})
				},
				Config:      set(entry{"k1", "ingress", "2002", "10.0.0.0/8", ""}),
				ExpectError: regexp.MustCompile(`Could Not Delete Rule`),
			},
			{
				// Applied again, the rule left over is revoked.
				Config: set(entry{"k1", "ingress", "2002", "10.0.0.0/8", ""}),
				Check:  holdsPorts(m, "alicloud", "sg-web", "2002"),
			},
			{
				// The set goes: every rule it made must go with it.
				Config: base,
				Check:  mocktest.CheckEmpty(m, "alicloud", "sg-web"),
			},
		},
	})
}

// The same with a description changed in place on the moved rule: the
// failed revoke's rule must stay in state.
func TestAccRuleSet_failedRevokeKeepsRuleBesideDescribedMove(t *testing.T) {
	cliIndependent(t)
	m := mocktest.Start(t, "")
	base := mocktest.ProviderConfig(m)
	set := func(es ...entry) string { return base + ruleSetConfig("s", "alicloud", "sg-web", es...) }
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: set(entry{"k1", "ingress", "2001", "10.0.0.0/8", `, description = "a"`}, entry{"k2", "ingress", "2002", "10.0.0.0/8", `, description = "b"`})},
			{
				PreConfig: func() {
					m.Store.AddFault(store.Fault{Cloud: "alicloud", Action: "RevokeSecurityGroup", Error: 1, Code: "Forbidden.RAM", Status: 403})
				},
				Config:      set(entry{"k1", "ingress", "2002", "10.0.0.0/8", `, description = "c"`}),
				ExpectError: regexp.MustCompile(`Could Not Delete Rule`),
			},
			{
				Config: base,
				Check:  mocktest.CheckEmpty(m, "alicloud", "sg-web"),
			},
		},
	})
}
