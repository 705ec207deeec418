package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portaloauth/portaloauth/oauthclient"
)

// createForm is a valid details form for the Payments entry.
func createForm() url.Values {
	return url.Values{
		"entry":        {"payments"},
		"policy":       {"pay-full"},
		"name":         {"My Shop"},
		"description":  {"Takes payments"},
		"redirect_uri": {"https://shop.example.com/cb", "http://127.0.0.1:8000/cb"},
		"app_type":     {"web"},
		"create":       {"1"},
	}
}

func TestCreateClientFlow(t *testing.T) {
	t.Parallel()
	h, d, b := withAnn(t)

	// The empty state.
	list := b.get("/clients")
	require.Equal(t, http.StatusOK, list.code)
	assert.Contains(t, list.body, "Create first OAuth Client")
	assert.Contains(t, list.body, `id="menu-clients"`)

	// Select API: OAuth 2.0 entries only.
	sel := b.get("/clients/new")
	require.Equal(t, http.StatusOK, sel.code)
	for _, name := range []string{"Payments", "Weather", "Partner"} {
		assert.Contains(t, sel.body, "<h2>"+name+"</h2>")
	}
	assert.NotContains(t, sel.body, "Legacy", "an API with another auth mode is never offered")
	assert.Contains(t, sel.body, "Select API")
	assert.NotContains(t, sel.body, "Save and continue", "nothing selected yet")

	// Selecting shows it connected, with Save and continue.
	sel = b.get("/clients/new?entry=payments")
	require.Equal(t, http.StatusOK, sel.code)
	assert.Contains(t, sel.body, "Save and continue")
	assert.Contains(t, sel.body, `href="/clients/new/details?entry=payments"`)
	assert.Contains(t, sel.body, `<span class="badge">Selected</span>`)

	// App details: two policies to choose from.
	details := b.get("/clients/new/details?entry=payments")
	require.Equal(t, http.StatusOK, details.code)
	assert.Contains(t, details.body, `value="pay-read"`)
	assert.Contains(t, details.body, `value="pay-full"`)
	assert.Contains(t, details.body, "Add another redirect URL")
	assert.Equal(t, 1, strings.Count(details.body, `name="redirect_uri"`))

	// Add another redirect URL, without JavaScript: the form comes back
	// with one more field and what was typed.
	form := createForm()
	form.Del("create")
	form.Set("redirect_uri", "https://shop.example.com/cb")
	form.Set("add_redirect", "1")
	more := b.submit("/clients/new/details?entry=payments", "/clients", form)
	require.Equal(t, http.StatusOK, more.code)
	assert.Equal(t, 2, strings.Count(more.body, `name="redirect_uri"`))
	assert.Contains(t, more.body, `value="https://shop.example.com/cb"`)
	assert.Contains(t, more.body, `value="My Shop"`)
	assert.Empty(t, h.clients(d.ID), "adding a field creates nothing")

	// Create.
	r := b.submit("/clients/new/details?entry=payments", "/clients", createForm())
	require.Equal(t, http.StatusSeeOther, r.code, r.body)
	clients := h.clients(d.ID)
	require.Len(t, clients, 1)
	c := clients[0]
	assert.Equal(t, "/clients/"+c.ID+"/secret", r.location())
	assert.Equal(t, "My Shop", c.ClientName)
	assert.Equal(t, "Takes payments", c.Description)
	assert.Equal(t, []string{"https://shop.example.com/cb", "http://127.0.0.1:8000/cb"}, c.RedirectURIs)
	assert.Equal(t, "pay-full", c.PolicyID)
	assert.Equal(t, []string{"payments"}, c.APIIDs)

	// The secret page shows the secret once, with no-store.
	page := b.get(r.location())
	require.Equal(t, http.StatusOK, page.code)
	assert.Equal(t, "no-store", page.header.Get("Cache-Control"))
	assert.Contains(t, page.body, "You will not be able to view it from the portal again")
	assert.Contains(t, page.body, c.ID)
	// What a developer needs to start coding: a token request, the
	// authorization request with PKCE, the code exchange, the scopes, and
	// a step saying the secret is saved. The secret is in none of them.
	for _, w := range []string{
		"curl -u &#34;$CLIENT_ID:$CLIENT_SECRET&#34; \\\n  -d grant_type=client_credentials \\\n  &#39;http://issuer.example/oauth/token&#39;",
		"http://issuer.example/oauth/authorize?client_id=" + c.ID + "&amp;redirect_uri=https%3A%2F%2Fshop.example.com%2Fcb&amp;response_type=code",
		"code_challenge=$CODE_CHALLENGE&amp;code_challenge_method=S256",
		`-d code_verifier=&#34;$CODE_VERIFIER&#34;`,
		"None: the policy grants no scopes, so ask for none.",
		`<input type="checkbox" name="saved" value="1" required id="saved"> I have saved the client secret somewhere safe`,
	} {
		assert.Contains(t, page.body, w)
	}
	m := secretRE.FindStringSubmatch(page.body)
	require.NotNil(t, m, page.body)
	secret := m[1]
	assert.True(t, strings.HasPrefix(secret, "poa_cs_"))
	auth := &oauthclient.Authenticator{Clients: h.store, Hasher: testHasher, Now: h.clock.Now}
	_, err := auth.Authenticate(t.Context(), oauthclient.Credentials{ClientID: c.ID, Secret: oauthclient.NewPlaintext(secret), Method: oauthclient.AuthMethodBasic})
	require.NoError(t, err, "the secret shown is the client's")

	// Reloading shows it no more.
	again := b.get(r.location())
	require.Equal(t, http.StatusOK, again.code)
	assert.NotContains(t, again.body, secret)
	assert.NotContains(t, again.body, `id="client-secret"`)
	assert.Contains(t, again.body, "cannot be shown again")
	assert.Contains(t, again.body, c.Secrets[0].Hint)

	// The list shows the client, never the secret.
	list = b.get("/clients")
	assert.Contains(t, list.body, "My Shop")
	assert.Contains(t, list.body, c.ID)
	assert.NotContains(t, list.body, secret)
	assert.NotContains(t, list.body, "Create first OAuth Client")
	assert.NotContains(t, h.logged.String(), secret, "the secret is never logged")
}

