package provider

import (
	"fmt"
	"maps"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/secgroup/terraform-provider-secgroup/internal/rule"
)

// What secgroup_rules_exclusive keeps and revokes, worked out from values
// alone: the plan and the apply call these, and a table test pins them
// (TestExclusiveChoice).

// exclusiveEntry is one entry of the rules attribute (state version 2):
// the rule's direction, which the direction filter reads, and its line
// (rule.Line, persisted), which the apply compares with the rule the
// group holds before revoking it.
type exclusiveEntry struct {
	Direction string
	Line      string
}

// exclusiveEntryType is the type of an entry of the rules attribute.
var exclusiveEntryType = types.ObjectType{AttrTypes: map[string]attr.Type{"direction": types.StringType, "line": types.StringType}}

// entryOf is a rule as the rules attribute holds it.
func entryOf(o rule.Rule) exclusiveEntry {
	return exclusiveEntry{Direction: o.Direction, Line: o.Line()}
}

// entriesOf is the group's rules as the rules attribute holds them.
func entriesOf(cloudName, group string, rules []rule.Rule) map[string]exclusiveEntry {
	out := make(map[string]exclusiveEntry, len(rules))
	for _, o := range rules {
		out[rule.ID{Cloud: cloudName, GroupID: group, Rule: o}.String()] = entryOf(o)
	}
	return out
}

// entriesValue is entries as the rules attribute's value.
func entriesValue(entries map[string]exclusiveEntry) types.Map {
	values := make(map[string]attr.Value, len(entries))
	for k, e := range entries {
		values[k] = types.ObjectValueMust(exclusiveEntryType.AttrTypes, map[string]attr.Value{
			"direction": types.StringValue(e.Direction), "line": types.StringValue(e.Line)})
	}
	return types.MapValueMust(exclusiveEntryType, values)
}

// entriesFrom reads the rules attribute's value.
func entriesFrom(v types.Map) map[string]exclusiveEntry {
	out := map[string]exclusiveEntry{}
	for k, e := range v.Elements() {
		o, ok := e.(types.Object)
		if !ok {
			continue
		}
		var entry exclusiveEntry
		if d, ok := o.Attributes()["direction"].(types.String); ok {
			entry.Direction = d.ValueString()
		}
		if l, ok := o.Attributes()["line"].(types.String); ok {
			entry.Line = l.ValueString()
		}
		out[k] = entry
	}
	return out
}

// checkNotEmpty refuses a known, empty rule_ids unless allow_empty is
// true: applying it would revoke every rule of the group.
func checkNotEmpty(m rulesExclusiveModel) diag.Diagnostics {
	var diags diag.Diagnostics
	if m.RuleIDs.IsNull() || m.RuleIDs.IsUnknown() || len(m.RuleIDs.Elements()) > 0 || m.AllowEmpty.IsUnknown() || m.AllowEmpty.ValueBool() {
		return diags
	}
	diags.AddAttributeError(path.Root("rule_ids"), "Empty Keep-List",
		fmt.Sprintf("rule_ids is empty, so applying it would revoke every rule of security group %s (but tolerated_rule_ids). "+
			"If the group is meant to hold no rules, set allow_empty = true. Otherwise check the expression that builds rule_ids: "+
			"a for expression over a resource with count = 0 or an empty for_each gives an empty set.", m.SecurityGroupID.ValueString()))
	return diags
}

// exclusion is what a group keeps: the rules the keep-lists name, and
// every rule of the other direction when one is set.
type exclusion struct {
	keep      []rule.Rule
	direction string
	identity  rule.Identity
	// known: the plan can say which rules the group keeps (DESIGN.md,
	// "The exclusive resource's revokes": unknown keep-lists, and
	// unknown ids on clouds whose rule ids are contents).
	known bool
}

// keepListsUnknown reports whether the keep-lists or the direction are
// not known until apply, so no plan can say which rules stay.
func keepListsUnknown(m rulesExclusiveModel) bool {
	return m.Direction.IsUnknown() || m.RuleIDs.IsUnknown() || m.TolerateRuleIDs.IsUnknown()
}

