package provider

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/secgroup/terraform-provider-secgroup/internal/cloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/engine"
)

// ruleQuotaAttribute is the attribute every cloud block has beside the
// cloud's own settings: the account's quota, where it differs from the
// documented one.
const ruleQuotaAttribute = "rule_quota"

// ruleQuotaDescription is the rule_quota attribute's text in a cloud's block.
func ruleQuotaDescription(c cloud.Cloud) string {
	desc := "Rules a security group may hold, for the plan-time quota check, when the account's quota differs from the default"
	switch {
	case c.Capabilities.Quota > 0 && c.Capabilities.QuotaPerDirection:
		desc += fmt.Sprintf(" (%d per direction)", c.Capabilities.Quota)
	case c.Capabilities.Quota > 0:
		desc += fmt.Sprintf(" (%d)", c.Capabilities.Quota)
	default:
		desc += " (none documented: no check unless set)"
	}
	return desc + "."
}

// perDirection says, where the cloud counts its quota per direction, so.
func perDirection(c cloud.Cloud) string {
	if c.Capabilities.QuotaPerDirection {
		return " in each direction"
	}
	return ""
}

// blockAttributes are the attributes of a cloud's provider block: its
// settings, then rule_quota.
func blockAttributes(c cloud.Cloud) []string {
	names := make([]string, 0, len(c.Settings)+1)
	for _, s := range c.Settings {
		names = append(names, s.Name)
	}
	return append(names, ruleQuotaAttribute)
}

// cloudConfigs resolves every cloud's block (its attributes' values, by
// cloud name) into what the engine takes. A rule_quota that is not a
// positive number is an error on that attribute; required settings that
// are missing make the cloud unusable, an error only when a resource uses
// it.
func cloudConfigs(registry *cloud.Registry, blocks map[string]map[string]string, getenv func(string) string) (map[string]engine.CloudConfig, diag.Diagnostics) {
	var diags diag.Diagnostics
	configs := map[string]engine.CloudConfig{}
	for _, c := range registry.All() {
		block := blocks[c.Name]
		settings, missing := resolveSettings(c, block, getenv)
		config := engine.CloudConfig{Settings: settings}
		if len(missing) > 0 {
			config.Unusable = fmt.Errorf("the %s block of the secgroup provider is missing %s: set them in the block or in the environment",
				c.Name, strings.Join(missing, ", "))
		}
		if q := block[ruleQuotaAttribute]; q != "" {
			n, err := strconv.Atoi(q)
			if err != nil || n < 1 {
				problem := fmt.Errorf("%s %q in the %s block must be a positive whole number: the rules a security group of the account may hold%s",
					ruleQuotaAttribute, q, c.Name, perDirection(c))
				diags.AddAttributeError(path.Root(c.Name).AtName(ruleQuotaAttribute), "Invalid Rule Quota", problem.Error()+".")
				// Never usable with a quota it refused, whoever asks.
				config.Unusable = problem
			} else {
				config.Quota = n
			}
		}
		configs[c.Name] = config
	}
	return configs, diags
}

// resolveSettings returns a cloud's settings (block, then environment,
// then default) and the required ones still missing, each named with the
// variables that could give it.
func resolveSettings(c cloud.Cloud, block map[string]string, getenv func(string) string) (map[string]string, []string) {
	values := map[string]string{}
	var missing []string
	for _, s := range c.Settings {
		v := block[s.Name]
		for _, env := range s.EnvVars {
			if v != "" {
				break
			}
			v = getenv(env)
		}
		if v == "" {
			v = s.Default
		}
		if v != "" {
			values[s.Name] = v
		} else if s.Required {
			hint := s.Name
			if len(s.EnvVars) > 0 {
				hint += " (or " + strings.Join(s.EnvVars, ", ") + ")"
			}
			missing = append(missing, hint)
		}
	}
	return values, missing
}
