package cloud

import (
	"context"
	"sync"
)

// Locks serialises writes per security group. Most clouds reject or lose
// concurrent edits of one group (and Terraform applies rules in parallel),
// while writes to different groups proceed at once.
type Locks struct {
	mu    sync.Mutex
	locks map[string]chan struct{}
}

// Lock takes the lock for key, or fails when ctx ends first. The returned
// function releases it.
func (l *Locks) Lock(ctx context.Context, key string) (func(), error) {
	l.mu.Lock()
	if l.locks == nil {
		l.locks = map[string]chan struct{}{}
	}
	ch, ok := l.locks[key]
	if !ok {
		ch = make(chan struct{}, 1)
		l.locks[key] = ch
	}
	l.mu.Unlock()
	select {
	case ch <- struct{}{}:
		return func() { <-ch }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}
