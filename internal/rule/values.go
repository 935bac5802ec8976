package rule

// Directions.
const (
	Ingress = "ingress"
	Egress  = "egress"
)

// Protocols, in the portable spelling (lower case).
const (
	TCP    = "tcp"
	UDP    = "udp"
	ICMP   = "icmp"
	GRE    = "gre"
	ICMPv6 = "icmpv6"
	All    = "all"
)

// Policies.
const (
	Accept = "accept"
	Drop   = "drop"
)

// Directions lists every direction, for validators and docs.
var Directions = []string{Ingress, Egress}

// Protocols lists every portable protocol, for validators and docs.
var Protocols = []string{TCP, UDP, ICMP, GRE, ICMPv6, All}

// Policies lists every policy.
var Policies = []string{Accept, Drop}

// HasPorts reports whether a protocol takes a port range.
func HasPorts(protocol string) bool {
	return protocol == TCP || protocol == UDP
}
