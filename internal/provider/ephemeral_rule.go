package provider

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	eschema "github.com/hashicorp/terraform-plugin-framework/ephemeral/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/secgroup/terraform-provider-secgroup/internal/cloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/engine"
	"github.com/secgroup/terraform-provider-secgroup/internal/rule"
)

var (
	_ ephemeral.EphemeralResource                   = &EphemeralRule{}
	_ ephemeral.EphemeralResourceWithConfigure      = &EphemeralRule{}
	_ ephemeral.EphemeralResourceWithValidateConfig = &EphemeralRule{}
	_ ephemeral.EphemeralResourceWithRenew          = &EphemeralRule{}
	_ ephemeral.EphemeralResourceWithClose          = &EphemeralRule{}
)

// The ephemeral secgroup_rule's lengths of time (DESIGN.md, "Ephemeral
// rules").
const (
	// defaultEphemeralDuration is how long a rule may outlive a run that
	// dies, unless duration says.
	defaultEphemeralDuration = time.Hour
	// minEphemeralDuration: shorter, a renewal (or, without one, a long
	// apply) could come after another run took the rule for expired.
	minEphemeralDuration = 5 * time.Minute
	// maxEphemeralDuration bounds a marker's reach: a marker further ahead
	// than this was not written by an ephemeral rule, and must not shield
	// a rule from secgroup_rules_exclusive for long (markerLive).
	maxEphemeralDuration = 24 * time.Hour
	// expiryGrace is how far past its marker a rule must be, by the
	// cloud's clock as its answers tell it, before another run revokes it:
	// the skew of a gateway's Date and the marker's truncation to the
	// second.
	expiryGrace = time.Minute
	// privateKey holds the opened rule in the framework's private data,
	// from Open to Renew and Close.
	privateKey = "rule"
)

// EphemeralRule is the ephemeral secgroup_rule: a rule open for the length
// of a run (Open authorizes, Close revokes), with an expiry marker in its
// description so that a run that dies before Close leaves a rule the next
// Open on the group revokes.
type EphemeralRule struct {
	registry *cloud.Registry
	conns    *engine.Connections
}

// NewEphemeralRule builds the ephemeral resource for the given clouds.
func NewEphemeralRule(registry *cloud.Registry) ephemeral.EphemeralResource {
	return &EphemeralRule{registry: registry}
}

// ephemeralRuleModel is the ephemeral resource's data: secgroup_rule's
// attributes and its own.
type ephemeralRuleModel struct {
	ruleAttrs
	Cloud           types.String `tfsdk:"cloud"`
	SecurityGroupID types.String `tfsdk:"security_group_id"`
	Duration        types.String `tfsdk:"duration"`
	ExpiresAt       types.String `tfsdk:"expires_at"`
	AlreadyPresent  types.Bool   `tfsdk:"already_present"`
}

// asRuleModel is the rule's part, for secgroup_rule's checks.
func (m ephemeralRuleModel) asRuleModel() ruleModel {
	r := newRuleModel()
	r.ruleAttrs, r.Cloud, r.SecurityGroupID = m.ruleAttrs, m.Cloud, m.SecurityGroupID
	return r
}

// openedRule is what Open leaves in private data for Renew and Close.
type openedRule struct {
	Cloud string    `json:"cloud"`
	Group string    `json:"group"`
	Rule  rule.Rule `json:"rule"`
	// Made: this run authorized the rule (or took over an expired one),
	// so Close revokes it; else Close leaves it.
	Made bool `json:"made"`
	// UserDescription is the description without the marker; Duration
	// the marker's span, for Renew.
	UserDescription string        `json:"user_description"`
	Duration        time.Duration `json:"duration"`
	// Key names the open in stillOpen.
	Key string `json:"key"`
}

// stillOpen are the rules this process opened and has not closed yet, by
// their Key: CloseStillOpen revokes them when Terraform shuts the
// provider down without closing them (Terraform 1.15 closes no ephemeral
// resource of an apply that failed).
var stillOpen = struct {
	sync.Mutex
	m map[string]openRule
}{m: map[string]openRule{}}

