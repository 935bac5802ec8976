package alibaba

import (
	"encoding/json"
	"testing"

	"github.com/secgroup/terraform-provider-secgroup/internal/rule"
)

// Describe answers spell numbers either way: ECS's SDK types Priority as a
// string, ENS answers an integer, Apsara Stack an owner id as a number
// that must stay exact.
func TestPermissionReadsAnySpelling(t *testing.T) {
	var a DescribeAnswer
	raw := `{"NextToken":null,"Permissions":{"Permission":[
	  {"Direction":"ingress","IpProtocol":"TCP","PortRange":"22/22","SourceGroupId":"sg-2","SourceGroupOwnerId":12345678901234567890,"Policy":"Accept","Priority":7},
	  {"Direction":"egress","IpProtocol":"ICMPV6","PortRange":"-1/-1","Ipv6DestCidrIp":"2001:DB8::/32","Priority":"9","SecurityGroupRuleId":"sgr-1","Description":null}]}}`
	if err := json.Unmarshal([]byte(raw), &a); err != nil {
		t.Fatal(err)
	}
	p := a.Permissions.Permission
	if a.NextToken != "" || len(p) != 2 || p[0].Priority != "7" || p[0].SourceGroupOwnerId != "12345678901234567890" || p[1].Priority != "9" || p[1].Description != "" {
		t.Fatalf("%+v", a)
	}
	in, out := FromWire(p[0]), FromWire(p[1])
	if in.Protocol != rule.TCP || in.Policy != rule.Accept || in.Priority != 7 || in.PeerGroupID != "sg-2" || in.Ports != (rule.PortRange{From: 22, To: 22}) {
		t.Fatalf("ingress %+v", in)
	}
	if out.Protocol != rule.ICMPv6 || out.CIDR != "2001:db8::/32" || out.NativeID != "sgr-1" || out.Priority != 9 || !out.Ports.IsZero() {
		t.Fatalf("egress %+v", out)
	}
	var bad Text
	if err := json.Unmarshal([]byte(`"unterminated`), &bad); err == nil {
		t.Fatal("a broken string must not read")
	}
	// Strings read as JSON reads them, whether or not they need unquoting.
	for raw, want := range map[string]string{
		`"web \"ssh\" \u00e9"`: `web "ssh" é`, `"caf\u00e9\\"`: `café\`, `"plain é"`: "plain é", `""`: "",
		"\"bad \xff\"": "bad \ufffd", ` "spaced" `: "spaced",
	} {
		var got Text
		if err := json.Unmarshal([]byte(raw), &got); err != nil || string(got) != want {
			t.Errorf("%s read as %q (%v), want %q", raw, got, err, want)
		}
	}
}

// A peer group's owner is read in both fields on either direction, so a
// revoke built from the rule (Params) names the rule of another account
// as the ECS RevokeSecurityGroup reference wants it; a rule whose peer is
// a CIDR or a prefix list has no owner, whatever fields the answer fills.
func TestFromWireReadsPeerGroupOwners(t *testing.T) {
	var a DescribeAnswer
	raw := `{"Permissions":{"Permission":[
	  {"SecurityGroupRuleId":"sgr-in","Direction":"ingress","IpProtocol":"TCP","PortRange":"22/22","SourceGroupId":"sg-peer","SourceGroupOwnerAccount":"peer@example.com","SourceGroupOwnerId":"1234567890","DestGroupOwnerId":"1","Policy":"Accept","Priority":"1","NicType":"intranet"},
	  {"SecurityGroupRuleId":"sgr-out","Direction":"egress","IpProtocol":"UDP","PortRange":"53/53","DestGroupId":"sg-peer","DestGroupOwnerAccount":"","DestGroupOwnerId":1122334455667788,"SourceGroupOwnerId":"1","Policy":"Drop","Priority":"2"},
	  {"SecurityGroupRuleId":"sgr-cidr","Direction":"ingress","IpProtocol":"ALL","PortRange":"-1/-1","SourceCidrIp":"10.0.0.0/8","SourceGroupOwnerAccount":"peer@example.com","SourceGroupOwnerId":"1234567890"},
	  {"SecurityGroupRuleId":"sgr-list","Direction":"egress","IpProtocol":"ALL","PortRange":"-1/-1","DestPrefixListId":"pl-1","DestGroupOwnerId":"1234567890"}]}}`
	if err := json.Unmarshal([]byte(raw), &a); err != nil {
		t.Fatal(err)
	}
	p := a.Permissions.Permission
	in, out, cidr, list := FromWire(p[0]), FromWire(p[1]), FromWire(p[2]), FromWire(p[3])
	if in.PeerGroupID != "sg-peer" || in.PeerGroupOwnerAccount != "peer@example.com" || in.PeerGroupOwnerID != "1234567890" {
		t.Errorf("ingress %s: owner %q, id %q", in, in.PeerGroupOwnerAccount, in.PeerGroupOwnerID)
	}
	if out.PeerGroupID != "sg-peer" || out.PeerGroupOwnerAccount != "" || out.PeerGroupOwnerID != "1122334455667788" {
		t.Errorf("egress %s: owner %q, id %q", out, out.PeerGroupOwnerAccount, out.PeerGroupOwnerID)
	}
	if cidr.CIDR != "10.0.0.0/8" || cidr.PeerGroupOwnerAccount != "" || cidr.PeerGroupOwnerID != "" {
		t.Errorf("a CIDR peer has no owner: %s of %q %q", cidr, cidr.PeerGroupOwnerAccount, cidr.PeerGroupOwnerID)
	}
	if list.PrefixListID != "pl-1" || list.PeerGroupOwnerID != "" {
		t.Errorf("a prefix list has no owner: %s of %q", list, list.PeerGroupOwnerID)
	}
	for r, want := range map[*rule.Rule]map[string]string{
		&in:  {"SourceGroupId": "sg-peer", "SourceGroupOwnerAccount": "peer@example.com", "SourceGroupOwnerId": "1234567890"},
		&out: {"DestGroupId": "sg-peer", "DestGroupOwnerId": "1122334455667788"},
	} {
		sent := Params(*r, false)
		for k, v := range want {
			if sent[k] != v {
				t.Errorf("the revoke of %s sends %s=%q, want %q", r, k, sent[k], v)
			}
		}
		if _, ok := sent["DestGroupOwnerAccount"]; ok && r == &out {
			t.Errorf("the revoke of %s sends an empty owner account", r)
		}
	}
}
