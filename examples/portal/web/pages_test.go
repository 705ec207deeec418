package web_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// assertSecurityHeaders checks the headers every page carries.
func assertSecurityHeaders(t *testing.T, r response) {
	t.Helper()
	csp := r.header.Get("Content-Security-Policy")
	assert.Contains(t, csp, "frame-ancestors 'none'")
	assert.Contains(t, csp, "default-src 'none'")
	assert.NotContains(t, csp, "unsafe-inline")
	assert.NotContains(t, csp, "unsafe-eval")
	assert.Len(t, r.header.Values("Content-Security-Policy"), 1)
	assert.Equal(t, "nosniff", r.header.Get("X-Content-Type-Options"))
	assert.Equal(t, "no-referrer", r.header.Get("Referrer-Policy"))
	assert.Equal(t, "DENY", r.header.Get("X-Frame-Options"))
}

func TestAnonymousPages(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	for _, tc := range []struct {
		path string
		want []string
	}{
		{"/", []string{"Developer Portal", `href="/login"`, `href="/signup"`, "OAuth Clients"}},
		{"/login", []string{"<h1>Log in</h1>", `name="csrf"`, `name="email"`, `name="password"`}},
		{"/login?return_to=%2Foauth%2Fauthorize%3Fclient_id%3Dx", []string{`name="return_to" value="/oauth/authorize?client_id=x"`}},
		{"/signup", []string{"Create your developer account", `name="password2"`}},
		{"/admin/login", []string{"Administrator log in", `name="username"`, "Portal Management"}},
	} {
		t.Run(tc.path, func(t *testing.T) {
			t.Parallel()
			r := h.browser().get(tc.path)
			require.Equal(t, http.StatusOK, r.code)
			assertSecurityHeaders(t, r)
			assert.Equal(t, "no-store", r.header.Get("Cache-Control"))
			assert.Equal(t, "text/html; charset=utf-8", r.header.Get("Content-Type"))
			assert.Contains(t, r.header.Get("Content-Security-Policy"), "form-action 'self'")
			for _, w := range tc.want {
				assert.Contains(t, r.body, w)
			}
		})
	}
}

func TestLoginIgnoresForeignReturnTo(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	for _, rt := range []string{"//evil.example/x", "https://evil.example/", "/\\evil.example", "javascript:alert(1)", "x"} {
		r := h.browser().get("/login?return_to=" + strings.ReplaceAll(rt, "/", "%2F"))
		require.Equal(t, http.StatusOK, r.code)
		assert.NotContains(t, r.body, `name="return_to"`, rt)
	}
}

func TestStaticFiles(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	b := h.browser()
	css := b.get("/static/portal.css")
	require.Equal(t, http.StatusOK, css.code)
	assert.Contains(t, css.header.Get("Content-Type"), "text/css")
	assert.Contains(t, css.header.Get("Cache-Control"), "max-age")
	assertSecurityHeaders(t, css)
	js := b.get("/static/portal.js")
	require.Equal(t, http.StatusOK, js.code)
	assert.Contains(t, js.header.Get("Content-Type"), "javascript")
	assert.Equal(t, http.StatusNotFound, b.get("/static/nothing.css").code)
}

func TestLoggedInPagesNeedLogin(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	b := h.browser()
	for _, p := range []string{"/clients", "/clients/new", "/clients/new/details?entry=weather", "/clients/x", "/clients/x/secret", "/clients/x/edit", "/clients/x/rotate", "/clients/x/delete"} {
		r := b.get(p)
		assert.Equal(t, http.StatusSeeOther, r.code, p)
		assert.True(t, strings.HasPrefix(r.location(), "/login?return_to="), r.location())
	}
	for _, p := range []string{"/admin/", "/admin/developers", "/admin/developers/x/deactivate"} {
		r := b.get(p)
		assert.Equal(t, http.StatusSeeOther, r.code, p)
		assert.Equal(t, "/admin/login", r.location())
	}
	// A developer session is no admin session.
	h.addDeveloper("ann@example.com", "Ann")
	dev := h.login("ann@example.com")
	assert.Equal(t, "/admin/login", dev.get("/admin/developers").location())
}

func TestCurrentUserAndLoginURL(t *testing.T) {
	t.Parallel()
	h, d, b := withAnn(t)

	req, err := http.NewRequest(http.MethodGet, h.srv.URL+"/oauth/authorize", nil)
	require.NoError(t, err)
	for _, c := range b.client.Jar.Cookies(req.URL) {
		req.AddCookie(c)
	}
	id, ok := h.site.CurrentUser(req)
	require.True(t, ok)
	assert.Equal(t, d.ID, id)

	anon, err := http.NewRequest(http.MethodGet, h.srv.URL+"/", nil)
	require.NoError(t, err)
	_, ok = h.site.CurrentUser(anon)
	assert.False(t, ok)

	assert.Equal(t, "/login?return_to=%2Foauth%2Fauthorize%3Fa%3D1%26b%3D2", h.site.LoginURL("/oauth/authorize?a=1&b=2"))
	assert.Equal(t, "/login", h.site.LoginURL("https://evil.example/"))
	assert.Equal(t, "/login", h.site.LoginURL("//evil.example/"))

	// After deactivation the session no longer counts.
	require.NoError(t, h.svc.DeactivateDeveloper(t.Context(), "admin:test", d.ID))
	_, ok = h.site.CurrentUser(req)
	assert.False(t, ok)
}
