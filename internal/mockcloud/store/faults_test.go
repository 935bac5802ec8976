package store

import (
	"testing"
	"time"
)

func newStore() *Store { return New(func(time.Time) []*Group { return nil }) }

// Rates strike about as often as asked, every cloud for "*", and the same
// seed repeats the same run.
func TestFaultRates(t *testing.T) {
	run := func(seed int64) []FaultKind {
		s := newStore()
		s.AddFault(Fault{Cloud: "*", ThrottleRate: 0.2, ServerErrorRate: 0.05, DropAfterRate: 0.02, LatencyMS: 5, JitterMS: 10, Seed: &seed})
		var kinds []FaultKind
		for i := range 2000 {
			cloud := []string{"alicloud", "zenlayer"}[i%2]
			taken := s.TakeFault(cloud, "AuthorizeSecurityGroup")
			if taken.Latency < 5*time.Millisecond || taken.Latency > 15*time.Millisecond {
				t.Fatalf("latency %v", taken.Latency)
			}
			kinds = append(kinds, taken.Kind)
		}
		return kinds
	}
	a, b, c := run(7), run(7), run(8)
	count := map[FaultKind]int{}
	same, differ := true, false
	for i := range a {
		count[a[i]]++
		same = same && a[i] == b[i]
		differ = differ || a[i] != c[i]
	}
	if !same || !differ {
		t.Fatalf("a seed must repeat its run (%v) and another seed differ (%v)", same, differ)
	}
	// 2000 draws: 20% ≈ 400, 80% of 5% ≈ 80, 76% of 2% ≈ 30.
	if n := count[Throttle]; n < 320 || n > 480 {
		t.Errorf("%d throttles", n)
	}
	if n := count[ServerError]; n < 40 || n > 130 {
		t.Errorf("%d server errors", n)
	}
	if n := count[DropAfterCommit]; n < 10 || n > 60 {
		t.Errorf("%d drops after commit", n)
	}
}

// Counts come before rates, and base faults return after a reset.
func TestBaseFaultsSurviveReset(t *testing.T) {
	s := newStore()
	s.SetBaseFaults([]Fault{{Cloud: "ens", Throttle: 1}}, 3)
	if k := s.TakeFault("ens", "X").Kind; k != Throttle {
		t.Fatalf("first call: %q", k)
	}
	if k := s.TakeFault("ens", "X").Kind; k != NoFault {
		t.Fatalf("the count is spent: %q", k)
	}
	s.Reset()
	if k := s.TakeFault("ens", "X").Kind; k != Throttle {
		t.Fatalf("after a reset: %q", k)
	}
}
