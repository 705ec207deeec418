package e2e_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"github.com/portaloauth/portaloauth/examples/portal/authserver"
	"github.com/portaloauth/portaloauth/oauthclient"
)

// oauthContext makes golang.org/x/oauth2 use the test server's client.
func (f *fixture) oauthContext(t *testing.T) context.Context {
	return context.WithValue(t.Context(), oauth2.HTTPClient, f.srv.Client())
}

// ccConfig is a clientcredentials.Config for the client, with its
// registered authentication method.
func (f *fixture) ccConfig(c testClient, scopes ...string) *clientcredentials.Config {
	style := oauth2.AuthStyleInHeader
	if c.TokenEndpointAuthMethod == oauthclient.AuthMethodPost {
		style = oauth2.AuthStyleInParams
	}
	return &clientcredentials.Config{
		ClientID: c.ID, ClientSecret: c.secret, TokenURL: f.issuer + authserver.PathToken, Scopes: scopes, AuthStyle: style,
	}
}

// get sends GET url with the client and returns the status, the
// WWW-Authenticate header and the body.
func get(t *testing.T, client *http.Client, u string) (int, string, string) {
	t.Helper()
	resp, err := client.Get(u)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, resp.Header.Get("WWW-Authenticate"), string(body)
}

// postForm posts a form with client_secret_basic credentials over the
// network and decodes the JSON answer, if any.
func (f *fixture) postForm(t *testing.T, path string, c testClient, form url.Values) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, f.issuer+path, strings.NewReader(form.Encode()))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(url.QueryEscape(c.ID), url.QueryEscape(c.secret))
	resp, err := f.srv.Client().Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	var body map[string]any
	if raw, _ := io.ReadAll(resp.Body); len(raw) > 0 {
		require.NoError(t, json.Unmarshal(raw, &body), string(raw))
	}
	return resp.StatusCode, body
}

func (f *fixture) introspect(t *testing.T, c testClient, token string) map[string]any {
	t.Helper()
	status, body := f.postForm(t, authserver.PathIntrospect, c, url.Values{"token": {token}})
	require.Equal(t, http.StatusOK, status)
	return body
}

// retrieveError requires err to be a token endpoint error with the code.
func retrieveError(t *testing.T, err error, code string) *oauth2.RetrieveError {
	t.Helper()
	var re *oauth2.RetrieveError
	require.ErrorAs(t, err, &re)
	assert.Equal(t, code, re.ErrorCode)
	return re
}

func TestClientCredentialsGatewayRevocation(t *testing.T) {
	t.Parallel()
	f := newFixture(t, withServer)
	ctx := f.oauthContext(t)
	api := f.issuer + "/api/" + apiPayments + "/orders"

	for _, c := range []testClient{f.conf, f.post} {
		cc := f.ccConfig(c, "read")
		tok, err := cc.Token(ctx)
		require.NoError(t, err, c.ClientName)
		assert.Equal(t, "Bearer", tok.TokenType)
		assert.Empty(t, tok.RefreshToken, "client_credentials issues no refresh token")
		assert.Equal(t, "read", tok.Extra("scope"))
		assert.WithinDuration(t, time.Now().Add(time.Hour), tok.Expiry, time.Minute)

		client := oauth2.NewClient(ctx, oauth2.StaticTokenSource(tok))
		status, _, body := get(t, client, api)
		require.Equal(t, http.StatusOK, status, body)
		assert.Contains(t, body, c.ID)

		status, challenge, _ := get(t, client, f.issuer+"/api/"+apiReports+"/orders")
		assert.Equal(t, http.StatusForbidden, status, "the payments policy does not grant the reports API")
		assert.Contains(t, challenge, `error="insufficient_scope"`)

		info := f.introspect(t, f.conf, tok.AccessToken)
		if c.ID == f.conf.ID {
			assert.Equal(t, true, info["active"])
			assert.Equal(t, c.ID, info["client_id"])
			assert.Equal(t, "read", info["scope"])
			assert.Equal(t, "Bearer", info["token_type"])
			assert.InDelta(t, float64(f.clock.Now().Unix()), info["iat"], 0)
			assert.InDelta(t, float64(f.clock.Now().Add(time.Hour).Unix()), info["exp"], 0)
		} else {
			assert.Equal(t, map[string]any{"active": false}, info, "another client's token is inactive to this one")
		}

		// RFC 7009: revoke, and the very next call is refused.
		form := url.Values{"token": {tok.AccessToken}, "token_type_hint": {"access_token"}}
		if c.TokenEndpointAuthMethod == oauthclient.AuthMethodPost {
			form.Set("client_id", c.ID)
			form.Set("client_secret", c.secret)
			resp, err := f.srv.Client().PostForm(f.issuer+authserver.PathRevoke, form)
			require.NoError(t, err)
			require.NoError(t, resp.Body.Close())
			require.Equal(t, http.StatusOK, resp.StatusCode)
		} else {
			status, _ := f.postForm(t, authserver.PathRevoke, c, form)
			require.Equal(t, http.StatusOK, status)
		}
		status, challenge, _ = get(t, client, api)
		assert.Equal(t, http.StatusUnauthorized, status)
		assert.Contains(t, challenge, `error="invalid_token"`)
		assert.Equal(t, map[string]any{"active": false}, f.introspect(t, f.conf, tok.AccessToken))
	}
}

