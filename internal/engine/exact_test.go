package engine

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/secgroup/terraform-provider-secgroup/internal/cloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/rule"
)

// seed puts rules in a counting backend as another tool would.
func seed(b *countingBackend, rules ...rule.Rule) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.rules = append(b.rules, rules...)
}

func withID(r rule.Rule, id string, created time.Time) rule.Rule {
	r.NativeID, r.Created = id, created
	return r
}

// sameAs is a plan's test of a rule: the content and creation time it
// showed.
func sameAs(planned rule.Rule) func(rule.Rule) bool {
	return func(current rule.Rule) bool {
		return sameWire(current, planned) && current.Created.Equal(planned.Created)
	}
}

// The exclusive resource's revokes choose their rules from a describe made
// under the group's lock, by the cloud's id: a rule revoked and made again
// with the same content after the plan (a new id) is not the one the plan
// named and stays; the planned one is gone. Unchanged ones are revoked, in
// one call.
func TestRevokeExactByTheCloudsID(t *testing.T) {
	b := newCounting()
	c := NewClient(batchingCloud, b, "scope", NewGroups(Settings{Backoff: fast}))
	ctx := context.Background()
	t0 := time.Now().Add(-time.Hour).Truncate(time.Second)
	planned := []rule.Rule{withID(tcp(22), "id-a", t0), withID(tcp(23), "id-b", t0), withID(tcp(24), "id-c", t0)}
	seed(b, planned...)
	if _, err := c.List(ctx, "sg"); err != nil { // an earlier read, cached
		t.Fatal(err)
	}
	// After the plan, someone revokes 22 and makes it again.
	b.mu.Lock()
	b.rules = append(b.rules[1:], withID(tcp(22), "id-new", time.Now().Truncate(time.Second)))
	b.mu.Unlock()
	var targets []Target
	for _, p := range planned {
		targets = append(targets, Target{Rule: rule.Rule{NativeID: p.NativeID}, Same: sameAs(p)})
	}
	for i, err := range c.RevokeExact(ctx, "sg", targets) {
		if err != nil {
			t.Fatalf("target %d: %v", i, err)
		}
	}
	rules, _ := b.Describe(ctx, "sg")
	if len(rules) != 1 || rules[0].NativeID != "id-new" {
		t.Fatalf("left %v: want only the rule made after the plan", rules)
	}
	if b.callsOf("revoke") != 1 || b.batches[len(b.batches)-1] != 2 {
		t.Fatalf("%d revokes, batches %v: want the two unchanged rules in one call", b.callsOf("revoke"), b.batches)
	}
}

// Where rules have no ids (ENS), a rule of the planned content made again
// after the plan has another creation time: it changed since the plan and
// is not revoked.
func TestRevokeExactByContentAndCreationTime(t *testing.T) {
	b := newCounting()
	contentCloud := cloud.Cloud{Name: "fake", WriteBatch: 1}
	c := NewClient(contentCloud, b, "scope", NewGroups(Settings{Backoff: fast}))
	ctx := context.Background()
	t0 := time.Now().Add(-time.Hour).Truncate(time.Second)
	planned := withID(tcp(22), "", t0)
	seed(b, withID(tcp(22), "", time.Now().Truncate(time.Second)))
	errs := c.RevokeExact(ctx, "sg", []Target{{Rule: tcp(22), Same: sameAs(planned)}})
	if !errors.Is(errs[0], ErrChangedSincePlan) || b.callsOf("revoke") != 0 {
		t.Fatalf("%v after %d revokes: want the rule left, changed since the plan", errs[0], b.callsOf("revoke"))
	}
	b.rules[0].Created = t0
	if errs := c.RevokeExact(ctx, "sg", []Target{{Rule: tcp(22), Same: sameAs(planned)}}); errs[0] != nil || len(b.rules) != 0 {
		t.Fatalf("%v, left %v: want the planned rule revoked", errs[0], b.rules)
	}
}

