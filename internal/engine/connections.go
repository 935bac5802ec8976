package engine

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/secgroup/terraform-provider-secgroup/internal/cloud"
)

// Connections holds what the provider block says about each cloud and
// connects to a cloud the first time a resource needs it, so a
// configuration that never uses a cloud needs no credentials for it.
type Connections struct {
	registry *cloud.Registry
	// blocks holds the values set in each cloud's provider block.
	blocks map[string]map[string]string
	groups *Groups
	getenv func(string) string

	mu      sync.Mutex
	clients map[string]*Client

	secretsOnce sync.Once
	secrets     []string
}

// NewConnections takes the provider block values per cloud. Its clients
// share groups with every other configuration of the process; a new
// configuration is a new Terraform command (or another alias of this one),
// so it begins a new epoch of the scopes it reaches: reads go to the cloud
// again.
func NewConnections(registry *cloud.Registry, blocks map[string]map[string]string, groups *Groups) *Connections {
	c := &Connections{registry: registry, blocks: blocks, groups: groups, getenv: os.Getenv, clients: map[string]*Client{}}
	for _, def := range registry.All() {
		settings, _ := c.Resolve(def)
		groups.NewEpoch(scopeOf(def.Name, settings))
	}
	return c
}

// scopeOf names what a group id is unique within: the cloud, the account
// (a digest of its access key), the region and the endpoint.
func scopeOf(name string, settings map[string]string) string {
	account := sha256.Sum256([]byte(settings["access_key"]))
	return name + "/" + hex.EncodeToString(account[:8]) + "/" + settings["region"] + "/" + settings["endpoint"]
}

// lockScopeOf names what a group's machine lock is taken within: the
// cloud, its region and its endpoint (lockEndpoint), but not the account.
// A security group id is unique within a cloud's endpoint and region, so
// the group id names the account: two provider configurations that reach
// one group through two users' keys of its account, or through two
// spellings of its endpoint, take one lock. An endpoint that does not
// parse stays as written: its client cannot connect anyway.
func lockScopeOf(def cloud.Cloud, settings map[string]string) string {
	endpoint := settings["endpoint"]
	if u, err := def.Endpoint(settings); err == nil {
		endpoint = lockEndpoint(def, u)
	}
	return def.Name + "\x00" + strings.ToLower(strings.TrimSpace(settings["region"])) + "\x00" + endpoint
}

// lockEndpoint is an endpoint as a lock names it. Every endpoint under the
// vendor's own domains reaches its one store of rules (public beside VPC
// endpoints, http beside https, the default left out beside it written
// out), so they are one; names of this machine (localhost, 127.0.0.1,
// ::1) are one; any other is spelled canonically (cloud.CanonicalEndpoint:
// case, default port, final slash). Two host names of one private
// endpoint (a CNAME) stay two: telling them alike would need DNS, which
// may answer each process differently.
func lockEndpoint(def cloud.Cloud, u *url.URL) string {
	host := strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
	for _, d := range def.VendorDomains {
		if host == d || strings.HasSuffix(host, "."+d) {
			return "the vendor's endpoints"
		}
	}
	if ip := net.ParseIP(host); host == "localhost" || ip != nil && ip.IsLoopback() {
		v := *u
		v.Host = "loopback"
		if port := u.Port(); port != "" {
			v.Host += ":" + port
		}
		return cloud.CanonicalEndpoint(&v)
	}
	return cloud.CanonicalEndpoint(u)
}

// LockFileName is the name of the machine lock file of a group reached
// with a cloud's resolved settings, in whichever folder the locks are kept
// (MachineLocks.Dir): for tests that look at it.
func LockFileName(def cloud.Cloud, settings map[string]string, groupID string) string {
	return lockFileName(lockScopeOf(def, settings), groupID)
}

// Resolve returns a cloud's settings (block, then environment, then
// default) and the names of required settings still missing.
func (c *Connections) Resolve(cl cloud.Cloud) (map[string]string, []string) {
	values := map[string]string{}
	var missing []string
	for _, s := range cl.Settings {
		v := c.blocks[cl.Name][s.Name]
		for _, env := range s.EnvVars {
			if v != "" {
				break
			}
			v = c.getenv(env)
		}
		if v == "" {
			v = s.Default
		}
		if v != "" {
			values[s.Name] = v
		} else if s.Required {
			hint := s.Name
			if len(s.EnvVars) > 0 {
				hint += " (or " + strings.Join(s.EnvVars, ", ") + ")"
			}
			missing = append(missing, hint)
		}
	}
	return values, missing
}

// Client returns the client of the named cloud, connecting on first use.
func (c *Connections) Client(ctx context.Context, name string) (*Client, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if cl, ok := c.clients[name]; ok {
		return cl, nil
	}
	def, ok := c.registry.Get(name)
	if !ok {
		return nil, fmt.Errorf("unknown cloud %q; use one of %s", name, strings.Join(c.registry.Names(), ", "))
	}
	settings, missing := c.Resolve(def)
	if len(missing) > 0 {
		return nil, fmt.Errorf("the %s block of the secgroup provider is missing %s: set them in the block or in the environment",
			name, strings.Join(missing, ", "))
	}
	backend, err := def.Connect(ctx, settings)
	if err != nil {
		return nil, fmt.Errorf("connecting to %s: %w", def.Title, err)
	}
	cl := NewClient(def, backend, scopeOf(name, settings), c.groups)
	cl.lockScope = lockScopeOf(def, settings)
	if q := settings["rule_quota"]; q != "" {
		n, err := strconv.Atoi(q)
		if err != nil || n < 1 {
			return nil, fmt.Errorf("rule_quota %q in the %s block must be a positive number", q, name)
		}
		cl.quota = n
	}
	c.clients[name] = cl
	return cl, nil
}

// MaskSecrets returns a context whose tflog output hides every sensitive
// setting's value, wherever it would appear. The secrets are resolved once:
// every operation of every resource masks with them.
func (c *Connections) MaskSecrets(ctx context.Context) context.Context {
	c.secretsOnce.Do(func() {
		for _, cl := range c.registry.All() {
			values, _ := c.Resolve(cl)
			for _, s := range cl.Settings {
				if s.Sensitive && values[s.Name] != "" {
					c.secrets = append(c.secrets, values[s.Name])
				}
			}
		}
	})
	if len(c.secrets) == 0 {
		return ctx
	}
	ctx = tflog.MaskAllFieldValuesStrings(ctx, c.secrets...)
	return tflog.MaskMessageStrings(ctx, c.secrets...)
}