func TestDynamicRegistration(t *testing.T) {
	t.Parallel()
	f := newFixture(t, withServer)
	ctx := f.oauthContext(t)
	web := f.srv.Client()

	send := func(method, u, bearer, body string) (*http.Response, map[string]any) {
		t.Helper()
		req, err := http.NewRequestWithContext(ctx, method, u, strings.NewReader(body))
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer "+bearer)
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		resp, err := web.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		var out map[string]any
		if raw, _ := io.ReadAll(resp.Body); len(raw) > 0 {
			require.NoError(t, json.Unmarshal(raw, &out), string(raw))
		}
		return resp, out
	}

	resp, info := send(http.MethodPost, f.issuer+authserver.PathRegister, f.iat, `{
		"client_name": "Registered app",
		"redirect_uris": ["https://reg.example.com/cb"],
		"grant_types": ["client_credentials", "authorization_code"],
		"token_endpoint_auth_method": "client_secret_post",
		"scope": "read",
		"software_id": "reg-app"
	}`)
	require.Equal(t, http.StatusCreated, resp.StatusCode, info)
	assert.Equal(t, "no-store", resp.Header.Get("Cache-Control"))
	id, _ := info["client_id"].(string)
	secret, _ := info["client_secret"].(string)
	rat, _ := info["registration_access_token"].(string)
	require.NotEmpty(t, id)
	require.NotEmpty(t, secret)
	require.NotEmpty(t, rat)
	assert.Equal(t, f.issuer+authserver.PathRegister+"/"+id, info["registration_client_uri"])
	assert.InDelta(t, float64(f.clock.Now().Unix()), info["client_id_issued_at"], 0)
	assert.InDelta(t, 0, info["client_secret_expires_at"], 0)
	assert.Equal(t, "Registered app", info["client_name"])
	assert.Equal(t, []any{"https://reg.example.com/cb"}, info["redirect_uris"])
	assert.Equal(t, "reg-app", info["software_id"])

	stored, err := f.store.GetClient(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, f.alice.ID, stored.DeveloperID, "the initial access token's developer owns the client")
	assert.Equal(t, oauthclient.HashToken(rat), stored.RegistrationTokenHash)
	for _, s := range stored.Secrets {
		assert.NotContains(t, s.Hash, secret)
	}

	// The registered client works with golang.org/x/oauth2.
	reg := testClient{Client: stored, secret: secret}
	tok, err := f.ccConfig(reg).Token(ctx)
	require.NoError(t, err)
	status, _, body := get(t, f.ccConfig(reg).Client(ctx), f.issuer+"/api/"+apiPayments+"/x")
	require.Equal(t, http.StatusOK, status, body)

	// RFC 7592 read: never the secret; the configuration URI and a new
	// registration access token that replaces the old one (§3).
	uri := info["registration_client_uri"].(string)
	resp, read := send(http.MethodGet, uri, rat, "")
	require.Equal(t, http.StatusOK, resp.StatusCode, read)
	assert.Equal(t, id, read["client_id"])
	assert.NotContains(t, read, "client_secret")
	assert.Equal(t, uri, read["registration_client_uri"])
	require.NotEmpty(t, read["registration_access_token"])
	resp, _ = send(http.MethodGet, uri, rat, "")
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode, "the old registration access token is replaced")
	rat = read["registration_access_token"].(string)

	// RFC 7592 update: the body replaces the metadata.
	resp, updated := send(http.MethodPut, uri, rat, `{
		"client_id": "`+id+`", "client_secret": "`+secret+`",
		"client_name": "Renamed app", "redirect_uris": ["https://reg.example.com/cb", "https://reg.example.com/cb2"],
		"grant_types": ["client_credentials", "authorization_code"], "token_endpoint_auth_method": "client_secret_post",
		"scope": "read"
	}`)
	require.Equal(t, http.StatusOK, resp.StatusCode, updated)
	assert.Equal(t, "Renamed app", updated["client_name"])
	assert.NotContains(t, updated, "client_secret")
	assert.Equal(t, uri, updated["registration_client_uri"])
	require.NotEmpty(t, updated["registration_access_token"])
	rat = updated["registration_access_token"].(string)
	stored, err = f.store.GetClient(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, []string{"https://reg.example.com/cb", "https://reg.example.com/cb2"}, stored.RedirectURIs)
	assert.Empty(t, stored.SoftwareID, "a member left out of the PUT is removed")

	// RFC 7592 delete: 204, and the client's tokens die at once.
	resp, _ = send(http.MethodDelete, uri, rat, "")
	require.Equal(t, http.StatusNoContent, resp.StatusCode)
	rec := f.callAPI(apiPayments, tok.AccessToken)
	assert.Equal(t, http.StatusUnauthorized, rec.Code)
	resp, _ = send(http.MethodGet, uri, rat, "")
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
	_, err = f.ccConfig(reg).Token(ctx)
	retrieveError(t, err, "invalid_client")
}