func TestSecretFlashExpires(t *testing.T) {
	t.Parallel()
	h, _, b := withAnn(t)
	r := b.submit("/clients/new/details?entry=payments", "/clients", createForm())
	require.Equal(t, http.StatusSeeOther, r.code, r.body)
	h.clock.Advance(6 * time.Minute)
	assert.NotContains(t, b.get(r.location()).body, `id="client-secret"`)
}

func TestSecretNotShownToAnotherSession(t *testing.T) {
	t.Parallel()
	h, _, b := withAnn(t)
	other := h.login("ann@example.com")
	r := b.submit("/clients/new/details?entry=payments", "/clients", createForm())
	require.Equal(t, http.StatusSeeOther, r.code, r.body)
	assert.NotContains(t, other.get(r.location()).body, `id="client-secret"`)
	assert.Contains(t, b.get(r.location()).body, `id="client-secret"`)
}

func TestCreateClientFormErrors(t *testing.T) {
	t.Parallel()
	h, d, b := withAnn(t)
	change := func(f func(url.Values)) url.Values {
		form := createForm()
		f(form)
		return form
	}
	for _, tc := range []struct {
		name string
		form url.Values
		want []string // messages, and values kept
	}{
		{"http redirect", change(func(f url.Values) {
			f["redirect_uri"] = []string{"https://shop.example.com/cb", "http://shop.example.com/cb"}
		}), []string{
			`value="http://shop.example.com/cb" inputmode="url" placeholder="https://app.example.com/callback" aria-describedby="redirects-hint redirect-1-error" aria-invalid="true">`,
			"Redirect URL must use https unless the host is a loopback address",
			`value="https://shop.example.com/cb"`,
		}},
		{"error next to the second field when the first is empty", change(func(f url.Values) {
			f["redirect_uri"] = []string{"", "https://x.example/cb#frag"}
		}), []string{`value="https://x.example/cb#frag" inputmode="url" placeholder="https://app.example.com/callback" aria-describedby="redirects-hint redirect-1-error" aria-invalid="true">
      <p class="error" id="redirect-1-error"><span class="visually-hidden">Error: </span>Redirect URL must not contain a fragment (#).</p>`}},
		{"no name", change(func(f url.Values) { f.Set("name", " ") }), []string{"App name is required.", "Takes payments</textarea>"}},
		{"no policy", change(func(f url.Values) { f.Del("policy") }), []string{"Choose a policy.", `value="My Shop"`}},
		{"policy not offered", change(func(f url.Values) { f.Set("policy", "weather-std") }), []string{"Policy must be"}},
		{"no app type", change(func(f url.Values) { f.Del("app_type") }), []string{"Choose the kind of application.", `value="My Shop"`}},
		{"public client with client credentials", change(func(f url.Values) { f.Set("app_type", "nope") }), []string{"Choose the kind of application."}},
		{"no entry", change(func(f url.Values) { f.Del("entry") }), []string{"Select at least one API."}},
		{"ineligible entry", change(func(f url.Values) { f.Set("entry", "legacy") }), []string{"Select at least one API."}},
		{"long description", change(func(f url.Values) { f.Set("description", strings.Repeat("d", 2001)) }), []string{"Description must be at most 2000 characters."}},
		{"code grant without redirect", change(func(f url.Values) { f.Del("redirect_uri") }), []string{
			"At least one redirect URL is required for sign-in with a browser.", `value="My Shop"`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := b.submit("/clients/new/details?entry=payments", "/clients", tc.form)
			require.Equal(t, http.StatusBadRequest, r.code, r.body)
			for _, w := range tc.want {
				assert.Contains(t, r.body, w)
			}
			assert.Empty(t, h.clients(d.ID))
		})
	}
}

