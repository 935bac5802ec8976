package provider

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	eschema "github.com/hashicorp/terraform-plugin-framework/ephemeral/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/secgroup/terraform-provider-secgroup/internal/cloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/engine"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/mocktest"
	"github.com/secgroup/terraform-provider-secgroup/internal/rule"
)

// The ephemeral rule's attributes are secgroup_rule's, less its timeouts,
// with the same kinds, descriptions and validators, and its own three; the
// model's tags are the schema.
func TestEphemeralRuleIsTheRuleAttributes(t *testing.T) {
	ctx := context.Background()
	var rs resource.SchemaResponse
	NewRuleResource(Clouds()).Schema(ctx, resource.SchemaRequest{}, &rs)
	eph := ephemeralRuleAttributes(ctx, Clouds())
	own := []string{"duration", "expires_at", "already_present"}
	var want, got []string
	for name := range rs.Schema.Attributes {
		if name != "timeouts" {
			want = append(want, name)
		}
	}
	want = append(want, own...)
	for name := range eph {
		got = append(got, name)
	}
	slices.Sort(want)
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Fatalf("ephemeral attributes %v, want %v", got, want)
	}
	for name, a := range rs.Schema.Attributes {
		var req, opt, comp bool
		var desc string
		var nValidators int
		switch a := a.(type) {
		case schema.StringAttribute:
			req, opt, comp, desc, nValidators = a.Required, a.Optional, a.Computed, a.MarkdownDescription, len(a.Validators)
			e, ok := eph[name].(eschema.StringAttribute)
			if !ok || len(e.Validators) != nValidators || !slices.Equal(ptrs(e.Validators), ptrs(a.Validators)) {
				t.Errorf("%s: not a string attribute with the resource's validators: %#v", name, eph[name])
			}
		case schema.NumberAttribute:
			req, opt, comp, desc = a.Required, a.Optional, a.Computed, a.MarkdownDescription
			if _, ok := eph[name].(eschema.NumberAttribute); !ok {
				t.Errorf("%s: not a number attribute: %#v", name, eph[name])
			}
		default:
			continue
		}
		e := eph[name]
		if e.IsRequired() != req || e.IsOptional() != opt || e.IsComputed() != comp {
			t.Errorf("%s: required/optional/computed %v/%v/%v, the resource's %v/%v/%v", name, e.IsRequired(), e.IsOptional(), e.IsComputed(), req, opt, comp)
		}
		if name != "id" && name != "description" && e.GetMarkdownDescription() != desc {
			t.Errorf("%s: description %q, the resource's %q", name, e.GetMarkdownDescription(), desc)
		}
	}
	// The model reads every attribute.
	tags := fieldsOf(ephemeralRuleModel{})
	slices.Sort(tags)
	if !slices.Equal(tags, want) {
		t.Fatalf("model tags %v, schema %v", tags, want)
	}
}

// ptrs names validators by their printed value, to compare two lists.
func ptrs[T any](vs []T) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = fmtValue(v)
	}
	return out
}

