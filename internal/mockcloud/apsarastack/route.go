package apsarastack

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/alicloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/frontend"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/store"
)

// RoutePrefix is where Apsara Stack's gateway takes ECS actions: POST
// /apsara/route/Ecs/{Action}, as the Apsara Stack RevokeSecurityGroup
// reference calls it.
const RoutePrefix = "/apsara/route/"

// ErrorShape is the route's behaviour switch for the shape of failures:
//
//   - "" (the default): ECS's failures ECS-shaped {RequestId, Code,
//     Message}, the gateway's own as {resultCode, resultMsg, result};
//   - "asapi": every failure in the gateway's shape, the ECS code leading
//     resultMsg ("Code: message");
//   - "combined": ECS's failures with both sets of fields, as gateways that
//     pass ECS's answer through send them: Code, Message and RequestId
//     beside resultCode -1, resultMsg (the message alone), asapiSuccess
//     false, asapiErrorCode and asapiErrorMessage;
//   - "system_error": server errors (HTTP 5xx, injected ones among them)
//     as the failure example of the Apsara Stack RevokeSecurityGroup
//     reference, {"resultCode":-1,"resultMsg":"system error","result":null},
//     with no ECS code, under HTTP 200; other failures as by default.
const ErrorShape = "error_shape"

// Values of ErrorShape.
const (
	ShapeASAPI       = "asapi"
	ShapeCombined    = "combined"
	ShapeSystemError = "system_error"
)

// gatewayCode marks failures of the gateway itself.
const gatewayCode = "asapi"

var errorf = frontend.Errorf

// route is the gateway's transport: parameters in the body (form or JSON),
// signed with the RPC signature (V1) over the parameters as on ECS; the
// organization header and both region spellings required; success answers
// carry RequestID; failures in the shape ErrorShape asks for.
func route(st *store.Store) alicloud.Transport {
	return alicloud.Transport{
		Parse: parse,
		Check: checkGateway,
		Failure: func(e *frontend.Error, ecsBody map[string]any) (int, map[string]any) {
			if e.Status >= 500 && st.BehaviorOf(Cloud, ErrorShape) == ShapeSystemError {
				return http.StatusOK, map[string]any{"resultCode": -1, "resultMsg": "system error", "result": nil}
			}
			return e.Status, failure(st, e, ecsBody)
		},
		RequestIDKey: "RequestID",
	}
}

// failure is the body of a failure on the route, in the shape the
// ErrorShape switch asks for; ecsBody is ECS's own.
func failure(st *store.Store, e *frontend.Error, ecsBody map[string]any) map[string]any {
	shape := st.BehaviorOf(Cloud, ErrorShape)
	gateway := map[string]any{"resultCode": -1, "resultMsg": e.Message, "result": nil}
	switch {
	case e.Code == gatewayCode:
		if shape == ShapeCombined {
			gateway["asapiSuccess"], gateway["asapiErrorMessage"] = false, e.Message
		}
		return gateway
	case shape == ShapeASAPI:
		gateway["resultMsg"] = e.Code + ": " + e.Message
		return gateway
	case shape == ShapeCombined:
		for k, v := range ecsBody {
			gateway[k] = v
		}
		gateway["asapiSuccess"], gateway["asapiErrorCode"], gateway["asapiErrorMessage"] = false, e.Code, e.Message
		return gateway
	}
	return ecsBody
}

// parse reads POST /apsara/route/Ecs/{Action}: the parameters of the query,
// a form body or a JSON body (every value as text, as the form would carry
// it).
func parse(r *http.Request) (action string, params map[string]string, body []byte, err *frontend.Error) {
	product, action, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, RoutePrefix), "/")
	if r.Method != http.MethodPost || product != "Ecs" || action == "" || strings.Contains(action, "/") {
		return action, nil, nil, errorf(404, gatewayCode, "route "+r.Method+" "+r.URL.Path+" does not exist; use POST "+RoutePrefix+"Ecs/{Action}")
	}
	body, params, err = alicloud.ReadParams(r)
	if err != nil {
		return action, params, body, err
	}
	if text := strings.TrimSpace(string(body)); strings.HasPrefix(text, "{") {
		var values map[string]any
		if json.Unmarshal(body, &values) != nil {
			return action, params, body, errorf(400, "InvalidParameter", "The JSON body is malformed.")
		}
		for k, v := range values {
			if s, ok := v.(string); ok {
				params[k] = s
			} else if v != nil {
				b, _ := json.Marshal(v)
				params[k] = string(b)
			}
		}
	}
	if params["Action"] != "" && params["Action"] != action {
		return action, params, body, errorf(400, gatewayCode, fmt.Sprintf("Action %q in the body differs from the route's %q", params["Action"], action))
	}
	return action, params, body, nil
}

// checkGateway is what the gateway checks before ECS sees the call: the
// organization header and the region in both spellings the Apsara Stack
// RevokeSecurityGroup reference lists (RegionId and regionId).
func checkGateway(r *http.Request, params map[string]string) *frontend.Error {
	if r.Header.Get("x-acs-organizationid") == "" {
		return errorf(400, gatewayCode, "the x-acs-organizationid header is required")
	}
	if params["RegionId"] == "" || params["regionId"] == "" {
		return errorf(400, gatewayCode, "RegionId and regionId are required")
	}
	return nil
}
