package registration

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// serve sends a request to the fixture's Handler with an optional Bearer
// token and JSON body.
func (f *fixture) serve(method, target, bearer, body string) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	f.reg.Handler().ServeHTTP(rec, jsonReq(method, target, bearer, body))
	return rec
}

func decodeBody(t *testing.T, rec *httptest.ResponseRecorder) map[string]any {
	t.Helper()
	var out map[string]any
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &out), rec.Body.String())
	return out
}

func TestHandlerLifecycle(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	rec := f.serve(http.MethodPost, "/oauth/register", f.iat.Reveal(), regBody)
	require.Equal(t, http.StatusCreated, rec.Code, rec.Body.String())
	assert.Equal(t, "no-store", rec.Header().Get("Cache-Control"))
	assert.Equal(t, "no-cache", rec.Header().Get("Pragma"))
	assert.Equal(t, "application/json; charset=utf-8", rec.Header().Get("Content-Type"))
	info := decodeBody(t, rec)
	id, _ := info["client_id"].(string)
	rat, _ := info["registration_access_token"].(string)
	secret, _ := info["client_secret"].(string)
	require.NotEmpty(t, id)
	require.NotEmpty(t, rat)
	require.NotEmpty(t, secret)
	assert.Equal(t, "https://as.example.com/oauth/register/"+id, info["registration_client_uri"])
	assert.InDelta(t, float64(testNow.Unix()), info["client_id_issued_at"], 0)
	assert.InDelta(t, 0, info["client_secret_expires_at"], 0)
	assert.Equal(t, "Reg", info["client_name"])

	// RFC 7592 §3: read and update responses carry the client's
	// configuration URI and a registration access token, a new one that
	// replaces the one presented.
	rec = f.serve(http.MethodGet, "/oauth/register/"+id, rat, "")
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	read := decodeBody(t, rec)
	assert.Equal(t, id, read["client_id"])
	assert.NotContains(t, read, "client_secret")
	assert.Equal(t, "https://as.example.com/oauth/register/"+id, read["registration_client_uri"])
	newRAT, _ := read["registration_access_token"].(string)
	require.NotEmpty(t, newRAT)
	assert.NotEqual(t, rat, newRAT)
	assert.Equal(t, http.StatusUnauthorized, f.serve(http.MethodGet, "/oauth/register/"+id, rat, "").Code, "the old token is replaced")
	rat = newRAT

	rec = f.serve(http.MethodPut, "/oauth/register/"+id, rat,
		`{"client_id":"`+id+`","client_secret":"`+secret+`","client_name":"Renamed","redirect_uris":["https://reg.example.com/cb"]}`)
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	updated := decodeBody(t, rec)
	assert.Equal(t, "Renamed", updated["client_name"])
	assert.Equal(t, "https://as.example.com/oauth/register/"+id, updated["registration_client_uri"])
	rat, _ = updated["registration_access_token"].(string)
	require.NotEmpty(t, rat)

	rec = f.serve(http.MethodDelete, "/oauth/register/"+id, rat, "")
	require.Equal(t, http.StatusNoContent, rec.Code, rec.Body.String())
	assert.Empty(t, rec.Body.String())
	rec = f.serve(http.MethodGet, "/oauth/register/"+id, rat, "")
	assert.Equal(t, http.StatusUnauthorized, rec.Code)
}

func TestHandlerErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		request func(t *testing.T, f *fixture) *http.Request
		status  int
		code    string
	}{
		{"register without token", func(_ *testing.T, f *fixture) *http.Request {
			return jsonReq(http.MethodPost, "/oauth/register", "", regBody)
		}, 401, ""},
		{"register with Basic", func(_ *testing.T, f *fixture) *http.Request {
			r := jsonReq(http.MethodPost, "/oauth/register", "", regBody)
			r.Header.Set("Authorization", "Basic "+f.iat.Reveal())
			return r
		}, 401, "invalid_token"},
		{"register with two tokens", func(_ *testing.T, f *fixture) *http.Request {
			r := jsonReq(http.MethodPost, "/oauth/register", f.iat.Reveal(), regBody)
			r.Header.Add("Authorization", "Bearer "+f.iat.Reveal())
			return r
		}, 401, "invalid_token"},
		{"register with an unknown token and a bad body", func(_ *testing.T, f *fixture) *http.Request {
			return jsonReq(http.MethodPost, "/oauth/register", "poa_iat_unknown", `[`)
		}, 401, "invalid_token"},
		{"register as a form", func(_ *testing.T, f *fixture) *http.Request {
			r := jsonReq(http.MethodPost, "/oauth/register", f.iat.Reveal(), "client_name=x")
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			return r
		}, 400, "invalid_request"},
		{"register malformed JSON", func(_ *testing.T, f *fixture) *http.Request {
			return jsonReq(http.MethodPost, "/oauth/register", f.iat.Reveal(), `{"client_name":`)
		}, 400, "invalid_client_metadata"},
		{"register oversized", func(_ *testing.T, f *fixture) *http.Request {
			return jsonReq(http.MethodPost, "/oauth/register", f.iat.Reveal(), `{"client_name":"`+strings.Repeat("a", 70<<10)+`"}`)
		}, 413, "invalid_request"},
		{"register for an inactive developer", func(t *testing.T, f *fixture) *http.Request {
			require.NoError(t, f.svc.DeactivateDeveloper(t.Context(), "admin", f.dev.ID))
			return jsonReq(http.MethodPost, "/oauth/register", f.iat.Reveal(), regBody)
		}, 403, "access_denied"},
		{"register GET", func(_ *testing.T, f *fixture) *http.Request {
			return jsonReq(http.MethodGet, "/oauth/register", f.iat.Reveal(), "")
		}, 405, ""},
		{"update with a wrong token and a bad body", func(t *testing.T, f *fixture) *http.Request {
			return jsonReq(http.MethodPut, "/oauth/register/"+f.register(t).Client.ID, "poa_rat_wrong", `[`)
		}, 401, "invalid_token"},
		{"update without client_id", func(t *testing.T, f *fixture) *http.Request {
			info := f.register(t)
			return jsonReq(http.MethodPut, "/oauth/register/"+info.Client.ID, info.RegistrationToken.Reveal(), regBody)
		}, 400, "invalid_request"},
		{"update with a repeated member", func(t *testing.T, f *fixture) *http.Request {
			info := f.register(t)
			return jsonReq(http.MethodPut, "/oauth/register/"+info.Client.ID, info.RegistrationToken.Reveal(), `{"client_name":"a","client_name":"b"}`)
		}, 400, "invalid_client_metadata"},
		{"read an unknown client", func(t *testing.T, f *fixture) *http.Request {
			return jsonReq(http.MethodGet, "/oauth/register/nobody", f.register(t).RegistrationToken.Reveal(), "")
		}, 401, "invalid_token"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t)
			rec := httptest.NewRecorder()
			f.reg.Handler().ServeHTTP(rec, tc.request(t, f))
			require.Equal(t, tc.status, rec.Code, rec.Body.String())
			if tc.code != "" {
				assert.Equal(t, tc.code, decodeBody(t, rec)["error"])
				assert.Equal(t, "no-store", rec.Header().Get("Cache-Control"))
			}
			if tc.status == http.StatusUnauthorized && tc.code == "" {
				// RFC 6750 §3.1: no credentials, no error code.
				assert.Equal(t, `Bearer realm="https://as.example.com"`, rec.Header().Get("WWW-Authenticate"))
			} else if tc.status == http.StatusUnauthorized {
				challenge := rec.Header().Get("WWW-Authenticate")
				assert.True(t, strings.HasPrefix(challenge, `Bearer realm="https://as.example.com", error="invalid_token"`), challenge)
			}
		})
	}
}

func TestEndpointHandlersOnTheirOwn(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	info := f.register(t)
	mux := http.NewServeMux()
	mux.Handle("/dcr/", f.reg.ConfigurationHandler()) // no {client_id}: the last segment
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, jsonReq(http.MethodGet, "/dcr/"+info.Client.ID, info.RegistrationToken.Reveal(), ""))
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	assert.Equal(t, info.Client.ID, decodeBody(t, rec)["client_id"])

	rec = httptest.NewRecorder()
	mux.ServeHTTP(rec, jsonReq(http.MethodPost, "/dcr/"+info.Client.ID, info.RegistrationToken.Reveal(), regBody))
	assert.Equal(t, http.StatusMethodNotAllowed, rec.Code)
	assert.Equal(t, "GET, HEAD, PUT, DELETE", rec.Header().Get("Allow"))
	assert.Equal(t, "invalid_request", decodeBody(t, rec)["error"])

	rec = httptest.NewRecorder()
	f.reg.RegistrationHandler().ServeHTTP(rec, jsonReq(http.MethodDelete, "/anywhere", f.iat.Reveal(), ""))
	assert.Equal(t, http.StatusMethodNotAllowed, rec.Code)
	assert.Equal(t, "POST", rec.Header().Get("Allow"))
}

func TestServerFailureIsLoggedNotShown(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	var log bytes.Buffer
	reg, err := New(f.svc, Config{Issuer: "https://as.example.com", Logger: slog.New(slog.NewTextHandler(&log, nil))})
	require.NoError(t, err)
	require.NoError(t, reg.AddInitialAccessToken(f.iat, InitialAccess{DeveloperID: f.dev.ID, EntryIDs: []string{"pay"}}))
	f.store.mu.Lock()
	f.store.fail = true
	f.store.mu.Unlock()
	rec := httptest.NewRecorder()
	reg.Handler().ServeHTTP(rec, jsonReq(http.MethodPost, "/oauth/register", f.iat.Reveal(), regBody))
	assert.Equal(t, http.StatusInternalServerError, rec.Code)
	assert.JSONEq(t, `{"error":"server_error","error_description":"the server failed to handle the request"}`, rec.Body.String())
	assert.Contains(t, log.String(), errStoreDown.Error())
	assert.NotContains(t, log.String(), f.iat.Reveal(), "no token in the log")
}

func jsonReq(method, target, bearer, body string) *http.Request {
	req := httptest.NewRequest(method, target, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	return req
}
