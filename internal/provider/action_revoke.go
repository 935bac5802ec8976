package provider

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/action/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/secgroup/terraform-provider-secgroup/internal/cloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/engine"
	"github.com/secgroup/terraform-provider-secgroup/internal/rule"
)

var (
	_ action.Action                   = &RevokeAction{}
	_ action.ActionWithConfigure      = &RevokeAction{}
	_ action.ActionWithValidateConfig = &RevokeAction{}
	_ action.ActionWithModifyPlan     = &RevokeAction{}
)

// RevokeAction is the secgroup_revoke action (Terraform 1.14+): it revokes,
// in the listed groups of one or more clouds, every rule that lets a
// network through, chosen by a filter (revokeFilter). Its plan lists what
// it would revoke and writes nothing; its invoke describes each group
// again and revokes, batched, only rules that still read as that describe
// showed them (engine.Client.RevokeExact; DESIGN.md, "The revoke action").
type RevokeAction struct {
	registry *cloud.Registry
	conns    *engine.Connections
}

// NewRevokeAction builds the action for the given clouds.
func NewRevokeAction(registry *cloud.Registry) action.Action {
	return &RevokeAction{registry: registry}
}

// revokeConfig is the action's configuration.
type revokeConfig struct {
	Groups             types.List   `tfsdk:"groups"`
	Network            types.String `tfsdk:"network"`
	WidestPrefixLength types.Int64  `tfsdk:"widest_prefix_length"`
	Protocol           types.String `tfsdk:"protocol"`
	Port               types.Int64  `tfsdk:"port"`
	Direction          types.String `tfsdk:"direction"`
}

// revokeGroup is one entry of groups.
type revokeGroup struct {
	Cloud           types.String `tfsdk:"cloud"`
	SecurityGroupID types.String `tfsdk:"security_group_id"`
}

// defaultWidestPrefix leaves out peers open to every address (0.0.0.0/0,
// ::/0) unless the user asks for them: an incident about one network
// rarely means to close a service to everyone.
const defaultWidestPrefix = 1

// Metadata names the action.
func (a *RevokeAction) Metadata(_ context.Context, req action.MetadataRequest, resp *action.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_revoke"
}

// Schema describes the groups and the filter.
func (a *RevokeAction) Schema(_ context.Context, _ action.SchemaRequest, resp *action.SchemaResponse) {
	cloudDesc, cloudValidators := cloudAttribute(a.registry, "Cloud of the group")
	resp.Schema = schema.Schema{
		MarkdownDescription: "Revokes now, in every listed security group of one or more clouds, each rule that lets `network` through " +
			"(its peer CIDR equals or contains `network`, no wider than `widest_prefix_length`), narrowed by `protocol`, `port` and `direction`. " +
			"Only `accept` rules match (revoking a `drop` rule would let more in), and never rules whose peer is a security group or prefix list. " +
			"`terraform plan -invoke=action.secgroup_revoke.NAME` lists what it would revoke, group by group, and writes nothing; " +
			"`terraform apply -invoke=…` describes each group again and revokes, batched, the rules that still read as that describe showed them, " +
			"reporting each. Terraform 1.14+.",
		Attributes: map[string]schema.Attribute{
			"groups": schema.ListNestedAttribute{
				Required:            true,
				MarkdownDescription: "The security groups to search, one or more, on any of the clouds the provider block configures.",
				Validators:          []validator.List{listvalidator.SizeAtLeast(1)},
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"cloud":             schema.StringAttribute{Required: true, MarkdownDescription: cloudDesc, Validators: cloudValidators},
					"security_group_id": schema.StringAttribute{Required: true, MarkdownDescription: "Id of the security group.", Validators: groupIDValidators},
				}},
			},
			"network": schema.StringAttribute{
				Required: true,
				MarkdownDescription: "The network that must lose access: an IPv4 or IPv6 CIDR block or a bare address (`203.0.113.7` is `203.0.113.7/32`). " +
					"A rule matches when its peer CIDR equals or contains it: `203.0.113.0/24` matches rules allowing `203.0.113.0/24`, `203.0.112.0/23` or `203.0.0.0/16`, " +
					"not `203.0.113.128/25` (part of the network only: revoke that with its own network).",
				Validators: cidrValidators,
			},
			"widest_prefix_length": schema.Int64Attribute{
				Optional: true,
				MarkdownDescription: "The widest peer a rule may have and still match, as a prefix length: `16` leaves rules allowing a `/15` or wider alone. " +
					"Default `1`: every peer that contains `network` but the whole address space, so rules open to everyone (`0.0.0.0/0`, `::/0`) are left; " +
					"set `0` to revoke those too.",
			},
			"protocol": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Only rules of this protocol, as `secgroup_rule` spells it: one of `" + strings.Join(rule.Protocols, "`, `") + "`. " +
					"A rule of protocol `all` matches only when `protocol` is `all` or not set.",
				Validators: protocolValidators,
			},
			"port": schema.Int64Attribute{
				Optional: true,
				MarkdownDescription: "Only rules whose port range holds this port (1-65535): `22` matches `22` and `1-1024`. " +
					"Rules without ports (protocol `icmp`, `gre`, `all`) never match a port.",
			},
			"direction": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Only rules of this direction, `ingress` (from `network`) or `egress` (to it). Both when not set.",
				Validators:          directionValidators,
			},
		},
	}
}

