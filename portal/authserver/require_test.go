package authserver_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portaloauth/portaloauth/catalogue"
	"github.com/portaloauth/portaloauth/oauthclient"
	"github.com/portaloauth/portaloauth/portal"
	"github.com/portaloauth/portaloauth/portal/authserver"
	"github.com/portaloauth/portaloauth/store/memory"
)

var now = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// store is a token and policy store in maps, with injectable failures;
// the rest of the portal's store is an empty in-memory one.
type store struct {
	*memory.Store
	mu        sync.Mutex
	tokens    map[string]*oauthclient.Token
	policies  map[string]*catalogue.Policy
	tokenErr  error
	policyErr error
}

func (s *store) GetToken(_ context.Context, hash string) (*oauthclient.Token, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.tokenErr != nil {
		return nil, s.tokenErr
	}
	t, ok := s.tokens[hash]
	if !ok {
		return nil, oauthclient.ErrNotFound
	}
	return t.Clone(), nil
}

func (s *store) GetPolicy(_ context.Context, id string) (*catalogue.Policy, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.policyErr != nil {
		return nil, s.policyErr
	}
	p, ok := s.policies[id]
	if !ok {
		return nil, oauthclient.ErrNotFound
	}
	c := *p
	return &c, nil
}

func (s *store) revoke(value string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.tokens, oauthclient.HashToken(value))
}

// Token values of the test store.
const (
	valid        = "poa_at_valid"
	expired      = "poa_at_expired"
	refresh      = "poa_rt_refresh"
	code         = "poa_ac_code"
	consumed     = "poa_at_consumed"
	otherAPI     = "poa_at_other_api"
	inactive     = "poa_at_inactive_policy"
	goneP        = "poa_at_gone_policy"
	noPolicy     = "poa_at_no_policy"
	upstreamBody = "upstream reached"
)

func newStore() *store {
	tok := func(kind oauthclient.TokenKind, policy string, exp time.Time) *oauthclient.Token {
		return &oauthclient.Token{Kind: kind, ClientID: "client-1", GrantID: "g", Subject: "dev-1", PolicyID: policy,
			Scope: "read", IssuedAt: now.Add(-time.Minute), ExpiresAt: exp}
	}
	later := now.Add(time.Hour)
	s := &store{
		Store:  memory.New(),
		tokens: map[string]*oauthclient.Token{},
		policies: map[string]*catalogue.Policy{
			"payments": {ID: "payments", Active: true, AccessRights: []catalogue.AccessRight{{APIID: "payments-api"}}},
			"reports":  {ID: "reports", Active: true, AccessRights: []catalogue.AccessRight{{APIID: "reports-api"}}},
			"off":      {ID: "off", Active: false, AccessRights: []catalogue.AccessRight{{APIID: "payments-api"}}},
		},
	}
	for value, t := range map[string]*oauthclient.Token{
		valid:    tok(oauthclient.KindAccessToken, "payments", later),
		expired:  tok(oauthclient.KindAccessToken, "payments", now),
		refresh:  tok(oauthclient.KindRefreshToken, "payments", later),
		code:     tok(oauthclient.KindAuthorizationCode, "payments", later),
		otherAPI: tok(oauthclient.KindAccessToken, "reports", later),
		inactive: tok(oauthclient.KindAccessToken, "off", later),
		goneP:    tok(oauthclient.KindAccessToken, "deleted", later),
		noPolicy: tok(oauthclient.KindAccessToken, "", later),
	} {
		t.Hash = oauthclient.HashToken(value)
		s.tokens[t.Hash] = t
	}
	c := tok(oauthclient.KindAccessToken, "payments", later)
	c.Consumed = true
	s.tokens[oauthclient.HashToken(consumed)] = c
	return s
}

