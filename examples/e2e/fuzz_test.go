package e2e_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/portaloauth/portaloauth/examples/portal/authserver"
)

// fuzzPaths are the endpoints FuzzEndpoints picks from.
var fuzzPaths = []string{
	authserver.PathToken, authserver.PathRevoke, authserver.PathIntrospect, authserver.PathRegister,
	authserver.PathRegister + "/x", authserver.PathAuthorize, authserver.PathMetadata, "/api/payments/x",
}

// FuzzEndpoints sends arbitrary requests to every endpoint: none may
// answer 5xx or go without the security headers.
func FuzzEndpoints(f *testing.F) {
	fx := newFixture(f)
	seeds := []struct {
		method, path byte
		query, auth  string
		contentType  string
		body         string
	}{
		{2, 0, "", basicAuth(fx.conf), "application/x-www-form-urlencoded", "grant_type=client_credentials"},
		{2, 0, "", basicAuth(fx.conf), "application/x-www-form-urlencoded", "grant_type=authorization_code&code=poa_ac_x&code_verifier=v"},
		{2, 0, "", "Basic !!", "application/x-www-form-urlencoded", "grant_type=refresh_token&refresh_token=x"},
		{2, 1, "", basicAuth(fx.conf), "application/x-www-form-urlencoded", "token=x&token_type_hint=refresh_token"},
		{2, 2, "", basicAuth(fx.bobs), "application/x-www-form-urlencoded", "token=%zz"},
		{2, 3, "", "Bearer " + fx.iat, "application/json", regBody},
		{2, 3, "", "Bearer " + fx.iat, "application/json", `{"redirect_uris":"x","client_name":1}`},
		{3, 4, "", "Bearer x", "application/json", `{"client_id":"x"}`},
		{0, 5, "client_id=" + fx.conf.ID + "&response_type=code&redirect_uri=" + confRedirect, "", "", ""},
		{2, 5, "", "", "application/x-www-form-urlencoded", "client_id=" + fx.conf.ID + "&consent_token=1.x&decision=approve"},
		{0, 6, "", "", "", ""},
		{0, 7, "", "Bearer poa_at_x", "", ""},
	}
	for _, s := range seeds {
		f.Add(s.method, s.path, s.query, s.auth, s.contentType, s.body)
	}
	f.Fuzz(func(t *testing.T, m, path byte, query, auth, contentType, body string) {
		method := fuzzMethods[int(m)%len(fuzzMethods)]
		target := fuzzPaths[int(path)%len(fuzzPaths)]
		req := httptest.NewRequest(http.MethodGet, target, strings.NewReader(body))
		req.Method = method
		req.URL.RawQuery = query
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		if contentType != "" {
			req.Header.Set("Content-Type", contentType)
		}
		req.AddCookie(&http.Cookie{Name: userCookie, Value: fx.alice.ID})
		rec := fx.serve(req)
		if rec.Code >= 500 {
			t.Fatalf("%s %s?%s: status %d: %s", method, target, query, rec.Code, rec.Body)
		}
		gateway := strings.HasPrefix(target, "/api/")
		if !gateway && (rec.Header().Get("X-Content-Type-Options") != "nosniff" || rec.Header().Get("Cache-Control") == "") {
			t.Fatalf("%s %s: security headers missing: %v", method, target, rec.Header())
		}
	})
}

// fuzzMethods are the methods FuzzEndpoints picks from.
var fuzzMethods = []string{
	http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut,
	http.MethodPatch, http.MethodDelete, http.MethodOptions, http.MethodTrace,
}