// Configure takes the provider's connections.
func (a *RevokeAction) Configure(_ context.Context, req action.ConfigureRequest, resp *action.ConfigureResponse) {
	a.conns = connectionsFrom(req.ProviderData, "Action", &resp.Diagnostics)
}

// revokeFilter is what a rule must be to be revoked.
type revokeFilter struct {
	network   netip.Prefix
	widest    int
	protocol  string
	port      int
	direction string
}

// matches reports whether the action revokes r: an accept rule whose peer
// CIDR contains the network and is no wider than widest, of the protocol,
// port and direction where the filter names them.
func (f revokeFilter) matches(r rule.Rule) bool {
	if r.CIDR == "" || r.Policy != "" && r.Policy != rule.Accept {
		return false
	}
	peer, err := netip.ParsePrefix(r.CIDR)
	if err != nil || peer.Addr().Is4() != f.network.Addr().Is4() {
		return false
	}
	switch {
	case peer.Bits() > f.network.Bits() || peer.Bits() < f.widest || !peer.Contains(f.network.Addr()):
		return false
	case f.protocol != "" && r.Protocol != f.protocol:
		return false
	case f.port != 0 && (r.Ports.IsZero() || f.port < r.Ports.From || f.port > r.Ports.To):
		return false
	case f.direction != "" && r.Direction != f.direction:
		return false
	}
	return true
}

// String says what the filter matches, for messages.
func (f revokeFilter) String() string {
	s := "accept rules whose peer contains " + f.network.String()
	switch f.widest {
	case 0:
		s += " (peers open to every address included)"
	case 1:
		s += " (peers open to every address left out)"
	default:
		s += fmt.Sprintf(" and is no wider than /%d", f.widest)
	}
	if f.protocol != "" {
		s += ", protocol " + f.protocol
	}
	if f.port != 0 {
		s += fmt.Sprintf(", port %d", f.port)
	}
	if f.direction != "" {
		s += ", " + f.direction
	}
	return s
}

// known64 reports whether v is set and known.
func known64(v types.Int64) bool { return !v.IsNull() && !v.IsUnknown() }

