package engine

import (
	"context"
	"strings"
	"testing"

	"github.com/secgroup/terraform-provider-secgroup/internal/cloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/rule"
)

func quotaClient(t *testing.T, quota int, perDirection bool, existing ...rule.Rule) (*Client, *countingBackend) {
	t.Helper()
	b := newCounting()
	b.rules = existing
	def := cloud.Cloud{Name: "fake", Title: "Fake Cloud", Capabilities: cloud.Capabilities{Quota: quota, QuotaPerDirection: perDirection}}
	return NewClient(def, b, "scope", NewGroups(Settings{Backoff: fast})), b
}

func add(t *testing.T, c *Client, r rule.Rule) (*PlanWarning, error) {
	t.Helper()
	return c.PlanQuota(context.Background(), "sg", PlanChange{Add: &r})
}

func TestPlanQuota(t *testing.T) {
	ctx := context.Background()

	// An empty group: the fourth add is certain to exceed 3.
	c, _ := quotaClient(t, 3, false)
	for p := 1; p <= 3; p++ {
		if w, err := add(t, c, tcp(p)); w != nil || err != nil {
			t.Fatalf("add %d: %q %v", p, w, err)
		}
	}
	if _, err := add(t, c, tcp(4)); err == nil || !strings.Contains(err.Error(), "would hold 4 rules") || !strings.Contains(err.Error(), "rule_quota in the fake block") {
		t.Fatalf("fourth add: %v", err)
	}

	// Two rules the plan has not reached: exceeding depends on them, a
	// warning (once); once they are reached and kept, it is certain.
	a, b := tcp(10), tcp(11)
	c, _ = quotaClient(t, 3, false, a, b)
	_, _ = add(t, c, tcp(1))
	w, err := add(t, c, tcp(2))
	if err != nil || w == nil || !strings.Contains(w.Detail, "unless the plan removes some of the 2 rules") {
		t.Fatalf("warning: %q %v", w, err)
	}
	if w, err := add(t, c, tcp(3)); w != nil || err != nil {
		t.Fatalf("one warning per group: %q %v", w, err)
	}
	_, _ = c.PlanQuota(ctx, "sg", PlanChange{Keep: &a})
	_, _ = c.PlanQuota(ctx, "sg", PlanChange{Keep: &b})
	if _, err := add(t, c, tcp(4)); err == nil {
		t.Fatal("with every rule reached, exceeding is certain")
	}

	// A removal makes room.
	c, _ = quotaClient(t, 3, false, a, b, tcp(12))
	gone := tcp(12)
	_, _ = c.PlanQuota(ctx, "sg", PlanChange{Remove: &gone})
	if w, err := add(t, c, tcp(1)); w != nil || err != nil {
		t.Fatalf("after a removal: %q %v", w, err)
	}

	// Per direction (Zenlayer): each direction has its own count.
	c, _ = quotaClient(t, 1, true)
	egress := tcp(1)
	egress.Direction = rule.Egress
	if _, err := add(t, c, tcp(1)); err != nil {
		t.Fatal(err)
	}
	if _, err := add(t, c, egress); err != nil {
		t.Fatalf("egress has its own count: %v", err)
	}
	if _, err := add(t, c, tcp(2)); err == nil || !strings.Contains(err.Error(), "(ingress)") {
		t.Fatalf("second ingress: %v", err)
	}

	// No quota known: nothing counted, but the group is read once, so a
	// plan to add to a group that cannot be read fails.
	c, fb := quotaClient(t, 0, false)
	for p := 1; p <= 3; p++ {
		if w, err := add(t, c, tcp(p)); w != nil || err != nil || fb.callsOf("describe") != 1 {
			t.Fatalf("no quota: %q %v, %d describes", w, err, fb.callsOf("describe"))
		}
	}

	// Terraform plans each resource again while it applies: rules applied
	// meanwhile are not counted twice.
	c, _ = quotaClient(t, 2, false)
	if _, err := add(t, c, tcp(1)); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Create(ctx, "sg", tcp(1)); err != nil {
		t.Fatal(err)
	}
	if _, err := add(t, c, tcp(2)); err != nil {
		t.Fatalf("re-planned during apply: %v", err)
	}
}

