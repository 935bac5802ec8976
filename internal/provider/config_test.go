package provider

import (
	"fmt"
	"strings"
)

// ruleBlock is one secgroup_rule resource block: its name, cloud, group
// and direction, then any other attributes as HCL lines ("protocol = \"tcp\"").
func ruleBlock(name, cloudName, group, direction string, attrs ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "resource \"secgroup_rule\" %q {\n  cloud             = %q\n  security_group_id = %q\n  direction         = %q\n", name, cloudName, group, direction)
	for _, a := range attrs {
		b.WriteString("  " + a + "\n")
	}
	b.WriteString("}\n")
	return b.String()
}

// tcpRule is an ingress tcp rule: the most common block of the tests.
func tcpRule(name, cloudName, group, ports, cidr string, attrs ...string) string {
	return ruleBlock(name, cloudName, group, "ingress", append([]string{`protocol = "tcp"`, fmt.Sprintf("port_range = %q", ports), fmt.Sprintf("cidr = %q", cidr)}, attrs...)...)
}

// rulesData is a secgroup_rules data source block over one group.
func rulesData(name, cloudName, group string, attrs ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "data \"secgroup_rules\" %q {\n  cloud             = %q\n  security_group_id = %q\n", name, cloudName, group)
	for _, a := range attrs {
		b.WriteString("  " + a + "\n")
	}
	b.WriteString("}\n")
	return b.String()
}
