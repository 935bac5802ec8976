package cloud

import "time"

// Gather holds writes to a group for a moment before they go out, so that
// the writes Terraform is still sending join them in one call: Terraform
// hands the provider one resource at a time, and when its own work is
// the bottleneck (hundreds of rules) they rarely meet in flight by
// chance. Writes go out as soon as
//
//   - the cloud's batch is full;
//   - as many writes wait as ever waited at once (a peak reached before):
//     all of Terraform's -parallelism slots are with us, nothing more can
//     come;
//   - no write has arrived for Idle: Terraform has nothing more to send
//     now, its slots busy elsewhere;
//   - the first of them has waited Max.
type Gather struct {
	Idle, Max time.Duration
}

// DefaultGather is the provider's: an idle of a few of Terraform's own
// per-resource steps at hundreds of rules, and a bound well below any
// timeout.
var DefaultGather = Gather{Idle: 50 * time.Millisecond, Max: 2 * time.Second}

// enter records a write's arrival; leave its outcome.
func (gs *Groups) enter(now time.Time) {
	gs.mu.Lock()
	defer gs.mu.Unlock()
	gs.lastWrite = now
	gs.writing++
	if gs.writing > gs.peak {
		gs.peak, gs.peakAt = gs.writing, now
	}
}

func (gs *Groups) leave() {
	gs.mu.Lock()
	defer gs.mu.Unlock()
	gs.writing--
}

// gatherFor returns how much longer the queued writes should wait for
// others to join them; 0 means they go out now.
func (gs *Groups) gatherFor(ws []*op, now time.Time) time.Duration {
	if gs.gather.Max == 0 || !worthGathering(ws) {
		return 0
	}
	if def := ws[0].client.Cloud; def.WriteBatch > 1 && len(ws) >= def.WriteBatch {
		return 0
	}
	gs.mu.Lock()
	idle, writing, peak, peakAt := now.Sub(gs.lastWrite), gs.writing, gs.peak, gs.peakAt
	gs.mu.Unlock()
	// As many waiting as ever did, a peak not reached just now (while
	// Terraform is still sending, each write raises it): all its slots
	// are with us.
	if writing >= peak && now.Sub(peakAt) > gs.gather.Idle {
		return 0
	}
	wait := min(gs.gather.Idle-idle, gs.gather.Max-now.Sub(ws[0].queued))
	for _, o := range ws {
		// A write whose resource is about to time out does not wait.
		if d, ok := o.ctx.Deadline(); ok && d.Sub(now) < 2*gs.gather.Max {
			return 0
		}
	}
	return max(wait, 0)
}

// worthGathering reports whether writing these together costs fewer calls
// than one by one: the cloud takes several rules per call, or created
// rules share one read-back.
func worthGathering(ws []*op) bool {
	def := ws[0].client.Cloud
	if def.WriteBatch > 1 {
		return true
	}
	for _, o := range ws {
		if o.kind == opCreate && def.Capabilities.ReadBack() {
			return true
		}
	}
	return false
}
