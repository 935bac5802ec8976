// Package baiducloud is mockcloud's Baidu AI Cloud BCC front-end (regular
// security groups, API v2): REST paths under /v2/securityGroup, JSON
// bodies, signature bce-auth-v1, errors {requestId, code, message}.
package baiducloud

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"

	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/frontend"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/store"
)

// Cloud is the store's name for BCC groups.
const Cloud = "baiducloud"

// Prefix is where the API lives.
const Prefix = "/v2/securityGroup"

// API serves BCC.
type API struct {
	cfg frontend.Config
	st  *store.Store
}

// New builds the front-end.
func New(cfg frontend.Config) *API { return &API{cfg: cfg, st: cfg.Store} }

// apiError is an error answer, written in BCC's shape by answer.
type apiError = frontend.Error

var errorf = frontend.Errorf

// faultAnswers are how BCC answers injected faults.
var faultAnswers = frontend.FaultAnswers{
	Throttle:    errorf(429, "RequestRateLimitExceeded", "The request rate exceeds the limit."),
	ServerError: errorf(500, "InternalError", "We encountered an internal error. Please try again."),
}

// request is one parsed call.
type request struct {
	http   *http.Request
	body   []byte
	group  string // from the path; "" for the listing
	action string
	params map[string]any
}

// ServeHTTP answers one call and records it.
func (a *API) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	req := &request{http: r, params: map[string]any{}}
	frontend.Serve(w, a.st, func(w http.ResponseWriter) store.Call {
		status, code := a.answer(w, req)
		return store.Call{Cloud: Cloud, Action: req.action, Status: status, Code: code, Params: req.params}
	})
}

// route names the call: authorizeRule, revokeRule, getSecurityGroup or
// listSecurityGroups, from method, path and query.
func route(r *http.Request) (group, action string) {
	rest := strings.TrimPrefix(r.URL.Path, Prefix)
	q := r.URL.Query()
	switch {
	case rest == "" && r.Method == http.MethodGet:
		return "", "listSecurityGroups"
	case strings.HasPrefix(rest, "/") && !strings.Contains(rest[1:], "/"):
		group = rest[1:]
		switch {
		case r.Method == http.MethodGet:
			return group, "getSecurityGroup"
		case r.Method == http.MethodPut && q.Has("authorizeRule"):
			return group, "authorizeRule"
		case r.Method == http.MethodPut && q.Has("revokeRule"):
			return group, "revokeRule"
		}
	}
	return "", ""
}

func (a *API) answer(w http.ResponseWriter, req *request) (int, string) {
	requestID := strings.ToLower(store.RequestID())
	w.Header().Set("x-bce-request-id", requestID)
	fail := func(e *apiError) (int, string) {
		frontend.WriteJSON(w, e.Status, map[string]string{"requestId": requestID, "code": e.Code, "message": e.Message})
		return e.Status, e.Code
	}
	req.group, req.action = route(req.http)
	for k, v := range req.http.URL.Query() {
		req.params[k] = v[0]
	}
	body, err := io.ReadAll(io.LimitReader(req.http.Body, 1<<20))
	if err != nil {
		return fail(errorf(400, "InvalidHTTPRequest", "The request body cannot be read."))
	}
	req.body = body
	var decoded map[string]any
	if len(body) > 0 {
		if json.Unmarshal(body, &decoded) != nil {
			return fail(errorf(400, "InappropriateJSON", "The JSON you provided was well-formed and valid, but not appropriate for this operation."))
		}
		for k, v := range decoded {
			req.params[k] = v
		}
	}
	if e := a.authenticate(req); e != nil {
		return fail(e)
	}
	handler, ok := actions[req.action]
	if !ok {
		return fail(errorf(404, "NotFound", "The requested resource or action does not exist."))
	}
	result, aerr, dropped := frontend.Run(w, req.http, a.st, Cloud, req.action, faultAnswers,
		func(tx *store.Tx) (map[string]any, *apiError) { return handler(tx, req) })
	if dropped != "" {
		return 0, dropped
	}
	if aerr != nil {
		return fail(aerr)
	}
	if len(result) == 0 {
		// Writes answer 200 with an empty body.
		w.WriteHeader(http.StatusOK)
		return http.StatusOK, ""
	}
	frontend.WriteJSON(w, http.StatusOK, result)
	return http.StatusOK, ""
}
