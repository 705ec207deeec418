package oauthclient

import (
	"net/netip"
	"net/url"
	"testing"
)

// benchRegistered is a client with five registered redirect URIs, the
// loopback one last so that every case walks the whole list.
var benchRegistered = []string{
	"https://app.example.com/oauth/callback",
	"https://app.example.com/oauth/callback?tenant=eu",
	"https://staging.app.example.com/oauth/callback",
	"com.example.app:/oauth2redirect",
	"http://127.0.0.1/oauth/callback",
}

var benchMatchCases = []struct {
	name      string
	requested string
	match     bool
}{
	{name: "exact", requested: "http://127.0.0.1/oauth/callback", match: true},
	{name: "loopback", requested: "http://127.0.0.1:51234/oauth/callback", match: true},
	{name: "miss", requested: "https://app.example.com/oauth/callback/evil", match: false},
}

var benchSink string

func BenchmarkMatchRedirectURI(b *testing.B) {
	for _, bc := range benchMatchCases {
		b.Run(bc.name, func(b *testing.B) {
			benchMatcher(b, MatchRedirectURI, bc.requested, bc.match)
		})
	}
}

// BenchmarkMatchRedirectURIBaselineURLParse measures the matcher most code
// bases write first, over the same cases, for comparison.
func BenchmarkMatchRedirectURIBaselineURLParse(b *testing.B) {
	for _, bc := range benchMatchCases {
		b.Run(bc.name, func(b *testing.B) {
			benchMatcher(b, baselineMatchRedirectURI, bc.requested, bc.match)
		})
	}
}

func BenchmarkValidateRedirectURI(b *testing.B) {
	for name, raw := range map[string]string{
		"https":    "https://app.example.com/oauth/callback?tenant=eu",
		"loopback": "http://127.0.0.1:8080/oauth/callback",
	} {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := ValidateRedirectURI(raw); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func benchMatcher(b *testing.B, match func(string, []string) (string, error), requested string, want bool) {
	b.Helper()
	if _, err := match(requested, benchRegistered); (err == nil) != want {
		b.Fatalf("match(%q) = %v, want match %v", requested, err, want)
	}
	b.ReportAllocs()
	for b.Loop() {
		benchSink, _ = match(requested, benchRegistered)
	}
}

// baselineMatchRedirectURI is a straightforward matcher: parse the requested
// URI and each registered one with net/url and compare scheme, host, path
// and query, ignoring the port for http loopback IP literals.
func baselineMatchRedirectURI(requested string, registered []string) (string, error) {
	ru, err := url.Parse(requested)
	if err != nil {
		return "", redirectMismatch(reasonMismatch)
	}
	for _, r := range registered {
		u, err := url.Parse(r)
		if err != nil {
			continue
		}
		if u.Scheme != ru.Scheme || u.EscapedPath() != ru.EscapedPath() || u.RawQuery != ru.RawQuery || u.User != nil || ru.User != nil {
			continue
		}
		if u.Host == ru.Host {
			return requested, nil
		}
		if ru.Scheme == "http" && u.Hostname() == ru.Hostname() {
			if a, err := netip.ParseAddr(ru.Hostname()); err == nil && a.IsLoopback() {
				return requested, nil
			}
		}
	}
	return "", redirectMismatch(reasonMismatch)
}

// TestRedirectBaselineAgrees keeps the baseline honest: on the benchmark cases
// it decides as MatchRedirectURI does.
func TestRedirectBaselineAgrees(t *testing.T) {
	t.Parallel()
	for _, bc := range benchMatchCases {
		_, err := baselineMatchRedirectURI(bc.requested, benchRegistered)
		_, want := MatchRedirectURI(bc.requested, benchRegistered)
		if (err == nil) != (want == nil) || (err == nil) != bc.match {
			t.Errorf("%s: baseline %v, MatchRedirectURI %v", bc.name, err, want)
		}
	}
}
