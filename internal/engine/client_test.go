package engine

import (
	"bytes"
	"context"
	"crypto/x509"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
	"github.com/hashicorp/terraform-plugin-log/tflogtest"

	"github.com/secgroup/terraform-provider-secgroup/internal/cloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/rule"
)

var fast = Backoff{Initial: time.Millisecond, Max: 4 * time.Millisecond}

func TestRetryRetriesOnlyTransient(t *testing.T) {
	calls := 0
	err := Retry(context.Background(), fast, func(context.Context) error {
		calls++
		if calls < 3 {
			return &cloud.Error{Kind: cloud.KindTransient, Code: "Throttling"}
		}
		return nil
	})
	if err != nil || calls != 3 {
		t.Fatalf("transient errors: err=%v calls=%d, want nil after 3", err, calls)
	}

	calls = 0
	err = Retry(context.Background(), fast, func(context.Context) error {
		calls++
		return &cloud.Error{Kind: cloud.KindInvalid, Code: "InvalidIpPortRange.Malformed"}
	})
	if cloud.KindOf(err) != cloud.KindInvalid || calls != 1 {
		t.Fatalf("invalid errors must not be retried: err=%v calls=%d", err, calls)
	}
}

func TestRetryStopsAtDeadline(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	err := Retry(ctx, fast, func(context.Context) error { return &cloud.Error{Kind: cloud.KindTransient, Code: "Throttling"} })
	if err == nil || !strings.Contains(err.Error(), "gave up after") || cloud.KindOf(err) != cloud.KindTransient {
		t.Fatalf("want a give-up error wrapping the last transient error, got %v", err)
	}
}

// An attempt the timeout cuts short says only "deadline exceeded": the error
// reported is the cloud's answer before it, which says why the retries ran.
func TestRetryReportsTheAnswerBeforeTheTimeout(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	calls := 0
	err := Retry(ctx, fast, func(ctx context.Context) error {
		calls++
		if calls == 1 {
			return &cloud.Error{Kind: cloud.KindTransient, Code: "GroupNotAvailable"}
		}
		<-ctx.Done()
		return &cloud.Error{Kind: cloud.KindTransient, Code: "Transport", Err: ctx.Err()}
	})
	if err == nil || !strings.Contains(err.Error(), "GroupNotAvailable") || !strings.Contains(err.Error(), "gave up after 2 attempts") {
		t.Fatalf("want the give-up error to carry the answer before the timeout, got %v", err)
	}
}

func TestBackoffGrowsAndIsBounded(t *testing.T) {
	b := Backoff{Initial: 100 * time.Millisecond, Max: time.Second, Jitter: func() float64 { return 0.999999 }}
	prev := time.Duration(0)
	for n := 0; n < 40; n++ {
		d := b.delay(n)
		if d > time.Second || d < prev {
			t.Fatalf("delay(%d) = %v after %v: must grow and stay within Max", n, d, prev)
		}
		prev = d
	}
	low := Backoff{Initial: 100 * time.Millisecond, Max: time.Second, Jitter: func() float64 { return 0 }}
	if d := low.delay(5); d != 50*time.Millisecond {
		t.Fatalf("the smallest delay is Initial/2, got %v", d)
	}
}

// fakeCloud gives rules ids, so creates are read back.
var fakeCloud = cloud.Cloud{Name: "fake", Capabilities: cloud.Capabilities{NativeIDs: true}}

// fakeBackend is an in-memory cloud for the client's own tests.
type fakeBackend struct {
	rules      []rule.Rule
	failRevoke error
	authorized int
}

func (f *fakeBackend) Authorize(_ context.Context, _ string, rules []rule.Rule, _ string) error {
	f.authorized++
	for _, r := range rules {
		r.NativeID = "id-" + r.Ports.String()
		f.rules = append(f.rules, r)
	}
	return nil
}
func (f *fakeBackend) Describe(context.Context, string) ([]rule.Rule, error)     { return f.rules, nil }
func (f *fakeBackend) Revoke(context.Context, string, []rule.Rule, string) error { return f.failRevoke }

func TestClientCreateDetectsDuplicates(t *testing.T) {
	b := &fakeBackend{}
	c := NewClient(fakeCloud, b, "fake", NewGroups(Settings{Backoff: fast}))
	r := rule.Rule{Direction: rule.Ingress, Protocol: rule.TCP, Ports: rule.PortRange{From: 22, To: 22}, CIDR: "10.0.0.0/8"}
	got, err := c.Create(context.Background(), "sg", r)
	if err != nil || got.NativeID != "id-22" {
		t.Fatalf("Create = %+v, %v; want the read-back rule with its native id", got, err)
	}
	existing, err := c.Create(context.Background(), "sg", r)
	if cloud.KindOf(err) != cloud.KindDuplicate || existing.NativeID != "id-22" || b.authorized != 1 {
		t.Fatalf("second Create: err=%v existing=%+v authorized=%d; want a duplicate error, no second write", err, existing, b.authorized)
	}
}

