package engine

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/secgroup/terraform-provider-secgroup/internal/cloud"
)

// Backoff is an exponential backoff with full jitter.
type Backoff struct {
	Initial time.Duration
	Max     time.Duration
	// Jitter returns a number in [0,1); nil means math/rand.
	Jitter func() float64
}

// delay is the wait before retry number n (0-based): a random duration up
// to min(Max, Initial*2^n), but at least Initial/2 so retries never spin.
func (b Backoff) delay(n int) time.Duration {
	ceiling := b.Initial << min(n, 30)
	if ceiling > b.Max || ceiling <= 0 {
		ceiling = b.Max
	}
	j := b.Jitter
	if j == nil {
		j = rand.Float64
	}
	floor := b.Initial / 2
	return floor + time.Duration(j()*float64(ceiling-floor))
}

// Retry calls fn until it succeeds, fails with an error not worth retrying
// (only KindTransient and KindBusy are), or ctx ends; its error is the
// cloud's last real answer, with the attempts (DESIGN.md, "Retries within the
// operation's timeout"). Retries log at DEBUG, an outcome after them at INFO.
func Retry(ctx context.Context, b Backoff, fn func(context.Context) error) error {
	var waited time.Duration
	var previous error
	for attempt := 1; ; attempt++ {
		err := fn(ctx)
		if err == nil {
			if attempt > 1 {
				tflog.Info(ctx, "succeeded after retries", map[string]any{"attempts": attempt, "waited": waited.String()})
			}
			return nil
		}
		if ctx.Err() != nil && previous != nil {
			return gaveUp(ctx, attempt, waited, ", the timeout ended the last one", previous)
		}
		previous = err
		if k := cloud.KindOf(err); k != cloud.KindTransient && k != cloud.KindBusy {
			return err
		}
		if e, _ := cloud.AsError(err); e.MaxAttempts > 0 && attempt >= e.MaxAttempts {
			return gaveUp(ctx, attempt, waited, "", err)
		}
		wait := b.delay(attempt - 1)
		// The cloud's own Retry-After, when longer, is honoured.
		if e, _ := cloud.AsError(err); e.RetryAfter > wait {
			wait = e.RetryAfter
		}
		if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) < wait {
			return gaveUp(ctx, attempt, waited, ", the timeout would pass before the next", err)
		}
		tflog.Debug(ctx, "retrying", map[string]any{"attempt": attempt, "wait": wait.String(), "reason": err.Error()})
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return gaveUp(ctx, attempt, waited, " ("+ctx.Err().Error()+")", err)
		case <-t.C:
			waited += wait
		}
	}
}

func gaveUp(ctx context.Context, attempts int, waited time.Duration, why string, err error) error {
	tflog.Info(ctx, "gave up retrying", map[string]any{"attempts": attempts, "waited": waited.String(), "reason": err.Error()})
	times := "attempts"
	if attempts == 1 {
		times = "attempt"
	}
	_, deadline := ctx.Deadline()
	return &gaveUpError{err: fmt.Errorf("gave up after %d %s%s: %w", attempts, times, why, err),
		outOfTime: deadline && why != "" && !errors.Is(ctx.Err(), context.Canceled)}
}

// gaveUpError is a Retry that gave up; outOfTime when its context's time
// (the operation's timeout) ran out, or would have before the next try.
type gaveUpError struct {
	err       error
	outOfTime bool
}

func (e *gaveUpError) Error() string { return e.err.Error() }
func (e *gaveUpError) Unwrap() error { return e.err }

// RanOutOfTime reports whether err ends retries that the operation's
// timeout cut short, so that a caller can say which timeout to raise.
func RanOutOfTime(err error) bool {
	var g *gaveUpError
	return errors.As(err, &g) && g.outOfTime
}
