// Package zc2 computes Zenlayer Cloud API 2.0 signatures
// (ZC2-HMAC-SHA256), as Zenlayer's signature documentation gives it. The
// provider's Zenlayer client signs with it and mockcloud verifies with it.
package zc2

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
)

// Algorithm names the scheme in the Authorization header and in
// X-ZC-Signature-Method.
const Algorithm = "ZC2-HMAC-SHA256"

// SignedHeaders are the only headers the scheme signs.
const SignedHeaders = "content-type;host"

// StringToSign builds what the signature covers. The canonical URI is the
// literal "/" and the query is empty whatever the request path is (the
// SDK's signRequest does so), and header values are used as sent.
func StringToSign(contentType, host, timestamp string, body []byte) string {
	payload := sha256.Sum256(body)
	canonical := strings.Join([]string{
		"POST", "/", "",
		"content-type:" + contentType + "\nhost:" + host + "\n",
		SignedHeaders,
		hex.EncodeToString(payload[:]),
	}, "\n")
	hashed := sha256.Sum256([]byte(canonical))
	return Algorithm + "\n" + timestamp + "\n" + hex.EncodeToString(hashed[:])
}

// Sign returns the hex signature of a request.
func Sign(secret, contentType, host, timestamp string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(StringToSign(contentType, host, timestamp, body)))
	return hex.EncodeToString(mac.Sum(nil))
}

// Authorization formats the Authorization header.
func Authorization(accessKeyID, signature string) string {
	return fmt.Sprintf("%s Credential=%s, SignedHeaders=%s, Signature=%s", Algorithm, accessKeyID, SignedHeaders, signature)
}

// Credentials are the parts of an Authorization header.
type Credentials struct {
	AccessKeyID, SignedHeaders, Signature string
}

// ParseAuthorization reads an Authorization header of this scheme.
func ParseAuthorization(header string) (Credentials, error) {
	rest, ok := strings.CutPrefix(header, Algorithm+" ")
	if !ok {
		return Credentials{}, fmt.Errorf("authorization does not start with %q", Algorithm)
	}
	var c Credentials
	for _, part := range strings.Split(rest, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "Credential":
			c.AccessKeyID = v
		case "SignedHeaders":
			c.SignedHeaders = v
		case "Signature":
			c.Signature = v
		}
	}
	if c.AccessKeyID == "" || c.SignedHeaders == "" || c.Signature == "" {
		return Credentials{}, fmt.Errorf("authorization lacks Credential, SignedHeaders or Signature")
	}
	return c, nil
}
