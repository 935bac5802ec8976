package ecsrules

import (
	"bytes"
	"encoding/json"
	"strings"
)

// Permission is one rule as DescribeSecurityGroupAttribute answers it, on
// ECS, Apsara Stack and ENS alike. It is our own copy of the SDKs' type
// (services/ecs and services/ens Permission) with the fields the provider
// reads, because the generated service packages are most of the binary's
// size. Every field reads as text whether the answer spells it as a string
// or a number: ECS's SDK types Priority as a string, ENS's as an integer,
// and stacks differ.
type Permission struct {
	SecurityGroupRuleId     Text `json:"SecurityGroupRuleId"` //nolint:revive // the API's names
	Direction               Text `json:"Direction"`
	IpProtocol              Text `json:"IpProtocol"`
	PortRange               Text `json:"PortRange"`
	SourcePortRange         Text `json:"SourcePortRange"`
	Policy                  Text `json:"Policy"`
	Priority                Text `json:"Priority"`
	NicType                 Text `json:"NicType"`
	Description             Text `json:"Description"`
	SourceCidrIp            Text `json:"SourceCidrIp"`
	Ipv6SourceCidrIp        Text `json:"Ipv6SourceCidrIp"`
	SourceGroupId           Text `json:"SourceGroupId"`
	SourceGroupOwnerAccount Text `json:"SourceGroupOwnerAccount"`
	SourceGroupOwnerId      Text `json:"SourceGroupOwnerId"`
	SourcePrefixListId      Text `json:"SourcePrefixListId"`
	DestCidrIp              Text `json:"DestCidrIp"`
	Ipv6DestCidrIp          Text `json:"Ipv6DestCidrIp"`
	DestGroupId             Text `json:"DestGroupId"`
	DestGroupOwnerAccount   Text `json:"DestGroupOwnerAccount"`
	DestGroupOwnerId        Text `json:"DestGroupOwnerId"`
	DestPrefixListId        Text `json:"DestPrefixListId"`
	// CreateTime is ECS's spelling, CreationTime ENS's.
	CreateTime   Text `json:"CreateTime"`
	CreationTime Text `json:"CreationTime"`
}

// DescribeAnswer is DescribeSecurityGroupAttribute's answer.
type DescribeAnswer struct {
	NextToken   Text `json:"NextToken"`
	Permissions struct {
		Permission []Permission `json:"Permission"`
	} `json:"Permissions"`
}

// Text is a JSON string, or a number or boolean kept as written (account
// ids exactly), or empty for null.
type Text string

// UnmarshalJSON reads any JSON scalar as text.
func (t *Text) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case bytes.Equal(b, []byte("null")):
		*t = ""
	case len(b) > 0 && b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*t = Text(s)
	default:
		*t = Text(strings.TrimSpace(string(b)))
	}
	return nil
}

func (t Text) String() string { return string(t) }
