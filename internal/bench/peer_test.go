package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// executable writes an executable file with mode.
func executable(t *testing.T, path, text string, mode os.FileMode) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil {
		t.Fatal(err)
	}
}

func TestFindPeer(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, peerBinary)
	executable(t, bin, "#!/bin/sh\n", 0o755)
	link := filepath.Join(t.TempDir(), "peer")
	if err := os.Symlink(bin, link); err != nil {
		t.Fatal(err)
	}
	wrongName := filepath.Join(t.TempDir(), "provider")
	executable(t, wrongName, "#!/bin/sh\n", 0o755)
	writable := filepath.Join(t.TempDir(), peerBinary)
	executable(t, writable, "#!/bin/sh\n", 0o775)
	openDir := t.TempDir()
	if err := os.Chmod(openDir, 0o777); err != nil {
		t.Fatal(err)
	}
	inOpenDir := filepath.Join(openDir, peerBinary)
	executable(t, inOpenDir, "#!/bin/sh\n", 0o755)

	for _, c := range []struct{ given, want, why string }{
		{bin, bin, ""},
		{link, bin, ""},
		{"none", "", "not run (-peer none)"},
		{filepath.Join(dir, "missing", peerBinary), "", "not built (file does not exist: "},
		{wrongName, "", "name starting terraform-provider-alicloud"},
		{writable, "", "writable by others"},
		{inOpenDir, "", "writable by others"},
	} {
		got, why := findPeer(c.given)
		if got != c.want || !strings.Contains(why, c.why) {
			t.Errorf("findPeer(%q) = %q, %q; want %q and a reason holding %q", c.given, got, why, c.want, c.why)
		}
		if got == "" && c.given != "none" && !strings.Contains(why, peerHowTo) {
			t.Errorf("findPeer(%q) says not how to build the peer: %q", c.given, why)
		}
	}
}

// TestFindPeerAsksTheScript: with no path given, the peer is what
// peer-alicloud.sh prints; its exit code 2 means nothing is built.
func TestFindPeerAsksTheScript(t *testing.T) {
	bin := filepath.Join(t.TempDir(), peerBinary)
	executable(t, bin, "#!/bin/sh\n", 0o755)
	tools := t.TempDir()
	t.Setenv("SECGROUP_SHARED_TOOLS", tools)
	script := filepath.Join(tools, "peer-alicloud.sh")

	if got, why := findPeer(""); got != "" || !strings.Contains(why, "no "+script) {
		t.Errorf("without the script: %q, %q", got, why)
	}
	executable(t, script, "#!/bin/sh\necho nothing cached >&2\nexit 2\n", 0o755)
	if got, why := findPeer(""); got != "" || !strings.Contains(why, "not built ("+script+" has built nothing yet)") {
		t.Errorf("nothing built: %q, %q", got, why)
	}
	executable(t, script, "#!/bin/sh\necho "+bin+"\n", 0o755)
	if got, why := findPeer(""); got != bin {
		t.Errorf("built: %q, %q; want %q", got, why, bin)
	}
	if err := os.Chmod(script, 0o757); err != nil {
		t.Fatal(err)
	}
	if got, why := findPeer(""); got != "" || !strings.Contains(why, "writable by others") {
		t.Errorf("a script others can change ran: %q, %q", got, why)
	}
}
