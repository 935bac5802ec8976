package provider

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/secgroup/terraform-provider-secgroup/internal/cloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/engine"
	"github.com/secgroup/terraform-provider-secgroup/internal/rule"
)

var (
	_ resource.Resource                   = &RuleSetResource{}
	_ resource.ResourceWithConfigure      = &RuleSetResource{}
	_ resource.ResourceWithImportState    = &RuleSetResource{}
	_ resource.ResourceWithValidateConfig = &RuleSetResource{}
	_ resource.ResourceWithModifyPlan     = &RuleSetResource{}
)

// RuleSetResource is secgroup_rule_set: many rules of one group, each its
// own cloud rule, written together (DESIGN.md, "Rule sets").
type RuleSetResource struct {
	registry *cloud.Registry
	conns    *engine.Connections
}

// NewRuleSetResource builds the resource for the given clouds.
func NewRuleSetResource(registry *cloud.Registry) resource.Resource {
	return &RuleSetResource{registry: registry}
}

// Metadata names the resource.
func (r *RuleSetResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_rule_set"
}

// Schema gives an entry secgroup_rule's attributes, taken from its schema so
// that names, descriptions and validators are one (setEntryAttributes).
func (r *RuleSetResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	replace := []planmodifier.String{stringplanmodifier.RequiresReplace()}
	cloudDesc, cloudValidators := cloudAttribute(r.registry, "Cloud of the group")
	resp.Schema = schema.Schema{
		MarkdownDescription: "Many rules of one security group, each its own cloud rule with its own id. " +
			"Adding or removing an entry of `rules` authorizes or revokes that rule alone; a changed entry replaces that rule alone " +
			"(a description changes in place where the cloud can). The rules are written together, in as few calls as the cloud takes. " +
			"Rules of the group outside the set are left alone (`secgroup_rules_exclusive` revokes them).",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "`<cloud>/<security_group_id>`.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"cloud": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: cloudDesc,
				Validators:          cloudValidators,
				PlanModifiers:       replace,
			},
			"security_group_id": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "Id of the security group the rules belong to.",
				Validators:          groupIDValidators,
				PlanModifiers:       replace,
			},
			"rules": schema.MapNestedAttribute{
				Required: true,
				MarkdownDescription: "The rules, by a key of your choosing (a key names its rule in plans and errors). " +
					"Each entry takes the attributes of `secgroup_rule`, with the same checks. " +
					"Left out, `policy` and `priority` are the cloud's defaults, `description` is none, and `nic_type` and the peer group's owner are what the cloud picks.",
				NestedObject: schema.NestedAttributeObject{Attributes: setEntryAttributes(ctx, r.registry)},
			},
			"rule_ids": schema.MapAttribute{
				Computed:    true,
				ElementType: types.StringType,
				MarkdownDescription: "Each rule's id by the key of `rules`, in the form of `secgroup_rule`'s `id` " +
					"(so `values(secgroup_rule_set.<name>.rule_ids)` can be kept by `secgroup_rules_exclusive`).",
			},
			"timeouts": timeouts.Attributes(ctx, timeouts.Opts{Create: true, Read: true, Update: true, Delete: true}),
		},
	}
}

// setEntryAttributes are secgroup_rule's rule attributes as an entry has
// them: nothing computed (see setEntry), nothing replaces (a changed entry
// replaces its rule, not the set), owners required with a peer group of
// the same entry.
func setEntryAttributes(ctx context.Context, registry *cloud.Registry) map[string]schema.Attribute {
	var s resource.SchemaResponse
	NewRuleResource(registry).Schema(ctx, resource.SchemaRequest{}, &s)
	samePeer := path.MatchRelative().AtParent().AtName("peer_security_group_id")
	out := map[string]schema.Attribute{}
	for name := range setEntryType.AttrTypes {
		switch a := s.Schema.Attributes[name].(type) {
		case schema.StringAttribute:
			a.Computed = false
			a.PlanModifiers = slices.DeleteFunc(slices.Clone(a.PlanModifiers), func(m planmodifier.String) bool {
				_, keep := m.(sameMeaning)
				return !keep
			})
			switch name {
			case "peer_group_owner_account":
				a.Validators = []validator.String{stringvalidator.AlsoRequires(samePeer)}
			case "peer_group_owner_id":
				a.Validators = []validator.String{stringvalidator.AlsoRequires(samePeer), stringvalidator.RegexMatches(digits, "must be a numeric account id")}
			}
			out[name] = a
		case schema.NumberAttribute:
			a.Computed, a.PlanModifiers = false, nil
			out[name] = a
		default:
			panic(fmt.Sprintf("secgroup_rule has no rule attribute %q of a known type (%T)", name, a))
		}
	}
	return out
}

