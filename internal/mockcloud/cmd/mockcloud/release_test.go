package main

import (
	"archive/zip"
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"

	"github.com/secgroup/terraform-provider-secgroup/internal/cloud/alicloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/mocktest"
)

// make release-check builds a snapshot release for this platform and
// names its folder here: the snapshot holds the mockcloud archive, whose
// binary answers --version with the release's version, starts, and
// serves a signed describe; the provider's checksum file lists the
// provider's archives and its manifest (which the registry reads from it),
// not mockcloud's.
func TestReleaseArchive(t *testing.T) {
	dist := os.Getenv("MOCKCLOUD_RELEASE_DIST")
	if dist == "" {
		t.Skip("make release-check runs it on the snapshot (MOCKCLOUD_RELEASE_DIST)")
	}
	archives, _ := filepath.Glob(filepath.Join(dist, "mockcloud_*_"+runtime.GOOS+"_"+runtime.GOARCH+".zip"))
	if len(archives) != 1 {
		t.Fatalf("mockcloud archives for %s/%s in %s: %v, want one", runtime.GOOS, runtime.GOARCH, dist, archives)
	}
	version := strings.TrimSuffix(strings.TrimPrefix(filepath.Base(archives[0]), "mockcloud_"), "_"+runtime.GOOS+"_"+runtime.GOARCH+".zip")
	bin := filepath.Join(t.TempDir(), "mockcloud")
	zr, err := zip.OpenReader(archives[0])
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = zr.Close() }()
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
		if f.Name != "mockcloud" && f.Name != "mockcloud.exe" {
			continue
		}
		r, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		out, err := os.OpenFile(bin, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o700)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.Copy(out, r); err != nil {
			t.Fatal(err)
		}
		_ = out.Close()
		_ = r.Close()
	}
	if strings.Join(names, " ") != "LICENSE README.md mockcloud" {
		t.Errorf("the archive holds %v, want LICENSE, README.md and mockcloud", names)
	}

	out, err := exec.Command(bin, "--version").Output()
	if err != nil || strings.TrimSpace(string(out)) != "mockcloud "+version {
		t.Fatalf("--version: %q %v, want %q", out, err, "mockcloud "+version)
	}

	l, ok, _ := startCommand(t, bin, "--listen", "127.0.0.1:0")
	if !ok {
		t.Fatal("no address line within 30s")
	}
	m := regexp.MustCompile(`^mockcloud listening on (http://127\.0\.0\.1:[0-9]+)$`).FindStringSubmatch(l)
	if m == nil {
		t.Fatalf("first line %q", l)
	}
	url := m[1]
	ecs, err := alicloud.Definition().Connect(context.Background(), mocktest.Settings("alicloud", url))
	if err != nil {
		t.Fatal(err)
	}
	if rules, err := ecs.Describe(context.Background(), "sg-web"); err != nil || len(rules) != 0 {
		t.Fatalf("DescribeSecurityGroupAttribute of sg-web: %v %v, want the empty fixture group", rules, err)
	}

	sums, _ := filepath.Glob(filepath.Join(dist, "*_SHA256SUMS"))
	if len(sums) != 1 {
		t.Fatalf("checksum files: %v", sums)
	}
	b, err := os.ReadFile(sums[0])
	if err != nil {
		t.Fatal(err)
	}
	provider := "terraform-provider-secgroup_" + version
	if strings.Contains(string(b), "mockcloud") || !strings.Contains(string(b), provider+"_"+runtime.GOOS+"_"+runtime.GOARCH+".zip") ||
		!strings.Contains(string(b), provider+"_manifest.json") {
		t.Errorf("%s lists:\n%s\nwant the provider's archive and manifest, not mockcloud's", sums[0], b)
	}
}
