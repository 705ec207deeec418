package web_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portaloauth/portaloauth/catalogue"
	"github.com/portaloauth/portaloauth/examples/portal/web"
	"github.com/portaloauth/portaloauth/portal"
)

// postRoute is a form the pages accept, with a valid body but for the
// CSRF token.
type postRoute struct {
	path  string
	form  url.Values
	admin bool // posted from an admin session
	anon  bool // posted before login
}

func postRoutes(clientID, devID string) []postRoute {
	c := "/clients/" + clientID
	return []postRoute{
		{path: "/login", form: url.Values{"email": {"ann@example.com"}, "password": {devPassword}}, anon: true},
		{path: "/signup", form: url.Values{"email": {"new@example.com"}, "name": {"New"}, "password": {"a long password"}, "password2": {"a long password"}}, anon: true},
		{path: "/admin/login", form: url.Values{"username": {adminUser}, "password": {adminPassword}}, anon: true},
		{path: "/logout"},
		{path: "/clients", form: createForm()},
		{path: c + "/edit", form: url.Values{"version": {"1"}, "name": {"Changed"}, "redirect_uri": {"https://x.example/cb"}}},
		{path: c + "/rotate", form: url.Values{"grace": {"0"}}},
		{path: c + "/revoke"},
		{path: c + "/delete"},
		{path: "/admin/logout", admin: true},
		{path: "/admin/clients/" + clientID + "/disable", admin: true},
		{path: "/admin/developers/" + devID + "/deactivate", admin: true},
	}
}

// TestCSRF: a post without the form's token, with another session's token,
// or from another origin is refused with 403 and changes nothing.
func TestCSRF(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ann := h.addDeveloper("ann@example.com", "Ann")
	nc := h.addClient(ann.ID, "Ann's app")
	dev := h.login("ann@example.com")
	admin := h.adminLogin()
	otherDev := h.login("ann@example.com")
	otherTok := otherDev.token("/clients")
	before := h.clients(ann.ID)

	for _, rt := range postRoutes(nc.Client.ID, ann.ID) {
		b, from := dev, "/clients"
		switch {
		case rt.admin:
			b, from = admin, "/admin/developers"
		case rt.anon:
			b, from = h.browser(), "/login"
		}
		good := b.token(from)
		for _, tc := range []struct {
			name   string
			token  string
			header map[string]string
		}{
			{"no token", "", nil},
			{"wrong token", strings.Repeat("A", 43), nil},
			{"another session's token", otherTok, nil},
			{"two tokens", good + "&csrf=" + good, nil},
			{"cross-site fetch", good, map[string]string{"Sec-Fetch-Site": "cross-site"}},
			{"foreign origin", good, map[string]string{"Origin": "https://evil.example"}},
		} {
			t.Run(rt.path+"/"+tc.name, func(t *testing.T) {
				form := url.Values{}
				for k, v := range rt.form {
					form[k] = v
				}
				body := form.Encode()
				if tc.token != "" {
					body += "&csrf=" + tc.token
				}
				req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, h.srv.URL+rt.path, strings.NewReader(body))
				require.NoError(t, err)
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				for k, v := range tc.header {
					req.Header.Set(k, v)
				}
				resp, err := b.client.Do(req)
				require.NoError(t, err)
				resp.Body.Close()
				assert.Equal(t, http.StatusForbidden, resp.StatusCode)
			})
		}
	}
	assert.Equal(t, before, h.clients(ann.ID), "no client changed")
	d, err := h.svc.GetDeveloper(t.Context(), ann.ID)
	require.NoError(t, err)
	assert.Equal(t, portal.DeveloperActive, d.Status)
	assert.Equal(t, http.StatusOK, dev.get("/clients").code, "still logged in")
	assert.Equal(t, http.StatusOK, admin.get("/admin/developers").code, "still logged in")
	_, err = h.store.GetDeveloperByEmail(t.Context(), "new@example.com")
	assert.ErrorIs(t, err, portal.ErrNotFound, "no sign-up went through")
}

// TestSameOriginPostAccepted: the origin headers a browser sends for its own
// forms pass.
func TestSameOriginPostAccepted(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.addDeveloper("ann@example.com", "Ann")
	b := h.browser()
	b.header.Set("Sec-Fetch-Site", "same-origin")
	b.header.Set("Origin", h.srv.URL)
	r := b.submit("/login", "/login", url.Values{"email": {"ann@example.com"}, "password": {devPassword}})
	assert.Equal(t, http.StatusSeeOther, r.code, r.body)
}