// Configure takes the provider's connections.
func (r *RuleSetResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.conns = connectionsFrom(req.ProviderData, "Resource", &resp.Diagnostics)
}

// Create authorizes every rule of the set together. Rules that landed are
// kept in state though others failed (Terraform then marks the set
// tainted: see addSetWriteErrors).
func (r *RuleSetResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan ruleSetModel
	if resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...); resp.Diagnostics.HasError() {
		return
	}
	empty := plan
	empty.Rules, empty.RuleIDs = types.MapNull(setEntryType), types.MapNull(types.StringType)
	r.apply(ctx, empty, plan, plan.Timeouts.Create, defaultCreateTimeout, true, &resp.State, &resp.Diagnostics)
}

// Update writes what changed between state and plan, entry by entry.
func (r *RuleSetResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state ruleSetModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	r.apply(ctx, state, plan, plan.Timeouts.Update, defaultUpdateTimeout, false, &resp.State, &resp.Diagnostics)
}

// stateSetter is a response's state.
type stateSetter interface {
	Set(context.Context, any) diag.Diagnostics
}

// apply takes the group from state's entries to the plan's, and records
// what the cloud holds afterwards, the rules of failed writes included
// (their old entry where a revoke failed, the new one where a create was
// accepted but not confirmed).
func (r *RuleSetResource) apply(ctx context.Context, state, plan ruleSetModel, timeout timeoutFunc, def time.Duration, creating bool, out stateSetter, diags *diag.Diagnostics) {
	cloudName, group := plan.Cloud.ValueString(), plan.SecurityGroupID.ValueString()
	ctx, cancel, c := begin(ctx, r.conns, cloudName, timeout, def, diags)
	defer cancel()
	if c == nil {
		return
	}
	caps := c.Cloud.Capabilities
	was, _ := setEntriesOf(ctx, state.Rules, diags)
	want, ok := setEntriesOf(ctx, plan.Rules, diags)
	if !ok || len(want.unknown) > 0 {
		diags.AddAttributeError(path.Root("rules"), "Invalid Plan", "The rules are not all known at apply: please report this to the provider developers.")
		return
	}
	// The one check a value unknown at plan can pass (checkDescription).
	for _, k := range want.keys() {
		for _, p := range checkDescription(ruleModel{ruleAttrs: want.byKey[k].attrs()}, &c.Cloud) {
			diags.AddAttributeError(entryPath(k, p.attr), p.summary, fmt.Sprintf("rules[%q]: %s", k, p.detail))
		}
	}
	if diags.HasError() {
		return
	}
	ch := diffSet(was, want, idsOf(state.RuleIDs), caps)
	held := ch.kept(cloudName, group, caps)

	// First the revokes, the authorizes of new keys and the descriptions
	// changed in place, together; then the new rules of replaced entries
	// whose old rule is gone: a key holds one rule, so its new one is not
	// made while its old one may remain.
	first := engine.Changes{}
	for _, w := range ch.revokes {
		first.Revoke = append(first.Revoke, w.rule)
	}
	var later []setWrite
	for _, w := range ch.creates {
		if w.replaces {
			later = append(later, w)
			continue
		}
		first.Authorize = append(first.Authorize, w.rule)
	}
	for _, w := range ch.describes {
		first.Describe = append(first.Describe, w.rule)
	}
	if creating && len(ch.revokes)+len(ch.creates)+len(ch.describes) == 0 {
		// An empty set writes nothing: its group must still exist, or
		// every later plan would find it gone and create the set again.
		if _, err := c.List(ctx, group); err != nil {
			addReadError(diags, group, "read to create the rule set", err)
			return
		}
	}
	var failed []setFailure
	unsent := asHeld(ctx, c, group, first.Revoke)
	first.Revoke = without(first.Revoke, unsent)
	outcome := c.Apply(ctx, group, first)
	revoked := placed(outcome.Revoked, unsent)
	revokeFailed := map[string]bool{}
	for i, w := range ch.revokes {
		if err := revoked[i]; err != nil {
			failed = append(failed, setFailure{key: w.key, what: "revoke", rule: w.rule, err: err})
			revokeFailed[w.key] = true
			// The rule remains: so does its entry, under a key of its own
			// where another rule moved to its key (the next plan revokes it).
			held.put(unheldKey(w.key, w.entry, want, ch, held), w.entry, w.id)
		}
	}
	authorized := slices.DeleteFunc(slices.Clone(ch.creates), func(w setWrite) bool { return w.replaces })
	failed = append(failed, held.record(cloudName, group, authorized, outcome.Authorized, outcome.AuthorizeErrs, caps)...)
	for i, w := range ch.describes {
		if err := outcome.Described[i]; err != nil {
			failed = append(failed, setFailure{key: w.key, what: "description change", rule: w.rule, err: err})
			old := w.entry
			old.Description = w.described
			held.put(w.key, old, w.id)
			continue
		}
		held.put(w.key, w.entry, w.id)
	}
	later = slices.DeleteFunc(later, func(w setWrite) bool { return revokeFailed[w.key] })
	if len(later) > 0 {
		second := engine.Changes{}
		for _, w := range later {
			second.Authorize = append(second.Authorize, w.rule)
		}
		outcome := c.Apply(ctx, group, second)
		failed = append(failed, held.record(cloudName, group, later, outcome.Authorized, outcome.AuthorizeErrs, caps)...)
	}

	if creating && len(held.entries) == 0 && len(failed) > 0 {
		// Nothing landed: no state, so the next plan is a create again,
		// not the replacement of an empty, tainted set.
		addSetWriteErrors(diags, cloudName, group, failed, held, creating, c.Cloud.Title)
		return
	}
	result := plan
	result.ID = types.StringValue(setID(cloudName, group))
	result.Rules = setEntriesValue(ctx, held.entries, diags)
	result.RuleIDs = idsValue(held.ids)
	diags.Append(out.Set(ctx, &result)...)
	addSetWriteErrors(diags, cloudName, group, failed, held, creating, c.Cloud.Title)
}

