// Package mockcloud is a fake of the five vendor security group APIs on one
// HTTP address, each in its vendor's wire format and signature scheme, with
// a control API under /_mock/ to inspect and steer it. It backs the
// provider's acceptance tests and lets users test their own modules without
// credentials.
package mockcloud

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"time"

	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/alicloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/apsarastack"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/baiducloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/ens"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/frontend"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/store"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/zenlayer"
)

// Options configure a mock cloud.
type Options struct {
	// AccessKey and SecretKey are the credentials every vendor API accepts;
	// empty means the documented defaults. A second user's
	// (frontend.SecondAccessKey) are accepted too.
	AccessKey, SecretKey string
	// Latency delays every vendor call, as a real cloud's round trip does.
	Latency time.Duration
	// Jitter spreads Latency evenly over ±this fraction of it.
	Jitter float64
	// Faults stay installed across resets; Seed seeds their rates.
	Faults []store.Fault
	Seed   int64
	// ClockOffset sets the cloud's clock this far from this machine's,
	// across resets.
	ClockOffset time.Duration
	// DateSkew moves the Date of answers this far from the cloud's clock
	// (its rules' creation times), as a gateway with its own clock would.
	DateSkew time.Duration
	// Fixtures, when set, are the groups to start with and reset to
	// instead of the built-in fixtures (mockcloud --fixtures, as
	// CONTRACT.md has it): a user's file says the whole cloud.
	Fixtures *GroupsFile
}

// Server is a mock cloud.
type Server struct {
	Store   *store.Store
	handler http.Handler
	srv     *http.Server
	// URL is the base URL once started.
	URL string
	// state keeps the cloud in a file (KeepState).
	state *stateFile
}

// New builds a mock cloud with its fixture groups.
func New(opts Options) *Server {
	if opts.AccessKey == "" {
		opts.AccessKey, opts.SecretKey = frontend.DefaultAccessKey, frontend.DefaultSecretKey
	}
	s := &Server{}
	s.Store = store.New(func(now time.Time) []*store.Group {
		if opts.Fixtures != nil {
			return opts.Fixtures.Groups()
		}
		return slices.Concat(alicloud.Fixtures(now), zenlayer.Fixtures(now), baiducloud.Fixtures(now), apsarastack.Fixtures(now), ens.Fixtures(now))
	})
	s.Store.SetLatency(opts.Latency)
	s.Store.SetJitter(opts.Jitter)
	s.Store.SetBaseClockOffset(opts.ClockOffset)
	s.Store.SetBaseDateSkew(opts.DateSkew)
	s.Store.SetBaseFaults(opts.Faults, opts.Seed)
	cfg := frontend.Config{Store: s.Store, Credentials: map[string]string{opts.AccessKey: opts.SecretKey, frontend.SecondAccessKey: frontend.SecondSecretKey}, ClockSkew: 15 * time.Minute}
	ecsAPI := alicloud.New(cfg)

	mux := http.NewServeMux()
	mux.Handle("/_mock/", controlAPI(s.Store))
	mux.Handle("/api/v2/", zenlayer.New(cfg))
	mux.Handle(apsarastack.RoutePrefix, apsarastack.New(cfg))
	bccAPI := baiducloud.New(cfg)
	mux.Handle(baiducloud.Prefix, bccAPI)
	mux.Handle(baiducloud.Prefix+"/", bccAPI)
	// Alibaba's RPC APIs share the path "/"; the API version tells them
	// apart.
	mux.Handle("/", byVersion(map[string]http.Handler{ens.Version: ens.New(cfg)}, ecsAPI))
	s.handler = dated(s.Store, mux)
	return s
}

// dated gives every answer a Date header by the cloud's clock, as a real
// cloud's answers carry its own time (Go's server would stamp this
// machine's), moved by the date skew: the clock of the gateway or proxy
// that answers in front of the rule store, which need not be the store's.
func dated(st *store.Store, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Date", st.Now().Add(st.DateSkew()).Format(http.TimeFormat))
		next.ServeHTTP(w, r)
	})
}

// Handler serves every vendor API and the control API.
func (s *Server) Handler() http.Handler { return s.handler }

// Start listens on addr (port 0 picks a free port) and serves in the
// background. With caFile set it serves HTTPS with a fresh self-signed
// certificate for 127.0.0.1 and localhost and writes the certificate, its
// own CA, to caFile.
func (s *Server) Start(addr, caFile string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	scheme := "http"
	if caFile != "" {
		cert, err := selfSignedCert(caFile)
		if err != nil {
			_ = ln.Close()
			return err
		}
		ln = tls.NewListener(ln, &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12})
		scheme = "https"
	}
	s.URL = fmt.Sprintf("%s://%s", scheme, ln.Addr())
	s.srv = &http.Server{Handler: s.handler, ReadHeaderTimeout: 10 * time.Second,
		ConnState: func(_ net.Conn, state http.ConnState) {
			if state == http.StateNew {
				s.Store.ConnOpened()
			}
		}}
	go func() {
		if err := s.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			panic(err)
		}
	}()
	return nil
}

// Close stops the server, then saves the cloud when KeepState keeps it.
func (s *Server) Close() error {
	var err error
	if s.srv != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		err = s.srv.Shutdown(ctx)
	}
	if s.state != nil {
		err = errors.Join(err, s.state.save(s))
	}
	return err
}

// byVersion routes an Alibaba RPC call by its API version (the Version
// parameter in the query or a form body, or the x-acs-version header of V3
// requests), falling back to def.
func byVersion(apis map[string]http.Handler, def http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		version := r.URL.Query().Get("Version")
		if version == "" {
			version = r.Header.Get("x-acs-version")
		}
		if version == "" && r.Body != nil {
			body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
			r.Body = io.NopCloser(bytes.NewReader(body))
			if form, err := url.ParseQuery(string(body)); err == nil {
				version = form.Get("Version")
			}
		}
		if h, ok := apis[version]; ok {
			h.ServeHTTP(w, r)
			return
		}
		def.ServeHTTP(w, r)
	})
}