// filterOf checks the filter's attributes and returns the filter; ok is
// false when one is unknown (a plan then cannot list) or wrong, which
// diags says. Every problem is reported at once.
func (c revokeConfig) filterOf() (f revokeFilter, ok bool, diags diag.Diagnostics) {
	ok = known(c.Network) && !c.WidestPrefixLength.IsUnknown() && !c.Protocol.IsUnknown() && !c.Port.IsUnknown() && !c.Direction.IsUnknown()
	f.protocol, f.direction, f.widest = c.Protocol.ValueString(), c.Direction.ValueString(), defaultWidestPrefix
	if known(c.Network) {
		// Its validator reports a bad network (cidrValidators).
		p, err := rule.ParseCIDR(c.Network.ValueString())
		f.network, ok = p, ok && err == nil
	}
	if known64(c.Port) {
		f.port = int(c.Port.ValueInt64())
		if f.port < 1 || f.port > 65535 {
			diags.AddAttributeError(path.Root("port"), "Invalid Attribute Value",
				fmt.Sprintf("port is %d: give one port within 1-65535, such as 22; a rule matches when its port range holds it.", f.port))
		}
		if known(c.Protocol) && !rule.HasPorts(f.protocol) {
			diags.AddAttributeError(path.Root("port"), "Invalid Attribute Value",
				fmt.Sprintf("protocol %q has no ports, so no rule could match port %d: remove port, or set protocol to tcp or udp.", f.protocol, f.port))
		}
	}
	if f.network.IsValid() && f.network.Bits() < f.widest && c.WidestPrefixLength.IsNull() {
		diags.AddAttributeError(path.Root("widest_prefix_length"), "Invalid Attribute Value",
			fmt.Sprintf("network %s is the whole address space, which only a rule open to every address contains, and widest_prefix_length (default %d) leaves those out, "+
				"so the action would revoke nothing: set widest_prefix_length = 0 to revoke the rules open to every address.", f.network, defaultWidestPrefix))
	}
	if known64(c.WidestPrefixLength) {
		f.widest = int(c.WidestPrefixLength.ValueInt64())
		if f.network.IsValid() && (f.widest < 0 || f.widest > f.network.Bits()) {
			diags.AddAttributeError(path.Root("widest_prefix_length"), "Invalid Attribute Value",
				fmt.Sprintf("widest_prefix_length is %d, but network %s is a /%d, and only a peer of prefix length 0 to %d can contain it: "+
					"give a number in that range (0 also matches rules open to every address).", f.widest, f.network, f.network.Bits(), f.network.Bits()))
		} else if f.widest < 0 || f.widest > 128 {
			diags.AddAttributeError(path.Root("widest_prefix_length"), "Invalid Attribute Value",
				fmt.Sprintf("widest_prefix_length is %d: give a prefix length from 0 to 32 (IPv4) or 128 (IPv6).", f.widest))
		}
	}
	return f, ok && !diags.HasError(), diags
}

// groupsOf returns the listed groups, each once, with where each is
// listed; ok is false when the list or an entry is unknown. A group
// listed twice is an error on the second place.
func (c revokeConfig) groupsOf(ctx context.Context) (groups []revokeGroup, at []path.Path, ok bool, diags diag.Diagnostics) {
	if c.Groups.IsNull() || c.Groups.IsUnknown() {
		return nil, nil, false, nil
	}
	var all []revokeGroup
	if diags = c.Groups.ElementsAs(ctx, &all, false); diags.HasError() {
		return nil, nil, false, diags
	}
	ok = true
	first := map[[2]string]int{}
	for i, g := range all {
		if !known(g.Cloud) || !known(g.SecurityGroupID) {
			ok = false
			continue
		}
		key := [2]string{g.Cloud.ValueString(), g.SecurityGroupID.ValueString()}
		if j, dup := first[key]; dup {
			diags.AddAttributeError(path.Root("groups").AtListIndex(i), "Invalid Attribute Value",
				fmt.Sprintf("groups[%d] lists %s group %s again (groups[%d] lists it first): remove one.", i, key[0], key[1], j))
			continue
		}
		first[key] = i
		groups, at = append(groups, g), append(at, path.Root("groups").AtListIndex(i))
	}
	return groups, at, ok && !diags.HasError(), diags
}

