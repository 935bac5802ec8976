package cloud

import (
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

// get makes one request and returns the transport's error.
func get(t *testing.T, target string) error {
	t.Helper()
	client := &http.Client{Timeout: 10 * time.Second}
	resp, err := client.Get(target)
	if err == nil {
		resp.Body.Close()
		t.Fatalf("GET %s answered", target)
	}
	return err
}

// Failures that waiting cannot mend fail at once and name the setting; a
// refused connection is tried a few times; others are retried.
func TestNoAnswer(t *testing.T) {
	untrusted := httptest.NewTLSServer(http.NotFoundHandler())
	defer untrusted.Close()
	plain := httptest.NewServer(http.NotFoundHandler())
	defer plain.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + ln.Addr().String()
	ln.Close()

	for _, c := range []struct {
		name     string
		err      error
		kind     Kind
		hint     string
		attempts int
	}{
		{"untrusted certificate", get(t, untrusted.URL), KindInvalid, "SSL_CERT_FILE", 0},
		{"HTTP behind https", get(t, strings.Replace(plain.URL, "http://", "https://", 1)), KindInvalid, "write the endpoint as http://", 0},
		{"unknown host", &url.Error{Op: "Post", URL: "https://ecs.nowhere.example", Err: &net.DNSError{Err: "no such host", Name: "ecs.nowhere.example", IsNotFound: true}}, KindInvalid, "does not resolve", 0},
		{"refused", get(t, closed), KindTransient, "nothing accepts connections", refusedAttempts},
		{"reset", &url.Error{Op: "Post", URL: "https://x", Err: errors.New("connection reset by peer")}, KindTransient, "", 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			e := NoAnswer("alicloud", "DescribeSecurityGroupAttribute", c.err)
			if e.Kind != c.kind || !strings.Contains(e.Hint, c.hint) || e.MaxAttempts != c.attempts || !errors.Is(e, c.err) {
				t.Fatalf("%v: got %+v", c.err, e)
			}
			if c.hint != "" && !strings.Contains(e.Error(), "endpoint in the provider's alicloud block") {
				t.Fatalf("the error must name the setting: %v", e)
			}
		})
	}
}

func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	for v, want := range map[string]time.Duration{
		"":                              0,
		"7":                             7 * time.Second,
		"-1":                            0,
		"soon":                          0,
		"Mon, 30 Nov 2026 12:00:30 GMT": 30 * time.Second,
		"Mon, 30 Nov 2026 11:00:00 GMT": 0,
	} {
		h := http.Header{}
		if v != "" {
			h.Set("Retry-After", v)
		}
		if got := ParseRetryAfter(h, now); got != want {
			t.Errorf("Retry-After %q: %v, want %v", v, got, want)
		}
	}
}

// Send reads a whole answer, and a request nothing answers is classified
// as NoAnswer classifies it.
func TestSend(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Retry-After", "3")
		w.WriteHeader(http.StatusTooManyRequests)
		_, _ = w.Write([]byte(`{"code":"REQUEST_LIMIT_EXCEEDED"}`))
	}))
	req, _ := http.NewRequest(http.MethodPost, srv.URL, nil)
	reply, err := Send(srv.Client(), req, "zenlayer", "DescribeSecurityGroups")
	if err != nil || reply.Status != 429 || reply.Header.Get("Retry-After") != "3" || string(reply.Body) != `{"code":"REQUEST_LIMIT_EXCEEDED"}` {
		t.Fatalf("%+v %v", reply, err)
	}
	srv.Close()
	req, _ = http.NewRequest(http.MethodPost, srv.URL, nil)
	_, err = Send(http.DefaultClient, req, "zenlayer", "DescribeSecurityGroups")
	if e, ok := AsError(err); !ok || e.Kind != KindTransient || e.MaxAttempts != refusedAttempts || e.Cloud != "zenlayer" {
		t.Fatalf("refused: %#v", err)
	}
}

// A package that replaced http.DefaultTransport with a RoundTripper of
// its own leaves every client a working transport with Go's settings.
func TestNewHTTPTransportWithoutGoDefault(t *testing.T) {
	saved := http.DefaultTransport
	defer func() { http.DefaultTransport = saved }()
	http.DefaultTransport = roundTripperFunc(func(*http.Request) (*http.Response, error) {
		return nil, errors.New("the replaced default was used")
	})
	tr := NewHTTPTransport()
	if tr.Proxy == nil || !tr.ForceAttemptHTTP2 || tr.MaxIdleConnsPerHost != IdleConnsPerHost {
		t.Errorf("proxy set %t, HTTP/2 %t, idle per host %d: want Go's defaults and %d", tr.Proxy != nil, tr.ForceAttemptHTTP2, tr.MaxIdleConnsPerHost, IdleConnsPerHost)
	}
	srv := httptest.NewServer(http.NotFoundHandler())
	defer srv.Close()
	resp, err := (&http.Client{Transport: tr, Timeout: 10 * time.Second}).Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("status %d, want 404", resp.StatusCode)
	}
}

type roundTripperFunc func(*http.Request) (*http.Response, error)

func (f roundTripperFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// The cloud's clock is the last answer's Date moved on by this machine's
// clock; none before an answer, and an unreadable Date changes nothing.
func TestServerClock(t *testing.T) {
	var c ServerClock
	if _, ok := c.Now(); ok {
		t.Fatal("a clock without an answer tells a time")
	}
	ahead := time.Now().Add(10 * time.Minute).UTC().Truncate(time.Second)
	c.Observe(ahead.Format(http.TimeFormat))
	c.Observe("not a date")
	now, ok := c.Now()
	if !ok || now.Before(ahead) || now.After(ahead.Add(5*time.Second)) {
		t.Fatalf("cloud time %s (%v), want about %s", now, ok, ahead)
	}
}
