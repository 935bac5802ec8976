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
}
