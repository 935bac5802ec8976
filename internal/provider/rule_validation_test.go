package provider

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

// Bad input fails at plan time, names the attribute and the fix, and
// reaches no cloud API.
func TestAccRuleResource_planTimeValidation(t *testing.T) {
	testAccPreCheck(t)
	m := startMock(t)
	for _, tc := range []struct {
		name, body, want string
	}{
		{"tcp needs ports", `protocol = "tcp"
  cidr = "10.0.0.0/8"`, `port_range.*protocol "tcp" needs port_range`},
		{"icmp takes none", `protocol = "icmp"
  port_range = "22"
  cidr = "10.0.0.0/8"`, `port_range.*protocol "icmp" has no ports: remove port_range`},
		{"port zero", `protocol = "tcp"
  port_range = "0-22"
  cidr = "10.0.0.0/8"`, `port_range.*outside 1-65535`},
		{"reversed range", `protocol = "udp"
  port_range = "443-80"
  cidr = "10.0.0.0/8"`, `port_range.*write "80-443"`},
		{"host bits", `protocol = "all"
  cidr = "10.0.0.1/8"`, `cidr.*write the network address 10.0.0.0/8`},
		{"bad ipv6", `protocol = "all"
  cidr = "2001:db8:::/64"`, `cidr.*not a CIDR block`},
		{"two peers", `protocol = "all"
  cidr = "10.0.0.0/8"
  peer_security_group_id = "sg-app"`, `(?i)cidr.*peer_security_group_id.*prefix_list_id`},
		{"no peer", `protocol = "all"`, `(?i)cidr.*peer_security_group_id.*prefix_list_id`},
		{"priority range", `protocol = "all"
  cidr = "10.0.0.0/8"
  priority = 101`, `priority.*accepts priority 1 to 100; 101 is outside`},
		{"unknown protocol", `protocol = "sctp"
  cidr = "10.0.0.0/8"`, `protocol value must be one of: \["tcp" "udp" "icmp" "gre" "icmpv6"`},
		{"owner without group", `protocol = "all"
  cidr = "10.0.0.0/8"
  peer_group_owner_account = "a@example.com"`, `peer_group_owner_account`},
		{"mixed families", `protocol = "all"
  cidr = "2001:db8::/32"
  local_cidr = "10.0.0.0/8"`, `local_cidr.*both be IPv4 or both IPv6`},
		{"source ports on icmp", `protocol = "icmp"
  cidr = "10.0.0.0/8"
  source_port_range = "1-2"`, `source_port_range.*has no ports`},
		{"long description", `protocol = "all"
  cidr = "10.0.0.0/8"
  description = "` + "x" + `${join("", [for i in range(513) : "x"])}"`, `description.*up to 512 characters; this one has`},
		{"slash in group id", `protocol = "all"
  cidr = "10.0.0.0/8"
  security_group_id = "sg/1"`, `security_group_id.*must not contain`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			group := `security_group_id = "sg-web"`
			if regexp.MustCompile(`(?m)^\s*security_group_id`).MatchString(tc.body) {
				group = ""
			}
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config: providerConfig(m) + fmt.Sprintf(`
resource "secgroup_rule" "x" {
  cloud     = "alicloud"
  direction = "ingress"
  %s
  %s
}
`, group, tc.body),
					PlanOnly:    true,
					ExpectError: regexp.MustCompile(`(?s)` + spaced(tc.want)),
				}},
			})
		})
	}
	if calls := m.Store.Calls(); len(calls) != 0 {
		t.Fatalf("plan-time errors reached the cloud: %d calls", len(calls))
	}
}

// Naming a cloud whose block and environment give no credentials is an
// error that names what is missing.
func TestAccRuleResource_missingCredentials(t *testing.T) {
	testAccPreCheck(t)
	for _, v := range []string{"ALICLOUD_ACCESS_KEY", "ALIBABA_CLOUD_ACCESS_KEY_ID", "ALICLOUD_SECRET_KEY", "ALIBABA_CLOUD_ACCESS_KEY_SECRET", "ALICLOUD_REGION", "ALIBABA_CLOUD_REGION_ID"} {
		t.Setenv(v, "")
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: `
provider "secgroup" {
  alicloud {
    region = "cn-hangzhou"
  }
}
resource "secgroup_rule" "x" {
  cloud             = "alicloud"
  security_group_id = "sg-web"
  direction         = "ingress"
  protocol          = "all"
  cidr              = "10.0.0.0/8"
}
`,
			ExpectError: regexp.MustCompile(`(?s)` + spaced(regexp.QuoteMeta(`alicloud block of the secgroup provider is missing access_key`)+` \(or ALICLOUD_ACCESS_KEY, ALIBABA_CLOUD_ACCESS_KEY_ID\), secret_key`)),
		}},
	})
}

// spaced lets a pattern match across the CLI's line wrapping.
func spaced(pattern string) string {
	return regexp.MustCompile(` +`).ReplaceAllString(pattern, `\s+`)
}
