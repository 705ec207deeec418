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
	"github.com/portaloauth/portaloauth/portal"
)

func TestAdminLogin(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	for _, tc := range []struct {
		name, user, password string
		code                 int
		want                 string
	}{
		{"right", adminUser, adminPassword, http.StatusSeeOther, ""},
		{"wrong password", adminUser, "wrong password", http.StatusUnauthorized, "The username or the password is wrong."},
		{"unknown user", "nobody", adminPassword, http.StatusUnauthorized, "The username or the password is wrong."},
		{"developer password", adminUser, devPassword, http.StatusUnauthorized, "wrong"},
		{"empty", "", "", http.StatusBadRequest, "Enter your username."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := h.browser()
			r := b.submit("/admin/login", "/admin/login", url.Values{"username": {tc.user}, "password": {tc.password}})
			require.Equal(t, tc.code, r.code)
			assert.Contains(t, r.body, tc.want)
			if tc.code == http.StatusSeeOther {
				assert.Equal(t, "/admin/developers", r.location())
				for _, line := range r.header.Values("Set-Cookie") {
					if strings.HasPrefix(line, "portal_admin=") {
						assert.Contains(t, line, "Path=/admin")
						assert.Contains(t, line, "HttpOnly")
					}
				}
				assert.Equal(t, http.StatusOK, b.get("/admin/developers").code)
				assert.Equal(t, http.StatusSeeOther, b.get("/clients").code, "an admin session is no developer session")
			}
		})
	}
}

func TestAdminDevelopersPage(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ann := h.addDeveloper("ann@example.com", "Ann")
	h.addDeveloper("bob@example.com", "Bob")
	nc := h.addClient(ann.ID, "Forecasts")
	b := h.adminLogin()
	r := b.get("/admin/developers")
	require.Equal(t, http.StatusOK, r.code)
	assertSecurityHeaders(t, r)
	assert.Equal(t, "no-store", r.header.Get("Cache-Control"))
	for _, w := range []string{"Portal Management › Developers", "Ann", "ann@example.com", "Bob", "bob@example.com",
		nc.Client.ID, "Forecasts", "Weather API", "Weather standard", "Active", nc.Client.Secrets[0].Hint, "No OAuth clients."} {
		assert.Contains(t, r.body, w)
	}
	assert.NotContains(t, r.body, nc.Secret.Reveal(), "never a secret")
	assert.NotContains(t, r.body, nc.Client.Secrets[0].Hash, "never a hash")
	assert.Contains(t, r.body, `href="/admin/clients/`+nc.Client.ID+`/disable?back=/admin/developers"`, "disabling asks first")
	assert.Contains(t, r.body, `href="/admin/clients/`+nc.Client.ID+`"`, "the client's page")
}

func TestAdminPaging(t *testing.T) {
	t.Parallel()
	h := newHarness(t, harnessOptions{pageSize: 2})
	for _, n := range []string{"ann", "bob", "cid"} {
		h.addDeveloper(n+"@example.com", n)
		h.clock.Advance(time.Second) // lists are oldest first
	}
	b := h.adminLogin()
	p1 := b.get("/admin/developers")
	assert.Contains(t, p1.body, "ann@example.com")
	assert.NotContains(t, p1.body, "cid@example.com")
	assert.Contains(t, p1.body, `href="?page=2"`)
	p2 := b.get("/admin/developers?page=2")
	assert.Contains(t, p2.body, "cid@example.com")
	assert.NotContains(t, p2.body, "ann@example.com")
}

