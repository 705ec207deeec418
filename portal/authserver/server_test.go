package authserver

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portaloauth/portaloauth/oauthclient"
	"github.com/portaloauth/portaloauth/portal"
	"github.com/portaloauth/portaloauth/store/memory"
)

var testNow = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// newTestServer returns a Server over an empty in-memory store whose clock
// is *now.
func newTestServer(t *testing.T, now *time.Time, log *bytes.Buffer) *Server {
	t.Helper()
	svc, err := portal.New(portal.Config{Store: memory.New(), OAuth: oauthclient.Config{Now: func() time.Time { return *now }}})
	require.NoError(t, err)
	if log == nil {
		log = &bytes.Buffer{}
	}
	s, err := New(Config{Portal: svc, Issuer: "https://as.example.com/", Logger: slog.New(slog.NewTextHandler(log, nil))})
	require.NoError(t, err)
	return s
}

func TestNewRefusesBadConfig(t *testing.T) {
	t.Parallel()
	svc, err := portal.New(portal.Config{Store: memory.New()})
	require.NoError(t, err)
	valid := Config{Portal: svc, Issuer: "http://127.0.0.1:8080/"}
	tests := map[string]func(c *Config){
		"no portal":           func(c *Config) { c.Portal = nil },
		"no issuer":           func(c *Config) { c.Issuer = "" },
		"relative issuer":     func(c *Config) { c.Issuer = "/oauth" },
		"ftp issuer":          func(c *Config) { c.Issuer = "ftp://example.com" },
		"issuer with query":   func(c *Config) { c.Issuer = "https://example.com?a=b" },
		"issuer with empty #": func(c *Config) { c.Issuer = "https://example.com#" },
		"issuer with user":    func(c *Config) { c.Issuer = "https://u@example.com" },
		"negative lifetime":   func(c *Config) { c.CodeTTL = -time.Second },
		"negative body limit": func(c *Config) { c.MaxBodyBytes = -1 },
	}
	for name, edit := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			cfg := valid
			edit(&cfg)
			_, err := New(cfg)
			require.ErrorIs(t, err, ErrInvalidConfig)
		})
	}
	s, err := New(valid)
	require.NoError(t, err)
	assert.Equal(t, "http://127.0.0.1:8080", s.Issuer())
	assert.Equal(t, DefaultAccessTokenTTL, s.accessTTL)
	assert.Equal(t, int64(DefaultMaxBodyBytes), s.maxBody)
}

// The Server takes the portal's settings: a pepper set on the portal
// verifies secrets at the token endpoint too.
func TestNewSharesThePortalsSettings(t *testing.T) {
	t.Parallel()
	hasher := &oauthclient.Hasher{}
	clock := func() time.Time { return testNow }
	svc, err := portal.New(portal.Config{Store: memory.New(), OAuth: oauthclient.Config{Hasher: hasher, Now: clock}})
	require.NoError(t, err)
	s, err := New(Config{Portal: svc, Issuer: "https://as.example.com"})
	require.NoError(t, err)
	assert.Same(t, hasher, s.auth.Hasher)
	assert.Equal(t, testNow, s.Now())
	assert.Equal(t, svc.OAuth().Rand, s.rand)
	assert.Equal(t, svc.Clients(), s.Clients())
	assert.Equal(t, svc.CatalogueReader(), s.CatalogueReader())
}

func TestWriteError(t *testing.T) {
	t.Parallel()
	now := testNow
	var log bytes.Buffer
	s := newTestServer(t, &now, &log)
	tests := []struct {
		name      string
		err       error
		status    int
		code      oauthclient.ErrorCode
		challenge string
	}{
		{"invalid_client", oauthError(oauthclient.CodeInvalidClient, "", "x"), 401, oauthclient.CodeInvalidClient,
			`Basic realm="https://as.example.com", charset="UTF-8"`},
		{"invalid_token", oauthError(oauthclient.CodeInvalidToken, "", "x"), 401, oauthclient.CodeInvalidToken,
			`Bearer realm="https://as.example.com", error="invalid_token", error_description="x"`},
		{"invalid_grant", oauthError(oauthclient.CodeInvalidGrant, "code", "x"), 400, oauthclient.CodeInvalidGrant, ""},
		{"joined metadata errors", errors.Join(oauthError(oauthclient.CodeInvalidRedirectURI, "redirect_uris[0]", "a"),
			oauthError(oauthclient.CodeInvalidClientMetadata, "client_name", "b")), 400, oauthclient.CodeInvalidRedirectURI, ""},
		{"body too large", fmt.Errorf("reading: %w", &http.MaxBytesError{Limit: 10}), 413, oauthclient.CodeInvalidRequest, ""},
		{"store failure", errors.New("connection refused"), 500, oauthclient.CodeServerError, ""},
	}
	for _, tc := range tests {
		rec := httptest.NewRecorder()
		s.WriteError(rec, httptest.NewRequest(http.MethodPost, "/token", nil), tc.err)
		assert.Equal(t, tc.status, rec.Code, tc.name)
		assert.Contains(t, rec.Body.String(), `"error":"`+string(tc.code)+`"`, tc.name)
		assert.Equal(t, tc.challenge, rec.Header().Get("WWW-Authenticate"), tc.name)
		assert.NotContains(t, rec.Body.String(), "connection refused", "server failures stay in the log")
	}
	assert.Contains(t, log.String(), "connection refused")
}

func TestParseScope(t *testing.T) {
	t.Parallel()
	for in, want := range map[string][]string{
		"read":            {"read"},
		"read write read": {"read", "write"},
		"a:b urn:x/y!":    {"a:b", "urn:x/y!"},
	} {
		got, err := parseScope(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	for _, bad := range []string{"", " ", "a  b", " a", "a ", "a\tb", `a"b`, `a\b`, "é", strings.Repeat("a", 1025)} {
		_, err := parseScope(bad)
		require.ErrorIs(t, err, oauthclient.ErrInvalidScope, "%q", bad)
	}
}

func TestPanicIsRecoveredAndLogged(t *testing.T) {
	t.Parallel()
	now := testNow
	var log bytes.Buffer
	s := newTestServer(t, &now, &log)
	h := s.SecurityHeaders(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("boom") }))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/oauth/token", nil))
	assert.Equal(t, http.StatusInternalServerError, rec.Code)
	assert.JSONEq(t, `{"error":"server_error","error_description":"the server failed to handle the request"}`, rec.Body.String())
	assert.Contains(t, log.String(), "boom")
	assert.Equal(t, "nosniff", rec.Header().Get("X-Content-Type-Options"))

	assert.Panics(t, func() {
		s.SecurityHeaders(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic(http.ErrAbortHandler) })).
			ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/", nil))
	}, "http.ErrAbortHandler goes on to net/http")
}

func FuzzParseScope(f *testing.F) {
	for _, seed := range []string{"read", "read write", "a  b", "", `a"b`, "é"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, scope string) {
		got, err := parseScope(scope)
		if err != nil {
			require.ErrorIs(t, err, oauthclient.ErrInvalidScope)
			return
		}
		require.NotEmpty(t, got)
		for _, sc := range got {
			require.NotEmpty(t, sc)
			for _, c := range []byte(sc) {
				require.True(t, c >= 0x21 && c <= 0x7e && c != '"' && c != '\\', "%q", sc)
			}
		}
	})
}
