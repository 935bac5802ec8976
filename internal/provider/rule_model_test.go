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
	m.Priority = types.NumberUnknown()
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
	if wholeOrZero(m.Priority) != 1 {
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
	baidu.Priority = types.NumberUnknown()
	noPriority := observed
	noPriority.Priority = 0
	baidu.setObserved("baiducloud", "g-1", noPriority)
	if !baidu.Priority.IsNull() {
		t.Errorf("priority %v, want null", baidu.Priority)
	}
}

// A content id recorded before the peer group's owner id was read stays
// while it names the rule; any other change of content gives the rule
// its own id, and native ids are always the rule's own.
func TestStableID(t *testing.T) {
	observed := rule.Rule{Direction: rule.Ingress, Protocol: rule.TCP, Ports: rule.PortRange{From: 22, To: 22}, PeerGroupID: "sg-peer",
		PeerGroupOwnerAccount: "peer@example.com", PeerGroupOwnerID: "1234567890", Policy: rule.Accept, Priority: 1}
	id := rule.ID{Cloud: "apsarastack", GroupID: "sg-1", Rule: observed}
	own := id.String()
	before := "apsarastack/sg-1/ingress,tcp,22,,policy=accept,priority=1,peer_security_group_id=sg-peer,peer_group_owner_account=peer@example.com"
	for _, c := range []struct {
		name  string
		prior types.String
		want  string
	}{
		{"none yet", types.StringUnknown(), own},
		{"import", types.StringNull(), own},
		{"written without the owner id", types.StringValue(before), before},
		{"written without either owner", types.StringValue("apsarastack/sg-1/ingress,tcp,22,,policy=accept,priority=1,peer_security_group_id=sg-peer"),
			"apsarastack/sg-1/ingress,tcp,22,,policy=accept,priority=1,peer_security_group_id=sg-peer"},
		{"another owner", types.StringValue("apsarastack/sg-1/ingress,tcp,22,,policy=accept,priority=1,peer_security_group_id=sg-peer,peer_group_owner_id=999"), own},
		{"another port", types.StringValue("apsarastack/sg-1/ingress,tcp,23,,policy=accept,priority=1,peer_security_group_id=sg-peer"), own},
		{"another group", types.StringValue("apsarastack/sg-2/ingress,tcp,22,,policy=accept,priority=1,peer_security_group_id=sg-peer"), own},
		{"a native id", types.StringValue("apsarastack/sg-1/sgr-old"), own},
	} {
		if got := stableID(c.prior, id); got != c.want {
			t.Errorf("%s: %s, want %s", c.name, got, c.want)
		}
	}
	native := id
	native.Rule.NativeID = "sgr-1"
	if got := stableID(types.StringValue(before), native); got != "apsarastack/sg-1/sgr-1" {
		t.Errorf("a rule with a rule id: %s", got)
	}
}

// The owners of a peer group of another account are written as the cloud
// reports them; a value the cloud does not report stays, an unknown one
// becomes null.
func TestSetObservedOwners(t *testing.T) {
	observed := rule.Rule{NativeID: "sgr-1", Direction: rule.Ingress, Protocol: rule.TCP, Ports: rule.PortRange{From: 22, To: 22}, PeerGroupID: "sg-peer",
		PeerGroupOwnerAccount: "peer@example.com", PeerGroupOwnerID: "1234567890"}
	var imported ruleAttrs
	imported.setObserved("alicloud", "sg-1", observed)
	if imported.PeerGroupOwnerAccount.ValueString() != "peer@example.com" || imported.PeerGroupOwnerID.ValueString() != "1234567890" {
		t.Errorf("import: %v %v", imported.PeerGroupOwnerAccount, imported.PeerGroupOwnerID)
	}
	var created ruleAttrs
	created.PeerGroupOwnerAccount, created.PeerGroupOwnerID = types.StringUnknown(), types.StringValue("1234567890")
	created.setObserved("alicloud", "sg-1", observed)
	if created.PeerGroupOwnerAccount.ValueString() != "peer@example.com" {
		t.Errorf("an owner account known after apply: %v", created.PeerGroupOwnerAccount)
	}
	unreported := observed
	unreported.PeerGroupOwnerAccount, unreported.PeerGroupOwnerID = "", ""
	created.setObserved("alicloud", "sg-1", unreported)
	if created.PeerGroupOwnerAccount.ValueString() != "peer@example.com" || created.PeerGroupOwnerID.ValueString() != "1234567890" {
		t.Errorf("owners the cloud does not report stay: %v %v", created.PeerGroupOwnerAccount, created.PeerGroupOwnerID)
	}
}
