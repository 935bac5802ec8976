package baiducloud

import (
	"crypto/hmac"
	"strconv"
	"strings"
	"time"

	"github.com/baidubce/bce-sdk-go/auth"
	bcehttp "github.com/baidubce/bce-sdk-go/http"
)

// authenticate checks a bce-auth-v1 Authorization header: it rebuilds the
// request in the vendor SDK's own form and signs it with the SDK's signer,
// with the timestamp, expiry and signed headers the client chose, then
// compares signatures and checks the validity window.
func (a *API) authenticate(req *request) *apiError {
	parts := strings.Split(req.http.Header.Get("Authorization"), "/")
	if len(parts) != 6 || parts[0] != "bce-auth-v1" {
		return errorf(400, "InvalidHTTPAuthHeader", "The Authorization header you provided is invalid.")
	}
	ak, stamp, expiry, signed, signature := parts[1], parts[2], parts[3], parts[4], parts[5]
	secret, ok := a.cfg.Credentials[ak]
	if !ok {
		return errorf(403, "InvalidAccessKeyId", "The Access Key ID you provided does not exist in our records.")
	}
	at, err := time.Parse("2006-01-02T15:04:05Z", stamp)
	seconds, err2 := strconv.Atoi(expiry)
	if err != nil || err2 != nil || seconds <= 0 {
		return errorf(400, "InvalidHTTPAuthHeader", "The Authorization header you provided is invalid.")
	}
	now := a.st.Now()
	if now.After(at.Add(time.Duration(seconds)*time.Second)) || at.After(now.Add(a.cfg.ClockSkew)) {
		return errorf(400, "RequestExpired", "Request has expired. Timestamp date is "+stamp+".")
	}
	if sig := sign(req, ak, secret, at, seconds, signed); !hmac.Equal([]byte(sig), []byte(signature)) {
		return errorf(403, "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided.")
	}
	return nil
}

// sign computes the signature of a received request. signedHeaders is the
// client's ";"-joined list; empty means the default set, as the vendor
// documents.
func sign(req *request, ak, secret string, at time.Time, expiry int, signedHeaders string) string {
	r := req.http
	sreq := &bcehttp.Request{}
	sreq.SetMethod(r.Method)
	sreq.SetUri(r.URL.Path)
	params := map[string]string{}
	for k, v := range r.URL.Query() {
		params[k] = v[0]
	}
	sreq.SetParams(params)
	headers := map[string]string{"host": r.Host}
	for k := range r.Header {
		headers[strings.ToLower(k)] = r.Header.Get(k)
	}
	if _, ok := headers["content-length"]; !ok && len(req.body) > 0 {
		headers["content-length"] = strconv.Itoa(len(req.body))
	}
	sreq.SetHeaders(headers)
	toSign := auth.DEFAULT_HEADERS_TO_SIGN
	if signedHeaders != "" {
		toSign = map[string]struct{}{}
		for _, h := range strings.Split(signedHeaders, ";") {
			toSign[h] = struct{}{}
		}
	}
	opt := &auth.SignOptions{HeadersToSign: toSign, Timestamp: at.Unix(), ExpireSeconds: expiry}
	(&auth.BceV1Signer{}).Sign(sreq, &auth.BceCredentials{AccessKeyId: ak, SecretAccessKey: secret}, opt)
	full := sreq.Header("Authorization")
	return full[strings.LastIndex(full, "/")+1:]
}
