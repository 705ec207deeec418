package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portaloauth/portaloauth/oauthclient"
	"github.com/portaloauth/portaloauth/portal"
)

// TestAdminSetsUpTheCatalogue adds an API, a policy and an entry through
// the pages, as the product page's prerequisites ask, then a developer
// finds the entry on the Select API page.
func TestAdminSetsUpTheCatalogue(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	b := h.adminLogin()
	ctx := t.Context()

	page := b.get("/admin/catalogue")
	require.Equal(t, http.StatusOK, page.code)
	for _, w := range []string{"Payments API", "Weather standard", "New API", "New policy", "New catalogue entry"} {
		assert.Contains(t, page.body, w)
	}

	r := b.submit("/admin/catalogue/apis/new", "/admin/catalogue/apis",
		url.Values{"id": {"books"}, "name": {"Books API"}, "auth_mode": {"oauth2"}, "on": {"1"}})
	require.Equal(t, http.StatusSeeOther, r.code, r.body)
	assert.Equal(t, "/admin/catalogue#apis", r.location())
	assert.Contains(t, b.get("/admin/catalogue").body, "API &#34;Books API&#34; added.")

	r = b.submit("/admin/catalogue/policies/new", "/admin/catalogue/policies",
		url.Values{"id": {"books-read"}, "name": {"Books read"}, "api": {"books"}, "scopes": {"books:read, books:list"}, "on": {"1"}})
	require.Equal(t, http.StatusSeeOther, r.code, r.body)
	p, err := h.store.GetPolicy(ctx, "books-read")
	require.NoError(t, err)
	assert.Equal(t, []string{"books:read", "books:list"}, p.Scopes)
	assert.True(t, p.Grants("books"))

	r = b.submit("/admin/catalogue/entries/new", "/admin/catalogue/entries",
		url.Values{"id": {"books"}, "api_id": {"books"}, "policy": {"books-read"}, "on": {"1"}, "approval": {"1"}, "client_limit": {"2"}})
	require.Equal(t, http.StatusSeeOther, r.code, r.body)
	e, err := h.store.GetEntry(ctx, "books")
	require.NoError(t, err)
	assert.Equal(t, "Books API", e.DisplayName, "the API's name by default")
	assert.True(t, e.RequiresApproval)
	assert.Equal(t, 2, e.ClientLimit)

	ann := h.addDeveloper("ann@example.com", "Ann")
	eligible, err := h.svc.EligibleEntries(ctx, ann.ID)
	require.NoError(t, err)
	assert.True(t, containsEntry(eligible, "books"))
	dev := h.login("ann@example.com")
	assert.Contains(t, dev.get("/clients/new").body, "Books API")
}

func containsEntry(list []portal.EligibleEntry, id string) bool {
	for _, e := range list {
		if e.Entry.ID == id {
			return true
		}
	}
	return false
}