// gatewayServer is a Server over s whose clock is now.
func gatewayServer(t testing.TB, s *store, log io.Writer) *authserver.Server {
	t.Helper()
	svc, err := portal.New(portal.Config{Store: s, OAuth: oauthclient.Config{Now: func() time.Time { return now }}})
	require.NoError(t, err)
	srv, err := authserver.New(authserver.Config{Portal: svc, Issuer: "https://as.example.com",
		Logger: slog.New(slog.NewTextHandler(log, nil))})
	require.NoError(t, err)
	return srv
}

// protected is the middleware over an upstream that checks the context.
func protected(t *testing.T, s *store, log io.Writer) http.Handler {
	return gatewayServer(t, s, log).RequireToken(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tok, ok := authserver.TokenFromContext(r.Context())
		assert.True(t, ok, "the upstream sees the token")
		assert.Equal(t, "client-1", tok.ClientID)
		_, _ = io.WriteString(w, upstreamBody)
	}), "payments-api", authserver.WithRealm("payments"))
}

func TestMiddleware(t *testing.T) {
	t.Parallel()
	fail := errors.New("database unreachable")
	tests := []struct {
		name      string
		headers   []string // Authorization values
		target    string
		breakTok  bool
		breakPol  bool
		status    int
		challenge string // WWW-Authenticate
	}{
		{name: "valid token", headers: []string{"Bearer " + valid}, status: 200},
		{name: "scheme in lower case", headers: []string{"bearer " + valid}, status: 200},
		{name: "no Authorization", status: 401, challenge: `Bearer realm="payments"`},
		{name: "token in the query only", target: "/orders?access_token=" + valid, status: 401, challenge: `Bearer realm="payments"`},
		{name: "Basic scheme", headers: []string{"Basic dXNlcjpwYXNz"}, status: 401, challenge: `Bearer realm="payments"`},
		{name: "Authorization twice", headers: []string{"Bearer " + valid, "Bearer " + valid}, status: 400,
			challenge: `Bearer realm="payments", error="invalid_request", error_description="the Authorization header must not be repeated"`},
		{name: "Bearer without token", headers: []string{"Bearer"}, status: 401, challenge: invalidToken},
		{name: "Bearer with an empty token", headers: []string{"Bearer "}, status: 401, challenge: invalidToken},
		{name: "token with a space", headers: []string{"Bearer " + valid + " x"}, status: 401, challenge: invalidToken},
		{name: "token with a quote", headers: []string{`Bearer a"b`}, status: 401, challenge: invalidToken},
		{name: "unknown token", headers: []string{"Bearer poa_at_unknown"}, status: 401, challenge: invalidToken},
		{name: "expired token", headers: []string{"Bearer " + expired}, status: 401, challenge: invalidToken},
		{name: "consumed token", headers: []string{"Bearer " + consumed}, status: 401, challenge: invalidToken},
		{name: "refresh token", headers: []string{"Bearer " + refresh}, status: 401, challenge: invalidToken},
		{name: "authorization code", headers: []string{"Bearer " + code}, status: 401, challenge: invalidToken},
		{name: "policy of another API", headers: []string{"Bearer " + otherAPI}, status: 403, challenge: insufficient},
		{name: "inactive policy", headers: []string{"Bearer " + inactive}, status: 403,
			challenge: `Bearer realm="payments", error="insufficient_scope", error_description="the token's policy is not active"`},
		{name: "deleted policy", headers: []string{"Bearer " + goneP}, status: 403, challenge: insufficient},
		{name: "token without policy", headers: []string{"Bearer " + noPolicy}, status: 403, challenge: insufficient},
		{name: "token store failure", headers: []string{"Bearer " + valid}, breakTok: true, status: 503},
		{name: "policy store failure", headers: []string{"Bearer " + valid}, breakPol: true, status: 503},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := newStore()
			if tc.breakTok {
				s.tokenErr = fail
			}
			if tc.breakPol {
				s.policyErr = fail
			}
			var log bytes.Buffer
			target := tc.target
			if target == "" {
				target = "/orders"
			}
			req := httptest.NewRequest(http.MethodGet, target, nil)
			for _, h := range tc.headers {
				req.Header.Add("Authorization", h)
			}
			rec := httptest.NewRecorder()
			protected(t, s, &log).ServeHTTP(rec, req)

			assert.Equal(t, tc.status, rec.Code, rec.Body.String())
			assert.Equal(t, tc.challenge, rec.Header().Get("WWW-Authenticate"))
			if tc.status == http.StatusOK {
				assert.Equal(t, upstreamBody, rec.Body.String())
				return
			}
			assert.NotContains(t, rec.Body.String(), upstreamBody)
			assert.Equal(t, "no-store", rec.Header().Get("Cache-Control"))
			assert.Equal(t, "nosniff", rec.Header().Get("X-Content-Type-Options"))
			if tc.status == http.StatusServiceUnavailable {
				assert.Contains(t, log.String(), fail.Error(), "a store failure is logged")
				assert.NotContains(t, rec.Body.String(), fail.Error(), "and never shown")
			}
			assert.NotContains(t, log.String(), valid, "no token in the log")
		})
	}
}

