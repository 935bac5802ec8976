package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/secgroup/terraform-provider-secgroup/internal/cloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/engine"
)

// A cloud whose block and environment leave a required setting unset
// fails at its first use, naming only that setting and its variables;
// the block, then the environment, then the default resolve the others.
func TestConnectionsNameMissingSettings(t *testing.T) {
	def := cloud.Cloud{Name: "alicloud", Title: "Alibaba Cloud ECS", Settings: []cloud.Setting{
		{Name: "access_key", EnvVars: []string{"ALICLOUD_ACCESS_KEY"}, Required: true},
		{Name: "secret_key", EnvVars: []string{"ALICLOUD_SECRET_KEY"}, Required: true, Sensitive: true},
		{Name: "region", EnvVars: []string{"ALICLOUD_REGION"}, Default: "cn-hangzhou"},
	}, Connect: func(context.Context, map[string]string) (cloud.Backend, error) { return nil, nil }}
	registry := cloud.NewRegistry(def)
	blocks := map[string]map[string]string{"alicloud": {"access_key": "ak"}}
	configs, diags := cloudConfigs(registry, blocks, func(string) string { return "" })
	if diags.HasError() {
		t.Fatal(diags)
	}
	conns := engine.NewConnections(registry, configs, engine.NewGroups(engine.Settings{}))
	_, err := conns.Client(context.Background(), "alicloud")
	if err == nil || !strings.Contains(err.Error(), "secret_key (or ALICLOUD_SECRET_KEY)") || strings.Contains(err.Error(), "access_key (") {
		t.Fatalf("want an error naming only the missing secret_key, got %v", err)
	}
	getenv := func(k string) string { return map[string]string{"ALICLOUD_SECRET_KEY": "sk"}[k] }
	values, missing := resolveSettings(def, blocks["alicloud"], getenv)
	if len(missing) != 0 || values["secret_key"] != "sk" || values["region"] != "cn-hangzhou" || values["access_key"] != "ak" {
		t.Fatalf("resolveSettings = %v, %v", values, missing)
	}
}

// rule_quota is every cloud block's attribute, not a setting of the
// cloud: a positive number becomes the engine's quota, anything else is
// an error on that block's attribute, whether or not a rule uses the
// cloud.
func TestRuleQuotaIsResolvedPerBlock(t *testing.T) {
	registry := Clouds()
	for _, c := range registry.All() {
		for _, s := range c.Settings {
			if s.Name == ruleQuotaAttribute {
				t.Errorf("%s has rule_quota among its settings", c.Name)
			}
		}
	}
	configs, diags := cloudConfigs(registry, map[string]map[string]string{"zenlayer": {ruleQuotaAttribute: "25"}}, func(string) string { return "" })
	if diags.HasError() || configs["zenlayer"].Quota != 25 || configs["alicloud"].Quota != 0 {
		t.Fatalf("quotas %d and %d (%v); want 25 where set, 0 elsewhere", configs["zenlayer"].Quota, configs["alicloud"].Quota, diags)
	}
	for _, bad := range []string{"0", "-3", "lots", "2.5"} {
		_, diags := cloudConfigs(registry, map[string]map[string]string{"baiducloud": {ruleQuotaAttribute: bad}}, func(string) string { return "" })
		want := path.Root("baiducloud").AtName(ruleQuotaAttribute)
		if len(diags) != 1 || !diags.HasError() || !strings.Contains(diags[0].Detail(), "positive whole number") {
			t.Fatalf("rule_quota %q: %v; want one error saying it must be a positive whole number", bad, diags)
		}
		if d, ok := diags[0].(interface{ Path() path.Path }); !ok || !d.Path().Equal(want) {
			t.Fatalf("rule_quota %q: the error is not on %s: %v", bad, want, diags[0])
		}
	}
}

// A block whose rule_quota is refused must not come
// back as a usable cloud with no settings. Configure stops on the error
// today, so nothing reaches the engine; the refused block is still
// marked Unusable, so that no later caller that ignores the diagnostic
// connects with its settings as if nothing were wrong.
func TestRefusedRuleQuotaLeavesTheCloudUnusable(t *testing.T) {
	registry := Clouds()
	blocks := map[string]map[string]string{"baiducloud": {"access_key": "ak", "secret_key": "sk", ruleQuotaAttribute: "lots"}}
	configs, diags := cloudConfigs(registry, blocks, func(string) string { return "" })
	if !diags.HasError() {
		t.Fatal("rule_quota \"lots\" was taken")
	}
	if configs["baiducloud"].Unusable == nil {
		t.Fatalf("the baiducloud block with a refused rule_quota resolves to %+v: usable, with settings %v", configs["baiducloud"], configs["baiducloud"].Settings)
	}
}
