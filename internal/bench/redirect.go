package bench

import (
	"errors"
	"net/netip"
	"net/url"
	"testing"

	"github.com/portaloauth/portaloauth/oauthclient"
)

// RedirectRegistered are the redirect URIs of the client the redirect
// cases match against: five, the loopback one last, so that every case
// walks the whole list.
var RedirectRegistered = []string{
	"https://app.example.com/oauth/callback",
	"https://app.example.com/oauth/callback?tenant=eu",
	"https://staging.app.example.com/oauth/callback",
	"com.example.app:/oauth2redirect",
	"http://127.0.0.1/oauth/callback",
}

// RedirectCase is one requested redirect URI and whether it matches
// RedirectRegistered.
type RedirectCase struct {
	Name      string
	Requested string
	Match     bool
}

// RedirectCases are the redirect cases of the report: the exact match of
// the last registered URI, a loopback URI that differs only in its port
// (RFC 8252 §7.3), and a near miss that a prefix matcher would accept.
var RedirectCases = []RedirectCase{
	{Name: "exact", Requested: "http://127.0.0.1/oauth/callback", Match: true},
	{Name: "loopback-port", Requested: "http://127.0.0.1:51234/oauth/callback", Match: true},
	{Name: "miss", Requested: "https://app.example.com/oauth/callback/evil", Match: false},
}

// Matcher matches a requested redirect URI against the registered ones,
// as [oauthclient.MatchRedirectURI] does.
type Matcher func(requested string, registered []string) (string, error)

var errNoMatch = errors.New("bench: redirect_uri does not match")

// URLParseMatch is the baseline matcher: a straightforward one, as most
// code bases write it first. It parses the requested URI and then each
// registered one with net/url, and compares scheme, host, path and query,
// ignoring the port of an http loopback IP literal.
func URLParseMatch(requested string, registered []string) (string, error) {
	want, err := url.Parse(requested)
	if err != nil || want.User != nil {
		return "", errNoMatch
	}
	for _, r := range registered {
		u, err := url.Parse(r)
		switch {
		case err != nil, u.User != nil, u.Scheme != want.Scheme, u.EscapedPath() != want.EscapedPath(),
			u.RawQuery != want.RawQuery, u.Opaque != want.Opaque:
			continue
		case u.Host == want.Host:
			return requested, nil
		case want.Scheme == "http" && u.Hostname() == want.Hostname():
			if ip, err := netip.ParseAddr(want.Hostname()); err == nil && ip.IsLoopback() {
				return requested, nil
			}
		}
	}
	return "", errNoMatch
}

// Match returns a benchmark of m on c against RedirectRegistered.
func Match(m Matcher, c RedirectCase) func(*testing.B) {
	return func(b *testing.B) {
		if _, err := m(c.Requested, RedirectRegistered); (err == nil) != c.Match {
			b.Fatalf("%s: matched %v, want %v", c.Name, err == nil, c.Match)
		}
		b.ReportAllocs()
		for b.Loop() {
			_, _ = m(c.Requested, RedirectRegistered)
		}
	}
}

// OurMatch is [oauthclient.MatchRedirectURI] as a Matcher.
var OurMatch Matcher = oauthclient.MatchRedirectURI
