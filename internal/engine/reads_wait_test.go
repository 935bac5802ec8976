package engine

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/secgroup/terraform-provider-secgroup/internal/cloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/rule"
)

// refusedThenSilent answers the first describe with an error that is not
// retried, and never answers the later ones (a stalled connection).
type refusedThenSilent struct {
	fakeBackend
	calls atomic.Int32
}

func (b *refusedThenSilent) Describe(ctx context.Context, _ string) ([]rule.Rule, error) {
	if b.calls.Add(1) == 1 {
		return nil, &cloud.Error{Cloud: "fake", Action: "describe", Kind: cloud.KindAuth, Code: "Forbidden.RAM", Message: "the user is not authorized to describe"}
	}
	<-ctx.Done()
	return nil, ctx.Err()
}

// describeErr was never cleared when a new describe
// starts, so a read that gives up waiting for a describe the cloud has
// not answered yet reports an earlier describe's answer as "the cloud
// answering it".
func TestAReadThatGaveUpQuotesOnlyItsDescribe(t *testing.T) {
	b := &refusedThenSilent{}
	c := NewClient(fakeCloud, b, "scope", NewGroups(Settings{Backoff: fast}))
	if _, err := c.List(context.Background(), "sg"); err == nil {
		t.Fatal("the first describe was refused; List passed")
	}
	long, cancelLong := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancelLong()
	go func() { _, _ = c.List(long, "sg") }()
	for b.calls.Load() < 2 {
		time.Sleep(time.Millisecond)
	}
	short, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := c.List(short, "sg")
	if err != nil && strings.Contains(err.Error(), "Forbidden.RAM") {
		t.Fatalf("the read quotes the earlier describe's answer as this one's: %v", err)
	}
}