// Which held rule is ours, someone else's, or a leftover of a dead run.
func TestSortHeld(t *testing.T) {
	ecs, _ := Clouds().Get("alicloud")
	baidu, _ := Clouds().Get("baiducloud")
	now := time.Date(2026, 12, 7, 3, 0, 0, 0, time.UTC)
	want := rule.Rule{Direction: rule.Ingress, Protocol: rule.TCP, Ports: rule.PortRange{From: 5432, To: 5432}, CIDR: "203.0.113.7/32", Description: "ci"}
	other := rule.Rule{Direction: rule.Ingress, Protocol: rule.TCP, Ports: rule.PortRange{From: 22, To: 22}, CIDR: "203.0.113.7/32"}
	with := func(r rule.Rule, desc string) rule.Rule { r.Description = desc; return r }
	live := rule.WithMarker("ci", now.Add(10*time.Minute))
	withinGrace := rule.WithMarker("ci", now.Add(-expiryGrace+time.Second))
	dead := rule.WithMarker("ci", now.Add(-expiryGrace-time.Second))
	for _, c := range []struct {
		name              string
		caps              cloud.Capabilities
		held              []rule.Rule
		present, takeOver bool
		expired           int
	}{
		{"empty", ecs.Capabilities, nil, false, false, 0},
		{"someone's", ecs.Capabilities, []rule.Rule{with(want, "db")}, true, false, 0},
		{"another run's", ecs.Capabilities, []rule.Rule{with(want, live)}, true, false, 0},
		{"within the grace", ecs.Capabilities, []rule.Rule{with(want, withinGrace), with(other, withinGrace)}, true, false, 0},
		{"a dead run's", ecs.Capabilities, []rule.Rule{with(want, dead)}, false, true, 0},
		{"leftovers", ecs.Capabilities, []rule.Rule{with(other, dead), with(other, "kept"), with(other, "a "+dead+" b")}, false, false, 1},
		{"baidu: someone's and a dead run's", baidu.Capabilities, []rule.Rule{with(want, dead), with(want, "")}, true, false, 1},
	} {
		st := sortHeld(c.caps, c.held, want, now)
		if (st.present != nil) != c.present || (st.takeOver != nil) != c.takeOver || len(st.expired) != c.expired {
			t.Errorf("%s: present %v, take over %v, expired %d; want %v, %v, %d", c.name, st.present != nil, st.takeOver != nil, len(st.expired), c.present, c.takeOver, c.expired)
		}
	}
}

// The description and the marker must fit together; the duration has a
// floor.
func TestEphemeralChecks(t *testing.T) {
	ecs, _ := Clouds().Get("alicloud")
	m := newRuleModel()
	long := make([]rune, 512-rule.MarkerLen+1)
	for i := range long {
		long[i] = 'x'
	}
	m.Description = typesString(string(long))
	if ps := checkMarkerRoom(m, &ecs); len(ps) != 1 {
		t.Fatalf("a description without room for the marker passes: %v", ps)
	}
	m.Description = typesString(string(long[1:]))
	if ps := checkMarkerRoom(m, &ecs); len(ps) != 0 {
		t.Fatalf("a description that fits with the marker is refused: %v", ps)
	}
	for v, ok := range map[string]bool{"5m": true, "2h": true, "24h": true, "24h1s": false, "4m59s": false, "soon": false} {
		if _, p := durationOf(typesString(v)); (p == nil) != ok {
			t.Errorf("duration %q: problem %v", v, p)
		}
	}
	if d, p := durationOf(typesNull()); p != nil || d != time.Hour {
		t.Errorf("no duration: %s, %v; want 1h", d, p)
	}
}

// fieldsOf is a model's tfsdk tags, embedded structs' included.
func fieldsOf(v any) []string {
	var out []string
	rt := reflect.TypeOf(v)
	for i := range rt.NumField() {
		f := rt.Field(i)
		if f.Anonymous {
			out = append(out, fieldsOf(reflect.New(f.Type).Elem().Interface())...)
			continue
		}
		out = append(out, f.Tag.Get("tfsdk"))
	}
	return out
}

func fmtValue(v any) string             { return fmt.Sprintf("%T %#v", v, v) }
func typesString(v string) types.String { return types.StringValue(v) }
func typesNull() types.String           { return types.StringNull() }

// mockConns are the provider's connections to m, as Configure makes them.
func mockConns(t *testing.T, m *mockcloud.Server, cloudName string) *engine.Connections {
	t.Helper()
	registry := Clouds()
	configs, diags := cloudConfigs(registry, map[string]map[string]string{cloudName: mocktest.Settings(cloudName, m.URL)}, func(string) string { return "" })
	if diags.HasError() {
		t.Fatal(diags)
	}
	return engine.NewConnections(registry, configs, engine.NewGroups(engine.Settings{}))
}

