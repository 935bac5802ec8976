package provider

import (
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/mocktest"
)

// endpointConfig is one rule of a cloud whose block points at endpoint.
// The create timeout is long enough that retrying a permanent failure
// would end in "gave up" rather than in the error that names the setting.
func endpointConfig(cloudName, endpoint string) string {
	var b strings.Builder
	b.WriteString("provider \"secgroup\" {\n" + mocktest.Block(cloudName, mocktest.Settings(cloudName, endpoint)))
	group := map[string]string{"zenlayer": "zl-web", "alicloud": "sg-web", "baiducloud": "g-web", "apsarastack": "sg-as-web", "ens": "sg-ens-web"}[cloudName]
	b.WriteString("}\n" + tcpRule("x", cloudName, group, "22", "10.0.0.0/8", `timeouts = { create = "20s" }`))
	return b.String()
}

// Endpoints that no wait can mend fail at once, with an error that names
// the setting: a certificate this machine does not trust, an HTTP server
// behind an https endpoint, a port where nothing listens.
func TestAccRule_permanentTransportErrorsFailAtOnce(t *testing.T) {
	cliIndependent(t)
	untrusted := httptest.NewTLSServer(http.NotFoundHandler())
	t.Cleanup(untrusted.Close)
	plain := httptest.NewServer(http.NotFoundHandler())
	t.Cleanup(plain.Close)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	refused := "http://" + ln.Addr().String()
	ln.Close()
	type endpointCase struct{ cloud, endpoint, want string }
	var cases []endpointCase
	for _, c := range mockcloud.Clouds {
		cases = append(cases, endpointCase{c, untrusted.URL, `Check endpoint in the provider's ` + c + ` block: its TLS certificate is not trusted by this machine.*SSL_CERT_FILE`})
	}
	for _, c := range []string{"alicloud", "zenlayer"} {
		cases = append(cases,
			endpointCase{c, strings.Replace(plain.URL, "http://", "https://", 1), `Check endpoint in the provider's ` + c + ` block: the server speaks plain HTTP there`},
			endpointCase{c, refused, `gave up after 3 attempts.*Check endpoint in the provider's ` + c + ` block: nothing accepts connections there`})
	}
	for _, c := range cases {
		t.Run(c.cloud+" "+c.endpoint, func(t *testing.T) {
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      endpointConfig(c.cloud, c.endpoint),
					ExpectError: regexp.MustCompile(`(?s)` + spaced(c.want)),
				}},
			})
		})
	}
}

// A plan that cannot apply fails at plan time: missing credentials or
// region, an endpoint with a path, for the clouds the planned rules name.
func TestAccRule_settingsCheckedAtPlan(t *testing.T) {
	cliIndependent(t)
	for _, v := range []string{"ALICLOUD_ACCESS_KEY", "ALIBABA_CLOUD_ACCESS_KEY_ID", "ALICLOUD_SECRET_KEY", "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
		"BAIDUCLOUD_REGION", "ZENLAYERCLOUD_ENDPOINT", "ZENLAYERCLOUD_DOMAIN"} {
		t.Setenv(v, "")
	}
	rule := func(cloudName, group string) string {
		return "\n" + ruleBlock("x", cloudName, group, "ingress", `protocol = "all"`, `cidr = "10.0.0.0/8"`)
	}
	for _, c := range []struct{ name, config, want string }{
		{"credentials", `provider "secgroup" {
  alicloud { region = "cn-hangzhou" }
}` + rule("alicloud", "sg-web"), `alicloud block of the secgroup provider is missing access_key`},
		{"region", `provider "secgroup" {
  baiducloud {
    access_key = "ak"
    secret_key = "sk"
  }
}` + rule("baiducloud", "g-web"), `baiducloud block of the secgroup provider is missing region`},
		{"endpoint with a path", `provider "secgroup" {
  zenlayer {
    access_key = "ak"
    secret_key = "sk"
    endpoint   = "https://console.zenlayer.com/api/v2"
  }
}` + rule("zenlayer", "zl-web"), `endpoint`},
	} {
		t.Run(c.name, func(t *testing.T) {
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      c.config,
					PlanOnly:    true,
					ExpectError: regexp.MustCompile(`(?s)Cannot Use Cloud.*` + spaced(c.want)),
				}},
			})
		})
	}
}
