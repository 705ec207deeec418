package authserver

import (
	"crypto/rand"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/portaloauth/portaloauth/oauthclient"
	"github.com/portaloauth/portaloauth/portal"
	"github.com/portaloauth/portaloauth/portal/registration"
)

// Defaults of the zero Config fields.
const (
	DefaultAccessTokenTTL  = time.Hour
	DefaultRefreshTokenTTL = 30 * 24 * time.Hour
	DefaultCodeTTL         = time.Minute
	DefaultMaxBodyBytes    = 64 << 10
)

// Paths of the endpoints, relative to the issuer.
const (
	PathMetadata   = "/.well-known/oauth-authorization-server"
	PathAuthorize  = "/oauth/authorize"
	PathToken      = "/oauth/token"
	PathRevoke     = "/oauth/revoke"
	PathIntrospect = "/oauth/introspect"
	PathRegister   = registration.DefaultPath
)

// UserSessions tells the authorization endpoint who is logged in. The web
// pages of the portal implement it over their session cookies.
type UserSessions interface {
	// CurrentUser returns the developer logged in on r, if any.
	CurrentUser(r *http.Request) (developerID string, ok bool)
	// LoginURL returns where to send someone who must log in first;
	// returnTo is the path and query to come back to afterwards.
	LoginURL(returnTo string) string
}

// Config configures a Server. Store, Portal, Issuer and Users are
// required; a zero value in any other field means its documented default.
type Config struct {
	// Store keeps clients, tokens and the catalogue.
	Store portal.Store
	// Portal registers and manages clients for RFC 7591 and RFC 7592 (see
	// Server.Registration); it must work on Store.
	Portal *portal.Service
	// Issuer is the authorization server's issuer identifier (RFC 8414
	// §2): an absolute http or https URL without query or fragment, e.g.
	// "http://127.0.0.1:8080". Endpoint URLs are Issuer followed by the
	// Path constants; a trailing slash is dropped.
	Issuer string
	// Hasher verifies client secrets; nil: the default Hasher. It must be
	// the Hasher the portal.Service hashes secrets with.
	Hasher *oauthclient.Hasher
	// Redirects matches redirect URIs at the authorization request; nil:
	// the default policy. It should be the portal.Service's policy.
	Redirects *oauthclient.RedirectPolicy
	// Now returns the current time; nil: time.Now.
	Now func() time.Time
	// Rand is the source of tokens; nil: crypto/rand.Reader. It need not
	// be safe for concurrent use.
	Rand io.Reader
	// Logger receives server failures and recovered panics, never a
	// secret; nil: slog.Default().
	Logger *slog.Logger
	// Users says who is logged in, for the consent page.
	Users UserSessions

	// Lifetimes of access tokens (zero: 1 hour), refresh tokens (zero: 30
	// days) and authorization codes (zero: 1 minute).
	AccessTokenTTL, RefreshTokenTTL, CodeTTL time.Duration
	// MaxBodyBytes limits request bodies; zero: 64 KiB.
	MaxBodyBytes int64
	// ConsentKey signs the consent form's anti-forgery tokens; nil: 32
	// bytes from Rand, drawn by New. Servers that share the work behind a
	// load balancer need one common key of at least 32 bytes.
	ConsentKey []byte
}

// Server is the authorization server. It is safe for concurrent use.
type Server struct {
	store      portal.Store
	portal     *portal.Service
	issuer     string
	hasher     *oauthclient.Hasher
	redirects  *oauthclient.RedirectPolicy
	auth       *oauthclient.Authenticator
	now        func() time.Time
	rand       io.Reader
	log        *slog.Logger
	users      UserSessions
	accessTTL  time.Duration
	refreshTTL time.Duration
	codeTTL    time.Duration
	maxBody    int64
	consentKey []byte
	metadata   []byte // the RFC 8414 document, encoded once
	reg        *registration.Registrar
}

// ErrInvalidConfig is wrapped by every error of New.
var ErrInvalidConfig = errors.New("authserver: invalid config")