func TestWrongMethods(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	b := h.browser()
	for _, tc := range []struct{ method, path string }{
		{http.MethodPost, "/"},
		{http.MethodPut, "/login"},
		{http.MethodDelete, "/signup"},
		{http.MethodGet, "/logout"},
		{http.MethodPut, "/clients"},
		{http.MethodPost, "/clients/new"},
		{http.MethodPost, "/clients/new/details"},
		{http.MethodDelete, "/clients/abc"},
		{http.MethodPut, "/clients/abc/edit"},
		{http.MethodPut, "/clients/abc/revoke"},
		{http.MethodPost, "/clients/abc/secret"},
		{http.MethodPatch, "/clients/abc/rotate"},
		{http.MethodGet, "/admin/logout"},
		{http.MethodPost, "/admin/developers"},
		{http.MethodPut, "/admin/clients/abc/approve"},
		{http.MethodDelete, "/admin/catalogue"},
		{http.MethodDelete, "/admin/developers/abc/deactivate"},
		{http.MethodPost, "/static/portal.css"},
	} {
		r := b.do(tc.method, tc.path, nil, "")
		assert.Equal(t, http.StatusMethodNotAllowed, r.code, "%s %s", tc.method, tc.path)
		assert.NotEmpty(t, r.header.Get("Allow"))
	}
}

func TestOversizedAndMalformedBodies(t *testing.T) {
	t.Parallel()
	h := newHarness(t, harnessOptions{maxBody: 4 << 10})
	ann := h.addDeveloper("ann@example.com", "Ann")
	dev := h.login("ann@example.com")
	big := strings.Repeat("a", 8<<10)
	for _, tc := range []struct {
		name string
		b    *browser
		from string
		path string
		body string
		ct   string
		code int
	}{
		{"login", h.browser(), "/login", "/login", "email=" + big, "application/x-www-form-urlencoded", http.StatusRequestEntityTooLarge},
		{"signup", h.browser(), "/signup", "/signup", "name=" + big, "application/x-www-form-urlencoded", http.StatusRequestEntityTooLarge},
		{"create", dev, "/clients", "/clients", "name=" + big, "application/x-www-form-urlencoded", http.StatusRequestEntityTooLarge},
		{"bad escape", dev, "/clients", "/clients", "name=%zz", "application/x-www-form-urlencoded", http.StatusBadRequest},
		{"json", dev, "/clients", "/clients", `{"name":"x"}`, "application/json", http.StatusForbidden},
		{"multipart", dev, "/clients", "/clients", "--x\r\n\r\n", "multipart/form-data; boundary=x", http.StatusForbidden},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tok := tc.b.token(tc.from)
			r := tc.b.do(http.MethodPost, tc.path, strings.NewReader(tc.body+"&csrf="+tok), tc.ct)
			assert.Equal(t, tc.code, r.code)
			assertSecurityHeaders(t, r)
		})
	}
	assert.Empty(t, h.clients(ann.ID))
}

// failingDirectory fails the catalogue reads.
type failingDirectory struct {
	portal.Store
}

var errStoreDown = errors.New("store down: secret detail")

func (failingDirectory) ListAPIs(context.Context) ([]*catalogue.API, error) { return nil, errStoreDown }

func (failingDirectory) GetDeveloperByEmail(context.Context, string) (*portal.Developer, error) {
	return nil, errStoreDown
}

func TestStoreFailureIsAGeneric500(t *testing.T) {
	t.Parallel()
	h := newHarness(t, harnessOptions{directory: func(s portal.Store) web.Directory { return failingDirectory{Store: s} }})
	h.addDeveloper("ann@example.com", "Ann")
	b := h.browser()
	r := b.submit("/login", "/login", url.Values{"email": {"ann@example.com"}, "password": {devPassword}})
	assert.Equal(t, http.StatusInternalServerError, r.code)
	assert.NotContains(t, r.body, "store down")
	assert.Contains(t, r.body, "Something went wrong")
	assert.Contains(t, h.logged.String(), "store down", "the detail is logged")

	r = h.adminLogin().get("/admin/developers")
	assert.Equal(t, http.StatusInternalServerError, r.code)
	assert.NotContains(t, r.body, "store down")
	assertSecurityHeaders(t, r)
}

func TestMiddleware(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	mux := http.NewServeMux()
	mux.HandleFunc("/panic", func(http.ResponseWriter, *http.Request) { panic("boom") })
	mux.HandleFunc("/own-csp", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'")
		w.Header().Set("Cache-Control", "no-store")
		_, _ = w.Write([]byte("{}"))
	})
	mux.HandleFunc("/read", func(w http.ResponseWriter, r *http.Request) {
		_, err := io.ReadAll(r.Body)
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			w.WriteHeader(http.StatusRequestEntityTooLarge)
		}
	})
	srv := httptest.NewServer(h.site.Middleware(mux))
	t.Cleanup(srv.Close)

	resp, err := http.Get(srv.URL + "/panic")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusInternalServerError, resp.StatusCode)
	assert.Equal(t, "nosniff", resp.Header.Get("X-Content-Type-Options"))
	assert.Contains(t, h.logged.String(), "boom")

	resp, err = http.Get(srv.URL + "/own-csp")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, []string{"default-src 'none'; frame-ancestors 'none'"}, resp.Header.Values("Content-Security-Policy"), "a handler's own value replaces, never doubles")
	assert.Equal(t, []string{"no-store"}, resp.Header.Values("Cache-Control"))
	assert.Equal(t, "no-referrer", resp.Header.Get("Referrer-Policy"))

	resp, err = http.Post(srv.URL+"/read", "text/plain", strings.NewReader(strings.Repeat("x", web.DefaultMaxBodyBytes+1)))
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusRequestEntityTooLarge, resp.StatusCode)
}