func TestCreateClientCredentialsOnlyNeedsNoRedirect(t *testing.T) {
	t.Parallel()
	h, d, b := withAnn(t)
	form := url.Values{"entry": {"weather"}, "name": {"Batch job"}, "app_type": {"m2m"}, "redirect_uri": {"https://typed.example/by-mistake"}}
	r := b.submit("/clients/new/details?entry=weather", "/clients", form)
	require.Equal(t, http.StatusSeeOther, r.code, r.body)
	c := h.clients(d.ID)
	require.Len(t, c, 1)
	assert.Equal(t, "weather-std", c[0].PolicyID, "the only policy is taken")
	assert.Empty(t, c[0].RedirectURIs, "a machine-to-machine client never redirects")
	assert.Equal(t, []oauthclient.GrantType{oauthclient.GrantClientCredentials}, c[0].GrantTypes)
}

// TestAppTypes: each kind of application gets its grants and client
// authentication; a browser or native app gets no secret.
func TestAppTypes(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		app    string
		grants []oauthclient.GrantType
		public bool
	}{
		{"web", []oauthclient.GrantType{oauthclient.GrantAuthorizationCode, oauthclient.GrantRefreshToken, oauthclient.GrantClientCredentials}, false},
		{"spa", []oauthclient.GrantType{oauthclient.GrantAuthorizationCode, oauthclient.GrantRefreshToken}, true},
		{"native", []oauthclient.GrantType{oauthclient.GrantAuthorizationCode, oauthclient.GrantRefreshToken}, true},
		{"m2m", []oauthclient.GrantType{oauthclient.GrantClientCredentials}, false},
	} {
		t.Run(tc.app, func(t *testing.T) {
			t.Parallel()
			h, d, b := withAnn(t)
			form := createForm()
			form.Set("app_type", tc.app)
			form.Set("redirect_uri", "http://127.0.0.1:8000/cb")
			r := b.submit("/clients/new/details?entry=payments", "/clients", form)
			require.Equal(t, http.StatusSeeOther, r.code, r.body)
			c := h.clients(d.ID)[0]
			assert.Equal(t, tc.grants, c.GrantTypes)
			assert.Equal(t, tc.public, c.Public())
			page := b.get(r.location())
			assert.Equal(t, !tc.public, strings.Contains(page.body, `id="client-secret"`))
			if tc.public {
				assert.Contains(t, page.body, "code_challenge=$CODE_CHALLENGE&amp;code_challenge_method=S256")
				assert.Contains(t, page.body, `-d client_id=&#34;$CLIENT_ID&#34;`)
			}
		})
	}
}

