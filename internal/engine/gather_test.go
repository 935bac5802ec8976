package engine

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/secgroup/terraform-provider-secgroup/internal/cloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/rule"
)

// Writes that arrive a moment apart are gathered into one call while
// Terraform keeps sending; a write alone goes once nothing more comes.
func TestGatheredWritesGoInOneCall(t *testing.T) {
	b := newCounting()
	c := gatheringClient(t, batchingCloud, b)
	ctx := context.Background()
	createSpaced(t, c, []rule.Rule{tcp(30), tcp(31), tcp(32), tcp(33), tcp(34)})
	if fmt.Sprint(b.batches) != "[5]" || b.callsOf("describe") != 2 {
		t.Fatalf("batches %v, %d describes: want one authorize of 5 and one shared read-back", b.batches, b.callsOf("describe"))
	}
	// Deletes gather too, where the cloud batches.
	for i, err := range parallel(5, func(i int) error { return c.Delete(ctx, "sg", tcp(30+i)) }) {
		if err != nil {
			t.Fatalf("delete %d: %v", i, err)
		}
	}
	if fmt.Sprint(b.batches) != "[5 5]" {
		t.Fatalf("batches %v", b.batches)
	}
	if n := c.groups.queued.Load(); n != 0 {
		t.Fatalf("%d writes counted as held after every write ended", n)
	}
}

// Writes of both directions gathered together go out in one call per
// direction where the cloud's API says so (ECS), and their read-backs
// share one describe.
func TestGatheredDirectionsShareOneReadBack(t *testing.T) {
	b := newCounting()
	perDirection := batchingCloud
	perDirection.BatchPerDirection = true
	c := gatheringClient(t, perDirection, b)
	var rules []rule.Rule
	for i := range 6 {
		r := tcp(40 + i)
		if i%2 == 1 {
			r.Direction = rule.Egress
		}
		rules = append(rules, r)
	}
	createSpaced(t, c, rules)
	if fmt.Sprint(b.batches) != "[3 3]" || b.callsOf("describe") != 2 {
		t.Fatalf("batches %v, %d describes: want one authorize per direction and one shared read-back after the first read", b.batches, b.callsOf("describe"))
	}
}

// gatheringClient gathers writes until none has come for 200 ms, and has
// read group "sg" once.
func gatheringClient(t *testing.T, def cloud.Cloud, b *countingBackend) *Client {
	t.Helper()
	c := NewClient(def, b, "scope", NewGroups(Settings{Backoff: fast, Gather: Gather{MinIdle: 200 * time.Millisecond, MaxIdle: 200 * time.Millisecond, Max: 10 * time.Second}}))
	if _, err := c.List(context.Background(), "sg"); err != nil {
		t.Fatal(err)
	}
	return c
}

