package zenlayer

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/secgroup/terraform-provider-secgroup/internal/cloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/signature/zc2"
)

// Wire constants of Zenlayer Cloud API 2.0 for the VM product
// (the vendor SDK's common request headers and its VM service).
const (
	path    = "/api/v2/vm"
	service = "vm"
	// apiVersion is the VM API version of the vendor's Terraform provider.
	apiVersion  = "2023-03-13"
	contentType = "application/json"
)

// client sends signed calls to the VM API. It is the small part of the
// vendor SDK the provider needs; the SDK itself is not on the Go module
// proxy.
type client struct {
	endpoint          *url.URL
	accessKey, secret string
	http              *http.Client
	now               func() time.Time
	clock             cloud.ServerClock
}

// defaultEndpoint is Zenlayer's one public endpoint (cloud.Cloud's
// DefaultEndpoint).
func defaultEndpoint(map[string]string) string { return "https://console.zenlayer.com" }

// newClient connects with resolved settings: access_key, secret_key and
// optionally endpoint (a bare host means HTTPS, as the vendor's
// ZENLAYERCLOUD_DOMAIN).
func newClient(s map[string]string) (*client, error) {
	u, err := cloud.ParseEndpoint(s["endpoint"], defaultEndpoint(s))
	if err != nil {
		return nil, err
	}
	// Requests are bounded by the context (the resource's timeouts); the
	// client timeout only stops a hung connection.
	hc := &http.Client{Timeout: 60 * time.Second, Transport: cloud.NewHTTPTransport()}
	return &client{endpoint: u, accessKey: s["access_key"], secret: s["secret_key"], http: hc, now: time.Now}, nil
}

// envelope is a successful answer: the action's fields sit in response.
type envelope struct {
	RequestID string          `json:"requestId"`
	Response  json.RawMessage `json:"response"`
}

// failure is the error shape of every action.
type failure struct {
	RequestID string `json:"requestId"`
	Code      string `json:"code"`
	Message   string `json:"message"`
}

// call sends one action with req.Body as its JSON body (Zenlayer's
// actions name their group there) and decodes its response into out (if
// not nil). Every failure comes back as a classified *cloud.Error.
func (c *client) call(ctx context.Context, req cloud.Request, out any) error {
	action := req.Action
	body, err := json.Marshal(req.Body)
	if err != nil {
		return err
	}
	hreq, err := http.NewRequestWithContext(ctx, http.MethodPost, c.endpoint.String()+path, bytes.NewReader(body))
	if err != nil {
		return err
	}
	timestamp := strconv.FormatInt(c.now().Unix(), 10)
	// The SDK signs the configured domain string, port included, which is
	// also what Go sends as Host.
	signature := zc2.Sign(c.secret, contentType, c.endpoint.Host, timestamp, body)
	hreq.Header.Set("Content-Type", contentType)
	hreq.Header.Set("X-ZC-Action", action)
	hreq.Header.Set("X-ZC-Version", apiVersion)
	hreq.Header.Set("X-ZC-Service", service)
	hreq.Header.Set("X-ZC-Timestamp", timestamp)
	hreq.Header.Set("X-ZC-Signature-Method", zc2.Algorithm)
	hreq.Header.Set("X-ZC-Request-Client", "terraform-provider-secgroup")
	hreq.Header.Set("Authorization", zc2.Authorization(c.accessKey, signature))

	reply, err := cloud.Send(c.http, hreq, Name, action)
	if err != nil {
		return err
	}
	// The cloud's time, for ephemeral rules' expiry (cloud.ServerClock).
	c.clock.Observe(reply.Header.Get("Date"))
	// Like the SDK, anything but 200 is an error in the documented shape.
	if reply.Status != http.StatusOK {
		var f failure
		if json.Unmarshal(reply.Body, &f) != nil || f.Code == "" {
			f.Message = strings.TrimSpace(http.StatusText(reply.Status) + " " + cloud.Excerpt(reply.Body))
		}
		e := &cloud.Error{Cloud: Name, Action: action, Code: f.Code, Message: f.Message, RequestID: f.RequestID, Status: reply.Status}
		classify(req, e)
		e.RetryAfter = cloud.ParseRetryAfter(reply.Header, c.now())
		return e
	}
	var env envelope
	if err := json.Unmarshal(reply.Body, &env); err != nil {
		return &cloud.Error{Cloud: Name, Action: action, Status: reply.Status, Message: "unreadable answer: " + cloud.Excerpt(reply.Body)}
	}
	if out == nil || len(env.Response) == 0 {
		return nil
	}
	if err := json.Unmarshal(env.Response, out); err != nil {
		return &cloud.Error{Cloud: Name, Action: action, Status: reply.Status, RequestID: env.RequestID, Message: "unreadable answer: " + err.Error()}
	}
	return nil
}
