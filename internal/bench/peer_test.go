package main

import (
	"os"
	"path/filepath"
	"slices"
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

// A peer given (-peer or $PEER_ALICLOUD) and unusable is an error naming
// where it came from and why; a folder stands for the binary in it.
func TestFindPeer(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, peerBinary)
	executable(t, bin, "#!/bin/sh\n", 0o755)
	link := filepath.Join(t.TempDir(), peerBinary)
	if err := os.Symlink(bin, link); err != nil {
		t.Fatal(err)
	}
	wrongName := filepath.Join(t.TempDir(), "provider")
	executable(t, wrongName, "#!/bin/sh\n", 0o755)
	versioned := filepath.Join(t.TempDir(), peerBinary+"_v1")
	executable(t, versioned, "#!/bin/sh\n", 0o755)
	writable := filepath.Join(t.TempDir(), peerBinary)
	executable(t, writable, "#!/bin/sh\n", 0o775)
	openDir := t.TempDir()
	if err := os.Chmod(openDir, 0o777); err != nil {
		t.Fatal(err)
	}
	inOpenDir := filepath.Join(openDir, peerBinary)
	executable(t, inOpenDir, "#!/bin/sh\n", 0o755)
	holdsOther := t.TempDir()
	executable(t, filepath.Join(holdsOther, peerBinary+"_v1"), "#!/bin/sh\n", 0o755)

	for _, c := range []struct{ given, from, want, why, err string }{
		{bin, "-peer", bin, "", ""},
		{dir, "-peer", bin, "", ""},
		{bin, "$PEER_ALICLOUD", bin, "", ""},
		{"none", "-peer", "", "not run (-peer none)", ""},
		{"none", "$PEER_ALICLOUD", "", "not run ($PEER_ALICLOUD none)", ""},
		{link, "-peer", "", "", "from -peer: " + link + " is a symbolic link"},
		{filepath.Join(dir, "missing", peerBinary), "$PEER_ALICLOUD", "", "", "from $PEER_ALICLOUD: file does not exist: "},
		{holdsOther, "-peer", "", "", "from -peer: file does not exist: " + filepath.Join(holdsOther, peerBinary)},
		{wrongName, "-peer", "", "", "from -peer: " + wrongName + " is not named terraform-provider-alicloud"},
		{versioned, "$PEER_ALICLOUD", "", "", "not named terraform-provider-alicloud"},
		{writable, "-peer", "", "", "writable by others"},
		{inOpenDir, "-peer", "", "", "writable by others"},
	} {
		got, why, err := findPeer(c.given, c.from)
		if got != c.want || !strings.Contains(why, c.why) || (c.why == "") != (why == "") {
			t.Errorf("findPeer(%q, %q) = %q, %q; want %q and a reason holding %q", c.given, c.from, got, why, c.want, c.why)
		}
		if c.err == "" && err != nil || c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err) || !strings.Contains(err.Error(), peerHowTo)) {
			t.Errorf("findPeer(%q, %q): error %v; want one holding %q and how to build it", c.given, c.from, err, c.err)
		}
	}
}

