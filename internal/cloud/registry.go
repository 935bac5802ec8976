package cloud

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// Registry is the set of clouds the provider knows.
type Registry struct {
	clouds []Cloud
}

// NewRegistry lists clouds in the order docs show them. Every cloud gets
// the rule_quota setting.
func NewRegistry(clouds ...Cloud) *Registry {
	for i, c := range clouds {
		desc := "Rules a security group may hold, for the plan-time quota check, when the account's quota differs from the default"
		switch {
		case c.Capabilities.Quota > 0 && c.Capabilities.QuotaPerDirection:
			desc += fmt.Sprintf(" (%d per direction)", c.Capabilities.Quota)
		case c.Capabilities.Quota > 0:
			desc += fmt.Sprintf(" (%d)", c.Capabilities.Quota)
		default:
			desc += " (none documented: no check unless set)"
		}
		clouds[i].Settings = append(slices.Clip(c.Settings), Setting{Name: "rule_quota", Description: desc + "."})
	}
	return &Registry{clouds: clouds}
}

// All returns every cloud.
func (r *Registry) All() []Cloud { return r.clouds }

// Get returns the cloud called name.
func (r *Registry) Get(name string) (Cloud, bool) {
	for _, c := range r.clouds {
		if c.Name == name {
			return c, true
		}
	}
	return Cloud{}, false
}

// Names returns the clouds' names.
func (r *Registry) Names() []string {
	names := make([]string, len(r.clouds))
	for i, c := range r.clouds {
		names[i] = c.Name
	}
	return names
}

// Connections holds what the provider block says about each cloud and
// connects to a cloud the first time a resource needs it, so a
// configuration that never uses a cloud needs no credentials for it.
type Connections struct {
	registry *Registry
	// blocks holds the values set in each cloud's provider block.
	blocks  map[string]map[string]string
	groups  *Groups
	backoff Backoff
	getenv  func(string) string

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
func NewConnections(registry *Registry, blocks map[string]map[string]string, backoff Backoff, groups *Groups) *Connections {
	c := &Connections{registry: registry, blocks: blocks, backoff: backoff, groups: groups, getenv: os.Getenv, clients: map[string]*Client{}}
	for _, def := range registry.clouds {
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

// Resolve returns a cloud's settings (block, then environment, then
// default) and the names of required settings still missing.
func (c *Connections) Resolve(cl Cloud) (map[string]string, []string) {
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
	cl := NewClient(def, backend, scopeOf(name, settings), c.groups, c.backoff)
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
		for _, cl := range c.registry.clouds {
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
