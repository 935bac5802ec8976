package provider

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/secgroup/terraform-provider-secgroup/internal/cloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/engine"
	"github.com/secgroup/terraform-provider-secgroup/internal/rule"
)

// What secgroup_rule, the secgroup_rules data source and the secgroup_rule
// list resource share: the provider's connections, the attributes that
// name a group, and reading a group's rules.

// connectionsFrom is the provider's connections, handed to Configure.
// Nil without an error: the provider is not configured yet.
func connectionsFrom(providerData any, kind string, diags *diag.Diagnostics) *engine.Connections {
	if providerData == nil {
		return nil
	}
	conns, ok := providerData.(*engine.Connections)
	if !ok {
		diags.AddError("Unexpected "+kind+" Configure Type",
			fmt.Sprintf("Expected *engine.Connections, got: %T. Please report this issue to the provider developers.", providerData))
	}
	return conns
}

// cloudAttribute is the description and checks of a `cloud` attribute.
func cloudAttribute(registry *cloud.Registry, what string) (string, []validator.String) {
	return what + ": one of `" + strings.Join(registry.Names(), "`, `") + "`.",
		[]validator.String{stringvalidator.OneOf(registry.Names()...)}
}

// The checks of the attributes that secgroup_rule shares with the filters
// of the data source and the list resource, defined once: a filter takes
// what the resource's attribute takes.
var (
	groupIDValidators   = []validator.String{groupIDValidator{}}
	directionValidators = []validator.String{stringvalidator.OneOf(rule.Directions...)}
	protocolValidators  = []validator.String{stringvalidator.OneOf(rule.Protocols...)}
	cidrValidators      = []validator.String{cidrValidator()}
)

// begin prepares one operation: a context bounded by the operation's
// timeout (from the timeouts attribute, else the default), with secrets
// masked in logs, and the cloud's client. A nil client means the error is
// in diags.
func begin(ctx context.Context, conns *engine.Connections, cloudName string, timeout func(context.Context, time.Duration) (time.Duration, diag.Diagnostics),
	def time.Duration, diags *diag.Diagnostics) (context.Context, context.CancelFunc, *engine.Client) {
	d, tdiags := timeout(ctx, def)
	diags.Append(tdiags...)
	ctx, cancel := context.WithTimeout(ctx, d)
	if conns == nil {
		diags.AddError("Provider Not Configured", "The secgroup provider was not configured.")
		return ctx, cancel, nil
	}
	c, err := conns.Client(ctx, cloudName)
	if err != nil {
		diags.AddAttributeError(path.Root("cloud"), "Cannot Use Cloud", err.Error())
		return ctx, cancel, nil
	}
	return conns.MaskSecrets(ctx), cancel, c
}

// readGroup lists a group's rules through the shared reads: one describe
// per group, whoever asks, within timeout, which setBy says where it comes
// from. Every failure is a diagnostic.
func readGroup(ctx context.Context, conns *engine.Connections, cloudName, group string, timeout time.Duration, setBy string) ([]rule.Rule, diag.Diagnostics) {
	var diags diag.Diagnostics
	if conns == nil {
		diags.AddError("Provider Not Configured", "The secgroup provider was not configured.")
		return nil, diags
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	c, err := conns.Client(ctx, cloudName)
	if err != nil {
		diags.AddAttributeError(path.Root("cloud"), "Cannot Use Cloud", err.Error())
		return nil, diags
	}
	rules, err := c.List(conns.MaskSecrets(ctx), group)
	if err != nil {
		if ctx.Err() != nil || engine.RanOutOfTime(err) {
			err = fmt.Errorf("%w (the read's timeout, %s, ran out: %s)", err, timeout, setBy)
		}
		addCloudError(&diags, "Could Not List Rules", fmt.Errorf("security group %s: %w", group, err))
		return nil, diags
	}
	return rules, diags
}

// displayName says what a rule does, as a reviewer reads it, every part
// that tells two rules of one cloud apart included: direction, protocol,
// ports, peer (and its owner), the group's own side where the rule
// narrows it, source ports, the NIC type where the rule has one (two rules
// of a classic-network group differ in it alone), policy, priority,
// description, and the cloud's id where it has one ("ingress tcp 22 from
// 10.0.0.0/8 nic intranet accept priority 1 \"ssh\" (sgr-1)").
// secgroup_rules_exclusive's plan lists the rules it revokes in it, and
// its apply revokes only rules that still read the same.
func displayName(o rule.Rule) string {
	s := o.Direction + " " + o.Protocol
	if !o.Ports.IsZero() {
		s += " " + o.Ports.String()
	}
	if o.Direction == rule.Egress {
		s += " to " + o.Peer()
	} else {
		s += " from " + o.Peer()
	}
	for _, owner := range []string{o.PeerGroupOwnerAccount, o.PeerGroupOwnerID} {
		if owner != "" {
			s += " of " + owner
		}
	}
	if o.LocalCIDR != "" {
		s += " at " + o.LocalCIDR
	}
	if !o.SourcePorts.IsZero() {
		s += " source ports " + o.SourcePorts.String()
	}
	if o.NicType != "" {
		s += " nic " + o.NicType
	}
	if o.Policy != "" {
		s += " " + o.Policy
	}
	if o.Priority != 0 {
		s += " priority " + strconv.Itoa(o.Priority)
	}
	if o.Description != "" {
		s += " " + strconv.Quote(o.Description)
	}
	if o.NativeID != "" {
		s += " (" + o.NativeID + ")"
	}
	return s
}
