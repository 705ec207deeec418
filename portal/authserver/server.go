package authserver

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"github.com/portaloauth/portaloauth/oauthclient"
	"github.com/portaloauth/portaloauth/portal"
	"github.com/portaloauth/portaloauth/portal/throttle"
)

// Defaults of the zero Config fields.
const (
	DefaultAccessTokenTTL  = time.Hour
	DefaultRefreshTokenTTL = 30 * 24 * time.Hour
	DefaultCodeTTL         = time.Minute
	DefaultMaxBodyBytes    = oauthclient.DefaultMaxBodyBytes
)

// Config configures a [Server]. Portal and Issuer are required; a zero
// value in any other field means its documented default.
type Config struct {
	// Portal is the portal the clients are registered with. The Server
	// works on its store and takes its hasher (and pepper), redirect URI
	// policy, clock and random source, so that these cannot differ between
	// registration and the protocol endpoints.
	Portal *portal.Service
	// Issuer is the authorization server's issuer identifier (RFC 8414
	// §2): an absolute http or https URL without query or fragment, e.g.
	// "https://auth.example.com". It is the "iss" of introspection and
	// authorization responses and the realm of challenges; a trailing
	// slash is dropped.
	Issuer string
	// Lifetimes of access tokens (zero: 1 hour), refresh tokens (zero: 30
	// days) and authorization codes (zero: 1 minute).
	AccessTokenTTL, RefreshTokenTTL, CodeTTL time.Duration
	// MaxBodyBytes limits the request bodies the HTTP edge reads; zero:
	// 64 KiB.
	MaxBodyBytes int64
	// Logger receives server failures, replayed one-time tokens and
	// recovered panics, never a secret or a token; nil: slog.Default().
	Logger *slog.Logger
	// Throttle slows down guessing of client secrets, per client ID: after
	// a few failures a client ID must wait, exponentially longer, before
	// its credentials are checked again; meanwhile it is answered
	// invalid_client with Retry-After, the same error as a wrong secret.
	// nil: a throttle.New with its defaults, in this process's memory;
	// nodes sharing a database share their counts with a throttle over
	// its store (store/postgres: Store.Throttles).
	Throttle *throttle.Throttle
}

// Server is the authorization server: the decisions of the token,
// authorization, revocation and introspection endpoints and of the bearer
// check, and their HTTP edge. It is safe for concurrent use.
type Server struct {
	clients    oauthclient.Store      // clients and their tokens
	catalogue  portal.CatalogueReader // the policies tokens carry
	issuer     string
	redirects  *oauthclient.RedirectPolicy
	auth       *oauthclient.Authenticator
	throttle   *throttle.Throttle
	now        func() time.Time
	rand       io.Reader
	log        *slog.Logger
	accessTTL  time.Duration
	refreshTTL time.Duration
	codeTTL    time.Duration
	maxBody    int64
	errors     oauthclient.ErrorWriter
}

// ErrInvalidConfig is wrapped by every error of New: oauthclient's
// sentinel, re-exported, in an *oauthclient.Error that names the field.
var ErrInvalidConfig = oauthclient.ErrInvalidConfig

