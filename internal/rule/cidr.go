package rule

import (
	"fmt"
	"net/netip"
	"strings"
)

// ParseCIDR reads an IPv4 or IPv6 CIDR block or a bare address (taken as a
// single-host block) and returns it in canonical form: lower-case, IPv6
// compressed, always with a prefix length. Host bits must be zero, since a
// cloud would silently mask them and the plan would never converge.
func ParseCIDR(s string) (netip.Prefix, error) {
	in := strings.TrimSpace(s)
	if in == "" {
		return netip.Prefix{}, fmt.Errorf("empty address range")
	}
	if strings.Contains(in, "%") {
		return netip.Prefix{}, fmt.Errorf("%q has an IPv6 zone, which security group rules cannot use", s)
	}
	var p netip.Prefix
	if strings.Contains(in, "/") {
		var err error
		p, err = netip.ParsePrefix(in)
		if err != nil {
			return netip.Prefix{}, fmt.Errorf("%q is not a CIDR block such as 10.0.0.0/8 or 2001:db8::/32", s)
		}
	} else {
		a, err := netip.ParseAddr(in)
		if err != nil {
			return netip.Prefix{}, fmt.Errorf("%q is not an IP address or CIDR block such as 10.0.0.0/8 or 2001:db8::/32", s)
		}
		p = netip.PrefixFrom(a, a.BitLen())
	}
	if p.Addr().Is4In6() {
		return netip.Prefix{}, fmt.Errorf("%q is an IPv4-mapped IPv6 address; write the IPv4 form %s", s, p.Addr().Unmap())
	}
	if masked := p.Masked(); masked != p {
		return netip.Prefix{}, fmt.Errorf("%q has host bits set; write the network address %s", s, masked)
	}
	return p, nil
}

// CanonicalCIDR returns the canonical spelling of s, or an error.
func CanonicalCIDR(s string) (string, error) {
	p, err := ParseCIDR(s)
	if err != nil {
		return "", err
	}
	return p.String(), nil
}

// NormalizeCIDR canonicalises a CIDR a cloud returned, keeping it as it
// is when it does not parse (so the mismatch shows in the plan).
func NormalizeCIDR(s string) string {
	if c, err := CanonicalCIDR(s); err == nil {
		return c
	}
	return s
}

// IsIPv6 reports whether a canonical CIDR is an IPv6 block.
func IsIPv6(cidr string) bool {
	p, err := netip.ParsePrefix(cidr)
	return err == nil && p.Addr().Is6()
}
