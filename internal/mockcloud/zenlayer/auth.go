package zenlayer

import (
	"crypto/hmac"
	"mime"
	"strconv"
	"time"

	"github.com/secgroup/terraform-provider-secgroup/internal/signature/zc2"
)

// Zenlayer does not publish its authentication error codes; the mock
// answers these (HTTP 401), documented in mockcloud's README.
const (
	codeBadAuthorization  = "AUTH_FAILED_INVALID_AUTHORIZATION"
	codeUnknownAccessKey  = "AUTH_FAILED_ACCESS_KEY_NOT_FOUND"
	codeSignatureMismatch = "AUTH_FAILED_SIGNATURE_MISMATCH"
	codeTimestampExpired  = "AUTH_FAILED_TIMESTAMP_EXPIRED"
)

// authenticate checks the ZC2-HMAC-SHA256 Authorization header against the
// received Content-Type, Host and body, and the X-ZC-Timestamp window.
func (a *API) authenticate(req *request) *apiError {
	h := req.http.Header
	cred, err := zc2.ParseAuthorization(h.Get("Authorization"))
	if err != nil {
		return errorf(401, codeBadAuthorization, "The Authorization header is missing or malformed: "+err.Error()+".")
	}
	if cred.SignedHeaders != zc2.SignedHeaders {
		return errorf(401, codeBadAuthorization, "SignedHeaders must be "+zc2.SignedHeaders+".")
	}
	if m := h.Get("X-ZC-Signature-Method"); m != "" && m != zc2.Algorithm {
		return errorf(401, codeBadAuthorization, "The signature method "+m+" is not supported.")
	}
	if ct, _, _ := mime.ParseMediaType(h.Get("Content-Type")); ct != "application/json" {
		return errorf(400, "INVALID_PARAMETER", "Content-Type must be application/json.")
	}
	secret, ok := a.cfg.Credentials[cred.AccessKeyID]
	if !ok {
		return errorf(401, codeUnknownAccessKey, "The access key id does not exist.")
	}
	timestamp := h.Get("X-ZC-Timestamp")
	secs, err := strconv.ParseInt(timestamp, 10, 64)
	if err != nil {
		return errorf(401, codeTimestampExpired, "X-ZC-Timestamp must be Unix time in seconds.")
	}
	if skew := a.st.Now().Sub(time.Unix(secs, 0)); skew > a.cfg.ClockSkew || skew < -a.cfg.ClockSkew {
		return errorf(401, codeTimestampExpired, "The request time is too far from the server time.")
	}
	want := zc2.Sign(secret, h.Get("Content-Type"), req.http.Host, timestamp, req.body)
	if !hmac.Equal([]byte(want), []byte(cred.Signature)) {
		return errorf(401, codeSignatureMismatch, "The request signature does not match.")
	}
	return nil
}
