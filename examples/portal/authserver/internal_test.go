package authserver

import (
	"bytes"
	"fmt"
	"log/slog"
	"net/http"
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
	svc, err := portal.New(portal.Config{Store: memory.New(), OAuth: oauthclient.Config{Now: func() time.Time { return *now }}})
	require.NoError(t, err)
	if log == nil {
		log = &bytes.Buffer{}
	}
	s, err := New(Config{Portal: svc, Issuer: "https://as.example.com/", Users: noUsers{},
		Logger: slog.New(slog.NewTextHandler(log, nil))})
	require.NoError(t, err)
	return s
}

func TestNewRefusesBadConfig(t *testing.T) {
	t.Parallel()
	svc, err := portal.New(portal.Config{Store: memory.New()})
	require.NoError(t, err)
	valid := Config{Portal: svc, Issuer: "http://127.0.0.1:8080", Users: noUsers{}}
	tests := map[string]func(c *Config){
		// The library checks the rest (portal/authserver's TestNewRefusesBadConfig).
		"no portal":         func(c *Config) { c.Portal = nil },
		"no users":          func(c *Config) { c.Users = nil },
		"no issuer":         func(c *Config) { c.Issuer = "" },
		"short consent key": func(c *Config) { c.ConsentKey = []byte("short") },
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
	ts, mac, _ := strings.Cut(token, ".")
	// 43 characters carry the MAC's 256 bits and two unused ones, the
	// last character's lowest: setting one keeps the bytes decoded.
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	otherBits := string(alphabet[strings.IndexByte(alphabet, mac[len(mac)-1])+1])
	for _, bad := range []string{"", "garbage", ".", "1.", "x.y", token + "x", "-1." + mac,
		ts + "." + mac[:10] + "\r" + mac[10:], ts + "." + mac[:10] + "\n" + mac[10:], // a decoder skips line breaks
		ts + "." + mac[:len(mac)-1] + otherBits,
	} {
		assert.False(t, s.checkConsentToken(bad, "alice", params), bad)
	}
	now = testNow.Add(consentTTL + time.Second)
	assert.False(t, s.checkConsentToken(token, "alice", params), "expired")
	now = testNow.Add(-2 * time.Minute)
	assert.False(t, s.checkConsentToken(token, "alice", params), "from the future")
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