func TestAdminCatalogueErrors(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	b := h.adminLogin()
	for _, tc := range []struct {
		name, from, path string
		form             url.Values
		field, want      string
	}{
		{"API without a name", "/admin/catalogue/apis/new", "/admin/catalogue/apis",
			url.Values{"id": {"x"}, "auth_mode": {"oauth2"}}, "name", "Name is required."},
		{"API with a taken ID", "/admin/catalogue/apis/new", "/admin/catalogue/apis",
			url.Values{"id": {"payments"}, "name": {"Again"}, "auth_mode": {"oauth2"}}, "id", "An item with this ID exists already"},
		{"API with no auth mode", "/admin/catalogue/apis/new", "/admin/catalogue/apis",
			url.Values{"id": {"x"}, "name": {"X"}}, "auth_mode", "Authentication mode must be one of"},
		{"policy with a bad scope", "/admin/catalogue/policies/new", "/admin/catalogue/policies",
			url.Values{"id": {"x"}, "name": {"X"}, "api": {"payments"}, "scopes": {`a"b`}}, "scopes", "Each scope must be a scope such as"},
		{"policy for an unknown API", "/admin/catalogue/policies/new", "/admin/catalogue/policies",
			url.Values{"id": {"x"}, "name": {"X"}, "api": {"nope"}}, "api", "The chosen API does not exist any more"},
		{"entry offering a policy of another API", "/admin/catalogue/entries/new", "/admin/catalogue/entries",
			url.Values{"id": {"x"}, "api_id": {"weather"}, "policy": {"pay-read"}}, "policy",
			"The policy &#34;Payments read&#34; does not grant access to this API"},
		{"entry with a bad limit", "/admin/catalogue/entries/new", "/admin/catalogue/entries",
			url.Values{"id": {"x"}, "api_id": {"weather"}, "policy": {"weather-std"}, "client_limit": {"-1"}}, "client_limit", "Client limit must be a whole number"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := b.submit(tc.from, tc.path, tc.form)
			require.Equal(t, http.StatusBadRequest, r.code, r.body)
			assert.Contains(t, r.body, tc.want)
			assert.Contains(t, r.body, `id="`+tc.field+`-error"`, "the message is linked to its field")
		})
	}
	_, err := h.store.GetAPI(t.Context(), "x")
	assert.ErrorIs(t, err, portal.ErrNotFound, "nothing was written")
}

func TestAdminEditsAndDeactivates(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	b := h.adminLogin()
	ctx := t.Context()

	form := b.get("/admin/catalogue/apis/weather/edit")
	require.Equal(t, http.StatusOK, form.code)
	assert.Contains(t, form.body, `value="Weather API"`)
	r := b.submit("/admin/catalogue/apis/weather/edit", "/admin/catalogue/apis/weather/edit",
		url.Values{"version": {"1"}, "name": {"Weather API v2"}, "auth_mode": {"oauth2"}, "on": {"1"}})
	require.Equal(t, http.StatusSeeOther, r.code, r.body)
	a, err := h.store.GetAPI(ctx, "weather")
	require.NoError(t, err)
	assert.Equal(t, "Weather API v2", a.Name)

	// A stale version is refused and says why.
	r = b.submit("/admin/catalogue/apis/weather/edit", "/admin/catalogue/apis/weather/edit",
		url.Values{"version": {"1"}, "name": {"Lost"}, "auth_mode": {"oauth2"}, "on": {"1"}})
	require.Equal(t, http.StatusBadRequest, r.code)
	assert.Contains(t, r.body, "Someone changed this record at the same time.")

	// Hiding an entry asks first, then takes it off the Select API page.
	confirm := b.get("/admin/catalogue/entries/weather/deactivate")
	require.Equal(t, http.StatusOK, confirm.code)
	assert.Contains(t, confirm.body, "Hide catalogue entry “Weather”?")
	r = b.submit("/admin/catalogue/entries/weather/deactivate", "/admin/catalogue/entries/weather/deactivate", url.Values{"version": {"1"}})
	require.Equal(t, http.StatusSeeOther, r.code, r.body)
	e, err := h.store.GetEntry(ctx, "weather")
	require.NoError(t, err)
	assert.False(t, e.Visible)
	h.addDeveloper("ann@example.com", "Ann")
	assert.NotContains(t, h.login("ann@example.com").get("/clients/new").body, "Weather")

	r = b.submit("/admin/catalogue", "/admin/catalogue/entries/weather/activate", url.Values{"version": {"2"}})
	require.Equal(t, http.StatusSeeOther, r.code, r.body)
	e, err = h.store.GetEntry(ctx, "weather")
	require.NoError(t, err)
	assert.True(t, e.Visible)

	// Deactivating a policy.
	r = b.submit("/admin/catalogue/policies/pay-full/deactivate", "/admin/catalogue/policies/pay-full/deactivate", url.Values{"version": {"1"}})
	require.Equal(t, http.StatusSeeOther, r.code, r.body)
	p, err := h.store.GetPolicy(ctx, "pay-full")
	require.NoError(t, err)
	assert.False(t, p.Active)

	assert.Equal(t, http.StatusNotFound, b.get("/admin/catalogue/apis/nope/edit").code)
	assert.Equal(t, http.StatusNotFound, b.get("/admin/catalogue/widgets/new").code)
	assert.Equal(t, http.StatusNotFound, b.submit("/admin/catalogue", "/admin/catalogue/apis/nope/deactivate", url.Values{"version": {"1"}}).code)
	assert.Equal(t, http.StatusBadRequest, b.submit("/admin/catalogue", "/admin/catalogue/apis/weather/deactivate", nil).code)
}

