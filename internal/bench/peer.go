package main

import (
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"

	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud"
)

// The peer is the vendor's own provider, aliyun/terraform-provider-alicloud,
// the one ECS users would otherwise use. It is built from source by
// peer-alicloud.sh in the shared tools folder (its README says how); the
// bench runs it on ECS scenarios beside ours, on the same mock, with the
// same configuration shape and -parallelism.
const (
	peerSource = "registry.terraform.io/aliyun/alicloud"
	peerBinary = "terraform-provider-alicloud"
	peerScript = "../shared/tools/peer-alicloud.sh"
	peerHowTo  = "see ../shared/tools/README.md"
)

// withPeer tells the scenarios the peer runs: ECS's, but for sets, which
// the peer has no counterpart of (its per-rule figures are the per-rule
// scenarios').
func withPeer(s scenario) bool { return s.Cloud == "alicloud" && !s.Sets }

// findPeer is the peer's binary: given, from where it came (the -peer
// flag or $PEER_ALICLOUD), else what peer-alicloud.sh built last. The
// script is looked for in $SECGROUP_SHARED_TOOLS, else ../shared/tools
// beside the repository. A peer given but unusable is an error, naming
// where it came from; only without one given does the bench run on
// without it, returning "" and why.
func findPeer(given, from string) (string, string, error) {
	if given == "none" {
		return "", "not run (" + from + " none)", nil
	}
	if given != "" {
		path, err := usablePeer(given)
		if err != nil {
			return "", "", fmt.Errorf("the vendor's provider from %s: %w; %s, or -peer none to run without it", from, err, peerHowTo)
		}
		return path, "", nil
	}
	built, err := lastBuilt()
	if err != nil {
		return "", fmt.Sprintf("not built (%v); ECS scenarios run without it; to build it, %s", err, peerHowTo), nil
	}
	path, err := usablePeer(built)
	if err != nil {
		state := "not used"
		if errors.Is(err, fs.ErrNotExist) {
			state = "not built"
		}
		return "", fmt.Sprintf("%s (%v); ECS scenarios run without it; to build it, %s", state, err, peerHowTo), nil
	}
	return path, "", nil
}

// peerGiven is the peer's path the user gave and where it came from: the
// -peer flag when set (flagSet), else $PEER_ALICLOUD; "" when neither.
func peerGiven(flagValue string, flagSet bool, env string) (given, from string) {
	if flagSet {
		return flagValue, "-peer"
	}
	if env != "" {
		return env, "$PEER_ALICLOUD"
	}
	return "", ""
}

// lastBuilt asks peer-alicloud.sh, run with no argument, for the binary it
// built last.
func lastBuilt() (string, error) {
	script := peerScript
	if dir := os.Getenv("SECGROUP_SHARED_TOOLS"); dir != "" {
		script = filepath.Join(dir, "peer-alicloud.sh")
	}
	script, err := trusted(script)
	if err != nil {
		return "", err
	}
	out, err := exec.Command(script).Output()
	var exit *exec.ExitError
	if errors.As(err, &exit) && exit.ExitCode() == 2 {
		return "", fmt.Errorf("%s has built nothing yet", script)
	}
	if err != nil {
		return "", fmt.Errorf("%s: %w", script, err)
	}
	return strings.TrimSpace(string(out)), nil
}

// usablePeer checks a peer binary: named as peer-alicloud.sh names it, a
// regular executable file that only its owner, this user or root, can
// change, in folders only they can change. Terraform then runs it through
// a link of clirun.Setup's, alone in a private folder. A folder (no link)
// stands for the file of that name in it.
func usablePeer(path string) (string, error) {
	if fi, err := os.Lstat(path); err == nil && fi.IsDir() {
		path = filepath.Join(path, peerBinary)
	}
	if filepath.Base(path) != peerBinary {
		return "", fmt.Errorf("%s is not named %s", path, peerBinary)
	}
	return trusted(path)
}

