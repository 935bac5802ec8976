package cloud

import (
	"crypto/sha256"
	"encoding/hex"
	"net"
	"net/url"
	"strings"
)

// The settings that say where a cloud's groups are: every cloud names its
// account key, region and endpoint alike (a cloud without regions has no
// region setting). Scope and Endpoint read them; nothing else needs to.
const (
	SettingAccessKey = "access_key"
	SettingRegion    = "region"
	SettingEndpoint  = "endpoint"
)

// Scope names what a group id of the resolved settings is unique within:
// cache keeps describes apart, lock names the machine lock (DESIGN.md, "The
// engine's promises" and "Which lock"). An unparsable endpoint stays as
// written.
func (c Cloud) Scope(settings map[string]string) (cache, lock string) {
	account := sha256.Sum256([]byte(settings[SettingAccessKey]))
	cache = c.Name + "/" + hex.EncodeToString(account[:8]) + "/" + settings[SettingRegion] + "/" + settings[SettingEndpoint]
	endpoint := settings[SettingEndpoint]
	if u, err := c.Endpoint(settings); err == nil {
		endpoint = c.lockEndpoint(u)
	}
	return cache, c.Name + "\x00" + strings.ToLower(strings.TrimSpace(settings[SettingRegion])) + "\x00" + endpoint
}

// lockEndpoint is an endpoint as a lock names it: the vendor's domains are
// one, this machine's names are one, any other is spelled canonically
// (DESIGN.md, "Which lock").
func (c Cloud) lockEndpoint(u *url.URL) string {
	host := strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
	for _, d := range c.VendorDomains {
		if host == d || strings.HasSuffix(host, "."+d) {
			return "the vendor's endpoints"
		}
	}
	if ip := net.ParseIP(host); host == "localhost" || ip != nil && ip.IsLoopback() {
		v := *u
		v.Host = "loopback"
		if port := u.Port(); port != "" {
			v.Host += ":" + port
		}
		return CanonicalEndpoint(&v)
	}
	return CanonicalEndpoint(u)
}
