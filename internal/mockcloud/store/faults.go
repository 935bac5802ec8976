package store

import (
	"math/rand/v2"
	"time"
)

// Fault makes calls of one cloud (or every cloud, "*") and action (or
// every action: empty or "*") fail or slow down.
//
// Counts strike the next matching calls, consumed in the order listed.
// Rates strike each matching call with a probability from 0 to 1 for as
// long as the fault is installed, drawn from the store's seeded generator
// so a run can be repeated: before the call is served, or (the After
// kinds) after its write landed, its answer then replaced by the error or
// lost with the connection.
type Fault struct {
	Cloud  string `json:"cloud"`
	Action string `json:"action,omitempty"`
	// Throttle answers with the vendor's throttling error.
	Throttle int `json:"throttle,omitempty"`
	// ServerError answers with a vendor 5xx.
	ServerError int `json:"server_error,omitempty"`
	// Drop closes the connection without an answer, before acting.
	Drop int `json:"drop,omitempty"`
	// DropAfterCommit acts, then closes the connection without an answer:
	// the client cannot know its write landed.
	DropAfterCommit int `json:"drop_after_commit,omitempty"`
	// Error answers with the vendor error Code (HTTP Status, 400 when
	// unset), for codes no fixture provokes (permissions, vendor back-end
	// failures).
	Error  int    `json:"error,omitempty"`
	Code   string `json:"code,omitempty"`
	Status int    `json:"status,omitempty"`

	ThrottleRate         float64 `json:"throttle_rate,omitempty"`
	ServerErrorRate      float64 `json:"server_error_rate,omitempty"`
	DropRate             float64 `json:"drop_rate,omitempty"`
	ThrottleAfterRate    float64 `json:"throttle_after_rate,omitempty"`
	ServerErrorAfterRate float64 `json:"server_error_after_rate,omitempty"`
	DropAfterRate        float64 `json:"drop_after_rate,omitempty"`

	// LatencyMS delays every matching call, plus up to JitterMS more.
	LatencyMS int `json:"latency_ms,omitempty"`
	JitterMS  int `json:"jitter_ms,omitempty"`
	// Seed, when set, reseeds the generator the rates draw from.
	Seed *int64 `json:"seed,omitempty"`
}

// FaultKind is what a call suffers.
type FaultKind string

// Fault kinds.
const (
	NoFault          FaultKind = ""
	Throttle         FaultKind = "throttle"
	ServerError      FaultKind = "server_error"
	Drop             FaultKind = "drop"
	DropAfterCommit  FaultKind = "drop_after_commit"
	ThrottleAfter    FaultKind = "throttle_after_commit"
	ServerErrorAfter FaultKind = "server_error_after_commit"
	ErrorCode        FaultKind = "error"
)

// AfterCommit reports whether the fault strikes once the call's write
// landed.
func (k FaultKind) AfterCommit() bool {
	return k == DropAfterCommit || k == ThrottleAfter || k == ServerErrorAfter
}

// Taken is the fault one call suffers.
type Taken struct {
	Kind    FaultKind
	Latency time.Duration
	// Code and Status of an ErrorCode fault.
	Code   string
	Status int
}

// AddFault installs fault settings.
func (s *Store) AddFault(f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.addFault(f)
}

func (s *Store) addFault(f Fault) {
	if f.Seed != nil {
		s.seed = *f.Seed
		s.rng = rand.New(rand.NewPCG(uint64(s.seed), uint64(s.seed)))
	}
	s.faults = append(s.faults, &f)
}

// SetBaseFaults installs faults that stay across resets (mockcloud
// --faults), and the seed the rates draw from after each reset.
func (s *Store) SetBaseFaults(faults []Fault, seed int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.base, s.seed = faults, seed
	s.rng = rand.New(rand.NewPCG(uint64(seed), uint64(seed)))
	for _, f := range faults {
		s.addFault(f)
	}
}

// SetLatency delays every vendor call by d, as a real cloud's round trip
// would (benchmarks); faults' latency adds to it.
func (s *Store) SetLatency(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.latency = d
}

// TakeFault decides the fault one call suffers, consuming counts, and the
// latency to add.
func (s *Store) TakeFault(cloud, action string) Taken {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := Taken{Latency: s.baseLatency()}
	for _, f := range s.faults {
		if f.Cloud != cloud && f.Cloud != "*" || (f.Action != "" && f.Action != "*" && f.Action != action) {
			continue
		}
		t.Latency += time.Duration(f.LatencyMS) * time.Millisecond
		if f.JitterMS > 0 {
			t.Latency += time.Duration(s.rng.IntN(f.JitterMS+1)) * time.Millisecond
		}
		if t.Kind != NoFault {
			continue
		}
		switch {
		case f.Throttle > 0:
			f.Throttle--
			t.Kind = Throttle
		case f.ServerError > 0:
			f.ServerError--
			t.Kind = ServerError
		case f.Drop > 0:
			f.Drop--
			t.Kind = Drop
		case f.DropAfterCommit > 0:
			f.DropAfterCommit--
			t.Kind = DropAfterCommit
		case f.Error > 0:
			f.Error--
			t.Kind, t.Code, t.Status = ErrorCode, f.Code, f.Status
			if t.Status == 0 {
				t.Status = 400
			}
		default:
			t.Kind = s.drawRate(f)
		}
	}
	return t
}

// drawRate picks the fault the rates give a call, if any. Called with mu
// held.
func (s *Store) drawRate(f *Fault) FaultKind {
	for _, r := range []struct {
		rate float64
		kind FaultKind
	}{
		{f.ThrottleRate, Throttle}, {f.ServerErrorRate, ServerError}, {f.DropRate, Drop},
		{f.ThrottleAfterRate, ThrottleAfter}, {f.ServerErrorAfterRate, ServerErrorAfter}, {f.DropAfterRate, DropAfterCommit},
	} {
		if r.rate > 0 && s.rng.Float64() < r.rate {
			return r.kind
		}
	}
	return NoFault
}
