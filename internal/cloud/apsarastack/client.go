package apsarastack

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/secgroup/terraform-provider-secgroup/internal/cloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/signature/acs"
)

// Wire constants of the gateway route of vendor doc 003.
const (
	routePrefix = "/apsara/route/Ecs/"
	// ecsVersion is the ECS API the actions belong to, signed as Version.
	ecsVersion = "2014-05-26"
	// gatewayVersion is doc 003's body parameter "version" (its sample).
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
}

// call sends one action. out, if set, receives the JSON answer.
func (c *client) call(ctx context.Context, action, direction string, params map[string]string, out any) error {
	p := map[string]string{
		"Action": action, "Format": "JSON", "Version": ecsVersion,
		"AccessKeyId": c.accessKey, "SignatureMethod": "HMAC-SHA1", "SignatureVersion": "1.0",
		"SignatureNonce": nonce(), "Timestamp": c.now().UTC().Format("2006-01-02T15:04:05Z"),
		// Doc 003 lists the region twice, as RegionId and regionId, and
		// the gateway's version.
		"RegionId": c.region, "regionId": c.region, "version": gatewayVersion,
	}
	for k, v := range params {
		p[k] = v
	}
	p["Signature"] = acs.V1Sign(acs.V1StringToSign(http.MethodPost, p), c.secret)
	form := url.Values{}
	for k, v := range p {
		form.Set(k, v)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.endpoint+routePrefix+action, strings.NewReader(form.Encode()))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if c.organization != "" {
		req.Header.Set("x-acs-organizationid", c.organization)
	}
	if c.resourceGroup != "" {
		req.Header.Set("x-acs-resourcegroupid", c.resourceGroup)
	}
	req.Header.Set("x-acs-regionid", c.region)
	req.Header.Set("x-ascm-product-name", "Ecs")
	req.Header.Set("x-acs-asapi-product", "Ecs")

	resp, err := c.http.Do(req)
	if err != nil {
		// The body holds the signature, never the secret; the URL only
		// the action.
		return cloud.NoAnswer(Name, action, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 32<<20))
	if err != nil {
		return &cloud.Error{Cloud: Name, Action: action, Kind: cloud.KindTransient, Status: resp.StatusCode, Err: err}
	}
	if e := failure(action, direction, resp.StatusCode, raw); e != nil {
		e.RetryAfter = cloud.ParseRetryAfter(resp.Header, c.now())
		return e
	}
	if out != nil {
		// Numbers stay exact (account ids) for the loose reads.
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.UseNumber()
		if err := dec.Decode(out); err != nil {
			return &cloud.Error{Cloud: Name, Action: action, Status: resp.StatusCode, Message: "unreadable answer: " + err.Error()}
		}
	}
	return nil
}

// answer is every shape an answer may take: success ({"RequestID"}, or
// ECS's {"RequestId"}), ECS's failure {RequestId, Code, Message}, the
// gateway's failure {resultCode, resultMsg, result}, and both at once with
// ASAPI's own fields (asapiSuccess, asapiErrorCode, asapiErrorMessage), as
// gateways that pass ECS's answer through send it.
type answer struct {
	RequestID         string          `json:"RequestID"`
	RequestId         string          `json:"RequestId"` //nolint:revive // ECS's spelling
	Code              string          `json:"Code"`
	Message           string          `json:"Message"`
	ResultCode        json.RawMessage `json:"resultCode"`
	ResultMsg         string          `json:"resultMsg"`
	AsapiSuccess      *bool           `json:"asapiSuccess"`
	AsapiErrorCode    string          `json:"asapiErrorCode"`
	AsapiErrorMessage string          `json:"asapiErrorMessage"`
}

// failure reads an answer and returns the classified error it carries, or
// nil for a success. An answer fails when its HTTP status does, when the
// gateway's resultCode is set and not a success value, or when
// asapiSuccess is false, whatever the HTTP status. The error is classified
// by the ECS code wherever the answer has one (Code, asapiErrorCode, or
// the code leading resultMsg, in that order); only an answer without any
// code is the gateway's own refusal.
func failure(action, direction string, status int, raw []byte) *cloud.Error {
	var a answer
	parsed := json.Unmarshal(raw, &a) == nil
	hasResultCode := len(a.ResultCode) > 0 && !bytes.Equal(a.ResultCode, []byte("null"))
	gatewayFailed := parsed && (hasResultCode && !successCode(a.ResultCode) || a.AsapiSuccess != nil && !*a.AsapiSuccess)
	if !gatewayFailed && status >= 200 && status < 300 {
		return nil
	}
	e := &cloud.Error{Cloud: Name, Action: action, Status: status, RequestID: firstOf(a.RequestId, a.RequestID)}
	e.Code, e.Message = ecsCode(a)
	gatewayOnly := e.Code == "" && gatewayFailed
	switch {
	case e.Code != "":
	case gatewayOnly && hasResultCode:
		e.Code, e.Message = "resultCode "+string(a.ResultCode), firstOf(a.ResultMsg, a.AsapiErrorMessage)
	case gatewayOnly:
		e.Code, e.Message = "asapiSuccess false", firstOf(a.ResultMsg, a.AsapiErrorMessage)
	default:
		e.Message = strings.TrimSpace(http.StatusText(status) + " " + cloud.Excerpt(raw))
	}
	classify(e, direction)
	if gatewayOnly && e.Kind == cloud.KindUnknown {
		e.Hint = gatewayHint
	}
	return e
}

// ecsCode is the ECS error code an answer carries, with its message: ECS's
// Code, else ASAPI's asapiErrorCode, else a code leading resultMsg
// ("InvalidSecurityGroupId.NotFound: ..."). The message is the first one
// the answer gives.
func ecsCode(a answer) (code, message string) {
	message = firstOf(a.Message, a.AsapiErrorMessage, a.ResultMsg)
	switch {
	case a.Code != "":
		return a.Code, message
	case a.AsapiErrorCode != "":
		return a.AsapiErrorCode, message
	}
	if c, msg, ok := strings.Cut(a.ResultMsg, ": "); ok && isCode(c) {
		return c, firstOf(a.Message, a.AsapiErrorMessage, msg)
	}
	return "", ""
}

// isCode tells an error code ("Throttling.User", "InternalError") from
// the first words of a sentence.
func isCode(s string) bool {
	return s != "" && !strings.ContainsAny(s, " \t") && s[0] >= 'A' && s[0] <= 'Z'
}

func firstOf(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}

func successCode(c json.RawMessage) bool {
	s := strings.Trim(string(c), `"`)
	return s == "0" || s == "200"
}

func nonce() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
