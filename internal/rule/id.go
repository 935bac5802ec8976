package rule

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// ID is a parsed resource id. The id has two documented forms, both
// "<cloud>/<security_group_id>/<rule>":
//
//   - native:  alicloud/sg-123/sgr-abc, where the cloud has rule ids;
//   - content: alicloud/sg-123/ingress,tcp,22,10.0.0.0/8[,key=value...],
//     where <rule> lists direction, protocol, port range and CIDR, then any
//     further attribute as name=value (policy, priority, nic_type,
//     source_port_range, local_cidr, peer_security_group_id,
//     peer_group_owner_account, peer_group_owner_id, prefix_list_id).
//
// Commas never occur in addresses, ports or cloud ids, so IPv6 CIDRs need
// no escaping, and the two forms are told apart by the comma.
type ID struct {
	Cloud   string
	GroupID string
	Rule    Rule // NativeID set for the native form, content otherwise
}

// IsNative reports whether the id names the rule by the cloud's own id.
func (id ID) IsNative() bool { return id.Rule.NativeID != "" }

// String formats the id: the native form when the rule has a native id,
// the content form otherwise.
func (id ID) String() string {
	if id.Rule.NativeID != "" {
		return id.Cloud + "/" + id.GroupID + "/" + id.Rule.NativeID
	}
	return id.Cloud + "/" + id.GroupID + "/" + ContentKey(id.Rule)
}

// ContentKey is the <rule> part of a content id. Only attributes that are
// set are written; the order is fixed so the same rule always gives the same
// key.
func ContentKey(r Rule) string {
	parts := []string{r.Direction, r.Protocol, r.Ports.String(), r.CIDR}
	for _, kv := range []struct{ k, v string }{
		{"policy", r.Policy},
		{"priority", itoa(r.Priority)},
		{"peer_security_group_id", r.PeerGroupID},
		{"peer_group_owner_account", r.PeerGroupOwnerAccount},
		{"peer_group_owner_id", r.PeerGroupOwnerID},
		{"prefix_list_id", r.PrefixListID},
		{"local_cidr", r.LocalCIDR},
		{"source_port_range", r.SourcePorts.String()},
		{"nic_type", r.NicType},
	} {
		if kv.v != "" {
			parts = append(parts, kv.k+"="+kv.v)
		}
	}
	return strings.Join(parts, ",")
}

func itoa(n int) string {
	if n == 0 {
		return ""
	}
	return strconv.Itoa(n)
}

// IDKeys lists the name=value keys a content id accepts.
var IDKeys = []string{"policy", "priority", "peer_security_group_id", "peer_group_owner_account",
	"peer_group_owner_id", "prefix_list_id", "local_cidr", "source_port_range", "nic_type"}

const idGrammar = `"<cloud>/<security_group_id>/<rule id>" or "<cloud>/<security_group_id>/<direction>,<protocol>,<port_range>,<cidr>[,name=value...]"`

// ParseID reads either id form. It validates every part, so a malformed id
// is a clear error, never a panic or a half-filled state.
func ParseID(s string) (ID, error) {
	parts := strings.SplitN(s, "/", 3)
	if len(parts) != 3 || parts[0] == "" || parts[1] == "" || parts[2] == "" {
		return ID{}, fmt.Errorf("%q is not a secgroup_rule id; expected %s", s, idGrammar)
	}
	id := ID{Cloud: parts[0], GroupID: parts[1]}
	if !strings.Contains(parts[2], ",") {
		if strings.ContainsAny(parts[2], "/ ") {
			return ID{}, fmt.Errorf("%q is not a secgroup_rule id: %q is neither a rule id nor a rule description; expected %s", s, parts[2], idGrammar)
		}
		id.Rule.NativeID = parts[2]
		return id, nil
	}
	r, err := parseContentKey(parts[2])
	if err != nil {
		return ID{}, fmt.Errorf("%q is not a secgroup_rule id: %w; expected %s", s, err, idGrammar)
	}
	id.Rule = r
	return id, nil
}

func parseContentKey(key string) (Rule, error) {
	fields := strings.Split(key, ",")
	if len(fields) < 4 {
		return Rule{}, fmt.Errorf("the rule part needs at least direction, protocol, port range and cidr (the last two may be empty)")
	}
	var r Rule
	r.Direction = fields[0]
	if r.Direction != Ingress && r.Direction != Egress {
		return Rule{}, fmt.Errorf("direction %q must be ingress or egress", r.Direction)
	}
	r.Protocol = fields[1]
	if !slices.Contains(Protocols, r.Protocol) {
		return Rule{}, fmt.Errorf("protocol %q must be one of %s", r.Protocol, strings.Join(Protocols, ", "))
	}
	var err error
	if r.Ports, err = ParsePortRange(fields[2]); err != nil {
		return Rule{}, err
	}
	if fields[3] != "" {
		if r.CIDR, err = CanonicalCIDR(fields[3]); err != nil {
			return Rule{}, err
		}
	}
	seen := map[string]bool{}
	for _, f := range fields[4:] {
		k, v, ok := strings.Cut(f, "=")
		if !ok || v == "" {
			return Rule{}, fmt.Errorf("%q must be name=value, with name one of %s", f, strings.Join(IDKeys, ", "))
		}
		if seen[k] {
			return Rule{}, fmt.Errorf("%q is given twice", k)
		}
		seen[k] = true
		switch k {
		case "policy":
			if !slices.Contains(Policies, v) {
				return Rule{}, fmt.Errorf("policy %q must be accept or drop", v)
			}
			r.Policy = v
		case "priority":
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 {
				return Rule{}, fmt.Errorf("priority %q must be a positive number", v)
			}
			r.Priority = n
		case "peer_security_group_id":
			r.PeerGroupID = v
		case "peer_group_owner_account":
			r.PeerGroupOwnerAccount = v
		case "peer_group_owner_id":
			r.PeerGroupOwnerID = v
		case "prefix_list_id":
			r.PrefixListID = v
		case "local_cidr":
			if r.LocalCIDR, err = CanonicalCIDR(v); err != nil {
				return Rule{}, err
			}
		case "source_port_range":
			if r.SourcePorts, err = ParsePortRange(v); err != nil {
				return Rule{}, err
			}
		case "nic_type":
			r.NicType = v
		default:
			keys := append([]string(nil), IDKeys...)
			sort.Strings(keys)
			return Rule{}, fmt.Errorf("unknown name %q; use one of %s", k, strings.Join(keys, ", "))
		}
	}
	if err := CheckShape(r); err != nil {
		return Rule{}, err
	}
	return r, nil
}

// CheckShape checks the rules every cloud shares: ports only for tcp/udp,
// and exactly one peer. It returns the first problem found.
func CheckShape(r Rule) error {
	if HasPorts(r.Protocol) && r.Ports.IsZero() {
		return fmt.Errorf("protocol %s needs a port range", r.Protocol)
	}
	if !HasPorts(r.Protocol) && !r.Ports.IsZero() {
		return fmt.Errorf("protocol %s takes no port range", r.Protocol)
	}
	peers := 0
	for _, p := range []string{r.CIDR, r.PeerGroupID, r.PrefixListID} {
		if p != "" {
			peers++
		}
	}
	if peers != 1 {
		return fmt.Errorf("exactly one of cidr, peer_security_group_id and prefix_list_id must be set")
	}
	return nil
}
