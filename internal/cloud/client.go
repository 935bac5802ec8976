package cloud

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/secgroup/terraform-provider-secgroup/internal/rule"
)

// ErrUnconfirmed says a create was accepted by the cloud but the rule could
// not be read back: it most likely exists.
var ErrUnconfirmed = errors.New("the cloud accepted the rule but it could not be read back")

// Client runs the resource's operations on one cloud: every call retried on
// transient errors, every write serialised per security group.
type Client struct {
	Cloud   Cloud
	backend Backend
	// scope keeps locks of equal group ids on different clouds or regions
	// apart.
	scope   string
	locks   *Locks
	backoff Backoff
}

// NewClient wraps a backend. scope distinguishes accounts/regions in lock
// keys; locks may be shared by all clients of a provider.
func NewClient(c Cloud, backend Backend, scope string, locks *Locks, backoff Backoff) *Client {
	return &Client{Cloud: c, backend: backend, scope: scope, locks: locks, backoff: backoff}
}

func (c *Client) lock(ctx context.Context, groupID string) (func(), error) {
	unlock, err := c.locks.Lock(ctx, c.scope+"/"+groupID)
	if err != nil {
		return nil, fmt.Errorf("waiting for other changes to security group %s: %w", groupID, err)
	}
	return unlock, nil
}

// List returns every rule of a group.
func (c *Client) List(ctx context.Context, groupID string) ([]rule.Rule, error) {
	var rules []rule.Rule
	err := Retry(ctx, c.backoff, func(ctx context.Context) error {
		var err error
		rules, err = c.backend.Describe(ctx, groupID)
		return err
	})
	return rules, err
}

// Find returns the rule of a group that r matches. A missing rule or group
// is an error of KindRuleGone or KindGroupGone.
func (c *Client) Find(ctx context.Context, groupID string, r rule.Rule) (rule.Rule, error) {
	rules, err := c.List(ctx, groupID)
	if err != nil {
		return rule.Rule{}, err
	}
	if i := rule.Find(rules, r); i >= 0 {
		return rules[i], nil
	}
	return rule.Rule{}, &Error{Cloud: c.Cloud.Name, Action: "find rule", Kind: KindRuleGone,
		Message: fmt.Sprintf("security group %s has no rule %s", groupID, r)}
}

// Create adds one rule and returns it as the cloud reports it (with its
// native id, where the cloud has ids). A rule that exists before the call
// is a KindDuplicate error carrying the existing rule; the check and the
// write happen under the group's lock, so two of our own creates cannot
// race. clientToken is reused for every retry of the write, so a retry of a
// write that did land (its answer lost) does not count as a duplicate.
func (c *Client) Create(ctx context.Context, groupID string, r rule.Rule, clientToken string) (rule.Rule, error) {
	unlock, err := c.lock(ctx, groupID)
	if err != nil {
		return rule.Rule{}, err
	}
	defer unlock()

	existing, err := c.List(ctx, groupID)
	if err != nil {
		return rule.Rule{}, err
	}
	if i := rule.Find(existing, r); i >= 0 {
		return existing[i], &Error{Cloud: c.Cloud.Name, Action: "create rule", Kind: KindDuplicate,
			Message: fmt.Sprintf("security group %s already has the rule %s", groupID, r)}
	}
	tflog.Debug(ctx, "authorizing rule", map[string]any{"cloud": c.Cloud.Name, "security_group_id": groupID, "rule": r.String()})
	// Clouds without client tokens answer a retry of a write that landed
	// (its answer lost) with "duplicate". The rule was absent before the
	// first attempt, under the lock, so that duplicate is our own rule.
	lost := false
	err = Retry(ctx, c.backoff, func(ctx context.Context) error {
		err := c.backend.Authorize(ctx, groupID, []rule.Rule{r}, clientToken)
		if lost && KindOf(err) == KindDuplicate {
			tflog.Debug(ctx, "a lost earlier attempt created the rule", map[string]any{"reason": err.Error()})
			return nil
		}
		lost = KindOf(err) == KindTransient
		return err
	})
	if KindOf(err) == KindDuplicate {
		// The cloud knows a rule equal to r that the check above did not
		// (another writer, or a broader notion of equality).
		return r, err
	}
	if err != nil {
		return rule.Rule{}, err
	}
	// Read back for the cloud's defaults and native id. Some clouds list a
	// new rule only after a moment, so "not there yet" is retried too.
	var created rule.Rule
	err = Retry(ctx, c.backoff, func(ctx context.Context) error {
		var err error
		created, err = c.Find(ctx, groupID, r)
		if KindOf(err) == KindRuleGone {
			return &Error{Cloud: c.Cloud.Name, Action: "read back rule", Kind: KindBusy, Err: err}
		}
		return err
	})
	if err != nil {
		return r, fmt.Errorf("%w: %w", ErrUnconfirmed, err)
	}
	return created, nil
}

// Delete revokes one rule. A rule or group that is already gone is success.
func (c *Client) Delete(ctx context.Context, groupID string, r rule.Rule) error {
	unlock, err := c.lock(ctx, groupID)
	if err != nil {
		return err
	}
	defer unlock()
	tflog.Debug(ctx, "revoking rule", map[string]any{"cloud": c.Cloud.Name, "security_group_id": groupID, "rule": r.String()})
	err = Retry(ctx, c.backoff, func(ctx context.Context) error {
		return c.backend.Revoke(ctx, groupID, []rule.Rule{r})
	})
	if IsGone(err) {
		tflog.Info(ctx, "rule already gone", map[string]any{"reason": err.Error()})
		return nil
	}
	return err
}

// UpdateDescription changes a rule's description in place.
func (c *Client) UpdateDescription(ctx context.Context, groupID string, r rule.Rule) error {
	u, ok := c.backend.(DescriptionUpdater)
	if !ok {
		return fmt.Errorf("%s cannot change a rule's description in place", c.Cloud.Name)
	}
	unlock, err := c.lock(ctx, groupID)
	if err != nil {
		return err
	}
	defer unlock()
	return Retry(ctx, c.backoff, func(ctx context.Context) error {
		return u.UpdateDescription(ctx, groupID, r)
	})
}
