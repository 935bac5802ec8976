package baiducloud

import (
	"net/http"
	"strings"

	"github.com/secgroup/terraform-provider-secgroup/internal/cloud"
)

const portHint = "Give port_range as \"22\" or \"80-443\" within 1-65535 for tcp and udp, and leave it out for other protocols"

// codes maps the error codes of the BCC RevokeSecurityGroupRule reference
// (revokeRule) and of the other rule calls to what they mean for a Terraform
// user.
var codes = map[string]cloud.Verdict{
	// The BCC RevokeSecurityGroupRule reference.
	"NoSuchObject":                       {Kind: cloud.KindGroupGone, Attribute: "security_group_id", Hint: "Check security_group_id and the baiducloud block's region: the group does not exist there"},
	"SecurityGroup.RuleNotExist":         {Kind: cloud.KindRuleGone},
	"SecurityGroup.RulePortOrderInvalid": {Kind: cloud.KindInvalid, Attribute: "port_range", Hint: portHint},
	"SecurityGroup.RulePortRangeInvalid": {Kind: cloud.KindInvalid, Attribute: "port_range", Hint: portHint},
	"SecurityGroup.RulePortInvalid":      {Kind: cloud.KindInvalid, Attribute: "port_range", Hint: portHint},

	// The other codes of the BCC authorize reference.
	"SecurityGroup.RuleCIDRAddressError": {Kind: cloud.KindInvalid, Attribute: "cidr", Hint: "Give an IPv4 or IPv6 CIDR block (host bits zero) or a bare address"},
	"SecurityGroup.RuleRemarkTooLong":    {Kind: cloud.KindInvalid, Attribute: "description", Hint: "Shorten description: BCC refuses it as too long (its documents give no length)"},
	// Past the 50 ingress or 50 egress rules of a group; BCC documents
	// the limit but no code for it (mockcloud's name).
	"SecurityGroup.RuleQuotaExceeded": {Kind: cloud.KindInvalid, Attribute: "security_group_id",
		Hint: "A BCC group holds at most 50 ingress and 50 egress rules: remove rules from it or use another group"},
	"VersionMismatch": {Kind: cloud.KindBusy, Attribute: "security_group_id",
		Hint: "The group was changed by someone else while Terraform changed it (sgVersion); Terraform read it again and retried until the timeout. Run the apply again once the other change is done"},

	// Common codes.
	"BadRequest":            {Kind: cloud.KindInvalid},
	"InappropriateJSON":     {Kind: cloud.KindInvalid},
	"InvalidAccessKeyId":    {Kind: cloud.KindAuth, Hint: "Check access_key in the provider's baiducloud block (or BAIDUCLOUD_ACCESS_KEY)"},
	"SignatureDoesNotMatch": {Kind: cloud.KindAuth, Hint: "Check secret_key in the provider's baiducloud block (or BAIDUCLOUD_SECRET_KEY)"},
	"InvalidHTTPAuthHeader": {Kind: cloud.KindAuth, Hint: "Check access_key and secret_key in the provider's baiducloud block"},
	"RequestExpired":        {Kind: cloud.KindAuth, Hint: "The request's time differs too much from Baidu's: check this machine's clock"},
	"AccessDenied":          {Kind: cloud.KindAuth, Hint: "The access key lacks the permission for this action"},
	"InternalError":         {Kind: cloud.KindTransient},
	"ServiceUnavailable":    {Kind: cloud.KindTransient},
}

// classify sorts a refusal by its code and status. A duplicate authorize
// is HTTP 409 whatever its code (the code is not documented).
func classify(_ cloud.Request, e *cloud.Error) {
	v, ok := codes[e.Code]
	switch {
	case e.Status == http.StatusConflict:
		v = cloud.Verdict{Kind: cloud.KindDuplicate}
	case ok:
	case cloud.RetriedStatus(e.Status) || strings.Contains(e.Code, "RateLimit"):
		v.Kind = cloud.KindTransient
	default:
		v.Kind = cloud.KindUnknown
	}
	v.Apply(e)
	e.Throttled = e.Status == http.StatusTooManyRequests || strings.Contains(e.Code, "RateLimit")
	if e.Code == "BadRequest" && strings.Contains(strings.ToLower(e.Message), "protocol") {
		e.Attribute, e.Hint = "protocol", "Use one of tcp, udp, icmp or all"
	}
}