// exclusionOf reads the model's keep-lists. Ids of another cloud or
// group, and ids not of the form the cloud gives its rules, are errors
// on their element, one each.
func (r *RulesExclusive) exclusionOf(m rulesExclusiveModel) (exclusion, diag.Diagnostics) {
	var diags diag.Diagnostics
	def, found := r.registry.Get(m.Cloud.ValueString())
	ex := exclusion{direction: m.Direction.ValueString(), identity: def.Capabilities.Identity,
		known: !keepListsUnknown(m)}
	for _, attribute := range []string{"rule_ids", "tolerated_rule_ids"} {
		set := m.RuleIDs
		if attribute == "tolerated_rule_ids" {
			set = m.TolerateRuleIDs
		}
		for _, e := range set.Elements() {
			v, ok := e.(types.String)
			if !ok {
				continue
			}
			at := path.Root(attribute).AtSetValue(v)
			if v.IsUnknown() {
				// The cloud's own ids are new for an unknown element; contents
				// may be those of a rule the group holds (see known).
				ex.known = ex.known && found && def.Capabilities.NativeIDs
				continue
			}
			if v.IsNull() {
				diags.AddAttributeError(at, "Invalid Rule Id", attribute+" holds a null id: every element must be a secgroup_rule id.")
				continue
			}
			id, err := rule.ParseID(v.ValueString())
			var space, form string
			if found {
				space = spaceInID(def, v.ValueString())
			}
			if found && err == nil {
				form = idFormProblem(def, id, false)
			}
			switch {
			case v.ValueString() == "":
				diags.AddAttributeError(at, "Invalid Rule Id",
					attribute+` holds an empty id: every element must be a secgroup_rule id. A list read from a file ending in a line break has an empty last element: wrap it in compact().`)
			case space != "":
				diags.AddAttributeError(at, "Invalid Rule Id",
					fmt.Sprintf("%s holds %q, which names no rule the group could keep: %s.", attribute, v.ValueString(), space))
			case err != nil:
				diags.AddAttributeError(at, "Invalid Rule Id", fmt.Sprintf("%s: %s. Use the id attribute of a secgroup_rule resource.", attribute, err))
			case known(m.Cloud) && known(m.SecurityGroupID) && (id.Cloud != m.Cloud.ValueString() || id.GroupID != m.SecurityGroupID.ValueString()):
				diags.AddAttributeError(at, "Rule Id of Another Group",
					fmt.Sprintf("%s holds %q, a rule of %s security group %s; this resource makes %s security group %s exclusive. "+
						"List only rules of that group (one secgroup_rules_exclusive per group).",
						attribute, v.ValueString(), id.Cloud, id.GroupID, m.Cloud.ValueString(), m.SecurityGroupID.ValueString()))
			case form != "":
				diags.AddAttributeError(at, "Invalid Rule Id",
					fmt.Sprintf("%s holds %q, which names no rule the group could keep: %s.", attribute, v.ValueString(), form))
			default:
				ex.keep = append(ex.keep, id.Rule)
			}
		}
	}
	return ex, diags
}

// keeps reports whether the group keeps the rule an id and entry name:
// one of another direction than the exclusion's, or one a keep-list
// names.
func (ex exclusion) keeps(id rule.ID, entry exclusiveEntry) bool {
	if ex.direction != "" && entry.Direction != ex.direction {
		return true
	}
	return slices.ContainsFunc(ex.keep, func(k rule.Rule) bool { return ex.identity.Match(k, id.Rule) })
}

// kept is the entries of rules the exclusion keeps: what a plan leaves in
// rules. An entry whose key is not a rule id (a state edited by hand) is
// kept.
func (ex exclusion) kept(rules map[string]exclusiveEntry) map[string]exclusiveEntry {
	out := map[string]exclusiveEntry{}
	for k, entry := range rules {
		id, err := rule.ParseID(k)
		if err != nil || ex.keeps(id, entry) {
			out[k] = entry
		}
	}
	return out
}

// revokeTarget is a rule an apply revokes, as its plan showed it.
type revokeTarget struct {
	key   string
	id    rule.ID
	entry exclusiveEntry
}

// same reports whether the rule the group holds now is the one the plan
// showed: the same direction and line, description and creation time
// included.
func (t revokeTarget) same(current rule.Rule) bool {
	return current.Direction == t.entry.Direction && current.Line() == t.entry.Line
}

// toRevoke is what an apply revokes, in key order: the entries its plan
// removed from rules (in prior, not in planned) that the exclusion, its
// ids all known by now, does not keep. A rule added to the group after
// the plan is in neither map, so it is never chosen; one the plan removed
// that the group no longer holds as the plan showed it is chosen, and
// left by the engine (same).
func toRevoke(prior, planned map[string]exclusiveEntry, ex exclusion) []revokeTarget {
	var out []revokeTarget
	for _, key := range slices.Sorted(maps.Keys(prior)) {
		if _, stays := planned[key]; stays {
			continue
		}
		id, err := rule.ParseID(key)
		if err != nil || ex.keeps(id, prior[key]) {
			continue
		}
		out = append(out, revokeTarget{key: key, id: id, entry: prior[key]})
	}
	return out
}
