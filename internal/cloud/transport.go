package cloud

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// refusedAttempts bounds the retries of a refused connection (DESIGN.md,
// "Retries within the operation's timeout").
const refusedAttempts = 3

// NoAnswer classifies a request that got no answer from the cloud: transient
// when waiting may pass it, else a failure with a hint naming the endpoint
// (DESIGN.md, "Retries within the operation's timeout").
func NoAnswer(cloudName, action string, err error) *Error {
	e := &Error{Cloud: cloudName, Action: action, Kind: KindTransient, Err: err}
	text := err.Error()
	check := "Check endpoint in the provider's " + cloudName + " block"
	var (
		unknownAuthority x509.UnknownAuthorityError
		hostname         x509.HostnameError
		invalid          x509.CertificateInvalidError
		verification     *tls.CertificateVerificationError
		record           tls.RecordHeaderError
		dns              *net.DNSError
	)
	switch {
	case errors.As(err, &unknownAuthority), errors.As(err, &hostname), errors.As(err, &invalid), errors.As(err, &verification),
		strings.Contains(text, "x509: "), strings.Contains(text, "tls: failed to verify certificate"):
		e.Kind = KindInvalid
		e.Hint = check + ": its TLS certificate is not trusted by this machine. For a private CA, point SSL_CERT_FILE at its certificate"
	case errors.As(err, &record), strings.Contains(text, "server gave HTTP response to HTTPS client"):
		e.Kind = KindInvalid
		e.Hint = check + ": the server speaks plain HTTP there, so write the endpoint as http://host:port"
	case errors.As(err, &dns) && dns.IsNotFound, strings.Contains(text, "no such host"):
		e.Kind = KindInvalid
		e.Hint = check + ": its host name does not resolve"
	case errors.Is(err, syscall.ECONNREFUSED), strings.Contains(text, "connection refused"):
		e.MaxAttempts = refusedAttempts
		e.Hint = check + ": nothing accepts connections there"
	}
	return e
}

// IdleConnsPerHost is how many idle connections a client keeps to its
// endpoint: at least Terraform's -parallelism (DESIGN.md, "The layers").
const IdleConnsPerHost = 256

// NewHTTPTransport is the transport of every client, ours and the SDKs':
// Go's default (proxy from the environment, HTTP/2, its timeouts) keeping
// IdleConnsPerHost idle connections.
func NewHTTPTransport() *http.Transport {
	t, ok := http.DefaultTransport.(*http.Transport)
	if !ok {
		// A package replaced Go's default with another kind of
		// RoundTripper: Go's default settings, as net/http sets them.
		t = &http.Transport{
			Proxy:                 http.ProxyFromEnvironment,
			DialContext:           (&net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
			ForceAttemptHTTP2:     true,
			IdleConnTimeout:       90 * time.Second,
			TLSHandshakeTimeout:   10 * time.Second,
			ExpectContinueTimeout: time.Second,
		}
	}
	t = t.Clone()
	t.MaxIdleConns = 0
	t.MaxIdleConnsPerHost = IdleConnsPerHost
	return t
}

// Reply is an HTTP answer read whole: the hand-written clients (Zenlayer,
// Apsara Stack) parse their vendor's shapes from it.
type Reply struct {
	Status int
	Header http.Header
	Body   []byte
}

// maxReply bounds how much of an answer is read.
const maxReply = 32 << 20

// Send sends req and reads the answer whole. No answer at all is
// classified by NoAnswer; an answer cut short is transient. Callers must
// not put secrets into req's URL: a transport error carries it.
func Send(client *http.Client, req *http.Request, cloudName, action string) (*Reply, error) {
	resp, err := client.Do(req)
	if err != nil {
		return nil, NoAnswer(cloudName, action, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxReply))
	if err != nil {
		return nil, &Error{Cloud: cloudName, Action: action, Kind: KindTransient, Status: resp.StatusCode, Err: err}
	}
	return &Reply{Status: resp.StatusCode, Header: resp.Header, Body: body}, nil
}

// ParseRetryAfter reads an HTTP Retry-After header: seconds, or an HTTP
// date; 0 when absent or unreadable.
func ParseRetryAfter(h http.Header, now time.Time) time.Duration {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0
	}
	if n, err := strconv.Atoi(v); err == nil && n > 0 {
		return time.Duration(n) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

// Excerpt keeps an unexpected answer body short enough for a diagnostic.
func Excerpt(body []byte) string {
	s := strings.TrimSpace(string(body))
	if len(s) > 200 {
		s = s[:200] + "..."
	}
	return s
}

// ServerClock is the cloud's clock as the Date header of its last answer
// tells it, moved on by this machine's monotonic clock since. A gateway
// may stamp Date with a clock of its own (DESIGN.md, "Why no clock"), so
// this is good for minutes (an ephemeral rule's expiry, DESIGN.md
// "Ephemeral rules"), never to tell who made a rule.
type ServerClock struct {
	mu   sync.Mutex
	date time.Time
	at   time.Time
}

// Observe records an answer's Date header; one that does not parse is
// ignored.
func (c *ServerClock) Observe(date string) {
	t, err := http.ParseTime(date)
	if err != nil {
		return
	}
	c.mu.Lock()
	c.date, c.at = t, time.Now()
	c.mu.Unlock()
}

// Now is the cloud's time now; false before any answer gave a Date.
func (c *ServerClock) Now() (time.Time, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.date.IsZero() {
		return time.Time{}, false
	}
	return c.date.Add(time.Since(c.at)), true
}

// Clocked is implemented by backends that know the cloud's time from its
// answers (ServerClock).
type Clocked interface {
	// CloudNow is the cloud's time now; false while no answer told it.
	CloudNow() (time.Time, bool)
}
