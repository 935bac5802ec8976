package zenlayer

import (
	"net/http"
	"strings"

	"github.com/secgroup/terraform-provider-secgroup/internal/cloud"
)

const credentialsHint = "Check access_key and secret_key in the provider's zenlayer block (or ZENLAYERCLOUD_ACCESS_KEY_ID and ZENLAYERCLOUD_ACCESS_KEY_PASSWORD)"

// codes maps the error codes of the Zenlayer RevokeSecurityGroupRules reference,
// of the other rule calls and the common codes the vendor's SDK and
// provider handle, to what they mean for a Terraform user.
var codes = map[string]cloud.Verdict{
	// The Zenlayer RevokeSecurityGroupRules reference.
	"INVALID_SECURITY_GROUP_RULE_NOT_FOUND": {Kind: cloud.KindRuleGone},
	"INVALID_SECURITY_GROUP_NOT_FOUND":      {Kind: cloud.KindGroupGone, Attribute: "security_group_id", Hint: "Check security_group_id: the group does not exist"},
	"OPERATION_DENIED_SECURITY_GROUP_STATUS_NOT_AVAILABLE": {Kind: cloud.KindBusy, Attribute: "security_group_id",
		Hint: "The group is not Available (it is still being created or changed); Terraform waited for it until the timeout. Try again later or raise the timeouts"},
	"OPERATION_DENIED_DEFAULT_SECURITY_GROUP_NOT_SUPPORT": {Kind: cloud.KindInvalid, Attribute: "security_group_id",
		Hint: "Zenlayer does not allow editing the rules of a default security group: use another group. To stop managing such a rule without deleting it, run terraform state rm"},

	// The other rule calls.
	"OPERATION_DENIED_SECURITY_GROUP_EXIST_REPEAT_RULE": {Kind: cloud.KindDuplicate},
	"OPERATION_DENIED_SECURITY_GROUP_RULE_EXCEED_LIMIT": {Kind: cloud.KindInvalid, Attribute: "security_group_id",
		Hint: "A Zenlayer group holds at most 20 ingress and 20 egress rules: remove rules from it or use another group"},
	"INVALID_PARAMETER_SECURITY_GROUP_POLICY":         {Kind: cloud.KindInvalid, Attribute: "policy", Hint: "Zenlayer creates accept rules only: leave policy out or set it to accept"},
	"INVALID_PARAMETER_SECURITY_GROUP_PORT_RANGE":     {Kind: cloud.KindInvalid, Attribute: "port_range", Hint: "Give port_range as \"22\" or \"1-200\" within 1-65535 for tcp and udp, and leave it out for other protocols"},
	"INVALID_PARAMETER_SECURITY_GROUP_PRIORITY":       {Kind: cloud.KindInvalid, Attribute: "priority", Hint: "Use a priority from 1 to 100"},
	"INVALID_PARAMETER_SECURITY_GROUP_SOURCE_CIDR_IP": {Kind: cloud.KindInvalid, Attribute: "cidr", Hint: "Give an IPv4 CIDR block such as 10.0.0.0/8 or an IPv4 address"},
	"INVALID_PARAMETER_SECURITY_GROUP_RULE_ID_NOT_ALLOW": {Kind: cloud.KindInvalid,
		Hint: "The request named a rule id, which Zenlayer does not accept; please report this to the provider's developers"},
	// The vendor's provider treats this generic code as "not found" on
	// revoke; for a rule call only the group or the rule can be missing.
	"OPERATION_FAILED_RESOURCE_NOT_FOUND": {Kind: cloud.KindGroupGone, Attribute: "security_group_id", Hint: "Check security_group_id: the group does not exist"},

	// Common codes.
	"REQUEST_LIMIT_EXCEEDED":        {Kind: cloud.KindTransient},
	"SERVICE_TEMPORARY_UNAVAILABLE": {Kind: cloud.KindTransient},
	"INTERNAL_SERVER_ERROR":         {Kind: cloud.KindTransient},
	"REQUEST_TIMED_OUT":             {Kind: cloud.KindTransient},
}

// classify sorts a refusal by its code and status. Zenlayer does not
// document its authentication codes, so they are recognised by status
// (401) and by name.
func classify(_ cloud.Request, e *cloud.Error) {
	status := e.Status
	v, ok := codes[e.Code]
	switch {
	case ok:
	case cloud.RetriedStatus(status):
		v.Kind = cloud.KindTransient
	case strings.Contains(e.Code, "TIMESTAMP") || strings.Contains(e.Code, "EXPIRED"):
		v = cloud.Verdict{Kind: cloud.KindAuth, Hint: "The request's time differs too much from Zenlayer's: check this machine's clock"}
	case status == http.StatusUnauthorized || containsAny(e.Code, "SIGNATURE", "ACCESS_KEY", "AUTH", "CREDENTIAL"):
		v = cloud.Verdict{Kind: cloud.KindAuth, Hint: credentialsHint}
	case containsAny(e.Code, "PERMISSION", "UNAUTHORIZED", "FORBIDDEN"):
		v = cloud.Verdict{Kind: cloud.KindAuth, Hint: "The access key lacks the permission for this action"}
	default:
		v.Kind = cloud.KindUnknown
	}
	v.Apply(e)
	e.Throttled = e.Code == "REQUEST_LIMIT_EXCEEDED" || status == http.StatusTooManyRequests
}

func containsAny(s string, parts ...string) bool {
	for _, p := range parts {
		if strings.Contains(s, p) {
			return true
		}
	}
	return false
}
