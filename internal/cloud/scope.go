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

// Scope names what a group id of the resolved settings is unique within,
// twice. cache keeps the describes of groups with equal ids apart: the
// cloud, the account (a digest of its access key), the region and the
// endpoint as written, since credentials may differ in what they may see
// and each backend remembers its own last describe of a group. lock names
// the groups' machine locks: the cloud, its region and its endpoint
// canonically (lockEndpoint), but not the account. A security group id is
// unique within a cloud's endpoint and region, so the group id names the
// account: two provider configurations that reach one group through two
// users' keys of its account, or through two spellings of its endpoint,
// take one lock. An endpoint that does not parse stays as written: its
// client cannot connect anyway.
func (c Cloud) Scope(settings map[string]string) (cache, lock string) {
	account := sha256.Sum256([]byte(settings[SettingAccessKey]))
	cache = c.Name + "/" + hex.EncodeToString(account[:8]) + "/" + settings[SettingRegion] + "/" + settings[SettingEndpoint]
	endpoint := settings[SettingEndpoint]
	if u, err := c.Endpoint(settings); err == nil {
		endpoint = c.lockEndpoint(u)
	}
	return cache, c.Name + "\x00" + strings.ToLower(strings.TrimSpace(settings[SettingRegion])) + "\x00" + endpoint
}

// lockEndpoint is an endpoint as a lock names it. Every endpoint under the
// vendor's own domains reaches its one store of rules (public beside VPC
// endpoints, http beside https, the default left out beside it written
// out), so they are one; names of this machine (localhost, 127.0.0.1,
// ::1) are one; any other is spelled canonically (CanonicalEndpoint:
// case, default port, final slash). Two host names of one private
// endpoint (a CNAME) stay two: telling them alike would need DNS, which
// may answer each process differently.
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
