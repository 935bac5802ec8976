package provider

import (
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/mocktest"
	"github.com/secgroup/terraform-provider-secgroup/internal/rule"
)

var (
	alibabaAttrs = []string{"security_group_id", "type", "ip_protocol", "policy", "priority", "cidr_ip", "ipv6_cidr_ip", "source_security_group_id",
		"source_group_owner_account", "source_group_owner_id", "prefix_list_id", "port_range", "nic_type", "description", "security_group_rule_id"}
	baiduAttrs    = []string{"security_group_id", "remark", "direction", "ether_type", "port_range", "protocol", "source_group_id", "source_ip", "dest_group_id", "dest_ip"}
	zenlayerAttrs = []string{"security_group_id", "policy", "cidr_ip", "ip_protocol", "port_range", "direction"}
)

// moveFactories are secgroup and a stand-in for each vendor provider.
func moveFactories() map[string]func() (tfprotov6.ProviderServer, error) {
	return map[string]func() (tfprotov6.ProviderServer, error){
		"secgroup":          testAccProtoV6ProviderFactories["secgroup"],
		"alicloud":          standin("alicloud", map[string][]string{"alicloud_security_group_rule": alibabaAttrs}),
		"apsarastack":       standin("apsarastack", map[string][]string{"apsarastack_security_group_rule": alibabaAttrs}),
		"alibabacloudstack": standin("alibabacloudstack", map[string][]string{"alibabacloudstack_security_group_rule": alibabaAttrs}),
		"baiducloud":        standin("baiducloud", map[string][]string{"baiducloud_security_group_rule": baiduAttrs}),
		"zenlayercloud": standin("zenlayercloud", map[string][]string{
			"zenlayercloud_zvm_security_group_rule": zenlayerAttrs, "zenlayercloud_security_group_rule": zenlayerAttrs}),
	}
}

