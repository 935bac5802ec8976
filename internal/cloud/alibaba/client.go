package alibaba

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/auth/credentials"
	sdkerrors "github.com/aliyun/alibaba-cloud-sdk-go/sdk/errors"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"

	"github.com/secgroup/terraform-provider-secgroup/internal/cloud"
)

// RPC is a client of one Alibaba RPC API (ECS 2014-05-26, ENS 2017-11-10)
// through the SDK's core (github.com/aliyun/alibaba-cloud-sdk-go/sdk): its
// V1 signature, endpoint resolution and transport, with every action a
// CommonRequest. Retries are ours (engine.Retry, bounded by the resource's
// timeouts), so the SDK's own are off.
//
// The SDK's client is not safe for concurrent calls: each call writes its
// timeouts into the client's http.Client and transport
// (sdk.Client.setTimeout). So a call takes a client no other call holds,
// from a free list that grows to the calls in flight at once; each client
// keeps its own connections.
type RPC struct {
	cloud                    string
	product, version, region string
	scheme, domain           string

	connect func() (*sdk.Client, error)
	mu      sync.Mutex
	idle    []*sdk.Client
	// Clock is the cloud's time as its answers tell it.
	Clock cloud.ServerClock
}

// API names an Alibaba RPC API.
type API struct {
	// Cloud is the cloud's name in HCL, which its errors carry.
	Cloud            string
	Product, Version string
	// Region goes out as RegionId with every call, when set.
	Region string
	// DefaultEndpoint is the API's endpoint when the settings give none
	// (the cloud's cloud.Cloud.DefaultEndpoint; RegionalEndpoint for a
	// regional API): every call names it, so the SDK resolves none.
	DefaultEndpoint string
}

// RegionalEndpoint is a regional API's public endpoint over HTTPS as the
// vendor's SDK resolves it (sdk.Client's regional endpoint type, public
// network): the product's table (services/<product>.GetEndpointMap), else
// <product>.<region>.aliyuncs.com.
func RegionalEndpoint(product, region string, table map[string]string) string {
	host := table[region]
	if host == "" {
		host = strings.ToLower(product) + "." + region + ".aliyuncs.com"
	}
	return "https://" + host
}

// NewRPC connects with resolved settings: access_key, secret_key and
// optionally endpoint (scheme://host[:port], or a bare host for HTTPS).
func NewRPC(api API, s map[string]string) (*RPC, error) {
	u, err := cloud.ParseEndpoint(s["endpoint"], api.DefaultEndpoint)
	if err != nil {
		return nil, err
	}
	rpc := &RPC{cloud: api.Cloud, product: api.Product, version: api.Version, region: api.Region, scheme: u.Scheme, domain: u.Host}
	rpc.connect = func() (*sdk.Client, error) {
		// The SDK's own transport would be Go's bare one, keeping 2 idle
		// connections.
		config := sdk.NewConfig().WithAutoRetry(false).WithScheme(strings.ToUpper(u.Scheme)).WithHttpTransport(cloud.NewHTTPTransport())
		client, err := sdk.NewClientWithOptions(api.Region, config, credentials.NewAccessKeyCredential(s["access_key"], s["secret_key"]))
		if err != nil {
			return nil, err
		}
		client.SetConnectTimeout(10 * time.Second)
		client.SetReadTimeout(60 * time.Second)
		return client, nil
	}
	first, err := rpc.connect()
	if err != nil {
		return nil, err
	}
	rpc.idle = []*sdk.Client{first}
	return rpc, nil
}

// take returns a client no other call holds; put gives it back.
func (c *RPC) take() (*sdk.Client, error) {
	c.mu.Lock()
	if n := len(c.idle); n > 0 {
		client := c.idle[n-1]
		c.idle = c.idle[:n-1]
		c.mu.Unlock()
		return client, nil
	}
	c.mu.Unlock()
	return c.connect()
}

func (c *RPC) put(client *sdk.Client) {
	c.mu.Lock()
	c.idle = append(c.idle, client)
	c.mu.Unlock()
}

