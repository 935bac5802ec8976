package cloud

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Kind classifies a cloud error by what the caller should do with it.
type Kind int

const (
	// KindUnknown errors are reported as they are.
	KindUnknown Kind = iota
	// KindRuleGone means the rule does not exist: Read drops the rule from
	// state; a revoke so answered counts as done once a read shows the rule
	// absent.
	KindRuleGone
	// KindGroupGone means the security group does not exist, so neither
	// does the rule.
	KindGroupGone
	// KindDuplicate means the rule already exists.
	KindDuplicate
	// KindTransient is throttling, 5xx, dropped connections: retried with
	// backoff until the timeout.
	KindTransient
	// KindInvalid means the request is wrong; the diagnostic says what to change.
	KindInvalid
	// KindAuth means the credentials are wrong or lack permission.
	KindAuth
	// KindBusy means the group cannot be changed now but will be (for
	// example it is not yet available); retried like transient errors.
	KindBusy
)

func (k Kind) String() string {
	return [...]string{"unknown", "rule gone", "group gone", "duplicate", "transient", "invalid", "auth", "busy"}[k]
}

// Error is a classified cloud API error.
type Error struct {
	Cloud  string
	Action string
	Kind   Kind
	// Code, Message, RequestID and Status are what the vendor returned.
	Code      string
	Message   string
	RequestID string
	Status    int
	// Attribute is the resource attribute at fault, when one is.
	Attribute string
	// Hint says what the user should change.
	Hint string
	// Err is the underlying transport error, if any.
	Err error
	// MaxAttempts, when set, bounds how often a transient error is tried.
	MaxAttempts int
	// RetryAfter is how long the cloud asked to wait (its Retry-After),
	// when it did.
	RetryAfter time.Duration
	// Throttled: the cloud refused the call for its rate, before acting
	// on it, so a write so answered did not land.
	Throttled bool
	// Inferred: Kind reads an answer the vendor's document leaves ambiguous;
	// enough to drop a rule on refresh, not to count a revoke done.
	Inferred bool
}

// MayHaveLanded reports whether a failed write may have been made all the
// same: an answer lost or a server error; never a throttled call or a refusal.
func MayHaveLanded(err error) bool {
	e, ok := AsError(err)
	return ok && e.Kind == KindTransient && !e.Throttled
}

func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s", e.Cloud, e.Action)
	switch {
	case e.Code != "":
		fmt.Fprintf(&b, ": %s", e.Code)
		if e.Message != "" {
			fmt.Fprintf(&b, ": %s", e.Message)
		}
	case e.Err != nil:
		fmt.Fprintf(&b, ": %v", e.Err)
	case e.Message != "":
		fmt.Fprintf(&b, ": %s", e.Message)
	}
	if e.Status != 0 {
		fmt.Fprintf(&b, " (HTTP %d", e.Status)
		if e.RequestID != "" {
			fmt.Fprintf(&b, ", request id %s", e.RequestID)
		}
		b.WriteString(")")
	}
	if e.Hint != "" {
		fmt.Fprintf(&b, ". %s", e.Hint)
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// KindOf returns the kind of a classified error, KindUnknown otherwise.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return KindUnknown
}

// ConfirmsGone reports whether err says for certain that the group is
// gone: a group-gone answer that is not an inference (Error.Inferred).
func ConfirmsGone(err error) bool {
	e, ok := AsError(err)
	return ok && e.Kind == KindGroupGone && !e.Inferred
}

// IsGone reports whether err says the rule (or its whole group) is gone.
func IsGone(err error) bool {
	k := KindOf(err)
	return k == KindRuleGone || k == KindGroupGone
}

// AsError returns the *Error inside err, if any.
func AsError(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}