// lateChecks runs the attributes' validators on the values that were not
// known when Terraform validated the configuration (it validates an
// action's configuration only with the values known then: a variable's
// or a resource's are checked here, at plan and at invoke).
func (a *RevokeAction) lateChecks(ctx context.Context, c revokeConfig) diag.Diagnostics {
	var diags diag.Diagnostics
	check := func(p path.Path, v types.String, validators []validator.String) {
		if !known(v) {
			return
		}
		for _, vd := range validators {
			resp := &validator.StringResponse{}
			vd.ValidateString(ctx, validator.StringRequest{Path: p, PathExpression: p.Expression(), ConfigValue: v}, resp)
			diags.Append(resp.Diagnostics...)
		}
	}
	check(path.Root("network"), c.Network, cidrValidators)
	check(path.Root("protocol"), c.Protocol, protocolValidators)
	check(path.Root("direction"), c.Direction, directionValidators)
	if c.Groups.IsNull() || c.Groups.IsUnknown() {
		return diags
	}
	var all []revokeGroup
	if d := c.Groups.ElementsAs(ctx, &all, false); d.HasError() {
		return append(diags, d...)
	}
	_, cloudValidators := cloudAttribute(a.registry, "")
	for i, g := range all {
		at := path.Root("groups").AtListIndex(i)
		check(at.AtName("cloud"), g.Cloud, cloudValidators)
		check(at.AtName("security_group_id"), g.SecurityGroupID, groupIDValidators)
	}
	return diags
}

// ValidateConfig checks the filter and the groups.
func (a *RevokeAction) ValidateConfig(ctx context.Context, req action.ValidateConfigRequest, resp *action.ValidateConfigResponse) {
	var c revokeConfig
	if resp.Diagnostics.Append(req.Config.Get(ctx, &c)...); resp.Diagnostics.HasError() {
		return
	}
	_, _, diags := c.filterOf()
	resp.Diagnostics.Append(diags...)
	_, _, _, diags = c.groupsOf(ctx)
	resp.Diagnostics.Append(diags...)
}

// groupName names a group in messages: its cloud and id.
func groupName(g revokeGroup) string {
	return g.Cloud.ValueString() + " security group " + g.SecurityGroupID.ValueString()
}

// ModifyPlan lists, group by group, what an invoke would revoke now, from
// a describe of each group; it writes nothing. A group it cannot read is
// a warning: the invoke reads it again, and fails naming it if it still
// cannot, after revoking in the others. With values unknown until apply
// it lists nothing.
func (a *RevokeAction) ModifyPlan(ctx context.Context, req action.ModifyPlanRequest, resp *action.ModifyPlanResponse) {
	var c revokeConfig
	if resp.Diagnostics.Append(req.Config.Get(ctx, &c)...); resp.Diagnostics.HasError() {
		return
	}
	// Values known at validation were checked then (an error there ends
	// the command before its plan): what fails here became known since.
	resp.Diagnostics.Append(a.lateChecks(ctx, c)...)
	f, fok, fdiags := c.filterOf()
	groups, at, gok, gdiags := c.groupsOf(ctx)
	resp.Diagnostics.Append(fdiags...)
	resp.Diagnostics.Append(gdiags...)
	if resp.Diagnostics.HasError() {
		return
	}
	if a.conns == nil {
		resp.Diagnostics.AddWarning("Rules secgroup_revoke Would Revoke", "Not listed: the provider is not configured yet.")
		return
	}
	if !fok || !gok {
		resp.Diagnostics.AddWarning("Rules secgroup_revoke Would Revoke",
			"Not listed: the action's configuration holds values known only at apply. The invoke reports each rule it revokes.")
		return
	}
	// Each group's outcome in its place: the groups are read at once, the
	// list keeps their order.
	type planned struct {
		chosen  []rule.Rule
		unread  string
		badConn error
	}
	outcomes := make([]planned, len(groups))
	eachGroup(groups, func(i int, g revokeGroup) {
		client, err := a.conns.Client(ctx, g.Cloud.ValueString())
		if err != nil {
			outcomes[i].badConn = err
			return
		}
		rctx, cancel := context.WithTimeout(a.conns.MaskSecrets(ctx), defaultReadTimeout)
		defer cancel()
		rules, err := client.List(rctx, g.SecurityGroupID.ValueString())
		if err != nil {
			outcomes[i].unread = fmt.Sprintf("%s: %s.", groupName(g), err)
			return
		}
		outcomes[i].chosen = matching(f, rules)
	})
	var lines, unread []string
	total := 0
	for i, o := range outcomes {
		switch {
		case o.badConn != nil:
			resp.Diagnostics.AddAttributeError(at[i].AtName("cloud"), "Cannot Use Cloud", fmt.Sprintf("%s: %s", groupName(groups[i]), o.badConn))
		case o.unread != "":
			unread = append(unread, o.unread)
		default:
			total += len(o.chosen)
			lines = append(lines, groupLines(groups[i], o.chosen)...)
		}
	}
	if resp.Diagnostics.HasError() {
		return
	}
	if len(unread) > 0 {
		// One warning: Terraform folds warnings of one summary into the
		// first.
		resp.Diagnostics.AddAttributeWarning(path.Root("groups"), "Cannot Read Security Groups",
			strings.Join(unread, "\n")+"\nThe invoke reads them again: for each it still cannot read, the action fails naming it, after revoking the matching rules of the others.")
	}
	resp.Diagnostics.AddWarning("Rules secgroup_revoke Would Revoke",
		fmt.Sprintf("The plan's describe, before any revoke: %d %s (%s):\n%s\n"+
			"The invoke describes each group again and revokes what matches then, only while a rule reads as that describe showed it.",
			total, plural(total, "rule matches", "rules match"), f, strings.Join(lines, "\n")))
}

