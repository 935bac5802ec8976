package provider

import (
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/mocktest"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/store"
	"github.com/secgroup/terraform-provider-secgroup/internal/rule"
)

// The data source checks the group id at plan time, as the resource does.
func TestAccRulesDataSource_validatesTheGroupID(t *testing.T) {
	testAccPreCheck(t)
	m := mocktest.Start(t, "")
	for _, id := range []string{"", "sg/1", "sg web"} {
		resource.UnitTest(t, resource.TestCase{
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			Steps: []resource.TestStep{{
				Config: mocktest.ProviderConfig(m) + `
data "secgroup_rules" "x" {
  cloud             = "alicloud"
  security_group_id = "` + id + `"
}
`,
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)security_group_id`),
			}},
		})
	}
	if n := len(m.Store.Calls()); n != 0 {
		t.Fatalf("%d calls reached the cloud", n)
	}
}

// The data source lists what each of the five clouds holds, in the
// provider's spelling, with the id that imports each rule, at one describe
// per group; a direction filters.
func TestAccRulesDataSource_everyCloud(t *testing.T) {
	testAccPreCheck(t)
	m := mocktest.Start(t, "")
	groups := map[string]string{"zenlayer": "zl-app", "alicloud": "sg-app", "baiducloud": "g-app", "apsarastack": "sg-as-app", "ens": "sg-ens-db"}
	ssh := rule.Rule{Direction: rule.Ingress, Protocol: rule.TCP, Ports: rule.PortRange{From: 22, To: 22}, CIDR: "10.0.0.0/8"}
	out := rule.Rule{Direction: rule.Egress, Protocol: rule.All, CIDR: "0.0.0.0/0"}
	config := mocktest.ProviderConfig(m)
	var checks []resource.TestCheckFunc
	for cloudName, group := range groups {
		def, _ := Clouds().Get(cloudName)
		in, eg := ssh, out
		if def.Capabilities.HasPriority() {
			in.Priority, in.Policy, eg.Priority, eg.Policy = 1, rule.Accept, 1, rule.Accept
		}
		authorizeInMock(t, m, cloudName, group, in)
		authorizeInMock(t, m, cloudName, group, eg)
		config += rulesData(cloudName, cloudName, group) + rulesData(cloudName+"_egress", cloudName, group, `direction = "egress"`)
		idPattern := regexp.MustCompile(`^` + regexp.QuoteMeta(cloudName+"/"+group+"/") + `.+`)
		checks = append(checks,
			resource.TestCheckResourceAttr("data.secgroup_rules."+cloudName, "rules.#", "2"),
			resource.TestCheckTypeSetElemNestedAttrs("data.secgroup_rules."+cloudName, "rules.*", map[string]string{
				"direction": "ingress", "protocol": "tcp", "port_range": "22", "cidr": "10.0.0.0/8",
			}),
			resource.TestMatchTypeSetElemNestedAttrs("data.secgroup_rules."+cloudName, "rules.*", map[string]*regexp.Regexp{
				"direction": regexp.MustCompile(`^egress$`), "id": idPattern,
			}),
			resource.TestCheckResourceAttr("data.secgroup_rules."+cloudName+"_egress", "rules.#", "1"),
			resource.TestCheckResourceAttr("data.secgroup_rules."+cloudName+"_egress", "rules.0.protocol", "all"),
		)
	}
	describes := map[string]string{"zenlayer": "DescribeSecurityGroups", "alicloud": "DescribeSecurityGroupAttribute",
		"baiducloud": "getSecurityGroup", "apsarastack": "DescribeSecurityGroupAttribute", "ens": "DescribeSecurityGroupAttribute"}
	before := map[string]int{}
	for cloudName, action := range describes {
		before[cloudName] = mocktest.Calls(m, cloudName, action, -1)
	}
	checks = append(checks, func(*terraform.State) error {
		// One refresh of two data sources per group: at most one describe
		// per group for the plan and one for the apply's read.
		for cloudName, action := range describes {
			if n := mocktest.Calls(m, cloudName, action, -1) - before[cloudName]; n == 0 || n > 2 {
				return fmt.Errorf("%s: %d %s calls for two data sources over one group", cloudName, n, action)
			}
		}
		return nil
	})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps:                    []resource.TestStep{{Config: config, Check: resource.ComposeAggregateTestCheckFunc(checks...)}},
	})
}

// The data source's read is bounded by its own timeouts block, as the
// resource's is, and when throttling outlasts it the error names the
// group and what the cloud kept answering, whether the read made the
// describe itself or waited for one another read of the group made.
func TestAccRulesDataSource_readTimeout(t *testing.T) {
	cliIndependent(t)
	m := mocktest.Start(t, "")
	m.Store.AddFault(store.Fault{Cloud: "alicloud", Action: "DescribeSecurityGroupAttribute", Throttle: 1 << 20})
	config := mocktest.ProviderConfig(m) +
		rulesData("short", "alicloud", "sg-web", "timeouts = {\n    read = \"2s\"\n  }") +
		rulesData("long", "alicloud", "sg-web", "timeouts = {\n    read = \"4s\"\n  }")
	started := time.Now()
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:   config,
			PlanOnly: true,
			ExpectError: regexp.MustCompile(`(?s)` + spaced(`Cannot Read Security Group`) + `.*` +
				spaced(`security group sg-web: .*Throttling\.User: Request was denied due to user flow control`) + `.*` +
				spaced(`Cannot Read Security Group`) + `.*` + spaced(`security group sg-web: .*Throttling\.User`)),
		}},
	})
	// The default read timeout is 5 minutes; the blocks' hold.
	if took := time.Since(started); took > time.Minute {
		t.Fatalf("the reads took %s: the timeouts blocks were not kept", took)
	}
}