// A replacement in a full group is one removal and one addition however
// Terraform plans it: with the old and new rule, then the create again
// (a changed port, a changed description where it replaces); `-replace`,
// which shows the provider no change, then the create of the same rule;
// and in any order among the group's other rules.
func TestPlanQuotaReplacementsInAFullGroup(t *testing.T) {
	full := func() []rule.Rule {
		var rules []rule.Rule
		for p := 1; p <= 20; p++ {
			rules = append(rules, tcp(p))
		}
		return rules
	}
	ctx := context.Background()
	type step func(c *Client) (*PlanWarning, error)
	keepAll := func(except int) []step {
		var steps []step
		for p := 1; p <= 20; p++ {
			if p != except {
				r := tcp(p)
				steps = append(steps, func(c *Client) (*PlanWarning, error) { return c.PlanQuota(ctx, "sg", PlanChange{Keep: &r}) })
			}
		}
		return steps
	}
	old, byPort, byDescription := tcp(7), tcp(77), tcp(7)
	byDescription.Description = "changed"
	cases := map[string][]step{
		"port": {
			func(c *Client) (*PlanWarning, error) {
				return c.PlanQuota(ctx, "sg", PlanChange{Remove: &old, Add: &byPort, Replacement: true})
			},
			func(c *Client) (*PlanWarning, error) { return c.PlanQuota(ctx, "sg", PlanChange{Add: &byPort}) },
		},
		"description": {
			func(c *Client) (*PlanWarning, error) {
				return c.PlanQuota(ctx, "sg", PlanChange{Remove: &old, Add: &byDescription, Replacement: true})
			},
			func(c *Client) (*PlanWarning, error) { return c.PlanQuota(ctx, "sg", PlanChange{Add: &byDescription}) },
		},
		"-replace": {
			func(c *Client) (*PlanWarning, error) { return c.PlanQuota(ctx, "sg", PlanChange{Keep: &old}) },
			func(c *Client) (*PlanWarning, error) { return c.PlanQuota(ctx, "sg", PlanChange{Add: &old}) },
		},
	}
	for name, replacement := range cases {
		for _, at := range []int{0, 5, 19} {
			others := keepAll(7)
			steps := append(append(append([]step{}, others[:at]...), replacement...), others[at:]...)
			c, _ := quotaClient(t, 20, false, full()...)
			for i, s := range steps {
				if w, err := s(c); w != nil || err != nil {
					t.Fatalf("%s, replaced after %d others, step %d: %q %v", name, at, i, w, err)
				}
			}
		}
	}
	// A second, new rule in the full group is still refused.
	c, _ := quotaClient(t, 20, false, full()...)
	for _, s := range keepAll(0) {
		_, _ = s(c)
	}
	if _, err := c.PlanQuota(ctx, "sg", PlanChange{Remove: &old, Add: &byPort, Replacement: true}); err != nil {
		t.Fatal(err)
	}
	extra := tcp(99)
	if _, err := c.PlanQuota(ctx, "sg", PlanChange{Add: &extra}); err == nil || !strings.Contains(err.Error(), "would hold 21 rules") {
		t.Fatalf("a 21st rule: %v", err)
	}
	// Rules not known yet count one each, even when they look alike.
	c, _ = quotaClient(t, 2, false)
	var unknown rule.Rule
	for i := range 3 {
		_, err := c.PlanQuota(ctx, "sg", PlanChange{Add: &unknown, AddUnknown: true})
		if (i < 2) != (err == nil) {
			t.Fatalf("unknown rule %d: %v", i, err)
		}
	}
}

// A group that cannot be read fails the plan with the cloud's own error.
func TestPlanQuotaReadFailureFailsThePlan(t *testing.T) {
	c, b := quotaClient(t, 20, false)
	b.failRead = &cloud.Error{Kind: cloud.KindGroupGone, Code: "InvalidSecurityGroupId.NotFound", Attribute: "security_group_id"}
	if _, err := add(t, c, tcp(1)); cloud.KindOf(err) != cloud.KindGroupGone {
		t.Fatalf("a group that is gone: %v", err)
	}
	// A group whose rules the refresh dropped because it is gone: the plan
	// (a destroy's refresh plan among them) goes on, warned.
	if _, err := c.Find(context.Background(), "sg", tcp(1)); cloud.KindOf(err) != cloud.KindGroupGone {
		t.Fatal(err)
	}
	if w, err := add(t, c, tcp(1)); err != nil || w == nil || w.Summary != "Security Group No Longer Exists" {
		t.Fatalf("a group the refresh found gone: %v %v", w, err)
	}
	b.failRead = &cloud.Error{Kind: cloud.KindAuth, Code: "SignatureDoesNotMatch"}
	c, _ = quotaClient(t, 0, false)
	c.backend = b
	if _, err := add(t, c, tcp(1)); cloud.KindOf(err) != cloud.KindAuth {
		t.Fatalf("credentials refused, no quota: %v", err)
	}
}

// The projection of a group after a plan, step by step: what the group
// holds, keeps, has not reached, gains, and ends with.
func TestTallyProjection(t *testing.T) {
	a, b, c, d := tcp(1), tcp(2), tcp(3), tcp(4)
	all := func(rule.Rule) bool { return true }
	for _, tc := range []struct {
		name    string
		changes []PlanChange
		want    projection
	}{
		{"nothing planned", nil, projection{held: 2, kept: 2, unreached: 2, rules: 2}},
		{"one kept, one added", []PlanChange{{Keep: &a}, {Add: &c}}, projection{held: 2, kept: 2, unreached: 1, added: 1, rules: 3}},
		{"one removed", []PlanChange{{Remove: &b}}, projection{held: 2, kept: 1, unreached: 1, rules: 1}},
		{"a held rule created again adds nothing", []PlanChange{{Add: &a}}, projection{held: 2, kept: 2, unreached: 2, added: 1, rules: 2}},
		{"a replacement counts once though planned twice", []PlanChange{{Remove: &a, Add: &d, Replacement: true}, {Add: &d}},
			projection{held: 2, kept: 1, unreached: 1, added: 1, rules: 2}},
		{"unknown adds each count", []PlanChange{{Add: &c, AddUnknown: true}, {Add: &c, AddUnknown: true}},
			projection{held: 2, kept: 2, unreached: 2, added: 2, rules: 4}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tl := &tally{baseline: []rule.Rule{a, b}, read: true}
			for _, ch := range tc.changes {
				tl.record(ch)
			}
			if got := tl.project(rule.Identity{}, all); got != tc.want {
				t.Errorf("projection %+v, want %+v", got, tc.want)
			}
		})
	}
}

// A quota the provider block set (rule_quota) is named as the user's own,
// not as the cloud's: the vendor never said it.
func TestPlanQuotaNamesTheBlocksOwnQuota(t *testing.T) {
	c, _ := quotaClient(t, 200, false)
	c.quota = 2
	for p := 1; p <= 2; p++ {
		if _, err := add(t, c, tcp(p)); err != nil {
			t.Fatal(err)
		}
	}
	_, err := add(t, c, tcp(3))
	if err == nil || strings.Contains(err.Error(), "Fake Cloud allows") || !strings.Contains(err.Error(), "the fake block of the provider sets rule_quota = 2 rules per group") {
		t.Fatalf("third add past rule_quota = 2: %v", err)
	}
}
