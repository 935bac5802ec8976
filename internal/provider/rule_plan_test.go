package provider

import (
	"context"
	"fmt"
	"math/big"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// ruleUnderTest is the resource and its schema, for tests that call its
// methods without Terraform.
func ruleUnderTest(t *testing.T) (*RuleResource, resource.SchemaResponse) {
	t.Helper()
	r := NewRuleResource(Clouds()).(*RuleResource)
	var s resource.SchemaResponse
	r.Schema(context.Background(), resource.SchemaRequest{}, &s)
	return r, s
}

// object builds a value of the resource's type: the attributes given,
// every other one null. Strings, ints and nil (null) are understood;
// tftypes.UnknownValue makes a value unknown.
func object(t *testing.T, s resource.SchemaResponse, attrs map[string]any) tftypes.Value {
	t.Helper()
	typ := s.Schema.Type().TerraformType(context.Background()).(tftypes.Object)
	values := map[string]tftypes.Value{}
	for name, at := range typ.AttributeTypes {
		v, ok := attrs[name]
		switch {
		case !ok || v == nil:
			values[name] = tftypes.NewValue(at, nil)
		case v == tftypes.UnknownValue:
			values[name] = tftypes.NewValue(at, tftypes.UnknownValue)
		default:
			if n, isInt := v.(int); isInt {
				v = new(big.Float).SetInt64(int64(n))
			}
			values[name] = tftypes.NewValue(at, v)
		}
	}
	return tftypes.NewValue(typ, values)
}

func validate(t *testing.T, attrs map[string]any) diag.Diagnostics {
	t.Helper()
	r, s := ruleUnderTest(t)
	var resp resource.ValidateConfigResponse
	r.ValidateConfig(context.Background(), resource.ValidateConfigRequest{Config: tfsdk.Config{Schema: s.Schema, Raw: object(t, s, attrs)}}, &resp)
	return resp.Diagnostics
}

// diagText is every diagnostic's summary and detail, for matching.
func diagText(d diag.Diagnostics) string {
	var b strings.Builder
	for _, x := range d {
		b.WriteString(x.Summary() + ": " + x.Detail() + "\n")
	}
	return b.String()
}

func TestValidateConfig(t *testing.T) {
	base := func(extra map[string]any) map[string]any {
		m := map[string]any{"cloud": "alicloud", "security_group_id": "sg-1", "direction": "ingress", "cidr": "10.0.0.0/8"}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}
	for _, tc := range []struct {
		name  string
		attrs map[string]any
		want  []string // each must appear; empty: no error at all
		not   []string // none may appear
	}{
		{"a good rule", base(map[string]any{"protocol": "tcp", "port_range": "22"}), nil, nil},
		{"tcp without ports", base(map[string]any{"protocol": "tcp"}), []string{`protocol "tcp" needs port_range`}, nil},
		{"tcp with an empty port_range", base(map[string]any{"protocol": "tcp", "port_range": ""}), []string{`protocol "tcp" needs ports`}, nil},
		{"tcp with -1/-1", base(map[string]any{"protocol": "udp", "port_range": "-1/-1"}), []string{`protocol "udp" needs ports`, `"1-65535"`}, nil},
		{"tcp with -1", base(map[string]any{"protocol": "tcp", "port_range": "-1"}), []string{`protocol "tcp" needs ports`}, nil},
		{"icmp with ports", base(map[string]any{"protocol": "icmp", "port_range": "22"}), []string{`has no ports: remove port_range`}, nil},
		{"an unknown protocol gets only the enum error", base(map[string]any{"protocol": "TCP", "port_range": "22"}), nil, []string{"has no ports"}},
		{"Zenlayer and IPv6", map[string]any{"cloud": "zenlayer", "security_group_id": "zl-1", "direction": "ingress", "protocol": "all", "cidr": "::/0"},
			[]string{"does not support IPv6"}, nil},
		{"unknown values wait", base(map[string]any{"protocol": tftypes.UnknownValue, "port_range": tftypes.UnknownValue}), nil, nil},
		{"icmpv6 with an IPv4 peer", base(map[string]any{"protocol": "icmpv6"}), []string{`protocol "icmpv6" is ICMP for IPv6: give an IPv6 cidr`}, nil},
		{"icmp with an IPv6 peer", base(map[string]any{"protocol": "icmp", "cidr": "2001:db8::/32"}), []string{`protocol "icmp" is ICMP for IPv4 on Alibaba Cloud ECS`}, nil},
		{"icmp with an IPv6 local side", base(map[string]any{"protocol": "icmp", "cidr": "2001:db8::/32", "local_cidr": "2001:db8:1::/48"}), []string{`use protocol "icmpv6" with an IPv6 local_cidr`}, nil},
		{"icmpv6 with IPv6", base(map[string]any{"protocol": "icmpv6", "cidr": "2001:db8::/32"}), nil, nil},
		{"icmp with IPv6 on Baidu is ICMPv6", map[string]any{"cloud": "baiducloud", "security_group_id": "g-1", "direction": "ingress", "protocol": "icmp", "cidr": "2001:db8::/32"}, nil, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := validate(t, tc.attrs)
			text := diagText(d)
			if len(tc.want) == 0 && d.HasError() && len(tc.not) == 0 {
				t.Fatalf("unexpected errors:\n%s", text)
			}
			for _, w := range tc.want {
				if !strings.Contains(text, w) {
					t.Errorf("want %q in:\n%s", w, text)
				}
			}
			for _, n := range tc.not {
				if strings.Contains(text, n) {
					t.Errorf("do not want %q in:\n%s", n, text)
				}
			}
		})
	}
}