// Call sends one action with its parameters in the query string, as the
// SDK's typed requests do, and the group as SecurityGroupId; out, if set,
// receives the JSON answer. A failure comes back as a *cloud.Error: a
// refusal sorted by the cloud's classify, a call without an answer
// transient.
func (c *RPC) Call(ctx context.Context, req cloud.Request, out any, classify func(cloud.Request, *cloud.Error)) error {
	return Failure(c.cloud, req, c.send(ctx, req, out), classify)
}

// Failure turns an error of the SDK into a *cloud.Error of the named
// cloud (nil stays nil): a refusal with the vendor's code, message,
// request id and status, sorted by classify; a call without an answer
// transient, without the signed URL.
func Failure(cloudName string, req cloud.Request, err error, classify func(cloud.Request, *cloud.Error)) error {
	if err == nil {
		return nil
	}
	e, refused := fromSDK(cloudName, req.Action, err)
	if refused {
		classify(req, e)
	}
	return e
}

// send is Call without the reading of its errors.
func (c *RPC) send(ctx context.Context, r cloud.Request, out any) error {
	req := requests.NewCommonRequest()
	req.Method, req.Scheme, req.Domain = requests.POST, c.scheme, c.domain
	req.Product, req.Version, req.ApiName = c.product, c.version, r.Action
	req.SetReadTimeout(requestTimeout(ctx))
	if c.region != "" {
		req.QueryParams["RegionId"] = c.region
	}
	if r.Group != "" {
		req.QueryParams["SecurityGroupId"] = r.Group
	}
	for k, v := range r.Params {
		req.QueryParams[k] = v
	}
	client, err := c.take()
	if err != nil {
		return err
	}
	resp, err := client.ProcessCommonRequest(req)
	c.put(client)
	if err != nil {
		return err
	}
	if dates := resp.GetHttpHeaders()["Date"]; len(dates) > 0 {
		// The cloud's time, for ephemeral rules' expiry.
		c.Clock.Observe(dates[0])
	}
	if out == nil {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(resp.GetHttpContentBytes()))
	dec.UseNumber()
	if err := dec.Decode(out); err != nil {
		return fmt.Errorf("%w to %s: %w", errUnreadable, r.Action, err)
	}
	return nil
}

// errUnreadable is an answer that came but does not parse.
var errUnreadable = errors.New("unreadable answer")

// requestTimeout bounds a request of the SDK (which takes no context) by
// the context's deadline.
func requestTimeout(ctx context.Context) time.Duration {
	if d, ok := ctx.Deadline(); ok {
		return max(time.Second, min(60*time.Second, time.Until(d)))
	}
	return 60 * time.Second
}

// fromSDK turns an error of the Alibaba SDK into a *cloud.Error of the
// named cloud: with the vendor's code, message, request id and status
// when the cloud answered (refused is true; the caller classifies the
// code), or a transient error without the signed URL when it did not.
func fromSDK(cloudName, action string, err error) (e *cloud.Error, refused bool) {
	e = &cloud.Error{Cloud: cloudName, Action: action}
	var server *sdkerrors.ServerError
	if !errors.As(err, &server) {
		if errors.Is(err, errUnreadable) {
			e.Message = err.Error()
			return e, false
		}
		return cloud.NoAnswer(cloudName, action, scrubURL(err)), false
	}
	e.Code, e.Message, e.RequestID, e.Status = server.ErrorCode(), ShortMessage(server.Message()), server.RequestId(), server.HttpStatus()
	return e, true
}

// scrubURL drops the query string from a transport error: the RPC APIs put
// the access key id and signature there, and errors end up in diagnostics.
func scrubURL(err error) error {
	var u *url.Error
	if !errors.As(err, &u) {
		return err
	}
	target := u.URL
	if parsed, perr := url.Parse(u.URL); perr == nil {
		target = parsed.Scheme + "://" + parsed.Host + parsed.Path
	}
	return fmt.Errorf("%s %s: %w", u.Op, target, u.Err)
}

// ShortMessage keeps an error message to what a user needs: the
// SignatureDoesNotMatch of the Alibaba family carries the server's whole
// string to sign, which holds the access key id, the nonce and the
// timestamp, and only helps SDK developers.
func ShortMessage(s string) string {
	if i := strings.Index(s, " server string to sign is:"); i >= 0 {
		s = s[:i]
	}
	return strings.TrimSpace(s)
}
