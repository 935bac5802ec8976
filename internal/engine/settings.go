package engine

import "time"

// Settings are the engine's knobs, handed in by whoever makes a
// coordinator: the provider hands Production to the one coordinator of
// its process (ProcessGroups), tests hand faster ones to coordinators of
// their own.
type Settings struct {
	// Backoff paces the retries of every call.
	Backoff Backoff
	// Gather holds writes for others to join them (see Gather); zero
	// sends each write as soon as its group is free.
	Gather Gather
	// Machine keeps this machine's other provider processes in step (see
	// MachineLocks); nil when the coordinator is alone.
	Machine *MachineLocks
	// Fresh is how old the describe that decides a create may be, on a
	// cloud that answers a repeated authorize with success: an older one
	// is made again just before the authorize (see group.checkBeforeSend);
	// zero means DefaultFresh.
	Fresh time.Duration
}

// DefaultFresh is Fresh's default: a second covers the read-back of the
// group's previous batch, which is what usually precedes a write when
// Terraform keeps the provider busy, so it rarely costs a describe.
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
