// Package store is mockcloud's single source of truth: the security groups
// of every cloud and their rules, the log of vendor calls, the fault
// settings and per-cloud behaviour switches. Vendor front-ends keep their
// rules here in their own typed shape and change them only inside Do.
package store

import (
	crand "crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Group is one security group of one cloud.
type Group struct {
	Cloud   string `json:"cloud"`
	ID      string `json:"id"`
	Region  string `json:"region"`
	Status  string `json:"status"`
	Default bool   `json:"default"`
	// VpcID lets front-ends check that peer groups share a network.
	VpcID string `json:"vpc_id,omitempty"`
	// Version counts the group's changes, for clouds with optimistic
	// concurrency (Baidu's sgVersion); front-ends bump it.
	Version int64 `json:"version,omitempty"`
	// AvailableAt is when a group in another status (still being
	// created, say) turns Available by itself; zero means never.
	AvailableAt time.Time `json:"available_at,omitzero"`
	// Rules are the front-end's own typed rules; they marshal to the
	// vendor's describe shape.
	Rules []any `json:"rules"`
}

// Call is one vendor API call as the mock received and answered it.
type Call struct {
	Cloud  string         `json:"cloud"`
	Action string         `json:"action"`
	Status int            `json:"status"`
	Code   string         `json:"code"`
	Params map[string]any `json:"params"`
	// Fault is the fault the call suffered, if any.
	Fault FaultKind `json:"fault,omitempty"`
}

// Store holds everything. The zero value is not usable; call New.
type Store struct {
	mu       sync.Mutex
	fixtures func(now time.Time) []*Group
	groups   []*Group
	calls    []Call
	faults   []*Fault
	// base are the faults given on the command line, kept across resets;
	// rng decides rate faults, seeded so a run can be repeated.
	base     []Fault
	seed     int64
	rng      *rand.Rand
	behavior map[string]string
	tokens   map[string]string
	nonces   map[string]time.Time
	seq      int
	// latency delays every vendor call, whatever the faults; a server
	// setting (mockcloud --latency), kept across resets.
	latency time.Duration
	// jitter spreads latency over ±this fraction of it (SetJitter).
	jitter    float64
	jitterRng *rand.Rand
	traffic   traffic
	// offset is how far the cloud's clock is from this machine's: a
	// client whose clock is off by as much sees the cloud as it would.
	// baseOffset is the server setting (mockcloud --clock-offset) a reset
	// returns to.
	offset, baseOffset atomic.Int64
	// dateSkew is how far the Date of answers is from the rule store's
	// clock, as a gateway or proxy with its own clock stamps them;
	// baseDateSkew the server setting (mockcloud --date-skew).
	dateSkew, baseDateSkew atomic.Int64
	// OnCall, when set, runs after each vendor call is recorded and
	// before its answer leaves: tests act there as another writer would,
	// at a known point of a command. Set it before the calls it sees.
	OnCall func(Call)
	// Now is the mock's clock (UTC): this machine's moved by the offset;
	// tests may replace it.
	Now func() time.Time
	// onChange runs after anything that may have changed the groups (a
	// vendor call's transaction, a control-API change, a reset), outside
	// the lock: mockcloud --state saves there.
	onChange atomic.Pointer[func()]
}

// Numbered is a rule whose id is a number from NextNumber (Zenlayer's
// ruleId): groups put in the store move NextNumber past their rules' ids,
// so a rule loaded from a file never shares its id with a new one.
type Numbered interface{ Number() int }

// OnChange sets what runs after anything that may have changed the
// groups; nil for nothing.
func (s *Store) OnChange(fn func()) {
	if fn == nil {
		s.onChange.Store(nil)
		return
	}
	s.onChange.Store(&fn)
}

func (s *Store) changed() {
	if fn := s.onChange.Load(); fn != nil {
		(*fn)()
	}
}

// noteNumbers moves seq past the ids of numbered rules. Called with mu
// held.
func (s *Store) noteNumbers(groups []*Group) {
	for _, g := range groups {
		for _, r := range g.Rules {
			if n, ok := r.(Numbered); ok && n.Number() > s.seq {
				s.seq = n.Number()
			}
		}
	}
}

// New makes a store that starts from, and resets to, the groups fixtures
// returns; now is the time of the reset.
func New(fixtures func(now time.Time) []*Group) *Store {
	s := &Store{fixtures: fixtures}
	s.Now = func() time.Time { return time.Now().UTC().Add(s.ClockOffset()) }
	s.Reset()
	return s
}

// ClockOffset is how far the cloud's clock is ahead of this machine's
// (behind, when negative).
func (s *Store) ClockOffset() time.Duration { return time.Duration(s.offset.Load()) }

// SetClockOffset moves the cloud's clock until the next reset: signatures,
// rules' creation times and answers' Date headers all follow it.
func (s *Store) SetClockOffset(d time.Duration) { s.offset.Store(int64(d)) }

// SetBaseClockOffset is the offset kept across resets.
func (s *Store) SetBaseClockOffset(d time.Duration) {
	s.baseOffset.Store(int64(d))
	s.offset.Store(int64(d))
}

// DateSkew is how far the Date of answers runs ahead of the rule store's
// clock (behind, when negative): the clock of whatever server answers in
// front of the store.
func (s *Store) DateSkew() time.Duration { return time.Duration(s.dateSkew.Load()) }

// SetDateSkew sets DateSkew until the next reset.
func (s *Store) SetDateSkew(d time.Duration) { s.dateSkew.Store(int64(d)) }

// SetBaseDateSkew is the skew kept across resets.
func (s *Store) SetBaseDateSkew(d time.Duration) {
	s.baseDateSkew.Store(int64(d))
	s.dateSkew.Store(int64(d))
}

// Reset restores the fixtures and clears calls, faults, behaviours and
// the clock offset and date skew set since the start.
func (s *Store) Reset() {
	defer s.changed()
	s.offset.Store(s.baseOffset.Load())
	s.dateSkew.Store(s.baseDateSkew.Load())
	s.mu.Lock()
	defer s.mu.Unlock()
	s.groups = s.fixtures(s.Now())
	s.noteNumbers(s.groups)
	s.calls = nil
	s.faults = nil
	for _, f := range s.base {
		s.faults = append(s.faults, &f)
	}
	s.rng = rand.New(rand.NewPCG(uint64(s.seed), uint64(s.seed)))
	s.behavior = map[string]string{}
	s.tokens = map[string]string{}
	s.nonces = map[string]time.Time{}
}

// Tx is the view of the store a front-end gets inside Atomically.
type Tx struct{ s *Store }

// Atomically runs fn with the store locked: no other call sees the store
// while fn runs, so one vendor call is one step. Nothing is rolled back:
// what fn changes stays, so a front-end checks a whole call before it
// changes anything (the vendors' batches are all or nothing).
func (s *Store) Atomically(fn func(tx *Tx)) {
	defer s.changed()
	s.mu.Lock()
	defer s.mu.Unlock()
	fn(&Tx{s})
}

// ReplaceGroups puts groups in place of every group the store holds (a
// saved cloud loaded back); a reset still returns to the fixtures.
func (s *Store) ReplaceGroups(groups []*Group) {
	defer s.changed()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.groups = groups
	s.noteNumbers(groups)
}

// MarshalState is GET /_mock/state's JSON, made under the lock so that no
// call changes a rule while it is written.
func (s *Store) MarshalState() ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.settle()
	return json.MarshalIndent(map[string]any{"groups": s.groups}, "", "  ")
}