// browser is a user agent with cookies that stops at redirects to the
// client (any other host than the server's).
func (f *fixture) browser(t *testing.T) *http.Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	host := f.srv.Listener.Addr().String()
	return &http.Client{Jar: jar, Transport: f.srv.Client().Transport,
		CheckRedirect: func(req *http.Request, _ []*http.Request) error {
			if req.URL.Host != host {
				return http.ErrUseLastResponse
			}
			return nil
		}}
}

// authorizeInBrowser goes through the authorization request as the user
// logs in, reads the consent page and approves; it returns the redirect's
// query.
func (f *fixture) authorizeInBrowser(t *testing.T, authURL, user string) url.Values {
	t.Helper()
	b := f.browser(t)
	noFollow := *b
	noFollow.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

	// Not logged in: sent to the login page, which comes back.
	resp, err := noFollow.Get(authURL)
	require.NoError(t, err)
	require.NoError(t, resp.Body.Close())
	require.Equal(t, http.StatusFound, resp.StatusCode)
	loginURL := resp.Header.Get("Location")
	require.True(t, strings.HasPrefix(loginURL, "/login?return_to="), loginURL)

	resp, err = b.Get(f.issuer + loginURL + "&user=" + url.QueryEscape(user))
	require.NoError(t, err)
	page, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.NoError(t, resp.Body.Close())
	require.Equal(t, http.StatusOK, resp.StatusCode, string(page))
	assert.Contains(t, resp.Header.Get("Content-Security-Policy"), "frame-ancestors 'none'")
	assert.Equal(t, "no-store", resp.Header.Get("Cache-Control"))

	form := hiddenInputs(t, string(page))
	form.Set("decision", "approve")
	resp, err = b.PostForm(f.issuer+authserver.PathAuthorize, form)
	return redirectQuery(t, resp, err, http.StatusSeeOther)
}

