package engine

import (
	"context"
	"errors"
	"time"
)

func readerContexts(readers []*reader) []context.Context {
	out := make([]context.Context, len(readers))
	for i, r := range readers {
		out[i] = r.ctx
	}
	return out
}

func opContexts(ops []*op) []context.Context {
	out := make([]context.Context, len(ops))
	for i, o := range ops {
		out[i] = o.ctx
	}
	return out
}

// joined is a context for work done for several callers: the first one's
// values, the latest deadline, ended when all have ended, after a grace period
// when cancelled (DESIGN.md, "Writes wait under their own deadlines").
func joined(ctxs []context.Context) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(context.WithoutCancel(ctxs[0]))
	var latest time.Time
	for _, c := range ctxs {
		d, ok := c.Deadline()
		if !ok {
			latest = time.Time{}
			break
		}
		if d.After(latest) {
			latest = d
		}
	}
	if !latest.IsZero() {
		var cancelDeadline context.CancelFunc
		ctx, cancelDeadline = context.WithDeadline(ctx, latest)
		inner := cancel
		cancel = func() { cancelDeadline(); inner() }
	}
	go func() {
		if !allDone(ctxs, ctx.Done()) {
			return
		}
		if errors.Is(ctxs[len(ctxs)-1].Err(), context.Canceled) {
			t := time.NewTimer(stopGrace)
			defer t.Stop()
			select {
			case <-t.C:
			case <-ctx.Done():
			}
		}
		cancel()
	}()
	return ctx, cancel
}

// stopGrace is how long writes in flight may go on once every resource
// they serve was cancelled (Terraform's StopProvider).
const stopGrace = 30 * time.Second

// carried is a write's context once the worker has taken it: not ended by
// cancellation (see group.write), still by the resource's timeout.
func carried(ctx context.Context) (context.Context, context.CancelFunc) {
	if d, ok := ctx.Deadline(); ok {
		return context.WithDeadline(context.WithoutCancel(ctx), d)
	}
	return context.WithTimeout(context.WithoutCancel(ctx), stopGrace)
}

// allEnded is a context that ends as soon as every one of ctxs has
// ended, with no grace: for waits before anything is sent, such as the
// wait for a group's machine lock.
func allEnded(ctxs []context.Context) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		if allDone(ctxs, ctx.Done()) {
			cancel()
		}
	}()
	return ctx, cancel
}

// allDone waits until every one of ctxs has ended, and reports whether
// they did before stop was closed.
func allDone(ctxs []context.Context, stop <-chan struct{}) bool {
	for _, c := range ctxs {
		select {
		case <-c.Done():
		case <-stop:
			return false
		}
	}
	return true
}