func TestAdminSearchApprovalsAndReactivate(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ann := h.addDeveloper("ann@example.com", "Ann")
	bob := h.addDeveloper("bob@example.com", "Bob")
	h.addClient(bob.ID, "Zebra forecasts")
	pending, err := h.svc.CreateClient(t.Context(), ann.ID, portal.CreateClientRequest{
		EntryIDs: []string{"partner"},
		Metadata: oauthclient.Metadata{ClientName: "Partner app", GrantTypes: []oauthclient.GrantType{oauthclient.GrantClientCredentials}},
	})
	require.NoError(t, err)
	b := h.adminLogin()

	r := b.get("/admin/developers?q=zebra")
	assert.Contains(t, r.body, "bob@example.com")
	assert.NotContains(t, r.body, "ann@example.com")
	assert.Contains(t, b.get("/admin/developers?q=nothing-like-it").body, "No developer matches.")

	q := b.get("/admin/approvals")
	require.Equal(t, http.StatusOK, q.code)
	assert.Contains(t, q.body, "Partner app")
	assert.NotContains(t, q.body, "Zebra forecasts", "only pending clients")

	// The client's page: details, token count, audit trail (none here: the
	// harness's service has no audit log).
	c := b.get("/admin/clients/" + pending.Client.ID)
	require.Equal(t, http.StatusOK, c.code)
	for _, w := range []string{"Partner app", "Pending approval", "Ann", "client_secret_basic", `id="token-count">0<`, pending.Client.Secrets[0].Hint} {
		assert.Contains(t, c.body, w)
	}
	assert.NotContains(t, c.body, pending.Secret.Reveal())
	assert.Equal(t, http.StatusNotFound, b.get("/admin/clients/nope").code)

	require.NoError(t, h.svc.DeactivateDeveloper(t.Context(), "admin", ann.ID))
	inactive := b.get("/admin/developers?status=inactive")
	assert.Contains(t, inactive.body, "ann@example.com")
	assert.NotContains(t, inactive.body, "bob@example.com")
	assert.Contains(t, inactive.body, `action="/admin/developers/`+ann.ID+`/reactivate"`)
	r = b.submit("/admin/developers", "/admin/developers/"+ann.ID+"/reactivate", nil)
	require.Equal(t, http.StatusSeeOther, r.code, r.body)
	d, err := h.svc.GetDeveloper(t.Context(), ann.ID)
	require.NoError(t, err)
	assert.Equal(t, portal.DeveloperActive, d.Status)
	assert.Contains(t, b.get("/admin/developers").body, "Ann was reactivated")
	h.login("ann@example.com")
}

func TestStyledNotFound(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	for _, p := range []string{"/admin/catalogue-typo", "/nothing/here", "/clients/a/b/c"} {
		r := h.browser().get(p)
		require.Equal(t, http.StatusNotFound, r.code, p)
		assert.True(t, strings.HasPrefix(r.header.Get("Content-Type"), "text/html"), p)
		assert.Contains(t, r.body, "There is nothing here", p)
		assert.Contains(t, r.body, `href="/static/portal.css"`, p)
		assert.NotContains(t, r.body, "404 page not found", p)
	}
	r := h.browser().do(http.MethodPut, "/login", nil, "")
	require.Equal(t, http.StatusMethodNotAllowed, r.code)
	assert.Contains(t, r.body, "does not take that kind of request")
}
