package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/secgroup/terraform-provider-secgroup/internal/cloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/rule"
)

// ImportState accepts both id forms, and an identity (an import block's
// identity = {...}, Terraform 1.12+), which names the same parts; Read
// then fills in the rest.
func (r *RuleResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	importID := req.ID
	if importID == "" {
		var diags diag.Diagnostics
		importID, diags = idFromIdentity(req.Identity)
		if resp.Diagnostics.Append(diags...); diags.HasError() {
			return
		}
	}
	req.ID = importID
	// An id with a line ending or white space names no rule, whatever it
	// parses as.
	if cloudName, _, _ := strings.Cut(req.ID, "/"); cloudName != "" {
		if def, ok := r.registry.Get(cloudName); ok && spaceInID(def, req.ID) != "" {
			resp.Diagnostics.AddError("Invalid Import ID", fmt.Sprintf("%q names no rule: %s.", req.ID, spaceInID(def, req.ID)))
			return
		}
	}
	id, err := rule.ParseID(req.ID)
	if err != nil {
		resp.Diagnostics.AddError("Invalid Import ID", err.Error())
		return
	}
	def, ok := r.registry.Get(id.Cloud)
	if !ok {
		resp.Diagnostics.AddError("Invalid Import ID", fmt.Sprintf("%q names cloud %q; use one of %s.", req.ID, id.Cloud, strings.Join(r.registry.Names(), ", ")))
		return
	}
	// Both forms are the cloud's: its rule ids (of the form it documents)
	// and the content. An id of another form names no rule.
	if problem := idFormProblem(def, id, true); problem != "" {
		resp.Diagnostics.AddError("Invalid Import ID", fmt.Sprintf("%q names no rule: %s.", req.ID, problem))
		return
	}
	// The id must name exactly one rule of a group that exists: Terraform
	// would otherwise say only "non-existent remote object", or import
	// the first of several rules silently. The describe is shared with
	// the Read that follows.
	ctx, cancel, c := connect(ctx, r.conns, id.Cloud, defaultReadTimeout, &resp.Diagnostics)
	defer cancel()
	if c == nil {
		return
	}
	rules, err := c.List(ctx, id.GroupID)
	switch {
	case cloud.KindOf(err) == cloud.KindGroupGone:
		resp.Diagnostics.AddError("Cannot Import Rule", fmt.Sprintf("%s has no security group %s where the %s block of the provider points: check the group id in %q.", def.Title, id.GroupID, id.Cloud, req.ID))
		return
	case err != nil:
		addReadError(&resp.Diagnostics, id.GroupID, "read to import "+req.ID, err)
		return
	}
	var matches []rule.Rule
	for _, o := range rules {
		if id.IsNative() && o.NativeID == id.Rule.NativeID || !id.IsNative() && id.Rule.Matches(o) {
			matches = append(matches, o)
		}
	}
	switch len(matches) {
	case 0:
		resp.Diagnostics.AddError("Cannot Import Rule", fmt.Sprintf("Security group %s has no rule that %q names. The secgroup_rules data source lists the group's rules, each with its import id.", id.GroupID, req.ID))
		return
	case 1:
	default:
		var ids []string
		for _, o := range matches {
			ids = append(ids, "  "+rule.ID{Cloud: id.Cloud, GroupID: id.GroupID, Rule: o}.String()+"   ("+o.String()+")")
		}
		resp.Diagnostics.AddError("Ambiguous Import ID", fmt.Sprintf("%q names %d rules of security group %s:\n\n%s\n\nImport one of them by its id above.", req.ID, len(matches), id.GroupID, strings.Join(ids, "\n")))
		return
	}
	// The rule as the cloud reports it (its id, and whatever else is part
	// of its identity there), so the Read that follows finds it.
	m := newRuleModel()
	m.setObserved(id.Cloud, id.GroupID, matches[0])
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
	setIdentity(ctx, resp.Identity, m.ID.ValueString())
}
