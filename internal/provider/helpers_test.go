package provider

import "encoding/json"

// asMap turns a mock's typed rule into the map /_mock/state shows.
func asMap(v any) map[string]any {
	b, _ := json.Marshal(v)
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	return m
}