// New checks cfg and returns a Server. Its errors wrap ErrInvalidConfig and
// name the field.
func New(cfg Config) (*Server, error) {
	switch {
	case cfg.Store == nil:
		return nil, configError("Store", "is required")
	case cfg.Portal == nil:
		return nil, configError("Portal", "is required")
	case cfg.Users == nil:
		return nil, configError("Users", "is required")
	case cfg.AccessTokenTTL < 0 || cfg.RefreshTokenTTL < 0 || cfg.CodeTTL < 0:
		return nil, configError("AccessTokenTTL", "lifetimes must not be negative")
	case cfg.MaxBodyBytes < 0:
		return nil, configError("MaxBodyBytes", "must not be negative")
	case cfg.ConsentKey != nil && len(cfg.ConsentKey) < 32:
		return nil, configError("ConsentKey", "must be at least 32 bytes")
	}
	issuer, err := checkIssuer(cfg.Issuer)
	if err != nil {
		return nil, err
	}
	s := &Server{
		store:      cfg.Store,
		portal:     cfg.Portal,
		issuer:     issuer,
		hasher:     cfg.Hasher,
		redirects:  cfg.Redirects,
		now:        cfg.Now,
		rand:       cfg.Rand,
		log:        cfg.Logger,
		users:      cfg.Users,
		accessTTL:  orDefault(cfg.AccessTokenTTL, DefaultAccessTokenTTL),
		refreshTTL: orDefault(cfg.RefreshTokenTTL, DefaultRefreshTokenTTL),
		codeTTL:    orDefault(cfg.CodeTTL, DefaultCodeTTL),
		maxBody:    orDefault(cfg.MaxBodyBytes, DefaultMaxBodyBytes),
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.rand == nil {
		s.rand = rand.Reader
	} else {
		s.rand = &lockedReader{r: s.rand}
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	s.auth = &oauthclient.Authenticator{Clients: cfg.Store, Hasher: cfg.Hasher, Now: s.now}
	s.consentKey = cfg.ConsentKey
	if s.consentKey == nil {
		s.consentKey = make([]byte, 32)
		if _, err := io.ReadFull(s.rand, s.consentKey); err != nil {
			return nil, configError("Rand", "cannot draw the consent key: "+err.Error())
		}
	}
	if s.metadata, err = s.buildMetadata(); err != nil {
		return nil, err
	}
	s.reg, err = registration.New(cfg.Portal, registration.Config{Issuer: issuer, MaxBodyBytes: s.maxBody, Logger: s.log})
	return s, err
}

// Registration returns the RFC 7591 and RFC 7592 endpoints, whose initial
// access tokens it keeps.
func (s *Server) Registration() *registration.Registrar { return s.reg }

func configError(field, reason string) error {
	return &configErr{field: field, reason: reason}
}

type configErr struct{ field, reason string }

func (e *configErr) Error() string { return "authserver: invalid config: " + e.field + " " + e.reason }
func (e *configErr) Unwrap() error { return ErrInvalidConfig }

func checkIssuer(raw string) (string, error) {
	u, err := url.Parse(raw)
	switch {
	case raw == "":
		return "", configError("Issuer", "is required")
	case err != nil || !u.IsAbs() || u.Host == "":
		return "", configError("Issuer", "must be an absolute URL")
	case u.Scheme != "https" && u.Scheme != "http":
		return "", configError("Issuer", "must use https (or http for development)")
	case u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || strings.Contains(raw, "#"):
		return "", configError("Issuer", "must have no query or fragment")
	case u.User != nil:
		return "", configError("Issuer", "must have no user information")
	}
	return strings.TrimSuffix(raw, "/"), nil
}

func orDefault[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}

// lockedReader serialises reads from a reader that may not be safe for
// concurrent use.
type lockedReader struct {
	mu sync.Mutex
	r  io.Reader
}

func (l *lockedReader) Read(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.r.Read(p)
}

// methods are the request methods Register routes for each path: those an
// endpoint does not serve get 405 with an Allow header and the security
// headers, rather than the ServeMux's bare answer.
var methods = []string{
	http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut,
	http.MethodPatch, http.MethodDelete, http.MethodOptions, http.MethodTrace,
}

// endpoint is one path and the handlers of its methods.
type endpoint struct {
	path     string
	handlers map[string]http.HandlerFunc
}

func (s *Server) endpoints() []endpoint {
	return []endpoint{
		{PathMetadata, map[string]http.HandlerFunc{http.MethodGet: s.handleMetadata}},
		{PathAuthorize, map[string]http.HandlerFunc{http.MethodGet: s.handleAuthorize, http.MethodPost: s.handleConsent}},
		{PathToken, map[string]http.HandlerFunc{http.MethodPost: s.handleToken}},
		{PathRevoke, map[string]http.HandlerFunc{http.MethodPost: s.handleRevoke}},
		{PathIntrospect, map[string]http.HandlerFunc{http.MethodPost: s.handleIntrospect}},
		{PathRegister, map[string]http.HandlerFunc{http.MethodPost: s.reg.RegistrationHandler().ServeHTTP}},
		{PathRegister + "/{client_id}", map[string]http.HandlerFunc{http.MethodGet: s.reg.ConfigurationHandler().ServeHTTP,
			http.MethodPut: s.reg.ConfigurationHandler().ServeHTTP, http.MethodDelete: s.reg.ConfigurationHandler().ServeHTTP}},
	}
}

// Register adds the endpoints to mux, with one pattern per path and
// method ("POST /oauth/token", "PUT /oauth/token", ...), so that they
// coexist with the portal's own patterns such as "GET /".
func (s *Server) Register(mux *http.ServeMux) {
	for _, e := range s.endpoints() {
		if get, ok := e.handlers[http.MethodGet]; ok {
			e.handlers[http.MethodHead] = get
		}
		var allow []string
		for _, m := range methods {
			if _, ok := e.handlers[m]; ok {
				allow = append(allow, m)
			}
		}
		notAllowed := s.methodNotAllowed(strings.Join(allow, ", "))
		for _, m := range methods {
			h, ok := e.handlers[m]
			if !ok {
				h = notAllowed
			}
			mux.Handle(m+" "+e.path, s.protect(h))
		}
	}
}

// Handler returns a new ServeMux with the endpoints alone.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	s.Register(mux)
	return mux
}

func (s *Server) methodNotAllowed(allow string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Allow", allow)
		s.writeError(w, r, &statusError{status: http.StatusMethodNotAllowed,
			err: oauthclient.NewError(oauthclient.CodeInvalidRequest, "", "method "+r.Method+" is not allowed; use "+allow)})
	}
}

