package apsarastack

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/alicloud"

	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/frontend"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/store"
	"github.com/secgroup/terraform-provider-secgroup/internal/signature/acs"
)

// The gateway route takes the parameters as a JSON body too, signed like
// the form, and answers RequestID.
func TestRouteTakesJSONBodies(t *testing.T) {
	st := store.New(func(time.Time) []*store.Group {
		return []*store.Group{{Cloud: "apsarastack", ID: "sg-1", Region: "r-1", Status: "Available", VpcID: "v", Rules: []any{}}}
	})
	st.Now = func() time.Time { return now }
	api := New(frontend.Config{Store: st, Credentials: map[string]string{"ak": "sk"}, ClockSkew: 15 * time.Minute})
	p := map[string]string{"AccessKeyId": "ak", "SignatureMethod": "HMAC-SHA1", "SignatureVersion": "1.0", "SignatureNonce": "n-1",
		"Timestamp": now.Format("2006-01-02T15:04:05Z"), "Version": alicloud.Version, "RegionId": "r-1", "regionId": "r-1",
		"SecurityGroupId": "sg-1", "IpProtocol": "icmpv6", "PortRange": "-1/-1", "Ipv6SourceCidrIp": "2001:db8::/32"}
	p["Signature"] = acs.V1Sign(acs.V1StringToSign("POST", p), "sk")
	body, _ := json.Marshal(p)
	send := func(org string) (int, map[string]any) {
		req := httptest.NewRequest(http.MethodPost, RoutePrefix+"Ecs/AuthorizeSecurityGroup", strings.NewReader(string(body)))
		req.Header.Set("Content-Type", "application/json")
		if org != "" {
			req.Header.Set("x-acs-organizationid", org)
		}
		return do(api, req)
	}
	if status, answer := send(""); status != 400 || answer["resultCode"] != float64(-1) {
		t.Fatalf("without the organization header: %d %v", status, answer)
	}
	status, answer := send("org-1")
	if status != 200 || answer["RequestID"] == nil {
		t.Fatalf("JSON body: %d %v", status, answer)
	}
	if g, _ := st.FindGroup("apsarastack", "sg-1"); len(g.Rules) != 1 {
		t.Fatalf("%d rules", len(g.Rules))
	}
	if status, _ := do(api, httptest.NewRequest(http.MethodPost, RoutePrefix+"Vpc/CreateVpc", nil)); status != 404 {
		t.Fatalf("another product: %d", status)
	}
}

// Each error shape of the route: ECS's, the gateway's with the code
// leading resultMsg, and the combined answer with both sets of fields.
func TestRouteErrorShapes(t *testing.T) {
	st := store.New(func(time.Time) []*store.Group { return nil })
	st.Now = func() time.Time { return now }
	api := New(frontend.Config{Store: st, Credentials: map[string]string{"ak": "sk"}, ClockSkew: 15 * time.Minute})
	send := func(nonce string) (int, map[string]any) {
		p := map[string]string{"AccessKeyId": "ak", "SignatureMethod": "HMAC-SHA1", "SignatureVersion": "1.0", "SignatureNonce": nonce,
			"Timestamp": now.Format("2006-01-02T15:04:05Z"), "Version": alicloud.Version, "RegionId": "r-1", "regionId": "r-1",
			"SecurityGroupId": "sg-gone", "IpProtocol": "all", "PortRange": "-1/-1", "SourceCidrIp": "10.0.0.0/8"}
		p["Signature"] = acs.V1Sign(acs.V1StringToSign("POST", p), "sk")
		body, _ := json.Marshal(p)
		req := httptest.NewRequest(http.MethodPost, RoutePrefix+"Ecs/RevokeSecurityGroup", strings.NewReader(string(body)))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("x-acs-organizationid", "org-1")
		return do(api, req)
	}
	const code, msg = "InvalidRegionId.NotFound", "The specified RegionId does not exist."
	status, a := send("n-1")
	if status != 404 || a["Code"] != code || a["resultCode"] != nil {
		t.Fatalf("ECS shape: %d %v", status, a)
	}
	st.SetBehavior("apsarastack", ErrorShape, ShapeASAPI)
	status, a = send("n-2")
	if status != 404 || a["Code"] != nil || a["resultCode"] != float64(-1) || a["resultMsg"] != code+": "+msg {
		t.Fatalf("gateway shape: %d %v", status, a)
	}
	st.SetBehavior("apsarastack", ErrorShape, ShapeCombined)
	status, a = send("n-3")
	if status != 404 || a["Code"] != code || a["Message"] != msg || a["RequestId"] == nil || a["resultCode"] != float64(-1) ||
		a["resultMsg"] != msg || a["asapiSuccess"] != false || a["asapiErrorCode"] != code || a["asapiErrorMessage"] != msg {
		t.Fatalf("combined shape: %d %v", status, a)
	}
}

var now = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

func do(api http.Handler, req *http.Request) (int, map[string]any) {
	w := httptest.NewRecorder()
	api.ServeHTTP(w, req)
	var body map[string]any
	_ = json.Unmarshal(w.Body.Bytes(), &body)
	return w.Code, body
}
