// Package frontend holds what every mockcloud vendor front-end shares: the
// credentials it accepts, JSON answers, and the fault plumbing.
package frontend

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/netip"
	"strings"
	"time"

	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/store"
)

// Default credentials, documented in CONTRACT.md.
const (
	DefaultAccessKey = "mock-access-key"
	DefaultSecretKey = "mock-secret-key"
)

// The credentials of a second user of the same account, accepted beside
// the given ones: configurations that reach one group with two users'
// keys.
const (
	SecondAccessKey = "mock-access-key-2"
	SecondSecretKey = "mock-secret-key-2"
)

// Config is what each front-end is built with.
type Config struct {
	Store *store.Store
	// Credentials maps access key ids to secrets.
	Credentials map[string]string
	// ClockSkew is how far a request's signed time may be from the mock's
	// clock (15 minutes, as Alibaba documents for its APIs).
	ClockSkew time.Duration
}

// WriteJSON answers with a JSON body.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json;charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// Serve answers one vendor call and logs it before the client can see the
// answer (or the dropped connection): a client that has its answer finds
// the call in /_mock/calls. answer writes to the held writer and returns
// the call as it was answered.
func Serve(w http.ResponseWriter, st *store.Store, answer func(w http.ResponseWriter) store.Call) {
	h := &held{ResponseWriter: w}
	call := answer(h)
	call.Fault = h.fault
	st.Record(call)
	if h.dropped {
		DropConnection(w)
		return
	}
	if h.status != 0 {
		w.WriteHeader(h.status)
		_, _ = w.Write(h.body.Bytes())
	}
}

// held keeps an answer back until the call is logged.
type held struct {
	http.ResponseWriter
	status  int
	body    bytes.Buffer
	dropped bool
	// fault is what Run made the call suffer, for the call log.
	fault store.FaultKind
}

func (h *held) WriteHeader(status int) {
	if h.status == 0 {
		h.status = status
	}
}

func (h *held) Write(b []byte) (int, error) {
	h.WriteHeader(http.StatusOK)
	return h.body.Write(b)
}

// DropConnection closes the client's connection without an answer, as a
// load balancer reset would (once the call is logged, under Serve).
func DropConnection(w http.ResponseWriter) {
	if h, ok := w.(*held); ok {
		h.dropped = true
		return
	}
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			_ = conn.Close()
			return
		}
	}
	panic(http.ErrAbortHandler)
}

// Sleep waits for injected latency, or until the client gives up.
func Sleep(r *http.Request, d time.Duration) {
	if d <= 0 {
		return
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-r.Context().Done():
	}
}

// Error is a vendor error answer; each front-end writes it in its vendor's
// shape.
type Error struct {
	Status  int
	Code    string
	Message string
}

// Errorf builds an Error.
func Errorf(status int, code, msg string) *Error {
	return &Error{Status: status, Code: code, Message: msg}
}

// FaultAnswers are a vendor's answers to injected throttling and server
// errors.
type FaultAnswers struct {
	Throttle, ServerError *Error
}

// Run applies the faults injected for one call, then runs the action as
// one store transaction. It returns the action's result or the error to
// answer with; when the fault closed the connection it returns what
// happened as dropped, and the front-end answers nothing more. Faults
// after commit strike only an action that succeeded: its write landed,
// then the answer is replaced by the fault's error or lost.
func Run(w http.ResponseWriter, r *http.Request, st *store.Store, cloud, action string, answers FaultAnswers,
	act func(tx *store.Tx) (map[string]any, *Error)) (result map[string]any, err *Error, dropped string) {
	defer st.CallStarted()()
	taken := st.TakeFault(cloud, action)
	Sleep(r, taken.Latency)
	if h, ok := w.(*held); ok && taken.Kind != store.NoFault {
		h.fault = taken.Kind
	}
	switch taken.Kind {
	case store.Throttle:
		return nil, answers.Throttle, ""
	case store.ServerError:
		return nil, answers.ServerError, ""
	case store.ErrorCode:
		return nil, Errorf(taken.Status, taken.Code, "Injected by a mockcloud fault."), ""
	case store.Drop:
		DropConnection(w)
		return nil, nil, "connection dropped"
	}
	st.Atomically(func(tx *store.Tx) {
		result, err = act(tx)
	})
	if err == nil && taken.Kind.AfterCommit() {
		switch taken.Kind {
		case store.ThrottleAfter:
			return nil, answers.Throttle, ""
		case store.ServerErrorAfter:
			return nil, answers.ServerError, ""
		}
		DropConnection(w)
		return nil, nil, "connection dropped after commit"
	}
	if h, ok := w.(*held); ok && taken.Kind.AfterCommit() {
		h.fault = store.NoFault // the action failed on its own
	}
	if err == nil && result == nil {
		result = map[string]any{}
	}
	return result, err, ""
}

// Idempotent runs a write under its client token as the vendors document
// idempotence: a token seen before with the same request is answered as
// that request was, success, and changes nothing; with another request it
// is refused with mismatch; only a write that succeeded claims its token, so
// a refused one may be sent again with it once its cause is gone. key names
// the token (its cloud and value), request what the token was sent with.
func Idempotent(tx *store.Tx, key, request string, mismatch *Error, write func() (map[string]any, *Error)) (map[string]any, *Error) {
	if seen, ok := tx.Token(key); ok {
		if seen != request {
			return nil, mismatch
		}
		return nil, nil
	}
	out, e := write()
	if e == nil {
		tx.SetToken(key, request)
	}
	return out, e
}

// Prefix reads a CIDR block or a bare address (a one-host block), as every
// vendor accepts both; ok is false when it does not parse. Host bits are
// left for the caller: some vendors mask them, others refuse them.
func Prefix(s string) (netip.Prefix, bool) {
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		return p, err == nil
	}
	a, err := netip.ParseAddr(s)
	return netip.PrefixFrom(a, a.BitLen()), err == nil
}

// DecodeStrict decodes one rule of a fixtures or state file into a
// front-end's stored rule: a field the describe shape does not have is an
// error, as a misspelt field would otherwise be dropped silently.
func DecodeStrict(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	// Nothing but space may follow: More() alone lets a stray '}' or ']'
	// through.
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("more than one value")
	}
	return nil
}
