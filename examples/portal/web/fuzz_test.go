package web_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// fuzzRoutes are the pages FuzzPages sends its input to: a method, a path
// ("{id}" is a client of the logged-in developer) and whether the input is
// the query (GET) or the form body (POST).
var fuzzRoutes = []struct{ method, path string }{
	{http.MethodPost, "/clients"},
	{http.MethodPost, "/clients/{id}/edit"},
	{http.MethodPost, "/clients/{id}/rotate"},
	{http.MethodPost, "/login"},
	{http.MethodPost, "/signup"},
	{http.MethodPost, "/admin/login"},
	{http.MethodGet, "/clients/new"},
	{http.MethodGet, "/clients/new/details"},
	{http.MethodGet, "/clients"},
	{http.MethodGet, "/login"},
	{http.MethodGet, "/admin/developers"},
	{http.MethodGet, "/admin/approvals"},
	{http.MethodPost, "/admin/catalogue/apis"},
	{http.MethodPost, "/admin/catalogue/policies"},
	{http.MethodPost, "/admin/catalogue/entries"},
	{http.MethodPost, "/admin/catalogue/entries/weather/edit"},
	{http.MethodPost, "/admin/catalogue/policies/pay-read/deactivate"},
	{http.MethodPost, "/admin/developers/{dev}/reactivate"},
}

// FuzzPages sends arbitrary queries and form bodies, with a valid session
// and CSRF token, to the pages: none may answer with a 5xx or panic.
func FuzzPages(f *testing.F) {
	for _, seed := range []string{
		createForm().Encode(),
		"name=x&redirect_uri=http://evil.example/cb&grant=authorization_code&entry=payments",
		"entry=payments&entry=weather&policy=pay-read&add_redirect=1",
		"version=1&name=&redirect_uri=%zz",
		"version=99999999999999999999&grace=1h",
		"grace=-1h",
		"email=ann@example.com&password=" + devPassword + "&return_to=//evil.example",
		"email=%00&name=%ff%fe&password=short&password2=other",
		"page=-1&entry=legacy&none=1",
		strings.Repeat("redirect_uri=https://a.example/cb&", 50),
		"id=x&name=X&auth_mode=oauth2&on=1",
		"id=x&name=X&api=payments&api=nope&scopes=a+b%22c&on=1",
		"id=x&api_id=weather&policy=weather-std&policy=weather-std&client_limit=-5&approval=1&version=1",
		"version=0&id=%20x%20&display_name=%ff",
		"q=%00&status=inactive&page=99999",
		"app_type=spa&entry=payments&policy=pay-read&name=x&form_token=abc",
		"",
	} {
		for i := range fuzzRoutes {
			f.Add(uint8(i), seed)
		}
	}
	h, d, b := withAnn(f)
	nc := h.addClient(d.ID, "Fuzzed")
	u, _ := url.Parse(h.srv.URL)
	cookies := b.client.Jar.Cookies(u)
	devToken := b.token("/clients")
	anon := h.browser()
	preToken := anon.token("/login")
	preCookies := anon.client.Jar.Cookies(u)
	admin := h.adminLogin()
	adminToken := admin.token("/admin/developers")
	adminCookies := admin.client.Jar.Cookies(&url.URL{Scheme: u.Scheme, Host: u.Host, Path: "/admin/"})
	handler := h.srv.Config.Handler

	f.Fuzz(func(t *testing.T, route uint8, input string) {
		rt := fuzzRoutes[int(route)%len(fuzzRoutes)]
		path := strings.ReplaceAll(strings.ReplaceAll(rt.path, "{id}", nc.Client.ID), "{dev}", d.ID)
		var req *http.Request
		if rt.method == http.MethodGet {
			req = httptest.NewRequest(rt.method, "http://portal.test"+path, nil)
			req.URL.RawQuery = input
		} else {
			token := devToken
			switch {
			case strings.HasSuffix(path, "login") || path == "/signup":
				token = preToken
			case strings.HasPrefix(path, "/admin/"):
				token = adminToken
			}
			req = httptest.NewRequest(rt.method, "http://portal.test"+path, strings.NewReader(input+"&csrf="+token))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		for _, set := range [][]*http.Cookie{cookies, preCookies, adminCookies} {
			for _, c := range set {
				req.AddCookie(c)
			}
		}
		rec := httptest.NewRecorder()
		handler.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("%s %s with %q: status %d", rt.method, path, input, rec.Code)
		}
	})
}
