package cloud

import (
	"fmt"
	"slices"
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