// openRule is a rule in stillOpen, with the connections to close it.
type openRule struct {
	conns  *engine.Connections
	opened openedRule
}

// remember records o in stillOpen until forget.
func remember(conns *engine.Connections, o openedRule) {
	stillOpen.Lock()
	stillOpen.m[o.Key] = openRule{conns: conns, opened: o}
	stillOpen.Unlock()
}

func forget(key string) {
	stillOpen.Lock()
	delete(stillOpen.m, key)
	stillOpen.Unlock()
}

// CloseStillOpen revokes the rules this process opened that Terraform did
// not close, within limit (Terraform kills a provider 2 seconds after it
// asked it to stop), and says on stderr (Terraform's log) what it
// revoked or could not. A rule it cannot revoke keeps its marker.
func CloseStillOpen(limit time.Duration) {
	stillOpen.Lock()
	left := slices.Collect(maps.Values(stillOpen.m))
	clear(stillOpen.m)
	stillOpen.Unlock()
	if len(left) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	var wg sync.WaitGroup
	for _, r := range left {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var diags diag.Diagnostics
			ctx, cancel, c := connect(ctx, r.conns, r.opened.Cloud, limit, &diags)
			defer cancel()
			err := errors.New("no client")
			switch {
			case c == nil:
			case r.opened.Rule.NativeID == "":
				// Known by content only (a create left unconfirmed): revoke
				// it only as a read shows it, with our marker, by its id.
				err = revokeUnconfirmed(ctx, c, r.opened.Group, r.opened.Rule)
			default:
				err = c.Delete(ctx, r.opened.Group, r.opened.Rule)
			}
			if err != nil {
				log.Printf("[WARN] secgroup: an ephemeral rule Terraform did not close, security group %s, rule %s, could not be revoked at the provider's shutdown: %v", r.opened.Group, r.opened.Rule, err)
				return
			}
			log.Printf("[INFO] secgroup: revoked at the provider's shutdown an ephemeral rule Terraform did not close: security group %s, rule %s", r.opened.Group, r.opened.Rule)
		}()
	}
	wg.Wait()
}

// revokeUnconfirmed revokes a rule known by content only when a read
// shows it with its description (its marker), by the id the read gives.
func revokeUnconfirmed(ctx context.Context, c *engine.Client, group string, want rule.Rule) error {
	held, err := c.ListFresh(ctx, group)
	if err != nil {
		return err
	}
	byContent := rule.Identity{NoPriority: c.Cloud.Capabilities.Identity.NoPriority}
	i := slices.IndexFunc(held, func(h rule.Rule) bool { return byContent.Match(want, h) && h.Description == want.Description })
	if i < 0 {
		return nil
	}
	return c.RevokeExact(ctx, group, []engine.Target{sameDescription(held[i])})[0]
}

// Metadata names the ephemeral resource.
func (e *EphemeralRule) Metadata(_ context.Context, req ephemeral.MetadataRequest, resp *ephemeral.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_rule"
}

// Schema is secgroup_rule's attributes (ephemeralRuleAttributes) and the
// ephemeral resource's own.
func (e *EphemeralRule) Schema(ctx context.Context, _ ephemeral.SchemaRequest, resp *ephemeral.SchemaResponse) {
	resp.Schema = eschema.Schema{
		MarkdownDescription: "A security group rule open for the length of a Terraform run (Terraform 1.10+): opening authorizes it, " +
			"closing revokes it, and it is never in state. Its description carries an expiry marker, so that a rule whose run died before closing it " +
			"is revoked by the next opening of an ephemeral rule on the group (see the guarantees below).",
		Attributes: ephemeralRuleAttributes(ctx, e.registry),
	}
}

