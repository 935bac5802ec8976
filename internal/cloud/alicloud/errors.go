package alicloud

import (
	"errors"
	"fmt"
	"net/url"
	"strings"

	sdkerrors "github.com/aliyun/alibaba-cloud-sdk-go/sdk/errors"

	"github.com/secgroup/terraform-provider-secgroup/internal/cloud"
)

// verdict is how one ECS error code ends.
type verdict struct {
	kind      cloud.Kind
	attribute string
	hint      string
}

// codes maps the error codes of vendor doc 001 (RevokeSecurityGroup), of
// the 2024-07-08 revoke change and of the other rule calls to what they
// mean for a Terraform user. A code's attribute is the one to fix.
var codes = map[string]verdict{
	// The rule is gone: doc 001's code, the 2024-07-08 codes, and the
	// codes ECS answers for unknown rule ids.
	"InvalidGroupAuthItem.NotFound":         {kind: cloud.KindRuleGone},
	"InvalidSecurityGroupRule.RuleNotExist": {kind: cloud.KindRuleGone},
	"InvalidParam.SecurityGroupRuleId":      {kind: cloud.KindRuleGone},
	"InvalidSecurityGroupRuleId.NotFound":   {kind: cloud.KindRuleGone},
	"SecurityGroupRule.NotFound":            {kind: cloud.KindRuleGone},
	"InvalidSecurityGroupId.NotFound":       {kind: cloud.KindGroupGone, attribute: "security_group_id", hint: "Check security_group_id and the alicloud block's region: the group does not exist there"},

	"InvalidRegionId.NotFound":            {kind: cloud.KindInvalid, hint: "Set region in the provider's alicloud block (or ALICLOUD_REGION) to an existing region such as cn-hangzhou"},
	"InvalidIpPortRange.Malformed":        {kind: cloud.KindInvalid, attribute: "port_range", hint: "Give port_range as \"22\" or \"1-200\" within 1-65535 for tcp and udp, and leave it out for other protocols"},
	"InvalidParam.PortRange":              {kind: cloud.KindInvalid, attribute: "port_range", hint: "Give port_range as \"22\" or \"1-200\" within 1-65535 for tcp and udp, and leave it out for other protocols"},
	"InvalidSourcePortRange.Malformed":    {kind: cloud.KindInvalid, attribute: "source_port_range", hint: "Give source_port_range as \"22\" or \"1-200\" within 1-65535"},
	"InvalidIpProtocol.ValueNotSupported": {kind: cloud.KindInvalid, attribute: "protocol", hint: "Use one of tcp, udp, icmp, icmpv6, gre or all"},
	"InvalidNicType.ValueNotSupported":    {kind: cloud.KindInvalid, attribute: "nic_type", hint: "Use intranet (the only type of VPC groups) or internet (classic network)"},
	"InvalidNicType.Mismatch":             {kind: cloud.KindInvalid, attribute: "nic_type", hint: "The rule in the cloud has another NIC type: set nic_type to it (terraform plan -refresh-only shows it), or leave nic_type out"},
	"InvalidPolicy.Malformed":             {kind: cloud.KindInvalid, attribute: "policy", hint: "Use accept or drop"},
	"InvalidPriority.Malformed":           {kind: cloud.KindInvalid, attribute: "priority", hint: "Use a priority from 1 to 100"},
	"InvalidSourceCidrIp.Malformed":       {kind: cloud.KindInvalid, attribute: "cidr", hint: "Give an IPv4 or IPv6 CIDR block such as 10.0.0.0/8"},
	"InvalidDestCidrIp.Malformed":         {kind: cloud.KindInvalid, attribute: "cidr", hint: "Give an IPv4 or IPv6 CIDR block such as 10.0.0.0/8"},
	"InvalidIpv6SourceCidrIp.Malformed":   {kind: cloud.KindInvalid, attribute: "cidr", hint: "Give an IPv6 CIDR block such as 2001:db8::/32"},
	"InvalidIpv6DestCidrIp.Malformed":     {kind: cloud.KindInvalid, attribute: "cidr", hint: "Give an IPv6 CIDR block such as 2001:db8::/32"},
	"InvalidSourceGroupId.Mismatch":       {kind: cloud.KindInvalid, attribute: "peer_security_group_id", hint: "The peer group must be in the same VPC as security_group_id; for a group of another account also set peer_group_owner_account or peer_group_owner_id"},
	"InvalidDestGroupId.Mismatch":         {kind: cloud.KindInvalid, attribute: "peer_security_group_id", hint: "The peer group must be in the same VPC as security_group_id; for a group of another account also set peer_group_owner_account or peer_group_owner_id"},
	"InvalidSourceGroupId.NotFound":       {kind: cloud.KindInvalid, attribute: "peer_security_group_id", hint: "The peer group does not exist in this region; check peer_security_group_id"},
	"InvalidDestGroupId.NotFound":         {kind: cloud.KindInvalid, attribute: "peer_security_group_id", hint: "The peer group does not exist in this region; check peer_security_group_id"},
	"MissingParameter":                    {kind: cloud.KindInvalid, attribute: "cidr", hint: "Set exactly one of cidr, peer_security_group_id and prefix_list_id"},
	"AuthorizationLimitExceed":            {kind: cloud.KindInvalid, attribute: "security_group_id", hint: "The group has reached its rule quota: remove rules from it or use another group"},
	"IdempotentParameterMismatch":         {kind: cloud.KindInvalid, hint: "A retry reused a client token with different parameters; run the apply again"},

	"InvalidAccessKeyId.NotFound":  {kind: cloud.KindAuth, hint: "Check access_key in the provider's alicloud block (or ALICLOUD_ACCESS_KEY)"},
	"InvalidAccessKeyId.Inactive":  {kind: cloud.KindAuth, hint: "The AccessKey is disabled; enable it or use another one"},
	"SignatureDoesNotMatch":        {kind: cloud.KindAuth, hint: "Check secret_key in the provider's alicloud block (or ALICLOUD_SECRET_KEY)"},
	"IncompleteSignature":          {kind: cloud.KindAuth, hint: "Check secret_key in the provider's alicloud block (or ALICLOUD_SECRET_KEY)"},
	"InvalidTimeStamp.Expired":     {kind: cloud.KindAuth, hint: "The request's time differs from the cloud's by more than 15 minutes: check this machine's clock"},
	"Forbidden.RAM":                {kind: cloud.KindAuth, hint: "The AccessKey lacks the RAM permission for this action"},
	"NoPermission":                 {kind: cloud.KindAuth, hint: "The AccessKey lacks the permission for this action"},
	"InvalidOperation.NotAllowed":  {kind: cloud.KindInvalid},
	"ServiceUnavailable":           {kind: cloud.KindTransient},
	"InternalError":                {kind: cloud.KindTransient},
	"OperationConflict":            {kind: cloud.KindTransient},
	"LastTokenProcessing":          {kind: cloud.KindTransient},
	"IncorrectSecurityGroupStatus": {kind: cloud.KindBusy},
}

