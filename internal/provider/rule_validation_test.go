package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// Bad input fails at validation, before any plan reaches a cloud: each
// case goes through the provider's protocol server as Terraform sends it
// (attribute validators, ValidateConfig and the config validators all
// run), and its error must name the attribute and the fix.
func TestPlanTimeValidation(t *testing.T) {
	for _, tc := range []struct {
		name  string
		attrs map[string]any
		attr  string // the attribute the error is attached to
		want  string // a regular expression of summary and detail
	}{
		{"tcp needs ports", map[string]any{"protocol": "tcp", "cidr": "10.0.0.0/8"}, "port_range", `protocol "tcp" needs port_range`},
		{"icmp takes none", map[string]any{"protocol": "icmp", "port_range": "22", "cidr": "10.0.0.0/8"}, "port_range", `protocol "icmp" has no ports: remove port_range`},
		{"port zero", map[string]any{"protocol": "tcp", "port_range": "0-22", "cidr": "10.0.0.0/8"}, "port_range", `outside 1-65535`},
		{"reversed range", map[string]any{"protocol": "udp", "port_range": "443-80", "cidr": "10.0.0.0/8"}, "port_range", `write "80-443"`},
		{"host bits", map[string]any{"protocol": "all", "cidr": "10.0.0.1/8"}, "cidr", `write the network address 10.0.0.0/8`},
		{"bad ipv6", map[string]any{"protocol": "all", "cidr": "2001:db8:::/64"}, "cidr", `not a CIDR block`},
		{"two peers", map[string]any{"protocol": "all", "cidr": "10.0.0.0/8", "peer_security_group_id": "sg-app"}, "cidr", `(?i)cidr.*peer_security_group_id.*prefix_list_id`},
		{"no peer", map[string]any{"protocol": "all"}, "", `(?i)cidr.*peer_security_group_id.*prefix_list_id`},
		{"priority range", map[string]any{"protocol": "all", "cidr": "10.0.0.0/8", "priority": 101}, "priority", `accepts priority 1 to 100 \(whole numbers\); 101 is not one of them`},
		{"unknown protocol", map[string]any{"protocol": "sctp", "cidr": "10.0.0.0/8"}, "protocol", `value must be one of: \["tcp" "udp" "icmp" "gre" "icmpv6"`},
		{"owner without group", map[string]any{"protocol": "all", "cidr": "10.0.0.0/8", "peer_group_owner_account": "a@example.com"}, "peer_group_owner_account", `peer_group_owner_account`},
		{"mixed families", map[string]any{"protocol": "all", "cidr": "2001:db8::/32", "local_cidr": "10.0.0.0/8"}, "local_cidr", `both be IPv4 or both IPv6`},
		{"source ports on icmp", map[string]any{"protocol": "icmp", "cidr": "10.0.0.0/8", "source_port_range": "1-2"}, "source_port_range", `has no ports`},
		{"long description", map[string]any{"protocol": "all", "cidr": "10.0.0.0/8", "description": strings.Repeat("x", 513)}, "description", `up to 512 characters; this one has 513`},
		{"slash in group id", map[string]any{"protocol": "all", "cidr": "10.0.0.0/8", "security_group_id": "sg/1"}, "security_group_id", `holds "/", "," or white space`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			attrs := map[string]any{"cloud": "alicloud", "security_group_id": "sg-web", "direction": "ingress"}
			for k, v := range tc.attrs {
				attrs[k] = v
			}
			diags := validateThroughServer(t, attrs)
			var matched bool
			for _, d := range diags {
				text := d.Summary + ": " + d.Detail
				if d.Severity != tfprotov6.DiagnosticSeverityError || !regexp.MustCompile(`(?s)`+tc.want).MatchString(text) {
					continue
				}
				matched = true
				if tc.attr != "" && (d.Attribute == nil || !strings.Contains(d.Attribute.String(), tc.attr)) {
					t.Errorf("%q is attached to %v, want %s", text, d.Attribute, tc.attr)
				}
			}
			if !matched {
				t.Errorf("no error matches %q; got %v", tc.want, diagSummaries(diags))
			}
		})
	}
	// A good rule passes, so the cases above fail for their own reason.
	if diags := validateThroughServer(t, map[string]any{"cloud": "alicloud", "security_group_id": "sg-web", "direction": "ingress",
		"protocol": "tcp", "port_range": "22", "cidr": "10.0.0.0/8"}); len(diags) != 0 {
		t.Fatalf("a good rule: %v", diagSummaries(diags))
	}
}

// validateThroughServer sends a secgroup_rule configuration (the
// attributes given, every other one null) to the provider's protocol
// server's ValidateResourceConfig, as Terraform does before a plan.
func validateThroughServer(t *testing.T, attrs map[string]any) []*tfprotov6.Diagnostic {
	t.Helper()
	_, s := ruleUnderTest(t)
	value := object(t, s, attrs)
	config, err := tfprotov6.NewDynamicValue(value.Type(), value)
	if err != nil {
		t.Fatal(err)
	}
	server, err := testAccProtoV6ProviderFactories["secgroup"]()
	if err != nil {
		t.Fatal(err)
	}
	resp, err := server.ValidateResourceConfig(context.Background(), &tfprotov6.ValidateResourceConfigRequest{TypeName: "secgroup_rule", Config: &config})
	if err != nil {
		t.Fatal(err)
	}
	return resp.Diagnostics
}

func diagSummaries(diags []*tfprotov6.Diagnostic) []string {
	var out []string
	for _, d := range diags {
		out = append(out, fmt.Sprintf("%v: %s: %s", d.Attribute, d.Summary, d.Detail))
	}
	return out
}
