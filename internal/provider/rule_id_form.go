package provider

import (
	"fmt"
	"strings"
	"unicode"

	"github.com/secgroup/terraform-provider-secgroup/internal/cloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/rule"
)

// A secgroup_rule id that rule.ParseID reads may still name no rule of its
// cloud: a line ending kept from a file, capitals, a stray character. A
// keep-list holding it keeps nothing, and an import of it finds nothing,
// so both check it against the form the cloud gives its rules
// (cloud.Capabilities.RuleIDs, one place for every cloud).

// idForm says how def names a rule in a secgroup_rule id.
func idForm(def cloud.Cloud) string {
	if caps := def.Capabilities; caps.NativeIDs {
		return fmt.Sprintf("%s names a rule by its rule id (%s/<group>/<rule id>), and its rule ids are %s, such as %s",
			def.Title, def.Name, caps.RuleIDs.Text, caps.RuleIDs.Example)
	}
	return fmt.Sprintf("%s names a rule by its content (%s/<group>/<direction>,<protocol>,<port_range>,<cidr>[,name=value...])", def.Title, def.Name)
}

// spaceInID says what is wrong with s, an id of a rule of def, when it
// holds white space or a control character, which no id of any form
// has, and the fix; "" when it holds none. It comes before any other
// check: the fix is the same whatever else the id looks like.
func spaceInID(def cloud.Cloud, s string) string {
	if !strings.ContainsFunc(s, func(c rune) bool { return unicode.IsSpace(c) || unicode.IsControl(c) }) {
		return ""
	}
	return idForm(def) + ", with no white space or line ending. Trim the line endings and white space: a list read from a file " +
		"with Windows line endings keeps a \\r at the end of every line (read it with " +
		`[for l in split("\n", file("ids.txt")) : trimspace(l) if trimspace(l) != ""])`
}

// idFormProblem says why id names no rule of def, with the form expected
// and the fix; "" when it has def's form: the cloud's own rule id in the
// form the vendor documents, or the content where the cloud has no rule
// ids (or anyway, with anyContent: an import takes both).
func idFormProblem(def cloud.Cloud, id rule.ID, anyContent bool) string {
	caps := def.Capabilities
	switch {
	case !id.IsNative() && anyContent:
		return ""
	case id.IsNative() != caps.NativeIDs:
		return idForm(def) + ", as the id of secgroup_rule, the secgroup_rules data source and terraform query give it"
	case !id.IsNative() || caps.RuleIDs.Matches(id.Rule.NativeID):
		return ""
	}
	fix := "Use the id of a secgroup_rule resource, or one the secgroup_rules data source or terraform query gives"
	if lower := strings.ToLower(id.Rule.NativeID); caps.RuleIDs.Matches(lower) {
		fix = fmt.Sprintf("Write it in lower case, %q, as the cloud gives it", rule.ID{Cloud: id.Cloud, GroupID: id.GroupID, Rule: rule.Rule{NativeID: lower}})
	}
	return fmt.Sprintf("%s; %q is not one. %s", idForm(def), id.Rule.NativeID, fix)
}
