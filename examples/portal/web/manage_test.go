package web_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portaloauth/portaloauth/oauthclient"
)

func TestShowClient(t *testing.T) {
	t.Parallel()
	h, d, b := withAnn(t)
	nc := h.addClient(d.ID, "Forecasts")
	r := b.get("/clients/" + nc.Client.ID)
	require.Equal(t, http.StatusOK, r.code)
	for _, w := range []string{"Forecasts", nc.Client.ID, "Weather API", "Weather standard", "https://app.example.com/cb",
		nc.Client.Secrets[0].Hint, "Edit redirect URLs", "Rotate secret", "Revoke all tokens", "Delete"} {
		assert.Contains(t, r.body, w)
	}
	assert.NotContains(t, r.body, nc.Secret.Reveal())
	// Without a waiting secret, the secret page shows only the hint.
	s := b.get("/clients/" + nc.Client.ID + "/secret")
	require.Equal(t, http.StatusOK, s.code)
	assert.NotContains(t, s.body, nc.Secret.Reveal())
	assert.Contains(t, s.body, nc.Client.Secrets[0].Hint)
}

func TestEditClient(t *testing.T) {
	t.Parallel()
	h, d, b := withAnn(t)
	nc := h.addClient(d.ID, "Forecasts")
	id := nc.Client.ID
	edit := "/clients/" + id + "/edit"

	page := b.get(edit)
	require.Equal(t, http.StatusOK, page.code)
	assert.Contains(t, page.body, `value="https://app.example.com/cb"`)
	assert.Contains(t, page.body, `name="version" value="1"`)

	// Add another field.
	r := b.submit(edit, edit, url.Values{"version": {"1"}, "name": {"Forecasts"}, "redirect_uri": {"https://app.example.com/cb"}, "add_redirect": {"1"}})
	require.Equal(t, http.StatusOK, r.code)
	assert.Equal(t, 2, strings.Count(r.body, `name="redirect_uri"`))

	// An invalid URL: the error next to it, values kept, nothing saved.
	r = b.submit(edit, edit, url.Values{"version": {"1"}, "name": {"Forecasts v2"}, "redirect_uri": {"https://app.example.com/cb", "https://*.example.com/cb"}})
	require.Equal(t, http.StatusBadRequest, r.code)
	assert.Contains(t, r.body, "Redirect URL must not contain a wildcard (*).")
	assert.Contains(t, r.body, `value="Forecasts v2"`)
	assert.Contains(t, r.body, `value="https://*.example.com/cb"`)
	assert.Equal(t, "Forecasts", h.clients(d.ID)[0].ClientName)

	// A valid change.
	r = b.submit(edit, edit, url.Values{"version": {"1"}, "name": {"Forecasts v2"}, "redirect_uri": {"https://app.example.com/cb", "", "https://app.example.com/cb2"}})
	require.Equal(t, http.StatusSeeOther, r.code, r.body)
	assert.Equal(t, "/clients/"+id, r.location())
	c := h.clients(d.ID)[0]
	assert.Equal(t, "Forecasts v2", c.ClientName)
	assert.Equal(t, []string{"https://app.example.com/cb", "https://app.example.com/cb2"}, c.RedirectURIs)
	assert.Contains(t, b.get(r.location()).body, "Saved the changes to “Forecasts v2”.")

	// A stale version is a conflict, and changes nothing.
	r = b.submit(edit, edit, url.Values{"version": {"1"}, "name": {"Stale"}, "redirect_uri": {"https://app.example.com/cb"}})
	assert.Equal(t, http.StatusConflict, r.code)
	assert.Equal(t, "Forecasts v2", h.clients(d.ID)[0].ClientName)

	// A missing or malformed version is a bad request.
	for _, v := range []string{"", "x", "0", "-3", "99999999999999999999999"} {
		r = b.submit(edit, edit, url.Values{"version": {v}, "name": {"X"}})
		assert.Equal(t, http.StatusBadRequest, r.code, v)
	}
}

func TestRotateSecret(t *testing.T) {
	t.Parallel()
	h, d, b := withAnn(t)
	nc := h.addClient(d.ID, "Forecasts")
	id := nc.Client.ID
	rotate := "/clients/" + id + "/rotate"

	page := b.get(rotate)
	require.Equal(t, http.StatusOK, page.code)
	assert.Contains(t, page.body, `value="24h" checked`)

	r := b.submit(rotate, rotate, url.Values{"grace": {"1h"}})
	require.Equal(t, http.StatusSeeOther, r.code, r.body)
	assert.Equal(t, "/clients/"+id+"/secret?rotated=1", r.location())
	shown := b.get(r.location())
	assert.Contains(t, shown.body, "Your new client secret")
	assert.Contains(t, shown.body, nc.Client.Secrets[0].Hint+"</code> keeps working until <strong>1 Mar 2025 13:00 UTC</strong>")
	assert.NotContains(t, shown.body, "stepper", "no creation steps after a rotation")
	m := secretRE.FindStringSubmatch(shown.body)
	require.NotNil(t, m)
	newSecret := m[1]
	assert.NotEqual(t, nc.Secret.Reveal(), newSecret)
	assert.NotContains(t, b.get(r.location()).body, newSecret, "shown once")

	c := h.clients(d.ID)[0]
	require.Len(t, c.Secrets, 2)
	assert.Equal(t, h.clock.Now().Add(time.Hour), c.Secrets[0].ExpiresAt, "the old secret has its grace period")

	auth := &oauthclient.Authenticator{Clients: h.store, Hasher: testHasher, Now: h.clock.Now}
	for _, s := range []string{nc.Secret.Reveal(), newSecret} {
		_, err := auth.Authenticate(t.Context(), oauthclient.Credentials{ClientID: id, Secret: oauthclient.NewPlaintext(s), Method: oauthclient.AuthMethodBasic})
		assert.NoError(t, err)
	}

	for _, g := range []string{"", "2h", "-1h", "1h1m"} {
		r = b.submit(rotate, rotate, url.Values{"grace": {g}})
		assert.Equal(t, http.StatusBadRequest, r.code, g)
	}
	assert.Len(t, h.clients(d.ID)[0].Secrets, 2, "refused rotations change nothing")
}

