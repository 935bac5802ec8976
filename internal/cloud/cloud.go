// Package cloud is what the engine knows of a cloud: the Backend interface
// each vendor package implements, the Cloud definition (settings,
// capabilities), error kinds, and the vendors' shared toolkit (HTTP transport,
// endpoints, tokens and batches, moves from the vendors' own providers).
package cloud

import (
	"context"
	"regexp"
	"slices"

	"github.com/secgroup/terraform-provider-secgroup/internal/rule"
)

// Backend is one cloud's security group rule API. Calls take rules in
// batches so that callers may coalesce; a backend splits a batch itself
// where its API takes one rule per call. Errors are *Error values whose Kind
// tells the caller what to do.
type Backend interface {
	// Authorize adds rules to a group. clientToken makes the call idempotent
	// where the cloud supports it: a retry with the same token must not
	// create a second rule.
	Authorize(ctx context.Context, groupID string, rules []rule.Rule, clientToken string) error
	// Describe returns every rule of a group, in portable form.
	Describe(ctx context.Context, groupID string) ([]rule.Rule, error)
	// Revoke removes rules from a group. clientToken, where the cloud takes
	// one, is this revoke's own, reused only by its retries. A "not found"
	// answer is a KindRuleGone or KindGroupGone error, never success: the
	// engine settles it with a read.
	Revoke(ctx context.Context, groupID string, rules []rule.Rule, clientToken string) error
}

// GuardedRevoker is implemented by backends whose cloud can make a revoke
// conditional on the group being unchanged since a describe (Baidu's
// sgVersion).
type GuardedRevoker interface {
	// RevokeUnchanged revokes one rule, named as the backend's last
	// describe of the group gave it, only if the group has not changed
	// since that describe; a KindBusy error when it has (or when there is
	// no such describe): read the group again and choose again.
	RevokeUnchanged(ctx context.Context, groupID string, r rule.Rule, clientToken string) error
}

// ChangeRefuser is implemented by backends whose cloud refuses every rule
// change in some groups, as its describe of a group tells (Zenlayer's
// default groups): a plan can refuse what the apply would fail at.
type ChangeRefuser interface {
	// RefusesChanges says why the cloud refuses rule changes in the
	// group, as the backend's last describe of it told; "" when it takes
	// them, or when no describe of the group told yet.
	RefusesChanges(groupID string) string
}

// DescriptionUpdater is implemented by backends that change a rule's
// description in place.
type DescriptionUpdater interface {
	UpdateDescription(ctx context.Context, groupID string, r rule.Rule) error
}

// Cloud describes one vendor: its name, what it supports, its provider-block
// settings and how to connect.
type Cloud struct {
	// Name is the cloud's name in HCL: the `cloud` attribute and the
	// provider block.
	Name string
	// Title is the vendor's product name, for docs and messages.
	Title        string
	Capabilities Capabilities
	Settings     []Setting
	// WriteBatch is how many rules one authorize or revoke call takes;
	// 0 or 1 means one rule per call.
	WriteBatch int
	// BatchPerDirection: ingress and egress rules need calls of their own.
	BatchPerDirection bool
	// Connect builds a backend from resolved settings (block value, else
	// environment, else default).
	Connect func(ctx context.Context, settings map[string]string) (Backend, error)
	// DefaultEndpoint is the endpoint, "scheme://host", a client connects to
	// when the settings name none; "" where the cloud has none. See Endpoint.
	DefaultEndpoint func(settings map[string]string) string
	// VendorDomains are the vendor's own API domains, whose endpoints the
	// machine locks take as one (DESIGN.md, "Which lock"); empty for a
	// private cloud.
	VendorDomains []string
	// MovesFrom are the vendor's own rule resources whose state a `moved`
	// block takes into secgroup_rule (Terraform 1.8+).
	MovesFrom []Move
}

