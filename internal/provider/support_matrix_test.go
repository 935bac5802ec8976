package provider

import (
	"flag"
	"os"
	"strings"
	"testing"
)

var updateMatrix = flag.Bool("update-matrix", false, "rewrite the support matrix in README.md and templates/index.md.tmpl")

// The support matrix in the README and the docs is the one the clouds'
// Capabilities give: a capability changed without its documentation, or
// the other way round, fails here.
func TestSupportMatrixIsCurrent(t *testing.T) {
	want := matrixBegin + "\n\n" + SupportMatrix(Clouds()) + "\n" + matrixEnd
	for _, path := range []string{"../../README.md", "../../templates/index.md.tmpl"} {
		raw, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		text := string(raw)
		begin, end := strings.Index(text, matrixBegin), strings.Index(text, matrixEnd)
		if begin < 0 || end < begin {
			t.Fatalf("%s: no support matrix between %q and %q", path, matrixBegin, matrixEnd)
		}
		got := text[begin : end+len(matrixEnd)]
		if got == want {
			continue
		}
		if *updateMatrix {
			if err := os.WriteFile(path, []byte(text[:begin]+want+text[end+len(matrixEnd):]), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		t.Errorf("%s: the support matrix differs from the clouds' Capabilities; run make matrix (then make docs).\nwant:\n%s", path, want)
	}
}

// The matrix says what the checks enforce: spot-check cells against the
// capabilities they come from.
func TestSupportMatrixReadsCapabilities(t *testing.T) {
	m := SupportMatrix(Clouds())
	for _, want := range []string{
		"| protocols | tcp, udp, icmp, all | tcp, udp, icmp, gre, icmpv6, all | tcp, udp, icmp, all |",
		"| priority | 1-100 (default 1); rules differing only in priority are one rule | 1-100 (default 1); rules differing only in priority are one rule | none: setting `priority` is an error |",
		"| rule quota at plan time | 20 ingress + 20 egress per group (`rule_quota` overrides) | 200 per group by default (`rule_quota` overrides) | 50 ingress + 50 egress per group (`rule_quota` overrides) |",
	} {
		if !strings.Contains(m, want) {
			t.Errorf("matrix lacks %q:\n%s", want, m)
		}
	}
}
