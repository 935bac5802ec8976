// Package acs computes Alibaba Cloud API signatures: V1 (HMAC-SHA1 over the
// RPC parameters) and V3 (ACS3-HMAC-SHA256 over a canonical request), as
// Alibaba Cloud's signature documentation gives them. mockcloud verifies
// requests with it; the provider signs ECS and ENS calls through the vendor
// SDK and Apsara Stack's gateway calls with V1Sign.
package acs

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"net/url"
	"sort"
	"strings"
)

// PercentEncode is RFC 3986 encoding as Alibaba uses it: unreserved
// characters stay, everything else is %XX upper-case, space is %20.
func PercentEncode(s string) string {
	e := url.QueryEscape(s)
	e = strings.ReplaceAll(e, "+", "%20")
	e = strings.ReplaceAll(e, "*", "%2A")
	return strings.ReplaceAll(e, "%7E", "~")
}

// V1StringToSign builds the string V1 signs from every parameter except
// Signature.
func V1StringToSign(method string, params map[string]string) string {
	keys := make([]string, 0, len(params))
	for k := range params {
		if k != "Signature" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	pairs := make([]string, len(keys))
	for i, k := range keys {
		pairs[i] = PercentEncode(k) + "=" + PercentEncode(params[k])
	}
	return method + "&%2F&" + PercentEncode(strings.Join(pairs, "&"))
}

// V1Sign returns the base64 HMAC-SHA1 signature of a string to sign.
func V1Sign(stringToSign, secret string) string {
	mac := hmac.New(sha1.New, []byte(secret+"&"))
	mac.Write([]byte(stringToSign))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// V3Request is what a V3 signature covers.
type V3Request struct {
	Method string
	Path   string
	Query  map[string]string
	// Headers maps lower-case names to their values (several values of one
	// name already joined with ",").
	Headers       map[string]string
	SignedHeaders []string
	PayloadHash   string
}

// V3CanonicalRequest builds the canonical request string.
func V3CanonicalRequest(r V3Request) string {
	path := r.Path
	if path == "" {
		path = "/"
	}
	path = strings.NewReplacer("+", "%20", "*", "%2A", "%7E", "~").Replace(path)
	keys := make([]string, 0, len(r.Query))
	for k := range r.Query {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	q := make([]string, len(keys))
	for i, k := range keys {
		q[i] = PercentEncode(k) + "=" + PercentEncode(r.Query[k])
	}
	var h strings.Builder
	for _, name := range r.SignedHeaders {
		h.WriteString(name + ":" + strings.TrimSpace(r.Headers[name]) + "\n")
	}
	return r.Method + "\n" + path + "\n" + strings.Join(q, "&") + "\n" + h.String() + "\n" +
		strings.Join(r.SignedHeaders, ";") + "\n" + r.PayloadHash
}

// V3Sign returns the hex HMAC-SHA256 signature of a canonical request.
func V3Sign(canonicalRequest, secret string) string {
	sum := sha256.Sum256([]byte(canonicalRequest))
	toSign := "ACS3-HMAC-SHA256\n" + hex.EncodeToString(sum[:])
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(toSign))
	return hex.EncodeToString(mac.Sum(nil))
}

// SHA256Hex is the payload hash V3 uses.
func SHA256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