// tokenlessBackend is a cloud without client tokens: its first authorize
// lands but the answer is lost, the retry finds the rule there.
type tokenlessBackend struct {
	fakeBackend
	failFirst cloud.Kind
}

func (f *tokenlessBackend) Authorize(ctx context.Context, group string, rules []rule.Rule, token string) error {
	if f.authorized > 0 {
		f.authorized++
		return &cloud.Error{Kind: cloud.KindDuplicate, Code: "OPERATION_DENIED_SECURITY_GROUP_EXIST_REPEAT_RULE"}
	}
	_ = f.fakeBackend.Authorize(ctx, group, rules, token)
	return &cloud.Error{Kind: f.failFirst, Code: "first answer"}
}

func TestClientCreateRecognisesItsOwnLostWrite(t *testing.T) {
	r := rule.Rule{Direction: rule.Ingress, Protocol: rule.TCP, Ports: rule.PortRange{From: 22, To: 22}, CIDR: "10.0.0.0/8"}
	b := &tokenlessBackend{failFirst: cloud.KindTransient}
	c := NewClient(fakeCloud, b, "fake", NewGroups(Settings{Backoff: fast}))
	got, err := c.Create(context.Background(), "sg", r)
	if err != nil || got.NativeID != "id-22" || b.authorized != 2 {
		t.Fatalf("Create = %+v, %v after %d writes; want our own rule after one retry", got, err, b.authorized)
	}

	// After an answer that proves the write did not land (busy), a
	// duplicate is someone else's rule.
	b = &tokenlessBackend{failFirst: cloud.KindBusy}
	c = NewClient(fakeCloud, b, "fake", NewGroups(Settings{Backoff: fast}))
	got, err = c.Create(context.Background(), "sg", r)
	if cloud.KindOf(err) != cloud.KindDuplicate || got.Ports != r.Ports {
		t.Fatalf("Create = %+v, %v; want a duplicate error naming the rule", got, err)
	}
}

func TestClientDeleteTreatsGoneAsSuccess(t *testing.T) {
	for _, kind := range []cloud.Kind{cloud.KindRuleGone, cloud.KindGroupGone} {
		b := &fakeBackend{failRevoke: &cloud.Error{Kind: kind}}
		c := NewClient(fakeCloud, b, "fake", NewGroups(Settings{Backoff: fast}))
		if err := c.Delete(context.Background(), "sg", rule.Rule{}); err != nil {
			t.Errorf("%v: Delete = %v, want success", kind, err)
		}
	}
	b := &fakeBackend{failRevoke: &cloud.Error{Kind: cloud.KindAuth, Code: "Forbidden"}}
	c := NewClient(fakeCloud, b, "fake", NewGroups(Settings{Backoff: fast}))
	if err := c.Delete(context.Background(), "sg", rule.Rule{}); cloud.KindOf(err) != cloud.KindAuth {
		t.Errorf("other errors must surface, got %v", err)
	}
}

// A cloud the provider found unusable (a required setting missing) fails
// at its first use with the provider's error, without connecting; a usable
// one connects with its resolved settings and takes the block's quota; an
// unknown cloud is named.
func TestConnectionsUseTheResolvedConfig(t *testing.T) {
	var connected map[string]string
	connect := func(_ context.Context, s map[string]string) (cloud.Backend, error) {
		connected = s
		return &fakeBackend{}, nil
	}
	ecs := cloud.Cloud{Name: "alicloud", Title: "Alibaba Cloud ECS", Connect: connect}
	zen := cloud.Cloud{Name: "zenlayer", Title: "Zenlayer", Connect: connect, Capabilities: cloud.Capabilities{Quota: 20}}
	unusable := errors.New("the alicloud block of the secgroup provider is missing secret_key")
	conns := NewConnections(cloud.NewRegistry(ecs, zen), map[string]CloudConfig{
		"alicloud": {Settings: map[string]string{"access_key": "ak"}, Unusable: unusable},
		"zenlayer": {Settings: map[string]string{"access_key": "zk", "secret_key": "zs"}, Quota: 7},
	}, NewGroups(Settings{Backoff: fast}))
	if _, err := conns.Client(context.Background(), "alicloud"); !errors.Is(err, unusable) || connected != nil {
		t.Fatalf("an unusable cloud: %v, connected with %v; want the provider's error and no connection", err, connected)
	}
	cl, err := conns.Client(context.Background(), "zenlayer")
	if err != nil || connected["secret_key"] != "zs" || cl.quota != 7 {
		t.Fatalf("Client = %v, connected with %v, quota %d; want the resolved settings and the block's quota 7", err, connected, cl.quota)
	}
	if _, err := conns.Client(context.Background(), "ens"); err == nil || !strings.Contains(err.Error(), "unknown cloud") {
		t.Fatalf("unknown clouds must be named, got %v", err)
	}
}

