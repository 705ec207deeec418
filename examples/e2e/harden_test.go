package e2e_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portaloauth/portaloauth/examples/portal/authserver"
	"github.com/portaloauth/portaloauth/oauthclient"
	"github.com/portaloauth/portaloauth/portal/registration"
)

// clientFilterAll lists every client of a fixture.
var clientFilterAll = oauthclient.ClientFilter{Page: oauthclient.Page{Limit: oauthclient.MaxLimit}}

// TestRegistrationRefusesMetadataItCannotHonour: RFC 7591 §2 rules and the
// policy's scopes are enforced at the registration endpoint, before
// anything is stored: invalid_client_metadata naming the member.
func TestRegistrationRefusesMetadataItCannotHonour(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	reports, err := f.server.Registration().NewInitialAccessToken(registration.InitialAccess{
		DeveloperID: f.alice.ID, EntryIDs: []string{entryReports}})
	require.NoError(t, err)
	const base = `"client_name":"Reg","redirect_uris":["https://reg.example.com/cb"],"grant_types":["authorization_code"]`
	tests := []struct {
		name, iat, body string
	}{
		{"a scope the policy does not grant", f.iat, `{` + base + `,"scope":"read admin"}`},
		{"any scope under a policy without scopes", reports.Reveal(), `{` + base + `,"scope":"payments:write admin"}`},
		{"jwks and jwks_uri together", f.iat, `{` + base + `,"jwks":{"keys":[]},"jwks_uri":"https://reg.example.com/jwks"}`},
		{"jwks_uri over http", f.iat, `{` + base + `,"jwks_uri":"http://reg.example.com/jwks"}`},
		{"sector_identifier_uri on loopback", f.iat, `{` + base + `,"sector_identifier_uri":"http://127.0.0.1/s.json"}`},
		{"logo_uri over http", f.iat, `{` + base + `,"logo_uri":"http://reg.example.com/logo.png"}`},
		{"an unverified software_statement", f.iat, `{` + base + `,"software_statement":"eyJhbGciOiJub25lIn0.e30."}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			before, err := f.store.ListClients(t.Context(), clientFilterAll)
			require.NoError(t, err)
			rec := f.serve(jsonRequest(http.MethodPost, authserver.PathRegister, tc.iat, tc.body))
			got := decode[map[string]any](t, rec, http.StatusBadRequest)
			assert.Equal(t, "invalid_client_metadata", got["error"])
			after, err := f.store.ListClients(t.Context(), clientFilterAll)
			require.NoError(t, err)
			assert.Len(t, after, len(before), "nothing stored")
		})
	}
	// The same registration without the refused member succeeds.
	rec := f.serve(jsonRequest(http.MethodPost, authserver.PathRegister, reports.Reveal(), `{`+base+`}`))
	decode[map[string]any](t, rec, http.StatusCreated)
}

// TestTokenEndpointGrantsOnlyThePolicysScopes: a client whose stored scope
// its policy does not grant (registered before the rule, or the policy
// changed since) gets none of it at the token endpoint; a policy without
// scopes grants none.
func TestTokenEndpointGrantsOnlyThePolicysScopes(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	const secret = "poa_cs_reports-client-secret-0000000000000000000000"
	hash, err := (&oauthclient.Hasher{}).Hash(oauthclient.NewPlaintext(secret))
	require.NoError(t, err)
	now := f.clock.Now()
	c := &oauthclient.Client{
		ID: "reports-client", DeveloperID: f.alice.ID, APIIDs: []string{apiReports}, PolicyID: policyReports,
		Metadata: oauthclient.Metadata{ClientName: "Reports job", TokenEndpointAuthMethod: oauthclient.AuthMethodBasic,
			GrantTypes: []oauthclient.GrantType{oauthclient.GrantClientCredentials}, Scope: "payments:write admin"},
		Status:    oauthclient.StatusActive,
		Secrets:   []oauthclient.Secret{{ID: "s1", Hash: hash, Hint: "poa_cs_…0000", CreatedAt: now}},
		CreatedAt: now, UpdatedAt: now, Version: 1,
	}
	require.NoError(t, f.store.CreateClient(t.Context(), c))
	tc := testClient{Client: c, secret: secret}

	for _, scope := range []string{"payments:write admin", "admin"} {
		form := ccForm()
		form.Set("scope", scope)
		got := decode[map[string]any](t, f.serve(tokenReq(tc, form)), http.StatusBadRequest)
		assert.Equal(t, "invalid_scope", got["error"], "scope %q", scope)
	}
	tok := decode[tokenResponse](t, f.serve(tokenReq(tc, ccForm())), http.StatusOK)
	assert.Empty(t, tok.Scope, "no scope requested: none of the registered ones is granted")

	// A policy that lists scopes grants those and no other.
	form := ccForm()
	form.Set("scope", "read admin")
	got := decode[map[string]any](t, f.serve(tokenReq(f.post, form)), http.StatusBadRequest)
	assert.Equal(t, "invalid_scope", got["error"])
	form.Set("scope", "read")
	assert.Equal(t, "read", decode[tokenResponse](t, f.serve(tokenReq(f.post, form)), http.StatusOK).Scope)
}

// TestAuthorizeIsNoOpenRedirector: anyone may register a client whose
// redirect URI is their own site; sending a victim without a session (or
// with one) to the authorization endpoint with a broken request never
// sends them on to that site (RFC 9700 §4.11.2): an error page instead.
func TestAuthorizeIsNoOpenRedirector(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	const attacker = "https://attacker.example/landing"
	rec := f.serve(jsonRequest(http.MethodPost, authserver.PathRegister, f.iat,
		`{"client_name":"Totally legit","redirect_uris":["`+attacker+`"],"grant_types":["authorization_code"]}`))
	id := decode[map[string]any](t, rec, http.StatusCreated)["client_id"].(string)

	for _, rt := range []string{"x", "token", ""} {
		q := url.Values{"client_id": {id}, "redirect_uri": {attacker}, "response_type": {rt}}
		for _, signedIn := range []bool{false, true} {
			req := httptest.NewRequest(http.MethodGet, authserver.PathAuthorize+"?"+q.Encode(), nil)
			if signedIn {
				req.AddCookie(&http.Cookie{Name: userCookie, Value: f.bob.ID})
			}
			rec := f.serve(req)
			assert.Equal(t, http.StatusBadRequest, rec.Code, "response_type %q, signed in %v", rt, signedIn)
			assert.Empty(t, rec.Header().Get("Location"), "never redirected")
			assert.Contains(t, rec.Header().Get("Content-Type"), "text/html")
			assert.NotContains(t, rec.Body.String(), attacker)
		}
	}
}

// TestTokenEndpointThrottlesGuessing: after a few wrong secrets a client
// ID must wait, exponentially longer, and is told so with Retry-After on
// the same invalid_client answer; while it waits even the right secret is
// not checked; once the wait is over the right secret works and clears
// the count. Another client is not slowed down.
func TestTokenEndpointThrottlesGuessing(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	wrong := f.conf
	wrong.secret = "poa_cs_not-the-secret-00000000000000000000000000000"
	var waits []string
	for range 60 {
		rec := f.serve(tokenReq(wrong, ccForm()))
		got := decode[map[string]any](t, rec, http.StatusUnauthorized)
		require.Equal(t, "invalid_client", got["error"])
		waits = append(waits, rec.Header().Get("Retry-After"))
	}
	assert.Equal(t, []string{"", "", "", "", ""}, waits[:5], "five free failures")
	assert.Equal(t, "1", waits[5], "then a wait")
	for _, w := range waits[6:] {
		assert.NotEmpty(t, w, "every later attempt is told to wait")
	}

	rec := f.serve(tokenReq(f.conf, ccForm()))
	assert.Equal(t, http.StatusUnauthorized, rec.Code, "the right secret waits too")
	assert.Equal(t, "1", rec.Header().Get("Retry-After"))
	decode[tokenResponse](t, f.serve(tokenReq(f.post, ccForm())), http.StatusOK) // another client

	f.clock.Advance(2 * time.Second)
	decode[tokenResponse](t, f.serve(tokenReq(f.conf, ccForm())), http.StatusOK)
	rec = f.serve(tokenReq(wrong, ccForm()))
	assert.Equal(t, http.StatusUnauthorized, rec.Code)
	assert.Empty(t, rec.Header().Get("Retry-After"), "the success cleared the count")
}
