package zenlayer

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/secgroup/terraform-provider-secgroup/internal/cloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/signature/zc2"
)

// Wire constants of Zenlayer Cloud API 2.0 for the VM product
// (reference/vendor-wire.md 1.1 and 1.2).
const (
	defaultEndpoint = "https://console.zenlayer.com"
	path            = "/api/v2/vm"
	service         = "vm"
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
}

// parseEndpoint accepts "scheme://host[:port]" or a bare host (HTTPS, as
// the vendor's ZENLAYERCLOUD_DOMAIN).
func parseEndpoint(s string) (*url.URL, error) {
	if s == "" {
		s = defaultEndpoint
	}
	if !strings.Contains(s, "://") {
		s = "https://" + s
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" {
		return nil, fmt.Errorf("endpoint %q must look like https://host[:port]", s)
	}
	u.Path = ""
	return u, nil
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

// call sends one action and decodes its response into out (if not nil).
// Every failure comes back as a classified *cloud.Error.
func (c *client) call(ctx context.Context, action string, in, out any) error {
	body, err := json.Marshal(in)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.endpoint.String()+path, bytes.NewReader(body))
	if err != nil {
		return err
	}
	timestamp := strconv.FormatInt(c.now().Unix(), 10)
	// The SDK signs the configured domain string, port included, which is
	// also what Go sends as Host.
	signature := zc2.Sign(c.secret, contentType, c.endpoint.Host, timestamp, body)
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("X-ZC-Action", action)
	req.Header.Set("X-ZC-Version", apiVersion)
	req.Header.Set("X-ZC-Service", service)
	req.Header.Set("X-ZC-Timestamp", timestamp)
	req.Header.Set("X-ZC-Signature-Method", zc2.Algorithm)
	req.Header.Set("X-ZC-Request-Client", "terraform-provider-secgroup")
	req.Header.Set("Authorization", zc2.Authorization(c.accessKey, signature))

	resp, err := c.http.Do(req)
	if err != nil {
		// No answer: refused, reset or timed out. *url.Error carries
		// only the URL, which holds no secret here.
		return cloud.NoAnswer(Name, action, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 32<<20))
	if err != nil {
		return &cloud.Error{Cloud: Name, Action: action, Kind: cloud.KindTransient, Status: resp.StatusCode, Err: err}
	}
	// Like the SDK, anything but 200 is an error in the documented shape.
	if resp.StatusCode != http.StatusOK {
		var f failure
		if json.Unmarshal(raw, &f) != nil || f.Code == "" {
			f.Message = strings.TrimSpace(http.StatusText(resp.StatusCode) + " " + cloud.Excerpt(raw))
		}
		e := classify(action, resp.StatusCode, f)
		e.RetryAfter = cloud.ParseRetryAfter(resp.Header, c.now())
		return e
	}
	var env envelope
	if err := json.Unmarshal(raw, &env); err != nil {
		return &cloud.Error{Cloud: Name, Action: action, Status: resp.StatusCode, Message: "unreadable answer: " + cloud.Excerpt(raw)}
	}
	if out == nil || len(env.Response) == 0 {
		return nil
	}
	if err := json.Unmarshal(env.Response, out); err != nil {
		return &cloud.Error{Cloud: Name, Action: action, Status: resp.StatusCode, RequestID: env.RequestID, Message: "unreadable answer: " + err.Error()}
	}
	return nil
}
