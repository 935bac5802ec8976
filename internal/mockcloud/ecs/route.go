package ecs

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/frontend"
)

// RoutePrefix is where Apsara Stack's gateway takes ECS actions (vendor
// the Apsara Stack RevokeSecurityGroup reference): POST /apsara/route/Ecs/{Action}.
const RoutePrefix = "/apsara/route/"

// NewRoute builds ECS's rule semantics behind Apsara Stack's gateway
// route, for the groups of the named cloud. Parameters come in the body
// (form or JSON), signed with the RPC signature (V1) over the parameters
// as on ECS; the gateway requires the organization header; success answers
// carry RequestID; gateway failures answer {resultCode, resultMsg, result}.
func NewRoute(cfg frontend.Config, cloud string) *API {
	return &API{cfg: cfg, st: cfg.Store, cloud: cloud, route: true}
}

// ErrorShape is the route's behaviour switch for the shape of failures:
//
//   - "" (the default): ECS's failures ECS-shaped {RequestId, Code,
//     Message}, the gateway's own as {resultCode, resultMsg, result};
//   - "asapi": every failure in the gateway's shape, the ECS code leading
//     resultMsg ("Code: message");
//   - "combined": ECS's failures with both sets of fields, as gateways that
//     pass ECS's answer through send them: Code, Message and RequestId
//     beside resultCode -1, resultMsg (the message alone), asapiSuccess
//     false, asapiErrorCode and asapiErrorMessage.
const ErrorShape = "error_shape"

// Values of ErrorShape.
const (
	ShapeASAPI    = "asapi"
	ShapeCombined = "combined"
)

// gatewayCode marks failures of the gateway itself.
const gatewayCode = "asapi"

// routeFailure is the body of a failure on the route, in the shape the
// ErrorShape switch asks for; ecsBody is ECS's own.
func (a *API) routeFailure(e *apiError, ecsBody map[string]any) map[string]any {
	shape := a.st.BehaviorOf(a.cloud, ErrorShape)
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

func parseRoute(r *http.Request) (*request, *apiError) {
	req := &request{http: r, params: map[string]string{}}
	product, action, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, RoutePrefix), "/")
	req.action = action
	if r.Method != http.MethodPost || product != "Ecs" || action == "" || strings.Contains(action, "/") {
		return req, errorf(404, gatewayCode, "route "+r.Method+" "+r.URL.Path+" does not exist; use POST "+RoutePrefix+"Ecs/{Action}")
	}
	if e := req.readBody(); e != nil {
		return req, e
	}
	for k, v := range r.URL.Query() {
		req.params[k] = v[0]
	}
	if e := req.readForm(); e != nil {
		return req, e
	}
	// A JSON body: every value as text, as the form would carry it.
	if body := strings.TrimSpace(string(req.body)); strings.HasPrefix(body, "{") {
		var values map[string]any
		if err := json.Unmarshal(req.body, &values); err != nil {
			return req, errorf(400, "InvalidParameter", "The JSON body is malformed.")
		}
		for k, v := range values {
			if s, ok := v.(string); ok {
				req.params[k] = s
			} else if v != nil {
				b, _ := json.Marshal(v)
				req.params[k] = string(b)
			}
		}
	}
	if req.params["Action"] != "" && req.params["Action"] != action {
		return req, errorf(400, gatewayCode, fmt.Sprintf("Action %q in the body differs from the route's %q", req.params["Action"], action))
	}
	return req, nil
}

// checkGateway is what the gateway checks before ECS sees the call: the
// organization header and the region in both spellings of the Apsara Stack RevokeSecurityGroup reference.
func checkGateway(req *request) *apiError {
	if req.http.Header.Get("x-acs-organizationid") == "" {
		return errorf(400, gatewayCode, "the x-acs-organizationid header is required")
	}
	if req.params["RegionId"] == "" || req.params["regionId"] == "" {
		return errorf(400, gatewayCode, "RegionId and regionId are required")
	}
	return nil
}