// createSpaced creates the rules in group "sg" 10 ms apart, as Terraform
// hands them out, and waits for all of them.
func createSpaced(t *testing.T, c *Client, rules []rule.Rule) {
	t.Helper()
	errs := make(chan error, len(rules))
	for _, r := range rules {
		go func() { _, err := c.Create(context.Background(), "sg", r); errs <- err }()
		time.Sleep(10 * time.Millisecond)
	}
	for range rules {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
}

// When queued writes go out: the decision alone, on a fixed clock.
func TestGatherDecision(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	ms := time.Millisecond
	policy := Gather{MinIdle: 40 * ms, MaxIdle: 400 * ms, Max: time.Second}
	c := NewClient(batchingCloud, newCounting(), "scope", nil)
	queued := func(n int, at time.Time) []*op {
		var ops []*op
		for i := range n {
			o := newOp(context.Background(), c, opCreate, tcp(i+1))
			o.queued = at
			ops = append(ops, o)
		}
		return ops
	}
	for _, tc := range []struct {
		name               string
		writing, peak      int
		peakAge, idle, gap time.Duration
		queued             int
		// heldElsewhere are writes held in other groups.
		heldElsewhere  int
		age            time.Duration
		wantNow        bool
		wantWaitAtMost time.Duration
		noGather       bool
		cloud          cloud.Cloud
	}{
		{name: "Terraform still sending", writing: 3, peak: 3, peakAge: 2 * ms, idle: 2 * ms, queued: 3, age: 20 * ms, wantWaitAtMost: 38 * ms},
		{name: "all of Terraform's slots are with us: a standing peak matched", writing: 10, peak: 10, peakAge: 2 * time.Second, idle: 2 * ms, gap: 10 * ms, queued: 4, age: 20 * ms, wantNow: true},
		{name: "all of Terraform's slots are with us: a new peak, then nothing", writing: 10, peak: 10, peakAge: 300 * ms, idle: 25 * ms, gap: 10 * ms, queued: 4, age: 20 * ms, wantNow: true},
		{name: "a new peak matched while Terraform still sends", writing: 10, peak: 10, peakAge: 300 * ms, idle: 5 * ms, gap: 10 * ms, queued: 4, age: 20 * ms, wantWaitAtMost: 40 * ms},
		{name: "no write for Idle", writing: 4, peak: 10, peakAge: time.Second, idle: 41 * ms, queued: 4, age: 60 * ms, wantNow: true},
		{name: "Terraform's slow pace: a pause of two gaps is not idle", writing: 4, peak: 10, peakAge: time.Second, idle: 80 * ms, gap: 40 * ms, queued: 2, age: 200 * ms, wantWaitAtMost: 80 * ms},
		{name: "no write for IdlePaces of Terraform's gaps", writing: 4, peak: 10, peakAge: time.Second, idle: 161 * ms, gap: 40 * ms, queued: 2, age: 200 * ms, wantNow: true},
		{name: "idle time bounded by MaxIdle", writing: 4, peak: 10, peakAge: time.Second, idle: 401 * ms, gap: 300 * ms, queued: 2, age: 500 * ms, wantNow: true},
		{name: "waited long enough", writing: 4, peak: 10, peakAge: time.Second, idle: ms, queued: 4, age: time.Second, wantNow: true},
		{name: "Terraform's default -parallelism: a held write would take a slot it uses", writing: 3, peak: 10, peakAge: 2 * time.Second, idle: 2 * ms, gap: 10 * ms, queued: 2, age: 5 * ms, wantNow: true},
		{name: "a raised -parallelism: slots to spare, writes wait for others", writing: 40, peak: 100, peakAge: 2 * time.Second, idle: 2 * ms, gap: 10 * ms, queued: 4, age: 20 * ms, wantWaitAtMost: 40 * ms},
		{name: "a raised -parallelism: fewer than Reserve slots would be left to Terraform", writing: 95, peak: 100, peakAge: 2 * time.Second, idle: 2 * ms, gap: 10 * ms, queued: 9, heldElsewhere: 100 - Reserve + 1 - 9, age: 20 * ms, wantNow: true},
		{name: "a raised -parallelism: right after a batch went, its writes in calls leave the slots to us", writing: 95, peak: 100, peakAge: 2 * time.Second, idle: 2 * ms, gap: 10 * ms, queued: 2, heldElsewhere: 3, age: 5 * ms, wantWaitAtMost: 40 * ms},
		{name: "the peak not yet known: Terraform ramps up, writes wait", writing: 3, peak: 3, peakAge: 100 * ms, idle: 2 * ms, gap: 10 * ms, queued: 2, age: 5 * ms, wantWaitAtMost: 40 * ms},
		{name: "a full batch", writing: 100, peak: 200, peakAge: time.Second, idle: ms, queued: 100, age: ms, wantNow: true},
		{name: "no gathering", writing: 1, peak: 5, peakAge: time.Second, idle: 0, queued: 1, age: 0, wantNow: true, noGather: true},
		{name: "one rule per call, nothing to read back", writing: 1, peak: 5, peakAge: time.Second, idle: 0, queued: 3, age: 0, wantNow: true, cloud: cloud.Cloud{Name: "ens"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			gs := NewGroups(Settings{Backoff: fast, Gather: policy})
			if tc.noGather {
				gs = NewGroups(Settings{Backoff: fast})
			}
			now := t0.Add(time.Hour)
			gs.writing, gs.peak, gs.peakAt, gs.lastWrite, gs.gap = tc.writing, tc.peak, now.Add(-tc.peakAge), now.Add(-tc.idle), tc.gap
			ops := queued(tc.queued, now.Add(-tc.age))
			gs.queued.Store(int64(tc.queued + tc.heldElsewhere))
			if tc.cloud.Name != "" {
				for _, o := range ops {
					o.client = NewClient(tc.cloud, newCounting(), "scope", gs)
				}
			}
			wait := gs.gatherFor(ops, now)
			if tc.wantNow && wait != 0 || !tc.wantNow && (wait == 0 || wait > tc.wantWaitAtMost) {
				t.Fatalf("wait %v, want now=%v (at most %v)", wait, tc.wantNow, tc.wantWaitAtMost)
			}
		})
	}
}

// Terraform's pace is learnt from the gaps between writes; a long pause
// (its slots all busy, or a phase over) moves it by little.
func TestGatherLearnsTerraformsPace(t *testing.T) {
	gs := NewGroups(Settings{Backoff: fast, Gather: Gather{MinIdle: 50 * time.Millisecond, MaxIdle: 400 * time.Millisecond, Max: 2 * time.Second}})
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	// Writes a second apart, each alone: rounds of their own, no pace.
	for range 20 {
		at = at.Add(time.Second)
		gs.enter(at)
		gs.leave(&op{queued: at})
	}
	if got := gs.idleTime(); got != 50*time.Millisecond {
		t.Fatalf("idle time %v after lone writes, want MinIdle", got)
	}
	// An apply: one write still waits while the others come 30 ms apart.
	gs.enter(at)
	for range 50 {
		at = at.Add(30 * time.Millisecond)
		gs.enter(at)
		gs.leave(&op{queued: at})
	}
	if got := gs.idleTime(); got < 110*time.Millisecond || got > 130*time.Millisecond {
		t.Fatalf("idle time %v after writes 30 ms apart, want about 120 ms", got)
	}
	gs.enter(at.Add(10 * time.Second))
	if got := gs.idleTime(); got > 200*time.Millisecond {
		t.Fatalf("idle time %v after one long pause, want it still near the pace", got)
	}
}

// An exclusive resource's revokes are one Terraform request holding one
// slot: counted as thirty, they would raise the peak to thirty and keep
// gathering on at -parallelism=10 for the rest of the apply.
func TestOneResourcesWritesHoldOneSlot(t *testing.T) {
	b := newCounting()
	gs := NewGroups(Settings{Backoff: fast, Gather: Production().Gather})
	c := NewClient(batchingCloud, b, "scope", gs)
	ctx := context.Background()
	var targets []Target
	for i := range 30 {
		r := tcp(100 + i)
		seed(b, r)
		targets = append(targets, Target{Rule: r, Same: func(rule.Rule) bool { return true }})
	}
	for i, err := range c.RevokeExact(ctx, "sg", targets) {
		if err != nil {
			t.Fatalf("target %d: %v", i, err)
		}
	}
	gs.mu.Lock()
	peak, writing := gs.peak, gs.writing
	gs.mu.Unlock()
	if peak != 1 || writing != 0 || gs.queued.Load() != 0 {
		t.Fatalf("peak %d, writing %d, queued %d after one resource's 30 revokes: want 1, 0, 0", peak, writing, gs.queued.Load())
	}
}