// TestCreateFormIsAcceptedOnce: a create form sent again (Back, then
// Create; or a double click) makes no second client and leads to the first.
func TestCreateFormIsAcceptedOnce(t *testing.T) {
	t.Parallel()
	h, d, b := withAnn(t)
	form := createForm()
	first := b.submit("/clients/new/details?entry=payments", "/clients", form)
	require.Equal(t, http.StatusSeeOther, first.code, first.body)
	c := h.clients(d.ID)
	require.Len(t, c, 1)

	form.Set("name", "Typed again")
	again := b.submit("/clients", "/clients", form) // the same form_token
	require.Equal(t, http.StatusSeeOther, again.code, again.body)
	assert.Equal(t, "/clients/"+c[0].ID, again.location())
	assert.Contains(t, b.get(again.location()).body, "This form was already sent and created “My Shop”. Nothing new was created.")
	assert.Len(t, h.clients(d.ID), 1)

	// A refused form may be corrected and sent again with its token.
	bad := createForm()
	bad.Set("name", "")
	r := b.submit("/clients/new/details?entry=payments", "/clients", bad)
	require.Equal(t, http.StatusBadRequest, r.code)
	tok := formTokenRE.FindStringSubmatch(r.body)
	require.NotNil(t, tok, "the form comes back with its token")
	fixed := createForm()
	fixed.Set("form_token", tok[1])
	require.Equal(t, http.StatusSeeOther, b.submit("/clients", "/clients", fixed).code)
	assert.Len(t, h.clients(d.ID), 2)

	// No token, or a made-up one: nothing is created.
	noToken := createForm()
	noToken.Set("form_token", "made-up")
	r = b.submit("/clients", "/clients", noToken)
	require.Equal(t, http.StatusSeeOther, r.code)
	assert.Equal(t, "/clients", r.location())
	assert.Len(t, h.clients(d.ID), 2)
}

func TestSelectAPIs(t *testing.T) {
	t.Parallel()
	_, _, b := withAnn(t)

	two := b.get("/clients/new?entry=payments&entry=payments&entry=legacy&entry=nope")
	require.Equal(t, http.StatusOK, two.code)
	assert.Contains(t, two.body, `href="/clients/new/details?entry=payments"`, "duplicates and ineligible entries dropped")

	// Payments and Weather share no policy: once one is selected, the
	// other says so instead of offering Select API.
	one := b.get("/clients/new?entry=payments")
	assert.Contains(t, one.body, `id="conflict-weather"`)
	assert.Contains(t, one.body, "No policy covers both this API and Payments.")
	assert.NotContains(t, one.body, `href="/clients/new?entry=payments&amp;entry=weather"`)
	// A hand-made address with both has no Save and continue, and the
	// details page sends it back.
	both := b.get("/clients/new?entry=payments&entry=weather")
	assert.Contains(t, both.body, "The selected APIs share no policy")
	assert.NotContains(t, both.body, "save-continue")
	details := b.get("/clients/new/details?entry=payments&entry=weather")
	require.Equal(t, http.StatusSeeOther, details.code)
	assert.Equal(t, "/clients/new?entry=payments&entry=weather", details.location())

	// Nothing selected goes back to the selection with a message.
	r := b.get("/clients/new/details?entry=legacy")
	require.Equal(t, http.StatusSeeOther, r.code)
	assert.Equal(t, "/clients/new?none=1", r.location())
	assert.Contains(t, b.get(r.location()).body, "Select at least one API.")
}

func TestClientsListPaging(t *testing.T) {
	t.Parallel()
	h := newHarness(t, harnessOptions{pageSize: 2})
	d := h.addDeveloper("ann@example.com", "Ann")
	for _, n := range []string{"one", "two", "three"} {
		h.addClient(d.ID, "client "+n)
		h.clock.Advance(time.Second) // lists are oldest first
	}
	b := h.login("ann@example.com")
	p1 := b.get("/clients")
	assert.Contains(t, p1.body, "client one")
	assert.Contains(t, p1.body, "client two")
	assert.NotContains(t, p1.body, "client three")
	assert.Contains(t, p1.body, `href="?page=2"`)
	p2 := b.get("/clients?page=2")
	assert.Contains(t, p2.body, "client three")
	assert.Contains(t, p2.body, `href="?page=1"`)
	assert.NotContains(t, p2.body, `href="?page=3"`)
	for _, bad := range []string{"0", "-1", "x", "99999999999999999999"} {
		assert.Equal(t, http.StatusOK, b.get("/clients?page="+bad).code, bad)
	}
}
