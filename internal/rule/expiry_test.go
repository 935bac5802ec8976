package rule

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"
)

// The expiry marker is persisted in the clouds' rule descriptions and read
// by other runs and releases: this golden file pins its wording. A test
// that fails here is a format change: add a new version beside v1 (still
// read), never only rewrite the golden.
func TestMarkerGolden(t *testing.T) {
	until := time.Date(2026, 12, 7, 3, 0, 0, 0, time.UTC)
	var b strings.Builder
	for _, desc := range []string{"", "ci runner", "ends with space "} {
		fmt.Fprintf(&b, "%q -> %q\n", desc, WithMarker(desc, until))
	}
	// Another zone and a fraction come out as UTC to the second.
	fmt.Fprintf(&b, "%q\n", Marker(until.In(time.FixedZone("x", 8*3600)).Add(900*time.Millisecond)))
	const golden = "testdata/expiry.golden"
	if *update {
		if err := os.WriteFile(golden, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if b.String() != string(want) {
		t.Fatalf("the expiry marker changed (a persisted format: add a version):\ngot:\n%s\nwant:\n%s", b.String(), want)
	}
	if n := len(" " + Marker(until)); n != MarkerLen {
		t.Fatalf("MarkerLen %d, a marker takes %d", MarkerLen, n)
	}
}

func TestParseMarker(t *testing.T) {
	until := time.Date(2026, 12, 7, 3, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		desc, rest string
		ok         bool
	}{
		{"secgroup-ephemeral:v1:until=2026-12-07T03:00:00Z", "", true},
		{"ci runner secgroup-ephemeral:v1:until=2026-12-07T03:00:00Z", "ci runner", true},
		{"a secgroup-ephemeral:v1:until=2026-12-07T03:00:00Z secgroup-ephemeral:v1:until=2026-12-07T03:00:00Z", "a secgroup-ephemeral:v1:until=2026-12-07T03:00:00Z", true},
		// Not ours: a marker not at the end, glued to a word, another
		// version, another time form.
		{"secgroup-ephemeral:v1:until=2026-12-07T03:00:00Z kept", "", false},
		{"xsecgroup-ephemeral:v1:until=2026-12-07T03:00:00Z", "", false},
		{"secgroup-ephemeral:v2:until=2026-12-07T03:00:00Z", "", false},
		{"secgroup-ephemeral:v1:until=2026-12-07T11:00:00+08:00", "", false},
		{"secgroup-ephemeral:v1:until=2026-12-07T03:00:00.5Z", "", false},
		{"ssh", "", false},
	} {
		rest, got, ok := ParseMarker(c.desc)
		if ok != c.ok || ok && (rest != c.rest || !got.Equal(until)) {
			t.Errorf("ParseMarker(%q) = %q, %s, %v; want %q, %s, %v", c.desc, rest, got, ok, c.rest, until, c.ok)
		}
		if !ok && rest != c.desc {
			t.Errorf("ParseMarker(%q) changed a description without a marker to %q", c.desc, rest)
		}
	}
}

// The marker reads the same from a rule's persisted line as from its
// description, whatever the line holds after it.
func TestMarkerOfLine(t *testing.T) {
	until := time.Date(2026, 12, 7, 3, 0, 0, 0, time.UTC)
	base := Rule{Direction: Ingress, Protocol: TCP, Ports: PortRange{From: 5432, To: 5432}, CIDR: "203.0.113.7/32"}
	for _, desc := range []string{
		Marker(until), "ci runner " + Marker(until), `say "hi" ` + Marker(until),
		Marker(until) + " kept", "x" + Marker(until), `a"` + Marker(until), "ssh", "",
		`a secgroup-ephemeral:v1:until=2026-12-07T03:00:00Z" (b`,
	} {
		for _, r := range []Rule{base, {NativeID: "sgr-1"}, {Created: until}} {
			r.Direction, r.Protocol, r.Ports, r.CIDR = base.Direction, base.Protocol, base.Ports, base.CIDR
			r.Description = desc
			_, want, wantOK := ParseMarker(desc)
			got, ok := MarkerOfLine(r.Line())
			if ok != wantOK || !got.Equal(want) {
				t.Errorf("line %q: marker %s, %v; the description's %s, %v", r.Line(), got, ok, want, wantOK)
			}
		}
	}
}
