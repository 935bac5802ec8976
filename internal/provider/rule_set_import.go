package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/secgroup/terraform-provider-secgroup/internal/cloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/rule"
)

// ruleSetIDGrammar is the import id of a set.
const ruleSetIDGrammar = `"<cloud>/<security_group_id>/<rule>;<rule>;...", each <rule> a rule id, or the rule's content (direction,protocol,port_range,cidr[,name=value...]), or a whole secgroup_rule id of the same group`

// ImportState takes in the rules an id names, each of which the group
// must hold once; their keys are derived from their content (importKey).
// A configuration with other keys for the same rules plans no writes:
// the rules move to the configured keys (diffSet).
func (r *RuleSetResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	cloudName, group, ids, problem := parseSetImportID(req.ID)
	if problem != "" {
		resp.Diagnostics.AddError("Invalid Import ID", fmt.Sprintf("%q is not a secgroup_rule_set import id: %s; expected %s.", req.ID, problem, ruleSetIDGrammar))
		return
	}
	def, ok := r.registry.Get(cloudName)
	if !ok {
		resp.Diagnostics.AddError("Invalid Import ID", fmt.Sprintf("%q names cloud %q; use one of %s.", req.ID, cloudName, strings.Join(r.registry.Names(), ", ")))
		return
	}
	var named []rule.ID
	for _, s := range ids {
		if why := spaceInID(def, s); why != "" {
			resp.Diagnostics.AddError("Invalid Import ID", fmt.Sprintf("%q names no rule: %s.", s, why))
			return
		}
		id, err := rule.ParseID(s)
		if err != nil {
			resp.Diagnostics.AddError("Invalid Import ID", err.Error())
			return
		}
		if why := idFormProblem(def, id, true); why != "" {
			resp.Diagnostics.AddError("Invalid Import ID", fmt.Sprintf("%q names no rule: %s.", s, why))
			return
		}
		named = append(named, id)
	}
	ctx, cancel, c := connect(ctx, r.conns, cloudName, defaultReadTimeout, &resp.Diagnostics)
	defer cancel()
	if c == nil {
		return
	}
	rules, err := c.List(ctx, group)
	switch {
	case cloud.KindOf(err) == cloud.KindGroupGone:
		resp.Diagnostics.AddError("Cannot Import Rule Set", fmt.Sprintf("%s has no security group %s where the %s block of the provider points: check the group id in %q.", def.Title, group, cloudName, req.ID))
		return
	case err != nil:
		addReadError(&resp.Diagnostics, group, "read to import its rules", err)
		return
	}
	caps := def.Capabilities
	h := newHeld()
	taken := map[int]string{}
	for i, id := range named {
		var matches []int
		for j, o := range rules {
			if id.IsNative() && o.NativeID == id.Rule.NativeID || !id.IsNative() && id.Rule.Matches(o) {
				matches = append(matches, j)
			}
		}
		switch len(matches) {
		case 0:
			resp.Diagnostics.AddError("Cannot Import Rule Set", fmt.Sprintf("Security group %s has no rule that %q names. The secgroup_rules data source lists the group's rules, each with its id.", group, ids[i]))
			return
		case 1:
		default:
			resp.Diagnostics.AddError("Ambiguous Import ID", fmt.Sprintf("%q names %d rules of security group %s: name each by the id the secgroup_rules data source gives it.", ids[i], len(matches), group))
			return
		}
		o := rules[matches[0]]
		if earlier, twice := taken[matches[0]]; twice {
			resp.Diagnostics.AddError("Invalid Import ID", fmt.Sprintf("%q and %q name the same rule of security group %s: name it once.", earlier, ids[i], group))
			return
		}
		taken[matches[0]] = ids[i]
		e := nullEntry().observed(cloudName, group, o, caps)
		key := importKey(e)
		for n := 2; h.entries[key] != (setEntry{}); n++ {
			key = fmt.Sprintf("%s_%d", importKey(e), n)
		}
		h.put(key, e, rule.ID{Cloud: cloudName, GroupID: group, Rule: o}.String())
	}
	m := ruleSetModel{
		ID: types.StringValue(setID(cloudName, group)), Cloud: types.StringValue(cloudName), SecurityGroupID: types.StringValue(group),
		Rules: setEntriesValue(ctx, h.entries, &resp.Diagnostics), RuleIDs: idsValue(h.ids),
	}
	m.Timeouts.Object = types.ObjectNull(timeoutsAttrTypes)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), m.ID)...)
}

// importKey is an imported rule's key: what it does, in words, with only
// what its entry sets, as an HCL identifier ("ingress_tcp_443_from_10_0_0_0_8"):
// Terraform before 1.15 and OpenTofu write map keys unquoted in the
// configuration -generate-config-out makes.
func importKey(e setEntry) string {
	r := e.attrs().toRule()
	r.Description, r.NativeID = "", ""
	return strings.Trim(notInIdentifiers.ReplaceAllString(r.Summary(), "_"), "_")
}

var notInIdentifiers = regexp.MustCompile(`[^A-Za-z0-9_-]+`)

// parseSetImportID splits a set's import id into its cloud, group and the
// secgroup_rule ids of its rules; problem says what is wrong.
func parseSetImportID(s string) (cloudName, group string, ids []string, problem string) {
	parts := strings.SplitN(s, "/", 3)
	if len(parts) < 3 || parts[0] == "" || parts[1] == "" {
		return "", "", nil, "it names no cloud, group and rules"
	}
	cloudName, group = parts[0], parts[1]
	prefix := cloudName + "/" + group + "/"
	for _, p := range strings.Split(parts[2], ";") {
		p = strings.TrimPrefix(p, prefix)
		if p == "" {
			return "", "", nil, "a rule is empty (two ';' in a row, or one at the end)"
		}
		if !strings.Contains(p, ",") && strings.Count(p, "/") >= 2 {
			return "", "", nil, fmt.Sprintf("%q is a rule of another group: a set holds rules of %s alone", p, prefix[:len(prefix)-1])
		}
		ids = append(ids, prefix+p)
	}
	return cloudName, group, ids, ""
}