// trusted is path made absolute, once it and every folder above it, from
// the root down, are fit to run from: no symbolic link, owned by root or
// this user, writable by no one else (a folder may be if sticky, as /tmp
// is: there none can rename or remove what is not theirs), and path an
// executable file. The tools folder is shared and what runs from it runs
// as us: whoever could change a folder on the way could swap the file
// between this check and its run. Links are refused, not followed, so the
// file checked is the file run.
func trusted(path string) (string, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", err
	}
	var folders []string
	for dir := filepath.Dir(abs); ; dir = filepath.Dir(dir) {
		folders = append(folders, dir)
		if filepath.Dir(dir) == dir {
			break
		}
	}
	for _, dir := range slices.Backward(folders) {
		if err := fit(dir, true); err != nil {
			return "", err
		}
	}
	if err := fit(abs, false); err != nil {
		return "", err
	}
	return abs, nil
}

// fit checks one step of trusted's path: a folder (dir) or the file.
func fit(path string, dir bool) error {
	fi, err := os.Lstat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("%w: %s", fs.ErrNotExist, path)
	case err != nil:
		return err
	case fi.Mode()&fs.ModeSymlink != 0:
		return fmt.Errorf("%s is a symbolic link", path)
	case dir && !fi.IsDir():
		return fmt.Errorf("%s is not a folder", path)
	case !dir && (!fi.Mode().IsRegular() || fi.Mode()&0o111 == 0):
		return fmt.Errorf("%s is not an executable file", path)
	case fi.Mode().Perm()&0o022 != 0 && (!dir || fi.Mode()&fs.ModeSticky == 0):
		return fmt.Errorf("%s is writable by others than its owner", path)
	}
	if uid, ok := owner(fi); ok && uid != 0 && uid != os.Getuid() {
		return fmt.Errorf("%s belongs to another user (uid %d)", path, uid)
	}
	return nil
}

// vendors is the peer as a contender.
var vendors = contender{name: "vendor", config: peerConfig, endpoint: hostPort}

// hostPort is the peer's ECS endpoint setting, host:port: it takes no
// scheme and speaks HTTPS.
func hostPort(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return u
	}
	return p.Host
}

// peerConfig declares ruleConfig's rules for the peer: one
// alicloud_security_group_rule each, with what it makes explicit (the
// policy and priority both providers default to, the NIC type of a VPC
// group).
func peerConfig(s scenario, groups string) string {
	settings := mockcloud.ClientSettings(s.Cloud)
	var b strings.Builder
	// security_token: unset, it would come from the environment;
	// account_type: without it, configuring the provider asks the real
	// cloud's BssOpenApi; skip_region_validation: its region list is
	// not the mock's.
	fmt.Fprintf(&b, `terraform {
  required_providers {
    alicloud = { source = "aliyun/alicloud" }
  }
}

variable "endpoint" { type = string }

provider "alicloud" {
  access_key             = %q
  secret_key             = %q
  security_token         = ""
  region                 = %q
  account_type           = "Domestic"
  skip_region_validation = true
  endpoints {
    ecs = var.endpoint
  }
}

`, settings["access_key"], settings["secret_key"], settings["region"])
	for _, r := range declared(s, groups) {
		writeBlock(&b, "alicloud_security_group_rule", r, fmt.Sprintf(`  security_group_id = %s
  type              = %s
  ip_protocol       = "tcp"
  port_range        = "%s/%s"
  cidr_ip           = "10.0.0.0/8"
  nic_type          = "intranet"
  policy            = "accept"
  priority          = 1
`, r.group, r.direction, r.port, r.port))
	}
	return b.String()
}

// withoutVendorEnv drops from env Alibaba Cloud's variables, the peer's
// own settings of its calls and the proxies: the peer reads credentials,
// tokens, profiles and roles to assume from them (a role would send it to
// the real cloud), and both providers must see only their configurations
// and talk to the mock directly.
func withoutVendorEnv(env []string) []string {
	dropped := []string{"MAX_RETRY_TIMEOUT", "CLIENT_READ_TIMEOUT", "CLIENT_CONNECT_TIMEOUT", "HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"}
	var out []string
	for _, kv := range env {
		name, _, _ := strings.Cut(kv, "=")
		vendor := strings.HasPrefix(name, "ALICLOUD_") || strings.HasPrefix(name, "ALIBABA_CLOUD_") || strings.HasPrefix(name, "ALIBABACLOUD_")
		if !vendor && !slices.Contains(dropped, name) {
			out = append(out, kv)
		}
	}
	return out
}