// redirectQuery requires a redirect with the status and returns the query
// of its Location.
func redirectQuery(t *testing.T, resp *http.Response, err error, status int) url.Values {
	t.Helper()
	require.NoError(t, err)
	require.NoError(t, resp.Body.Close())
	require.Equal(t, status, resp.StatusCode)
	loc, err := url.Parse(resp.Header.Get("Location"))
	require.NoError(t, err)
	return loc.Query()
}

func TestAuthorizationCodePKCERefresh(t *testing.T) {
	t.Parallel()
	f := newFixture(t, withServer)
	ctx := f.oauthContext(t)
	conf := &oauth2.Config{
		ClientID: f.conf.ID, ClientSecret: f.conf.secret,
		// A loopback redirect URI matches whatever its port (RFC 8252 §7.3).
		RedirectURL: "http://127.0.0.1:49152/cb",
		Scopes:      []string{"read", "write"},
		Endpoint: oauth2.Endpoint{AuthURL: f.issuer + authserver.PathAuthorize, TokenURL: f.issuer + authserver.PathToken,
			AuthStyle: oauth2.AuthStyleInHeader},
	}
	verifier := oauth2.GenerateVerifier()
	back := f.authorizeInBrowser(t, conf.AuthCodeURL("state-42", oauth2.S256ChallengeOption(verifier)), f.bob.ID)
	assert.Equal(t, "state-42", back.Get("state"))
	assert.Equal(t, f.issuer, back.Get("iss"))
	code := back.Get("code")
	require.NotEmpty(t, code, back)

	_, err := conf.Exchange(ctx, code, oauth2.VerifierOption(oauth2.GenerateVerifier()))
	retrieveError(t, err, "invalid_grant")
	tok, err := conf.Exchange(ctx, code, oauth2.VerifierOption(verifier))
	require.NoError(t, err, "a wrong verifier does not use the code up")
	require.NotEmpty(t, tok.RefreshToken)
	assert.Equal(t, "read write", tok.Extra("scope"))
	info := f.introspect(t, f.conf, tok.AccessToken)
	assert.Equal(t, f.bob.ID, info["sub"], "the token's subject is the user who consented")

	status, _, body := get(t, conf.Client(ctx, tok), f.issuer+"/api/"+apiPayments+"/orders")
	require.Equal(t, http.StatusOK, status, body)

	// Refresh: a new access token and a new refresh token.
	fresh, err := conf.TokenSource(ctx, &oauth2.Token{RefreshToken: tok.RefreshToken}).Token()
	require.NoError(t, err)
	assert.NotEqual(t, tok.AccessToken, fresh.AccessToken)
	assert.NotEqual(t, tok.RefreshToken, fresh.RefreshToken, "refresh tokens rotate")
	assert.Equal(t, http.StatusOK, f.callAPI(apiPayments, fresh.AccessToken).Code)

	// Reusing the old refresh token revokes the whole grant.
	_, err = conf.TokenSource(ctx, &oauth2.Token{RefreshToken: tok.RefreshToken}).Token()
	retrieveError(t, err, "invalid_grant")
	assert.Equal(t, http.StatusUnauthorized, f.callAPI(apiPayments, fresh.AccessToken).Code)
	assert.Equal(t, http.StatusUnauthorized, f.callAPI(apiPayments, tok.AccessToken).Code)
	_, err = conf.TokenSource(ctx, &oauth2.Token{RefreshToken: fresh.RefreshToken}).Token()
	retrieveError(t, err, "invalid_grant")
}

