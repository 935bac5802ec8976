package zenlayer

import (
	"context"
	"strings"
	"testing"

	"github.com/secgroup/terraform-provider-secgroup/internal/cloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/mocktest"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/store"
	"github.com/secgroup/terraform-provider-secgroup/internal/rule"
)

func TestErrorsThroughTheWire(t *testing.T) {
	m := mocktest.Start(t, "")
	ctx := context.Background()
	bad := connect(t, m.URL, "wrong-secret")
	err := bad.Authorize(ctx, "zl-web", []rule.Rule{ssh}, "")
	e, ok := cloud.AsError(err)
	if !ok || e.Kind != cloud.KindAuth || e.Status != 401 || !strings.Contains(err.Error(), "secret_key") || strings.Contains(err.Error(), "wrong-secret") {
		t.Fatalf("bad secret: %v", err)
	}
	b := connect(t, m.URL, "mock-secret-key")
	for group, kind := range map[string]cloud.Kind{"zl-default": cloud.KindInvalid, "zl-pending": cloud.KindBusy, "zl-nothing": cloud.KindGroupGone} {
		if err := b.Authorize(ctx, group, []rule.Rule{ssh}, ""); cloud.KindOf(err) != kind {
			t.Errorf("authorize on %s: %v, want %v", group, err, kind)
		}
	}
	if err := b.Authorize(ctx, "zl-web", []rule.Rule{ssh}, ""); err != nil {
		t.Fatal(err)
	}
	if err := b.Authorize(ctx, "zl-web", []rule.Rule{ssh}, ""); cloud.KindOf(err) != cloud.KindDuplicate {
		t.Fatalf("repeat: %v", err)
	}
	m.Store.AddFault(store.Fault{Cloud: Name, Action: "DescribeSecurityGroups", Throttle: 1, ServerError: 1, Drop: 1})
	for range 3 {
		if _, err := b.Describe(ctx, "zl-web"); cloud.KindOf(err) != cloud.KindTransient {
			t.Fatalf("faults must be transient: %v", err)
		}
	}
}

// How every error code of the Zenlayer RevokeSecurityGroupRules reference and
// the other codes of the rule calls end.
func TestDocumentedCodes(t *testing.T) {
	for _, tc := range []struct {
		status int
		code   string
		kind   cloud.Kind
		attr   string
	}{
		{404, "INVALID_SECURITY_GROUP_NOT_FOUND", cloud.KindGroupGone, "security_group_id"},
		{403, "OPERATION_DENIED_SECURITY_GROUP_STATUS_NOT_AVAILABLE", cloud.KindBusy, "security_group_id"},
		{404, "INVALID_SECURITY_GROUP_RULE_NOT_FOUND", cloud.KindRuleGone, ""},
		{403, "OPERATION_DENIED_DEFAULT_SECURITY_GROUP_NOT_SUPPORT", cloud.KindInvalid, "security_group_id"},

		{403, "OPERATION_DENIED_SECURITY_GROUP_EXIST_REPEAT_RULE", cloud.KindDuplicate, ""},
		{403, "OPERATION_DENIED_SECURITY_GROUP_RULE_EXCEED_LIMIT", cloud.KindInvalid, "security_group_id"},
		{400, "INVALID_PARAMETER_SECURITY_GROUP_POLICY", cloud.KindInvalid, "policy"},
		{400, "INVALID_PARAMETER_SECURITY_GROUP_PORT_RANGE", cloud.KindInvalid, "port_range"},
		{400, "INVALID_PARAMETER_SECURITY_GROUP_PRIORITY", cloud.KindInvalid, "priority"},
		{400, "INVALID_PARAMETER_SECURITY_GROUP_SOURCE_CIDR_IP", cloud.KindInvalid, "cidr"},
		{404, "OPERATION_FAILED_RESOURCE_NOT_FOUND", cloud.KindGroupGone, "security_group_id"},
		{400, "REQUEST_LIMIT_EXCEEDED", cloud.KindTransient, ""},
		{429, "", cloud.KindTransient, ""},
		{503, "SERVICE_TEMPORARY_UNAVAILABLE", cloud.KindTransient, ""},
		{502, "", cloud.KindTransient, ""},
		{401, "SOMETHING_UNDOCUMENTED", cloud.KindAuth, ""},
		{401, "AUTH_FAILED_TIMESTAMP_EXPIRED", cloud.KindAuth, ""},
		{400, "SOMETHING_ELSE", cloud.KindUnknown, ""},
	} {
		e := refusal(tc.status, tc.code)
		if e.Kind != tc.kind || e.Attribute != tc.attr {
			t.Errorf("%d %s: kind %v attribute %q, want %v %q", tc.status, tc.code, e.Kind, e.Attribute, tc.kind, tc.attr)
		}
		if tc.kind == cloud.KindInvalid && e.Hint == "" {
			t.Errorf("%s: an invalid request needs a hint", tc.code)
		}
	}
	e := refusal(403, "OPERATION_DENIED_DEFAULT_SECURITY_GROUP_NOT_SUPPORT")
	if msg := e.Error(); !strings.Contains(msg, "default security group") || !strings.Contains(msg, "T1") || !strings.Contains(msg, "HTTP 403") {
		t.Errorf("message %q", msg)
	}
}

// refusal is a revoke's refusal as call reads it, classified.
func refusal(status int, code string) *cloud.Error {
	e := &cloud.Error{Cloud: Name, Action: "RevokeSecurityGroupRules", Code: code, Message: "m", RequestID: "T1", Status: status}
	classify(cloud.Request{Action: e.Action}, e)
	return e
}
