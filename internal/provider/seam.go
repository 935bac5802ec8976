package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/secgroup/terraform-provider-secgroup/internal/cloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/engine"
	"github.com/secgroup/terraform-provider-secgroup/internal/rule"
)

// The seam: the one way every resource, data source and list resource
// reaches a cloud (DESIGN.md, "The seam"). Each failure has one wording
// here, on the attribute it concerns:
//   - "Provider Not Configured": no provider configuration reached us;
//   - "Cannot Use Cloud", on cloud: the cloud's settings are missing or
//     malformed;
//   - "Cannot Read Security Group", on security_group_id (or the
//     attribute the cloud's error names): a describe failed.

// timeoutFunc is a timeouts attribute's getter (timeouts.Value.Create …).
type timeoutFunc func(context.Context, time.Duration) (time.Duration, diag.Diagnostics)

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

// clientOf is the named cloud's client. A failure is reported in diags;
// plan-time checks that another check reports for pass nil and get nil.
func clientOf(ctx context.Context, conns *engine.Connections, cloudName string, diags *diag.Diagnostics) *engine.Client {
	if conns == nil {
		if diags != nil {
			diags.AddError("Provider Not Configured", "The secgroup provider was not configured.")
		}
		return nil
	}
	c, err := conns.Client(ctx, cloudName)
	if err != nil {
		if diags != nil {
			diags.AddAttributeError(path.Root("cloud"), "Cannot Use Cloud", err.Error())
		}
		return nil
	}
	return c
}

// connect prepares one operation: the cloud's client and a context
// bounded by limit, with secrets masked in logs. A nil client means the
// error is in diags; cancel is always to be called.
func connect(ctx context.Context, conns *engine.Connections, cloudName string, limit time.Duration, diags *diag.Diagnostics) (context.Context, context.CancelFunc, *engine.Client) {
	ctx, cancel := context.WithTimeout(ctx, limit)
	c := clientOf(ctx, conns, cloudName, diags)
	if c == nil {
		return ctx, cancel, nil
	}
	return conns.MaskSecrets(ctx), cancel, c
}

// timeoutOf is an operation's timeout: the timeouts attribute's, else def.
func timeoutOf(ctx context.Context, timeout timeoutFunc, def time.Duration, diags *diag.Diagnostics) time.Duration {
	d, tdiags := timeout(ctx, def)
	diags.Append(tdiags...)
	return d
}

// begin is connect with the limit a timeouts attribute sets.
func begin(ctx context.Context, conns *engine.Connections, cloudName string, timeout timeoutFunc, def time.Duration, diags *diag.Diagnostics) (context.Context, context.CancelFunc, *engine.Client) {
	return connect(ctx, conns, cloudName, timeoutOf(ctx, timeout, def, diags), diags)
}

// readGroup lists a group's rules through the shared reads (one describe
// per group, whoever asks) within ctx, which connect bounded by limit;
// setBy says where limit comes from. A failure is reported (addReadError)
// and returned, so that a caller can tell a group gone from other
// failures.
func readGroup(ctx context.Context, c *engine.Client, group string, limit time.Duration, setBy string, diags *diag.Diagnostics) ([]rule.Rule, error) {
	rules, err := c.List(ctx, group)
	if err != nil {
		if ctx.Err() != nil || engine.RanOutOfTime(err) {
			err = fmt.Errorf("%w (the read's timeout, %s, ran out: %s)", err, limit, setBy)
		}
		addReadError(diags, group, "", err)
	}
	return rules, err
}

// addReadError reports a failed describe of a group; why, if given, says
// what the read was for.
func addReadError(diags *diag.Diagnostics, group, why string, err error) {
	if why != "" {
		why = ", " + why
	}
	err = fmt.Errorf("security group %s%s: %w", group, why, err)
	at := path.Root("security_group_id")
	if e, ok := cloud.AsError(err); ok {
		switch {
		case e.Attribute != "":
			at = path.Root(e.Attribute)
		case e.Kind == cloud.KindAuth || e.Code == "" && e.Err != nil:
			// Refused credentials, or no answer at all (the endpoint): the
			// provider block that cloud names is at fault.
			at = path.Root("cloud")
		}
	}
	diags.AddAttributeError(at, "Cannot Read Security Group", err.Error())
}
