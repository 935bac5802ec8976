package zc2

import "testing"

// Vectors: the one published on
// Zenlayer's signature page, the same inputs with the Go SDK's
// Content-Type, and a derived one over a revoke-shaped body.
func TestSignVectors(t *testing.T) {
	const secret = "Gu5t9xGARNpq86cd98joQYCN3"
	for _, v := range []struct {
		name, contentType, timestamp, body, want string
	}{
		{"published", "application/json; charset=utf-8", "1673361177", `{"pageSize":10,"pageNum":1,"zoneId":"HKG-A"}`,
			"efb356c32e55c781e10dc676da59462c22596d82e91c57803666243379555b2f"},
		{"sdk content type", "application/json", "1673361177", `{"pageSize":10,"pageNum":1,"zoneId":"HKG-A"}`,
			"9fdd5117d611874c57b6514c5265c94aee7b716f33906836f9ebda1b56cbc119"},
		{"derived", "application/json", "1700000000",
			`{"securityGroupId":"sg-1","ruleInfos":[{"direction":"ingress","policy":"accept","priority":1,"ipProtocol":"tcp","portRange":"22/22","cidrIp":"0.0.0.0/0"}]}`,
			"dbea75b027fc6b0a02e56c19672bebdb24c40c10cd39632d9ebe1ea4a2b75e4e"},
	} {
		t.Run(v.name, func(t *testing.T) {
			if got := Sign(secret, v.contentType, "console.zenlayer.com", v.timestamp, []byte(v.body)); got != v.want {
				t.Fatalf("signature %s, want %s", got, v.want)
			}
		})
	}
}

func TestAuthorizationRoundTrip(t *testing.T) {
	h := Authorization("AKID", "abc123")
	if h != "ZC2-HMAC-SHA256 Credential=AKID, SignedHeaders=content-type;host, Signature=abc123" {
		t.Fatalf("header %q", h)
	}
	c, err := ParseAuthorization(h)
	if err != nil || c.AccessKeyID != "AKID" || c.Signature != "abc123" || c.SignedHeaders != SignedHeaders {
		t.Fatalf("parsed %+v, %v", c, err)
	}
	for _, bad := range []string{"", "Bearer x", "ZC2-HMAC-SHA256 Credential=AKID", "ZC2-HMAC-SHA256 SignedHeaders=a, Signature=b"} {
		if _, err := ParseAuthorization(bad); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
}

func BenchmarkSign(b *testing.B) {
	body := []byte(`{"securityGroupId":"sg-1","ruleInfos":[{"direction":"ingress","policy":"accept","priority":1,"ipProtocol":"tcp","portRange":"22/22","cidrIp":"0.0.0.0/0"}]}`)
	for b.Loop() {
		Sign("secret", "application/json", "console.zenlayer.com", "1700000000", body)
	}
}
