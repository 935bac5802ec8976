// Package alicloud is mockcloud's Alibaba Cloud ECS front-end (API 2014-05-26,
// RPC style): parameters from the query string and form body, signature V1
// (HMAC-SHA1) or V3 (ACS3-HMAC-SHA256), ECS's JSON answers and error bodies.
package alicloud

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
// dialect (ENS) or behind another transport (Apsara Stack's gateway).
type API struct {
	cfg frontend.Config
	st  *store.Store
	// cloud is the store's name for the groups this API serves.
	cloud string
	// transport, when set, is how calls reach ECS's actions instead of
	// ECS's own RPC transport.
	transport *Transport
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

// Transport carries calls to ECS's actions another way than ECS's own
// RPC transport, as Apsara Stack's gateway route does; the signature,
// actions and rule semantics stay ECS's.
type Transport struct {
	// Parse reads a call's action and parameters (ReadParams reads the
	// query and a form body).
	Parse func(r *http.Request) (action string, params map[string]string, body []byte, err *frontend.Error)
	// Check runs before authentication: the transport's own checks.
	Check func(r *http.Request, params map[string]string) *frontend.Error
	// Failure turns ECS's failure into the transport's: its HTTP status
	// and body.
	Failure func(e *frontend.Error, ecsBody map[string]any) (int, map[string]any)
	// RequestIDKey is how success answers spell the request id.
	RequestIDKey string
}

// NewBehind builds ECS's rule semantics behind another transport, for the
// groups of the named cloud.
func NewBehind(cfg frontend.Config, cloud string, t Transport) *API {
	return &API{cfg: cfg, st: cfg.Store, cloud: cloud, transport: &t}
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
	var (
		req  *request
		perr *apiError
	)
	if t := a.transport; t != nil {
		req = &request{http: r}
		req.action, req.params, req.body, perr = t.Parse(r)
		if req.params == nil {
			req.params = map[string]string{}
		}
	} else {
		req, perr = parse(r)
	}
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
	req := &request{http: r}
	var perr *apiError
	req.body, req.params, perr = ReadParams(r)
	if perr != nil {
		return req, perr
	}
	req.action = req.params["Action"]
	if req.action == "" {
		req.action = r.Header.Get("x-acs-action")
	}
	return req, nil
}

// ReadParams reads a call's body and its parameters: the query string and,
// as other-language SDKs post them, a form body.
func ReadParams(r *http.Request) (body []byte, params map[string]string, err *frontend.Error) {
	params = map[string]string{}
	body, rerr := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if rerr != nil {
		return nil, params, errorf(400, "InvalidParameter", "The request body cannot be read.")
	}
	for k, v := range r.URL.Query() {
		params[k] = v[0]
	}
	if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct != "application/x-www-form-urlencoded" {
		return body, params, nil
	}
	form, perr := url.ParseQuery(string(body))
	if perr != nil {
		return body, params, errorf(400, "InvalidParameter", "The form body is malformed.")
	}
	for k, v := range form {
		params[k] = v[0]
	}
	return body, params, nil
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
		status := e.Status
		if a.transport != nil {
			status, body = a.transport.Failure(e, body)
		}
		frontend.WriteJSON(w, status, body)
		return status, e.Code
	}
	if perr != nil {
		return fail(perr)
	}
	// A gateway checks its context before ECS sees the call.
	if a.transport != nil && a.transport.Check != nil {
		if e := a.transport.Check(req.http, req.params); e != nil {
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
	idKey := "RequestId"
	if a.transport != nil && a.transport.RequestIDKey != "" {
		idKey = a.transport.RequestIDKey
	}
	result[idKey] = requestID
	frontend.WriteJSON(w, http.StatusOK, result)
	return http.StatusOK, ""
}

func (req *request) version() string {
	if v := req.params["Version"]; v != "" {
		return v
	}
	return req.http.Header.Get("x-acs-version")
}
