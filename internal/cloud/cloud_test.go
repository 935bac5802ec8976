package cloud

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
	"github.com/hashicorp/terraform-plugin-log/tflogtest"

	"github.com/secgroup/terraform-provider-secgroup/internal/rule"
)

var fast = Backoff{Initial: time.Millisecond, Max: 4 * time.Millisecond}

func TestRetryRetriesOnlyTransient(t *testing.T) {
	calls := 0
	err := Retry(context.Background(), fast, func(context.Context) error {
		calls++
		if calls < 3 {
			return &Error{Kind: KindTransient, Code: "Throttling"}
		}
		return nil
	})
	if err != nil || calls != 3 {
		t.Fatalf("transient errors: err=%v calls=%d, want nil after 3", err, calls)
	}

	calls = 0
	err = Retry(context.Background(), fast, func(context.Context) error {
		calls++
		return &Error{Kind: KindInvalid, Code: "InvalidIpPortRange.Malformed"}
	})
	if KindOf(err) != KindInvalid || calls != 1 {
		t.Fatalf("invalid errors must not be retried: err=%v calls=%d", err, calls)
	}
}

func TestRetryStopsAtDeadline(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	err := Retry(ctx, fast, func(context.Context) error { return &Error{Kind: KindTransient, Code: "Throttling"} })
	if err == nil || !strings.Contains(err.Error(), "gave up after") || KindOf(err) != KindTransient {
		t.Fatalf("want a give-up error wrapping the last transient error, got %v", err)
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
var fakeCloud = Cloud{Name: "fake", Capabilities: Capabilities{NativeIDs: true}}

// fakeBackend is an in-memory cloud for the client's own tests.
type fakeBackend struct {
	rules      []rule.Rule
	failRevoke error
	authorized int
}

func (f *fakeBackend) Authorize(_ context.Context, _ string, rules []rule.Rule, _ string) (time.Time, error) {
	f.authorized++
	for _, r := range rules {
		r.NativeID = "id-" + r.Ports.String()
		f.rules = append(f.rules, r)
	}
	return time.Time{}, nil
}
func (f *fakeBackend) Describe(context.Context, string) ([]rule.Rule, error)     { return f.rules, nil }
func (f *fakeBackend) Revoke(context.Context, string, []rule.Rule, string) error { return f.failRevoke }

func TestClientCreateDetectsDuplicates(t *testing.T) {
	b := &fakeBackend{}
	c := NewClient(fakeCloud, b, "fake", NewGroups(), fast)
	r := rule.Rule{Direction: rule.Ingress, Protocol: rule.TCP, Ports: rule.PortRange{From: 22, To: 22}, CIDR: "10.0.0.0/8"}
	got, err := c.Create(context.Background(), "sg", r)
	if err != nil || got.NativeID != "id-22" {
		t.Fatalf("Create = %+v, %v; want the read-back rule with its native id", got, err)
	}
	existing, err := c.Create(context.Background(), "sg", r)
	if KindOf(err) != KindDuplicate || existing.NativeID != "id-22" || b.authorized != 1 {
		t.Fatalf("second Create: err=%v existing=%+v authorized=%d; want a duplicate error, no second write", err, existing, b.authorized)
	}
}

// tokenlessBackend is a cloud without client tokens: its first authorize
// lands but the answer is lost, the retry finds the rule there.
type tokenlessBackend struct {
	fakeBackend
	failFirst Kind
}

func (f *tokenlessBackend) Authorize(ctx context.Context, group string, rules []rule.Rule, token string) (time.Time, error) {
	if f.authorized > 0 {
		f.authorized++
		return time.Time{}, &Error{Kind: KindDuplicate, Code: "OPERATION_DENIED_SECURITY_GROUP_EXIST_REPEAT_RULE"}
	}
	_, _ = f.fakeBackend.Authorize(ctx, group, rules, token)
	return time.Time{}, &Error{Kind: f.failFirst, Code: "first answer"}
}

func TestClientCreateRecognisesItsOwnLostWrite(t *testing.T) {
	r := rule.Rule{Direction: rule.Ingress, Protocol: rule.TCP, Ports: rule.PortRange{From: 22, To: 22}, CIDR: "10.0.0.0/8"}
	b := &tokenlessBackend{failFirst: KindTransient}
	c := NewClient(fakeCloud, b, "fake", NewGroups(), fast)
	got, err := c.Create(context.Background(), "sg", r)
	if err != nil || got.NativeID != "id-22" || b.authorized != 2 {
		t.Fatalf("Create = %+v, %v after %d writes; want our own rule after one retry", got, err, b.authorized)
	}

	// After an answer that proves the write did not land (busy), a
	// duplicate is someone else's rule.
	b = &tokenlessBackend{failFirst: KindBusy}
	c = NewClient(fakeCloud, b, "fake", NewGroups(), fast)
	got, err = c.Create(context.Background(), "sg", r)
	if KindOf(err) != KindDuplicate || got.Ports != r.Ports {
		t.Fatalf("Create = %+v, %v; want a duplicate error naming the rule", got, err)
	}
}

func TestClientDeleteTreatsGoneAsSuccess(t *testing.T) {
	for _, kind := range []Kind{KindRuleGone, KindGroupGone} {
		b := &fakeBackend{failRevoke: &Error{Kind: kind}}
		c := NewClient(fakeCloud, b, "fake", NewGroups(), fast)
		if err := c.Delete(context.Background(), "sg", rule.Rule{}); err != nil {
			t.Errorf("%v: Delete = %v, want success", kind, err)
		}
	}
	b := &fakeBackend{failRevoke: &Error{Kind: KindAuth, Code: "Forbidden"}}
	c := NewClient(fakeCloud, b, "fake", NewGroups(), fast)
	if err := c.Delete(context.Background(), "sg", rule.Rule{}); KindOf(err) != KindAuth {
		t.Errorf("other errors must surface, got %v", err)
	}
}

func TestConnectionsNameMissingSettings(t *testing.T) {
	def := Cloud{Name: "alicloud", Title: "Alibaba Cloud ECS", Settings: []Setting{
		{Name: "access_key", EnvVars: []string{"ALICLOUD_ACCESS_KEY"}, Required: true},
		{Name: "secret_key", EnvVars: []string{"ALICLOUD_SECRET_KEY"}, Required: true, Sensitive: true},
		{Name: "region", EnvVars: []string{"ALICLOUD_REGION"}, Default: "cn-hangzhou"},
	}, Connect: func(context.Context, map[string]string) (Backend, error) { return &fakeBackend{}, nil }}
	conns := NewConnections(NewRegistry(def), map[string]map[string]string{"alicloud": {"access_key": "ak"}}, fast, NewGroups())
	conns.getenv = func(string) string { return "" }
	_, err := conns.Client(context.Background(), "alicloud")
	if err == nil || !strings.Contains(err.Error(), "secret_key (or ALICLOUD_SECRET_KEY)") || strings.Contains(err.Error(), "access_key (") {
		t.Fatalf("want an error naming only the missing secret_key, got %v", err)
	}
	conns.getenv = func(k string) string { return map[string]string{"ALICLOUD_SECRET_KEY": "sk"}[k] }
	values, missing := conns.Resolve(def)
	if len(missing) != 0 || values["secret_key"] != "sk" || values["region"] != "cn-hangzhou" || values["access_key"] != "ak" {
		t.Fatalf("Resolve = %v, %v", values, missing)
	}
	if _, err := conns.Client(context.Background(), "zenlayer"); err == nil || !strings.Contains(err.Error(), "unknown cloud") {
		t.Fatalf("unknown clouds must be named, got %v", err)
	}
}

func TestMaskSecretsHidesSensitiveSettings(t *testing.T) {
	def := Cloud{Name: "alicloud", Settings: []Setting{
		{Name: "region", Required: true},
		{Name: "secret_key", Sensitive: true, Required: true},
	}}
	conns := NewConnections(NewRegistry(def), map[string]map[string]string{"alicloud": {"region": "AKID", "secret_key": "s3cr3t-value"}}, fast, NewGroups())
	var buf bytes.Buffer
	ctx := conns.MaskSecrets(tflogtest.RootLogger(context.Background(), &buf))
	tflog.Info(ctx, "signing with s3cr3t-value", map[string]any{"secret": "s3cr3t-value", "key": "AKID"})
	out := buf.String()
	if strings.Contains(out, "s3cr3t-value") || !strings.Contains(out, "AKID") {
		t.Fatalf("log line %s: the secret must be masked, other settings kept", out)
	}
}

func TestBatchHelpers(t *testing.T) {
	if ItemToken("t", 0, 1) != "t" || ItemToken("t", 1, 3) != "t-1" || ItemToken("", 1, 3) != "" {
		t.Fatal("ItemToken")
	}
	if a, b := NewToken(), NewToken(); a == b || len(a) > 64 || len(ItemToken(a, 99, 100)) > 64 {
		t.Fatalf("NewToken must be fresh each time and fit 64 characters with an item suffix: %s %s", a, b)
	}
	a := rule.Rule{Direction: rule.Ingress, Protocol: rule.TCP, Ports: rule.PortRange{From: 22, To: 22}, CIDR: "10.0.0.0/8"}
	gone := &Error{Kind: KindRuleGone}
	var seen []int
	err := RevokeEach([]rule.Rule{a, a, a}, func(i int, _ rule.Rule) error { seen = append(seen, i); return gone })
	if err != nil || len(seen) != 3 || seen[2] != 2 {
		t.Fatalf("a batch goes on past gone rules, each told its place: %v after %v", err, seen)
	}
	if err := RevokeEach([]rule.Rule{a}, func(int, rule.Rule) error { return gone }); !IsGone(err) {
		t.Fatal("a single rule's gone error is the caller's to judge")
	}
	auth := &Error{Kind: KindAuth}
	if err := RevokeEach([]rule.Rule{a, a}, func(int, rule.Rule) error { return auth }); KindOf(err) != KindAuth {
		t.Fatal("other errors stop the batch")
	}
	if !AnswerTime("Wed, 02 Dec 2026 03:55:32 GMT").Equal(time.Date(2026, 12, 2, 3, 55, 32, 0, time.UTC)) || !AnswerTime("").IsZero() {
		t.Fatal("AnswerTime reads an HTTP date, and nothing from no header")
	}
}
