package cloud

// Registry is the set of clouds the provider knows.
type Registry struct {
	clouds []Cloud
}

// NewRegistry lists clouds in the order docs show them.
func NewRegistry(clouds ...Cloud) *Registry {
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