// ephemeralRuleAttributes are secgroup_rule's attributes, taken from its
// schema so that names, descriptions and validators are one, less its
// timeouts, plus duration, expires_at and already_present.
func ephemeralRuleAttributes(ctx context.Context, registry *cloud.Registry) map[string]eschema.Attribute {
	var s resource.SchemaResponse
	NewRuleResource(registry).Schema(ctx, resource.SchemaRequest{}, &s)
	out := map[string]eschema.Attribute{}
	for name, a := range s.Schema.Attributes {
		if name == "timeouts" {
			continue
		}
		switch a := a.(type) {
		case schema.StringAttribute:
			out[name] = eschema.StringAttribute{Required: a.Required, Optional: a.Optional, Computed: a.Computed, Sensitive: a.Sensitive,
				Description: a.Description, MarkdownDescription: ephemeralDescription(name, a.MarkdownDescription), Validators: a.Validators}
		case schema.NumberAttribute:
			out[name] = eschema.NumberAttribute{Required: a.Required, Optional: a.Optional, Computed: a.Computed, Sensitive: a.Sensitive,
				Description: a.Description, MarkdownDescription: a.MarkdownDescription, Validators: a.Validators}
		default:
			panic(fmt.Sprintf("secgroup_rule has an attribute %q of a type the ephemeral rule does not take (%T)", name, a))
		}
	}
	out["duration"] = eschema.StringAttribute{
		Optional: true,
		MarkdownDescription: fmt.Sprintf("How long the rule may outlive a run that dies before closing it: a Go duration such as `\"30m\"` or `\"2h\"`, from `%s` to `%s`; `%s` when left out. "+
			"Where the cloud changes descriptions in place (ECS, Apsara Stack) the marker is renewed while the run goes on; elsewhere a run longer than this leaves its rule open to being taken for expired.",
			shortDuration(minEphemeralDuration), shortDuration(maxEphemeralDuration), shortDuration(defaultEphemeralDuration)),
	}
	out["expires_at"] = eschema.StringAttribute{
		Computed:            true,
		MarkdownDescription: "When the rule's marker expires (RFC 3339, by the cloud's clock), as opened; a renewal moves it on the cloud. Empty on ENS, whose rules have no description to hold a marker, and for a rule `already_present`.",
	}
	out["already_present"] = eschema.BoolAttribute{
		Computed:            true,
		MarkdownDescription: "The group held this rule before the run opened it (made outside this run, or by another run now using it): the run did not write it, and closing leaves it.",
	}
	return out
}

// ephemeralDescription is a secgroup_rule attribute's description as the
// ephemeral rule has it: its id is not for import, its description is
// never updated and carries the marker on the cloud.
func ephemeralDescription(name, desc string) string {
	switch name {
	case "id":
		return "The rule's id, in the form of `secgroup_rule`'s: " + strings.TrimPrefix(desc, importIDPrefix)
	case "description":
		desc = strings.TrimSuffix(desc, descriptionChangesInPlace)
		return desc + fmt.Sprintf(" On the cloud the expiry marker (`%s`) follows it, after a space: the description and the marker together must fit the cloud's limit.",
			rule.Marker(time.Date(2026, 12, 7, 3, 0, 0, 0, time.UTC)))
	}
	return desc
}

// shortDuration is d as a user writes it ("5m", "1h").
func shortDuration(d time.Duration) string {
	s := d.String()
	s = strings.TrimSuffix(s, "0s")
	return strings.TrimSuffix(s, "0m")
}

// Configure takes the provider's connections.
func (e *EphemeralRule) Configure(_ context.Context, req ephemeral.ConfigureRequest, resp *ephemeral.ConfigureResponse) {
	e.conns = connectionsFrom(req.ProviderData, "Ephemeral Resource", &resp.Diagnostics)
}