func TestPublicClientPKCEAndCodeReplay(t *testing.T) {
	t.Parallel()
	f := newFixture(t, withServer)
	ctx := f.oauthContext(t)
	conf := &oauth2.Config{
		ClientID: f.public.ID, RedirectURL: publicRedirect,
		Endpoint: oauth2.Endpoint{AuthURL: f.issuer + authserver.PathAuthorize, TokenURL: f.issuer + authserver.PathToken,
			AuthStyle: oauth2.AuthStyleInParams},
	}
	// Without PKCE a public client's request is refused on an error page.
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, conf.AuthCodeURL("s1"), nil)
	require.NoError(t, err)
	req.AddCookie(&http.Cookie{Name: userCookie, Value: f.alice.ID})
	resp, err := f.srv.Client().Do(req)
	require.NoError(t, err)
	_ = resp.Body.Close()
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	assert.Equal(t, f.issuer+authserver.PathAuthorize, resp.Request.URL.Scheme+"://"+resp.Request.URL.Host+resp.Request.URL.Path, "not redirected")

	verifier := oauth2.GenerateVerifier()
	back := f.authorizeInBrowser(t, conf.AuthCodeURL("s2", oauth2.S256ChallengeOption(verifier)), f.alice.ID)
	code := back.Get("code")
	tok, err := conf.Exchange(ctx, code, oauth2.VerifierOption(verifier))
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, f.callAPI(apiPayments, tok.AccessToken).Code)

	// The code again: refused, and every token of its grant revoked.
	_, err = conf.Exchange(ctx, code, oauth2.VerifierOption(verifier))
	retrieveError(t, err, "invalid_grant")
	assert.Equal(t, http.StatusUnauthorized, f.callAPI(apiPayments, tok.AccessToken).Code)
	_, err = conf.TokenSource(ctx, &oauth2.Token{RefreshToken: tok.RefreshToken}).Token()
	retrieveError(t, err, "invalid_grant")
}

func TestRotateSecretGracePeriod(t *testing.T) {
	t.Parallel()
	f := newFixture(t, withServer)
	ctx := f.oauthContext(t)
	old := f.ccConfig(f.conf)
	_, err := old.Token(ctx)
	require.NoError(t, err)

	rotated, err := f.portal.RotateSecret(ctx, f.alice.ID, f.conf.ID, time.Hour)
	require.NoError(t, err)
	fresh := f.ccConfig(testClient{Client: rotated.Client, secret: rotated.Secret.Reveal()})

	f.clock.Advance(59 * time.Minute)
	_, err = old.Token(ctx)
	require.NoError(t, err, "the old secret works during the grace period")
	_, err = fresh.Token(ctx)
	require.NoError(t, err)

	f.clock.Advance(2 * time.Minute)
	_, err = old.Token(ctx)
	re := retrieveError(t, err, "invalid_client")
	assert.Equal(t, http.StatusUnauthorized, re.Response.StatusCode)
	assert.Contains(t, re.Response.Header.Get("WWW-Authenticate"), "Basic")
	_, err = fresh.Token(ctx)
	require.NoError(t, err, "the new secret works after the grace period")
}

func TestDeletedClientTokensDie(t *testing.T) {
	t.Parallel()
	f := newFixture(t, withServer)
	ctx := f.oauthContext(t)
	cc := f.clientCredentials(t, f.conf)
	code := f.codeTokens(t, f.conf)
	for _, tok := range []string{cc.AccessToken, code.AccessToken} {
		require.Equal(t, http.StatusOK, f.callAPI(apiPayments, tok).Code)
	}

	require.NoError(t, f.portal.DeleteClient(ctx, f.alice.ID, f.conf.ID))
	for _, tok := range []string{cc.AccessToken, code.AccessToken, code.RefreshToken} {
		info, err := f.server.IntrospectToken(ctx, f.conf.ID, tok)
		require.NoError(t, err)
		assert.False(t, info.Active)
	}
	for _, tok := range []string{cc.AccessToken, code.AccessToken} {
		assert.Equal(t, http.StatusUnauthorized, f.callAPI(apiPayments, tok).Code)
	}
	status, body := f.postForm(t, authserver.PathToken, f.conf,
		url.Values{"grant_type": {"refresh_token"}, "refresh_token": {code.RefreshToken}})
	assert.Equal(t, http.StatusUnauthorized, status)
	assert.Equal(t, "invalid_client", body["error"])
}

