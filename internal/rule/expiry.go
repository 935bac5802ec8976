package rule

import (
	"regexp"
	"strings"
	"time"
)

// The expiry marker of an ephemeral rule (the ephemeral secgroup_rule),
// written at the end of the rule's description so that a later run can
// tell a rule whose run died before closing it (DESIGN.md, "Ephemeral
// rules" and "Persisted formats"). It is read back from the cloud by
// other runs and other releases: its wording is a persisted format, and
// a new wording needs a new version (v2), read beside this one.
const (
	// MarkerVersion is the marker's version, in its text.
	MarkerVersion = "v1"
	// markerFamily begins the marker of every version.
	markerFamily = "secgroup-ephemeral:"
	markerPrefix = markerFamily + MarkerVersion + ":until="
	// MarkerLen is the length of a marker, in characters, with the space
	// that parts it from a description before it.
	MarkerLen = len(" " + markerPrefix + "2006-01-02T15:04:05Z")
)

// Marker is the expiry marker for a rule that may stay until until: UTC,
// to the second.
func Marker(until time.Time) string {
	return markerPrefix + until.UTC().Truncate(time.Second).Format(time.RFC3339)
}

// WithMarker is description with the expiry marker at its end, after a
// space where the description is not empty.
func WithMarker(description string, until time.Time) string {
	if description == "" {
		return Marker(until)
	}
	return description + " " + Marker(until)
}

// ParseMarker reads the expiry marker at the end of a description: the
// description without it, and its time. ok is false where the description
// does not end in a marker of a version this release reads (a marker in
// the middle is someone's text, not ours).
func ParseMarker(description string) (rest string, until time.Time, ok bool) {
	i := strings.LastIndex(description, markerPrefix)
	if i < 0 || (i > 0 && description[i-1] != ' ') {
		return description, time.Time{}, false
	}
	stamp := description[i+len(markerPrefix):]
	t, err := time.Parse(time.RFC3339, stamp)
	if err != nil || !strings.HasSuffix(stamp, "Z") || t.Format(time.RFC3339) != stamp {
		return description, time.Time{}, false
	}
	if i > 0 {
		i--
	}
	return description[:i], t, true
}

// MentionsMarker reports whether a description holds what begins an
// expiry marker of any version: such a description, given to a rule that
// is not ephemeral, would let a later run take the rule for a dead run's.
func MentionsMarker(description string) bool {
	return strings.Contains(description, markerFamily)
}

// lineMarker finds a marker at the end of the quoted description of a
// rule's Line or Summary: strconv.Quote escapes no character of a marker,
// and a quote it does not escape closes the description.
var lineMarker = regexp.MustCompile(`(?:[^\\]"| )` + regexp.QuoteMeta(markerPrefix) + `(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)"(?: \(|, created |$)`)

// MarkerOfLine is the expiry marker of the description in a rule's Line
// (as secgroup_rules_exclusive stores it), as ParseMarker reads it from
// the description.
func MarkerOfLine(line string) (time.Time, bool) {
	m := lineMarker.FindStringSubmatch(line)
	if m == nil {
		return time.Time{}, false
	}
	t, err := time.Parse(time.RFC3339, m[1])
	return t, err == nil
}
