package engine

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/secgroup/terraform-provider-secgroup/internal/cloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/rule"
)

func TestReadsOfOneGroupShareOneDescribe(t *testing.T) {
	b := newCounting()
	groups := NewGroups(Settings{Backoff: fast})
	c := NewClient(batchingCloud, b, "scope", groups)
	ctx := context.Background()
	for _, err := range parallel(20, func(int) error { _, err := c.List(ctx, "sg"); return err }) {
		if err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.List(ctx, "sg"); err != nil || b.callsOf("describe") != 1 {
		t.Fatalf("21 reads made %d describes, want 1 (%v)", b.callsOf("describe"), err)
	}
	// Another client of the same scope (another provider configuration)
	// shares it too; another group, scope or epoch does not.
	other := NewClient(batchingCloud, b, "scope", groups)
	_, _ = other.List(ctx, "sg")
	_, _ = other.List(ctx, "sg-2")
	_, _ = NewClient(batchingCloud, b, "other-scope", groups).List(ctx, "sg")
	if n := b.callsOf("describe"); n != 3 {
		t.Fatalf("%d describes, want 3", n)
	}
	groups.NewEpoch("scope")
	_, _ = c.List(ctx, "sg")
	if n := b.callsOf("describe"); n != 4 {
		t.Fatalf("a new epoch must read again: %d describes, want 4", n)
	}
}

// A read that starts after one of our writes has finished sees it.
func TestReadAfterWriteSeesTheWrite(t *testing.T) {
	b := newCounting()
	c := NewClient(cloud.Cloud{Name: "fake"}, b, "scope", NewGroups(Settings{Backoff: fast}))
	ctx := context.Background()
	if rules, _ := c.List(ctx, "sg"); len(rules) != 0 {
		t.Fatal("empty at first")
	}
	if _, err := c.Create(ctx, "sg", tcp(22)); err != nil {
		t.Fatal(err)
	}
	if rules, _ := c.List(ctx, "sg"); len(rules) != 1 {
		t.Fatalf("a read after a create shows %d rules", len(rules))
	}
	if err := c.Delete(ctx, "sg", tcp(22)); err != nil {
		t.Fatal(err)
	}
	if rules, _ := c.List(ctx, "sg"); len(rules) != 0 {
		t.Fatalf("a read after a delete shows %d rules", len(rules))
	}
	if n := b.callsOf("describe"); n != 3 {
		t.Fatalf("%d describes, want 3: one per read, the duplicate check reusing the first", n)
	}
}

// throttledDescribes answers every describe as throttled, and closes
// described at the first.
type throttledDescribes struct {
	fakeBackend
	once      sync.Once
	described chan struct{}
}

func (b *throttledDescribes) Describe(context.Context, string) ([]rule.Rule, error) {
	b.once.Do(func() { close(b.described) })
	return nil, &cloud.Error{Cloud: "fake", Action: "describe", Kind: cloud.KindTransient, Code: "Throttling.User", Message: "Request was denied due to user flow control.", Throttled: true}
}

// A read whose timeout ends while it waits for a describe another read of
// the group is retrying says what it waited for and what the cloud kept
// answering, not only that its deadline passed.
func TestReadThatGaveUpWaitingSaysWhy(t *testing.T) {
	b := &throttledDescribes{described: make(chan struct{})}
	c := NewClient(fakeCloud, b, "scope", NewGroups(Settings{Backoff: fast}))
	long, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	go func() { _, _ = c.List(long, "sg") }()
	<-b.described
	short, cancelShort := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancelShort()
	_, err := c.List(short, "sg")
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want the deadline", err)
	}
	for _, want := range []string{"waiting for a describe of security group sg", "Throttling.User", "user flow control"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%q does not say %q", err, want)
		}
	}
}

// ListFresh is never answered by a describe made before it: the revoke
// action must see what another tool added since this process last read
// the group (found in review, issue 35). Reads after it share its
// describe as any others.
func TestListFreshDescribesAgain(t *testing.T) {
	b := newCounting()
	c := NewClient(batchingCloud, b, "scope", NewGroups(Settings{Backoff: fast}))
	ctx := context.Background()
	if _, err := c.List(ctx, "sg"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ListFresh(ctx, "sg"); err != nil || b.callsOf("describe") != 2 {
		t.Fatalf("ListFresh after a List made %d describes in all, want 2 (%v)", b.callsOf("describe"), err)
	}
	if _, err := c.List(ctx, "sg"); err != nil || b.callsOf("describe") != 2 {
		t.Fatalf("a List after ListFresh made %d describes in all, want 2: it shares the fresh one (%v)", b.callsOf("describe"), err)
	}
	for _, err := range parallel(5, func(int) error { _, err := c.ListFresh(ctx, "sg"); return err }) {
		if err != nil {
			t.Fatal(err)
		}
	}
	if n := b.callsOf("describe"); n < 3 || n > 7 {
		t.Fatalf("five ListFresh at once made %d describes more, want 1 to 5", n-2)
	}
}
