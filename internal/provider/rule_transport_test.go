package provider

import (
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/mocktest"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/store"
)

// The provider reaches an HTTPS endpoint, as real clouds are by default.
func TestAccRule_tls(t *testing.T) {
	cliIndependent(t)
	m := tlsMock
	if !strings.HasPrefix(m.URL, "https://") {
		t.Fatalf("TLS mock at %s", m.URL)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             mocktest.CheckEmpty(m, "alicloud", "sg-bj"),
		Steps: []resource.TestStep{{
			Config: strings.Replace(mocktest.ProviderConfig(m), "cn-hangzhou", "cn-beijing", 1) +
				tcpRule("x", "alicloud", "sg-bj", "443", "0.0.0.0/0"),
			Check: mocktest.CheckRule(m, "alicloud", "sg-bj", map[string]string{"PortRange": "443/443"}),
		}},
	})
}

// Retries stop at the resource's timeout with the last error, and a
// failed create writes nothing to state or cloud.
func TestAccRule_timeoutBoundsRetries(t *testing.T) {
	cliIndependent(t)
	m := mocktest.Start(t, "")
	m.Store.AddFault(store.Fault{Cloud: "alicloud", Action: "AuthorizeSecurityGroup", Throttle: 1000})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             mocktest.CheckEmpty(m, "alicloud", "sg-web"),
		Steps: []resource.TestStep{{
			Config: mocktest.ProviderConfig(m) +
				ruleBlock("x", "alicloud", "sg-web", "ingress", `protocol = "icmp"`, `cidr = "10.0.0.0/8"`, `timeouts = { create = "3s" }`),
			ExpectError: regexp.MustCompile(`(?s)gave\s+up\s+after\s+\d+\s+attempts.*Throttling\.User`),
		}},
	})
}
