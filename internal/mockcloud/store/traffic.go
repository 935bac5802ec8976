package store

import (
	"math/rand/v2"
	"sync/atomic"
	"time"
)

// Traffic is how clients reached the mock since the last ResetTraffic:
// the connections they opened and the most vendor calls in flight at
// once. Against a real HTTPS endpoint each new connection costs a TCP
// and a TLS handshake, so a client that reuses too few of them pays for
// it at scale.
type Traffic struct {
	NewConnections int64 `json:"new_connections"`
	PeakInFlight   int64 `json:"peak_in_flight"`
}

// traffic is the store's live count.
type traffic struct {
	conns, inFlight, peak atomic.Int64
}

// ConnOpened counts a client's new connection (the server's ConnState
// hook calls it).
func (s *Store) ConnOpened() { s.traffic.conns.Add(1) }

// CallStarted counts a vendor call in flight; the returned func ends it.
func (s *Store) CallStarted() (done func()) {
	n := s.traffic.inFlight.Add(1)
	for {
		peak := s.traffic.peak.Load()
		if n <= peak || s.traffic.peak.CompareAndSwap(peak, n) {
			break
		}
	}
	return func() { s.traffic.inFlight.Add(-1) }
}

// Traffic returns the counts since the last ResetTraffic.
func (s *Store) Traffic() Traffic {
	return Traffic{NewConnections: s.traffic.conns.Load(), PeakInFlight: s.traffic.peak.Load()}
}

// ResetTraffic starts the counts afresh (the calls in flight stay
// counted as in flight).
func (s *Store) ResetTraffic() {
	s.traffic.conns.Store(0)
	s.traffic.peak.Store(s.traffic.inFlight.Load())
}

// SetJitter spreads the latency SetLatency sets evenly over ±fraction of
// it (0.5: 10 to 30 ms around 20 ms), as a real cloud's round trips vary;
// kept across resets.
func (s *Store) SetJitter(fraction float64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.jitter = min(max(fraction, 0), 1)
	if s.jitterRng == nil {
		// A source of its own: drawing from the fault rates' would change
		// which calls a seeded fault run strikes.
		s.jitterRng = rand.New(rand.NewPCG(1, 2))
	}
}

// baseLatency is the latency of one call, jittered. Called with mu held.
func (s *Store) baseLatency() time.Duration {
	if s.jitter == 0 || s.latency == 0 {
		return s.latency
	}
	f := 1 + s.jitter*(2*s.jitterRng.Float64()-1)
	return time.Duration(float64(s.latency) * f)
}
