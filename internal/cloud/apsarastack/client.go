package apsarastack

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/secgroup/terraform-provider-secgroup/internal/cloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/signature/acs"
)

// Wire constants of the gateway route of the Apsara Stack RevokeSecurityGroup reference.
const (
	routePrefix = "/apsara/route/Ecs/"
	// ecsVersion is the ECS API the actions belong to, signed as Version.
	ecsVersion = "2014-05-26"
	// gatewayVersion is the body parameter "version" of the Apsara Stack
	// RevokeSecurityGroup reference (its sample).
	gatewayVersion = "2016-01-01"
)

// client sends ECS actions through an Apsara Stack gateway: POST
// /apsara/route/Ecs/{Action}, every parameter in a form body, signed with
// the ECS RPC signature (V1, HMAC-SHA1) over the parameters, with the
// gateway's context in headers. The secret itself never leaves the
// machine (the old apsarastack provider sent it as a parameter).
type client struct {
	endpoint                    string // scheme://host[:port]
	accessKey, secret           string
	region                      string
	organization, resourceGroup string
	http                        *http.Client
	now                         func() time.Time
	clock                       cloud.ServerClock
}

// defaultEndpoint is none (cloud.Cloud's DefaultEndpoint): every Apsara
// Stack has its own gateway.
func defaultEndpoint(map[string]string) string { return "" }

// newClient connects with resolved settings: access_key, secret_key,
// region, endpoint (the stack's gateway; there is no default) and the
// optional organization_id and resource_group_id.
func newClient(s map[string]string) (*client, error) {
	u, err := cloud.ParseEndpoint(s["endpoint"], defaultEndpoint(s))
	if err != nil {
		return nil, err
	}
	return &client{
		endpoint: u.String(), accessKey: s["access_key"], secret: s["secret_key"], region: s["region"],
		organization: s["organization_id"], resourceGroup: s["resource_group_id"],
		http: &http.Client{Timeout: 60 * time.Second, Transport: cloud.NewHTTPTransport()}, now: time.Now,
	}, nil
}

// call sends one action, the group as SecurityGroupId. out, if set,
// receives the JSON answer.
func (c *client) call(ctx context.Context, req cloud.Request, out any) error {
	action := req.Action
	p := map[string]string{
		"Action": action, "Format": "JSON", "Version": ecsVersion,
		"AccessKeyId": c.accessKey, "SignatureMethod": "HMAC-SHA1", "SignatureVersion": "1.0",
		"SignatureNonce": nonce(), "Timestamp": c.now().UTC().Format("2006-01-02T15:04:05Z"),
		// The Apsara Stack RevokeSecurityGroup reference lists the region
		// twice, as RegionId and regionId, and the gateway's version.
		"RegionId": c.region, "regionId": c.region, "version": gatewayVersion,
	}
	if req.Group != "" {
		p["SecurityGroupId"] = req.Group
	}
	for k, v := range req.Params {
		p[k] = v
	}
	p["Signature"] = acs.V1Sign(acs.V1StringToSign(http.MethodPost, p), c.secret)
	form := url.Values{}
	for k, v := range p {
		form.Set(k, v)
	}
	hreq, err := http.NewRequestWithContext(ctx, http.MethodPost, c.endpoint+routePrefix+action, strings.NewReader(form.Encode()))
	if err != nil {
		return err
	}
	hreq.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if c.organization != "" {
		hreq.Header.Set("x-acs-organizationid", c.organization)
	}
	if c.resourceGroup != "" {
		hreq.Header.Set("x-acs-resourcegroupid", c.resourceGroup)
	}
	hreq.Header.Set("x-acs-regionid", c.region)
	hreq.Header.Set("x-ascm-product-name", "Ecs")
	hreq.Header.Set("x-acs-asapi-product", "Ecs")

	reply, err := cloud.Send(c.http, hreq, Name, action)
	if err != nil {
		// The body holds the signature, never the secret; the URL only
		// the action.
		return err
	}
	// The cloud's time, for ephemeral rules' expiry (cloud.ServerClock).
	c.clock.Observe(reply.Header.Get("Date"))
	if e := refusal(action, reply.Status, reply.Body); e != nil {
		classify(req, e)
		e.RetryAfter = cloud.ParseRetryAfter(reply.Header, c.now())
		return e
	}
	if out != nil {
		// Numbers stay exact (account ids) for the loose reads.
		dec := json.NewDecoder(bytes.NewReader(reply.Body))
		dec.UseNumber()
		if err := dec.Decode(out); err != nil {
			return &cloud.Error{Cloud: Name, Action: action, Status: reply.Status, Message: "unreadable answer: " + err.Error()}
		}
	}
	return nil
}

func nonce() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
