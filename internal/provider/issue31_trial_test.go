package provider

import (
	"context"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/secgroup/terraform-provider-secgroup/internal/clirun"
	"github.com/secgroup/terraform-provider-secgroup/internal/cloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/engine"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/mocktest"
)

// Tests from a new user's trial of issue 31's change: each failed on it
// before its fix.

// An exclusive resource whose group was deleted out of band, its
// configuration unchanged: the refresh drops it, and the plan that
// follows (Terraform makes one before a destroy too) warns that creating
// it again would fail rather than failing, so destroy and plan go on.
// Through the real CLI. (Both failed "Could Not List Rules".)
func TestAccRulesExclusive_groupGoneThenDestroy(t *testing.T) {
	testAccPreCheck(t)
	cli, work := setupCLI(t)
	m := mocktest.Start(t, "")
	dir := filepath.Join(work, "tf")
	writeConfig(t, dir, cliConfig(mocktest.ProviderConfig(m)+exclusiveBlock("alicloud", "sg-app", "[]", "allow_empty = true")))
	if out, code := runCLI(t, cli, dir, "apply", "-auto-approve", "-input=false", "-no-color"); code != 0 {
		t.Fatalf("apply: %s", clirun.Tail(out, 3000))
	}
	if !m.Store.RemoveGroup("alicloud", "sg-app") {
		t.Fatal("no group sg-app to remove")
	}
	out, code := runCLI(t, cli, dir, "plan", "-input=false", "-no-color")
	if code != 0 || !strings.Contains(out, "Security Group No Longer Exists") {
		t.Fatalf("plan (exit %d) must warn, not fail:\n%s", code, clirun.Tail(out, 3000))
	}
	if out, code := runCLI(t, cli, dir, "destroy", "-auto-approve", "-input=false", "-no-color"); code != 0 {
		t.Fatalf("destroy: %s", clirun.Tail(out, 3000))
	}
}

// An exclusive resource cannot be made for a group that takes no rule
// changes (a Zenlayer default group): the plan of its create fails. (It
// was created, then every plan and destroy failed.)
func TestAccRulesExclusive_defaultGroupRefusedAtCreate(t *testing.T) {
	cliIndependent(t)
	m := mocktest.Start(t, "")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      mocktest.ProviderConfig(m) + exclusiveBlock("zenlayer", "zl-default", "[]", "allow_empty = true"),
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`(?s)Security Group Takes No Rule Changes.*` + spaced("cannot make security group zl-default exclusive")),
		}},
	})
}

// An attribute the cloud lacks, given a value known only at apply that
// turns out null (passed on from another resource), passes the plan: it is
// checked once known. (ENS refused nic_type and local_cidr at plan.)
func TestAccEns_unsupportedAttributesKnownOnlyAtApply(t *testing.T) {
	cliIndependent(t)
	m := mocktest.Start(t, "")
	config := mocktest.ProviderConfig(m) + `
resource "terraform_data" "o" {
  input = { nic_type = null, local_cidr = null }
}
` + tcpRule("x", "ens", "sg-ens-web", "22", "10.0.0.0/8", "nic_type = terraform_data.o.output.nic_type", "local_cidr = terraform_data.o.output.local_cidr")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: config, Check: mocktest.CheckRuleCount(m, "ens", "sg-ens-web", 1)},
		},
	})
}

// A read that gave up because its timeout would pass before its next try
// says which timeout: the data source's timeouts.read, with its value.
// (It said "gave up after 1 attempt, the timeout would pass before the
// next" alone.)
func TestRanOutOfTimeTellsATimeoutFromACancel(t *testing.T) {
	fail := func(context.Context) error { return errThrottled }
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	err := engine.Retry(ctx, engine.Backoff{Initial: 20 * time.Millisecond, Max: 20 * time.Millisecond}, fail)
	if !engine.RanOutOfTime(err) {
		t.Fatalf("%v: want a retry cut short by its timeout", err)
	}
	interrupted, stop := context.WithCancel(context.Background())
	stop()
	if err := engine.Retry(interrupted, engine.Backoff{Initial: time.Millisecond, Max: time.Millisecond}, fail); engine.RanOutOfTime(err) {
		t.Fatalf("%v: an interrupt is no timeout", err)
	}
}

var errThrottled = &cloud.Error{Cloud: "fake", Action: "describe", Kind: cloud.KindTransient, Code: "Throttling", Throttled: true}
