package frontend

import "testing"

// One value and nothing after it but space (found in review: a stray
// closer passed, as More() reports no value before it).
func TestDecodeStrict(t *testing.T) {
	for in, ok := range map[string]bool{
		`{"a": 1}`: true, "{\"a\": 1}\n": true,
		`{"a": 1}}`: false, `{"a": 1}]`: false, `{"a": 1} {"a": 2}`: false, `{"b": 1}`: false,
	} {
		var v struct{ A int }
		if err := DecodeStrict([]byte(in), &v); (err == nil) != ok {
			t.Errorf("%q: %v, want ok %v", in, err, ok)
		}
	}
}