// One `moved` block per rule takes each vendor's rule resource into
// secgroup_rule with no change: the plan after the move is empty and the
// cloud keeps its one rule.
func TestAccRule_movedFromTheVendorsProviders(t *testing.T) {
	testAccPreCheck(t)
	for _, tc := range []struct {
		name, sourceType, cloud, group string
		source                         map[string]string
		target                         map[string]string
		existing                       rule.Rule
	}{
		{
			name: "alicloud", sourceType: "alicloud_security_group_rule", cloud: "alicloud", group: "sg-web",
			source: map[string]string{"security_group_id": "sg-web", "type": "ingress", "ip_protocol": "tcp", "port_range": "22/22",
				"cidr_ip": "10.0.0.0/8", "nic_type": "intranet", "policy": "accept", "priority": "1", "description": "ssh"},
			target:   map[string]string{"port_range": "22", "cidr": "10.0.0.0/8", "description": "ssh"},
			existing: rule.Rule{Direction: rule.Ingress, Protocol: rule.TCP, Ports: rule.PortRange{From: 22, To: 22}, CIDR: "10.0.0.0/8", Description: "ssh"},
		},
		{
			name: "apsarastack", sourceType: "apsarastack_security_group_rule", cloud: "apsarastack", group: "sg-as-web",
			source: map[string]string{"security_group_id": "sg-as-web", "type": "egress", "ip_protocol": "all", "port_range": "-1/-1",
				"cidr_ip": "0.0.0.0/0", "policy": "drop", "priority": "5"},
			target:   map[string]string{"direction": "egress", "protocol": "all", "cidr": "0.0.0.0/0", "policy": "drop", "priority": "5"},
			existing: rule.Rule{Direction: rule.Egress, Protocol: rule.All, CIDR: "0.0.0.0/0", Policy: rule.Drop, Priority: 5},
		},
		{
			name: "alibabacloudstack", sourceType: "alibabacloudstack_security_group_rule", cloud: "apsarastack", group: "sg-as-app",
			source: map[string]string{"security_group_id": "sg-as-app", "type": "ingress", "ip_protocol": "tcp", "port_range": "443/443",
				"ipv6_cidr_ip": "2001:db8::/32", "policy": "accept", "priority": "1"},
			target:   map[string]string{"port_range": "443", "cidr": "2001:db8::/32"},
			existing: rule.Rule{Direction: rule.Ingress, Protocol: rule.TCP, Ports: rule.PortRange{From: 443, To: 443}, CIDR: "2001:db8::/32"},
		},
		{
			name: "baiducloud", sourceType: "baiducloud_security_group_rule", cloud: "baiducloud", group: "g-web",
			source: map[string]string{"security_group_id": "g-web", "direction": "ingress", "protocol": "tcp", "port_range": "80-443",
				"source_ip": "10.0.0.0/8", "ether_type": "IPv4", "remark": "web"},
			target:   map[string]string{"port_range": "80-443", "cidr": "10.0.0.0/8", "description": "web"},
			existing: rule.Rule{Direction: rule.Ingress, Protocol: rule.TCP, Ports: rule.PortRange{From: 80, To: 443}, CIDR: "10.0.0.0/8", Description: "web"},
		},
		{
			name: "zenlayercloud zvm", sourceType: "zenlayercloud_zvm_security_group_rule", cloud: "zenlayer", group: "zl-web",
			source: map[string]string{"security_group_id": "zl-web", "direction": "ingress", "ip_protocol": "tcp", "port_range": "22",
				"cidr_ip": "10.0.0.0/8", "policy": "accept"},
			target:   map[string]string{"port_range": "22", "cidr": "10.0.0.0/8"},
			existing: rule.Rule{Direction: rule.Ingress, Protocol: rule.TCP, Ports: rule.PortRange{From: 22, To: 22}, CIDR: "10.0.0.0/8"},
		},
		{
			name: "zenlayercloud alias", sourceType: "zenlayercloud_security_group_rule", cloud: "zenlayer", group: "zl-app",
			source: map[string]string{"security_group_id": "zl-app", "direction": "egress", "ip_protocol": "icmp", "port_range": "-1/-1",
				"cidr_ip": "0.0.0.0/0", "policy": "accept"},
			target:   map[string]string{"direction": "egress", "protocol": "icmp", "cidr": "0.0.0.0/0"},
			existing: rule.Rule{Direction: rule.Egress, Protocol: rule.ICMP, CIDR: "0.0.0.0/0"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := mocktest.Start(t, "")
			authorizeInMock(t, m, tc.cloud, tc.group, tc.existing)
			target := map[string]string{"cloud": tc.cloud, "security_group_id": tc.group, "direction": "ingress", "protocol": "tcp"}
			for k, v := range tc.target {
				target[k] = v
			}
			resource.ParallelTest(t, resource.TestCase{
				TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_8_0)},
				ProtoV6ProviderFactories: moveFactories(),
				CheckDestroy:             mocktest.CheckEmpty(m, tc.cloud, tc.group),
				Steps: []resource.TestStep{
					{Config: mocktest.ProviderConfig(m) + resourceBlock(tc.sourceType, "x", tc.source)},
					{
						Config: mocktest.ProviderConfig(m) + "moved {\n  from = " + tc.sourceType + ".x\n  to   = secgroup_rule.x\n}\n" + resourceBlock("secgroup_rule", "x", target),
						ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
							plancheck.ExpectEmptyPlan(),
						}},
						Check: mocktest.CheckRuleCount(m, tc.cloud, tc.group, 1),
					},
				},
			})
		})
	}
}

// A state that cannot be mapped is a clear error naming the field.
func TestAccRule_movedStateThatCannotMap(t *testing.T) {
	testAccPreCheck(t)
	m := mocktest.Start(t, "")
	source := mocktest.ProviderConfig(m) + resourceBlock("alicloud_security_group_rule", "x", map[string]string{"security_group_id": "sg-web", "type": "ingress", "ip_protocol": "tcp", "cidr_ip": "10.0.0.0/8"})
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_8_0)},
		ProtoV6ProviderFactories: moveFactories(),
		Steps: []resource.TestStep{
			{Config: source},
			{
				Config: mocktest.ProviderConfig(m) + "moved {\n  from = alicloud_security_group_rule.x\n  to   = secgroup_rule.x\n}\n" +
					resourceBlock("secgroup_rule", "x", map[string]string{"cloud": "alicloud", "security_group_id": "sg-web", "direction": "ingress", "protocol": "tcp", "port_range": "22", "cidr": "10.0.0.0/8"}),
				ExpectError: regexp.MustCompile(`(?s)Cannot Move Rule.*` + spaced(`port_range: protocol tcp needs ports`)),
			},
			// Nothing moved: the source is as it was.
			{Config: source, PlanOnly: true},
		},
	})
}

