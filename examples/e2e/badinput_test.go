package e2e_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portaloauth/portaloauth/examples/portal/authserver"
	"github.com/portaloauth/portaloauth/oauthclient"
)

// badCase is a request the server must refuse with a 4xx (or, for
// revocation and introspection of another client's token, answer without
// effect).
type badCase struct {
	name string
	// request builds the request on a fresh fixture; what it does to the
	// store happens before the "before" snapshot.
	request func(t *testing.T, f *fixture) *http.Request
	status  int
	// code is the JSON body's or the redirect's "error"; "" for an error
	// page, an empty body or a redirect to the login page.
	code string
	// changes: the store may change (a replay revokes a grant).
	changes bool
	check   func(t *testing.T, f *fixture, rec *httptest.ResponseRecorder)
}

const verifier = "vvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvv" // 43 characters

// Request builders.

func rawRequest(method, path, contentType, body string) *http.Request {
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	return req
}

func withHeader(req *http.Request, key, value string) *http.Request {
	req.Header.Add(key, value)
	return req
}

func jsonRequest(method, path, bearer, body string) *http.Request {
	req := rawRequest(method, path, "application/json", body)
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	return req
}

// tokenReq is a token request by the client with its registered
// authentication (public clients: client_id in the body).
func tokenReq(c testClient, form url.Values) *http.Request {
	switch c.TokenEndpointAuthMethod {
	case oauthclient.AuthMethodPost:
		form.Set("client_id", c.ID)
		form.Set("client_secret", c.secret)
		return formRequest(authserver.PathToken, form)
	case oauthclient.AuthMethodNone:
		form.Set("client_id", c.ID)
		return formRequest(authserver.PathToken, form)
	}
	return basicRequest(authserver.PathToken, c, form)
}

func ccForm() url.Values { return url.Values{"grant_type": {"client_credentials"}} }

// codeForm redeems code as f.conf's authorization would.
func codeForm(code string) url.Values {
	return url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {confRedirect},
		"code_verifier": {verifier}}
}

func refreshForm(rt string) url.Values {
	return url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}}
}

// confCode is an authorization code for f.conf with PKCE.
func confCode(t *testing.T, f *fixture) string {
	return f.authorize(t, authorizeQuery(f.conf, verifier))
}

// authorizeGet is a logged-in GET of the authorization endpoint.
func authorizeGet(f *fixture, q url.Values) *http.Request {
	req := httptest.NewRequest(http.MethodGet, authserver.PathAuthorize+"?"+q.Encode(), nil)
	req.AddCookie(&http.Cookie{Name: userCookie, Value: f.alice.ID})
	return req
}

// confQuery is a valid authorization request of f.conf, changed by edit.
func confQuery(f *fixture, edit func(q url.Values)) url.Values {
	q := authorizeQuery(f.conf, verifier)
	q.Set("scope", "read")
	if edit != nil {
		edit(q)
	}
	return q
}

// consent is the consent form of a valid request of f.conf as alice,
// changed by edit.
func consent(t *testing.T, f *fixture, edit func(form url.Values)) url.Values {
	form := f.consentForm(t, confQuery(f, nil), f.alice.ID)
	form.Set("decision", "approve")
	if edit != nil {
		edit(form)
	}
	return form
}

func consentPost(form url.Values, user string) *http.Request {
	req := formRequest(authserver.PathAuthorize, form)
	if user != "" {
		req.AddCookie(&http.Cookie{Name: userCookie, Value: user})
	}
	return req
}

// registered registers a client through RFC 7591 and returns its ID, its
// registration access token and its secret.
func registered(t *testing.T, f *fixture) (id, rat, secret string) {
	rec := f.serve(jsonRequest(http.MethodPost, authserver.PathRegister, f.iat, regBody))
	info := decode[map[string]any](t, rec, http.StatusCreated)
	return info["client_id"].(string), info["registration_access_token"].(string), info["client_secret"].(string)
}

const regBody = `{"client_name":"Reg","redirect_uris":["https://reg.example.com/cb"],"grant_types":["authorization_code"]}`

// update is an RFC 7592 PUT body for the client.
func update(id string, extra string) string {
	return `{"client_id":"` + id + `","client_name":"Reg","redirect_uris":["https://reg.example.com/cb"],` +
		`"grant_types":["authorization_code"]` + extra + `}`
}

func big(n int) string { return "grant_type=client_credentials&pad=" + strings.Repeat("a", n) }

// tokensOf lists the client's tokens.
func tokensOf(t *testing.T, f *fixture, clientID string) []*oauthclient.Token {
	toks, err := f.store.ListTokens(context.Background(), oauthclient.TokenFilter{ClientID: clientID})
	require.NoError(t, err)
	return toks
}

// noTokensLeft checks that a replay revoked every token of f.conf.
func noTokensLeft(t *testing.T, f *fixture, _ *httptest.ResponseRecorder) {
	assert.Empty(t, tokensOf(t, f, f.conf.ID), "the replay revoked the grant")
}

// deactivatePolicy turns the payments policy off, behind the portal's back.
func deactivatePolicy(t *testing.T, f *fixture) {
	p, err := f.store.GetPolicy(context.Background(), policyPayments)
	require.NoError(t, err)
	p.Active = false
	require.NoError(t, f.store.UpdatePolicy(context.Background(), p))
}

func inactive(t *testing.T, _ *fixture, rec *httptest.ResponseRecorder) {
	assert.JSONEq(t, `{"active":false}`, rec.Body.String())
}

