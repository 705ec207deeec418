package oauthclient

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// The redirect URI rules and the client_uri rule agree on which hosts are
// loopback hosts, the only ones allowed over plain http.
func TestLoopbackRulesAgree(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		host     string
		loopback bool
	}{
		{"127.0.0.1", true},
		{"127.1.2.3", true},
		{"127.255.255.255", true},
		{"[::1]", true},
		{"localhost", true},
		{"LocalHost", true},
		{"[::ffff:127.0.0.1]", false}, // IPv4-mapped: another spelling
		{"[0:0:0:0:0:0:0:1]", false},  // ::1 not as written
		{"[::0001]", false},
		{"127.0.0.01", false},
		{"127.1", false},
		{"2130706433", false},
		{"128.0.0.1", false},
		{"10.0.0.1", false},
		{"example.com", false},
		{"localhost.example.com", false},
		{"127.0.0.1.example.com", false},
	} {
		t.Run(tc.host, func(t *testing.T) {
			t.Parallel()
			redirectErr := ValidateRedirectURI("http://" + tc.host + "/cb")
			_, clientURIErr := ValidateMetadata(Metadata{
				GrantTypes: []GrantType{GrantClientCredentials},
				ClientURI:  "http://" + tc.host + "/",
			}, MetadataOptions{})
			if tc.loopback {
				assert.NoError(t, redirectErr, "redirect URI")
				assert.NoError(t, clientURIErr, "client_uri")
			} else {
				assert.Error(t, redirectErr, "redirect URI")
				assert.Error(t, clientURIErr, "client_uri")
			}
			hostOnly := tc.host
			if hostOnly[0] == '[' {
				hostOnly = hostOnly[1 : len(hostOnly)-1]
			}
			assert.Equal(t, tc.loopback, isLoopbackHost(tc.host), "isLoopbackHost(%q)", tc.host)
			assert.Equal(t, tc.loopback, isLoopbackHost(hostOnly), "isLoopbackHost(%q)", hostOnly)
		})
	}
}

// Only loopback IP literals get any port at the authorization request; the
// name localhost only when the policy allows it.
func TestLoopbackAnyPortIsForIPLiterals(t *testing.T) {
	t.Parallel()
	for _, host := range []string{"127.0.0.1", "127.9.9.9", "[::1]"} {
		got, err := MatchRedirectURI("http://"+host+":50123/cb", []string{"http://" + host + "/cb"})
		assert.NoError(t, err, host)
		assert.Equal(t, "http://"+host+":50123/cb", got, host)
	}
	for _, host := range []string{"localhost", "[::ffff:127.0.0.1]", "[0:0:0:0:0:0:0:1]"} {
		_, err := MatchRedirectURI("http://"+host+":50123/cb", []string{"http://" + host + "/cb"})
		assert.ErrorIs(t, err, ErrRedirectMismatch, host)
	}
	p := &RedirectPolicy{AllowLocalhostAnyPort: true}
	_, err := p.Match("http://localhost:50123/cb", []string{"http://localhost/cb"})
	assert.NoError(t, err)
}