// A renewal moves the marker of the rule on the cloud (in place, the same
// rule id) to the cloud's time plus the duration: the cloud's clock, not
// this machine's.
func TestEphemeralRenewMovesTheMarker(t *testing.T) {
	m := mocktest.Start(t, "")
	m.Store.SetClockOffset(7 * time.Minute)
	opened := rule.Rule{Direction: rule.Ingress, Protocol: rule.TCP, Ports: rule.PortRange{From: 5432, To: 5432}, CIDR: "203.0.113.7/32",
		Description: rule.WithMarker("ci", m.Store.Now().Add(time.Minute))}
	id := authorizeInMock(t, m, "alicloud", "sg-web", opened)
	opened.NativeID = id
	o := openedRule{Cloud: "alicloud", Group: "sg-web", Rule: opened, Made: true, UserDescription: "ci", Duration: 30 * time.Minute}
	var diags diag.Diagnostics
	renewed, ok := renewMarker(context.Background(), mockConns(t, m, "alicloud"), o, &diags)
	if !ok || diags.HasError() {
		t.Fatalf("renewal failed: %v", diags)
	}
	rules := mocktest.Rules(m, "alicloud", "sg-web")
	if len(rules) != 1 || rules[0]["SecurityGroupRuleId"] != id {
		t.Fatalf("the group holds %v, want the one rule %s", rules, id)
	}
	desc, _ := rules[0]["Description"].(string)
	rest, until, marked := rule.ParseMarker(desc)
	want := m.Store.Now().Add(30 * time.Minute)
	if !marked || rest != "ci" || until.Before(want.Add(-5*time.Second)) || until.After(want.Add(5*time.Second)) {
		t.Fatalf("after the renewal the description is %q; want \"ci\" and a marker near %s (the cloud's time plus 30m)", desc, want)
	}
	if renewed.Rule.Description != desc {
		t.Fatalf("the record holds %q, the cloud %q", renewed.Rule.Description, desc)
	}
}

// TestMarkerLive: a marker keeps its rule from its opening to a minute
// past its time, and a marker further ahead than an ephemeral rule can
// set (written by hand, say) keeps nothing.
func TestMarkerLive(t *testing.T) {
	now := time.Date(2026, 12, 7, 3, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		until         time.Time
		live, expired bool
	}{
		{now.Add(time.Hour), true, false},
		{now.Add(-30 * time.Second), true, false},
		{now.Add(-61 * time.Second), false, true},
		{now.Add(maxEphemeralDuration), true, false},
		{now.Add(maxEphemeralDuration + 2*time.Minute), false, false},
		{now.AddDate(73, 0, 0), false, false},
	} {
		if live, expired := markerLive(c.until, now), markerExpired(c.until, now); live != c.live || expired != c.expired {
			t.Errorf("until %s at %s: live %v expired %v, want %v %v", c.until, now, live, expired, c.live, c.expired)
		}
	}
}

// TestDescriptionMayNotHoldTheMarker: a rule that is not ephemeral may not
// carry the marker, which would let the next ephemeral rule on its group
// revoke it; the check is secgroup_rule's, so sets' entries and the
// ephemeral rule's own description have it too.
func TestDescriptionMayNotHoldTheMarker(t *testing.T) {
	ecs, _ := Clouds().Get("alicloud")
	for desc, refused := range map[string]bool{
		"web " + rule.Marker(time.Now()):       true,
		"secgroup-ephemeral:v9:until=tomorrow": true,
		"secgroup ephemeral":                   false,
		"":                                     false,
	} {
		m := newRuleModel()
		m.Description = typesString(desc)
		ps := checkDescription(m, &ecs)
		if (len(ps) > 0) != refused {
			t.Errorf("description %q: problems %v, want refused %v", desc, ps, refused)
		}
		if refused && len(ps) > 0 && (ps[0].attr != "description" || !strings.Contains(ps[0].detail, "Remove it")) {
			t.Errorf("description %q: the problem does not name the attribute and the fix: %+v", desc, ps[0])
		}
	}
}
