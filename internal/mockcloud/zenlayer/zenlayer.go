// Package zenlayer is mockcloud's Zenlayer Cloud VM front-end (API 2.0):
// POST /api/v2/vm with the action in X-ZC-Action, JSON bodies, signature
// ZC2-HMAC-SHA256, answers {requestId, response} and errors {requestId,
// code, message}.
package zenlayer

import (
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strings"

	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/frontend"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/store"
)

// Cloud is the store's name for Zenlayer groups.
const Cloud = "zenlayer"

// Path is where the VM API lives; other /api/v2/ services are not mocked.
const Path = "/api/v2/vm"

// Versions are the VM API versions the mock accepts in X-ZC-Version.
var Versions = []string{"2023-03-13", "2026-04-01"}

// API serves the Zenlayer VM API.
type API struct {
	cfg frontend.Config
	st  *store.Store
}

// New builds the front-end.
func New(cfg frontend.Config) *API { return &API{cfg: cfg, st: cfg.Store} }

// apiError is an error answer, written in the vendor's shape by answer.
type apiError = frontend.Error

var errorf = frontend.Errorf

// faultAnswers are how the vendor answers injected faults.
var faultAnswers = frontend.FaultAnswers{
	// The SDK retries on HTTP 429 and on this code.
	Throttle:    errorf(429, "REQUEST_LIMIT_EXCEEDED", "Request limit exceeded."),
	ServerError: errorf(500, "INTERNAL_SERVER_ERROR", "Internal server error."),
}

// request is one parsed call.
type request struct {
	http   *http.Request
	body   []byte
	action string
	params map[string]any
}

// ServeHTTP answers one call and records it.
func (a *API) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	req := &request{http: r, action: r.Header.Get("X-ZC-Action"), params: map[string]any{}}
	frontend.Serve(w, a.st, func(w http.ResponseWriter) store.Call {
		status, code := a.answer(w, req)
		return store.Call{Cloud: Cloud, Action: req.action, Status: status, Code: code, Params: req.params}
	})
}

func (a *API) answer(w http.ResponseWriter, req *request) (int, string) {
	requestID := "T" + store.RequestID()
	fail := func(e *apiError) (int, string) {
		frontend.WriteJSON(w, e.Status, map[string]string{"requestId": requestID, "code": e.Code, "message": e.Message})
		return e.Status, e.Code
	}
	if req.http.Method != http.MethodPost {
		return fail(errorf(405, "INVALID_REQUEST_METHOD", "Only POST is supported."))
	}
	if req.http.URL.Path != Path {
		return fail(errorf(404, "INVALID_SERVICE", "Service "+strings.TrimPrefix(req.http.URL.Path, "/api/v2/")+" is not supported by this endpoint."))
	}
	body, err := io.ReadAll(io.LimitReader(req.http.Body, 1<<20))
	if err != nil {
		return fail(errorf(400, "INVALID_PARAMETER", "The request body cannot be read."))
	}
	req.body = body
	// Parameters first, so the call log shows them even for calls that
	// fail authentication.
	if len(body) > 0 && json.Unmarshal(body, &req.params) != nil {
		return fail(errorf(400, "INVALID_PARAMETER", "The request body is not a JSON object."))
	}
	if e := a.authenticate(req); e != nil {
		return fail(e)
	}
	if v := req.http.Header.Get("X-ZC-Version"); v != "" && !slices.Contains(Versions, v) {
		return fail(errorf(400, "INVALID_VERSION", "The API version "+v+" is not supported."))
	}
	handler, ok := actions[req.action]
	if !ok {
		return fail(errorf(404, "INVALID_ACTION", "The action "+req.action+" is not supported."))
	}

	result, aerr, dropped := frontend.Run(w, req.http, a.st, Cloud, req.action, faultAnswers,
		func(tx *store.Tx) (map[string]any, *apiError) { return handler(tx, req.body) })
	if dropped != "" {
		return 0, dropped
	}
	if aerr != nil {
		return fail(aerr)
	}
	result["requestId"] = requestID
	frontend.WriteJSON(w, http.StatusOK, map[string]any{"requestId": requestID, "response": result})
	return http.StatusOK, ""
}
