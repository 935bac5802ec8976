package baiducloud

import (
	"errors"
	"net/http"
	"strings"

	"github.com/baidubce/bce-sdk-go/bce"

	"github.com/secgroup/terraform-provider-secgroup/internal/cloud"
)

// verdict is how one BCC error code ends.
type verdict struct {
	kind      cloud.Kind
	attribute string
	hint      string
}

const portHint = "Give port_range as \"22\" or \"80-443\" within 1-65535 for tcp and udp, and leave it out for other protocols"

// codes maps the error codes of vendor doc 002 (revokeRule) and of the
// other rule calls to what they mean for a Terraform user.
var codes = map[string]verdict{
	// Doc 002.
	"NoSuchObject":                       {kind: cloud.KindGroupGone, attribute: "security_group_id", hint: "Check security_group_id and the baiducloud block's region: the group does not exist there"},
	"SecurityGroup.RuleNotExist":         {kind: cloud.KindRuleGone},
	"SecurityGroup.RulePortOrderInvalid": {kind: cloud.KindInvalid, attribute: "port_range", hint: portHint},
	"SecurityGroup.RulePortRangeInvalid": {kind: cloud.KindInvalid, attribute: "port_range", hint: portHint},
	"SecurityGroup.RulePortInvalid":      {kind: cloud.KindInvalid, attribute: "port_range", hint: portHint},
	"VersionMismatch": {kind: cloud.KindBusy, attribute: "security_group_id",
		hint: "The group was changed by someone else while Terraform changed it (sgVersion); Terraform read it again and retried until the timeout. Run the apply again once the other change is done"},

	// Common codes.
	"BadRequest":            {kind: cloud.KindInvalid},
	"InappropriateJSON":     {kind: cloud.KindInvalid},
	"InvalidAccessKeyId":    {kind: cloud.KindAuth, hint: "Check access_key in the provider's baiducloud block (or BAIDUCLOUD_ACCESS_KEY)"},
	"SignatureDoesNotMatch": {kind: cloud.KindAuth, hint: "Check secret_key in the provider's baiducloud block (or BAIDUCLOUD_SECRET_KEY)"},
	"InvalidHTTPAuthHeader": {kind: cloud.KindAuth, hint: "Check access_key and secret_key in the provider's baiducloud block"},
	"RequestExpired":        {kind: cloud.KindAuth, hint: "The request's time differs too much from Baidu's: check this machine's clock"},
	"AccessDenied":          {kind: cloud.KindAuth, hint: "The access key lacks the permission for this action"},
	"InternalError":         {kind: cloud.KindTransient},
	"ServiceUnavailable":    {kind: cloud.KindTransient},
}

// classify turns an SDK error into a *cloud.Error. A duplicate authorize is
// HTTP 409 whatever its code (the code is not documented).
func classify(action string, err error) error {
	e := &cloud.Error{Cloud: Name, Action: action}
	var server *bce.BceServiceError
	if !errors.As(err, &server) {
		return cloud.NoAnswer(Name, action, err)
	}
	e.Code, e.Message, e.RequestID, e.Status = server.Code, server.Message, server.RequestId, server.StatusCode
	v, ok := codes[e.Code]
	switch {
	case server.StatusCode == http.StatusConflict:
		v = verdict{kind: cloud.KindDuplicate}
	case ok:
	case server.StatusCode == http.StatusTooManyRequests || server.StatusCode >= 500 || strings.Contains(e.Code, "RateLimit"):
		v.kind = cloud.KindTransient
	default:
		v.kind = cloud.KindUnknown
	}
	e.Kind, e.Attribute, e.Hint = v.kind, v.attribute, v.hint
	if e.Code == "BadRequest" && strings.Contains(strings.ToLower(e.Message), "protocol") {
		e.Attribute, e.Hint = "protocol", "Use one of tcp, udp, icmp or all"
	}
	return e
}