// ValidateConfig runs secgroup_rule's checks (configChecks), and the
// ephemeral resource's own: duration, and room for the marker.
func (e *EphemeralRule) ValidateConfig(ctx context.Context, req ephemeral.ValidateConfigRequest, resp *ephemeral.ValidateConfigResponse) {
	var m ephemeralRuleModel
	if resp.Diagnostics.Append(req.Config.Get(ctx, &m)...); resp.Diagnostics.HasError() {
		return
	}
	var def *cloud.Cloud
	if known(m.Cloud) {
		if d, ok := e.registry.Get(m.Cloud.ValueString()); ok {
			def = &d
		}
	}
	for _, check := range append(configChecks[:len(configChecks):len(configChecks)], checkMarkerRoom) {
		for _, p := range check(m.asRuleModel(), def) {
			if p.attr == "" {
				resp.Diagnostics.AddError(p.summary, p.detail)
				continue
			}
			resp.Diagnostics.AddAttributeError(path.Root(p.attr), p.summary, p.detail)
		}
	}
	if _, p := durationOf(m.Duration); p != nil {
		resp.Diagnostics.AddAttributeError(path.Root(p.attr), p.summary, p.detail)
	}
}

// checkMarkerRoom: the description and the expiry marker fit the cloud's
// limit together.
func checkMarkerRoom(m ruleModel, def *cloud.Cloud) []problem {
	if def == nil || !known(m.Description) || !def.Capabilities.Description || def.Capabilities.MaxDescription == 0 {
		return nil
	}
	n, limit := len([]rune(m.Description.ValueString())), def.Capabilities.MaxDescription
	if n > 0 && n+rule.MarkerLen > limit {
		return []problem{invalid("description", "%s takes descriptions of up to %d characters, and an ephemeral rule's expiry marker takes %d of them (with its space): "+
			"its description can have %d characters; this one has %d.", def.Title, limit, rule.MarkerLen, limit-rule.MarkerLen, n)}
	}
	return nil
}

// durationOf is the duration attribute's value, or its default; a
// problem where it is not a duration of at least the minimum. Unknown
// (at validation) passes.
func durationOf(v types.String) (time.Duration, *problem) {
	if !known(v) {
		return defaultEphemeralDuration, nil
	}
	d, err := time.ParseDuration(v.ValueString())
	switch {
	case err != nil:
		p := invalid("duration", "duration is a Go duration such as \"30m\" or \"2h\"; %q is not one.", v.ValueString())
		return 0, &p
	case d < minEphemeralDuration:
		p := invalid("duration", "duration is at least %s (a renewal or another run's check could come later than a shorter expiry); %q is less.", shortDuration(minEphemeralDuration), v.ValueString())
		return 0, &p
	case d > maxEphemeralDuration:
		p := invalid("duration", "duration is at most %s; %q is more. On ECS and Apsara Stack the marker is renewed while the run goes on, so a longer run needs no longer duration; "+
			"a marker further ahead is not taken for an ephemeral rule's.", shortDuration(maxEphemeralDuration), v.ValueString())
		return 0, &p
	}
	return d, nil
}

