package provider

import (
	"fmt"
	"strings"

	"github.com/secgroup/terraform-provider-secgroup/internal/cloud"
)

// Markers around the support matrix in README.md and templates/index.md.tmpl:
// what lies between them is SupportMatrix's output, kept so by
// TestSupportMatrixIsCurrent.
const (
	matrixBegin = "<!-- support matrix: generated from each cloud's Capabilities; make matrix refreshes it -->"
	matrixEnd   = "<!-- end of support matrix -->"
)

// SupportMatrix is the table of what each cloud supports, as a Markdown
// table read from the clouds' Capabilities: the very values the plan-time
// checks use, so the documentation cannot promise more than they accept.
func SupportMatrix(r *cloud.Registry) string {
	clouds := r.All()
	var b strings.Builder
	b.WriteString("|")
	for _, c := range clouds {
		fmt.Fprintf(&b, " | %s (`%s`)", c.Title, c.Name)
	}
	b.WriteString(" |\n|---" + strings.Repeat("|---", len(clouds)) + "|\n")
	row := func(name string, cell func(cloud.Capabilities) string) {
		b.WriteString("| " + name)
		for _, c := range clouds {
			b.WriteString(" | " + cell(c.Capabilities))
		}
		b.WriteString(" |\n")
	}
	row("protocols", func(c cloud.Capabilities) string { return strings.Join(c.Protocols, ", ") })
	row("IPv6 CIDRs", func(c cloud.Capabilities) string { return yesNo(c.IPv6) })
	row("policy", func(c cloud.Capabilities) string {
		if len(c.Policies) == 0 {
			return "none: setting `policy` is an error"
		}
		s := strings.Join(c.Policies, ", ") + " (default " + c.DefaultPolicy + ")"
		if len(c.Policies) == 1 {
			s = c.Policies[0] + " only"
		}
		if len(c.ExistingPolicies) > 0 {
			s += "; " + strings.Join(c.ExistingPolicies, ", ") + " rules made elsewhere can be imported and kept, not created"
		}
		return s
	})
	row("priority", func(c cloud.Capabilities) string {
		if !c.HasPriority() {
			return "none: setting `priority` is an error"
		}
		s := fmt.Sprintf("%d-%d (default %d)", c.MinPriority, c.MaxPriority, c.DefaultPriority)
		if c.Identity.NoPriority {
			s += "; rules differing only in priority are one rule"
		}
		return s
	})
	row("peer security group", func(c cloud.Capabilities) string {
		switch {
		case c.PeerGroups && c.PeerGroupOwner:
			return "yes, with its owner"
		case c.PeerGroups:
			return "yes (no owner)"
		}
		return "no"
	})
	row("prefix list", func(c cloud.Capabilities) string { return yesNo(c.PrefixLists) })
	row("`local_cidr`", func(c cloud.Capabilities) string { return yesNo(c.LocalCIDR) })
	row("`source_port_range`", func(c cloud.Capabilities) string { return yesNo(c.SourcePortRange) })
	row("`nic_type`", func(c cloud.Capabilities) string {
		if len(c.NicTypes) == 0 {
			return "no"
		}
		return strings.Join(c.NicTypes, ", ")
	})
	row("description", func(c cloud.Capabilities) string {
		length := "; length not documented"
		if c.MaxDescription > 0 {
			length = fmt.Sprintf("; 1-%d characters", c.MaxDescription)
		}
		switch {
		case !c.Description:
			return "none (the rule calls take no description; only `\"\"`)"
		case c.DescriptionInPlace && !c.DescriptionClearable:
			return "changed in place; removing it replaces the rule (the cloud cannot clear it)" + length
		case c.DescriptionInPlace:
			return "changed in place" + length
		case c.Identity.Description:
			return "changed by replacement (part of the rule's identity)" + length
		}
		return "changed by replacement" + length
	})
	row("import by", func(c cloud.Capabilities) string {
		if c.NativeIDs {
			return "the cloud's rule id, or content"
		}
		return "content (no rule ids)"
	})
	row("rule ids (checked at plan)", func(c cloud.Capabilities) string {
		if !c.NativeIDs {
			return "none: rules are named by content"
		}
		return c.RuleIDs.Text + ", such as `" + c.RuleIDs.Example + "`"
	})
	row("identity (Terraform 1.12+)", func(c cloud.Capabilities) string {
		if c.NativeIDs {
			return "cloud, group, rule id"
		}
		return "cloud, group, content key"
	})
	row("`terraform query` (Terraform 1.14+)", func(cloud.Capabilities) string { return "yes: the `secgroup_rule` list resource" })
	row("revoke by network now (`secgroup_revoke` action, Terraform 1.14+)", func(c cloud.Capabilities) string {
		if c.NativeIDs {
			return "yes, each rule checked by its id before its revoke"
		}
		return "yes, each rule checked by content and creation time before its revoke"
	})
	row("exclusive rules (`secgroup_rules_exclusive`)", func(c cloud.Capabilities) string {
		if c.NativeIDs {
			return "yes, by rule id"
		}
		return "yes, by content"
	})
	row("many rules in one resource (`secgroup_rule_set`)", func(c cloud.Capabilities) string {
		if c.NativeIDs {
			return "yes, each with its rule id"
		}
		return "yes, each by content"
	})
	row("ephemeral rule (Terraform 1.10+)", func(c cloud.Capabilities) string {
		switch {
		case !c.Description:
			return "yes, without expiry marker (no descriptions): a killed run leaves its rule"
		case c.DescriptionInPlace:
			return "yes, expiry marker renewed in place while the run goes on"
		}
		return "yes, expiry marker not renewed: `duration` must cover the run"
	})
	row("rule quota at plan time", func(c cloud.Capabilities) string {
		switch {
		case c.Quota == 0:
			return "none documented (the cloud's refusal names `security_group_id`)"
		case c.QuotaPerDirection:
			return fmt.Sprintf("%d ingress + %d egress per group (`rule_quota` overrides)", c.Quota, c.Quota)
		}
		return fmt.Sprintf("%d per group by default (`rule_quota` overrides)", c.Quota)
	})
	return b.String()
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}