func TestRevokeTokens(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	d := h.addDeveloper("ann@example.com", "Ann")
	nc := h.addClient(d.ID, "Forecasts")
	id := nc.Client.ID
	now := h.clock.Now()
	for i := range 3 {
		require.NoError(t, h.store.CreateToken(t.Context(), &oauthclient.Token{
			Hash: oauthclient.HashToken("token-" + strconv.Itoa(i)), Kind: oauthclient.KindAccessToken,
			ClientID: id, GrantID: "g", IssuedAt: now, ExpiresAt: now.Add(time.Hour),
		}))
	}
	b := h.login("ann@example.com")
	confirm := b.get("/clients/" + id + "/revoke")
	require.Equal(t, http.StatusOK, confirm.code)
	assert.Contains(t, confirm.body, "Revoke every token of Forecasts?")
	r := b.submit("/clients/"+id+"/revoke", "/clients/"+id+"/revoke", nil)
	require.Equal(t, http.StatusSeeOther, r.code, r.body)
	assert.Equal(t, "/clients/"+id, r.location())
	assert.Contains(t, b.get(r.location()).body, "Revoked 3 tokens of “Forecasts”.")
	left, err := h.store.ListTokens(t.Context(), oauthclient.TokenFilter{ClientID: id})
	require.NoError(t, err)
	assert.Empty(t, left)
}

func TestDeleteClient(t *testing.T) {
	t.Parallel()
	h, d, b := withAnn(t)
	nc := h.addClient(d.ID, "Forecasts")
	id := nc.Client.ID

	confirm := b.get("/clients/" + id + "/delete")
	require.Equal(t, http.StatusOK, confirm.code)
	assert.Contains(t, confirm.body, "Delete Forecasts?")
	assert.Contains(t, confirm.body, "cannot be undone")
	assert.Len(t, h.clients(d.ID), 1, "the confirmation page deletes nothing")

	r := b.submit("/clients/"+id+"/delete", "/clients/"+id+"/delete", nil)
	require.Equal(t, http.StatusSeeOther, r.code, r.body)
	assert.Equal(t, "/clients", r.location())
	assert.Empty(t, h.clients(d.ID))
	list := b.get("/clients")
	assert.Contains(t, list.body, "The OAuth client “Forecasts” was deleted")
	assert.Contains(t, list.body, "Create first OAuth Client")
	assert.Equal(t, http.StatusNotFound, b.get("/clients/"+id).code)
}

// TestOtherDevelopersClients: every page and action on another developer's
// client is "not found", and changes nothing.
func TestOtherDevelopersClients(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ann := h.addDeveloper("ann@example.com", "Ann")
	h.addDeveloper("bob@example.com", "Bob")
	nc := h.addClient(ann.ID, "Ann's app")
	id := nc.Client.ID
	before := h.clients(ann.ID)[0]
	bob := h.login("bob@example.com")
	tok := bob.token("/clients")

	for _, p := range []string{"", "/secret", "/edit", "/rotate", "/delete"} {
		r := bob.get("/clients/" + id + p)
		assert.Equal(t, http.StatusNotFound, r.code, p)
		assert.NotContains(t, r.body, "Ann's app")
	}
	for _, tc := range []struct {
		path string
		form url.Values
	}{
		{"/edit", url.Values{"version": {"1"}, "name": {"Bob's now"}, "redirect_uri": {"https://bob.example/cb"}}},
		{"/rotate", url.Values{"grace": {"0"}}},
		{"/revoke", url.Values{}},
		{"/delete", url.Values{}},
	} {
		tc.form.Set("csrf", tok)
		r := bob.post("/clients/"+id+tc.path, tc.form)
		assert.Equal(t, http.StatusNotFound, r.code, tc.path)
	}
	after := h.clients(ann.ID)
	require.Len(t, after, 1)
	assert.Equal(t, before, after[0], "nothing changed")

	// Unknown IDs, including odd ones, are not found either.
	for _, odd := range []string{"nope", "%00", "..%2F..%2Fadmin", strings.Repeat("x", 3000)} {
		assert.Equal(t, http.StatusNotFound, bob.get("/clients/"+odd).code, odd)
	}
}
