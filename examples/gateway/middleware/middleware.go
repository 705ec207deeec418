// Package middleware is net/http middleware with which an API gateway lets
// through only the requests that carry a valid access token of a
// portaloauth authorization server, issued to a client whose policy grants
// the API being called.
//
// Each request's bearer token (RFC 6750 §2.1: the Authorization header
// only, never a query or form parameter) is hashed and looked up in the
// token store, so that a revoked token, or every token of a deleted or
// disabled client, is refused from the very next request on. The answers
// follow RFC 6750 §3:
//
//   - no bearer token: 401 with WWW-Authenticate: Bearer realm="..." and no
//     error code;
//   - an Authorization header sent twice: 400 invalid_request;
//   - a malformed, unknown, expired, revoked or consumed token, or one that
//     is not an access token: 401 with error="invalid_token";
//   - a token whose client's policy is missing, inactive or does not grant
//     the API: 403 with error="insufficient_scope";
//   - a store failure: 503, with the detail in the log only.
//
// A request that passes reaches the next handler with the token in its
// context ([TokenFromContext]).
package middleware

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/portaloauth/portaloauth/catalogue"
	"github.com/portaloauth/portaloauth/oauthclient"
)

// TokenGetter looks tokens up by hash; every oauthclient.TokenStore is one.
type TokenGetter interface {
	// GetToken returns the token with that hash, or oauthclient.ErrNotFound.
	GetToken(ctx context.Context, hash string) (*oauthclient.Token, error)
}

// PolicyGetter looks policies up by ID; every portal.CatalogueStore is one.
type PolicyGetter interface {
	// GetPolicy returns the policy with that ID, or oauthclient.ErrNotFound.
	GetPolicy(ctx context.Context, id string) (*catalogue.Policy, error)
}

// Config configures the middleware. Tokens, Catalogue and APIID are
// required.
type Config struct {
	// Tokens is the authorization server's token store.
	Tokens TokenGetter
	// Catalogue holds the policies tokens carry.
	Catalogue PolicyGetter
	// APIID is the catalogue ID of the API behind the middleware.
	APIID string
	// Now returns the current time; nil: time.Now.
	Now func() time.Time
	// Realm names the protected API in WWW-Authenticate challenges; empty:
	// APIID.
	Realm string
	// Logger receives store failures, never a token; nil: slog.Default().
	Logger *slog.Logger
}

// New returns the middleware. Like http.Handle given a nil handler, it
// panics when cfg lacks Tokens, Catalogue or APIID: that is a programming
// error, found at start-up, not a condition of any request.
func New(cfg Config) func(http.Handler) http.Handler {
	switch {
	case cfg.Tokens == nil:
		panic("middleware: Config.Tokens is required")
	case cfg.Catalogue == nil:
		panic("middleware: Config.Catalogue is required")
	case cfg.APIID == "":
		panic("middleware: Config.APIID is required")
	}
	g := &guard{
		tokens: cfg.Tokens, policies: cfg.Catalogue, apiID: cfg.APIID, now: cfg.Now, log: cfg.Logger,
		realm: `Bearer realm="` + quoteSafe(cfg.Realm) + `"`,
	}
	if cfg.Realm == "" {
		g.realm = `Bearer realm="` + quoteSafe(cfg.APIID) + `"`
	}
	if g.now == nil {
		g.now = time.Now
	}
	if g.log == nil {
		g.log = slog.Default()
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			tok, err := g.check(r)
			if err != nil {
				g.refuse(w, r, err)
				return
			}
			next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), tokenKey{}, tok)))
		})
	}
}

type tokenKey struct{}

// TokenFromContext returns the access token that the middleware accepted
// for the request with this context: its client, subject, policy, scope
// and expiry. The caller must not modify it.
func TokenFromContext(ctx context.Context) (*oauthclient.Token, bool) {
	tok, ok := ctx.Value(tokenKey{}).(*oauthclient.Token)
	return tok, ok
}

type guard struct {
	tokens   TokenGetter
	policies PolicyGetter
	apiID    string
	now      func() time.Time
	log      *slog.Logger
	realm    string // the challenge without an error
}

// refusal is why a request is turned away.
type refusal struct {
	status      int
	code        string // RFC 6750 §3.1 error code; empty for a request without a token
	description string
	err         error // a store failure, for the log
}

