package authserver_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portaloauth/portaloauth/oauthclient"
	"github.com/portaloauth/portaloauth/portal/authserver"
)

func formPost(body string) *http.Request {
	r := httptest.NewRequest(http.MethodPost, "/token", strings.NewReader(body))
	r.Header.Set("Content-Type", authserver.MediaTypeForm)
	return r
}

func TestParseTokenRequest(t *testing.T) {
	t.Parallel()
	r := formPost("grant_type=authorization_code&code=c&redirect_uri=https%3A%2F%2Fa%2Fcb&code_verifier=v&client_id=app&scope=")
	req, err := authserver.ParseTokenRequest(r, 0)
	require.NoError(t, err)
	assert.Equal(t, authserver.TokenRequest{
		Client:    oauthclient.Credentials{ClientID: "app", Method: oauthclient.AuthMethodNone},
		GrantType: oauthclient.GrantAuthorizationCode, Code: "c", RedirectURI: "https://a/cb", CodeVerifier: "v",
	}, req)

	basic := func(r *http.Request) *http.Request { r.SetBasicAuth("app", "secret"); return r }
	withType := func(ct string) *http.Request {
		r := formPost("grant_type=client_credentials&client_id=app")
		r.Header.Set("Content-Type", ct)
		return r
	}
	tests := map[string]struct {
		r      *http.Request
		limit  int64
		want   error
		status int
	}{
		"repeated parameter":       {r: formPost("grant_type=client_credentials&scope=a&scope=b&client_id=app"), want: oauthclient.ErrInvalidRequest, status: 400},
		"JSON":                     {r: withType("application/json"), want: oauthclient.ErrInvalidRequest, status: 400},
		"Latin-1":                  {r: withType(authserver.MediaTypeForm + "; charset=iso-8859-1"), want: oauthclient.ErrInvalidRequest, status: 400},
		"form with UTF-8":          {r: withType(authserver.MediaTypeForm + "; charset=UTF-8")},
		"credentials in both":      {r: basic(formPost("grant_type=client_credentials&client_secret=secret")), want: oauthclient.ErrInvalidRequest, status: 400},
		"no credentials":           {r: formPost("grant_type=client_credentials"), want: oauthclient.ErrInvalidClient, status: 401},
		"no grant type":            {r: formPost("client_id=app"), want: oauthclient.ErrInvalidRequest, status: 400},
		"unknown grant type first": {r: formPost("grant_type=password"), want: oauthclient.ErrUnsupportedGrantType, status: 400},
		"malformed body":           {r: formPost("grant_type=%zz"), want: oauthclient.ErrInvalidRequest, status: 400},
		"body over the limit":      {r: formPost("grant_type=client_credentials&client_id=" + strings.Repeat("a", 100)), limit: 64, status: 413},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, err := authserver.ParseTokenRequest(tc.r, tc.limit)
			if tc.status == 0 {
				require.NoError(t, err)
				return
			}
			require.Error(t, err)
			if tc.want != nil {
				require.ErrorIs(t, err, tc.want)
			}
			assert.Equal(t, tc.status, oauthclient.HTTPStatus(err))
		})
	}
}

func TestParseRevocationAndIntrospectionRequests(t *testing.T) {
	t.Parallel()
	r := formPost("token=t&token_type_hint=refresh_token")
	r.SetBasicAuth("app", "secret")
	rev, err := authserver.ParseRevocationRequest(r, 0)
	require.NoError(t, err)
	assert.Equal(t, "t", rev.Token)
	assert.Equal(t, oauthclient.KindRefreshToken, rev.TokenTypeHint)
	assert.Equal(t, "secret", rev.Client.Secret.Reveal())

	r = formPost("token=t&token=u&client_id=app")
	_, err = authserver.ParseIntrospectionRequest(r, 0)
	require.ErrorIs(t, err, oauthclient.ErrInvalidRequest)
	r = httptest.NewRequest(http.MethodPost, "/introspect?client_secret=s", strings.NewReader("token=t&client_id=app"))
	r.Header.Set("Content-Type", authserver.MediaTypeForm)
	_, err = authserver.ParseIntrospectionRequest(r, 0)
	require.ErrorIs(t, err, oauthclient.ErrInvalidRequest, "no secret in the URL")
}

func TestHandlers(t *testing.T) {
	t.Parallel()
	p := newProtocol(t)
	serve := func(h http.Handler, r *http.Request) *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		return rec
	}
	basic := func(body string) *http.Request {
		r := formPost(body)
		r.SetBasicAuth(url.QueryEscape(p.conf.ClientID), url.QueryEscape(p.conf.Secret.Reveal()))
		return r
	}
	rec := serve(p.srv.TokenHandler(), basic("grant_type=client_credentials&scope=read"))
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	assert.Equal(t, "no-store", rec.Header().Get("Cache-Control"))
	assert.Equal(t, "no-cache", rec.Header().Get("Pragma"))
	var tok authserver.TokenResponse
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &tok))

	rec = serve(p.srv.IntrospectionHandler(), basic("token="+tok.AccessToken))
	require.Equal(t, http.StatusOK, rec.Code)
	assert.Contains(t, rec.Body.String(), `"active":true`)

	rec = serve(p.srv.RevocationHandler(), basic("token="+tok.AccessToken))
	require.Equal(t, http.StatusOK, rec.Code)
	assert.Empty(t, rec.Body.String())

	rec = serve(p.srv.IntrospectionHandler(), basic("token="+tok.AccessToken))
	assert.JSONEq(t, `{"active":false}`, rec.Body.String())

	wrong := formPost("grant_type=client_credentials")
	wrong.SetBasicAuth(p.conf.ClientID, "wrong")
	rec = serve(p.srv.TokenHandler(), wrong)
	assert.Equal(t, http.StatusUnauthorized, rec.Code)
	assert.Equal(t, `Basic realm="https://as.example.com", charset="UTF-8"`, rec.Header().Get("WWW-Authenticate"))
	assert.JSONEq(t, `{"error":"invalid_client","error_description":"client authentication failed"}`, rec.Body.String())

	rec = serve(p.srv.TokenHandler(), httptest.NewRequest(http.MethodGet, "/token", nil))
	assert.Equal(t, http.StatusMethodNotAllowed, rec.Code)
	assert.Equal(t, "POST", rec.Header().Get("Allow"))
	assert.Equal(t, "DENY", rec.Header().Get("X-Frame-Options"))
}