func TestAdminActionsStopTokens(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	for name, act := range map[string]func(f *fixture) error{
		"revoke tokens": func(f *fixture) error {
			_, err := f.portal.RevokeTokens(ctx, f.alice.ID, f.conf.ID)
			return err
		},
		"disable client":       func(f *fixture) error { return f.portal.DisableClient(ctx, "admin", f.conf.ID) },
		"deactivate developer": func(f *fixture) error { return f.portal.DeactivateDeveloper(ctx, "admin", f.alice.ID) },
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t)
			tok := f.clientCredentials(t, f.conf)
			require.Equal(t, http.StatusOK, f.callAPI(apiPayments, tok.AccessToken).Code)
			require.NoError(t, act(f))
			assert.Equal(t, http.StatusUnauthorized, f.callAPI(apiPayments, tok.AccessToken).Code)
		})
	}
}

func TestBasicCredentialsAreFormURLEncoded(t *testing.T) {
	t.Parallel()
	f := newFixture(t, withServer)
	ctx := f.oauthContext(t)
	const id, secret = "app id:1+é/%", "s3cr:t +/=&%é"
	hash, err := (&oauthclient.Hasher{}).Hash(oauthclient.NewPlaintext(secret))
	require.NoError(t, err)
	now := f.clock.Now()
	require.NoError(t, f.store.CreateClient(ctx, &oauthclient.Client{
		ID: id, DeveloperID: f.alice.ID, APIIDs: []string{apiPayments}, PolicyID: policyPayments,
		Metadata: oauthclient.Metadata{ClientName: "Encoded", TokenEndpointAuthMethod: oauthclient.AuthMethodBasic,
			GrantTypes: []oauthclient.GrantType{oauthclient.GrantClientCredentials}},
		Status:    oauthclient.StatusActive,
		Secrets:   []oauthclient.Secret{{ID: "s1", Hash: hash, Hint: "s3cr…", CreatedAt: now}},
		CreatedAt: now, UpdatedAt: now, Version: 1,
	}))

	cc := &clientcredentials.Config{ClientID: id, ClientSecret: secret, TokenURL: f.issuer + authserver.PathToken,
		AuthStyle: oauth2.AuthStyleInHeader}
	tok, err := cc.Token(ctx)
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, f.callAPI(apiPayments, tok.AccessToken).Code)

	// The same credentials without the form-urlencoding are refused.
	req := formRequest(authserver.PathToken, url.Values{"grant_type": {"client_credentials"}})
	req.SetBasicAuth(id, secret)
	rec := f.serve(req)
	assert.Equal(t, http.StatusBadRequest, rec.Code, rec.Body.String())
	assert.Contains(t, rec.Body.String(), `"error":"invalid_request"`)
}

func TestServerMetadata(t *testing.T) {
	t.Parallel()
	f := newFixture(t, withServer)
	resp, err := f.srv.Client().Get(f.issuer + authserver.PathMetadata)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	var md map[string]any
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&md))
	assert.Equal(t, f.issuer, md["issuer"])
	for field, path := range map[string]string{
		"authorization_endpoint": authserver.PathAuthorize, "token_endpoint": authserver.PathToken,
		"revocation_endpoint": authserver.PathRevoke, "introspection_endpoint": authserver.PathIntrospect,
		"registration_endpoint": authserver.PathRegister,
	} {
		assert.Equal(t, f.issuer+path, md[field], field)
	}
	assert.Equal(t, []any{"code"}, md["response_types_supported"])
	assert.Equal(t, []any{"S256"}, md["code_challenge_methods_supported"])
	assert.ElementsMatch(t, []any{"authorization_code", "client_credentials", "refresh_token"}, md["grant_types_supported"])
	assert.ElementsMatch(t, []any{"client_secret_basic", "client_secret_post", "none"}, md["token_endpoint_auth_methods_supported"])
	assert.ElementsMatch(t, []any{"client_secret_basic", "client_secret_post"}, md["introspection_endpoint_auth_methods_supported"])
	assert.NotEmpty(t, md["revocation_endpoint_auth_methods_supported"])
	assert.Equal(t, "nosniff", resp.Header.Get("X-Content-Type-Options"))
}