// guardedBackend versions its group, as Baidu's sgVersion does, and
// refuses a guarded revoke when the group changed since its last
// describe; beforeGuarded runs first (another writer).
type guardedBackend struct {
	*countingBackend
	version, described int
	beforeGuarded      func()
}

func (g *guardedBackend) Describe(ctx context.Context, id string) ([]rule.Rule, error) {
	g.mu.Lock()
	g.described = g.version
	g.mu.Unlock()
	return g.countingBackend.Describe(ctx, id)
}

func (g *guardedBackend) RevokeUnchanged(ctx context.Context, id string, r rule.Rule, token string) error {
	if f := g.beforeGuarded; f != nil {
		g.beforeGuarded = nil
		f()
	}
	g.mu.Lock()
	changed := g.version != g.described
	g.mu.Unlock()
	if changed {
		g.count("revoke", 1)
		return &cloud.Error{Kind: cloud.KindBusy, Code: "VersionMismatch"}
	}
	err := g.Revoke(ctx, id, []rule.Rule{r}, token)
	g.mu.Lock()
	g.version++
	g.mu.Unlock()
	return err
}

// On a cloud that versions its groups, a change between the describe that
// chose a rule and its revoke is refused by the cloud, and the rule is
// chosen again from a new describe: a rule made again in between (a new
// id) is left alone.
func TestRevokeExactCarriesTheGroupsVersion(t *testing.T) {
	b := &guardedBackend{countingBackend: newCounting()}
	c := NewClient(batchingCloud, b, "scope", NewGroups(Settings{Backoff: fast}))
	ctx := context.Background()
	t0 := time.Now().Add(-time.Hour).Truncate(time.Second)
	planned := withID(tcp(22), "id-a", t0)
	seed(b.countingBackend, planned, withID(tcp(23), "id-b", t0))
	b.beforeGuarded = func() {
		b.mu.Lock()
		b.rules[0] = withID(tcp(22), "id-new", time.Now())
		b.version++
		b.mu.Unlock()
	}
	errs := c.RevokeExact(ctx, "sg", []Target{{Rule: rule.Rule{NativeID: "id-a"}, Same: sameAs(planned)}})
	if errs[0] != nil {
		t.Fatal(errs[0])
	}
	rules, _ := b.countingBackend.Describe(ctx, "sg")
	if len(rules) != 2 || rules[0].NativeID != "id-new" {
		t.Fatalf("left %v: the rule made after the describe must stay", rules)
	}
}

// A revoke answered "not found" while the group, read again, still holds
// the rule is sent again as the cloud spells it, but only while the rule
// still reads as the plan showed it: one edited in between (its
// description here) changed since the plan and stays.
func TestRevokeExactSendsAgainOnlyWhatThePlanShowed(t *testing.T) {
	b := newCounting()
	c := NewClient(batchingCloud, b, "scope", NewGroups(Settings{Backoff: fast}))
	t0 := time.Now().Add(-time.Hour).Truncate(time.Second)
	planned := withID(tcp(22), "id-a", t0)
	planned.Description = "as planned"
	seed(b, planned)
	edited := false
	b.denyRevoke = func(rule.Rule) bool {
		if edited {
			return false
		}
		// Someone edits the rule as the revoke goes out; the cloud answers
		// the revoke, which named the old description, "not found".
		edited = true
		b.rules[0].Description = "edited after the plan"
		return true
	}
	errs := c.RevokeExact(context.Background(), "sg", []Target{{Rule: rule.Rule{NativeID: "id-a"}, Same: sameAs(planned)}})
	if !errors.Is(errs[0], ErrChangedSincePlan) {
		t.Fatalf("the revoke ended %v; want ErrChangedSincePlan", errs[0])
	}
	if rules, _ := b.Describe(context.Background(), "sg"); len(rules) != 1 {
		t.Fatalf("the group holds %v: a rule edited since the plan was revoked", rules)
	}
}