func TestAdminClientActions(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ann := h.addDeveloper("ann@example.com", "Ann")
	pending, err := h.svc.CreateClient(t.Context(), ann.ID, portal.CreateClientRequest{
		EntryIDs: []string{"partner"},
		Metadata: oauthclient.Metadata{ClientName: "Partner app", GrantTypes: []oauthclient.GrantType{oauthclient.GrantClientCredentials}},
	})
	require.NoError(t, err)
	require.Equal(t, oauthclient.StatusPending, pending.Client.Status)
	active := h.addClient(ann.ID, "Forecasts")
	b := h.adminLogin()
	status := func(id string) oauthclient.Status {
		c, err := h.store.GetClient(t.Context(), id)
		require.NoError(t, err)
		return c.Status
	}
	act := func(id, action string) response {
		return b.submit("/admin/developers", "/admin/clients/"+id+"/"+action, url.Values{"back": {"/admin/developers"}})
	}

	page := b.get("/admin/developers")
	assert.Contains(t, page.body, "Pending approval")
	assert.Contains(t, page.body, `action="/admin/clients/`+pending.Client.ID+`/approve"`)
	assert.Contains(t, page.body, `href="/admin/clients/`+pending.Client.ID+`/reject?back=/admin/developers"`)

	// Rejecting and disabling ask first, naming the client and what follows.
	confirm := b.get("/admin/clients/" + pending.Client.ID + "/reject?back=/admin/approvals")
	require.Equal(t, http.StatusOK, confirm.code)
	assert.Contains(t, confirm.body, "Reject the client “Partner app”?")
	assert.Contains(t, confirm.body, `action="/admin/clients/`+pending.Client.ID+`/reject"`)
	assert.Contains(t, confirm.body, `name="back" value="/admin/approvals"`)
	confirm = b.get("/admin/clients/" + active.Client.ID + "/disable?back=//evil.example")
	require.Equal(t, http.StatusOK, confirm.code)
	assert.Contains(t, confirm.body, "every token it holds is revoked")
	assert.NotContains(t, confirm.body, "evil.example", "only a local admin path is a way back")
	assert.Equal(t, http.StatusConflict, b.get("/admin/clients/"+active.Client.ID+"/reject").code, "an active client is not pending")
	assert.Equal(t, http.StatusNotFound, b.get("/admin/clients/"+active.Client.ID+"/approve").code, "approving needs no confirmation")

	r := act(pending.Client.ID, "approve")
	require.Equal(t, http.StatusSeeOther, r.code, r.body)
	assert.Equal(t, "/admin/developers", r.location())
	assert.Equal(t, oauthclient.StatusActive, status(pending.Client.ID))
	assert.Contains(t, b.get("/admin/developers").body, "The client &#34;Partner app&#34; was approved.")

	assert.Equal(t, http.StatusConflict, act(pending.Client.ID, "approve").code, "not pending any more")
	assert.Equal(t, http.StatusConflict, act(pending.Client.ID, "reject").code)

	require.Equal(t, http.StatusSeeOther, act(active.Client.ID, "disable").code)
	assert.Equal(t, oauthclient.StatusDisabled, status(active.Client.ID))
	require.Equal(t, http.StatusSeeOther, act(active.Client.ID, "enable").code)
	assert.Equal(t, oauthclient.StatusActive, status(active.Client.ID))

	assert.Equal(t, http.StatusNotFound, act("no-such-client", "disable").code)
	assert.Equal(t, http.StatusNotFound, act(active.Client.ID, "explode").code)
	assert.Equal(t, oauthclient.StatusActive, status(active.Client.ID))

	// Rejecting a pending client deletes it.
	other, err := h.svc.CreateClient(t.Context(), ann.ID, portal.CreateClientRequest{
		EntryIDs: []string{"partner"},
		Metadata: oauthclient.Metadata{ClientName: "Second", GrantTypes: []oauthclient.GrantType{oauthclient.GrantClientCredentials}},
	})
	require.NoError(t, err)
	require.Equal(t, http.StatusSeeOther, act(other.Client.ID, "reject").code)
	_, err = h.store.GetClient(t.Context(), other.Client.ID)
	assert.ErrorIs(t, err, oauthclient.ErrNotFound)

	// The page the action was taken on comes back; only an admin page.
	r = b.submit("/admin/developers", "/admin/clients/"+active.Client.ID+"/disable", url.Values{"back": {"/admin/developers?page=3"}})
	assert.Equal(t, "/admin/developers?page=3", r.location())
	r = b.submit("/admin/developers", "/admin/clients/"+active.Client.ID+"/enable", url.Values{"back": {"https://evil.example/"}})
	assert.Equal(t, "/admin/developers", r.location())
}

func TestAdminDeactivateDeveloper(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ann := h.addDeveloper("ann@example.com", "Ann")
	nc := h.addClient(ann.ID, "Forecasts")
	dev := h.login("ann@example.com")
	b := h.adminLogin()
	confirm := b.get("/admin/developers/" + ann.ID + "/deactivate")
	require.Equal(t, http.StatusOK, confirm.code)
	assert.Contains(t, confirm.body, "Deactivate Ann?")

	r := b.submit("/admin/developers/"+ann.ID+"/deactivate", "/admin/developers/"+ann.ID+"/deactivate", nil)
	require.Equal(t, http.StatusSeeOther, r.code, r.body)
	d, err := h.svc.GetDeveloper(t.Context(), ann.ID)
	require.NoError(t, err)
	assert.Equal(t, portal.DeveloperInactive, d.Status)
	c, err := h.store.GetClient(t.Context(), nc.Client.ID)
	require.NoError(t, err)
	assert.Equal(t, oauthclient.StatusDisabled, c.Status)
	assert.Equal(t, http.StatusSeeOther, dev.get("/clients").code, "the developer is logged out")
	assert.Contains(t, b.get("/admin/developers").body, "Deactivated")

	assert.Equal(t, http.StatusNotFound, b.get("/admin/developers/nobody/deactivate").code)
	assert.Equal(t, http.StatusNotFound, b.submit("/admin/developers", "/admin/developers/nobody/deactivate", nil).code)
}

func TestAdminLogout(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	b := h.adminLogin()
	r := b.submit("/admin/developers", "/admin/logout", nil)
	require.Equal(t, http.StatusSeeOther, r.code)
	assert.Equal(t, "/admin/login", r.location())
	assert.Equal(t, http.StatusSeeOther, b.get("/admin/developers").code)
}

// TestAdminLoginThrottled: the administrator's login is throttled like a
// developer's: after five wrong passwords, 429 with Retry-After.
func TestAdminLoginThrottled(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	b := h.browser()
	for i := range 6 {
		r := b.submit("/admin/login", "/admin/login", url.Values{"username": {adminUser}, "password": {"guess-number-two"}})
		require.Equal(t, http.StatusUnauthorized, r.code, "attempt %d", i+1)
	}
	r := b.submit("/admin/login", "/admin/login", url.Values{"username": {adminUser}, "password": {adminPassword}})
	require.Equal(t, http.StatusTooManyRequests, r.code, "the right password waits too")
	assert.NotEmpty(t, r.header.Get("Retry-After"))
	assert.NotContains(t, h.logged.String(), "guess-number-two")
}
