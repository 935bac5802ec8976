// Package ecs is mockcloud's Alibaba Cloud ECS front-end (API 2014-05-26,
// RPC style): parameters from the query string and form body, signature V1
// (HMAC-SHA1) or V3 (ACS3-HMAC-SHA256), ECS's JSON answers and error bodies.
package ecs

import (
	"io"
	"mime"
	"net/http"
	"net/url"

	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/frontend"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/store"
)

// Cloud is the store's name for ECS groups.
const Cloud = "alicloud"

// Version is the ECS API version this front-end speaks.
const Version = "2014-05-26"

// API serves ECS, or an API that speaks ECS's rule semantics in another
// dialect (Apsara Stack's gateway route, see route.go).
type API struct {
	cfg frontend.Config
	st  *store.Store
	// cloud is the store's name for the groups this API serves.
	cloud string
	// route: requests come as POST /apsara/route/Ecs/{Action} with the
	// parameters in the body, as Apsara Stack's gateway takes them.
	route bool
	// dialect, when set, is another API on ECS's RPC transport (ENS).
	dialect *Dialect
}

// Handler runs one action of a dialect on its parameters.
type Handler func(tx *store.Tx, params map[string]string) (map[string]any, *frontend.Error)

// Dialect is another Alibaba RPC API served on ECS's transport: the same
// parameter encoding, V1/V3 signatures, error body and envelope, with its
// own version, actions and fault answers.
type Dialect struct {
	Cloud   string
	Version string
	Actions map[string]Handler
	Faults  frontend.FaultAnswers
}

// NewDialect builds a front-end for a dialect.
func NewDialect(cfg frontend.Config, d Dialect) *API {
	return &API{cfg: cfg, st: cfg.Store, cloud: d.Cloud, dialect: &d}
}

// New builds the ECS front-end.
func New(cfg frontend.Config) *API { return &API{cfg: cfg, st: cfg.Store, cloud: Cloud} }

// apiError is an error answer, written in the vendor's shape by answer.
type apiError = frontend.Error

var errorf = frontend.Errorf

// faultAnswers are how the vendor answers injected faults.
var faultAnswers = frontend.FaultAnswers{
	Throttle:    errorf(400, "Throttling.User", "Request was denied due to user flow control."),
	ServerError: errorf(500, "InternalError", "The request processing has failed due to some unknown error, exception or failure."),
}

// request is one parsed call.
type request struct {
	http   *http.Request
	body   []byte
	params map[string]string
	action string
	// cloud is the store's name for the groups the call addresses.
	cloud string
}

// ServeHTTP answers one ECS call and records it.
func (a *API) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	parser := parse
	if a.route {
		parser = parseRoute
	}
	req, perr := parser(r)
	req.cloud = a.cloud
	frontend.Serve(w, a.st, func(w http.ResponseWriter) store.Call {
		call := store.Call{Cloud: a.cloud, Action: req.action, Params: map[string]any{}}
		for k, v := range req.params {
			call.Params[k] = v
		}
		call.Status, call.Code = a.answer(w, req, perr)
		return call
	})
}

func parse(r *http.Request) (*request, *apiError) {
	req := &request{http: r, params: map[string]string{}}
	if e := req.readBody(); e != nil {
		return req, e
	}
	for k, v := range r.URL.Query() {
		req.params[k] = v[0]
	}
	// Other-language SDKs post parameters as a form body.
	if e := req.readForm(); e != nil {
		return req, e
	}
	req.action = req.params["Action"]
	if req.action == "" {
		req.action = r.Header.Get("x-acs-action")
	}
	return req, nil
}

func (req *request) readBody() *apiError {
	body, err := io.ReadAll(io.LimitReader(req.http.Body, 1<<20))
	if err != nil {
		return errorf(400, "InvalidParameter", "The request body cannot be read.")
	}
	req.body = body
	return nil
}

// readForm adds the parameters of a form body.
func (req *request) readForm() *apiError {
	if ct, _, _ := mime.ParseMediaType(req.http.Header.Get("Content-Type")); ct != "application/x-www-form-urlencoded" {
		return nil
	}
	form, err := url.ParseQuery(string(req.body))
	if err != nil {
		return errorf(400, "InvalidParameter", "The form body is malformed.")
	}
	for k, v := range form {
		req.params[k] = v[0]
	}
	return nil
}

// answer authenticates, applies faults and runs the action; it returns
// the HTTP status and error code it answered with.
func (a *API) answer(w http.ResponseWriter, req *request, perr *apiError) (int, string) {
	requestID := store.RequestID()
	fail := func(e *apiError) (int, string) {
		body := map[string]any{
			"RequestId": requestID, "HostId": req.http.Host, "Code": e.Code, "Message": e.Message,
			"Recommend": "https://api.aliyun.com/troubleshoot?q=" + url.QueryEscape(e.Code) + "&product=Ecs",
		}
		if a.route {
			body = a.routeFailure(e, body)
		}
		frontend.WriteJSON(w, e.Status, body)
		return e.Status, e.Code
	}
	if perr != nil {
		return fail(perr)
	}
	// Apsara Stack's gateway checks its context before ECS sees the call.
	if a.route {
		if e := checkGateway(req); e != nil {
			return fail(e)
		}
	}
	if e := a.authenticate(req); e != nil {
		return fail(e)
	}
	version, faults := Version, faultAnswers
	handler, ok := actions[req.action]
	if d := a.dialect; d != nil {
		version, faults = d.Version, d.Faults
		var h Handler
		h, ok = d.Actions[req.action]
		handler = func(_ *API, tx *store.Tx, req *request) (map[string]any, *apiError) { return h(tx, req.params) }
	}
	if v := req.version(); v != "" && v != version {
		return fail(errorf(400, "InvalidVersion", "Specified parameter Version is not valid."))
	}
	if !ok {
		return fail(errorf(404, "InvalidAction.NotFound", "Specified api is not found, please check your url and method."))
	}

	result, aerr, dropped := frontend.Run(w, req.http, a.st, a.cloud, req.action, faults,
		func(tx *store.Tx) (map[string]any, *apiError) { return handler(a, tx, req) })
	if dropped != "" {
		return 0, dropped
	}
	if aerr != nil {
		return fail(aerr)
	}
	if a.route {
		// The gateway's success envelope spells RequestID (the Apsara Stack RevokeSecurityGroup reference).
		result["RequestID"] = requestID
	} else {
		result["RequestId"] = requestID
	}
	frontend.WriteJSON(w, http.StatusOK, result)
	return http.StatusOK, ""
}

func (req *request) version() string {
	if v := req.params["Version"]; v != "" {
		return v
	}
	return req.http.Header.Get("x-acs-version")
}
