package cloud

import "testing"

// Every cloud reads its endpoint setting alike: scheme://host[:port] or a
// bare host for HTTPS; nothing else.
func TestParseEndpoint(t *testing.T) {
	for _, tc := range []struct{ raw, fallback, want string }{
		{"", "https://ecs.example.com", "https://ecs.example.com"},
		{"console.zenlayer.com", "", "https://console.zenlayer.com"},
		{"127.0.0.1:8080", "", "https://127.0.0.1:8080"},
		{"http://127.0.0.1:8080", "", "http://127.0.0.1:8080"},
		{"https://api.example.com/", "", "https://api.example.com"},
		{" https://api.example.com ", "", "https://api.example.com"},
	} {
		u, err := ParseEndpoint(tc.raw, tc.fallback)
		if err != nil || u.String() != tc.want {
			t.Errorf("%q (fallback %q): %v %v, want %s", tc.raw, tc.fallback, u, err, tc.want)
		}
	}
	for _, bad := range []string{"ftp://x", "http://x/api/v2/vm", "http://", "https://x?y=1", "https://user:pw@x"} {
		if _, err := ParseEndpoint(bad, ""); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	// No endpoint and no default (Apsara Stack) is an error, not a guess.
	if _, err := ParseEndpoint("", ""); err == nil {
		t.Error("an empty endpoint without a default was accepted")
	}
}
