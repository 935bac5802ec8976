package alicloud

import (
	"crypto/hmac"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/store"
	"github.com/secgroup/terraform-provider-secgroup/internal/signature/acs"
)

// authenticate checks a V3 Authorization header when there is one, the V1
// Signature parameter otherwise, the way ECS rejects bad requests.
func (a *API) authenticate(req *request) *apiError {
	if auth := req.http.Header.Get("Authorization"); strings.HasPrefix(auth, "ACS3-HMAC-SHA256 ") {
		return a.verifyV3(req, strings.TrimPrefix(auth, "ACS3-HMAC-SHA256 "))
	}
	return a.verifyV1(req)
}

func (a *API) verifyV1(req *request) *apiError {
	p := req.params
	for _, name := range []string{"AccessKeyId", "Signature", "SignatureNonce", "Timestamp"} {
		if p[name] == "" {
			return errorf(400, "MissingParameter", "The input parameter \""+name+"\" that is mandatory for processing this request is not supplied.")
		}
	}
	if m := p["SignatureMethod"]; m != "" && m != "HMAC-SHA1" {
		return errorf(400, "InvalidSignatureMethod", "Specified signature method is not supported.")
	}
	secret, ok := a.cfg.Credentials[p["AccessKeyId"]]
	if !ok {
		return errorf(404, "InvalidAccessKeyId.NotFound", "Specified access key is not found.")
	}
	if e := a.checkTime(p["Timestamp"], p["SignatureNonce"]); e != nil {
		return e
	}
	sts := acs.V1StringToSign(req.http.Method, p)
	if !hmac.Equal([]byte(acs.V1Sign(sts, secret)), []byte(p["Signature"])) {
		// The SDK compares this text with its own string to sign.
		return errorf(400, "SignatureDoesNotMatch", "Specified signature is not matched with our calculation. server string to sign is:"+sts)
	}
	return nil
}

func (a *API) verifyV3(req *request, auth string) *apiError {
	fields := map[string]string{}
	for _, part := range strings.Split(auth, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		fields[k] = v
	}
	cred, signed, sig := fields["Credential"], fields["SignedHeaders"], fields["Signature"]
	if cred == "" || signed == "" || sig == "" {
		return errorf(400, "IncompleteSignature", "The request signature does not conform to Aliyun standards.")
	}
	secret, ok := a.cfg.Credentials[cred]
	if !ok {
		return errorf(404, "InvalidAccessKeyId.NotFound", "Specified access key is not found.")
	}
	h := req.http.Header
	if e := a.checkTime(h.Get("x-acs-date"), h.Get("x-acs-signature-nonce")); e != nil {
		return e
	}
	payload := acs.SHA256Hex(req.body)
	if got := h.Get("x-acs-content-sha256"); got != "" && got != payload {
		return errorf(400, "IncompleteSignature", "The x-acs-content-sha256 header does not match the request body.")
	}
	headers := map[string]string{}
	names := strings.Split(signed, ";")
	for _, n := range names {
		if n == "host" {
			headers[n] = req.http.Host
			continue
		}
		headers[n] = strings.Join(h.Values(http.CanonicalHeaderKey(n)), ",")
	}
	if !slices.Contains(names, "host") || !slices.Contains(names, "x-acs-date") {
		return errorf(400, "IncompleteSignature", "The request signature must cover host and x-acs-date.")
	}
	query := map[string]string{}
	for k, v := range req.http.URL.Query() {
		query[k] = v[0]
	}
	cr := acs.V3CanonicalRequest(acs.V3Request{Method: req.http.Method, Path: req.http.URL.EscapedPath(), Query: query,
		Headers: headers, SignedHeaders: names, PayloadHash: payload})
	if !hmac.Equal([]byte(acs.V3Sign(cr, secret)), []byte(sig)) {
		return errorf(400, "SignatureDoesNotMatch", "Specified signature is not matched with our calculation. server string to sign is:"+cr)
	}
	return nil
}

func (a *API) checkTime(stamp, nonce string) *apiError {
	t, err := time.Parse("2006-01-02T15:04:05Z", stamp)
	if err != nil {
		return errorf(400, "InvalidTimeStamp.Format", "Specified time stamp or date value is not well formatted.")
	}
	if d := a.st.Now().Sub(t); d > a.cfg.ClockSkew || d < -a.cfg.ClockSkew {
		return errorf(400, "InvalidTimeStamp.Expired", "Specified time stamp or date value is expired.")
	}
	if nonce == "" {
		return errorf(400, "MissingParameter", "The input parameter \"SignatureNonce\" that is mandatory for processing this request is not supplied.")
	}
	fresh := true
	a.st.Atomically(func(tx *store.Tx) {
		fresh = tx.UseNonce(a.cloud, nonce, 2*a.cfg.ClockSkew)
	})
	if !fresh {
		return errorf(400, "SignatureNonceUsed", "Specified signature nonce was used already.")
	}
	return nil
}
