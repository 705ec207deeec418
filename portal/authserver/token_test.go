package authserver_test

import (
	"crypto/sha256"
	"encoding/base64"
	"log/slog"
	"net/url"
	"strings"
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

const (
	confRedirect   = "https://app.example.com/cb"
	publicRedirect = "http://127.0.0.1/cb"
	verifier       = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
)

// protocol is a Server over a portal with one API, a confidential client
// registered for every grant and a public client.
type protocol struct {
	srv    *authserver.Server
	store  *memory.Store
	conf   oauthclient.Credentials
	public oauthclient.Credentials
}

func newProtocol(t *testing.T) *protocol {
	t.Helper()
	return newProtocolClock(t, func() time.Time { return now })
}

// newProtocolClock is newProtocol with the portal's clock.
func newProtocolClock(t *testing.T, clock func() time.Time) *protocol {
	t.Helper()
	ctx := t.Context()
	st := memory.New()
	svc, err := portal.New(portal.Config{Store: st, OAuth: oauthclient.Config{Now: clock}})
	require.NoError(t, err)
	require.NoError(t, svc.AddAPI(ctx, &catalogue.API{ID: "payments", Name: "Payments", AuthMode: catalogue.AuthOAuth2, Active: true}))
	require.NoError(t, svc.AddPolicy(ctx, &catalogue.Policy{ID: "gold", Name: "Gold", Active: true, Scopes: []string{"read", "write"},
		AccessRights: []catalogue.AccessRight{{APIID: "payments"}}}))
	require.NoError(t, svc.AddEntry(ctx, &catalogue.Entry{ID: "payments", APIID: "payments", DisplayName: "Payments",
		PolicyIDs: []string{"gold"}, Visible: true}))
	dev, err := svc.RegisterDeveloper(ctx, portal.NewDeveloper{Email: "dev@example.com", Name: "Dev"})
	require.NoError(t, err)
	create := func(md oauthclient.Metadata) oauthclient.Credentials {
		nc, err := svc.CreateClient(ctx, dev.ID, portal.CreateClientRequest{EntryIDs: []string{"payments"}, Metadata: md})
		require.NoError(t, err)
		if nc.Secret.Reveal() == "" {
			return oauthclient.Credentials{ClientID: nc.Client.ID, Method: oauthclient.AuthMethodNone}
		}
		return oauthclient.Credentials{ClientID: nc.Client.ID, Secret: nc.Secret, Method: oauthclient.AuthMethodBasic}
	}
	p := &protocol{store: st}
	p.conf = create(oauthclient.Metadata{ClientName: "App", RedirectURIs: []string{confRedirect}, Scope: "read write",
		GrantTypes: []oauthclient.GrantType{oauthclient.GrantAuthorizationCode, oauthclient.GrantRefreshToken, oauthclient.GrantClientCredentials}})
	p.public = create(oauthclient.Metadata{ClientName: "CLI", RedirectURIs: []string{publicRedirect},
		TokenEndpointAuthMethod: oauthclient.AuthMethodNone,
		GrantTypes:              []oauthclient.GrantType{oauthclient.GrantAuthorizationCode, oauthclient.GrantRefreshToken}})
	p.srv, err = authserver.New(authserver.Config{Portal: svc, Issuer: "https://as.example.com", Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	return p
}

func challenge(v string) string {
	sum := sha256.Sum256([]byte(v))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// code runs the authorization request and consent for creds with PKCE.
func (p *protocol) code(t *testing.T, creds oauthclient.Credentials, redirect string) string {
	t.Helper()
	a, err := p.srv.Authorize(t.Context(), authserver.AuthorizeRequest{ClientID: creds.ClientID, RedirectURI: redirect,
		ResponseType: "code", State: "st", CodeChallenge: challenge(verifier), CodeChallengeMethod: "S256"})
	require.NoError(t, err)
	code, err := p.srv.IssueCode(t.Context(), a, "alice")
	require.NoError(t, err)
	u, err := url.Parse(a.CodeURL(code))
	require.NoError(t, err)
	assert.Equal(t, "st", u.Query().Get("state"))
	assert.Equal(t, "https://as.example.com", u.Query().Get("iss"))
	return u.Query().Get("code")
}

func TestClientCredentials(t *testing.T) {
	t.Parallel()
	p := newProtocol(t)
	resp, err := p.srv.Token(t.Context(), authserver.TokenRequest{Client: p.conf, GrantType: oauthclient.GrantClientCredentials, Scope: "read"})
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(resp.AccessToken, oauthclient.PrefixAccessToken))
	assert.Equal(t, "Bearer", resp.TokenType)
	assert.Equal(t, int64(3600), resp.ExpiresIn)
	assert.Equal(t, "read", resp.Scope)
	assert.Empty(t, resp.RefreshToken)

	tok, err := p.srv.CheckToken(t.Context(), resp.AccessToken, "payments")
	require.NoError(t, err)
	assert.Equal(t, "gold", tok.PolicyID)
	assert.Empty(t, tok.GrantID, "a client_credentials token belongs to no grant")

	for name, tc := range map[string]struct {
		req  authserver.TokenRequest
		want error
	}{
		"wrong secret": {authserver.TokenRequest{Client: oauthclient.Credentials{ClientID: p.conf.ClientID, Secret: oauthclient.NewPlaintext("x"),
			Method: oauthclient.AuthMethodBasic}, GrantType: oauthclient.GrantClientCredentials}, oauthclient.ErrInvalidClient},
		"scope not allowed": {authserver.TokenRequest{Client: p.conf, GrantType: oauthclient.GrantClientCredentials, Scope: "admin"}, oauthclient.ErrInvalidScope},
		"public client":     {authserver.TokenRequest{Client: p.public, GrantType: oauthclient.GrantClientCredentials}, oauthclient.ErrUnauthorizedClient},
		"no grant type":     {authserver.TokenRequest{Client: p.conf}, oauthclient.ErrInvalidRequest},
		"unknown grant":     {authserver.TokenRequest{Client: p.conf, GrantType: "password"}, oauthclient.ErrUnsupportedGrantType},
	} {
		_, err := p.srv.Token(t.Context(), tc.req)
		require.ErrorIs(t, err, tc.want, name)
	}
}

// TestTokenLifetimes checks that each stored token expires exactly its
// lifetime after it was issued, however the clock moves meanwhile.
func TestTokenLifetimes(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	clock := now
	p := newProtocolClock(t, func() time.Time { // a second later at every reading
		mu.Lock()
		defer mu.Unlock()
		clock = clock.Add(time.Second)
		return clock
	})
	ctx := t.Context()
	_, err := p.srv.Token(ctx, authserver.TokenRequest{Client: p.conf, GrantType: oauthclient.GrantClientCredentials})
	require.NoError(t, err)
	code := p.code(t, p.conf, confRedirect)
	_, err = p.srv.Token(ctx, authserver.TokenRequest{Client: p.conf, GrantType: oauthclient.GrantAuthorizationCode,
		Code: code, RedirectURI: confRedirect, CodeVerifier: verifier})
	require.NoError(t, err)

	toks, err := p.store.ListTokens(ctx, oauthclient.TokenFilter{ClientID: p.conf.ClientID})
	require.NoError(t, err)
	ttl := map[oauthclient.TokenKind]time.Duration{oauthclient.KindAccessToken: authserver.DefaultAccessTokenTTL,
		oauthclient.KindRefreshToken: authserver.DefaultRefreshTokenTTL, oauthclient.KindAuthorizationCode: authserver.DefaultCodeTTL}
	kinds := map[oauthclient.TokenKind]int{}
	for _, tok := range toks {
		kinds[tok.Kind]++
		assert.Equal(t, ttl[tok.Kind], tok.ExpiresAt.Sub(tok.IssuedAt), "%s", tok.Kind)
	}
	assert.Equal(t, map[oauthclient.TokenKind]int{oauthclient.KindAccessToken: 2, oauthclient.KindRefreshToken: 1,
		oauthclient.KindAuthorizationCode: 1}, kinds)
}

func TestAuthorizationCodeWithPKCE(t *testing.T) {
	t.Parallel()
	p := newProtocol(t)
	ctx := t.Context()
	code := p.code(t, p.public, "")
	redeem := func(code, v string) (*authserver.TokenResponse, error) {
		return p.srv.Token(ctx, authserver.TokenRequest{Client: p.public, GrantType: oauthclient.GrantAuthorizationCode,
			Code: code, CodeVerifier: v})
	}
	_, err := redeem(code, strings.Repeat("x", 43))
	require.ErrorIs(t, err, oauthclient.ErrInvalidGrant, "wrong verifier")
	resp, err := redeem(code, verifier)
	require.NoError(t, err, "a failed attempt leaves the code redeemable")
	require.NotEmpty(t, resp.RefreshToken)

	_, err = redeem(code, verifier)
	require.ErrorIs(t, err, oauthclient.ErrInvalidGrant, "a code is good once")
	_, err = p.srv.CheckToken(ctx, resp.AccessToken, "payments")
	require.ErrorIs(t, err, oauthclient.ErrInvalidToken, "its replay revoked the grant")
}

// TestAuthorizeRefusals: every refusal of an authorization request is for
// the user to see, none is redirected to the client: an unauthenticated
// visitor is never sent to a redirect URI (RFC 9700 §4.11.2).
func TestAuthorizeRefusals(t *testing.T) {
	t.Parallel()
	p := newProtocol(t)
	valid := authserver.AuthorizeRequest{ClientID: p.public.ClientID, RedirectURI: publicRedirect, ResponseType: "code",
		CodeChallenge: challenge(verifier), CodeChallengeMethod: "S256"}
	tests := map[string]struct {
		edit       func(r *authserver.AuthorizeRequest)
		want       error
		redirected bool // always false
	}{
		"unknown client":     {func(r *authserver.AuthorizeRequest) { r.ClientID = "nobody" }, oauthclient.ErrInvalidRequest, false},
		"unregistered URI":   {func(r *authserver.AuthorizeRequest) { r.RedirectURI = publicRedirect + "-evil" }, oauthclient.ErrRedirectMismatch, false},
		"repeated client_id": {func(r *authserver.AuthorizeRequest) { r.Repeated = []string{"client_id"} }, oauthclient.ErrInvalidRequest, false},
		"repeated state":     {func(r *authserver.AuthorizeRequest) { r.Repeated = []string{"state"} }, oauthclient.ErrInvalidRequest, false},
		"token response":     {func(r *authserver.AuthorizeRequest) { r.ResponseType = "token" }, oauthclient.ErrUnsupportedResponseType, false},
		"public without PKCE": {func(r *authserver.AuthorizeRequest) { r.CodeChallenge, r.CodeChallengeMethod = "", "" },
			oauthclient.ErrInvalidRequest, false},
		"plain PKCE":    {func(r *authserver.AuthorizeRequest) { r.CodeChallengeMethod = "plain" }, oauthclient.ErrInvalidRequest, false},
		"unknown scope": {func(r *authserver.AuthorizeRequest) { r.Scope = "admin" }, oauthclient.ErrInvalidScope, false},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			req := valid
			tc.edit(&req)
			a, err := p.srv.Authorize(t.Context(), req)
			require.ErrorIs(t, err, tc.want)
			assert.Nil(t, a, "never redirected")
		})
	}
}

func TestParseAuthorizeRequest(t *testing.T) {
	t.Parallel()
	vals := url.Values{"client_id": {"c"}, "state": {"a", "b"}, "scope": {""}, "response_type": {"code"}}
	req := authserver.ParseAuthorizeRequest(vals)
	assert.Equal(t, authserver.AuthorizeRequest{ClientID: "c", ResponseType: "code", State: "a", Repeated: []string{"state"}}, req)
	assert.Equal(t, url.Values{"client_id": {"c"}, "response_type": {"code"}, "state": {"a"}}, req.Values())
}

func TestRefreshRotationAndReuse(t *testing.T) {
	t.Parallel()
	p := newProtocol(t)
	ctx := t.Context()
	first, err := p.srv.Token(ctx, authserver.TokenRequest{Client: p.conf, GrantType: oauthclient.GrantAuthorizationCode,
		Code: p.code(t, p.conf, confRedirect), RedirectURI: confRedirect, CodeVerifier: verifier})
	require.NoError(t, err)
	refresh := func(rt, scope string) (*authserver.TokenResponse, error) {
		return p.srv.Token(ctx, authserver.TokenRequest{Client: p.conf, GrantType: oauthclient.GrantRefreshToken, RefreshToken: rt, Scope: scope})
	}
	_, err = refresh(first.RefreshToken, "read write admin")
	require.ErrorIs(t, err, oauthclient.ErrInvalidScope, "no wider than the grant")
	second, err := refresh(first.RefreshToken, "read")
	require.NoError(t, err)
	assert.Equal(t, "read", second.Scope)
	assert.NotEqual(t, first.RefreshToken, second.RefreshToken, "rotated")

	_, err = refresh(first.RefreshToken, "")
	require.ErrorIs(t, err, oauthclient.ErrInvalidGrant, "the old one is used up")
	_, err = refresh(second.RefreshToken, "")
	require.ErrorIs(t, err, oauthclient.ErrInvalidGrant, "and its reuse revoked the grant")
	in, err := p.srv.IntrospectToken(ctx, p.conf.ClientID, second.AccessToken)
	require.NoError(t, err)
	assert.False(t, in.Active)
}

func TestIntrospectAndRevoke(t *testing.T) {
	t.Parallel()
	p := newProtocol(t)
	ctx := t.Context()
	resp, err := p.srv.Token(ctx, authserver.TokenRequest{Client: p.conf, GrantType: oauthclient.GrantClientCredentials})
	require.NoError(t, err)

	in, err := p.srv.Introspect(ctx, authserver.IntrospectionRequest{Client: p.conf, Token: resp.AccessToken})
	require.NoError(t, err)
	assert.Equal(t, authserver.Introspection{Active: true, ClientID: p.conf.ClientID, Scope: "read write", TokenType: "Bearer",
		ExpiresAt: now.Add(time.Hour).Unix(), IssuedAt: now.Unix(), Issuer: "https://as.example.com"}, in)
	_, err = p.srv.Introspect(ctx, authserver.IntrospectionRequest{Client: p.public, Token: resp.AccessToken})
	require.ErrorIs(t, err, oauthclient.ErrInvalidClient, "public clients may not introspect")
	_, err = p.srv.Introspect(ctx, authserver.IntrospectionRequest{Client: p.conf})
	require.ErrorIs(t, err, oauthclient.ErrInvalidRequest)

	require.NoError(t, p.srv.Revoke(ctx, authserver.RevocationRequest{Client: p.public, Token: resp.AccessToken}),
		"another client's token: no error")
	in, err = p.srv.IntrospectToken(ctx, p.conf.ClientID, resp.AccessToken)
	require.NoError(t, err)
	assert.True(t, in.Active, "and left alone")
	require.NoError(t, p.srv.Revoke(ctx, authserver.RevocationRequest{Client: p.conf, Token: resp.AccessToken}))
	in, err = p.srv.IntrospectToken(ctx, p.conf.ClientID, resp.AccessToken)
	require.NoError(t, err)
	assert.False(t, in.Active)
	require.ErrorIs(t, p.srv.Revoke(ctx, authserver.RevocationRequest{Client: p.conf}), oauthclient.ErrInvalidRequest)
}
