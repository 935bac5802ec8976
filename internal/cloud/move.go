package cloud

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/secgroup/terraform-provider-secgroup/internal/rule"
)

// MoveSource finds the move that takes a source resource of a provider:
// the registry's cloud and its Move, or false.
func (r *Registry) MoveSource(providerAddress, typeName string) (Cloud, Move, bool) {
	provider := providerAddress[strings.LastIndex(providerAddress, "/")+1:]
	for _, c := range r.clouds {
		for _, m := range c.MovesFrom {
			if m.Provider == provider && slices.Contains(m.TypeNames, typeName) {
				return c, m, true
			}
		}
	}
	return Cloud{}, Move{}, false
}

// MoveAttrs reads a source state's attributes, keeping numbers exact.
func MoveAttrs(raw []byte) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var attrs map[string]any
	if err := dec.Decode(&attrs); err != nil {
		return nil, fmt.Errorf("the state does not read as an object: %w", err)
	}
	return attrs, nil
}

// MovedAttr reads one attribute of a moved state as text ("" when absent
// or null).
func MovedAttr(attrs map[string]any, name string) string {
	switch v := attrs[name].(type) {
	case string:
		return v
	case json.Number:
		return v.String()
	case nil:
		return ""
	default:
		return fmt.Sprint(v)
	}
}

// MovedRequired reads an attribute that must be there, or an error naming
// it.
func MovedRequired(attrs map[string]any, name string) (string, error) {
	if v := MovedAttr(attrs, name); v != "" {
		return v, nil
	}
	return "", fmt.Errorf("the state has no %s", name)
}

// MovedGroupRule begins reading a moved rule: its group
// (security_group_id) and its direction (the named attribute).
func MovedGroupRule(attrs map[string]any, directionAttr string) (group string, r rule.Rule, err error) {
	if group, err = MovedRequired(attrs, "security_group_id"); err != nil {
		return "", r, err
	}
	r.Direction, err = MovedDirection(attrs, directionAttr)
	return group, r, err
}

// MovedPorts reads a port range in any vendor spelling ("22/22", "80-443",
// "-1/-1") for a protocol; protocols without ports take none.
func MovedPorts(attrs map[string]any, name, protocol string) (rule.PortRange, error) {
	if !rule.HasPorts(protocol) {
		return rule.PortRange{}, nil
	}
	p, err := rule.ParsePortRange(MovedAttr(attrs, name))
	if err != nil {
		return p, fmt.Errorf("%s: %w", name, err)
	}
	if p.IsZero() {
		return p, fmt.Errorf("%s: protocol %s needs ports, the state has %q", name, protocol, MovedAttr(attrs, name))
	}
	return p, nil
}

// MovedPriority reads a priority ("" or 0: the cloud's default, filled by
// the next refresh).
func MovedPriority(attrs map[string]any, name string) (int, error) {
	v := MovedAttr(attrs, name)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, fmt.Errorf("%s: %q is not a number", name, v)
	}
	return n, nil
}

// MovedProtocol reads a protocol in the portable set, lower-cased.
func MovedProtocol(attrs map[string]any, name string) (string, error) {
	p, err := MovedRequired(attrs, name)
	if err != nil {
		return "", err
	}
	p = strings.ToLower(p)
	if !slices.Contains(rule.Protocols, p) {
		return "", fmt.Errorf("%s: protocol %q is not one of %s", name, p, strings.Join(rule.Protocols, ", "))
	}
	return p, nil
}

// MovedDirection reads ingress or egress.
func MovedDirection(attrs map[string]any, name string) (string, error) {
	d, err := MovedRequired(attrs, name)
	if err != nil {
		return "", err
	}
	d = strings.ToLower(d)
	if !slices.Contains(rule.Directions, d) {
		return "", fmt.Errorf("%s: %q is neither ingress nor egress", name, d)
	}
	return d, nil
}
