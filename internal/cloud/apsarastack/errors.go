package apsarastack

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/secgroup/terraform-provider-secgroup/internal/cloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/cloud/alibaba"
)

// codes are the error codes whose meaning names the apsarastack block's
// settings; every rule-level code is ECS's (alibaba.Codes).
var codes = alibaba.SettingCodes("apsarastack", "APSARASTACK_ACCESS_KEY", "APSARASTACK_SECRET_KEY", "APSARASTACK_REGION", map[string]cloud.Verdict{
	"NoPermission": {Kind: cloud.KindAuth, Hint: "The AccessKey lacks the permission for this action, or organization_id/resource_group_id name a scope it cannot use"},
})

// gatewayHint is for gateway failures that carry no ECS code.
const gatewayHint = "The Apsara Stack gateway refused the call: check endpoint, organization_id and resource_group_id in the apsarastack block"

// answer is every shape an answer may take: success ({"RequestID"}, or
// ECS's {"RequestId"}), ECS's failure {RequestId, Code, Message}, the
// gateway's failure {resultCode, resultMsg, result}, and both at once with
// ASAPI's own fields (asapiSuccess, asapiErrorCode, asapiErrorMessage), as
// gateways that pass ECS's answer through send it.
type answer struct {
	RequestID         string          `json:"RequestID"`
	RequestId         string          `json:"RequestId"` // ECS's spelling
	Code              string          `json:"Code"`
	Message           string          `json:"Message"`
	ResultCode        json.RawMessage `json:"resultCode"`
	ResultMsg         string          `json:"resultMsg"`
	AsapiSuccess      *bool           `json:"asapiSuccess"`
	AsapiErrorCode    string          `json:"asapiErrorCode"`
	AsapiErrorMessage string          `json:"asapiErrorMessage"`
}

// Codes the gateway's own refusals are read as: they carry no ECS code.
const (
	gatewayResultCode = "resultCode "
	gatewayAsapiFalse = "asapiSuccess false"
)

// refusal reads an answer and returns the refusal it carries, not yet
// classified, or nil for a success. An answer fails when its HTTP status
// does, when the gateway's resultCode is set and not a success value, or
// when asapiSuccess is false, whatever the HTTP status. Its code is the
// ECS code wherever the answer has one (Code, asapiErrorCode, or the code
// leading resultMsg, in that order); only an answer without any code is
// the gateway's own refusal, whose code says so (gatewayResultCode,
// gatewayAsapiFalse).
func refusal(action string, status int, raw []byte) *cloud.Error {
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
		e.Code, e.Message = gatewayResultCode+string(a.ResultCode), firstOf(a.ResultMsg, a.AsapiErrorMessage)
	case gatewayOnly:
		e.Code, e.Message = gatewayAsapiFalse, firstOf(a.ResultMsg, a.AsapiErrorMessage)
	default:
		e.Message = strings.TrimSpace(http.StatusText(status) + " " + cloud.Excerpt(raw))
	}
	// Every shape may carry the gateway's string to sign.
	e.Message = alibaba.ShortMessage(e.Message)
	return e
}

// classify sorts a refusal by its ECS code (the request's direction says
// which side of the rule the source/destination codes refer to), and the
// gateway's own refusals by what they say.
func classify(req cloud.Request, e *cloud.Error) {
	alibaba.Classify(e, req.Direction, codes)
	gatewayOnly := strings.HasPrefix(e.Code, gatewayResultCode) || e.Code == gatewayAsapiFalse
	switch {
	case gatewayOnly && strings.EqualFold(strings.TrimSpace(e.Message), "system error"):
		// The failure example of the Apsara Stack RevokeSecurityGroup
		// reference, {"resultCode":-1,"resultMsg":"system error"}: a
		// server error, whatever the HTTP status, so retried.
		e.Kind = cloud.KindTransient
	case gatewayOnly && e.Kind == cloud.KindUnknown:
		e.Hint = gatewayHint
	}
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