func (e *refusal) Error() string { return "middleware: " + e.code + ": " + e.description }

var (
	errNoToken       = &refusal{status: http.StatusUnauthorized, description: "a bearer token is required"}
	errRepeated      = &refusal{status: http.StatusBadRequest, code: "invalid_request", description: "the Authorization header must not be repeated"}
	errInvalidToken  = &refusal{status: http.StatusUnauthorized, code: "invalid_token", description: "the access token is not valid"}
	errNotGranted    = &refusal{status: http.StatusForbidden, code: "insufficient_scope", description: "the token's policy does not grant this API"}
	errStoreFailure  = &refusal{status: http.StatusServiceUnavailable, description: "the gateway cannot check tokens right now"}
	errPolicyInvalid = &refusal{status: http.StatusForbidden, code: "insufficient_scope", description: "the token's policy is not active"}
)

// check returns the request's access token if it may reach the API.
func (g *guard) check(r *http.Request) (*oauthclient.Token, error) {
	value, err := bearer(r.Header.Values("Authorization"))
	if err != nil {
		return nil, err
	}
	ctx := r.Context()
	tok, err := g.tokens.GetToken(ctx, oauthclient.HashToken(value))
	switch {
	case errors.Is(err, oauthclient.ErrNotFound):
		return nil, errInvalidToken
	case err != nil:
		return nil, &refusal{status: errStoreFailure.status, description: errStoreFailure.description, err: err}
	case tok.Kind != oauthclient.KindAccessToken || !tok.ActiveAt(g.now()):
		return nil, errInvalidToken
	case tok.PolicyID == "":
		return nil, errNotGranted
	}
	policy, err := g.policies.GetPolicy(ctx, tok.PolicyID)
	switch {
	case errors.Is(err, oauthclient.ErrNotFound):
		return nil, errNotGranted
	case err != nil:
		return nil, &refusal{status: errStoreFailure.status, description: errStoreFailure.description, err: err}
	case !policy.Active:
		return nil, errPolicyInvalid
	case !policy.Grants(g.apiID):
		return nil, errNotGranted
	}
	return tok, nil
}

// bearer returns the token of a single "Authorization: Bearer" header.
func bearer(values []string) (string, error) {
	switch len(values) {
	case 0:
		return "", errNoToken
	case 1:
	default:
		return "", errRepeated
	}
	scheme, token, ok := strings.Cut(values[0], " ")
	switch {
	case !strings.EqualFold(scheme, "Bearer"):
		// Another scheme is no bearer token at all (RFC 6750 §3.1).
		return "", errNoToken
	case !ok || !isToken68(token):
		return "", errInvalidToken
	}
	return token, nil
}

// isToken68 reports whether s has the token68 syntax of RFC 7235 §2.1.
func isToken68(s string) bool {
	end := len(strings.TrimRight(s, "="))
	if end == 0 {
		return false
	}
	for _, c := range []byte(s[:end]) {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("-._~+/", c) >= 0) {
			return false
		}
	}
	return true
}

// refuse answers a refused request with its challenge and a small JSON
// body.
func (g *guard) refuse(w http.ResponseWriter, r *http.Request, err error) {
	var rf *refusal
	if !errors.As(err, &rf) {
		rf = &refusal{status: errStoreFailure.status, description: errStoreFailure.description, err: err}
	}
	h := w.Header()
	if rf.err != nil {
		g.log.ErrorContext(r.Context(), "middleware: token check failed", "path", r.URL.Path, "error", rf.err)
	}
	challenge := g.realm
	if rf.code != "" {
		challenge += `, error="` + rf.code + `", error_description="` + rf.description + `"`
	}
	if rf.status == http.StatusUnauthorized || rf.status == http.StatusForbidden || rf.status == http.StatusBadRequest {
		h.Set("WWW-Authenticate", challenge)
	}
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'")
	body := map[string]string{"error_description": rf.description}
	if rf.code != "" {
		body["error"] = rf.code
	}
	w.WriteHeader(rf.status)
	_ = json.NewEncoder(w).Encode(body)
}

// quoteSafe keeps the printable ASCII of s that may stand in a
// quoted-string, replacing the rest with '?'.
func quoteSafe(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e || r == '"' || r == '\\' {
			return '?'
		}
		return r
	}, s)
}
