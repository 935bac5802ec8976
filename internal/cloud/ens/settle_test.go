package ens_test

import (
	"context"
	"testing"
	"time"

	"github.com/secgroup/terraform-provider-secgroup/internal/cloud/ens"
	"github.com/secgroup/terraform-provider-secgroup/internal/engine"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/mocktest"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/store"
	"github.com/secgroup/terraform-provider-secgroup/internal/rule"
)

// "A destroy never reports a rule gone that the cloud still holds". ENS's ens.interface.error is, by this package's own hint, "ENS
// failed while calling its own back end": a revoke so answered is settled
// by a describe (settleRevoke), and a describe so answered is read as the
// group being gone (classify), so a back-end hiccup that strikes both
// made the delete succeed while the rule stayed open: the describe's
// reading is an inference (cloud.Error.Inferred), which settles no revoke.
func TestENSBackEndErrorIsNotAGoneGroup(t *testing.T) {
	m := mocktest.Start(t, "")
	b, err := ens.New(map[string]string{"access_key": "mock-access-key", "secret_key": "mock-secret-key", "endpoint": m.URL})
	if err != nil {
		t.Fatal(err)
	}
	c := engine.NewClient(ens.Definition(), b, "scope", engine.NewGroups(engine.Settings{Backoff: engine.Backoff{Initial: time.Millisecond, Max: 4 * time.Millisecond}}))
	ctx := context.Background()
	r := rule.Rule{Direction: rule.Ingress, Protocol: rule.TCP, Ports: rule.PortRange{From: 22, To: 22}, CIDR: "10.0.0.0/8", Policy: rule.Accept, Priority: 1}
	if _, err := c.Create(ctx, "sg-ens-web", r); err != nil {
		t.Fatal(err)
	}
	m.Store.AddFault(store.Fault{Cloud: "ens", Action: "RevokeSecurityGroup", Error: 1, Code: "ens.interface.error", Status: 500})
	m.Store.AddFault(store.Fault{Cloud: "ens", Action: "DescribeSecurityGroupAttribute", Error: 1, Code: "ens.interface.error", Status: 500})
	err = c.Delete(ctx, "sg-ens-web", r)
	if held := mocktest.Rules(m, "ens", "sg-ens-web"); len(held) == 1 && err == nil {
		t.Fatalf("Delete reported the rule gone; the group still holds %v", held)
	}
}
