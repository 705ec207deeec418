package bench

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/portaloauth/portaloauth/internal/demo"
	"github.com/portaloauth/portaloauth/portal"
	"github.com/portaloauth/portaloauth/portal/authserver"
	"github.com/portaloauth/portaloauth/portal/throttle"
	"github.com/portaloauth/portaloauth/store/memory"
)

// Endpoint names a request the load cases send.
type Endpoint int

// The endpoints measured.
const (
	// EndpointToken is a client_credentials token request (RFC 6749 §4.4)
	// with client_secret_basic.
	EndpointToken Endpoint = iota
	// EndpointIntrospect is an introspection request (RFC 7662) for one of
	// the client's valid access tokens, with client_secret_basic.
	EndpointIntrospect
	// EndpointGateway is an API call through the gateway middleware with a
	// valid bearer token.
	EndpointGateway
)

func (e Endpoint) String() string {
	switch e {
	case EndpointToken:
		return "token (client_credentials)"
	case EndpointIntrospect:
		return "introspection"
	case EndpointGateway:
		return "gateway middleware"
	}
	return fmt.Sprintf("Endpoint(%d)", int(e))
}

// Name is a short name of e, for benchmark names: token, introspect,
// gateway.
func (e Endpoint) Name() string {
	switch e {
	case EndpointToken:
		return "token"
	case EndpointIntrospect:
		return "introspect"
	case EndpointGateway:
		return "gateway"
	}
	return strconv.Itoa(int(e))
}

// Paths and request bodies of the fixture.
const (
	pathToken      = "/oauth/token"
	pathIntrospect = "/oauth/introspect"
	apiID          = "payments"
	gatewayPath    = "/api/payments/items"
	tokenBody      = "grant_type=client_credentials&scope=read"
	mediaForm      = "application/x-www-form-urlencoded"
)

// tokenPool is how many access tokens the fixture issues for the
// introspection and gateway requests to use in turn.
const tokenPool = 1024

// Server is the portal/authserver token and introspection handlers and its
// bearer check over one store, with a catalogue, a developer and
// one confidential client_credentials client. [NewServer] builds it;
// [Server.Start] serves it on a 127.0.0.1 port.
type Server struct {
	// Store is the store behind both: in memory for NewServer.
	Store portal.Store
	// Auth is the authorization server.
	Auth *authserver.Server
	// Handler serves the authorization server's endpoints and, under
	// /api/payments/, the gateway middleware in front of a small upstream.
	Handler http.Handler
	// ClientID is the client's ID.
	ClientID string

	basicAuth string   // the client's Authorization header
	tokens    []string // access tokens issued to the client
	bearers   []string // "Bearer " + tokens[i]
	next      atomic.Uint64

	url     string // "http://127.0.0.1:port" once started
	httpSrv *http.Server
}

// NewServer builds the fixture over a new in-memory store and issues
// tokenPool access tokens through the token endpoint (in process) for the
// introspection and gateway requests.
func NewServer(ctx context.Context) (*Server, error) {
	return NewServerOn(ctx, memory.New(), nil)
}

// NewServerOn is NewServer over st, which must be empty, with the token
// endpoint's failed client authentications counted in ts (nil: in
// memory).
func NewServerOn(ctx context.Context, st portal.Store, ts throttle.Store) (*Server, error) {
	svc, err := portal.New(portal.Config{Store: st})
	if err != nil {
		return nil, err
	}
	nc, err := demo.Seed(ctx, svc, demo.Options{APIID: apiID, APIName: "Payments", PolicyID: "gold",
		ClientScope: "read write", Email: "bench@example.com"})
	if err != nil {
		return nil, err
	}
	discard := slog.New(slog.DiscardHandler)
	auth, err := authserver.New(authserver.Config{Portal: svc, Issuer: "http://127.0.0.1", Logger: discard,
		Throttle: throttle.New(throttle.Config{Store: ts})})
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mux.Handle(pathToken, auth.TokenHandler())
	mux.Handle(pathIntrospect, auth.IntrospectionHandler())
	mux.Handle("/api/"+apiID+"/", auth.RequireToken(http.HandlerFunc(upstream), apiID))

	s := &Server{
		Store: st, Auth: auth, Handler: mux, ClientID: nc.Client.ID,
		basicAuth: "Basic " + base64.StdEncoding.EncodeToString(
			[]byte(url.QueryEscape(nc.Client.ID)+":"+url.QueryEscape(nc.Secret.Reveal()))),
	}
	for range tokenPool {
		tok, err := s.issue(ctx)
		if err != nil {
			return nil, err
		}
		s.tokens = append(s.tokens, tok)
		s.bearers = append(s.bearers, "Bearer "+tok)
	}
	return s, nil
}

