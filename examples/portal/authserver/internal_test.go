package authserver

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portaloauth/portaloauth/oauthclient"
	"github.com/portaloauth/portaloauth/portal"
	"github.com/portaloauth/portaloauth/store/memory"
)

type noUsers struct{}

func (noUsers) CurrentUser(*http.Request) (string, bool) { return "", false }
func (noUsers) LoginURL(string) string                   { return "/login" }

var testNow = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// newTestServer returns a Server over an empty in-memory store whose clock
// is *now.
func newTestServer(t *testing.T, now *time.Time, log *bytes.Buffer) *Server {
	t.Helper()
	st := memory.New()
	svc, err := portal.New(portal.Config{Store: st})
	require.NoError(t, err)
	if log == nil {
		log = &bytes.Buffer{}
	}
	s, err := New(Config{Store: st, Portal: svc, Issuer: "https://as.example.com/", Users: noUsers{},
		Now: func() time.Time { return *now }, Logger: slog.New(slog.NewTextHandler(log, nil))})
	require.NoError(t, err)
	return s
}

func TestNewRefusesBadConfig(t *testing.T) {
	t.Parallel()
	st := memory.New()
	svc, err := portal.New(portal.Config{Store: st})
	require.NoError(t, err)
	valid := Config{Store: st, Portal: svc, Issuer: "http://127.0.0.1:8080", Users: noUsers{}}
	tests := map[string]func(c *Config){
		"no store":            func(c *Config) { c.Store = nil },
		"no portal":           func(c *Config) { c.Portal = nil },
		"no users":            func(c *Config) { c.Users = nil },
		"no issuer":           func(c *Config) { c.Issuer = "" },
		"relative issuer":     func(c *Config) { c.Issuer = "/oauth" },
		"ftp issuer":          func(c *Config) { c.Issuer = "ftp://example.com" },
		"issuer with query":   func(c *Config) { c.Issuer = "https://example.com?a=b" },
		"issuer with empty #": func(c *Config) { c.Issuer = "https://example.com#" },
		"issuer with user":    func(c *Config) { c.Issuer = "https://u@example.com" },
		"negative lifetime":   func(c *Config) { c.CodeTTL = -time.Second },
		"negative body limit": func(c *Config) { c.MaxBodyBytes = -1 },
		"short consent key":   func(c *Config) { c.ConsentKey = []byte("short") },
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
	assert.Equal(t, "http://127.0.0.1:8080/oauth/token", s.Metadata().TokenEndpoint)
}

func TestProblem(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		err    error
		status int
		code   oauthclient.ErrorCode
	}{
		{"invalid_client", oauthError(oauthclient.CodeInvalidClient, "", "x"), 401, oauthclient.CodeInvalidClient},
		{"invalid_token", oauthError(codeInvalidToken, "", "x"), 401, codeInvalidToken},
		{"invalid_grant", oauthError(oauthclient.CodeInvalidGrant, "code", "x"), 400, oauthclient.CodeInvalidGrant},
		{"access_denied", oauthError(oauthclient.CodeAccessDenied, "", "x"), 403, oauthclient.CodeAccessDenied},
		{"joined metadata errors", errors.Join(oauthError(oauthclient.CodeInvalidRedirectURI, "redirect_uris[0]", "a"),
			oauthError(oauthclient.CodeInvalidClientMetadata, "client_name", "b")), 400, oauthclient.CodeInvalidRedirectURI},
		{"body too large", fmt.Errorf("reading: %w", &http.MaxBytesError{Limit: 10}), 413, oauthclient.CodeInvalidRequest},
		{"method not allowed", &statusError{status: 405, err: oauthError(oauthclient.CodeInvalidRequest, "", "x")}, 405, oauthclient.CodeInvalidRequest},
		{"client limit", &oauthclient.Error{Err: portal.ErrClientLimit, Field: "entry_ids[0]", Reason: "limit"}, 403, oauthclient.CodeAccessDenied},
		{"inactive developer", portal.ErrDeveloperInactive, 403, oauthclient.CodeAccessDenied},
		{"invalid input", &oauthclient.Error{Err: portal.ErrInvalidInput, Field: "description"}, 400, oauthclient.CodeInvalidClientMetadata},
		{"conflict", fmt.Errorf("x: %w", oauthclient.ErrConflict), 409, oauthclient.CodeInvalidRequest},
		{"not found", oauthclient.ErrNotFound, 404, oauthclient.CodeInvalidRequest},
		{"store failure", errors.New("connection refused"), 500, codeServerError},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			status, code, description := problem(tc.err)
			assert.Equal(t, tc.status, status)
			assert.Equal(t, tc.code, code)
			assert.NotContains(t, description, "connection refused", "server failures stay in the log")
		})
	}
}

func TestConsentToken(t *testing.T) {
	t.Parallel()
	now := testNow
	s := newTestServer(t, &now, nil)
	params := url.Values{"client_id": {"c1"}, "scope": {"read"}, "state": {"s"}}
	token := s.consentToken("alice", params, now)
	other := url.Values{"client_id": {"c1"}, "scope": {"read write"}, "state": {"s"}}

	assert.True(t, s.checkConsentToken(token, "alice", params))
	assert.False(t, s.checkConsentToken(token, "bob", params), "bound to the user")
	assert.False(t, s.checkConsentToken(token, "alice", other), "bound to the request")
	assert.False(t, s.checkConsentToken(s.consentToken("alic", url.Values{"client_id": {"ec1"}}, now), "alice",
		url.Values{"client_id": {"c1"}}), "fields cannot slide into each other")
	for _, bad := range []string{"", "garbage", ".", "1.", "x.y", token + "x", "-1." + strings.SplitN(token, ".", 2)[1]} {
		assert.False(t, s.checkConsentToken(bad, "alice", params), bad)
	}
	now = testNow.Add(consentTTL + time.Second)
	assert.False(t, s.checkConsentToken(token, "alice", params), "expired")
	now = testNow.Add(-2 * time.Minute)
	assert.False(t, s.checkConsentToken(token, "alice", params), "from the future")
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
	h := s.protect(func(http.ResponseWriter, *http.Request) { panic("boom") })
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/oauth/token", nil))
	assert.Equal(t, http.StatusInternalServerError, rec.Code)
	assert.JSONEq(t, `{"error":"server_error","error_description":"the server failed to handle the request"}`, rec.Body.String())
	assert.Contains(t, log.String(), "boom")
	assert.Equal(t, "nosniff", rec.Header().Get("X-Content-Type-Options"))

	assert.Panics(t, func() {
		s.protect(func(http.ResponseWriter, *http.Request) { panic(http.ErrAbortHandler) }).
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

func FuzzConsentToken(f *testing.F) {
	now := testNow
	s := &Server{consentKey: bytes.Repeat([]byte{7}, 32), now: func() time.Time { return now }}
	f.Add(s.consentToken("alice", url.Values{"client_id": {"c"}}, now), "alice", "c")
	f.Add("garbage", "bob", "c")
	f.Fuzz(func(t *testing.T, token, user, client string) {
		params := url.Values{"client_id": {client}}
		if s.checkConsentToken(token, user, params) {
			// Only a token the server issued for exactly these passes.
			require.Equal(t, s.consentToken(user, params, time.Unix(mustUnix(t, token), 0)), token)
		}
	})
}

func mustUnix(t *testing.T, token string) int64 {
	ts, _, _ := strings.Cut(token, ".")
	var n int64
	_, err := fmt.Sscan(ts, &n)
	require.NoError(t, err)
	return n
}
