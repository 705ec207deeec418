package authserver

import (
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/portaloauth/portaloauth/portal"
	as "github.com/portaloauth/portaloauth/portal/authserver"
	"github.com/portaloauth/portaloauth/portal/registration"
	"github.com/portaloauth/portaloauth/portal/throttle"
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

// Config configures a Server. Portal, Issuer and Users are required; a
// zero value in any other field means its documented default.
type Config struct {
	// Portal registers and manages clients (see Server.Registration); the
	// protocol endpoints share
	// its store, hasher, redirect policy, clock and random source.
	Portal *portal.Service
	// Issuer is the issuer identifier (see authserver.Config); endpoint
	// URLs are Issuer followed by the Path constants.
	Issuer string
	// Logger receives server failures, never a secret; nil: slog.Default().
	Logger *slog.Logger
	// Users says who is logged in, for the consent page.
	Users UserSessions
	// Lifetimes and the body limit, as in authserver.Config.
	AccessTokenTTL, RefreshTokenTTL, CodeTTL time.Duration
	MaxBodyBytes                             int64
	// ConsentKey signs the consent form's anti-forgery tokens; nil: 32
	// bytes from the portal's random source. Servers behind one load
	// balancer need one common key of at least 32 bytes.
	ConsentKey []byte
	// Throttle slows down guessing of client secrets (see
	// authserver.Config.Throttle); nil: in this process's memory.
	Throttle *throttle.Throttle
}

// Server is the portal's authorization server: the library's endpoints
// plus the consent page, registration and metadata. It is safe for
// concurrent use.
type Server struct {
	*as.Server
	portal     *portal.Service
	catalogue  portal.CatalogueReader
	reg        *registration.Registrar
	issuer     string
	now        func() time.Time
	log        *slog.Logger
	users      UserSessions
	maxBody    int64
	consentKey []byte
	metadata   []byte // the RFC 8414 document, encoded once
}

// ErrInvalidConfig is wrapped by every error of New.
var ErrInvalidConfig = as.ErrInvalidConfig

// New checks cfg and returns a Server. Its errors wrap ErrInvalidConfig and
// name the field.
func New(cfg Config) (*Server, error) {
	switch {
	case cfg.Users == nil:
		return nil, configError("Users", "is required")
	case cfg.ConsentKey != nil && len(cfg.ConsentKey) < 32:
		return nil, configError("ConsentKey", "must be at least 32 bytes")
	}
	lib, err := as.New(as.Config{Portal: cfg.Portal, Issuer: cfg.Issuer, Logger: cfg.Logger, AccessTokenTTL: cfg.AccessTokenTTL,
		RefreshTokenTTL: cfg.RefreshTokenTTL, CodeTTL: cfg.CodeTTL, MaxBodyBytes: cfg.MaxBodyBytes, Throttle: cfg.Throttle})
	if err != nil {
		return nil, err
	}
	s := &Server{
		Server: lib, portal: cfg.Portal, catalogue: lib.CatalogueReader(), issuer: lib.Issuer(),
		now: cfg.Portal.OAuth().Now, log: lib.Logger(), users: cfg.Users,
		maxBody: orDefault(cfg.MaxBodyBytes, as.DefaultMaxBodyBytes), consentKey: cfg.ConsentKey,
	}
	if s.consentKey == nil {
		s.consentKey = make([]byte, 32)
		if _, err := io.ReadFull(cfg.Portal.OAuth().Rand, s.consentKey); err != nil {
			return nil, configError("Rand", "cannot draw the consent key: "+err.Error())
		}
	}
	if s.metadata, err = s.buildMetadata(); err != nil {
		return nil, err
	}
	s.reg, err = registration.New(cfg.Portal, registration.Config{Issuer: s.issuer, MaxBodyBytes: s.maxBody, Logger: s.log})
	return s, err
}

// Registration returns the RFC 7591 and RFC 7592 endpoints, whose initial
// access tokens it keeps.
func (s *Server) Registration() *registration.Registrar { return s.reg }

func configError(field, reason string) error {
	return errors.Join(ErrInvalidConfig, errors.New("authserver: invalid config: "+field+" "+reason))
}

func orDefault[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}

// methods are the request methods Register routes for each path: those an
// endpoint does not serve get 405 with an Allow header and the security
// headers, rather than the ServeMux's bare answer.
var methods = []string{
	http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut,
	http.MethodPatch, http.MethodDelete, http.MethodOptions, http.MethodTrace,
}

// Register adds the endpoints to mux, with one pattern per path and
// method ("POST /oauth/token", "PUT /oauth/token", ...), so that they
// coexist with the portal's own patterns such as "GET /".
func (s *Server) Register(mux *http.ServeMux) {
	post := func(h http.Handler) map[string]http.Handler { return map[string]http.Handler{http.MethodPost: h} }
	fn := func(f http.HandlerFunc) http.Handler { return s.SecurityHeaders(f) }
	configure := s.SecurityHeaders(s.reg.ConfigurationHandler())
	for path, handlers := range map[string]map[string]http.Handler{
		PathMetadata:  {http.MethodGet: fn(s.handleMetadata)},
		PathAuthorize: {http.MethodGet: fn(s.handleAuthorize), http.MethodPost: fn(s.handleConsent)},
		PathToken:     post(s.TokenHandler()), PathRevoke: post(s.RevocationHandler()),
		PathIntrospect: post(s.IntrospectionHandler()), PathRegister: post(s.SecurityHeaders(s.reg.RegistrationHandler())),
		PathRegister + "/{client_id}": {http.MethodGet: configure, http.MethodPut: configure, http.MethodDelete: configure},
	} {
		if get, ok := handlers[http.MethodGet]; ok {
			handlers[http.MethodHead] = get
		}
		var allow []string
		for _, m := range methods {
			if _, ok := handlers[m]; ok {
				allow = append(allow, m)
			}
		}
		notAllowed := s.SecurityHeaders(s.MethodNotAllowed(strings.Join(allow, ", ")))
		for _, m := range methods {
			h, ok := handlers[m]
			if !ok {
				h = notAllowed
			}
			mux.Handle(m+" "+path, h)
		}
	}
}

// Handler returns a new ServeMux with the endpoints alone.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	s.Register(mux)
	return mux
}
