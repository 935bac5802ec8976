package apsarastack

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/secgroup/terraform-provider-secgroup/internal/engine"
	mockapsarastack "github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/apsarastack"

	"github.com/secgroup/terraform-provider-secgroup/internal/cloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/mocktest"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/store"
	"github.com/secgroup/terraform-provider-secgroup/internal/rule"
)

// answerShapes are the ways a route answer may carry an ECS failure: ECS's
// own body, the gateway's with the code leading resultMsg (also under HTTP
// 200), both at once with ASAPI's fields (the combined answer), and ASAPI's
// fields alone.
var answerShapes = map[string]func(status int, code, msg string) (int, string){
	"ecs": func(status int, code, msg string) (int, string) {
		return status, fmt.Sprintf(`{"RequestId":"R1","HostId":"h","Code":%q,"Message":%q}`, code, msg)
	},
	"gateway": func(status int, code, msg string) (int, string) {
		return status, fmt.Sprintf(`{"resultCode":-1,"resultMsg":%q,"result":null}`, code+": "+msg)
	},
	"gateway under 200": func(_ int, code, msg string) (int, string) {
		return 200, fmt.Sprintf(`{"resultCode":-1,"resultMsg":%q,"result":null}`, code+": "+msg)
	},
	"combined": func(status int, code, msg string) (int, string) {
		return status, fmt.Sprintf(`{"RequestId":"R1","RequestID":"R1","Code":%q,"Message":%q,"resultCode":-1,"resultMsg":%q,"result":null,`+
			`"asapiSuccess":false,"asapiErrorCode":%q,"asapiErrorMessage":%q}`, code, msg, msg, code, msg)
	},
	"combined under 200": func(_ int, code, msg string) (int, string) {
		return 200, fmt.Sprintf(`{"RequestId":"R1","Code":%q,"Message":%q,"resultCode":-1,"resultMsg":%q,"result":null,"asapiSuccess":false}`, code, msg, msg)
	},
	"asapi fields": func(status int, code, msg string) (int, string) {
		return status, fmt.Sprintf(`{"asapiSuccess":false,"asapiErrorCode":%q,"asapiErrorMessage":%q,"resultCode":-1,"resultMsg":%q}`, code, msg, msg)
	},
}

