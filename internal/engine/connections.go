package engine

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/secgroup/terraform-provider-secgroup/internal/cloud"
)

// CloudConfig is one cloud's provider block as the provider resolved it.
type CloudConfig struct {
	// Settings are what Connect and the cloud's Scope take: each the
	// block's value, else the environment's, else the default.
	Settings map[string]string
	// Unusable says why the cloud cannot be used (a required setting
	// none of those gave); it is the error of the cloud's first use, so
	// that a configuration that never uses a cloud needs nothing for it.
	Unusable error
	// Quota is the rules a group may hold when the block says
	// (rule_quota); 0 leaves the cloud's documented quota.
	Quota int
}

// Connections holds each cloud's resolved configuration and connects to a
// cloud the first time a resource needs it, so a configuration that never
// uses a cloud needs no credentials for it.
type Connections struct {
	registry *cloud.Registry
	configs  map[string]CloudConfig
	groups   *Groups

	mu      sync.Mutex
	clients map[string]*Client

	secretsOnce sync.Once
	secrets     []string
}

// NewConnections takes each cloud's resolved configuration, by cloud name,
// and begins a new epoch of the scopes it reaches (this matters where one
// process serves several configurations: in-process tests, -debug).
func NewConnections(registry *cloud.Registry, configs map[string]CloudConfig, groups *Groups) *Connections {
	c := &Connections{registry: registry, configs: configs, groups: groups, clients: map[string]*Client{}}
	for _, def := range registry.All() {
		cache, _ := def.Scope(configs[def.Name].Settings)
		groups.NewEpoch(cache)
	}
	return c
}

// LockFileName is the name of the machine lock file of a group reached
// with a cloud's resolved settings, in whichever folder the locks are kept
// (MachineLocks.Dir): for tests that look at it.
func LockFileName(def cloud.Cloud, settings map[string]string, groupID string) string {
	_, lock := def.Scope(settings)
	return lockFileName(lock, groupID)
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
	config := c.configs[name]
	if config.Unusable != nil {
		return nil, config.Unusable
	}
	backend, err := def.Connect(ctx, config.Settings)
	if err != nil {
		return nil, fmt.Errorf("connecting to %s: %w", def.Title, err)
	}
	cache, lock := def.Scope(config.Settings)
	cl := NewClient(def, backend, cache, c.groups)
	cl.lockScope = lock
	if config.Quota > 0 {
		cl.quota = config.Quota
	}
	c.clients[name] = cl
	return cl, nil
}

// MaskSecrets returns a context whose tflog output hides every sensitive
// setting's value, wherever it would appear. The secrets are gathered
// once: every operation of every resource masks with them.
func (c *Connections) MaskSecrets(ctx context.Context) context.Context {
	c.secretsOnce.Do(func() {
		for _, def := range c.registry.All() {
			values := c.configs[def.Name].Settings
			for _, s := range def.Settings {
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
