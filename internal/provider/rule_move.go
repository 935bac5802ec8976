package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/secgroup/terraform-provider-secgroup/internal/cloud"
)

var _ resource.ResourceWithMoveState = &RuleResource{}

// MoveState takes the vendors' own rule resources into secgroup_rule with a
// `moved` block (Terraform 1.8+): their state is mapped as it is, with no
// API call (the provider is not configured during a move); the next
// refresh fills in what the source did not keep (the rule's id, the
// cloud's defaults). Which resources, and how their attributes map, each
// cloud says (cloud.Cloud.MovesFrom).
func (r *RuleResource) MoveState(context.Context) []resource.StateMover {
	return []resource.StateMover{{StateMover: r.moveState}}
}

func (r *RuleResource) moveState(ctx context.Context, req resource.MoveStateRequest, resp *resource.MoveStateResponse) {
	def, move, ok := r.registry.MoveSource(req.SourceProviderAddress, req.SourceTypeName)
	if !ok {
		return // not ours: the framework says no mover took it
	}
	fail := func(format string, args ...any) {
		resp.Diagnostics.AddError("Cannot Move Rule",
			fmt.Sprintf("%s (%s) cannot move into secgroup_rule: ", req.SourceTypeName, req.SourceProviderAddress)+fmt.Sprintf(format, args...))
	}
	if req.SourceSchemaVersion != 0 {
		fail("its state is at schema version %d; secgroup moves schema version 0, as the vendor's provider writes it. Upgrade or downgrade the %s provider, or remove the resource from state and import it into secgroup_rule.",
			req.SourceSchemaVersion, move.Provider)
		return
	}
	if req.SourceRawState == nil || len(req.SourceRawState.JSON) == 0 {
		fail("its state is empty.")
		return
	}
	attrs, err := cloud.MoveAttrs(req.SourceRawState.JSON)
	if err != nil {
		fail("%v.", err)
		return
	}
	group, rl, err := move.Rule(attrs)
	if err != nil {
		fail("%v.", err)
		return
	}
	m := newRuleModel()
	m.setObserved(def.Name, group, rl)
	resp.Diagnostics.Append(resp.TargetState.Set(ctx, &m)...)
	// The identity where the moved state already names the rule as the
	// cloud does; else (the vendor's state has no rule id) the refresh
	// that follows gives it, once the rule's id is read.
	if rl.NativeID != "" || !def.Capabilities.NativeIDs {
		setIdentity(ctx, resp.TargetIdentity, m.ID.ValueString())
	}
}