func badCases() []badCase {
	post := func(path, ct, body string) func(*testing.T, *fixture) *http.Request {
		return func(*testing.T, *fixture) *http.Request { return rawRequest(http.MethodPost, path, ct, body) }
	}
	method := func(m, path string) func(*testing.T, *fixture) *http.Request {
		return func(*testing.T, *fixture) *http.Request { return httptest.NewRequest(m, path, nil) }
	}
	conf := func(form url.Values) func(*testing.T, *fixture) *http.Request {
		return func(_ *testing.T, f *fixture) *http.Request { return tokenReq(f.conf, form) }
	}
	basicHeader := func(value string) func(*testing.T, *fixture) *http.Request {
		return func(*testing.T, *fixture) *http.Request {
			return withHeader(formRequest(authserver.PathToken, ccForm()), "Authorization", value)
		}
	}
	const form = "application/x-www-form-urlencoded"

	return []badCase{
		// The token endpoint: method, content type, body.
		{name: "token GET", request: method(http.MethodGet, authserver.PathToken), status: 405, code: "invalid_request"},
		{name: "token PUT", request: method(http.MethodPut, authserver.PathToken), status: 405, code: "invalid_request"},
		{name: "token DELETE", request: method(http.MethodDelete, authserver.PathToken), status: 405, code: "invalid_request"},
		{name: "token PATCH", request: method(http.MethodPatch, authserver.PathToken), status: 405, code: "invalid_request"},
		{name: "token OPTIONS", request: method(http.MethodOptions, authserver.PathToken), status: 405, code: "invalid_request"},
		{name: "token without content type", request: post(authserver.PathToken, "", "grant_type=client_credentials"), status: 400, code: "invalid_request"},
		{name: "token as JSON", request: post(authserver.PathToken, "application/json", `{"grant_type":"client_credentials"}`), status: 400, code: "invalid_request"},
		{name: "token as text", request: post(authserver.PathToken, "text/plain", "grant_type=client_credentials"), status: 400, code: "invalid_request"},
		{name: "token as multipart", request: post(authserver.PathToken, "multipart/form-data; boundary=x", "--x--"), status: 400, code: "invalid_request"},
		{name: "token form in Latin-1", request: post(authserver.PathToken, form+"; charset=iso-8859-1", "grant_type=client_credentials"), status: 400, code: "invalid_request"},
		{name: "token malformed content type", request: post(authserver.PathToken, ";;;", "grant_type=client_credentials"), status: 400, code: "invalid_request"},
		{name: "token oversized body", request: post(authserver.PathToken, form, big(5000)), status: 413, code: "invalid_request"},
		{name: "token oversized body of unknown length", request: func(*testing.T, *fixture) *http.Request {
			req := rawRequest(http.MethodPost, authserver.PathToken, form, big(5000))
			req.ContentLength = -1
			return req
		}, status: 413, code: "invalid_request"},
		{name: "token malformed form", request: post(authserver.PathToken, form, "grant_type=%zz"), status: 400, code: "invalid_request"},
		{name: "token malformed query", request: func(*testing.T, *fixture) *http.Request {
			req := rawRequest(http.MethodPost, authserver.PathToken+"?a=%zz", form, "grant_type=client_credentials")
			return req
		}, status: 400, code: "invalid_request"},
		{name: "token without grant_type", request: conf(url.Values{}), status: 400, code: "invalid_request"},
		{name: "token grant_type password", request: conf(url.Values{"grant_type": {"password"}, "username": {"a"}, "password": {"b"}}), status: 400, code: "unsupported_grant_type"},
		{name: "token grant_type implicit", request: conf(url.Values{"grant_type": {"implicit"}}), status: 400, code: "unsupported_grant_type"},
		{name: "token grant_type repeated", request: conf(url.Values{"grant_type": {"client_credentials", "client_credentials"}}), status: 400, code: "invalid_request"},
		{name: "token scope repeated", request: conf(url.Values{"grant_type": {"client_credentials"}, "scope": {"read", "write"}}), status: 400, code: "invalid_request"},
		{name: "token client_id repeated", request: func(_ *testing.T, f *fixture) *http.Request {
			return formRequest(authserver.PathToken, url.Values{"grant_type": {"client_credentials"},
				"client_id": {f.post.ID, f.post.ID}, "client_secret": {f.post.secret}})
		}, status: 400, code: "invalid_request"},

		// Client authentication.
		{name: "token without client authentication", request: post(authserver.PathToken, form, "grant_type=client_credentials"), status: 401, code: "invalid_client"},
		{name: "Basic not base64", request: basicHeader("Basic !!!not-base64!!!"), status: 400, code: "invalid_request"},
		{name: "Basic without colon", request: basicHeader("Basic " + base64.StdEncoding.EncodeToString([]byte("nocolon"))), status: 400, code: "invalid_request"},
		{name: "Basic bad percent-encoding", request: basicHeader("Basic " + base64.StdEncoding.EncodeToString([]byte("a%zz:b"))), status: 400, code: "invalid_request"},
		{name: "Basic empty client ID", request: basicHeader("Basic " + base64.StdEncoding.EncodeToString([]byte(":secret"))), status: 400, code: "invalid_request"},
		{name: "Digest scheme", request: basicHeader(`Digest username="x"`), status: 401, code: "invalid_client"},
		{name: "Bearer at the token endpoint", request: basicHeader("Bearer abc"), status: 401, code: "invalid_client"},
		{name: "two Authorization headers", request: func(_ *testing.T, f *fixture) *http.Request {
			req := basicRequest(authserver.PathToken, f.conf, ccForm())
			return withHeader(req, "Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte("a:b")))
		}, status: 400, code: "invalid_request"},
		{name: "Basic and client_secret at once", request: func(_ *testing.T, f *fixture) *http.Request {
			return basicRequest(authserver.PathToken, f.conf, url.Values{"grant_type": {"client_credentials"}, "client_secret": {f.conf.secret}})
		}, status: 400, code: "invalid_request"},
		{name: "client_secret in the URL", request: func(_ *testing.T, f *fixture) *http.Request {
			q := url.Values{"client_secret": {f.post.secret}}
			return rawRequest(http.MethodPost, authserver.PathToken+"?"+q.Encode(), form,
				url.Values{"grant_type": {"client_credentials"}, "client_id": {f.post.ID}}.Encode())
		}, status: 400, code: "invalid_request"},
		{name: "unknown client (Basic)", request: func(*testing.T, *fixture) *http.Request {
			return basicRequest(authserver.PathToken, testClient{Client: &oauthclient.Client{ID: "nobody"}, secret: "poa_cs_x"}, ccForm())
		}, status: 401, code: "invalid_client", check: func(t *testing.T, _ *fixture, rec *httptest.ResponseRecorder) {
			assert.Contains(t, rec.Header().Get("WWW-Authenticate"), "Basic realm=")
		}},
		{name: "unknown client (post)", request: func(*testing.T, *fixture) *http.Request {
			return formRequest(authserver.PathToken, url.Values{"grant_type": {"client_credentials"}, "client_id": {"nobody"}, "client_secret": {"x"}})
		}, status: 401, code: "invalid_client"},
		{name: "wrong secret", request: func(_ *testing.T, f *fixture) *http.Request {
			return basicRequest(authserver.PathToken, testClient{Client: f.conf.Client, secret: f.conf.secret + "x"}, ccForm())
		}, status: 401, code: "invalid_client"},
		{name: "another developer's client ID with our secret", request: func(_ *testing.T, f *fixture) *http.Request {
			return basicRequest(authserver.PathToken, testClient{Client: f.bobs.Client, secret: f.conf.secret}, ccForm())
		}, status: 401, code: "invalid_client"},
		{name: "confidential client without its secret", request: func(_ *testing.T, f *fixture) *http.Request {
			return formRequest(authserver.PathToken, url.Values{"grant_type": {"client_credentials"}, "client_id": {f.conf.ID}})
		}, status: 401, code: "invalid_client"},
		{name: "basic client using client_secret_post", request: func(_ *testing.T, f *fixture) *http.Request {
			return formRequest(authserver.PathToken, url.Values{"grant_type": {"client_credentials"}, "client_id": {f.conf.ID}, "client_secret": {f.conf.secret}})
		}, status: 401, code: "invalid_client"},
		{name: "post client using Basic", request: func(_ *testing.T, f *fixture) *http.Request {
			return basicRequest(authserver.PathToken, f.post, ccForm())
		}, status: 401, code: "invalid_client"},
		{name: "public client with a secret", request: func(_ *testing.T, f *fixture) *http.Request {
			return formRequest(authserver.PathToken, url.Values{"grant_type": {"authorization_code"}, "code": {"x"}, "client_id": {f.public.ID}, "client_secret": {"guess"}})
		}, status: 401, code: "invalid_client"},
		{name: "disabled client", request: func(t *testing.T, f *fixture) *http.Request {
			require.NoError(t, f.portal.DisableClient(context.Background(), "admin", f.conf.ID))
			return tokenReq(f.conf, ccForm())
		}, status: 401, code: "invalid_client"},
		{name: "client pending approval", request: func(_ *testing.T, f *fixture) *http.Request {
			return tokenReq(f.pending, ccForm())
		}, status: 401, code: "invalid_client"},

		// client_credentials.
		{name: "client_credentials for a public client", request: func(_ *testing.T, f *fixture) *http.Request {
			return tokenReq(f.public, ccForm())
		}, status: 400, code: "unauthorized_client"},
		{name: "client_credentials not registered", request: func(t *testing.T, f *fixture) *http.Request {
			c := f.newClient(t, f.alice.ID, entryPayments, oauthclient.Metadata{ClientName: "web only",
				RedirectURIs: []string{confRedirect}, GrantTypes: []oauthclient.GrantType{oauthclient.GrantAuthorizationCode}})
			return tokenReq(c, ccForm())
		}, status: 400, code: "unauthorized_client"},
		{name: "scope beyond the registered one", request: func(_ *testing.T, f *fixture) *http.Request {
			return tokenReq(f.post, url.Values{"grant_type": {"client_credentials"}, "scope": {"write"}})
		}, status: 400, code: "invalid_scope"},
		{name: "scope beyond the policy", request: conf(url.Values{"grant_type": {"client_credentials"}, "scope": {"read admin"}}), status: 400, code: "invalid_scope"},
		{name: "scope with two spaces", request: conf(url.Values{"grant_type": {"client_credentials"}, "scope": {"read  write"}}), status: 400, code: "invalid_scope"},
		{name: "scope with a control character", request: conf(url.Values{"grant_type": {"client_credentials"}, "scope": {"read\x01"}}), status: 400, code: "invalid_scope"},
		{name: "scope with a quote", request: conf(url.Values{"grant_type": {"client_credentials"}, "scope": {`re"ad`}}), status: 400, code: "invalid_scope"},
		{name: "scope too long", request: conf(url.Values{"grant_type": {"client_credentials"}, "scope": {strings.Repeat("r", 1100)}}), status: 400, code: "invalid_scope"},
		{name: "client whose policy was deactivated", request: func(t *testing.T, f *fixture) *http.Request {
			deactivatePolicy(t, f)
			return tokenReq(f.conf, ccForm())
		}, status: 400, code: "unauthorized_client"},

		// authorization_code.
		{name: "code missing", request: conf(url.Values{"grant_type": {"authorization_code"}}), status: 400, code: "invalid_request"},
		{name: "code unknown", request: conf(codeForm("poa_ac_unknown")), status: 400, code: "invalid_grant"},
		{name: "code replayed", request: func(t *testing.T, f *fixture) *http.Request {
			code := confCode(t, f)
			decode[tokenResponse](t, f.serve(tokenReq(f.conf, codeForm(code))), http.StatusOK)
			return tokenReq(f.conf, codeForm(code))
		}, status: 400, code: "invalid_grant", changes: true, check: noTokensLeft},
		{name: "code of another client", request: func(t *testing.T, f *fixture) *http.Request {
			return tokenReq(f.bobs, codeForm(confCode(t, f)))
		}, status: 400, code: "invalid_grant"},
		{name: "code with another redirect_uri", request: func(t *testing.T, f *fixture) *http.Request {
			form := codeForm(confCode(t, f))
			form.Set("redirect_uri", loopRedirect)
			return tokenReq(f.conf, form)
		}, status: 400, code: "invalid_grant"},
		{name: "code without its redirect_uri", request: func(t *testing.T, f *fixture) *http.Request {
			form := codeForm(confCode(t, f))
			form.Del("redirect_uri")
			return tokenReq(f.conf, form)
		}, status: 400, code: "invalid_grant"},
		{name: "code with a wrong PKCE verifier", request: func(t *testing.T, f *fixture) *http.Request {
			form := codeForm(confCode(t, f))
			form.Set("code_verifier", strings.Repeat("w", 43))
			return tokenReq(f.conf, form)
		}, status: 400, code: "invalid_grant"},
		{name: "code without its PKCE verifier", request: func(t *testing.T, f *fixture) *http.Request {
			form := codeForm(confCode(t, f))
			form.Del("code_verifier")
			return tokenReq(f.conf, form)
		}, status: 400, code: "invalid_grant"},
		{name: "code with a malformed PKCE verifier", request: func(t *testing.T, f *fixture) *http.Request {
			form := codeForm(confCode(t, f))
			form.Set("code_verifier", "short")
			return tokenReq(f.conf, form)
		}, status: 400, code: "invalid_request"},
		{name: "code with a verifier but no challenge", request: func(t *testing.T, f *fixture) *http.Request {
			code := f.authorize(t, authorizeQuery(f.conf, ""))
			return tokenReq(f.conf, codeForm(code))
		}, status: 400, code: "invalid_grant"},
		{name: "code expired", request: func(t *testing.T, f *fixture) *http.Request {
			code := confCode(t, f)
			f.clock.Advance(2 * time.Minute)
			return tokenReq(f.conf, codeForm(code))
		}, status: 400, code: "invalid_grant"},
		{name: "access token as a code", request: func(t *testing.T, f *fixture) *http.Request {
			return tokenReq(f.conf, codeForm(f.clientCredentials(t, f.conf).AccessToken))
		}, status: 400, code: "invalid_grant"},
		{name: "refresh token as a code", request: func(t *testing.T, f *fixture) *http.Request {
			return tokenReq(f.conf, codeForm(f.codeTokens(t, f.conf).RefreshToken))
		}, status: 400, code: "invalid_grant"},
		{name: "code of a client whose policy was deactivated", request: func(t *testing.T, f *fixture) *http.Request {
			code := confCode(t, f)
			deactivatePolicy(t, f)
			return tokenReq(f.conf, codeForm(code))
		}, status: 400, code: "unauthorized_client"},
		{name: "code grant not registered", request: func(t *testing.T, f *fixture) *http.Request {
			return tokenReq(f.post, codeForm(confCode(t, f)))
		}, status: 400, code: "unauthorized_client"},
		{name: "public client code without PKCE verifier", request: func(t *testing.T, f *fixture) *http.Request {
			code := f.authorize(t, authorizeQuery(f.public, verifier))
			return tokenReq(f.public, url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {publicRedirect}})
		}, status: 400, code: "invalid_grant"},

		// refresh_token.
		{name: "refresh token missing", request: conf(url.Values{"grant_type": {"refresh_token"}}), status: 400, code: "invalid_request"},
		{name: "refresh token unknown", request: conf(refreshForm("poa_rt_unknown")), status: 400, code: "invalid_grant"},
		{name: "refresh token reused", request: func(t *testing.T, f *fixture) *http.Request {
			rt := f.codeTokens(t, f.conf).RefreshToken
			decode[tokenResponse](t, f.serve(tokenReq(f.conf, refreshForm(rt))), http.StatusOK)
			return tokenReq(f.conf, refreshForm(rt))
		}, status: 400, code: "invalid_grant", changes: true, check: noTokensLeft},
		{name: "refresh token of another client", request: func(t *testing.T, f *fixture) *http.Request {
			return tokenReq(f.conf, refreshForm(f.codeTokens(t, f.public).RefreshToken))
		}, status: 400, code: "invalid_grant"},
		{name: "access token as a refresh token", request: func(t *testing.T, f *fixture) *http.Request {
			return tokenReq(f.conf, refreshForm(f.clientCredentials(t, f.conf).AccessToken))
		}, status: 400, code: "invalid_grant"},
		{name: "refresh with a wider scope", request: func(t *testing.T, f *fixture) *http.Request {
			form := refreshForm(f.codeTokens(t, f.conf).RefreshToken)
			form.Set("scope", "read write admin")
			return tokenReq(f.conf, form)
		}, status: 400, code: "invalid_scope"},
		{name: "refresh token expired", request: func(t *testing.T, f *fixture) *http.Request {
			rt := f.codeTokens(t, f.conf).RefreshToken
			f.clock.Advance(31 * 24 * time.Hour)
			return tokenReq(f.conf, refreshForm(rt))
		}, status: 400, code: "invalid_grant"},
		{name: "refresh grant not registered", request: func(_ *testing.T, f *fixture) *http.Request {
			return tokenReq(f.post, refreshForm("poa_rt_x"))
		}, status: 400, code: "unauthorized_client"},

		// Revocation (RFC 7009).
		{name: "revoke GET", request: method(http.MethodGet, authserver.PathRevoke), status: 405, code: "invalid_request"},
		{name: "revoke as JSON", request: func(_ *testing.T, f *fixture) *http.Request {
			req := rawRequest(http.MethodPost, authserver.PathRevoke, "application/json", `{"token":"x"}`)
			req.SetBasicAuth(f.conf.ID, f.conf.secret)
			return req
		}, status: 400, code: "invalid_request"},
		{name: "revoke without client authentication", request: func(t *testing.T, f *fixture) *http.Request {
			return formRequest(authserver.PathRevoke, url.Values{"token": {f.clientCredentials(t, f.conf).AccessToken}})
		}, status: 401, code: "invalid_client"},
		{name: "revoke with a wrong secret", request: func(t *testing.T, f *fixture) *http.Request {
			return basicRequest(authserver.PathRevoke, testClient{Client: f.conf.Client, secret: "wrong"},
				url.Values{"token": {f.clientCredentials(t, f.conf).AccessToken}})
		}, status: 401, code: "invalid_client"},
		{name: "revoke without token", request: func(_ *testing.T, f *fixture) *http.Request {
			return basicRequest(authserver.PathRevoke, f.conf, url.Values{"token_type_hint": {"access_token"}})
		}, status: 400, code: "invalid_request"},
		{name: "revoke token repeated", request: func(_ *testing.T, f *fixture) *http.Request {
			return basicRequest(authserver.PathRevoke, f.conf, url.Values{"token": {"a", "b"}})
		}, status: 400, code: "invalid_request"},
		{name: "revoke oversized", request: func(_ *testing.T, f *fixture) *http.Request {
			return basicRequest(authserver.PathRevoke, f.conf, url.Values{"token": {strings.Repeat("t", 5000)}})
		}, status: 413, code: "invalid_request"},
		{name: "revoke Basic not base64", request: func(*testing.T, *fixture) *http.Request {
			return withHeader(formRequest(authserver.PathRevoke, url.Values{"token": {"x"}}), "Authorization", "Basic ***")
		}, status: 400, code: "invalid_request"},
		{name: "revoke another client's token", request: func(t *testing.T, f *fixture) *http.Request {
			return basicRequest(authserver.PathRevoke, f.bobs, url.Values{"token": {f.clientCredentials(t, f.conf).AccessToken}})
		}, status: 200, check: func(t *testing.T, f *fixture, _ *httptest.ResponseRecorder) {
			assert.Len(t, tokensOf(t, f, f.conf.ID), 1, "the owner's token is untouched")
		}},

		// Introspection (RFC 7662).
		{name: "introspect GET", request: method(http.MethodGet, authserver.PathIntrospect), status: 405, code: "invalid_request"},
		{name: "introspect without client authentication", request: post(authserver.PathIntrospect, form, "token=x"), status: 401, code: "invalid_client"},
		{name: "introspect by a public client", request: func(t *testing.T, f *fixture) *http.Request {
			return formRequest(authserver.PathIntrospect, url.Values{"token": {"x"}, "client_id": {f.public.ID}})
		}, status: 401, code: "invalid_client"},
		{name: "introspect without token", request: func(_ *testing.T, f *fixture) *http.Request {
			return basicRequest(authserver.PathIntrospect, f.conf, url.Values{})
		}, status: 400, code: "invalid_request"},
		{name: "introspect as text", request: func(_ *testing.T, f *fixture) *http.Request {
			req := rawRequest(http.MethodPost, authserver.PathIntrospect, "text/plain", "token=x")
			req.SetBasicAuth(f.conf.ID, f.conf.secret)
			return req
		}, status: 400, code: "invalid_request"},
		{name: "introspect malformed body", request: func(_ *testing.T, f *fixture) *http.Request {
			req := rawRequest(http.MethodPost, authserver.PathIntrospect, form, "token=%%")
			req.SetBasicAuth(f.conf.ID, f.conf.secret)
			return req
		}, status: 400, code: "invalid_request"},
		{name: "introspect token repeated", request: func(_ *testing.T, f *fixture) *http.Request {
			return basicRequest(authserver.PathIntrospect, f.conf, url.Values{"token": {"a", "b"}})
		}, status: 400, code: "invalid_request"},
		{name: "introspect another client's token", request: func(t *testing.T, f *fixture) *http.Request {
			return basicRequest(authserver.PathIntrospect, f.bobs, url.Values{"token": {f.clientCredentials(t, f.conf).AccessToken}})
		}, status: 200, check: inactive},
		{name: "introspect an unknown token", request: func(_ *testing.T, f *fixture) *http.Request {
			return basicRequest(authserver.PathIntrospect, f.conf, url.Values{"token": {"poa_at_unknown"}})
		}, status: 200, check: inactive},
		{name: "introspect an expired token", request: func(t *testing.T, f *fixture) *http.Request {
			tok := f.clientCredentials(t, f.conf).AccessToken
			f.clock.Advance(time.Hour)
			return basicRequest(authserver.PathIntrospect, f.conf, url.Values{"token": {tok}})
		}, status: 200, check: inactive},
		{name: "introspect a used code", request: func(t *testing.T, f *fixture) *http.Request {
			code := confCode(t, f)
			decode[tokenResponse](t, f.serve(tokenReq(f.conf, codeForm(code))), http.StatusOK)
			return basicRequest(authserver.PathIntrospect, f.conf, url.Values{"token": {code}})
		}, status: 200, check: inactive},

		// Dynamic registration (RFC 7591).
		{name: "register without token", request: post(authserver.PathRegister, "application/json", regBody), status: 401,
			check: func(t *testing.T, f *fixture, rec *httptest.ResponseRecorder) {
				// RFC 6750 §3.1: no credentials, a challenge without an error code.
				assert.Equal(t, `Bearer realm="`+f.issuer+`"`, rec.Header().Get("WWW-Authenticate"))
			}},
		{name: "register with an unknown token", request: func(*testing.T, *fixture) *http.Request {
			return jsonRequest(http.MethodPost, authserver.PathRegister, "poa_iat_unknown", regBody)
		}, status: 401, code: "invalid_token"},
		{name: "register with Basic", request: func(_ *testing.T, f *fixture) *http.Request {
			return withHeader(rawRequest(http.MethodPost, authserver.PathRegister, "application/json", regBody), "Authorization", "Basic "+f.iat)
		}, status: 401, code: "invalid_token"},
		{name: "register with a malformed bearer", request: func(_ *testing.T, f *fixture) *http.Request {
			return jsonRequest(http.MethodPost, authserver.PathRegister, f.iat+" extra", regBody)
		}, status: 401, code: "invalid_token"},
		{name: "register with a registration access token", request: func(t *testing.T, f *fixture) *http.Request {
			_, rat, _ := registered(t, f)
			return jsonRequest(http.MethodPost, authserver.PathRegister, rat, regBody)
		}, status: 401, code: "invalid_token"},
		{name: "register as a form", request: func(_ *testing.T, f *fixture) *http.Request {
			req := rawRequest(http.MethodPost, authserver.PathRegister, form, "client_name=x")
			req.Header.Set("Authorization", "Bearer "+f.iat)
			return req
		}, status: 400, code: "invalid_request"},
		{name: "register malformed JSON", request: reg(`{"client_name":`), status: 400, code: "invalid_client_metadata"},
		{name: "register empty body", request: reg(``), status: 400, code: "invalid_client_metadata"},
		{name: "register JSON array", request: reg(`[` + regBody + `]`), status: 400, code: "invalid_client_metadata"},
		{name: "register JSON null", request: reg(`null`), status: 400, code: "invalid_client_metadata"},
		{name: "register trailing data", request: reg(regBody + `{}`), status: 400, code: "invalid_client_metadata"},
		{name: "register repeated member", request: reg(`{"client_name":"a","client_name":"b","redirect_uris":["https://a.example/cb"]}`), status: 400, code: "invalid_client_metadata"},
		{name: "register redirect_uris as a string", request: reg(`{"client_name":"a","redirect_uris":"https://a.example/cb"}`), status: 400, code: "invalid_client_metadata"},
		{name: "register client_name as a number", request: reg(`{"client_name":7,"redirect_uris":["https://a.example/cb"]}`), status: 400, code: "invalid_client_metadata"},
		{name: "register http redirect", request: reg(`{"client_name":"a","redirect_uris":["http://a.example/cb"]}`), status: 400, code: "invalid_redirect_uri"},
		{name: "register redirect with fragment", request: reg(`{"client_name":"a","redirect_uris":["https://a.example/cb#x"]}`), status: 400, code: "invalid_redirect_uri"},
		{name: "register javascript redirect", request: reg(`{"client_name":"a","redirect_uris":["javascript:alert(1)"]}`), status: 400, code: "invalid_redirect_uri"},
		{name: "register wildcard redirect", request: reg(`{"client_name":"a","redirect_uris":["https://*.example.com/cb"]}`), status: 400, code: "invalid_redirect_uri"},
		{name: "register implicit grant", request: reg(`{"client_name":"a","redirect_uris":["https://a.example/cb"],"grant_types":["implicit"]}`), status: 400, code: "invalid_client_metadata"},
		{name: "register without client_name", request: reg(`{"redirect_uris":["https://a.example/cb"]}`), status: 400, code: "invalid_client_metadata"},
		{name: "register a scope the policy does not allow", request: reg(`{"client_name":"a","redirect_uris":["https://a.example/cb"],"scope":"admin"}`), status: 400, code: "invalid_client_metadata"},
		{name: "register oversized", request: reg(`{"client_name":"` + strings.Repeat("a", 5000) + `"}`), status: 413, code: "invalid_request"},
		{name: "register GET", request: method(http.MethodGet, authserver.PathRegister), status: 405, code: "invalid_request"},
		{name: "register for an inactive developer", request: func(t *testing.T, f *fixture) *http.Request {
			require.NoError(t, f.portal.DeactivateDeveloper(context.Background(), "admin", f.alice.ID))
			return jsonRequest(http.MethodPost, authserver.PathRegister, f.iat, regBody)
		}, status: 403, code: "access_denied"},

		// Client configuration (RFC 7592).
		{name: "read without token", request: func(t *testing.T, f *fixture) *http.Request {
			id, _, _ := registered(t, f)
			return httptest.NewRequest(http.MethodGet, authserver.PathRegister+"/"+id, nil)
		}, status: 401, check: func(t *testing.T, f *fixture, rec *httptest.ResponseRecorder) {
			assert.Equal(t, `Bearer realm="`+f.issuer+`"`, rec.Header().Get("WWW-Authenticate"))
		}},
		{name: "read a client an administrator disabled", request: func(t *testing.T, f *fixture) *http.Request {
			id, rat, _ := registered(t, f)
			require.NoError(t, f.portal.DisableClient(context.Background(), "admin", id))
			return jsonRequest(http.MethodGet, authserver.PathRegister+"/"+id, rat, "")
		}, status: 401, code: "invalid_token"},
		{name: "re-enable a client an administrator disabled", request: func(t *testing.T, f *fixture) *http.Request {
			id, rat, _ := registered(t, f)
			require.NoError(t, f.portal.DisableClient(context.Background(), "admin", id))
			return jsonRequest(http.MethodPut, authserver.PathRegister+"/"+id, rat, `{"client_id":"`+id+`","client_name":"Reg","redirect_uris":["https://reg.example.com/cb"]}`)
		}, status: 401, code: "invalid_token"},
		{name: "delete a client an administrator disabled", request: func(t *testing.T, f *fixture) *http.Request {
			id, rat, _ := registered(t, f)
			require.NoError(t, f.portal.DisableClient(context.Background(), "admin", id))
			return jsonRequest(http.MethodDelete, authserver.PathRegister+"/"+id, rat, "")
		}, status: 401, code: "invalid_token"},
		{name: "read with a wrong token", request: func(t *testing.T, f *fixture) *http.Request {
			id, _, _ := registered(t, f)
			return jsonRequest(http.MethodGet, authserver.PathRegister+"/"+id, "poa_rat_wrong", "")
		}, status: 401, code: "invalid_token"},
		{name: "read another client with our token", request: func(t *testing.T, f *fixture) *http.Request {
			_, rat, _ := registered(t, f)
			return jsonRequest(http.MethodGet, authserver.PathRegister+"/"+f.bobs.ID, rat, "")
		}, status: 401, code: "invalid_token"},
		{name: "read an unknown client", request: func(t *testing.T, f *fixture) *http.Request {
			_, rat, _ := registered(t, f)
			return jsonRequest(http.MethodGet, authserver.PathRegister+"/nobody", rat, "")
		}, status: 401, code: "invalid_token"},
		{name: "read a portal client, which has no registration token", request: func(t *testing.T, f *fixture) *http.Request {
			return jsonRequest(http.MethodGet, authserver.PathRegister+"/"+f.conf.ID, oauthclient.HashToken(""), "")
		}, status: 401, code: "invalid_token"},
		{name: "update without client_id", request: func(t *testing.T, f *fixture) *http.Request {
			id, rat, _ := registered(t, f)
			return jsonRequest(http.MethodPut, authserver.PathRegister+"/"+id, rat, regBody)
		}, status: 400, code: "invalid_request"},
		{name: "update with another client_id", request: func(t *testing.T, f *fixture) *http.Request {
			id, rat, _ := registered(t, f)
			return jsonRequest(http.MethodPut, authserver.PathRegister+"/"+id, rat, update(f.bobs.ID, ""))
		}, status: 400, code: "invalid_request"},
		{name: "update with a wrong client_secret", request: func(t *testing.T, f *fixture) *http.Request {
			id, rat, _ := registered(t, f)
			return jsonRequest(http.MethodPut, authserver.PathRegister+"/"+id, rat, update(id, `,"client_secret":"chosen"`))
		}, status: 400, code: "invalid_request"},
		{name: "update with an invalid redirect", request: func(t *testing.T, f *fixture) *http.Request {
			id, rat, _ := registered(t, f)
			return jsonRequest(http.MethodPut, authserver.PathRegister+"/"+id, rat,
				`{"client_id":"`+id+`","client_name":"Reg","redirect_uris":["https://reg.example.com/cb?x#y"]}`)
		}, status: 400, code: "invalid_redirect_uri"},
		{name: "update malformed JSON", request: func(t *testing.T, f *fixture) *http.Request {
			id, rat, _ := registered(t, f)
			return jsonRequest(http.MethodPut, authserver.PathRegister+"/"+id, rat, `{"client_id":`)
		}, status: 400, code: "invalid_client_metadata"},
		{name: "update changing the auth method", request: func(t *testing.T, f *fixture) *http.Request {
			id, rat, _ := registered(t, f)
			return jsonRequest(http.MethodPut, authserver.PathRegister+"/"+id, rat, update(id, `,"token_endpoint_auth_method":"client_secret_post"`))
		}, status: 400, code: "invalid_client_metadata"},
		{name: "update as a form", request: func(t *testing.T, f *fixture) *http.Request {
			id, rat, _ := registered(t, f)
			req := rawRequest(http.MethodPut, authserver.PathRegister+"/"+id, form, "client_name=x")
			req.Header.Set("Authorization", "Bearer "+rat)
			return req
		}, status: 400, code: "invalid_request"},
		{name: "delete with a wrong token", request: func(t *testing.T, f *fixture) *http.Request {
			id, _, _ := registered(t, f)
			return jsonRequest(http.MethodDelete, authserver.PathRegister+"/"+id, "poa_rat_wrong", "")
		}, status: 401, code: "invalid_token"},
		{name: "POST to a client configuration", request: func(t *testing.T, f *fixture) *http.Request {
			id, rat, _ := registered(t, f)
			return jsonRequest(http.MethodPost, authserver.PathRegister+"/"+id, rat, regBody)
		}, status: 405, code: "invalid_request"},

		// The authorization endpoint: untrusted client or redirect URI,
		// answered with an error page.
		{name: "authorize without client_id", request: func(_ *testing.T, f *fixture) *http.Request {
			return authorizeGet(f, confQuery(f, func(q url.Values) { q.Del("client_id") }))
		}, status: 400},
		{name: "authorize unknown client", request: func(_ *testing.T, f *fixture) *http.Request {
			return authorizeGet(f, confQuery(f, func(q url.Values) { q.Set("client_id", "nobody") }))
		}, status: 400},
		{name: "authorize mismatched redirect_uri", request: func(_ *testing.T, f *fixture) *http.Request {
			return authorizeGet(f, confQuery(f, func(q url.Values) { q.Set("redirect_uri", "https://evil.example/cb") }))
		}, status: 400},
		{name: "authorize redirect_uri with a suffix", request: func(_ *testing.T, f *fixture) *http.Request {
			return authorizeGet(f, confQuery(f, func(q url.Values) { q.Set("redirect_uri", confRedirect+"-evil") }))
		}, status: 400},
		{name: "authorize redirect_uri of another client", request: func(_ *testing.T, f *fixture) *http.Request {
			return authorizeGet(f, confQuery(f, func(q url.Values) { q.Set("redirect_uri", "https://bob.example.com/cb") }))
		}, status: 400},
		{name: "authorize without redirect_uri, two registered", request: func(_ *testing.T, f *fixture) *http.Request {
			return authorizeGet(f, confQuery(f, func(q url.Values) { q.Del("redirect_uri") }))
		}, status: 400},
		{name: "authorize client_id repeated", request: func(_ *testing.T, f *fixture) *http.Request {
			return authorizeGet(f, confQuery(f, func(q url.Values) { q.Add("client_id", f.bobs.ID) }))
		}, status: 400},
		{name: "authorize redirect_uri repeated", request: func(_ *testing.T, f *fixture) *http.Request {
			return authorizeGet(f, confQuery(f, func(q url.Values) { q.Add("redirect_uri", loopRedirect) }))
		}, status: 400},
		{name: "authorize malformed query", request: func(*testing.T, *fixture) *http.Request {
			return httptest.NewRequest(http.MethodGet, authserver.PathAuthorize+"?client_id=%zz", nil)
		}, status: 400},
		{name: "authorize disabled client", request: func(t *testing.T, f *fixture) *http.Request {
			require.NoError(t, f.portal.DisableClient(context.Background(), "admin", f.conf.ID))
			return authorizeGet(f, confQuery(f, nil))
		}, status: 400},
		{name: "authorize pending client", request: func(_ *testing.T, f *fixture) *http.Request {
			return authorizeGet(f, url.Values{"client_id": {f.pending.ID}, "response_type": {"code"}})
		}, status: 400},
		{name: "authorize DELETE", request: method(http.MethodDelete, authserver.PathAuthorize), status: 405, code: "invalid_request"},

		// The authorization endpoint: every other error of the request is an
		// error page too, never a redirect to the client (RFC 9700 §4.11.2).
		{name: "authorize without response_type", request: func(_ *testing.T, f *fixture) *http.Request {
			return authorizeGet(f, confQuery(f, func(q url.Values) { q.Del("response_type") }))
		}, status: 400},
		{name: "authorize response_type token", request: func(_ *testing.T, f *fixture) *http.Request {
			return authorizeGet(f, confQuery(f, func(q url.Values) { q.Set("response_type", "token") }))
		}, status: 400},
		{name: "authorize response_type code id_token", request: func(_ *testing.T, f *fixture) *http.Request {
			return authorizeGet(f, confQuery(f, func(q url.Values) { q.Set("response_type", "code id_token") }))
		}, status: 400},
		{name: "authorize public client without PKCE", request: func(_ *testing.T, f *fixture) *http.Request {
			return authorizeGet(f, authorizeQuery(f.public, ""))
		}, status: 400},
		{name: "authorize PKCE plain", request: func(_ *testing.T, f *fixture) *http.Request {
			return authorizeGet(f, confQuery(f, func(q url.Values) { q.Set("code_challenge", verifier); q.Set("code_challenge_method", "plain") }))
		}, status: 400},
		{name: "authorize challenge without method", request: func(_ *testing.T, f *fixture) *http.Request {
			return authorizeGet(f, confQuery(f, func(q url.Values) { q.Del("code_challenge_method") }))
		}, status: 400},
		{name: "authorize method without challenge", request: func(_ *testing.T, f *fixture) *http.Request {
			return authorizeGet(f, confQuery(f, func(q url.Values) { q.Del("code_challenge") }))
		}, status: 400},
		{name: "authorize malformed challenge", request: func(_ *testing.T, f *fixture) *http.Request {
			return authorizeGet(f, confQuery(f, func(q url.Values) { q.Set("code_challenge", "not*base64url") }))
		}, status: 400},
		{name: "authorize scope not allowed", request: func(_ *testing.T, f *fixture) *http.Request {
			return authorizeGet(f, confQuery(f, func(q url.Values) { q.Set("scope", "read admin") }))
		}, status: 400},
		{name: "authorize client without the code grant", request: func(t *testing.T, f *fixture) *http.Request {
			c := f.newClient(t, f.alice.ID, entryPayments, oauthclient.Metadata{ClientName: "cc with redirect",
				RedirectURIs: []string{confRedirect}, GrantTypes: []oauthclient.GrantType{oauthclient.GrantClientCredentials}})
			return authorizeGet(f, authorizeQuery(c, verifier))
		}, status: 400},
		{name: "authorize state repeated", request: func(_ *testing.T, f *fixture) *http.Request {
			return authorizeGet(f, confQuery(f, func(q url.Values) { q.Add("state", "other") }))
		}, status: 400},
		{name: "authorize not logged in", request: func(_ *testing.T, f *fixture) *http.Request {
			return httptest.NewRequest(http.MethodGet, authserver.PathAuthorize+"?"+confQuery(f, nil).Encode(), nil)
		}, status: 302, check: func(t *testing.T, _ *fixture, rec *httptest.ResponseRecorder) {
			assert.True(t, strings.HasPrefix(rec.Header().Get("Location"), "/login?return_to="), rec.Header().Get("Location"))
		}},

		// The consent form.
		{name: "consent without token", request: func(t *testing.T, f *fixture) *http.Request {
			return consentPost(consent(t, f, func(form url.Values) { form.Del("consent_token") }), f.alice.ID)
		}, status: 403},
		{name: "consent with another user's token", request: func(t *testing.T, f *fixture) *http.Request {
			return consentPost(consent(t, f, nil), f.bob.ID)
		}, status: 403},
		{name: "consent with a changed scope", request: func(t *testing.T, f *fixture) *http.Request {
			return consentPost(consent(t, f, func(form url.Values) { form.Set("scope", "read write") }), f.alice.ID)
		}, status: 403},
		{name: "consent with a changed redirect_uri", request: func(t *testing.T, f *fixture) *http.Request {
			return consentPost(consent(t, f, func(form url.Values) { form.Set("redirect_uri", loopRedirect) }), f.alice.ID)
		}, status: 403},
		{name: "consent with a changed challenge", request: func(t *testing.T, f *fixture) *http.Request {
			return consentPost(consent(t, f, func(form url.Values) { form.Set("code_challenge", s256("other"+verifier)) }), f.alice.ID)
		}, status: 403},
		{name: "consent with a forged token", request: func(t *testing.T, f *fixture) *http.Request {
			return consentPost(consent(t, f, func(form url.Values) {
				ts, _, _ := strings.Cut(form.Get("consent_token"), ".")
				form.Set("consent_token", ts+"."+base64.RawURLEncoding.EncodeToString(make([]byte, 32)))
			}), f.alice.ID)
		}, status: 403},
		{name: "consent with a garbage token", request: func(t *testing.T, f *fixture) *http.Request {
			return consentPost(consent(t, f, func(form url.Values) { form.Set("consent_token", "garbage") }), f.alice.ID)
		}, status: 403},
		{name: "consent expired", request: func(t *testing.T, f *fixture) *http.Request {
			form := consent(t, f, nil)
			f.clock.Advance(11 * time.Minute)
			return consentPost(form, f.alice.ID)
		}, status: 403},
		{name: "consent without decision", request: func(t *testing.T, f *fixture) *http.Request {
			return consentPost(consent(t, f, func(form url.Values) { form.Del("decision") }), f.alice.ID)
		}, status: 400},
		{name: "consent with an unknown decision", request: func(t *testing.T, f *fixture) *http.Request {
			return consentPost(consent(t, f, func(form url.Values) { form.Set("decision", "maybe") }), f.alice.ID)
		}, status: 400},
		{name: "consent parameter repeated", request: func(t *testing.T, f *fixture) *http.Request {
			return consentPost(consent(t, f, func(form url.Values) { form.Add("decision", "deny") }), f.alice.ID)
		}, status: 400},
		{name: "consent as JSON", request: func(t *testing.T, f *fixture) *http.Request {
			body, err := json.Marshal(consent(t, f, nil))
			require.NoError(t, err)
			req := rawRequest(http.MethodPost, authserver.PathAuthorize, "application/json", string(body))
			req.AddCookie(&http.Cookie{Name: userCookie, Value: f.alice.ID})
			return req
		}, status: 400},
		{name: "consent oversized", request: func(t *testing.T, f *fixture) *http.Request {
			return consentPost(consent(t, f, func(form url.Values) { form.Set("pad", strings.Repeat("p", 5000)) }), f.alice.ID)
		}, status: 413},
		{name: "consent for an unknown client", request: func(t *testing.T, f *fixture) *http.Request {
			return consentPost(consent(t, f, func(form url.Values) { form.Set("client_id", "nobody") }), f.alice.ID)
		}, status: 400},
		{name: "consent not logged in", request: func(t *testing.T, f *fixture) *http.Request {
			return consentPost(consent(t, f, nil), "")
		}, status: 303, check: func(t *testing.T, _ *fixture, rec *httptest.ResponseRecorder) {
			assert.True(t, strings.HasPrefix(rec.Header().Get("Location"), "/login?return_to="), rec.Header().Get("Location"))
		}},
		{name: "consent denied", request: func(t *testing.T, f *fixture) *http.Request {
			return consentPost(consent(t, f, func(form url.Values) { form.Set("decision", "deny") }), f.alice.ID)
		}, status: 303, code: "access_denied"},

		// Others.
		{name: "metadata POST", request: method(http.MethodPost, authserver.PathMetadata), status: 405, code: "invalid_request"},
	}
}

