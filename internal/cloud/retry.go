package cloud

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"
)

// Backoff is an exponential backoff with full jitter.
type Backoff struct {
	Initial time.Duration
	Max     time.Duration
	// Jitter returns a number in [0,1); nil means math/rand.
	Jitter func() float64
}

// DefaultBackoff is what the provider uses against real clouds.
var DefaultBackoff = Backoff{Initial: 500 * time.Millisecond, Max: 20 * time.Second}

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

// Retry calls fn until it succeeds, fails with an error that is not worth
// retrying, or ctx ends (the resource's timeout). Only KindTransient and
// KindBusy errors are retried. When time runs out, the last error is
// returned with the number of attempts, so the user sees why.
func Retry(ctx context.Context, b Backoff, fn func(context.Context) error) error {
	for attempt := 0; ; attempt++ {
		err := fn(ctx)
		if err == nil {
			return nil
		}
		if k := KindOf(err); k != KindTransient && k != KindBusy {
			return err
		}
		wait := b.delay(attempt)
		if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) < wait {
			return fmt.Errorf("gave up after %d attempts, the timeout would pass before the next: %w", attempt+1, err)
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("gave up after %d attempts (%v): %w", attempt+1, ctx.Err(), err)
		case <-t.C:
		}
	}
}