func TestMaskSecretsHidesSensitiveSettings(t *testing.T) {
	def := cloud.Cloud{Name: "alicloud", Settings: []cloud.Setting{
		{Name: "region", Required: true},
		{Name: "secret_key", Sensitive: true, Required: true},
	}}
	conns := NewConnections(cloud.NewRegistry(def), map[string]CloudConfig{"alicloud": {Settings: map[string]string{"region": "AKID", "secret_key": "s3cr3t-value"}}}, NewGroups(Settings{Backoff: fast}))
	var buf bytes.Buffer
	ctx := conns.MaskSecrets(tflogtest.RootLogger(context.Background(), &buf))
	tflog.Info(ctx, "signing with s3cr3t-value", map[string]any{"secret": "s3cr3t-value", "key": "AKID"})
	out := buf.String()
	if strings.Contains(out, "s3cr3t-value") || !strings.Contains(out, "AKID") {
		t.Fatalf("log line %s: the secret must be masked, other settings kept", out)
	}
}

// Retry honours how an unanswered call was classified (cloud.NoAnswer):
// an untrusted certificate is not retried, a refused connection a few
// times only, a reset connection until it passes.
func TestRetryFollowsNoAnswer(t *testing.T) {
	for _, c := range []struct {
		name  string
		err   error
		calls int
		fails bool
	}{
		{"untrusted", x509.UnknownAuthorityError{}, 1, true},
		{"refused", errors.New("dial tcp 127.0.0.1:1: connect: connection refused"), 3, true},
		{"reset", errors.New("read tcp: connection reset by peer"), 6, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			e := cloud.NoAnswer("alicloud", "DescribeSecurityGroupAttribute", c.err)
			calls := 0
			err := Retry(context.Background(), fast, func(context.Context) error {
				calls++
				if calls > 5 {
					return nil
				}
				return e
			})
			if calls != c.calls || (err != nil) != c.fails {
				t.Fatalf("tried %d times, error %v: want %d tries, failed %v", calls, err, c.calls, c.fails)
			}
			if c.name == "refused" && !strings.Contains(err.Error(), "gave up after 3 attempts") {
				t.Fatalf("the error must say it gave up: %v", err)
			}
		})
	}
}

func TestGaveUpSaysAttemptOnce(t *testing.T) {
	err := Retry(context.Background(), fast, func(context.Context) error {
		return &cloud.Error{Kind: cloud.KindTransient, MaxAttempts: 1}
	})
	if err == nil || !strings.Contains(err.Error(), "gave up after 1 attempt:") {
		t.Fatalf("%v", err)
	}
}

// A Retry-After longer than the time left ends the retries at once,
// where the backoff alone (a few ms) would try again.
func TestRetryAfterBeyondTheTimeout(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	calls := 0
	err := Retry(ctx, fast, func(context.Context) error {
		calls++
		return &cloud.Error{Kind: cloud.KindTransient, Code: "REQUEST_LIMIT_EXCEEDED", RetryAfter: time.Hour}
	})
	if calls != 1 || !strings.Contains(err.Error(), "the timeout would pass before the next") {
		t.Fatalf("%d calls: %v", calls, err)
	}
}

// A read that gave up because its timeout would pass before its next try
// says which timeout: the data source's timeouts.read, with its value.
// (It said "gave up after 1 attempt, the timeout would pass before the
// next" alone.)
func TestRanOutOfTimeTellsATimeoutFromACancel(t *testing.T) {
	fail := func(context.Context) error { return errThrottled }
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	err := Retry(ctx, Backoff{Initial: 20 * time.Millisecond, Max: 20 * time.Millisecond}, fail)
	if !RanOutOfTime(err) {
		t.Fatalf("%v: want a retry cut short by its timeout", err)
	}
	interrupted, stop := context.WithCancel(context.Background())
	stop()
	if err := Retry(interrupted, Backoff{Initial: time.Millisecond, Max: time.Millisecond}, fail); RanOutOfTime(err) {
		t.Fatalf("%v: an interrupt is no timeout", err)
	}
}

var errThrottled = &cloud.Error{Cloud: "fake", Action: "describe", Kind: cloud.KindTransient, Code: "Throttling", Throttled: true}
