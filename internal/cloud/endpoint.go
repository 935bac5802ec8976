package cloud

import (
	"fmt"
	"net/url"
	"strings"
)

// ParseEndpoint reads a cloud block's endpoint setting, the same way for
// every cloud: "scheme://host[:port]" with scheme http or https, or a bare
// "host[:port]", which means HTTPS (as the vendors' own providers take
// their *_DOMAIN variables). fallback is used when raw is empty. The
// result has no path, query or trailing slash.
func ParseEndpoint(raw, fallback string) (*url.URL, error) {
	s := strings.TrimSpace(raw)
	if s == "" {
		s = fallback
	}
	if s != "" && !strings.Contains(s, "://") {
		s = "https://" + s
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" ||
		(u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.User != nil {
		return nil, fmt.Errorf("endpoint %q must look like https://host[:port]", raw)
	}
	return &url.URL{Scheme: u.Scheme, Host: u.Host}, nil
}
