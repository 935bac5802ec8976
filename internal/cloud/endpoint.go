package cloud

import (
	"fmt"
	"net"
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

// Endpoint is the endpoint a client of the resolved settings connects to:
// theirs, else the cloud's default, read by ParseEndpoint as each cloud's
// client reads it (with the same DefaultEndpoint).
func (c Cloud) Endpoint(settings map[string]string) (*url.URL, error) {
	fallback := ""
	if c.DefaultEndpoint != nil {
		fallback = c.DefaultEndpoint(settings)
	}
	return ParseEndpoint(settings[SettingEndpoint], fallback)
}

// CanonicalEndpoint spells an endpoint one way: scheme and host in lower
// case, no final dot, no default port, no path.
func CanonicalEndpoint(u *url.URL) string {
	scheme := strings.ToLower(u.Scheme)
	host := strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
	port := u.Port()
	if (scheme == "https" && port == "443") || (scheme == "http" && port == "80") {
		port = ""
	}
	if port != "" || strings.Contains(host, ":") {
		host = net.JoinHostPort(host, port)
		host = strings.TrimSuffix(host, ":")
	}
	return scheme + "://" + host
}
