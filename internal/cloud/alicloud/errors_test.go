package alicloud

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/secgroup/terraform-provider-secgroup/internal/cloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/cloud/alibaba"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/store"
	"github.com/secgroup/terraform-provider-secgroup/internal/rule"

	sdkerrors "github.com/aliyun/alibaba-cloud-sdk-go/sdk/errors"
)

func serverError(status int, code string) error {
	return sdkerrors.NewServerError(status, `{"RequestId":"R1","HostId":"ecs.aliyuncs.com","Code":"`+code+`","Message":"m"}`, "")
}

// failure is the error call returns for an ingress action failing with err.
func failure(action string, err error) error {
	return alibaba.Failure(Name, cloud.Request{Action: action, Direction: "ingress"}, err, classify)
}

// How every error code of the ECS RevokeSecurityGroup reference, and of the
// July 8, 2024 revoke change, ends on Delete: success (gone) or a diagnostic
// on the attribute to fix.
func TestDocumentedCodes(t *testing.T) {
	for _, tc := range []struct {
		status int
		code   string
		kind   cloud.Kind
		attr   string
	}{
		{400, "InvalidIpPortRange.Malformed", cloud.KindInvalid, "port_range"},
		{400, "InvalidIpProtocol.ValueNotSupported", cloud.KindInvalid, "protocol"},
		{400, "InvalidNicType.ValueNotSupported", cloud.KindInvalid, "nic_type"},
		{400, "InvalidPolicy.Malformed", cloud.KindInvalid, "policy"},
		{400, "InvalidSourceCidrIp.Malformed", cloud.KindInvalid, "cidr"},
		{400, "InvalidSourceGroupId.Mismatch", cloud.KindInvalid, "peer_security_group_id"},
		{400, "MissingParameter", cloud.KindInvalid, "cidr"},
		{403, "InvalidGroupAuthItem.NotFound", cloud.KindRuleGone, ""},
		{403, "InvalidNicType.Mismatch", cloud.KindInvalid, "nic_type"},
		{404, "InvalidRegionId.NotFound", cloud.KindInvalid, ""},
		{404, "InvalidSecurityGroupId.NotFound", cloud.KindGroupGone, "security_group_id"},
		{404, "InvalidSourceGroupId.NotFound", cloud.KindRuleGone, "peer_security_group_id"},
		// July 8, 2024 and rule-id codes.
		{400, "InvalidSecurityGroupRule.RuleNotExist", cloud.KindRuleGone, ""},
		{400, "InvalidParam.SecurityGroupRuleId", cloud.KindRuleGone, ""},
		{404, "InvalidSecurityGroupRuleId.NotFound", cloud.KindRuleGone, ""},
		{404, "SecurityGroupRule.NotFound", cloud.KindRuleGone, ""},
		// Transport-level classes.
		{400, "Throttling.User", cloud.KindTransient, ""},
		{503, "ServiceUnavailable", cloud.KindTransient, ""},
		{502, "SomethingNew", cloud.KindTransient, ""},
		{404, "InvalidAccessKeyId.NotFound", cloud.KindAuth, ""},
		{400, "SignatureDoesNotMatch", cloud.KindAuth, ""},
		{403, "Forbidden.Unknown", cloud.KindAuth, ""},
		{400, "SomethingNew", cloud.KindUnknown, ""},
	} {
		err := failure("RevokeSecurityGroup", serverError(tc.status, tc.code))
		e, ok := cloud.AsError(err)
		if !ok || e.Kind != tc.kind || e.Attribute != tc.attr || e.Code != tc.code || e.RequestID != "R1" || e.Status != tc.status {
			t.Errorf("%s: %+v, want kind %v on %q", tc.code, e, tc.kind, tc.attr)
		}
		if tc.kind == cloud.KindInvalid && e.Hint == "" && tc.code != "SomethingNew" {
			t.Errorf("%s: a user error needs a hint saying what to change", tc.code)
		}
	}
	// On create, a missing peer group is the user's error, not "gone".
	if e, _ := cloud.AsError(failure("AuthorizeSecurityGroup", serverError(404, "InvalidSourceGroupId.NotFound"))); e.Kind != cloud.KindInvalid {
		t.Errorf("authorize with a missing peer: %v", e.Kind)
	}
	// The local side of a rule is local_cidr: DestCidrIp on ingress.
	if e, _ := cloud.AsError(failure("AuthorizeSecurityGroup", serverError(400, "InvalidDestCidrIp.Malformed"))); e.Attribute != "local_cidr" {
		t.Errorf("DestCidrIp on ingress names %q", e.Attribute)
	}
	// Transport errors keep the host, never the signed query string.
	leak := &url.Error{Op: "Post", URL: "https://ecs-cn-hangzhou.aliyuncs.com/?AccessKeyId=AKIDsecret&Signature=x", Err: errors.New("no such host")}
	if err := failure("RevokeSecurityGroup", leak); strings.Contains(err.Error(), "AKIDsecret") || !strings.Contains(err.Error(), "https://ecs-cn-hangzhou.aliyuncs.com/: no such host") {
		t.Errorf("transport error: %v", err)
	}
	// No answer at all is transient.
	if e, _ := cloud.AsError(failure("RevokeSecurityGroup", errors.New("connection reset"))); e.Kind != cloud.KindTransient {
		t.Errorf("transport error: %v", e.Kind)
	}
}

func TestErrorsAreClassified(t *testing.T) {
	m := startMock(t)
	ctx := context.Background()
	bad := connect(t, m, "wrong-secret")
	err := bad.Authorize(ctx, "sg-web", []rule.Rule{ssh}, "")
	if e, ok := cloud.AsError(err); !ok || e.Kind != cloud.KindAuth || e.Code != "SignatureDoesNotMatch" || strings.Contains(err.Error(), "wrong-secret") {
		t.Fatalf("bad secret: %v", err)
	}
	if g, _ := m.Store.FindGroup("alicloud", "sg-web"); len(g.Rules) != 0 {
		t.Fatal("a rejected call must write nothing")
	}

	b := connect(t, m, "mock-secret-key")
	m.Store.AddFault(store.Fault{Cloud: "alicloud", Action: "DescribeSecurityGroupAttribute", Throttle: 1, ServerError: 1, Drop: 1})
	for _, want := range []string{"Throttling.User", "InternalError", ""} {
		_, err := b.Describe(ctx, "sg-web")
		if e, ok := cloud.AsError(err); !ok || e.Kind != cloud.KindTransient || e.Code != want {
			t.Fatalf("fault: %v, want transient %q", err, want)
		}
	}
	if _, err := b.Describe(ctx, "sg-web"); err != nil {
		t.Fatalf("after the faults: %v", err)
	}

	mismatch := toApp
	mismatch.PeerGroupID = "sg-other-vpc"
	err = b.Authorize(ctx, "sg-web", []rule.Rule{mismatch}, "")
	if e, ok := cloud.AsError(err); !ok || e.Kind != cloud.KindInvalid || e.Attribute != "peer_security_group_id" {
		t.Fatalf("peer in another VPC: %v", err)
	}

	if err := b.Authorize(ctx, "sg-web", []rule.Rule{toApp}, ""); err != nil {
		t.Fatal(err)
	}
	wrongNic := toApp
	wrongNic.NicType = "internet"
	err = b.Revoke(ctx, "sg-web", []rule.Rule{wrongNic}, "")
	if e, ok := cloud.AsError(err); !ok || e.Code != "InvalidNicType.Mismatch" || e.Attribute != "nic_type" {
		t.Fatalf("revoke with another NIC type: %v", err)
	}
}