// Open authorizes the rule with its expiry marker, unless the group holds
// it already; revokes the group's rules whose marker expired (rules of
// runs that died); and returns the rule.
func (e *EphemeralRule) Open(ctx context.Context, req ephemeral.OpenRequest, resp *ephemeral.OpenResponse) {
	var m ephemeralRuleModel
	if resp.Diagnostics.Append(req.Config.Get(ctx, &m)...); resp.Diagnostics.HasError() {
		return
	}
	duration, p := durationOf(m.Duration)
	if p != nil {
		resp.Diagnostics.AddAttributeError(path.Root(p.attr), p.summary, p.detail)
		return
	}
	cloudName, group := m.Cloud.ValueString(), m.SecurityGroupID.ValueString()
	ctx, cancel, c := connect(ctx, e.conns, cloudName, defaultCreateTimeout, &resp.Diagnostics)
	defer cancel()
	if c == nil {
		return
	}
	caps := c.Cloud.Capabilities
	// Values known only now are checked now, before any call.
	for _, check := range []configCheck{checkDescription, checkMarkerRoom} {
		for _, p := range check(m.asRuleModel(), &c.Cloud) {
			resp.Diagnostics.AddAttributeError(path.Root(p.attr), p.summary, p.detail)
		}
	}
	if resp.Diagnostics.HasError() {
		return
	}
	held, err := readGroup(ctx, c, group, defaultCreateTimeout, "the ephemeral rule's open", &resp.Diagnostics)
	if err != nil {
		return
	}
	now, _ := c.CloudNow()
	want := m.toRule()
	userDesc := want.Description
	st := sortHeld(caps, held, want, now)

	if len(st.expired) > 0 {
		e.revokeExpired(ctx, c, group, st.expired, now, &resp.Diagnostics)
	}
	opened := openedRule{Cloud: cloudName, Group: group, UserDescription: userDesc, Duration: duration, Key: rand.Text()}
	var until time.Time
	switch {
	case st.present != nil:
		opened.Rule = *st.present
		resp.Diagnostics.AddWarning("Ephemeral Rule Already Present",
			fmt.Sprintf("Security group %s already holds the rule %s (%s), so this run did not authorize it and will not revoke it when it closes.",
				group, st.present.Summary(), st.presentWhy))
	case st.takeOver != nil && caps.DescriptionInPlace:
		until = now.Add(duration)
		r := *st.takeOver
		r.Description = rule.WithMarker(userDesc, until)
		if err := c.UpdateDescription(ctx, group, r); err != nil {
			// The change may have landed with its answer lost, renewing the
			// marker: the provider's shutdown revokes the rule (by its id;
			// it was a dead run's leftover either way).
			remember(e.conns, openedRule{Cloud: cloudName, Group: group, UserDescription: userDesc, Duration: duration, Key: rand.Text(), Rule: r, Made: true})
			addRuleError(&resp.Diagnostics, "Could Not Take Over Expired Ephemeral Rule", group, r, fmt.Errorf("%w; the provider revokes the rule when Terraform stops it", err))
			return
		}
		opened.Rule, opened.Made = r, true
		resp.Diagnostics.AddWarning("Expired Ephemeral Rule Taken Over",
			fmt.Sprintf("Security group %s held the rule %s, left by a run that did not close it (its marker expired): this run renewed its marker and revokes it when it closes.",
				group, st.takeOver.Summary()))
	default:
		if st.takeOver != nil {
			// Made again with a new marker: the description cannot change
			// in place on this cloud.
			if errs := c.RevokeExact(ctx, group, []engine.Target{sameDescription(*st.takeOver)}); errs[0] != nil {
				addRuleError(&resp.Diagnostics, "Could Not Revoke Expired Ephemeral Rule", group, *st.takeOver, errs[0])
				return
			}
			resp.Diagnostics.AddWarning("Expired Ephemeral Rule Taken Over",
				fmt.Sprintf("Security group %s held the rule %s, left by a run that did not close it (its marker expired): this run revoked it and authorizes it again with a new marker (%s cannot change a description in place).",
					group, st.takeOver.Summary(), c.Cloud.Title))
		}
		if caps.Description {
			until = now.Add(duration)
			want.Description = rule.WithMarker(userDesc, until)
		}
		created, err := c.Create(ctx, group, want)
		switch {
		case cloud.KindOf(err) == cloud.KindDuplicate:
			// Made by another writer since the describe: theirs.
			opened.Rule, until = created, time.Time{}
			resp.Diagnostics.AddWarning("Ephemeral Rule Already Present",
				fmt.Sprintf("Security group %s already holds the rule %s, made since this run read the group, so this run did not authorize it and will not revoke it when it closes.", group, created.Summary()))
		case err != nil:
			if errors.Is(err, engine.ErrUnconfirmed) {
				// Most likely made: Terraform closes no resource whose
				// open failed, so the provider's shutdown revokes it (by
				// content; gone already is success).
				opened.Rule, opened.Made = want, true
				remember(e.conns, opened)
				err = fmt.Errorf("%w; the provider revokes it when Terraform stops it", err)
				if caps.Description {
					err = fmt.Errorf("%w, and should that fail, its marker lets the next ephemeral rule opened on the group revoke it after %s", err, until.Format(time.RFC3339))
				}
			}
			addRuleError(&resp.Diagnostics, "Could Not Open Ephemeral Rule", group, want, err)
			return
		default:
			opened.Rule, opened.Made = created, true
			if !caps.Description {
				resp.Diagnostics.AddWarning("Ephemeral Rule Without Expiry",
					fmt.Sprintf("%s rules have no description, so the rule %s carries no expiry marker: a run that dies before closing it leaves it open until it is revoked "+
						"(by the action secgroup_revoke, by secgroup_rules_exclusive, or by hand).", c.Cloud.Title, created.Summary()))
			}
		}
	}

	m.AlreadyPresent = types.BoolValue(!opened.Made)
	m.ExpiresAt = types.StringValue("")
	if opened.Made && !until.IsZero() {
		m.ExpiresAt = types.StringValue(until.UTC().Format(time.RFC3339))
	}
	config := m
	m.setResult(cloudName, group, opened.Rule, userDesc)
	// Terraform wants configured values back as configured: a rule found
	// by content may differ in what its identity leaves out.
	for _, keep := range []struct{ to, from *types.String }{{&m.Description, &config.Description}, {&m.NicType, &config.NicType}, {&m.Policy, &config.Policy}} {
		if !keep.from.IsNull() {
			*keep.to = *keep.from
		}
	}
	if !config.Priority.IsNull() {
		m.Priority = config.Priority
	}
	if opened.Made && !until.IsZero() && caps.DescriptionInPlace {
		// Renewed at half its span, by this machine's clock (Terraform's).
		resp.RenewAt = time.Now().Add(duration / 2)
	}
	data, err := json.Marshal(opened)
	if err != nil {
		resp.Diagnostics.AddError("Could Not Record Ephemeral Rule", err.Error())
		return
	}
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateKey, data)...)
	resp.Diagnostics.Append(resp.Result.Set(ctx, &m)...)
	if opened.Made {
		remember(e.conns, opened)
	}
}