// Read describes the group once and finds every rule of the set: a rule
// gone out of band leaves the set (the next plan makes it again); one
// made again out of band under a new id is the declared rule, with its new
// id, where adoptable says the entry names it whole.
func (r *RuleSetResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state ruleSetModel
	if resp.Diagnostics.Append(req.State.Get(ctx, &state)...); resp.Diagnostics.HasError() {
		return
	}
	cloudName, group := state.Cloud.ValueString(), state.SecurityGroupID.ValueString()
	ctx, cancel, c := begin(ctx, r.conns, cloudName, state.Timeouts.Read, defaultReadTimeout, &resp.Diagnostics)
	defer cancel()
	if c == nil {
		return
	}
	caps := c.Cloud.Capabilities
	es, ok := setEntriesOf(ctx, state.Rules, &resp.Diagnostics)
	if !ok {
		return
	}
	ids := idsOf(state.RuleIDs)
	keys, wanted := es.recorded(ids, caps)
	found, errs := c.FindAll(ctx, group, wanted)
	for i := range found {
		if errs[i] == nil && !adoptable(wanted[i], found[i], caps) {
			errs[i] = &cloud.Error{Cloud: cloudName, Action: "find rule", Kind: cloud.KindRuleGone,
				Message: fmt.Sprintf("security group %s no longer holds rule %s; a rule of the same content under another id may be another's (its NIC type or peer owner, which the entry leaves to the cloud, is not known), so it is not taken for it", group, wanted[i].NativeID)}
		}
	}
	if len(keys) == 0 {
		// Nothing to find: the group must still be there.
		_, err := c.List(ctx, group)
		errs = []error{err}
	}
	held := newHeld()
	var gone []string
	for i, err := range errs {
		switch {
		case cloud.KindOf(err) == cloud.KindGroupGone:
			resp.Diagnostics.AddWarning("Security Group No Longer Exists",
				fmt.Sprintf("%s. The rule set is dropped from the state; while the configuration still declares it, Terraform plans to create it again.", err))
			resp.State.RemoveResource(ctx)
			return
		case cloud.KindOf(err) == cloud.KindRuleGone:
			gone = append(gone, fmt.Sprintf("%q (%s)", keys[i], wanted[i]))
		case err != nil:
			addReadError(&resp.Diagnostics, group, "read to find the rules of the set", err)
			return
		case i < len(keys):
			e := es.byKey[keys[i]].observed(cloudName, group, found[i], caps)
			held.put(keys[i], e, ruleIDString(cloudName, group, ids[keys[i]], found[i]))
		}
	}
	if len(gone) > 0 {
		resp.Diagnostics.AddWarning("Rules No Longer Exist",
			fmt.Sprintf("Security group %s no longer holds the rules of these keys: %s. They were removed outside Terraform, so they are dropped from the state; while the configuration still declares them, Terraform plans to create them again.",
				group, strings.Join(gone, ", ")))
	}
	warnExpiredEphemeral(ctx, c, group, &resp.Diagnostics)
	state.ID = types.StringValue(setID(cloudName, group))
	state.Rules = setEntriesValue(ctx, held.entries, &resp.Diagnostics)
	state.RuleIDs = idsValue(held.ids)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// adoptable reports whether found, the rule of the group that the entry's
// rule w matches, may be taken for it. The rule of w's id always, and on
// a cloud without rule ids the rule of its content; another (the rule
// made again out of band under a new id, or the rule of an unconfirmed
// create, recorded without id) only where the entry names every part of
// the rule: what it leaves to the cloud (nic_type, the peer group's
// owner) is not recorded, so a rule of another NIC type or owner, another
// resource's, would match. On ECS and Apsara Stack an entry that leaves
// nic_type out is therefore never adopted so, VPC groups included (whose
// rules are all intranet; which a group is, the rules do not say).
func adoptable(w, found rule.Rule, caps cloud.Capabilities) bool {
	if !caps.NativeIDs || w.NativeID != "" && found.NativeID == w.NativeID {
		return true
	}
	open := len(caps.NicTypes) > 1 && w.NicType == "" ||
		caps.PeerGroupOwner && w.PeerGroupID != "" && (w.PeerGroupOwnerAccount == "" || w.PeerGroupOwnerID == "")
	return !open
}

// Delete revokes every rule of the set together; a rule or group already
// gone is success. Rules whose revoke failed stay in state.
func (r *RuleSetResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state ruleSetModel
	if resp.Diagnostics.Append(req.State.Get(ctx, &state)...); resp.Diagnostics.HasError() {
		return
	}
	cloudName, group := state.Cloud.ValueString(), state.SecurityGroupID.ValueString()
	ctx, cancel, c := begin(ctx, r.conns, cloudName, state.Timeouts.Delete, defaultDeleteTimeout, &resp.Diagnostics)
	defer cancel()
	if c == nil {
		return
	}
	caps := c.Cloud.Capabilities
	es, ok := setEntriesOf(ctx, state.Rules, &resp.Diagnostics)
	if !ok {
		return
	}
	ids := idsOf(state.RuleIDs)
	keys, targets := es.recorded(ids, caps)
	unsent := asHeld(ctx, c, group, targets)
	errs := placed(c.DeleteAll(ctx, group, without(targets, unsent)), unsent)
	held := newHeld()
	var failed []setFailure
	for i, err := range errs {
		if err != nil {
			failed = append(failed, setFailure{key: keys[i], what: "revoke", rule: targets[i], err: err})
			held.put(keys[i], es.byKey[keys[i]], ids[keys[i]])
		}
	}
	if len(failed) == 0 {
		return
	}
	// What remains in the cloud remains in state.
	state.Rules = setEntriesValue(ctx, held.entries, &resp.Diagnostics)
	state.RuleIDs = idsValue(held.ids)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
	addSetWriteErrors(&resp.Diagnostics, cloudName, group, failed, held, false, c.Cloud.Title)
}

// unheldKey is the key to record a rule under whose revoke failed: its
// own, unless a rule of another key moved to it (kept or described), else
// one derived from its content that no entry of the plan or the state
// being written has.
func unheldKey(key string, e setEntry, want entries, ch setDiff, h held) string {
	moved := func(w setWrite) bool { return w.key == key }
	if !slices.ContainsFunc(ch.keeps, moved) && !slices.ContainsFunc(ch.describes, moved) {
		return key
	}
	base := importKey(e) + "_not_revoked"
	out := base
	for n := 2; ; n++ {
		_, planned := want.byKey[out]
		_, taken := h.entries[out]
		revoking := slices.ContainsFunc(ch.revokes, func(w setWrite) bool { return w.key == out })
		if !planned && !taken && !revoking && !slices.Contains(want.unknown, out) {
			return out
		}
		out = fmt.Sprintf("%s_%d", base, n)
	}
}

// asHeld completes revoke targets named by the cloud's rule id with what
// their entries leave to the cloud (nic_type, the peer group's owner), as
// a read of the group shows the rule of that id: revoke calls name rules
// by content, and a part left out there is the call's default (ECS:
// NicType internet), not "any", so the rule of another NIC type or owner
// would be named. It returns, for each target, nil to send it, or why it
// is not sent: errAlreadyGone where the read does not show its id (its
// content may name another rule) or the group is gone, else the read's
// error, which the target then fails with (it stays in state). The read
// may be the command's shared describe: an id it shows absent is gone now
// too (ids are not given again), and one it shows names its rule whole.
func asHeld(ctx context.Context, c *engine.Client, group string, targets []rule.Rule) (unsent []error) {
	unsent = make([]error, len(targets))
	caps := c.Cloud.Capabilities
	open := func(r rule.Rule) bool {
		return r.NativeID != "" && (len(caps.NicTypes) > 0 && r.NicType == "" ||
			caps.PeerGroupOwner && r.PeerGroupID != "" && (r.PeerGroupOwnerAccount == "" || r.PeerGroupOwnerID == ""))
	}
	if !slices.ContainsFunc(targets, open) {
		return unsent
	}
	rules, err := c.List(ctx, group)
	if cloud.KindOf(err) == cloud.KindGroupGone {
		err = errAlreadyGone
	}
	for i, t := range targets {
		if !open(t) {
			continue
		}
		if err != nil {
			unsent[i] = fmt.Errorf("not revoked: the read that names its NIC type and peer owner failed: %w", err)
			if errors.Is(err, errAlreadyGone) {
				unsent[i] = err
			}
			continue
		}
		j := slices.IndexFunc(rules, func(o rule.Rule) bool { return o.NativeID == t.NativeID })
		if j < 0 {
			unsent[i] = errAlreadyGone
			continue
		}
		o := &targets[i]
		o.NicType = cmp.Or(o.NicType, rules[j].NicType)
		o.PeerGroupOwnerAccount = cmp.Or(o.PeerGroupOwnerAccount, rules[j].PeerGroupOwnerAccount)
		o.PeerGroupOwnerID = cmp.Or(o.PeerGroupOwnerID, rules[j].PeerGroupOwnerID)
	}
	return unsent
}

// errAlreadyGone marks a revoke target a read shows gone: done, unsent.
var errAlreadyGone = errors.New("already gone")

// without is the rules to send: those asHeld left to send.
func without(rules []rule.Rule, unsent []error) []rule.Rule {
	var out []rule.Rule
	for i, r := range rules {
		if unsent[i] == nil {
			out = append(out, r)
		}
	}
	return out
}

// placed puts the outcomes of the rules sent (without) back in the places
// of all the rules: nil (done) for the gone ones, the read's error for
// those it could not complete.
func placed(sent []error, unsent []error) []error {
	out := make([]error, len(unsent))
	j := 0
	for i, u := range unsent {
		switch {
		case u == nil:
			out[i] = sent[j]
			j++
		case !errors.Is(u, errAlreadyGone):
			out[i] = u
		}
	}
	return out
}

// held is what a set holds in the cloud after its writes: entries and
// their ids by key.
type held struct {
	entries map[string]setEntry
	ids     map[string]string
}

func newHeld() held { return held{entries: map[string]setEntry{}, ids: map[string]string{}} }

func (h held) put(key string, e setEntry, id string) {
	h.entries[key], h.ids[key] = e, id
}

// record takes the outcomes of authorizes: a rule made, or accepted but
// not confirmed (it most likely exists, so it is kept), is held; the
// failures are returned.
func (h held) record(cloudName, group string, ws []setWrite, made []rule.Rule, errs []error, caps cloud.Capabilities) []setFailure {
	var failed []setFailure
	for i, w := range ws {
		err := errs[i]
		switch {
		case err == nil:
			h.put(w.key, w.entry, ruleIDString(cloudName, group, "", made[i]))
		case errors.Is(err, engine.ErrUnconfirmed):
			id := ruleIDString(cloudName, group, "", made[i])
			if made[i].NativeID == "" && caps.NativeIDs {
				id = ""
			}
			h.put(w.key, w.entry, id)
			failed = append(failed, setFailure{key: w.key, what: "create", rule: w.rule, err: err})
		default:
			failed = append(failed, setFailure{key: w.key, what: "create", rule: w.rule, err: err, existing: made[i]})
		}
	}
	return failed
}

// ruleIDString is the id to record for rule o, found or made: prior is
// the id recorded before, kept while it names the same rule (stableID).
func ruleIDString(cloudName, group, prior string, o rule.Rule) string {
	p := types.StringNull()
	if prior != "" {
		p = types.StringValue(prior)
	}
	return stableID(p, rule.ID{Cloud: cloudName, GroupID: group, Rule: o})
}

// entryPath is the path of an entry's attribute ("" for the entry).
func entryPath(key, attr string) path.Path {
	p := path.Root("rules").AtMapKey(key)
	if attr == "" {
		return p
	}
	return p.AtName(attr)
}

// setFailure is a write of the set that failed.
type setFailure struct {
	key, what string
	rule      rule.Rule
	err       error
	// existing is the rule the group held already, for a duplicate.
	existing rule.Rule
}

// maxSetErrors is how many failed writes are reported one by one; the
// rest are counted.
const maxSetErrors = 10

// addSetWriteErrors reports failed writes, each on its entry's key.
func addSetWriteErrors(diags *diag.Diagnostics, cloudName, group string, failed []setFailure, h held, creating bool, title string) {
	for i, f := range failed {
		if i == maxSetErrors {
			diags.AddAttributeError(path.Root("rules"), "More Rules Failed",
				fmt.Sprintf("%d more writes of the set failed, not listed here; the rules that were written are recorded in the state.", len(failed)-maxSetErrors))
			break
		}
		at := entryPath(f.key, "")
		if e, ok := cloud.AsError(f.err); ok && e.Attribute != "" && e.Attribute != "security_group_id" && e.Attribute != "cloud" {
			at = entryPath(f.key, e.Attribute)
		}
		summary := map[string]string{"create": "Could Not Create Rule", "revoke": "Could Not Delete Rule", "description change": "Could Not Update Rule Description"}[f.what]
		detail := fmt.Sprintf("rules[%q]: security group %s, rule %s: %s", f.key, group, f.rule, f.err)
		switch {
		case cloud.KindOf(f.err) == cloud.KindDuplicate:
			summary = "Rule Already Exists"
			detail = duplicateInSetDetail(cloudName, group, f, h, title)
		case errors.Is(f.err, engine.ErrUnconfirmed):
			summary = "Rule Created but Not Confirmed"
			detail += ". The rule is recorded in the state; the next plan reads it again."
		}
		diags.AddAttributeError(at, summary, detail)
	}
	if creating && len(failed) > 0 && len(h.entries) > 0 {
		diags.AddWarning("Rule Set Partly Created",
			fmt.Sprintf("%d of the set's rules were created and are recorded in the state. Terraform marks a resource whose create failed as tainted, "+
				"and would replace the whole set (revoke and authorize every rule) on the next apply: to write only the missing rules instead, run\n\n"+
				"  terraform untaint <address of this secgroup_rule_set>\n\nonce the cause is fixed.", len(h.entries)))
	}
}

// duplicateInSetDetail says that an entry's rule exists already and how
// to take it into the set.
func duplicateInSetDetail(cloudName, group string, f setFailure, h held, title string) string {
	existing := rule.ID{Cloud: cloudName, GroupID: group, Rule: f.existing}.String()
	ids := []string{}
	for _, id := range h.ids {
		if id != "" {
			ids = append(ids, strings.TrimPrefix(id, setID(cloudName, group)+"/"))
		}
	}
	slices.Sort(ids)
	ids = append(ids, strings.TrimPrefix(existing, setID(cloudName, group)+"/"))
	importID := setID(cloudName, group) + "/" + strings.Join(ids, ";")
	return fmt.Sprintf("rules[%q]: security group %s already has the rule %s, so Terraform did not create it. "+
		"To manage the existing rule in this set, take the set out of the state and import it with that rule among its own "+
		"(the rules the set holds now, recorded in the state after this apply, and the existing one):\n\n"+
		"  terraform state rm <address of this secgroup_rule_set>\n  terraform import <address of this secgroup_rule_set> '%s'\n\n"+
		"or remove it from the set, or change the entry so it differs from the existing rule. If another resource manages that rule (%s), "+
		"remove it there first. %s cannot hold two equal rules: if this create replaces the set itself (a tainted set, "+
		"create_before_destroy), remove create_before_destroy from the set and run terraform untaint on it, so that the next apply "+
		"writes only the missing rules.",
		f.key, group, f.existing, importID, existing, title)
}
