package authserver

import (
	"context"
	"errors"
	"net/http"

	"github.com/portaloauth/portaloauth/oauthclient"
)

// BearerOption is an option of [Server.RequireToken].
type BearerOption interface {
	apply(*guard)
}

type realmOption string

func (o realmOption) apply(g *guard) { g.realm = string(o) }

// WithRealm names the protected API in WWW-Authenticate challenges; the
// default is the API's catalogue ID.
func WithRealm(realm string) BearerOption { return realmOption(realm) }

// RequireToken returns a handler that lets a request reach next only with
// a bearer token (oauthclient.BearerToken: the Authorization header only)
// that [Server.CheckToken] accepts for the API with catalogue ID apiID;
// next finds the token with [TokenFromContext]. The answers follow RFC
// 6750 §3, each with a small JSON body and Cache-Control no-store:
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
// It panics if next is nil or apiID is empty, as http.Handle does for a
// nil handler: that is a programming error found at start-up.
func (s *Server) RequireToken(next http.Handler, apiID string, opts ...BearerOption) http.Handler {
	switch {
	case next == nil:
		panic("authserver: RequireToken: nil handler")
	case apiID == "":
		panic("authserver: RequireToken: empty API ID")
	}
	g := &guard{s: s, apiID: apiID, realm: apiID}
	for _, o := range opts {
		o.apply(g)
	}
	g.challenge = `Bearer realm="` + oauthclient.ErrorText(g.realm) + `"`
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tok, err := g.check(r)
		if err != nil {
			g.refuse(w, r, err)
			return
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), tokenKey{}, tok)))
	})
}

type tokenKey struct{}

// TokenFromContext returns the access token that [Server.RequireToken]
// accepted for the request with this context: its client, subject,
// policy, scope and expiry. The caller must not modify it.
func TokenFromContext(ctx context.Context) (*oauthclient.Token, bool) {
	tok, ok := ctx.Value(tokenKey{}).(*oauthclient.Token)
	return tok, ok
}

type guard struct {
	s         *Server
	apiID     string
	realm     string
	challenge string // the challenge without an error
}

// refusal is why RequireToken turns a request away.
type refusal struct {
	status      int
	code        oauthclient.ErrorCode // empty for a request without a token
	description string
	err         error // a store failure, for the log
}

func (e *refusal) Error() string { return "authserver: " + string(e.code) + ": " + e.description }

var (
	refuseNoToken = &refusal{status: http.StatusUnauthorized, description: "a bearer token is required"}
	refuseTwice   = &refusal{status: http.StatusBadRequest, code: oauthclient.CodeInvalidRequest,
		description: "the Authorization header must not be repeated"}
)

func (g *guard) check(r *http.Request) (*oauthclient.Token, error) {
	value, err := oauthclient.BearerToken(r)
	switch {
	case errors.Is(err, oauthclient.ErrNoBearerToken):
		return nil, refuseNoToken
	case errors.Is(err, oauthclient.ErrInvalidRequest):
		return nil, refuseTwice
	case err != nil:
		return nil, errInvalidToken
	}
	return g.s.CheckToken(r.Context(), value, g.apiID)
}

// refuse answers a refused request with its challenge and a small JSON
// body.
func (g *guard) refuse(w http.ResponseWriter, r *http.Request, err error) {
	var rf *refusal
	var oe *oauthclient.Error
	switch {
	case errors.As(err, &rf):
	case errors.As(err, &oe):
		status := http.StatusUnauthorized
		if oe.Code == oauthclient.CodeInsufficientScope {
			status = http.StatusForbidden
		}
		rf = &refusal{status: status, code: oe.Code, description: oe.Reason}
	default:
		g.s.log.ErrorContext(r.Context(), "authserver: token check failed", "path", r.URL.Path, "error", err)
		rf = &refusal{status: http.StatusServiceUnavailable, description: "the gateway cannot check tokens right now"}
	}
	h := w.Header()
	if rf.status != http.StatusServiceUnavailable {
		challenge := g.challenge
		if rf.code != "" {
			challenge += `, error="` + string(rf.code) + `", error_description="` + oauthclient.ErrorText(rf.description) + `"`
		}
		h.Set("WWW-Authenticate", challenge)
	}
	h["Content-Type"] = valueJSON
	h["Cache-Control"] = valueNoStore
	h["X-Content-Type-Options"] = valueNosniff
	h.Set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'")
	o := newJSONObject(make([]byte, 0, 128))
	o.strOmitEmpty("error", string(rf.code))
	o.str("error_description", rf.description)
	w.WriteHeader(rf.status)
	_, _ = w.Write(append(o.end(), '\n'))
}
