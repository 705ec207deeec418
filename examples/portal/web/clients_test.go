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
		"grant":        {"authorization_code", "refresh_token", "client_credentials"},
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
			`value="http://shop.example.com/cb" inputmode="url" placeholder="https://app.example.com/callback" aria-invalid="true">`,
			"Redirect URL must use https unless the host is a loopback address",
			`value="https://shop.example.com/cb"`,
		}},
		{"error next to the second field when the first is empty", change(func(f url.Values) {
			f["redirect_uri"] = []string{"", "https://x.example/cb#frag"}
		}), []string{`value="https://x.example/cb#frag" inputmode="url" placeholder="https://app.example.com/callback" aria-invalid="true">
      <p class="error" role="alert">Redirect URL must not contain a fragment (#).</p>`}},
		{"no name", change(func(f url.Values) { f.Set("name", " ") }), []string{"App name is required.", "Takes payments</textarea>"}},
		{"no policy", change(func(f url.Values) { f.Del("policy") }), []string{"Choose a policy.", `value="My Shop"`}},
		{"policy not offered", change(func(f url.Values) { f.Set("policy", "weather-std") }), []string{"Policy must be"}},
		{"no grant", change(func(f url.Values) { f.Del("grant") }), []string{"Choose at least one grant type.", `value="My Shop"`}},
		{"no entry", change(func(f url.Values) { f.Del("entry") }), []string{"Select at least one API."}},
		{"ineligible entry", change(func(f url.Values) { f.Set("entry", "legacy") }), []string{"Select at least one API."}},
		{"long description", change(func(f url.Values) { f.Set("description", strings.Repeat("d", 2001)) }), []string{"Description must be at most 2000 characters."}},
		{"code grant without redirect", change(func(f url.Values) { f.Del("redirect_uri") }), []string{"Redirect URL", `value="My Shop"`}},
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
	form := url.Values{"entry": {"weather"}, "name": {"Batch job"}, "grant": {"client_credentials"}, "redirect_uri": {""}}
	r := b.submit("/clients/new/details?entry=weather", "/clients", form)
	require.Equal(t, http.StatusSeeOther, r.code, r.body)
	c := h.clients(d.ID)
	require.Len(t, c, 1)
	assert.Equal(t, "weather-std", c[0].PolicyID, "the only policy is taken")
	assert.Empty(t, c[0].RedirectURIs)
}

func TestSelectAPIs(t *testing.T) {
	t.Parallel()
	_, _, b := withAnn(t)

	two := b.get("/clients/new?entry=payments&entry=weather&entry=payments&entry=legacy&entry=nope")
	require.Equal(t, http.StatusOK, two.code)
	assert.Contains(t, two.body, `href="/clients/new/details?entry=payments&amp;entry=weather"`, "duplicates and ineligible entries dropped")

	// Payments and Weather share no policy.
	details := b.get("/clients/new/details?entry=payments&entry=weather")
	require.Equal(t, http.StatusOK, details.code)
	assert.Contains(t, details.body, "The selected APIs have no policy in common.")

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
