package ens

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/secgroup/terraform-provider-secgroup/internal/cloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/engine"
	mockens "github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/ens"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/mocktest"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/store"
	"github.com/secgroup/terraform-provider-secgroup/internal/rule"
)

// How every error code of the ENS RevokeSecurityGroup reference ends.
func TestDocumentedCodes(t *testing.T) {
	m := mocktest.Start(t, "")
	b := connect(t, m, "mock-secret-key")
	for _, tc := range []struct {
		code string
		kind cloud.Kind
		attr string
	}{
		{"MissingParameter", cloud.KindInvalid, "cidr"},
		{"NoPermission", cloud.KindAuth, ""},
		{"InvalidParameter.PortRange", cloud.KindInvalid, "port_range"},
		{"InvalidParameter", cloud.KindInvalid, ""},
		{"InvalidSecurityGroupId.NotFound", cloud.KindGroupGone, "security_group_id"},
		{"SecurityGroupRuleConflict.Duplicated", cloud.KindDuplicate, ""},
		{"AuthorizationLimitExceed", cloud.KindInvalid, "security_group_id"},
		{"SecurityGroupRule.NotFound", cloud.KindRuleGone, ""},
		{"ens.interface.error", cloud.KindUnknown, ""},
		{"CallInterface", cloud.KindUnknown, ""},
	} {
		m.Store.AddFault(store.Fault{Cloud: mockens.Cloud, Action: "RevokeSecurityGroup", Error: 1, Code: tc.code})
		err := b.Revoke(context.Background(), "sg-ens-web", []rule.Rule{web}, "")
		e, ok := cloud.AsError(err)
		if !ok || e.Code != tc.code || e.Kind != tc.kind || e.Attribute != tc.attr || e.Status != 400 {
			t.Errorf("%s: %+v", tc.code, e)
		}
		if tc.kind != cloud.KindRuleGone && tc.kind != cloud.KindGroupGone && tc.kind != cloud.KindDuplicate && e.Hint == "" {
			t.Errorf("%s: needs a hint", tc.code)
		}
	}
}

func TestErrors(t *testing.T) {
	m := mocktest.Start(t, "")
	err := connect(t, m, "wrong").Authorize(context.Background(), "sg-ens-web", []rule.Rule{web}, "")
	if e, ok := cloud.AsError(err); !ok || e.Kind != cloud.KindAuth || !strings.Contains(err.Error(), "ens block") {
		t.Fatalf("bad secret: %v", err)
	}
	b := connect(t, m, "mock-secret-key")
	m.Store.AddFault(store.Fault{Cloud: Name, Action: "AuthorizeSecurityGroup", DropAfterCommit: 1})
	c := engine.NewClient(Definition(), b, "t", engine.NewGroups(engine.Settings{Backoff: engine.Backoff{Initial: time.Millisecond, Max: 5 * time.Millisecond}}))
	if _, err := c.Create(context.Background(), "sg-ens-db", web); err != nil {
		t.Fatalf("a lost create answer: %v", err)
	}
	if g, _ := m.Store.FindGroup(Name, "sg-ens-db"); len(g.Rules) != 1 {
		t.Fatalf("%d rules", len(g.Rules))
	}
}
