package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/secgroup/terraform-provider-secgroup/internal/rule"
)

// setObserved writes what the cloud reports, keeping the user's spelling
// where it means the same and what the cloud does not report.
func TestSetObserved(t *testing.T) {
	ports, err := rule.ParsePortRange("22")
	if err != nil {
		t.Fatal(err)
	}
	observed := rule.Rule{Direction: "ingress", Protocol: "tcp", Ports: ports, CIDR: "10.0.0.1/32", Policy: "accept", Priority: 1, NativeID: "sgr-1"}

	var m ruleModel
	m.PortRange, m.CIDR = types.StringValue("22-22"), types.StringValue("10.0.0.1")
	m.NicType, m.PeerGroupOwnerID = types.StringValue("intranet"), types.StringUnknown()
	m.Priority = types.Int64Unknown()
	m.setObserved("alicloud", "sg-1", observed)

	for name, c := range map[string]struct{ got, want types.String }{
		"cloud":          {m.Cloud, types.StringValue("alicloud")},
		"group":          {m.SecurityGroupID, types.StringValue("sg-1")},
		"port spelling":  {m.PortRange, types.StringValue("22-22")},
		"cidr spelling":  {m.CIDR, types.StringValue("10.0.0.1")},
		"unreported nic": {m.NicType, types.StringValue("intranet")},
		"unknown owner":  {m.PeerGroupOwnerID, types.StringNull()},
		"policy":         {m.Policy, types.StringValue("accept")},
		"no description": {m.Description, types.StringValue("")},
		"rule id":        {m.RuleID, types.StringValue("sgr-1")},
		"no peer group":  {m.PeerSecurityGroupID, types.StringNull()},
	} {
		if !c.got.Equal(c.want) {
			t.Errorf("%s: %v, want %v", name, c.got, c.want)
		}
	}
	if m.Priority.ValueInt64() != 1 {
		t.Errorf("priority %v", m.Priority)
	}
	if want := (rule.ID{Cloud: "alicloud", GroupID: "sg-1", Rule: observed}).String(); m.ID.ValueString() != want {
		t.Errorf("id %v, want %s", m.ID, want)
	}

	// A different value replaces the prior one; with no prior value (an
	// import, a data source entry) the cloud's spelling is written.
	var fresh ruleAttrs
	fresh.CIDR = types.StringValue("10.0.0.0/8")
	fresh.setObserved("alicloud", "sg-1", observed)
	if fresh.CIDR.ValueString() != "10.0.0.1/32" || fresh.PortRange.ValueString() != "22" {
		t.Errorf("fresh: cidr %v, port_range %v", fresh.CIDR, fresh.PortRange)
	}
	// A cloud without priorities leaves an unknown priority null.
	var baidu ruleAttrs
	baidu.Priority = types.Int64Unknown()
	noPriority := observed
	noPriority.Priority = 0
	baidu.setObserved("baiducloud", "g-1", noPriority)
	if !baidu.Priority.IsNull() {
		t.Errorf("priority %v, want null", baidu.Priority)
	}
}