// Group returns a group of a cloud by id, or nil.
func (tx *Tx) Group(cloud, id string) *Group {
	for _, g := range tx.Groups(cloud) {
		if g.ID == id {
			return g
		}
	}
	return nil
}

// Groups returns the groups of one cloud.
func (tx *Tx) Groups(cloud string) []*Group {
	tx.s.settle()
	var out []*Group
	for _, g := range tx.s.groups {
		if g.Cloud == cloud {
			out = append(out, g)
		}
	}
	return out
}

// settle turns groups whose time has come Available. Called with mu held.
func (s *Store) settle() {
	now := s.Now()
	for _, g := range s.groups {
		if !g.AvailableAt.IsZero() && !now.Before(g.AvailableAt) {
			g.Status, g.AvailableAt = "Available", time.Time{}
		}
	}
}

// NextNumber returns a fresh positive number, for clouds whose ids are
// integers.
func (tx *Tx) NextNumber() int {
	tx.s.seq++
	return tx.s.seq
}

// Now is the store's clock.
func (tx *Tx) Now() time.Time { return tx.s.Now() }

// NewID returns a fresh id with a prefix, e.g. "sgr-" + 16 hex digits.
func (tx *Tx) NewID(prefix string) string {
	return fmt.Sprintf("%s%04x%s", prefix, tx.NextNumber(), randomHex(6))
}