// Which source each address and type reaches, and how each vendor's state
// reads, without Terraform.
func TestMoveSources(t *testing.T) {
	reg := Clouds()
	for _, c := range []struct {
		address, typeName, cloud string
	}{
		{"registry.terraform.io/aliyun/alicloud", "alicloud_security_group_rule", "alicloud"},
		{"registry.opentofu.org/aliyun/alicloud", "alicloud_security_group_rule", "alicloud"},
		{"alicloud", "alicloud_security_group_rule", "alicloud"},
		{"registry.terraform.io/aliyun/alibabacloudstack", "alibabacloudstack_security_group_rule", "apsarastack"},
		{"baidubce/baiducloud", "baiducloud_security_group_rule", "baiducloud"},
		{"zenlayercloud", "zenlayercloud_security_group_rule", "zenlayer"},
		{"registry.terraform.io/hashicorp/aws", "alicloud_security_group_rule", ""},
		{"registry.terraform.io/aliyun/alicloud", "alicloud_security_group", ""},
	} {
		def, _, ok := reg.MoveSource(c.address, c.typeName)
		if ok != (c.cloud != "") || def.Name != c.cloud {
			t.Errorf("%s %s: %q %v", c.address, c.typeName, def.Name, ok)
		}
	}
	for _, c := range []struct {
		address, typeName string
		attrs             map[string]any
		group             string
		want              rule.Rule
		err               string
	}{
		{"aliyun/alicloud", "alicloud_security_group_rule",
			map[string]any{"security_group_id": "sg-1", "type": "egress", "ip_protocol": "UDP", "port_range": "53/53", "source_security_group_id": "sg-2",
				"source_group_owner_id": "1234567890123", "nic_type": "intranet", "policy": "Drop", "priority": 9, "security_group_rule_id": "sgr-1"},
			"sg-1", rule.Rule{NativeID: "sgr-1", Direction: rule.Egress, Protocol: rule.UDP, Ports: rule.PortRange{From: 53, To: 53}, PeerGroupID: "sg-2",
				PeerGroupOwnerID: "1234567890123", NicType: "intranet", Policy: rule.Drop, Priority: 9}, ""},
		{"aliyun/alicloud", "alicloud_security_group_rule", map[string]any{"type": "ingress"}, "", rule.Rule{}, "security_group_id"},
		{"aliyun/alicloud", "alicloud_security_group_rule", map[string]any{"security_group_id": "sg-1", "type": "ingress", "ip_protocol": "all"}, "", rule.Rule{}, "none of cidr_ip"},
		{"baidubce/baiducloud", "baiducloud_security_group_rule",
			map[string]any{"security_group_id": "g-1", "direction": "egress", "protocol": "", "dest_ip": "all", "ether_type": "IPv6"},
			"g-1", rule.Rule{Direction: rule.Egress, Protocol: rule.All, CIDR: "::/0"}, ""},
		{"baidubce/baiducloud", "baiducloud_security_group_rule",
			map[string]any{"security_group_id": "g-1", "direction": "ingress", "protocol": "tcp", "source_group_id": "g-2", "remark": "r"},
			"g-1", rule.Rule{Direction: rule.Ingress, Protocol: rule.TCP, Ports: rule.PortRange{From: 1, To: 65535}, PeerGroupID: "g-2", Description: "r"}, ""},
		{"zenlayer/zenlayercloud", "zenlayercloud_zvm_security_group_rule",
			map[string]any{"security_group_id": "zl-1", "direction": "ingress", "ip_protocol": "tcp", "port_range": "80-443", "cidr_ip": "203.0.113.7", "policy": "accept"},
			"zl-1", rule.Rule{Direction: rule.Ingress, Protocol: rule.TCP, Ports: rule.PortRange{From: 80, To: 443}, CIDR: "203.0.113.7/32", Policy: rule.Accept}, ""},
		{"zenlayer/zenlayercloud", "zenlayercloud_zvm_security_group_rule",
			map[string]any{"security_group_id": "zl-1", "direction": "sideways", "ip_protocol": "tcp"}, "", rule.Rule{}, "direction"},
	} {
		_, move, _ := reg.MoveSource(c.address, c.typeName)
		group, got, err := move.Rule(c.attrs)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%s %v: error %v, want one naming %s", c.typeName, c.attrs, err, c.err)
			}
			continue
		}
		if err != nil || group != c.group || got != c.want {
			t.Errorf("%s: %s %+v %v, want %s %+v", c.typeName, group, got, err, c.group, c.want)
		}
	}
}