// setResult writes the rule as the cloud holds it, with the user's
// description (the marker stays on the cloud).
func (m *ephemeralRuleModel) setResult(cloudName, group string, r rule.Rule, userDesc string) {
	m.ID = types.StringNull()
	m.setObserved(cloudName, group, r)
	if rest, _, ok := rule.ParseMarker(r.Description); ok {
		m.Description = types.StringValue(rest)
	} else if m.AlreadyPresent.ValueBool() {
		m.Description = types.StringValue(r.Description)
	} else {
		m.Description = types.StringValue(userDesc)
	}
}

// markerLive reports whether a rule whose expiry marker says until is
// kept for a running run at now (the cloud's time): not past, with the
// grace, and no further ahead than an ephemeral rule sets a marker (a
// marker written by hand with a far date is not a run's).
func markerLive(until, now time.Time) bool {
	return !now.After(until.Add(expiryGrace)) && !until.After(now.Add(maxEphemeralDuration+expiryGrace))
}

// markerExpired reports whether a rule whose expiry marker says until is
// a dead run's at now, so that another run may revoke it.
func markerExpired(until, now time.Time) bool { return now.After(until.Add(expiryGrace)) }

// warnedExpired are the groups whose expired ephemeral rules this process
// has warned of (by client and group), so that a plan of many rules of
// one group says it once.
var warnedExpired sync.Map

// warnExpiredEphemeral warns, once per group and process, of the rules the
// group holds whose ephemeral rule's marker expired (runs killed before
// closing them), from the read the caller just made (shared: no call) and
// the cloud's time. A plan writes nothing, so it says what will revoke
// them.
func warnExpiredEphemeral(ctx context.Context, c *engine.Client, group string, diags *diag.Diagnostics) {
	held, err := c.List(ctx, group)
	if err != nil || !c.Cloud.Capabilities.Description {
		return
	}
	now, _ := c.CloudNow()
	var expired []string
	for _, r := range held {
		if _, until, ok := rule.ParseMarker(r.Description); ok && markerExpired(until, now) {
			expired = append(expired, r.Summary())
		}
	}
	if len(expired) == 0 {
		return
	}
	// By client: one per provider configuration and cloud.
	if _, seen := warnedExpired.LoadOrStore(fmt.Sprintf("%p/%s", c, group), true); seen {
		return
	}
	diags.AddWarning("Expired Ephemeral Rules In The Group",
		fmt.Sprintf("Security group %s holds rules that an ephemeral secgroup_rule opened for a run that ended without closing them (their expiry marker has passed, by the cloud's time %s): %s. "+
			"They are revoked by the next ephemeral secgroup_rule opened on this group, by the apply of a secgroup_rules_exclusive of the group, or now by a secgroup_revoke action.",
			group, now.UTC().Format(time.RFC3339), strings.Join(expired, "; ")))
}