// Token returns what an idempotency token was first used for.
func (tx *Tx) Token(key string) (string, bool) {
	v, ok := tx.s.tokens[key]
	return v, ok
}

// SetToken remembers what an idempotency token was used for.
func (tx *Tx) SetToken(key, fingerprint string) { tx.s.tokens[key] = fingerprint }

// Behavior returns a behaviour switch of a cloud ("" when unset).
func (tx *Tx) Behavior(cloud, name string) string { return tx.s.behavior[cloud+"."+name] }

// SetBehavior changes a behaviour switch from inside a call (counting
// switches count down).
func (tx *Tx) SetBehavior(cloud, name, value string) { tx.s.behavior[cloud+"."+name] = value }

// UseNonce records a signature nonce and reports whether it was fresh.
// Nonces older than window are forgotten.
func (tx *Tx) UseNonce(cloud, nonce string, window time.Duration) bool {
	now := tx.s.Now()
	for k, t := range tx.s.nonces {
		if now.Sub(t) > window {
			delete(tx.s.nonces, k)
		}
	}
	key := cloud + "/" + nonce
	if _, used := tx.s.nonces[key]; used {
		return false
	}
	tx.s.nonces[key] = now
	return true
}

// AddGroup adds a group; it fails if the cloud already has that id.
func (s *Store) AddGroup(g *Group) error {
	defer s.changed()
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, o := range s.groups {
		if o.Cloud == g.Cloud && o.ID == g.ID {
			return fmt.Errorf("group %s/%s exists", g.Cloud, g.ID)
		}
	}
	if g.Rules == nil {
		g.Rules = []any{}
	}
	s.groups = append(s.groups, g)
	s.noteNumbers([]*Group{g})
	return nil
}

// RemoveGroup deletes a group with its rules, as another tool would; it
// reports whether the group existed.
func (s *Store) RemoveGroup(cloud, id string) bool {
	defer s.changed()
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, g := range s.groups {
		if g.Cloud == cloud && g.ID == id {
			s.groups = append(s.groups[:i], s.groups[i+1:]...)
			return true
		}
	}
	return false
}

// RemoveRule deletes the first rule of a group that match picks (given its
// position and the rule), as another tool would. It reports whether the
// group exists and whether a rule was removed.
func (s *Store) RemoveRule(cloud, id string, match func(i int, rule any) bool) (groupFound, removed bool) {
	defer s.changed()
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, g := range s.groups {
		if g.Cloud != cloud || g.ID != id {
			continue
		}
		for i, r := range g.Rules {
			if match(i, r) {
				g.Rules = append(g.Rules[:i], g.Rules[i+1:]...)
				g.Version++ // a change, as a vendor's own revoke would count it
				return true, true
			}
		}
		return true, false
	}
	return false, false
}

// BehaviorOf returns a behaviour switch of a cloud ("" when unset).
func (s *Store) BehaviorOf(cloud, name string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.behavior[cloud+"."+name]
}

// SetBehavior sets a behaviour switch of a cloud.
func (s *Store) SetBehavior(cloud, name, value string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.behavior[cloud+"."+name] = value
}

// Record appends a call to the log, then runs OnCall.
func (s *Store) Record(c Call) {
	s.mu.Lock()
	s.calls = append(s.calls, c)
	hook := s.OnCall
	s.mu.Unlock()
	if hook != nil {
		hook(c)
	}
}

// Calls returns the call log, oldest first.
func (s *Store) Calls() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Call(nil), s.calls...)
}

// CallsOf returns the calls of one cloud and action.
func (s *Store) CallsOf(cloud, action string) []Call {
	var out []Call
	for _, c := range s.Calls() {
		if c.Cloud == cloud && (action == "" || c.Action == action) {
			out = append(out, c)
		}
	}
	return out
}

// Snapshot returns a deep-enough copy of every group for reading.
func (s *Store) Snapshot() []Group {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.settle()
	out := make([]Group, len(s.groups))
	for i, g := range s.groups {
		out[i] = *g
		out[i].Rules = append([]any{}, g.Rules...)
	}
	return out
}

// FindGroup returns a copy of one group, for tests.
func (s *Store) FindGroup(cloud, id string) (Group, bool) {
	for _, g := range s.Snapshot() {
		if g.Cloud == cloud && g.ID == id {
			return g, true
		}
	}
	return Group{}, false
}

// RequestID returns a vendor-looking request id.
func RequestID() string {
	h := strings.ToUpper(randomHex(16))
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = crand.Read(b)
	return hex.EncodeToString(b)
}