// modifyPlan runs ModifyPlan on a config (the plan is the config, as
// Terraform proposes it before the provider's say) and a prior state.
func modifyPlan(t *testing.T, config, state map[string]any) (rawAttrs, resource.ModifyPlanResponse) {
	t.Helper()
	plan, resp := planOf(t, config, state)
	if resp.Diagnostics.HasError() {
		t.Fatal(diagText(resp.Diagnostics))
	}
	return plan, resp
}

// planOf runs ModifyPlan and returns its plan and response, errors and all.
func planOf(t *testing.T, config, state map[string]any) (rawAttrs, resource.ModifyPlanResponse) {
	t.Helper()
	r, s := ruleUnderTest(t)
	// A computed attribute left out of the configuration is null there
	// and unknown in the plan Terraform proposes (computedUnknown).
	configured, proposed := map[string]any{}, map[string]any{}
	for k, v := range config {
		configured[k], proposed[k] = v, v
		if v == computedUnknown {
			configured[k], proposed[k] = nil, tftypes.UnknownValue
		}
	}
	cfg, planned := object(t, s, configured), object(t, s, proposed)
	stateVal := tftypes.NewValue(s.Schema.Type().TerraformType(context.Background()), nil)
	if state != nil {
		stateVal = object(t, s, state)
	}
	req := resource.ModifyPlanRequest{
		Config: tfsdk.Config{Schema: s.Schema, Raw: cfg},
		Plan:   tfsdk.Plan{Schema: s.Schema, Raw: planned},
		State:  tfsdk.State{Schema: s.Schema, Raw: stateVal},
	}
	resp := resource.ModifyPlanResponse{Plan: req.Plan}
	r.ModifyPlan(context.Background(), req, &resp)
	plan, err := newRawAttrs(resp.Plan.Raw)
	if err != nil {
		t.Fatal(err)
	}
	return plan, resp
}

// computedUnknown, in a test's configuration, is an attribute the
// configuration leaves out that Terraform proposes as unknown (computed).
const computedUnknown = "(computed, unknown)"

// No description and an empty one are one value: neither plans a change,
// nor a replacement, against the other, on any cloud.
func TestModifyPlanDescriptionEmptyOrNone(t *testing.T) {
	for _, cloudName := range []string{"zenlayer", "baiducloud", "alicloud"} {
		rule := map[string]any{"cloud": cloudName, "security_group_id": "g-1", "direction": "ingress", "protocol": "tcp", "port_range": "22", "cidr": "10.0.0.0/8"}
		with := func(desc any) map[string]any {
			m := map[string]any{}
			for k, v := range rule {
				m[k] = v
			}
			m["description"] = desc
			return m
		}
		// The state holds the cloud's defaults, as a create leaves them.
		stateWith := func(desc any) map[string]any {
			m := with(desc)
			if cloudName != "baiducloud" {
				m["policy"], m["priority"] = "accept", 1
			}
			return m
		}
		for _, c := range []struct{ config, state any }{{nil, ""}, {"", ""}, {"", nil}, {nil, nil}} {
			plan, resp := modifyPlan(t, with(c.config), stateWith(c.state))
			if got := plan.str("description"); got.IsNull() || got.ValueString() != "" || len(resp.RequiresReplace) != 0 {
				t.Errorf("%s: config %v, state %v: planned %v, replace %v", cloudName, c.config, c.state, got, resp.RequiresReplace)
			}
		}
		// A real change still replaces where the cloud cannot change it.
		_, resp := modifyPlan(t, with("new"), stateWith(""))
		if replace := len(resp.RequiresReplace) > 0; replace == (cloudName == "alicloud") {
			t.Errorf("%s: a description change: replace %v", cloudName, resp.RequiresReplace)
		}
	}
}

