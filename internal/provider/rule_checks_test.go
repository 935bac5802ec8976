package provider

import (
	"fmt"
	"math/big"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/secgroup/terraform-provider-secgroup/internal/cloud"
)

// checkModel is a configuration for one check: the attributes given
// (strings, a priority as an int64 or a float64, or
// tftypes.UnknownValue), every other one null.
func checkModel(attrs map[string]any) ruleModel {
	a := rawAttrs{}
	for name, v := range attrs {
		switch v := v.(type) {
		case string:
			a.setString(name, types.StringValue(v))
		case int64:
			a.setNumber(name, priorityValue(int(v)))
		case float64:
			a.setNumber(name, types.NumberValue(big.NewFloat(v)))
		default:
			if v == tftypes.UnknownValue {
				a.setString(name, types.StringUnknown())
			}
		}
	}
	return a.model()
}

func cloudNamed(t *testing.T, name string) *cloud.Cloud {
	t.Helper()
	def, ok := Clouds().Get(name)
	if !ok {
		t.Fatalf("no cloud %q", name)
	}
	return &def
}

// Each named check alone: the problems it finds, on which attribute, with
// which fix; none for a configuration it has nothing against.
func TestConfigChecks(t *testing.T) {
	ecs, zenlayer, baidu, ens := cloudNamed(t, "alicloud"), cloudNamed(t, "zenlayer"), cloudNamed(t, "baiducloud"), cloudNamed(t, "ens")
	for _, tc := range []struct {
		name  string
		check configCheck
		def   *cloud.Cloud
		attrs map[string]any
		attr  string // the attribute of the one problem; "-" for none
		want  string
	}{
		{"one peer", checkOnePeer, nil, map[string]any{"cidr": "10.0.0.0/8"}, "-", ""},
		{"two peers", checkOnePeer, nil, map[string]any{"cidr": "10.0.0.0/8", "prefix_list_id": "pl-1"}, "cidr", "not cidr and prefix_list_id"},
		{"no peer", checkOnePeer, nil, map[string]any{}, "", "set exactly one of cidr"},
		{"a peer not known yet", checkOnePeer, nil, map[string]any{"peer_security_group_id": tftypes.UnknownValue}, "-", ""},
		{"tcp needs ports", checkPorts, nil, map[string]any{"protocol": "tcp"}, "port_range", `needs port_range`},
		{"tcp with no port", checkPorts, nil, map[string]any{"protocol": "tcp", "port_range": "-1/-1"}, "port_range", `"1-65535" for every port`},
		{"icmp takes none", checkPorts, nil, map[string]any{"protocol": "icmp", "port_range": "1"}, "port_range", "remove port_range"},
		{"icmp takes no source ports", checkPorts, nil, map[string]any{"protocol": "all", "source_port_range": "1"}, "source_port_range", "remove source_port_range"},
		{"an unknown protocol is the validator's", checkPorts, nil, map[string]any{"protocol": "sctp"}, "-", ""},
		{"mixed families", checkAddressFamilies, nil, map[string]any{"cidr": "::/0", "local_cidr": "10.0.0.0/8"}, "local_cidr", "both be IPv4 or both IPv6"},
		{"one family", checkAddressFamilies, nil, map[string]any{"cidr": "::/0", "local_cidr": "2001:db8::/32"}, "-", ""},
		{"gre on Zenlayer", checkProtocolOnCloud, zenlayer, map[string]any{"protocol": "gre"}, "protocol", `Zenlayer Cloud VM does not support protocol "gre": use one of`},
		{"gre on ECS", checkProtocolOnCloud, ecs, map[string]any{"protocol": "gre"}, "-", ""},
		{"no cloud, no cloud checks", checkProtocolOnCloud, nil, map[string]any{"protocol": "gre"}, "-", ""},
		{"IPv6 on Zenlayer", checkAddressesOnCloud, zenlayer, map[string]any{"protocol": "all", "cidr": "::/0"}, "cidr", "does not support IPv6"},
		{"icmpv6 with IPv4", checkAddressesOnCloud, ecs, map[string]any{"protocol": "icmpv6", "cidr": "10.0.0.0/8"}, "cidr", `give an IPv6 cidr`},
		{"icmp with IPv6 on ECS", checkAddressesOnCloud, ecs, map[string]any{"protocol": "icmp", "cidr": "::/0"}, "cidr", `use protocol "icmpv6"`},
		{"icmp with IPv6 on Baidu", checkAddressesOnCloud, baidu, map[string]any{"protocol": "icmp", "cidr": "::/0"}, "-", ""},
		{"prefix lists on Zenlayer", checkSupportedOnCloud, zenlayer, map[string]any{"prefix_list_id": "pl-1"}, "prefix_list_id", "does not support prefix_list_id: remove it"},
		{"a description on ENS", checkDescription, ens, map[string]any{"description": "web"}, "description", "remove it"},
		{"an empty description on ENS", checkDescription, ens, map[string]any{"description": ""}, "-", ""},
		{"a description not known yet on ENS", checkDescription, ens, map[string]any{"description": tftypes.UnknownValue}, "-", ""},
		{"a priority on Baidu", checkPriority, baidu, map[string]any{"priority": int64(1)}, "priority", "has no rule priorities"},
		{"a fraction on Baidu", checkPriority, baidu, map[string]any{"priority": 1.5}, "priority", "has no rule priorities"},
		{"priority out of range", checkPriority, ecs, map[string]any{"priority": int64(101)}, "priority", "accepts priority 1 to 100 (whole numbers); 101 is not one of them"},
		{"priority zero", checkPriority, ecs, map[string]any{"priority": int64(0)}, "priority", "accepts priority 1 to 100 (whole numbers); 0 is not one of them"},
		{"a fraction", checkPriority, ecs, map[string]any{"priority": 1.5}, "priority", "accepts priority 1 to 100 (whole numbers); 1.5 is not one of them"},
		{"a priority in range", checkPriority, ecs, map[string]any{"priority": int64(100)}, "-", ""},
		{"a fraction, no cloud", checkPriority, nil, map[string]any{"priority": 2.5}, "priority", "a whole number from 1 to 100 where the cloud has priorities; 2.5 is not one"},
		{"a priority in range, no cloud", checkPriority, nil, map[string]any{"priority": int64(7)}, "-", ""},
		{"a policy ECS cannot create", checkValuesOnCloud, ecs, map[string]any{"policy": "allow"}, "policy", `cannot create rules with policy "allow"`},
		{"a nic_type ECS has not", checkValuesOnCloud, ecs, map[string]any{"nic_type": "public"}, "nic_type", `does not support nic_type "public"`},
		{"a long description", checkDescription, ecs, map[string]any{"description": strings.Repeat("é", 513)}, "description", "up to 512 characters; this one has 513"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := tc.check(checkModel(tc.attrs), tc.def)
			if tc.attr == "-" {
				if len(got) != 0 {
					t.Fatalf("want no problem, got %+v", got)
				}
				return
			}
			if len(got) != 1 || got[0].attr != tc.attr || !strings.Contains(got[0].detail, tc.want) {
				t.Fatalf("want one problem on %q saying %q, got %+v", tc.attr, tc.want, got)
			}
		})
	}
}

