package engine

import "time"

// Gather holds a group's writes for a moment so that the writes Terraform is
// still sending join them in one call; gatherFor says when they go (DESIGN.md,
// "When held writes go").
type Gather struct {
	MinIdle, MaxIdle, Max time.Duration
}

// IdlePaces is how many of Terraform's usual gaps between writes pass
// without one before it is taken to have nothing more to send.
const IdlePaces = 4

// Reserve is how many of Terraform's slots gathering leaves free for its own
// work (about ten: DESIGN.md, "Holding writes only where Terraform has slots
// to spare").
const Reserve = 10

// PeakStands is how long the most writes ever waiting at once must stand
// before it is taken for Terraform's -parallelism.
const PeakStands = time.Second

// enter records a write's arrival; leave its outcome.
func (gs *Groups) enter(now time.Time) {
	gs.mu.Lock()
	defer gs.mu.Unlock()
	// The pace is learnt only while a write still waits: the gap before a
	// new round says nothing of it.
	if !gs.lastWrite.IsZero() && gs.writing > 0 {
		// A gap longer than the idle time is a pause, not the pace.
		gap := min(now.Sub(gs.lastWrite), gs.idleTime())
		if gs.gap == 0 {
			gs.gap = gap
		} else {
			gs.gap += (gap - gs.gap) / 8
		}
	}
	gs.lastWrite = now
	gs.writing++
	if gs.writing > gs.peak {
		gs.peak, gs.peakAt = gs.writing, now
	}
}

func (gs *Groups) leave(o *op) {
	now := time.Now()
	gs.mu.Lock()
	defer gs.mu.Unlock()
	gs.writing--
	gs.spent.add(o, now)
}

// Spent is where the writes' time went, summed over one process's writes:
// Gathering until the worker took them, Lock until the machine lock was had,
// Calls until their outcome: slot-seconds for make bench (DESIGN.md).
type Spent struct {
	Writes                 int
	Gathering, Lock, Calls time.Duration
}

func (s *Spent) add(o *op, end time.Time) {
	s.Writes++
	if o.taken.IsZero() {
		// Ended before the worker took it: all of it waited in the queue.
		s.Gathering += end.Sub(o.queued)
		return
	}
	sent := o.sent
	if sent.IsZero() {
		// Ended waiting for the lock.
		sent = end
	}
	s.Gathering += o.taken.Sub(o.queued)
	s.Lock += sent.Sub(o.taken)
	s.Calls += end.Sub(sent)
}

// Spent returns where this coordinator's writes spent their time so far.
func (gs *Groups) Spent() Spent {
	gs.mu.Lock()
	defer gs.mu.Unlock()
	return gs.spent
}

// idleTime is how long no write may arrive before the queued ones go.
// Called with mu held.
func (gs *Groups) idleTime() time.Duration {
	return min(max(IdlePaces*gs.gap, gs.settings.Gather.MinIdle), gs.settings.Gather.MaxIdle)
}

// gatherFor returns how much longer the queued writes should wait for
// others to join them; 0 means they go out now.
func (gs *Groups) gatherFor(ws []*op, now time.Time) time.Duration {
	if gs.settings.Gather.Max == 0 || !worthGathering(ws) {
		return 0
	}
	if def := ws[0].client.Cloud; def.WriteBatch > 1 && len(ws) >= def.WriteBatch {
		return 0
	}
	gs.mu.Lock()
	idle, idleTime, writing, peak, peakAt := now.Sub(gs.lastWrite), gs.idleTime(), gs.writing, gs.peak, gs.peakAt
	gs.mu.Unlock()
	// Go once the writes held would leave Terraform fewer than Reserve
	// slots (writes in calls are not counted).
	if now.Sub(peakAt) > PeakStands && peak-int(gs.queued.Load()) < Reserve {
		return 0
	}
	// As many waiting as ever did, a peak that has stood or was followed by
	// two of Terraform's gaps: all of its slots are with us.
	if writing >= peak && (now.Sub(peakAt) > PeakStands ||
		now.Sub(peakAt) > gs.settings.Gather.MinIdle && idle > min(2*idleTime/IdlePaces, idleTime)) {
		return 0
	}
	wait := min(idleTime-idle, gs.settings.Gather.Max-now.Sub(ws[0].queued))
	for _, o := range ws {
		// A write whose resource is about to time out does not wait.
		if d, ok := o.ctx.Deadline(); ok && d.Sub(now) < 2*gs.settings.Gather.Max {
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