// heldRules sorts the group's rules for Open.
type heldRules struct {
	// present is the rule the group holds already, made outside an
	// ephemeral rule or by a run using it now (presentWhy says which).
	present    *rule.Rule
	presentWhy string
	// takeOver is the rule with an expired marker of ours.
	takeOver *rule.Rule
	// expired are the other rules whose marker expired.
	expired []rule.Rule
}

// sortHeld finds the wanted rule among the held ones, by content (the
// description apart: on Baidu, where it is part of a rule's identity, a
// rule of the same content with another description lets the same traffic
// in), and the rules whose marker expired at now (less expiryGrace).
func sortHeld(caps cloud.Capabilities, held []rule.Rule, want rule.Rule, now time.Time) heldRules {
	var st heldRules
	byContent := rule.Identity{NoPriority: caps.Identity.NoPriority}
	for i := range held {
		h := held[i]
		_, until, marked := rule.ParseMarker(h.Description)
		expired := marked && markerExpired(until, now)
		switch {
		case !byContent.Match(want, h):
			if expired {
				st.expired = append(st.expired, h)
			}
		case !marked:
			if st.present == nil {
				st.present, st.presentWhy = &held[i], "made outside an ephemeral rule"
			}
		case !expired:
			st.present, st.presentWhy = &held[i], fmt.Sprintf("opened by another run that uses it now, which revokes it when it closes, even while this run still uses it: its marker runs until %s", until.Format(time.RFC3339))
		case st.takeOver == nil:
			st.takeOver = &held[i]
		default:
			st.expired = append(st.expired, h)
		}
	}
	if st.present != nil && st.takeOver != nil {
		// The rule is there anyway: the expired one is only a leftover.
		st.expired, st.takeOver = append(st.expired, *st.takeOver), nil
	}
	return st
}

// sameDescription revokes r only while the group holds it with the same
// description: a run that renewed its marker since keeps it.
func sameDescription(r rule.Rule) engine.Target {
	return engine.Target{Rule: r, Same: func(cur rule.Rule) bool { return cur.Description == r.Description }}
}

// revokeExpired revokes the rules of runs that died (their marker expired)
// and says which, each in a warning; one that fails is a warning too: the
// rule this run opens does not depend on it.
func (e *EphemeralRule) revokeExpired(ctx context.Context, c *engine.Client, group string, expired []rule.Rule, now time.Time, diags *diag.Diagnostics) {
	targets := make([]engine.Target, len(expired))
	for i, r := range expired {
		targets[i] = sameDescription(r)
	}
	errs := c.RevokeExact(ctx, group, targets)
	for i, r := range expired {
		_, until, _ := rule.ParseMarker(r.Description)
		switch err := errs[i]; {
		case err == nil:
			diags.AddWarning("Expired Ephemeral Rule Revoked",
				fmt.Sprintf("Security group %s held the rule %s, left by a run that did not close it: its marker expired at %s (the cloud's time is %s), so it was revoked.",
					group, r.Summary(), until.Format(time.RFC3339), now.UTC().Format(time.RFC3339)))
		case errors.Is(err, engine.ErrChangedSincePlan):
			diags.AddWarning("Expired Ephemeral Rule Changed",
				fmt.Sprintf("Security group %s held the rule %s with an expired marker, but it changed before it could be revoked (another run renewed it?), so it was left.", group, r.Summary()))
		default:
			diags.AddWarning("Could Not Revoke Expired Ephemeral Rule",
				fmt.Sprintf("Security group %s, rule %s, whose marker expired at %s: %s", group, r.Summary(), until.Format(time.RFC3339), err))
		}
	}
}

