package cloud

import (
	"context"
	"strings"
	"testing"

	"github.com/secgroup/terraform-provider-secgroup/internal/rule"
)

func quotaClient(t *testing.T, quota int, perDirection bool, existing ...rule.Rule) (*Client, *countingBackend) {
	t.Helper()
	b := newCounting()
	b.rules = existing
	def := Cloud{Name: "fake", Title: "Fake Cloud", Capabilities: Capabilities{Quota: quota, QuotaPerDirection: perDirection}}
	return NewClient(def, b, "scope", NewGroups(), fast), b
}

func add(t *testing.T, c *Client, r rule.Rule) (string, error) {
	t.Helper()
	return c.PlanQuota(context.Background(), "sg", PlanChange{Add: &r})
}

func TestPlanQuota(t *testing.T) {
	ctx := context.Background()

	// An empty group: the fourth add is certain to exceed 3.
	c, _ := quotaClient(t, 3, false)
	for p := 1; p <= 3; p++ {
		if w, err := add(t, c, tcp(p)); w != "" || err != nil {
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
	if err != nil || !strings.Contains(w, "unless the plan removes some of the 2 rules") {
		t.Fatalf("warning: %q %v", w, err)
	}
	if w, err := add(t, c, tcp(3)); w != "" || err != nil {
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
	if w, err := add(t, c, tcp(1)); w != "" || err != nil {
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

	// No quota known: nothing checked, nothing read.
	c, fb := quotaClient(t, 0, false)
	if w, err := add(t, c, tcp(1)); w != "" || err != nil || fb.callsOf("describe") != 0 {
		t.Fatalf("no quota: %q %v, %d describes", w, err, fb.callsOf("describe"))
	}

	// Terraform plans each resource again while it applies: rules applied
	// meanwhile are not counted twice.
	c, _ = quotaClient(t, 2, false)
	if _, err := add(t, c, tcp(1)); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Create(ctx, "sg", tcp(1), "t"); err != nil {
		t.Fatal(err)
	}
	if _, err := add(t, c, tcp(2)); err != nil {
		t.Fatalf("re-planned during apply: %v", err)
	}
}
