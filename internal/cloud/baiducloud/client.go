package baiducloud

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"github.com/baidubce/bce-sdk-go/auth"
	"github.com/baidubce/bce-sdk-go/bce"

	"github.com/secgroup/terraform-provider-secgroup/internal/cloud"
)

// client sends BCC's rule calls through the SDK's client, which signs
// them (bce-auth-v1).
type client struct {
	bce   *bce.BceClient
	clock cloud.ServerClock
}

// defaultEndpoint is the region's BCC endpoint (cloud.Cloud's
// DefaultEndpoint).
func defaultEndpoint(s map[string]string) string {
	return "https://bcc." + s["region"] + ".baidubce.com"
}

// newClient connects with resolved settings: access_key, secret_key,
// region and optionally endpoint (default https://bcc.<region>.baidubce.com).
func newClient(s map[string]string) (*client, error) {
	u, err := cloud.ParseEndpoint(s["endpoint"], defaultEndpoint(s))
	if err != nil {
		return nil, err
	}
	creds, err := auth.NewBceCredentials(s["access_key"], s["secret_key"])
	if err != nil {
		return nil, err
	}
	timeout := 60 * time.Second
	conf := &bce.BceClientConfiguration{
		Endpoint:    u.String(),
		Region:      s["region"],
		UserAgent:   "terraform-provider-secgroup",
		Credentials: creds,
		SignOption:  &auth.SignOptions{HeadersToSign: auth.DEFAULT_HEADERS_TO_SIGN, ExpireSeconds: auth.DEFAULT_EXPIRE_SECONDS},
		// Retries are ours (engine.Retry, bounded by the resource's
		// timeouts).
		Retry:                     bce.NewNoRetryPolicy(),
		ConnectionTimeoutInMillis: int(timeout.Milliseconds()),
		HTTPClientTimeout:         &timeout,
	}
	// The SDK's exclusive client keeps 500 idle connections per host
	// (its NewTransportCustom), more than cloud.IdleConnsPerHost.
	c, err := bce.NewBceClientWithExclusiveHTTPClient(conf, &auth.BceV1Signer{})
	if err != nil {
		return nil, err
	}
	return &client{bce: c}, nil
}

// methods are the HTTP methods of BCC's calls on /v2/securityGroup/{id},
// by action: the detail is read with GET, a rule written with PUT and its
// action (authorizeRule, revokeRule) as a query parameter.
var methods = map[string]string{"GetSecurityGroupDetail": http.MethodGet, "authorizeRule": http.MethodPut, "revokeRule": http.MethodPut}

// call builds a request on the group's path with the SDK's request
// builder (the SDK's helpers cannot send sgVersion, nor a clientToken on
// revoke) and sends it through the SDK's client; out, if set, receives the
// JSON answer.
func (c *client) call(ctx context.Context, r cloud.Request, out any) error {
	req := &bce.BceRequest{}
	req.SetUri("/v2/securityGroup/" + r.Group)
	req.SetMethod(methods[r.Action])
	req.SetContext(ctx)
	for k, v := range r.Params {
		req.SetParam(k, v)
	}
	if r.Body != nil {
		raw, err := json.Marshal(r.Body)
		if err != nil {
			return err
		}
		payload, err := bce.NewBodyFromBytes(raw)
		if err != nil {
			return err
		}
		req.SetBody(payload)
	}
	resp := &bce.BceResponse{}
	if err := c.bce.SendRequest(req, resp); err != nil {
		var server *bce.BceServiceError
		if !errors.As(err, &server) {
			return cloud.NoAnswer(Name, r.Action, err)
		}
		e := &cloud.Error{Cloud: Name, Action: r.Action, Code: server.Code, Message: server.Message, RequestID: server.RequestId, Status: server.StatusCode}
		classify(r, e)
		return e
	}
	defer resp.Body().Close()
	// The cloud's time, for ephemeral rules' expiry (cloud.ServerClock).
	c.clock.Observe(resp.Header("Date"))
	if out != nil {
		if err := resp.ParseJsonBody(out); err != nil {
			return &cloud.Error{Cloud: Name, Action: r.Action, Status: resp.StatusCode(), RequestID: resp.RequestId(), Message: "unreadable answer: " + err.Error()}
		}
	}
	return nil
}
