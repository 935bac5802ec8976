package clirun

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"
)

// Terraform runs the first entry of a dev_overrides folder named
// terraform-provider-TYPE or that followed by _ or ., so another
// provider's entry points to a private folder of work holding only a link
// to the executable given, never to the executable's own folder.
func TestWriteConfigLinksOthersAlone(t *testing.T) {
	shared := t.TempDir()
	given := filepath.Join(shared, "terraform-provider-alicloud")
	for _, name := range []string{"terraform-provider-alicloud", "terraform-provider-alicloud_v2", "terraform-provider-alicloud.exe"} {
		if err := os.WriteFile(filepath.Join(shared, name), []byte("#!/bin/sh\n"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	work := t.TempDir()
	rc, err := writeConfig(work, filepath.Join(work, "bin"), map[string]string{"registry.terraform.io/aliyun/alicloud": given})
	if err != nil {
		t.Fatal(err)
	}
	config, err := os.ReadFile(rc)
	if err != nil {
		t.Fatal(err)
	}
	found := regexp.MustCompile(`"registry.terraform.io/aliyun/alicloud" = "(.*)"`).FindSubmatch(config)
	if found == nil {
		t.Fatalf("no override of the vendor's provider in\n%s", config)
	}
	dir := string(found[1])
	if filepath.Dir(dir) != work {
		t.Errorf("the override points to %s, not a folder of %s", dir, work)
	}
	fi, err := os.Lstat(dir)
	if err != nil || !fi.IsDir() || fi.Mode().Perm() != 0o700 {
		t.Fatalf("the override's folder %s: %v (%v); want a folder only its owner can use", dir, fi.Mode(), err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil || len(entries) != 1 || entries[0].Name() != "terraform-provider-alicloud" {
		t.Fatalf("the override's folder holds %v (%v); want terraform-provider-alicloud alone", entries, err)
	}
	if to, err := os.Readlink(filepath.Join(dir, entries[0].Name())); err != nil || to != given {
		t.Errorf("its entry links to %q (%v); want %q", to, err, given)
	}
}
