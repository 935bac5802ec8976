package baiducloud

import (
	"context"
	"strings"
	"testing"

	"github.com/secgroup/terraform-provider-secgroup/internal/cloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/mocktest"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/store"
	"github.com/secgroup/terraform-provider-secgroup/internal/rule"
)

func TestErrors(t *testing.T) {
	m := mocktest.Start(t, "")
	ctx := context.Background()
	err := connect(t, m, "wrong").Authorize(ctx, "g-web", []rule.Rule{ssh}, "")
	if e, ok := cloud.AsError(err); !ok || e.Kind != cloud.KindAuth || !strings.Contains(err.Error(), "secret_key") {
		t.Fatalf("bad secret: %v", err)
	}
	b := connect(t, m, "mock-secret-key")
	if err := b.Authorize(ctx, "g-web", []rule.Rule{ssh}, "a"); err != nil {
		t.Fatal(err)
	}
	if err := b.Authorize(ctx, "g-web", []rule.Rule{ssh}, "b"); cloud.KindOf(err) != cloud.KindDuplicate {
		t.Fatalf("duplicate: %v", err)
	}
	// The same token again: our own retried create, success.
	if err := b.Authorize(ctx, "g-web", []rule.Rule{ssh}, "a"); err != nil {
		t.Fatalf("retried create: %v", err)
	}
	bad := ssh
	bad.Ports = rule.PortRange{From: 443, To: 80}
	if err := b.Authorize(ctx, "g-web", []rule.Rule{bad}, ""); cloud.KindOf(err) != cloud.KindInvalid {
		t.Fatalf("reversed ports: %v", err)
	} else if e, _ := cloud.AsError(err); e.Attribute != "port_range" || e.Code != "SecurityGroup.RulePortOrderInvalid" {
		t.Fatalf("reversed ports: %+v", e)
	}
	hostBits := ssh
	hostBits.CIDR = "10.0.0.1/8"
	if err := b.Authorize(ctx, "g-web", []rule.Rule{hostBits}, ""); cloud.KindOf(err) != cloud.KindInvalid {
		t.Fatalf("host bits: %v", err)
	} else if e, _ := cloud.AsError(err); e.Attribute != "cidr" || e.Code != "SecurityGroup.RuleCIDRAddressError" {
		t.Fatalf("host bits: %+v", e)
	}
	// 50 ingress and 50 egress rules per group.
	for p := 1; p < 50; p++ {
		r := ssh
		r.Ports = rule.PortRange{From: 1000 + p, To: 1000 + p}
		if err := b.Authorize(ctx, "g-web", []rule.Rule{r}, ""); err != nil {
			t.Fatal(err)
		}
	}
	egress := ssh
	egress.Direction = rule.Egress
	if err := b.Authorize(ctx, "g-web", []rule.Rule{egress}, ""); err != nil {
		t.Fatalf("egress has its own 50: %v", err)
	}
	over := ssh
	over.Ports = rule.PortRange{From: 3000, To: 3000}
	if err := b.Authorize(ctx, "g-web", []rule.Rule{over}, ""); cloud.KindOf(err) != cloud.KindInvalid {
		t.Fatalf("the 51st ingress rule: %v", err)
	} else if e, _ := cloud.AsError(err); e.Attribute != "security_group_id" {
		t.Fatalf("the 51st ingress rule: %+v", e)
	}
	// (A dropped GET is replayed by Go's transport itself, so drops are
	// tried on a write.)
	m.Store.AddFault(store.Fault{Cloud: Name, Action: "getSecurityGroup", Throttle: 1, ServerError: 1})
	for range 2 {
		if _, err := b.Describe(ctx, "g-web"); cloud.KindOf(err) != cloud.KindTransient {
			t.Fatalf("faults must be transient: %v", err)
		}
	}
	m.Store.AddFault(store.Fault{Cloud: Name, Action: "revokeRule", Drop: 1})
	if err := b.Revoke(ctx, "g-web", []rule.Rule{ssh}, ""); cloud.KindOf(err) != cloud.KindTransient {
		t.Fatalf("a dropped connection must be transient: %v", err)
	}
}

// How every error code of the BCC RevokeSecurityGroupRule reference (revokeRule) ends.
func TestDocumentedCodes(t *testing.T) {
	for _, tc := range []struct {
		status int
		code   string
		kind   cloud.Kind
		attr   string
	}{
		{400, "SecurityGroup.RulePortOrderInvalid", cloud.KindInvalid, "port_range"},
		{400, "SecurityGroup.RulePortRangeInvalid", cloud.KindInvalid, "port_range"},
		{400, "SecurityGroup.RulePortInvalid", cloud.KindInvalid, "port_range"},
		{404, "NoSuchObject", cloud.KindGroupGone, "security_group_id"},
		{404, "SecurityGroup.RuleNotExist", cloud.KindRuleGone, ""},
		{400, "VersionMismatch", cloud.KindBusy, "security_group_id"},
		{409, "WhateverDuplicate", cloud.KindDuplicate, ""},
		{429, "RequestRateLimitExceeded", cloud.KindTransient, ""},
		{500, "InternalError", cloud.KindTransient, ""},
		{403, "SignatureDoesNotMatch", cloud.KindAuth, ""},
	} {
		e := &cloud.Error{Cloud: Name, Action: "revokeRule", Code: tc.code, Message: "m", RequestID: "req-1", Status: tc.status}
		classify(cloud.Request{Action: e.Action}, e)
		if e.Kind != tc.kind || e.Attribute != tc.attr {
			t.Errorf("%d %s: %v %q, want %v %q", tc.status, tc.code, e.Kind, e.Attribute, tc.kind, tc.attr)
		}
	}
}