// Which changes replace a rule on which cloud, the schema's own aside.
func TestReplacedOnCloud(t *testing.T) {
	ecs, zenlayer := cloudNamed(t, "alicloud").Capabilities, cloudNamed(t, "zenlayer").Capabilities
	state := map[string]any{"policy": "accept", "priority": int64(1), "nic_type": "intranet", "description": "web"}
	with := func(changes map[string]any) map[string]any {
		m := map[string]any{}
		for k, v := range state {
			m[k] = v
		}
		for k, v := range changes {
			m[k] = v
		}
		return m
	}
	for _, tc := range []struct {
		name         string
		caps         cloud.Capabilities
		config, plan map[string]any
		want         string
	}{
		{"nothing changes", ecs, state, state, "[]"},
		{"a new policy", ecs, with(map[string]any{"policy": "drop"}), with(map[string]any{"policy": "drop"}), "[policy]"},
		{"a new priority", ecs, with(map[string]any{"priority": int64(5)}), with(map[string]any{"priority": int64(5)}), "[priority]"},
		{"a configured nic_type", ecs, with(map[string]any{"nic_type": "internet"}), with(map[string]any{"nic_type": "internet"}), "[nic_type]"},
		{"a new description, in place on ECS", ecs, with(map[string]any{"description": "app"}), with(map[string]any{"description": "app"}), "[]"},
		{"a cleared description, which ECS cannot clear", ecs, with(map[string]any{"description": ""}), with(map[string]any{"description": ""}), "[description]"},
		{"a new description where the cloud has no in-place change", zenlayer, with(map[string]any{"description": "app"}), with(map[string]any{"description": "app"}), "[description]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := replacedOnCloud(checkModel(tc.config), checkModel(tc.plan), checkModel(state), tc.caps)
			if fmt.Sprint(got) != tc.want {
				t.Fatalf("replaced %v, want %s", got, tc.want)
			}
		})
	}
}

