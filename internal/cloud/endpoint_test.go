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

// Spellings of one endpoint are one canonical string: scheme and host in
// lower case, no final dot, no default port, no path; a port that is not
// the scheme's default, another scheme or another host stay apart.
func TestCanonicalEndpoint(t *testing.T) {
	for _, tc := range []struct {
		want     string
		raws     []string
		fallback string
	}{
		{"https://ecs-cn-hangzhou.aliyuncs.com", []string{"", "https://ecs-cn-hangzhou.aliyuncs.com", "HTTPS://ECS-CN-HANGZHOU.ALIYUNCS.COM/",
			"ecs-cn-hangzhou.aliyuncs.com:443", "https://ecs-cn-hangzhou.aliyuncs.com.:443", " Ecs-Cn-Hangzhou.Aliyuncs.Com "}, "https://ecs-cn-hangzhou.aliyuncs.com"},
		{"http://127.0.0.1:8080", []string{"http://127.0.0.1:8080", "HTTP://127.0.0.1:8080/", "Http://127.0.0.1:8080"}, ""},
		{"http://10.0.0.1", []string{"http://10.0.0.1", "http://10.0.0.1:80", "HTTP://10.0.0.1:80/"}, ""},
		{"https://[::1]:8443", []string{"https://[::1]:8443", "HTTPS://[::1]:8443/"}, ""},
		{"https://[::1]", []string{"https://[::1]", "https://[::1]:443"}, ""},
	} {
		for _, raw := range tc.raws {
			u, err := ParseEndpoint(raw, tc.fallback)
			if err != nil {
				t.Errorf("%q: %v", raw, err)
				continue
			}
			if got := CanonicalEndpoint(u); got != tc.want {
				t.Errorf("%q: %s, want %s", raw, got, tc.want)
			}
		}
	}
	seen := map[string]string{}
	for _, raw := range []string{"http://127.0.0.1:8080", "https://127.0.0.1:8080", "http://127.0.0.1:8081", "http://127.0.0.2:8080", "http://127.0.0.1", "https://127.0.0.1"} {
		u, err := ParseEndpoint(raw, "")
		if err != nil {
			t.Fatal(err)
		}
		c := CanonicalEndpoint(u)
		if other, ok := seen[c]; ok {
			t.Errorf("%q and %q are one endpoint: %s", raw, other, c)
		}
		seen[c] = raw
	}
}