// Move maps the state of a vendor provider's rule resource, at schema
// version 0, to the group and rule it names, with no API call.
type Move struct {
	// TypeNames are the source resource types (aliases among them).
	TypeNames []string
	// Provider is the source provider's type: the last part of its
	// address (registry.terraform.io/aliyun/alicloud), or its bare local
	// name, which OpenTofu 1.10 sends.
	Provider string
	// Rule reads the source's attributes (its state's JSON object). An
	// attribute it cannot map is an error naming it.
	Rule func(attrs map[string]any) (groupID string, r rule.Rule, err error)
}

// Setting is one attribute of a cloud's provider block.
type Setting struct {
	Name        string
	Description string
	// EnvVars are read, in order, when the block leaves the setting unset.
	EnvVars   []string
	Sensitive bool
	// Required settings must be resolved before the cloud can be used.
	Required bool
	Default  string
}

// Capabilities says which portable attributes and values a cloud accepts.
// The resource checks a configuration against them at plan time.
type Capabilities struct {
	Protocols []string
	IPv6      bool
	// Policies a rule may be created with; empty means the cloud has no
	// policy (allow-list only).
	Policies []string
	// ExistingPolicies are policies the cloud's rules may have but the API
	// cannot create: such rules are imported and kept, not created.
	ExistingPolicies []string
	// MinPriority..MaxPriority; both zero means the cloud has no priority.
	MinPriority, MaxPriority int
	// DefaultPriority and DefaultPolicy are what the cloud assumes when a
	// rule does not say.
	DefaultPriority int
	DefaultPolicy   string

	PeerGroups      bool
	PeerGroupOwner  bool
	PrefixLists     bool
	LocalCIDR       bool
	SourcePortRange bool
	NicTypes        []string
	Description     bool
	// MaxDescription is the longest description in characters (0: no limit
	// known).
	MaxDescription int
	// DescriptionInPlace: the description changes without replacing the rule.
	DescriptionInPlace bool
	// DescriptionClearable: a description changed in place can also be
	// removed in place; where not, removing it replaces the rule.
	DescriptionClearable bool
	// NativeIDs: the cloud gives rules ids of their own (imports by it).
	NativeIDs bool
	// RepeatSucceeds: an authorize of a rule the group already holds
	// succeeds and adds nothing (DESIGN.md, "Who made a rule").
	RepeatSucceeds bool
	// ClientTokens: the cloud answers a token it has seen as it answered it
	// first, without acting again (DESIGN.md, "A client token per write").
	ClientTokens bool
	// RuleIDs is the form the vendor documents for those ids; the zero
	// form where the cloud has none (NativeIDs false).
	RuleIDs RuleIDForm
	// Identity is what tells two rules apart on the cloud: whether the
	// description takes part, whether the priority does not.
	Identity rule.Identity
	// Quota is how many rules a group holds at most by default, per
	// direction where QuotaPerDirection; 0 when the vendor documents none.
	// The provider block's rule_quota overrides it.
	Quota             int
	QuotaPerDirection bool
}

// RuleIDForm is the form of a cloud's own rule ids, as the vendor documents
// them: keep-list ids are checked against it at plan (another form keeps
// nothing).
type RuleIDForm struct {
	// Pattern matches a whole id.
	Pattern *regexp.Regexp
	// Text says the form to a user, Example shows one from the vendor's
	// documentation.
	Text, Example string
}

// Matches reports whether id has the form.
func (f RuleIDForm) Matches(id string) bool { return f.Pattern != nil && f.Pattern.MatchString(id) }

// NicTypes returns every NIC type any cloud of the registry accepts.
func (r *Registry) NicTypes() []string {
	var out []string
	for _, c := range r.clouds {
		for _, n := range c.Capabilities.NicTypes {
			if !slices.Contains(out, n) {
				out = append(out, n)
			}
		}
	}
	return out
}

// ReadBack reports whether a created rule must be read back: for the
// cloud's rule id or a default the cloud chooses (the NIC type). Other
// clouds report nothing the request did not say.
func (c Capabilities) ReadBack() bool { return c.NativeIDs || len(c.NicTypes) > 0 }

// HasPriority reports whether the cloud orders rules by priority.
func (c Capabilities) HasPriority() bool { return c.MaxPriority > 0 }
