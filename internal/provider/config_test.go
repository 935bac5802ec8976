package provider

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// groupBlock is a block over one group: its header ("resource
// \"secgroup_rule\" \"x\""), cloud and group, then any other attributes as
// HCL lines ("protocol = \"tcp\"").
func groupBlock(header, cloudName, group string, attrs ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s {\n  cloud             = %q\n  security_group_id = %q\n", header, cloudName, group)
	for _, a := range attrs {
		b.WriteString("  " + a + "\n")
	}
	b.WriteString("}\n")
	return b.String()
}

// ruleBlock is one secgroup_rule resource block: its name, cloud, group
// and direction, then any other attributes.
func ruleBlock(name, cloudName, group, direction string, attrs ...string) string {
	return groupBlock(fmt.Sprintf("resource \"secgroup_rule\" %q", name), cloudName, group, append([]string{fmt.Sprintf("direction         = %q", direction)}, attrs...)...)
}

// tcpRule is an ingress tcp rule: the most common block of the tests.
func tcpRule(name, cloudName, group, ports, cidr string, attrs ...string) string {
	return ruleBlock(name, cloudName, group, "ingress", append([]string{`protocol = "tcp"`, fmt.Sprintf("port_range = %q", ports), fmt.Sprintf("cidr = %q", cidr)}, attrs...)...)
}

// rulesData is a secgroup_rules data source block over one group.
func rulesData(name, cloudName, group string, attrs ...string) string {
	return groupBlock(fmt.Sprintf("data \"secgroup_rules\" %q", name), cloudName, group, attrs...)
}

// lines is attribute lines for a block's body.
func lines(attrs ...string) string { return strings.Join(attrs, "\n  ") }

// resourceBlock writes a resource block of string attributes (priority a number).
func resourceBlock(typeName, name string, attrs map[string]string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "resource %q %q {\n", typeName, name)
	for _, k := range slices.Sorted(maps.Keys(attrs)) {
		if k == "priority" {
			fmt.Fprintf(&b, "  %s = %s\n", k, attrs[k])
			continue
		}
		fmt.Fprintf(&b, "  %s = %q\n", k, attrs[k])
	}
	b.WriteString("}\n")
	return b.String()
}