// jsonCSP is the Content-Security-Policy of every response but the HTML
// pages, which set their own.
const jsonCSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"

// Header values set on every response. They are shared: headers are
// replaced with Set, never changed in place.
var (
	valueJSONCSP    = []string{jsonCSP}
	valueNosniff    = []string{"nosniff"}
	valueDeny       = []string{"DENY"}
	valueNoReferrer = []string{"no-referrer"}
	valueNoStore    = []string{"no-store"}
	valueNoCache    = []string{"no-cache"}
	valueJSON       = []string{"application/json; charset=utf-8"}
)

// protect sets the security headers every response carries and turns a
// panic into a logged 500.
func (s *Server) protect(h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hdr := w.Header()
		// Canonical keys and shared values: no allocation per request.
		hdr["Content-Security-Policy"] = valueJSONCSP
		hdr["X-Content-Type-Options"] = valueNosniff
		hdr["X-Frame-Options"] = valueDeny
		hdr["Referrer-Policy"] = valueNoReferrer
		hdr["Cache-Control"] = valueNoStore
		rw := &recordingWriter{ResponseWriter: w}
		defer s.recoverPanic(rw, r)
		h(rw, r)
	})
}

func (s *Server) recoverPanic(w *recordingWriter, r *http.Request) {
	v := recover()
	if v == nil {
		return
	}
	if v == http.ErrAbortHandler { //nolint:errorlint // the sentinel is compared as net/http does
		panic(v)
	}
	s.log.ErrorContext(r.Context(), "authserver: recovered panic", "method", r.Method, "path", r.URL.Path, "panic", v)
	if !w.wrote {
		s.writeError(w, r, errors.New("panic"))
	}
}

// recordingWriter remembers whether the header was written, so that a
// recovered panic answers only if nothing was sent yet.
type recordingWriter struct {
	http.ResponseWriter
	wrote bool
}

func (w *recordingWriter) WriteHeader(code int) {
	w.wrote = true
	w.ResponseWriter.WriteHeader(code)
}

func (w *recordingWriter) Write(p []byte) (int, error) {
	w.wrote = true
	return w.ResponseWriter.Write(p)
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *recordingWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