// New checks cfg and returns a Server. Its errors wrap ErrInvalidConfig and
// name the field.
func New(cfg Config) (*Server, error) {
	switch {
	case cfg.Portal == nil:
		return nil, configError("Portal", "is required")
	case cfg.AccessTokenTTL < 0 || cfg.RefreshTokenTTL < 0 || cfg.CodeTTL < 0:
		return nil, configError("AccessTokenTTL", "lifetimes must not be negative")
	case cfg.MaxBodyBytes < 0:
		return nil, configError("MaxBodyBytes", "must not be negative")
	}
	issuer, err := checkIssuer(cfg.Issuer)
	if err != nil {
		return nil, err
	}
	svc := cfg.Portal
	oauth := svc.OAuth()
	s := &Server{
		clients:    svc.Clients(),
		catalogue:  svc.CatalogueReader(),
		issuer:     issuer,
		redirects:  oauth.Redirects,
		now:        oauth.Now,
		rand:       oauth.Rand,
		log:        cfg.Logger,
		accessTTL:  orDefault(cfg.AccessTokenTTL, DefaultAccessTokenTTL),
		refreshTTL: orDefault(cfg.RefreshTokenTTL, DefaultRefreshTokenTTL),
		codeTTL:    orDefault(cfg.CodeTTL, DefaultCodeTTL),
		maxBody:    orDefault(cfg.MaxBodyBytes, DefaultMaxBodyBytes),
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	s.auth = svc.Authenticator()
	s.throttle = cfg.Throttle
	if s.throttle == nil {
		s.throttle = throttle.New(throttle.Config{Now: s.now})
	}
	s.errors = oauthclient.ErrorWriter{Realm: issuer, Logger: s.log}
	return s, nil
}

// Issuer returns the issuer identifier, without a trailing slash.
func (s *Server) Issuer() string { return s.issuer }

// Logger returns the logger the Server reports failures to.
func (s *Server) Logger() *slog.Logger { return s.log }

// Clients returns the store of clients and tokens the Server works on:
// its portal's.
func (s *Server) Clients() oauthclient.Store { return s.clients }

// CatalogueReader returns the catalogue the Server reads policies from:
// its portal's.
func (s *Server) CatalogueReader() portal.CatalogueReader { return s.catalogue }

// Now returns the current time by the portal's clock.
func (s *Server) Now() time.Time { return s.now() }

func configError(field, reason string) error {
	return oauthclient.Errorf(ErrInvalidConfig, field, reason)
}

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

// authenticate authenticates the client of a token, revocation or
// introspection request (RFC 6749 §2.3) by its registered method.
func (s *Server) authenticate(ctx context.Context, creds oauthclient.Credentials) (*oauthclient.Client, error) {
	if creds.ClientID == "" {
		return s.auth.Authenticate(ctx, creds)
	}
	const keyPrefix = "client:"
	failed, err := s.throttle.CheckKey(ctx, keyPrefix, creds.ClientID)
	switch {
	case errors.Is(err, oauthclient.ErrThrottled):
		return nil, throttledClient(oauthclient.RetryAfterOf(err))
	case err != nil:
		return nil, err
	}
	c, err := s.auth.Authenticate(ctx, creds)
	switch {
	case errors.Is(err, oauthclient.ErrInvalidClient):
		if d, ferr := s.throttle.Failed(ctx, keyPrefix+creds.ClientID); ferr != nil {
			s.log.WarnContext(ctx, "authserver: recording a failed client authentication", "error", ferr)
		} else if d > 0 {
			return nil, throttledClient(d)
		}
	case err == nil && failed:
		if rerr := s.throttle.Succeeded(ctx, keyPrefix+creds.ClientID); rerr != nil {
			s.log.WarnContext(ctx, "authserver: forgetting failed client authentications", "error", rerr)
		}
	}
	return c, err
}

// throttledClient is the refusal of a client authentication that must
// wait d: invalid_client (RFC 6749 §5.2) with Retry-After.
func throttledClient(d time.Duration) error {
	return &oauthclient.Error{Code: oauthclient.CodeInvalidClient, Err: oauthclient.ErrThrottled,
		Reason: "client authentication failed", RetryAfter: d}
}

// randomID returns 16 random bytes as base64url, for grant IDs.
func (s *Server) randomID() (string, error) {
	var b [16]byte
	if err := oauthclient.ReadRandom(s.rand, b[:]); err != nil {
		return "", fmt.Errorf("authserver: random ID: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b[:]), nil
}

// oauthError is a shorthand for an *oauthclient.Error.
func oauthError(code oauthclient.ErrorCode, field, reason string) error {
	return oauthclient.NewError(code, field, reason)
}

// FieldName makes a parameter or member name that a request sent safe to
// echo in an *oauthclient.Error's Field: printable ASCII without quotes or
// backslashes, at most 64 bytes.
func FieldName(k string) string {
	if len(k) > 64 {
		k = k[:64]
	}
	return oauthclient.ErrorText(k)
}