// ModifyPlan fills each cloud's defaults, replaces what the cloud cannot
// change in place, and refuses policies the cloud cannot create.
func TestModifyPlan(t *testing.T) {
	rule := func(cloudName string, extra map[string]any) map[string]any {
		m := map[string]any{"cloud": cloudName, "security_group_id": "g-1", "direction": "ingress", "protocol": "tcp", "port_range": "22", "cidr": "10.0.0.0/8"}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}
	for _, tc := range []struct {
		name          string
		config, state map[string]any
		planned       map[string]any // attribute: value (nil: null)
		replace       []string
		err           string
	}{
		{name: "ECS create: the cloud's defaults", config: rule("alicloud", nil),
			planned: map[string]any{"policy": "accept", "priority": int64(1), "description": ""}},
		{name: "BCC create: no policy, no priority", config: rule("baiducloud", nil),
			planned: map[string]any{"policy": nil, "priority": nil}},
		{name: "ENS create: no rule ids, no NIC types", config: rule("ens", map[string]any{"rule_id": computedUnknown, "nic_type": computedUnknown}),
			planned: map[string]any{"rule_id": nil, "nic_type": nil}},
		{name: "ECS priority change replaces", config: rule("alicloud", map[string]any{"priority": 2}),
			state:   rule("alicloud", map[string]any{"policy": "accept", "priority": 1, "description": ""}),
			replace: []string{"priority"}},
		{name: "ECS description changes in place", config: rule("alicloud", map[string]any{"description": "web"}),
			state: rule("alicloud", map[string]any{"policy": "accept", "priority": 1, "description": ""})},
		{name: "ECS NIC type change replaces", config: rule("alicloud", map[string]any{"nic_type": "internet"}),
			state:   rule("alicloud", map[string]any{"policy": "accept", "priority": 1, "description": "", "nic_type": "intranet"}),
			replace: []string{"nic_type"}},
		{name: "Zenlayer cannot create a drop rule", config: rule("zenlayer", map[string]any{"policy": "drop"}),
			err: `Zenlayer Cloud VM cannot create rules with policy "drop": use accept`},
		{name: "Zenlayer keeps an imported drop rule", config: rule("zenlayer", map[string]any{"policy": "drop"}),
			state:   rule("zenlayer", map[string]any{"policy": "drop", "priority": 1, "description": ""}),
			planned: map[string]any{"policy": "drop"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			plan, resp := planOf(t, tc.config, tc.state)
			text := diagText(resp.Diagnostics)
			if tc.err != "" {
				if !strings.Contains(text, tc.err) || !strings.HasPrefix(text, "Invalid Attribute Value: ") {
					t.Fatalf("want %q, got %q", tc.err, text)
				}
				return
			}
			if resp.Diagnostics.HasError() {
				t.Fatal(text)
			}
			for name, want := range tc.planned {
				var got attr.Value = plan.str(name)
				if name == "priority" {
					got = plan.number(name)
				}
				if want == nil && !got.IsNull() || want != nil && got.String() != fmt.Sprint(want) && got.String() != fmt.Sprintf("%q", want) {
					t.Errorf("%s planned %v, want %v", name, got, want)
				}
			}
			var replaced []string
			for _, p := range resp.RequiresReplace {
				replaced = append(replaced, p.String())
			}
			if strings.Join(replaced, ",") != strings.Join(tc.replace, ",") {
				t.Errorf("replace %v, want %v", replaced, tc.replace)
			}
		})
	}
}

// replacedBySchema names exactly the attributes whose schema replaces the
// rule when they change (stringplanmodifier.RequiresReplace).
func TestReplacedBySchemaIsTheSchemas(t *testing.T) {
	_, s := ruleUnderTest(t)
	var got []string
	for name, a := range s.Schema.Attributes {
		sa, ok := a.(schema.StringAttribute)
		if !ok {
			continue
		}
		for _, m := range sa.PlanModifiers {
			if strings.Contains(m.Description(context.Background()), "destroy and recreate") {
				got = append(got, name)
			}
		}
	}
	slices.Sort(got)
	if want := slices.Sorted(slices.Values(replacedBySchema)); !slices.Equal(got, want) {
		t.Fatalf("attributes that RequiresReplace: %v; replacedBySchema lists %v", got, want)
	}
}
