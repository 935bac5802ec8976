package rule

import (
	"fmt"
	"strconv"
	"strings"
)

// PortRange is an inclusive span of ports. The zero value means "no ports",
// which is what protocols without ports (icmp, gre, all) carry.
type PortRange struct {
	From, To int
}

// IsZero reports whether the range is the "no ports" value.
func (p PortRange) IsZero() bool { return p == PortRange{} }

// String is the canonical portable spelling: "22" for one port, "80-443"
// for a span, "" for no ports.
func (p PortRange) String() string {
	switch {
	case p.IsZero():
		return ""
	case p.From == p.To:
		return strconv.Itoa(p.From)
	default:
		return fmt.Sprintf("%d-%d", p.From, p.To)
	}
}

// Slash is the spelling the Alibaba family puts on the wire: "22/22",
// "80/443", and "-1/-1" for no ports.
func (p PortRange) Slash() string {
	if p.IsZero() {
		return "-1/-1"
	}
	return fmt.Sprintf("%d/%d", p.From, p.To)
}

// ParsePortRange reads "22", "80-443" or "80/443" (all three spellings users
// meet in vendor docs) and checks 1 <= from <= to <= 65535. An empty string
// is the zero range. "-1/-1" and "-1", the vendors' "no ports", are accepted
// too so that values read back from a cloud parse.
func ParsePortRange(s string) (PortRange, error) {
	s = strings.TrimSpace(s)
	if s == "" || s == "-1" || s == "-1/-1" || s == "-1--1" {
		return PortRange{}, nil
	}
	from, to, found := strings.Cut(s, "-")
	if !found {
		from, to, found = strings.Cut(s, "/")
	}
	if !found {
		to = from
	}
	a, err := parsePort(from)
	if err != nil {
		return PortRange{}, fmt.Errorf("%q is not a port range: %w; write a port such as \"22\" or a range such as \"80-443\"", s, err)
	}
	b, err := parsePort(to)
	if err != nil {
		return PortRange{}, fmt.Errorf("%q is not a port range: %w; write a port such as \"22\" or a range such as \"80-443\"", s, err)
	}
	if a > b {
		return PortRange{}, fmt.Errorf("%q starts after it ends; write \"%d-%d\"", s, b, a)
	}
	return PortRange{From: a, To: b}, nil
}

func parsePort(s string) (int, error) {
	n, err := strconv.Atoi(s)
	if err != nil || s == "" || s[0] == '+' {
		return 0, fmt.Errorf("%q is not a number", s)
	}
	if n < 1 || n > 65535 {
		return 0, fmt.Errorf("port %d is outside 1-65535", n)
	}
	return n, nil
}

// CanonicalPortRange returns the canonical spelling of s, or an error.
func CanonicalPortRange(s string) (string, error) {
	p, err := ParsePortRange(s)
	if err != nil {
		return "", err
	}
	return p.String(), nil
}