// canned serves one answer to every call.
func canned(t *testing.T, status int, body string) *Backend {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}))
	t.Cleanup(srv.Close)
	b, err := New(settings(srv.URL, "s"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Every class of error is told by its ECS code in every shape of answer:
// gone rules and groups end a revoke, throttling and 5xx are retried,
// settings codes name the setting, rule codes name the attribute.
func TestErrorClassesInEveryShape(t *testing.T) {
	classes := []struct {
		name, code, msg string
		status          int
		kind            cloud.Kind
		attribute, hint string
	}{
		{"rule gone", "InvalidGroupAuthItem.NotFound", "Specified group authorized item does not exist in our records.", 403, cloud.KindRuleGone, "", ""},
		{"rule gone (2024)", "InvalidSecurityGroupRule.RuleNotExist", "The specified security group rule does not exist.", 400, cloud.KindRuleGone, "", ""},
		{"group gone", "InvalidSecurityGroupId.NotFound", "The specified SecurityGroupId does not exist.", 404, cloud.KindGroupGone, "security_group_id", ""},
		{"throttling", "Throttling.User", "Request was denied due to user flow control.", 400, cloud.KindTransient, "", ""},
		{"server error", "InternalError", "The request processing has failed.", 500, cloud.KindTransient, "", ""},
		{"unavailable", "ServiceUnavailable", "The request has failed due to a temporary failure of the server.", 503, cloud.KindTransient, "", ""},
		{"secret", "SignatureDoesNotMatch", "Specified signature is not matched with our calculation.", 400, cloud.KindAuth, "", "secret_key in the provider's apsarastack block"},
		{"region", "InvalidRegionId.NotFound", "The specified RegionId does not exist.", 404, cloud.KindInvalid, "", "region in the provider's apsarastack block"},
		{"port range", "InvalidIpPortRange.Malformed", "The specified parameter PortRange is not valid.", 400, cloud.KindInvalid, "port_range", ""},
	}
	r := rule.Rule{Direction: rule.Ingress, Protocol: rule.TCP, Ports: rule.PortRange{From: 22, To: 22}, CIDR: "10.0.0.0/8"}
	for shape, write := range answerShapes {
		for _, c := range classes {
			t.Run(shape+"/"+c.name, func(t *testing.T) {
				status, body := write(c.status, c.code, c.msg)
				b := canned(t, status, body)
				err := b.Revoke(context.Background(), "sg-1", []rule.Rule{r}, "")
				e, ok := cloud.AsError(err)
				if !ok || e.Code != c.code || e.Kind != c.kind || e.Attribute != c.attribute || !strings.Contains(e.Hint, c.hint) {
					t.Fatalf("got %+v (%v), want code %s kind %s attribute %q hint with %q", e, err, c.code, c.kind, c.attribute, c.hint)
				}
				if strings.Contains(err.Error(), gatewayHint) {
					t.Fatalf("an answer with an ECS code is not the gateway's refusal: %v", err)
				}
				if !strings.Contains(err.Error(), strings.TrimSuffix(c.msg, ".")) {
					t.Fatalf("the vendor's message is lost: %v", err)
				}
			})
		}
	}
}

// Only an answer without any code is the gateway's own refusal; a gateway
// answer that fails with a 5xx and no code is retried, and so is the
// "system error" of the Apsara Stack RevokeSecurityGroup reference's
// failure example, whatever its status.
func TestGatewayFailureWithoutCode(t *testing.T) {
	for _, c := range []struct {
		name   string
		status int
		body   string
		kind   cloud.Kind
		hint   bool
	}{
		{"resultCode", 400, `{"resultCode":-1,"resultMsg":"no such route","result":null}`, cloud.KindUnknown, true},
		{"resultCode under 200", 200, `{"resultCode":-1,"resultMsg":"no such route","result":null}`, cloud.KindUnknown, true},
		{"the reference's system error", 400, `{"resultCode":-1,"resultMsg":"system error","result":null}`, cloud.KindTransient, false},
		{"the reference's system error under 200", 200, `{"resultCode":-1,"resultMsg":"system error","result":null}`, cloud.KindTransient, false},
		{"asapiSuccess false", 200, `{"asapiSuccess":false,"asapiErrorMessage":"organization required"}`, cloud.KindUnknown, true},
		{"a sentence with a colon", 400, `{"resultCode":-1,"resultMsg":"gateway says: no route","result":null}`, cloud.KindUnknown, true},
		{"5xx", 503, `{"resultCode":-1,"resultMsg":"service busy","result":null}`, cloud.KindTransient, false},
		{"429", 429, `<html>slow down</html>`, cloud.KindTransient, false},
		{"502 page", 502, `<html>bad gateway</html>`, cloud.KindTransient, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := canned(t, c.status, c.body).Authorize(context.Background(), "sg-1", []rule.Rule{ping6}, "")
			e, ok := cloud.AsError(err)
			if !ok || e.Kind != c.kind || strings.Contains(err.Error(), gatewayHint) != c.hint {
				t.Fatalf("got %+v: %v", e, err)
			}
		})
	}
	for _, ok := range []string{`{"RequestID":"R"}`, `{"RequestId":"R"}`, `{"RequestID":"R","resultCode":0}`, `{"RequestID":"R","asapiSuccess":true}`} {
		if err := canned(t, 200, ok).Authorize(context.Background(), "sg-1", []rule.Rule{ping6}, ""); err != nil {
			t.Fatalf("%s is a success: %v", ok, err)
		}
	}
}

// Through mockcloud in its combined shape: a revoke of a rule or a group
// already gone is success for engine.Client, throttling and server errors
// are retried, a bad secret names the setting.
func TestCombinedAnswersThroughTheMock(t *testing.T) {
	m := mocktest.Start(t, "")
	m.Store.SetBehavior(Name, mockapsarastack.ErrorShape, mockapsarastack.ShapeCombined)
	ctx := context.Background()
	b := connect(t, m, "mock-secret-key")
	c := engine.NewClient(Definition(), b, "test", engine.NewGroups(engine.Settings{Backoff: engine.Backoff{Initial: time.Millisecond, Max: 2 * time.Millisecond}}))

	if err := c.Delete(ctx, "sg-as-web", dns); err != nil {
		t.Fatalf("a rule already gone: %v", err)
	}
	if err := c.Delete(ctx, "sg-as-gone", dns); err != nil {
		t.Fatalf("a group already gone: %v", err)
	}
	m.Store.AddFault(store.Fault{Cloud: Name, Throttle: 2, ServerError: 1})
	if _, err := c.Create(ctx, "sg-as-web", ping6); err != nil {
		t.Fatalf("throttling and a 5xx are retried: %v", err)
	}
	statuses := map[string]int{}
	for _, call := range m.Store.CallsOf(Name, "") {
		if call.Code != "" {
			statuses[call.Code]++
		}
	}
	if statuses["Throttling.User"] != 2 || statuses["InternalError"] != 1 {
		t.Fatalf("faults answered: %v", statuses)
	}
	err := connect(t, m, "wrong").Authorize(ctx, "sg-as-web", []rule.Rule{out6}, "")
	if e, ok := cloud.AsError(err); !ok || e.Kind != cloud.KindAuth || !strings.Contains(e.Hint, "secret_key") {
		t.Fatalf("bad secret: %v", err)
	}
}