// openedOf reads what Open recorded.
func openedOf(ctx context.Context, private interface {
	GetKey(context.Context, string) ([]byte, diag.Diagnostics)
}, diags *diag.Diagnostics) (openedRule, bool) {
	var o openedRule
	data, d := private.GetKey(ctx, privateKey)
	if diags.Append(d...); d.HasError() {
		return o, false
	}
	if err := json.Unmarshal(data, &o); err != nil {
		diags.AddError("Invalid Ephemeral Rule Record", "The record Open left could not be read: "+err.Error()+". Please report this to the provider developers.")
		return o, false
	}
	return o, true
}

// Renew moves the marker of a rule this run made on: the run goes on.
// Open asks for renewals only where the cloud changes descriptions in
// place.
func (e *EphemeralRule) Renew(ctx context.Context, req ephemeral.RenewRequest, resp *ephemeral.RenewResponse) {
	o, ok := openedOf(ctx, req.Private, &resp.Diagnostics)
	if !ok || !o.Made {
		return
	}
	o, ok = renewMarker(ctx, e.conns, o, &resp.Diagnostics)
	if !ok {
		return
	}
	remember(e.conns, o)
	data, err := json.Marshal(o)
	if err != nil {
		resp.Diagnostics.AddError("Could Not Record Ephemeral Rule", err.Error())
		return
	}
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateKey, data)...)
	resp.RenewAt = time.Now().Add(o.Duration / 2)
}

// renewMarker rewrites o's marker to the cloud's time now plus its
// duration, and returns o with the rule as renewed.
func renewMarker(ctx context.Context, conns *engine.Connections, o openedRule, diags *diag.Diagnostics) (openedRule, bool) {
	ctx, cancel, c := connect(ctx, conns, o.Cloud, defaultUpdateTimeout, diags)
	defer cancel()
	if c == nil {
		return o, false
	}
	// A describe, for the cloud's time (its Date).
	if _, err := c.List(ctx, o.Group); err != nil {
		addReadError(diags, o.Group, "to renew an ephemeral rule's marker", err)
		return o, false
	}
	now, _ := c.CloudNow()
	r := o.Rule
	r.Description = rule.WithMarker(o.UserDescription, now.Add(o.Duration))
	if err := c.UpdateDescription(ctx, o.Group, r); err != nil {
		addRuleError(diags, "Could Not Renew Ephemeral Rule", o.Group, r, fmt.Errorf("%w; its marker still runs to its earlier expiry", err))
		return o, false
	}
	o.Rule = r
	return o, true
}

// Close revokes the rule if this run made it, by the cloud's own id where
// it has one (engine.Client.Delete); a rule already gone is success. A
// failure is an error naming the rule: Terraform reports it, and the
// marker, where the cloud has one, lets a later run revoke the rule.
func (e *EphemeralRule) Close(ctx context.Context, req ephemeral.CloseRequest, resp *ephemeral.CloseResponse) {
	o, ok := openedOf(ctx, req.Private, &resp.Diagnostics)
	if !ok || !o.Made {
		return
	}
	ctx, cancel, c := connect(ctx, e.conns, o.Cloud, defaultDeleteTimeout, &resp.Diagnostics)
	defer cancel()
	if c == nil {
		return
	}
	// Closed, or failed with an error Terraform shows: not again at
	// shutdown.
	defer forget(o.Key)
	if err := c.Delete(ctx, o.Group, o.Rule); err != nil {
		if _, until, marked := rule.ParseMarker(o.Rule.Description); marked {
			err = fmt.Errorf("%w; the rule stays open until revoked: the next ephemeral rule opened on the group revokes it after %s (its marker)", err, until.Add(expiryGrace).Format(time.RFC3339))
		} else {
			err = fmt.Errorf("%w; the rule stays open until revoked (the action secgroup_revoke, secgroup_rules_exclusive, or by hand)", err)
		}
		addRuleError(&resp.Diagnostics, "Could Not Close Ephemeral Rule", o.Group, o.Rule, err)
	}
}
