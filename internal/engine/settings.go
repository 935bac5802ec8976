package engine

import "time"

// Settings are the engine's knobs, handed in by whoever makes a
// coordinator: Production for ProcessGroups, faster ones in tests.
type Settings struct {
	// Backoff paces the retries of every call.
	Backoff Backoff
	// Gather holds writes for others to join them (see Gather); zero
	// sends each write as soon as its group is free.
	Gather Gather
	// Machine keeps this machine's other provider processes in step (see
	// MachineLocks); nil when the coordinator is alone.
	Machine *MachineLocks
	// Fresh is how old the describe that decides a create may be where a
	// repeated authorize succeeds (checkBeforeSend); zero means DefaultFresh.
	Fresh time.Duration
}

// DefaultFresh is Fresh's default (DESIGN.md, "Who made a rule": The evidence).
const DefaultFresh = time.Second

// fresh is s.Fresh or its default.
func (s Settings) fresh() time.Duration {
	if s.Fresh > 0 {
		return s.Fresh
	}
	return DefaultFresh
}

// Production is what the provider uses against real clouds; DESIGN.md says
// why each number ("Retries within the operation's timeout", "When held
// writes go").
func Production() Settings {
	return Settings{
		Backoff: Backoff{Initial: 500 * time.Millisecond, Max: 20 * time.Second},
		Gather:  Gather{MinIdle: 50 * time.Millisecond, MaxIdle: 400 * time.Millisecond, Max: 4 * time.Second},
		Machine: DefaultMachineLocks(),
	}
}

// ProcessGroups is the coordinator of this provider process (one
// configuration in production; every command and alias of an in-process
// test): the package's only state.
var ProcessGroups = NewGroups(Production())