// The flag, when set, wins over the environment variable, even set to "".
func TestPeerGiven(t *testing.T) {
	for _, c := range []struct {
		flag       string
		set        bool
		env        string
		given, src string
	}{
		{"/a", true, "/b", "/a", "-peer"},
		{"", true, "/b", "", "-peer"},
		{"", false, "/b", "/b", "$PEER_ALICLOUD"},
		{"", false, "", "", ""},
	} {
		if given, from := peerGiven(c.flag, c.set, c.env); given != c.given || from != c.src {
			t.Errorf("peerGiven(%q, %v, %q) = %q, %q; want %q, %q", c.flag, c.set, c.env, given, from, c.given, c.src)
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

	if got, why, _ := findPeer("", ""); got != "" || !strings.Contains(why, "file does not exist: "+script) {
		t.Errorf("without the script: %q, %q", got, why)
	}
	executable(t, script, "#!/bin/sh\necho nothing cached >&2\nexit 2\n", 0o755)
	if got, why, _ := findPeer("", ""); got != "" || !strings.Contains(why, "not built ("+script+" has built nothing yet)") {
		t.Errorf("nothing built: %q, %q", got, why)
	}
	executable(t, script, "#!/bin/sh\necho "+bin+"\n", 0o755)
	if got, why, _ := findPeer("", ""); got != bin {
		t.Errorf("built: %q, %q; want %q", got, why, bin)
	}
	if err := os.Chmod(script, 0o757); err != nil {
		t.Fatal(err)
	}
	if got, why, _ := findPeer("", ""); got != "" || !strings.Contains(why, "writable by others") {
		t.Errorf("a script others can change ran: %q, %q", got, why)
	}
}

// Every folder from the root down to the peer's binary, and to the script
// that names it, must be no link, belong to root or this user, and be
// writable by no one else unless sticky (as /tmp is): whoever can change
// a folder on the way can swap the file between the check and its run.
func TestFindPeerChecksEveryFolder(t *testing.T) {
	// folders makes base/a/b (base a fresh folder under the sticky
	// temporary folder) with the peer's binary in b, and returns base.
	folders := func(t *testing.T) string {
		base := t.TempDir()
		if err := os.MkdirAll(filepath.Join(base, "a", "b"), 0o755); err != nil {
			t.Fatal(err)
		}
		executable(t, filepath.Join(base, "a", "b", peerBinary), "#!/bin/sh\n", 0o755)
		return base
	}
	chmod := func(mode os.FileMode) func(t *testing.T, base string) string {
		return func(t *testing.T, base string) string {
			if err := os.Chmod(filepath.Join(base, "a"), mode); err != nil {
				t.Fatal(err)
			}
			return filepath.Join(base, "a", "b")
		}
	}
	for _, c := range []struct {
		name string
		// folder changes the folders and returns the one the binary
		// (or the script) is looked for in.
		folder func(t *testing.T, base string) string
		why    string
	}{
		{"private", chmod(0o755), ""},
		{"sticky and open to all", chmod(0o777 | os.ModeSticky), ""},
		{"open to all", chmod(0o777), "writable by others"},
		{"open to the group", chmod(0o775), "writable by others"},
		{"through a link", func(t *testing.T, base string) string {
			if err := os.Symlink(filepath.Join(base, "a"), filepath.Join(base, "link")); err != nil {
				t.Fatal(err)
			}
			return filepath.Join(base, "link", "b")
		}, "is a symbolic link"},
		{"another user's", func(t *testing.T, base string) string {
			if err := os.Lchown(filepath.Join(base, "a"), 4242, 4242); err != nil {
				t.Skipf("cannot give a folder to another user: %v", err)
			}
			return filepath.Join(base, "a", "b")
		}, "belongs to another user (uid 4242)"},
	} {
		t.Run(c.name, func(t *testing.T) {
			base := folders(t)
			dir := c.folder(t, base)
			bin := filepath.Join(dir, peerBinary)
			got, _, err := findPeer(bin, "-peer")
			if (got != "") != (c.why == "") || c.why != "" && (err == nil || !strings.Contains(err.Error(), c.why)) {
				t.Errorf("binary: findPeer(%q) = %q, %v; want an error holding %q", bin, got, err, c.why)
			}
			// The same folders holding the script, which names a
			// binary in a private folder.
			good := filepath.Join(folders(t), "a", "b", peerBinary)
			executable(t, filepath.Join(base, "a", "b", "peer-alicloud.sh"), "#!/bin/sh\necho "+good+"\n", 0o755)
			t.Setenv("SECGROUP_SHARED_TOOLS", dir)
			got, why, _ := findPeer("", "")
			if (got != "") != (c.why == "") || !strings.Contains(why, c.why) {
				t.Errorf("script: findPeer(\"\") in %q = %q, %q; want a reason holding %q", dir, got, why, c.why)
			}
		})
	}
}

// The peer reads credentials, tokens, profiles, roles and its wire
// settings from the environment: none of them reaches it, nor a proxy
// it would send the mock's calls through.
func TestWithoutVendorEnv(t *testing.T) {
	env := []string{"PATH=/bin", "ALICLOUD_ACCESS_KEY=a", "ALIBABA_CLOUD_ROLE_ARN=r", "ALIBABACLOUD_ACCESS_KEY_ID=i",
		"ALIBABACLOUD_ACCESS_KEY_SECRET=s", "ALIBABACLOUD_SECURITY_TOKEN=t", "MAX_RETRY_TIMEOUT=1", "CLIENT_READ_TIMEOUT=1",
		"CLIENT_CONNECT_TIMEOUT=1", "HTTPS_PROXY=http://proxy:3128", "https_proxy=http://proxy:3128", "HOME=/root"}
	if got, want := withoutVendorEnv(env), []string{"PATH=/bin", "HOME=/root"}; !slices.Equal(got, want) {
		t.Errorf("withoutVendorEnv = %q, want %q", got, want)
	}
}

// A security token the peer's provider block leaves unset it would take
// from the environment or a profile.
func TestPeerConfigSetsEveryCredential(t *testing.T) {
	config := peerConfig(presets[3], "bench-alicloud-vendor")
	for _, setting := range []string{`access_key             = "`, `secret_key             = "`, `security_token         = ""`} {
		if !strings.Contains(config, setting) {
			t.Errorf("the peer's configuration lacks %s:\n%s", setting, config[:min(len(config), 600)])
		}
	}
}