// classify turns an SDK error into a *cloud.Error. direction says which
// side of the rule the source/destination codes refer to.
func classify(action string, err error, direction string) error {
	if err == nil {
		return nil
	}
	e := &cloud.Error{Cloud: Name, Action: action}
	var server *sdkerrors.ServerError
	if !errors.As(err, &server) {
		// No answer from ECS: refused or dropped connections, timeouts.
		e.Kind, e.Err = cloud.KindTransient, scrubURL(err)
		return e
	}
	e.Code, e.Message, e.RequestID, e.Status = server.ErrorCode(), firstLine(server.Message()), server.RequestId(), server.HttpStatus()
	v, ok := codes[e.Code]
	switch {
	case ok:
	case strings.HasPrefix(e.Code, "Throttling"):
		v.kind = cloud.KindTransient
	case e.Status >= 500:
		v.kind = cloud.KindTransient
	case strings.HasPrefix(e.Code, "Forbidden"):
		v.kind = cloud.KindAuth
	default:
		v.kind = cloud.KindUnknown
	}
	e.Kind, e.Attribute, e.Hint = v.kind, v.attribute, v.hint
	// A revoke naming a peer group that no longer exists cannot match a
	// rule: ECS deletes rules that reference a deleted group.
	if strings.HasPrefix(action, "Revoke") && strings.HasSuffix(e.Code, "GroupId.NotFound") && e.Code != "InvalidSecurityGroupId.NotFound" {
		e.Kind = cloud.KindRuleGone
	}
	// The CIDR codes name the local side when they refer to it.
	if (direction == "ingress" && strings.Contains(e.Code, "Dest") || direction == "egress" && strings.Contains(e.Code, "Source")) &&
		strings.Contains(e.Code, "CidrIp") {
		e.Attribute = "local_cidr"
	}
	return e
}

// scrubURL drops the query string from a transport error: ECS puts the
// access key id and signature there, and errors end up in diagnostics.
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

// firstLine keeps messages short: SignatureDoesNotMatch carries the
// server's whole string to sign, which only helps SDK developers.
func firstLine(s string) string {
	if i := strings.Index(s, " server string to sign is:"); i >= 0 {
		s = s[:i]
	}
	return strings.TrimSpace(s)
}