// upstreamBody is what the API behind the gateway answers.
var upstreamBody = []byte(`{"items":[]}`)

func upstream(w http.ResponseWriter, _ *http.Request) {
	w.Header()["Content-Type"] = []string{"application/json"}
	_, _ = w.Write(upstreamBody)
}

// issue gets an access token from the token endpoint, in process.
func (s *Server) issue(ctx context.Context) (string, error) {
	body, err := s.tokenResponse(ctx)
	if err != nil {
		return "", err
	}
	var resp struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.Unmarshal([]byte(body), &resp); err != nil || resp.AccessToken == "" {
		return "", fmt.Errorf("bench: token response without an access token: %w", err)
	}
	return resp.AccessToken, nil
}

// tokenResponse returns the body of one token response, served in process.
func (s *Server) tokenResponse(ctx context.Context) (string, error) {
	req, err := s.Request(ctx, EndpointToken, "")
	if err != nil {
		return "", err
	}
	w := newDiscardWriter()
	w.keep = true
	s.Handler.ServeHTTP(w, req)
	if w.status != http.StatusOK {
		return "", fmt.Errorf("bench: token endpoint answered %d: %s", w.status, w.body)
	}
	return string(w.body), nil
}

// Token returns one of the access tokens issued to the client, a
// different one on each call, round robin.
func (s *Server) Token() string { return s.tokens[s.next.Add(1)%tokenPool] }

// Request returns a request to e, for a server at base ("" for a request
// served in process, "http://127.0.0.1:port" over the network).
// Introspection and gateway requests use the issued tokens in turn.
func (s *Server) Request(ctx context.Context, e Endpoint, base string) (*http.Request, error) {
	var req *http.Request
	var err error
	switch e {
	case EndpointToken:
		req, err = http.NewRequestWithContext(ctx, http.MethodPost, base+pathToken, strings.NewReader(tokenBody))
	case EndpointIntrospect:
		req, err = http.NewRequestWithContext(ctx, http.MethodPost, base+pathIntrospect,
			strings.NewReader("token="+s.Token()))
	case EndpointGateway:
		req, err = http.NewRequestWithContext(ctx, http.MethodGet, base+gatewayPath, nil)
		if err == nil {
			req.Header["Authorization"] = []string{s.bearers[s.next.Add(1)%tokenPool]}
		}
		return req, err
	default:
		return nil, fmt.Errorf("bench: unknown endpoint %d", int(e))
	}
	if err != nil {
		return nil, err
	}
	req.Header["Content-Type"] = []string{mediaForm}
	req.Header["Authorization"] = []string{s.basicAuth}
	return req, nil
}

// Start serves the fixture on a new 127.0.0.1 port; Close stops it.
func (s *Server) Start() error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	s.url = "http://" + ln.Addr().String()
	s.httpSrv = &http.Server{Handler: s.Handler, ReadHeaderTimeout: 10 * time.Second,
		ErrorLog: slog.NewLogLogger(slog.DiscardHandler, slog.LevelError)}
	go func() { _ = s.httpSrv.Serve(ln) }()
	return nil
}

// URL returns "http://127.0.0.1:port" once the server has started.
func (s *Server) URL() string { return s.url }

// Close stops serving, if the server was started.
func (s *Server) Close() error {
	if s.httpSrv == nil {
		return nil
	}
	return s.httpSrv.Close()
}

// discardWriter is an http.ResponseWriter that keeps the status and, if
// asked, the body: the cheapest writer to measure a handler with.
type discardWriter struct {
	header http.Header
	status int
	keep   bool
	body   []byte
}

func newDiscardWriter() *discardWriter { return &discardWriter{header: make(http.Header, 8)} }

func (w *discardWriter) Header() http.Header { return w.header }

func (w *discardWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
}

func (w *discardWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	if w.keep {
		w.body = append(w.body, p...)
	}
	return len(p), nil
}

// reset makes w ready for the next request.
func (w *discardWriter) reset() {
	clear(w.header)
	w.status = 0
	w.body = w.body[:0]
}

var _ io.Writer = (*discardWriter)(nil)