// reg is a registration request with the fixture's initial access token.
func reg(body string) func(*testing.T, *fixture) *http.Request {
	return func(_ *testing.T, f *fixture) *http.Request {
		return jsonRequest(http.MethodPost, authserver.PathRegister, f.iat, body)
	}
}

func TestBadInput(t *testing.T) {
	t.Parallel()
	cases := badCases()
	require.GreaterOrEqual(t, len(cases), 100)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t)
			req := tc.request(t, f)
			before := f.snapshot(t)
			rec := f.serve(req)
			body := rec.Body.String()

			require.Equal(t, tc.status, rec.Code, body)
			assertSecurityHeaders(t, rec)
			loc := rec.Header().Get("Location")
			switch {
			case rec.Code == http.StatusFound || rec.Code == http.StatusSeeOther:
				u, err := url.Parse(loc)
				require.NoError(t, err)
				if tc.code != "" {
					assert.Equal(t, tc.code, u.Query().Get("error"), loc)
					assert.Equal(t, "st-123", u.Query().Get("state"), "errors go back with the state")
					assert.Empty(t, u.Query().Get("code"))
				}
			case strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html"):
				assert.Empty(t, tc.code, "an error page where an error code was expected: %s", body)
				assert.Empty(t, loc, "an error page never redirects")
				assert.NotContains(t, body, "<form", "an error page offers no consent")
			case tc.code != "":
				var e struct {
					Error       string `json:"error"`
					Description string `json:"error_description"`
				}
				require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &e), body)
				assert.Equal(t, tc.code, e.Error, body)
				if rec.Code == http.StatusMethodNotAllowed {
					assert.NotEmpty(t, rec.Header().Get("Allow"))
				}
			}
			if !tc.changes {
				assert.Equal(t, before, f.snapshot(t), "the store changed")
			}
			if tc.check != nil {
				tc.check(t, f, rec)
			}
		})
	}
}

// assertSecurityHeaders checks the headers every response carries.
func assertSecurityHeaders(t *testing.T, rec *httptest.ResponseRecorder) {
	t.Helper()
	h := rec.Header()
	assert.Equal(t, "nosniff", h.Get("X-Content-Type-Options"))
	assert.Contains(t, h.Get("Content-Security-Policy"), "frame-ancestors 'none'")
	assert.Contains(t, h.Get("Content-Security-Policy"), "default-src 'none'")
	assert.Equal(t, "no-store", h.Get("Cache-Control"))
	assert.Equal(t, "DENY", h.Get("X-Frame-Options"))
}