// eachGroup runs fn for every group at once and returns when all are
// done. The engine keeps each group's calls in turn and retries a
// cloud's throttling.
func eachGroup(groups []revokeGroup, fn func(i int, g revokeGroup)) {
	var wg sync.WaitGroup
	for i, g := range groups {
		wg.Add(1)
		go func() {
			defer wg.Done()
			fn(i, g)
		}()
	}
	wg.Wait()
}

// matching is the rules f chooses, in the group's order.
func matching(f revokeFilter, rules []rule.Rule) []rule.Rule {
	var out []rule.Rule
	for _, r := range rules {
		if f.matches(r) {
			out = append(out, r)
		}
	}
	return out
}

// groupLines are a group's heading and its chosen rules, for a plan.
func groupLines(g revokeGroup, chosen []rule.Rule) []string {
	if len(chosen) == 0 {
		return []string{groupName(g) + ": none"}
	}
	out := []string{groupName(g) + ":"}
	for _, r := range chosen {
		out = append(out, "  - "+r.Summary())
	}
	return out
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// revokeReport gathers an invoke's outcomes across groups.
type revokeReport struct {
	revoked, gone, changed []string
	failed                 []string
}

// Invoke describes each group and revokes the rules the filter chooses,
// the groups at once, reporting each rule as its group's batch ends. A group that cannot be read or revoked in does not stop the
// others: the action fails at the end naming it, with what was revoked.
func (a *RevokeAction) Invoke(ctx context.Context, req action.InvokeRequest, resp *action.InvokeResponse) {
	var c revokeConfig
	if resp.Diagnostics.Append(req.Config.Get(ctx, &c)...); resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(a.lateChecks(ctx, c)...)
	f, fok, diags := c.filterOf()
	groups, _, gok, gdiags := c.groupsOf(ctx)
	resp.Diagnostics.Append(diags...)
	resp.Diagnostics.Append(gdiags...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !fok || !gok {
		resp.Diagnostics.AddError("Unknown Action Configuration", "secgroup_revoke's groups and filter must be known when it is invoked.")
		return
	}
	if a.conns == nil {
		resp.Diagnostics.AddError("Provider Not Configured", "The secgroup provider was not configured.")
		return
	}
	var progressMu sync.Mutex
	progress := func(format string, args ...any) {
		msg := fmt.Sprintf(format, args...)
		progressMu.Lock()
		defer progressMu.Unlock()
		tflog.Info(ctx, msg)
		if resp.SendProgress != nil {
			resp.SendProgress(action.InvokeProgressEvent{Message: msg})
		}
	}
	// The groups at once (an incident is no time to wait group by group);
	// each reports into its own place, merged in the listed order.
	reports := make([]revokeReport, len(groups))
	eachGroup(groups, func(i int, g revokeGroup) { a.revokeIn(ctx, g, f, &reports[i], progress) })
	var rep revokeReport
	for _, r := range reports {
		rep.revoked = append(rep.revoked, r.revoked...)
		rep.gone = append(rep.gone, r.gone...)
		rep.changed = append(rep.changed, r.changed...)
		rep.failed = append(rep.failed, r.failed...)
	}
	summary := fmt.Sprintf("secgroup_revoke: %d %s revoked, %d %s searched (%s)", len(rep.revoked)+len(rep.gone), plural(len(rep.revoked)+len(rep.gone), "rule", "rules"),
		len(groups), plural(len(groups), "group", "groups"), f)
	if len(rep.gone) > 0 {
		summary += fmt.Sprintf("; %d of them already gone", len(rep.gone))
	}
	if len(rep.changed) > 0 {
		summary += fmt.Sprintf("; %d changed since the describe and not revoked", len(rep.changed))
	}
	if len(rep.failed) > 0 {
		summary += fmt.Sprintf("; %d %s failed", len(rep.failed), plural(len(rep.failed), "group", "groups"))
	}
	progress("%s", summary)
	if len(rep.changed) > 0 {
		resp.Diagnostics.AddWarning("Rules Changed Since the Describe",
			"These rules matched the filter in the action's describe but read otherwise when it came to revoke them, so they were not revoked; invoke the action again to revoke them as they are now:\n"+
				strings.Join(rep.changed, "\n"))
	}
	if len(rep.failed) > 0 {
		done := " none"
		if all := slices.Concat(rep.revoked, rep.gone); len(all) > 0 {
			done = "\n" + strings.Join(all, "\n")
		}
		resp.Diagnostics.AddError("secgroup_revoke Did Not Finish",
			fmt.Sprintf("%s\n\nRevoked (these stay revoked):%s\n\nInvoke the action again once the failure is fixed: it revokes what still matches.",
				strings.Join(rep.failed, "\n"), done))
	}
}

// revokeIn revokes the matching rules of one group: a describe, then the
// chosen rules revoked together, each only while the group holds it as
// that describe showed it.
func (a *RevokeAction) revokeIn(ctx context.Context, g revokeGroup, f revokeFilter, rep *revokeReport, progress func(string, ...any)) {
	name, group := groupName(g), g.SecurityGroupID.ValueString()
	client, err := a.conns.Client(ctx, g.Cloud.ValueString())
	if err != nil {
		rep.failed = append(rep.failed, fmt.Sprintf("%s: cannot use the cloud: %s", name, err))
		return
	}
	ctx, cancel := context.WithTimeout(a.conns.MaskSecrets(ctx), defaultDeleteTimeout)
	defer cancel()
	// A describe of its own: one this process made earlier (the apply
	// that triggered the action read the group back) misses the rules
	// other tools added since.
	rules, err := client.ListFresh(ctx, group)
	if err != nil {
		rep.failed = append(rep.failed, fmt.Sprintf("%s: cannot read the group: %s", name, err))
		progress("%s: cannot read the group: %s", name, err)
		return
	}
	chosen := matching(f, rules)
	if len(chosen) == 0 {
		progress("%s: no rule matches", name)
		return
	}
	targets := make([]engine.Target, len(chosen))
	// held records that the describe under the group's lock still showed
	// the rule (Same is asked only then): a rule revoked without it was
	// gone already.
	held := make([]atomic.Bool, len(chosen))
	for i, r := range chosen {
		targets[i] = engine.Target{Rule: r, Same: func(current rule.Rule) bool {
			held[i].Store(true)
			return current.Direction == r.Direction && current.Line() == r.Line()
		}}
	}
	for i, err := range client.RevokeExact(ctx, group, targets) {
		line := name + ": " + chosen[i].Summary()
		switch {
		case err == nil && held[i].Load():
			rep.revoked = append(rep.revoked, line)
			progress("revoked %s", line)
		case err == nil:
			rep.gone = append(rep.gone, line+" (already gone)")
			progress("already gone, counted as revoked: %s", line)
		case errors.Is(err, engine.ErrChangedSincePlan):
			rep.changed = append(rep.changed, line)
			progress("not revoked, changed since the describe: %s", line)
		default:
			rep.failed = append(rep.failed, fmt.Sprintf("%s: could not revoke %s: %s", name, chosen[i].Summary(), err))
			progress("could not revoke %s: %s", line, err)
		}
	}
}