const (
	invalidToken = `Bearer realm="payments", error="invalid_token", error_description="the access token is not valid"`
	insufficient = `Bearer realm="payments", error="insufficient_scope", error_description="the token's policy does not grant this API"`
)

func TestRevocationTakesEffectOnTheNextRequest(t *testing.T) {
	t.Parallel()
	s := newStore()
	h := protected(t, s, io.Discard)
	call := func() int {
		req := httptest.NewRequest(http.MethodGet, "/orders", nil)
		req.Header.Set("Authorization", "Bearer "+valid)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec.Code
	}
	require.Equal(t, http.StatusOK, call())
	s.revoke(valid)
	assert.Equal(t, http.StatusUnauthorized, call())
}

func TestRequireTokenPanicsWithoutRequiredArguments(t *testing.T) {
	t.Parallel()
	srv := gatewayServer(t, newStore(), io.Discard)
	ok := http.NotFoundHandler()
	assert.Panics(t, func() { srv.RequireToken(nil, "a") }, "no handler")
	assert.Panics(t, func() { srv.RequireToken(ok, "") }, "no API")
	assert.NotPanics(t, func() { srv.RequireToken(ok, "a") })
}

func TestCheckToken(t *testing.T) {
	t.Parallel()
	fail := errors.New("database unreachable")
	s := newStore()
	srv := gatewayServer(t, s, io.Discard)
	tok, err := srv.CheckToken(t.Context(), valid, "payments-api")
	require.NoError(t, err)
	assert.Equal(t, "client-1", tok.ClientID)
	for value, want := range map[string]error{
		expired: oauthclient.ErrInvalidToken, refresh: oauthclient.ErrInvalidToken, "poa_at_x": oauthclient.ErrInvalidToken,
		otherAPI: oauthclient.ErrInsufficientScope, inactive: oauthclient.ErrInsufficientScope, noPolicy: oauthclient.ErrInsufficientScope,
	} {
		_, err := srv.CheckToken(t.Context(), value, "payments-api")
		require.ErrorIs(t, err, want, value)
	}
	s.tokenErr = fail
	_, err = srv.CheckToken(t.Context(), valid, "payments-api")
	require.ErrorIs(t, err, fail)
	assert.Empty(t, oauthclient.Errors(err), "a store failure is no OAuth error")
}

func BenchmarkMiddleware(b *testing.B) {
	s := newStore()
	h := gatewayServer(b, s, io.Discard).RequireToken(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}), "payments-api")
	req := httptest.NewRequest(http.MethodGet, "/orders", nil)
	req.Header.Set("Authorization", "Bearer "+valid)
	b.ReportAllocs()
	for b.Loop() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatal(rec.Code)
		}
	}
}
