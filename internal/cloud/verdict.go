package cloud

// Verdict is how one vendor error code ends for a Terraform user: its
// kind, the attribute to fix and what to change. Each cloud package keeps
// a table of them by code.
type Verdict struct {
	Kind      Kind
	Attribute string
	Hint      string
}

// Apply sets e's kind, attribute and hint.
func (v Verdict) Apply(e *Error) {
	e.Kind, e.Attribute, e.Hint = v.Kind, v.Attribute, v.Hint
}

// RetriedStatus reports whether an HTTP status alone makes an error worth
// retrying, whatever its code: throttling (429) and server errors (5xx).
func RetriedStatus(status int) bool {
	return status == 429 || status >= 500
}