// What a plan holds for the owners of the peer group that the
// configuration leaves out: what the cloud reported while the peer group
// stays, what it reports after apply for a new peer group, nothing where
// there is no peer group or the cloud names no owners; a configured owner
// is the configuration's.
func TestPlanOwners(t *testing.T) {
	ecs, baidu := cloudNamed(t, "alicloud").Capabilities, cloudNamed(t, "baiducloud").Capabilities
	reported := map[string]any{"peer_security_group_id": "sg-peer", "peer_group_owner_account": "peer@example.com", "peer_group_owner_id": "1234567890"}
	for _, tc := range []struct {
		name          string
		caps          cloud.Capabilities
		config, state map[string]any
		want          string
	}{
		{"create, owners left out", ecs, map[string]any{"peer_security_group_id": "sg-peer"}, nil, "<unknown> <unknown>"},
		{"create, owner id set", ecs, map[string]any{"peer_security_group_id": "sg-peer", "peer_group_owner_id": "1234567890"}, nil, `<unknown> "1234567890"`},
		{"create, a CIDR", ecs, map[string]any{"cidr": "10.0.0.0/8"}, nil, "<null> <null>"},
		{"create, a cloud without owners", baidu, map[string]any{"peer_security_group_id": "g-peer"}, nil, "<null> <null>"},
		{"imported, owners left out", ecs, map[string]any{"peer_security_group_id": "sg-peer"}, reported, `"peer@example.com" "1234567890"`},
		{"imported, owner id set", ecs, map[string]any{"peer_security_group_id": "sg-peer", "peer_group_owner_id": "1234567890"}, reported, `"peer@example.com" "1234567890"`},
		{"another peer group", ecs, map[string]any{"peer_security_group_id": "sg-app"}, reported, "<unknown> <unknown>"},
		{"a peer group not known yet", ecs, map[string]any{"peer_security_group_id": tftypes.UnknownValue}, reported, "<unknown> <unknown>"},
		{"a CIDR instead", ecs, map[string]any{"cidr": "10.0.0.0/8"}, reported, "<null> <null>"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			config := checkModel(tc.config)
			// The schema's plan: the configuration, or the state's value
			// (UseStateForUnknown) where it leaves an owner out.
			plan := config
			var state *ruleModel
			if tc.state != nil {
				s := checkModel(tc.state)
				state = &s
				for _, o := range []struct{ plan, state *types.String }{{&plan.PeerGroupOwnerAccount, &s.PeerGroupOwnerAccount}, {&plan.PeerGroupOwnerID, &s.PeerGroupOwnerID}} {
					if o.plan.IsNull() {
						*o.plan = *o.state
					}
				}
			}
			planOwners(config, &plan, state, tc.caps)
			if got := plan.PeerGroupOwnerAccount.String() + " " + plan.PeerGroupOwnerID.String(); got != tc.want {
				t.Fatalf("planned %s, want %s", got, tc.want)
			}
		})
	}
}
