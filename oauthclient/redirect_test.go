package oauthclient

import (
	"errors"
	"net/netip"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var (
	httpsOnly  = &RedirectPolicy{HTTPSOnly: true}
	dottedOnly = &RedirectPolicy{RequireDottedCustomScheme: true}
	localhosty = &RedirectPolicy{AllowLocalhostAnyPort: true}
)

// validateCases are the registration-time cases. reason is "" for a URI the
// policy accepts, else the Reason the *Error must carry.
var validateCases = []struct {
	name   string
	policy *RedirectPolicy
	raw    string
	reason string
}{
	// Accepted.
	{name: "https", raw: "https://app.example.com/callback"},
	{name: "https with port", raw: "https://app.example.com:8443/callback"},
	{name: "https with query", raw: "https://app.example.com/cb?tenant=a&x=%20y"},
	{name: "https without path", raw: "https://app.example.com"},
	{name: "https trailing slash", raw: "https://app.example.com/"},
	{name: "https uppercase host kept", raw: "https://App.Example.COM/Callback"},
	{name: "https uppercase scheme", raw: "HTTPS://app.example.com/cb"},
	{name: "https ipv4", raw: "https://192.0.2.10/cb"},
	{name: "https ipv6", raw: "https://[2001:db8::1]:8443/cb"},
	{name: "https look-alike subdomain is its own host", raw: "https://good.example.evil.example/"},
	{name: "idna A-label", raw: "https://xn--80ak6aa92e.com/"},
	{name: "percent-encoded path", raw: "https://app.example.com/a%20b/c"},
	{name: "encoded slash in query", raw: "https://app.example.com/cb?next=%2Fhome"},
	{name: "http loopback ipv4", raw: "http://127.0.0.1/callback"},
	{name: "http loopback ipv4 port", raw: "http://127.0.0.1:8080/callback"},
	{name: "http loopback other 127/8", raw: "http://127.1.2.3/cb"},
	{name: "http loopback ipv6", raw: "http://[::1]/callback"},
	{name: "http loopback ipv6 port", raw: "http://[::1]:65535/callback"},
	{name: "http localhost", raw: "http://localhost:3000/callback"},
	{name: "http localhost uppercase", raw: "http://LOCALHOST/callback"},
	{name: "private-use scheme", raw: "com.example.app:/oauth2redirect/example-provider"},
	{name: "private-use scheme with host", raw: "com.example.app://callback"},
	{name: "private-use scheme without dot", raw: "myapp:/callback"},
	{name: "private-use scheme plus and dash", raw: "my-app+v2:/cb"},
	{name: "dotted policy dotted scheme", policy: dottedOnly, raw: "com.example.app:/cb"},
	{name: "dotted policy https", policy: dottedOnly, raw: "https://app.example.com/cb"},
	{name: "dotted policy loopback", policy: dottedOnly, raw: "http://127.0.0.1/cb"},
	{name: "https-only policy https", policy: httpsOnly, raw: "https://app.example.com/cb"},
	{name: "exactly 2000 bytes", raw: "https://app.example.com/" + strings.Repeat("a", 2000-len("https://app.example.com/"))},

	// Refused: structure.
	{name: "empty", raw: "", reason: reasonEmpty},
	{name: "too long", raw: "https://app.example.com/" + strings.Repeat("a", 2001-len("https://app.example.com/")), reason: reasonTooLong},
	{name: "relative path", raw: "/callback", reason: reasonNotAbsolute},
	{name: "scheme-relative", raw: "//app.example.com/cb", reason: reasonNotAbsolute},
	{name: "host and port without scheme", raw: "127.0.0.1:8080/cb", reason: reasonNotAbsolute},
	{name: "colon first", raw: ":/cb", reason: reasonNotAbsolute},
	{name: "bad scheme character", raw: "ht_tp://app.example.com/", reason: reasonNotAbsolute},
	{name: "opaque https", raw: "https:foo", reason: reasonNeedHost},
	{name: "https single slash", raw: "https:/foo", reason: reasonNeedHost},
	{name: "https empty host", raw: "https:///cb", reason: reasonNeedHost},
	{name: "https scheme only", raw: "https:", reason: reasonNeedHost},
	{name: "http empty host with port", raw: "http://:8080/cb", reason: reasonNeedHost},
	{name: "opaque private-use", raw: "com.example.app:cb", reason: reasonOpaque},
	{name: "urn", raw: "urn:ietf:wg:oauth:2.0:oob", reason: reasonOpaque},
	{name: "host-like scheme", raw: "app.example.com:443/cb", reason: reasonOpaque},
	{name: "private-use empty host", raw: "com.example.app:///cb", reason: reasonNeedHost},

	// Refused: fragments, wildcards, odd characters.
	{name: "fragment", raw: "https://app.example.com/cb#frag", reason: reasonFragment},
	{name: "empty fragment", raw: "https://a/cb#", reason: reasonFragment},
	{name: "wildcard host", raw: "https://*.example.com/cb", reason: reasonWildcard},
	{name: "wildcard path", raw: "https://app.example.com/*", reason: reasonWildcard},
	{name: "wildcard query", raw: "https://app.example.com/cb?x=*", reason: reasonWildcard},
	{name: "space", raw: "https://app.example.com/c b", reason: reasonControl},
	{name: "leading space", raw: " https://app.example.com/cb", reason: reasonControl},
	{name: "tab in scheme", raw: "java\tscript:alert(1)", reason: reasonControl},
	{name: "newline", raw: "https://app.example.com/cb\n", reason: reasonControl},
	{name: "nul", raw: "https://app.example.com/\x00", reason: reasonControl},
	{name: "del", raw: "https://app.example.com/\x7f", reason: reasonControl},
	{name: "backslash userinfo trick", raw: `https://evil.example\@good.example/`, reason: reasonBackslash},
	{name: "backslash path", raw: `https://good.example\evil.example/cb`, reason: reasonBackslash},
	{name: "angle bracket", raw: "https://app.example.com/<script>", reason: reasonUnencoded},
	{name: "pipe", raw: "https://app.example.com/a|b", reason: reasonUnencoded},
	{name: "brackets in path", raw: "https://app.example.com/[x]", reason: reasonBrackets},
	{name: "bad percent", raw: "https://app.example.com/%zz", reason: reasonBadPercent},
	{name: "truncated percent", raw: "https://app.example.com/%2", reason: reasonBadPercent},
	{name: "non-ascii path", raw: "https://app.example.com/café", reason: reasonNonASCII},

	// Refused: dangerous schemes.
	{name: "javascript", raw: "javascript:alert(1)", reason: reasonDangerous},
	{name: "javascript mixed case", raw: "JavaScript:alert(1)//", reason: reasonDangerous},
	{name: "javascript with slashes", raw: "javascript://app.example.com/%0Aalert(1)", reason: reasonDangerous},
	{name: "data", raw: "data:text/html,<script>alert(1)</script>", reason: reasonDangerous},
	{name: "vbscript", raw: "VBScript:msgbox(1)", reason: reasonDangerous},
	{name: "file", raw: "file:///etc/passwd", reason: reasonDangerous},
	{name: "blob", raw: "blob:https://app.example.com/uuid", reason: reasonDangerous},
	{name: "about", raw: "about:blank", reason: reasonDangerous},

	// Refused: userinfo and hosts.
	{name: "userinfo open redirect", raw: "https://good.example@evil.example/", reason: reasonUserinfo},
	{name: "userinfo with password", raw: "https://user:pass@app.example.com/cb", reason: reasonUserinfo},
	{name: "userinfo on loopback", raw: "http://evil.example@127.0.0.1/cb", reason: reasonUserinfo},
	{name: "encoded at sign", raw: "https://good.example%40evil.example/", reason: reasonHostEscaped},
	{name: "encoded slash in host", raw: "https://evil.example%2Fgood.example/", reason: reasonHostEscaped},
	{name: "encoded dot in host", raw: "https://evil%2Eexample/", reason: reasonHostEscaped},
	{name: "ipv6 zone", raw: "https://[fe80::1%25eth0]/cb", reason: reasonHostEscaped},
	{name: "unicode look-alike host", raw: "https://exаmple.com/", reason: reasonUnicodeHost},
	{name: "unicode host", raw: "https://пример.com/", reason: reasonUnicodeHost},
	{name: "fullwidth dot host", raw: "https://good.example．evil.example/", reason: reasonUnicodeHost},
	{name: "underscore host", raw: "https://app_x.example.com/", reason: reasonBadHost},
	{name: "trailing dot host", raw: "https://app.example.com./cb", reason: reasonBadHost},
	{name: "empty label", raw: "https://app..example.com/cb", reason: reasonBadHost},
	{name: "hyphen label", raw: "https://-app.example.com/cb", reason: reasonBadHost},
	{name: "long label", raw: "https://" + strings.Repeat("a", 64) + ".example.com/", reason: reasonBadHost},
	{name: "unclosed ipv6", raw: "https://[::1/cb", reason: reasonBadHost},
	{name: "bracketed ipv4", raw: "https://[127.0.0.1]/cb", reason: reasonBadHost},
	{name: "junk after ipv6", raw: "https://[::1]x/cb", reason: reasonBadHost},
	{name: "integer ipv4", raw: "https://2130706433/cb", reason: reasonBadIPv4},
	{name: "hex ipv4", raw: "http://0x7f.0.0.1/cb", reason: reasonBadIPv4},
	{name: "short ipv4", raw: "http://127.1/cb", reason: reasonBadIPv4},
	{name: "leading zero ipv4", raw: "http://127.0.0.01/cb", reason: reasonBadIPv4},
	{name: "ipv4 out of range", raw: "https://192.0.2.256/cb", reason: reasonBadIPv4},
	{name: "empty port", raw: "https://app.example.com:/cb", reason: reasonBadPort},
	{name: "port zero", raw: "https://app.example.com:0/cb", reason: reasonBadPort},
	{name: "port too big", raw: "https://app.example.com:65536/cb", reason: reasonBadPort},
	{name: "port leading zero", raw: "http://127.0.0.1:080/cb", reason: reasonBadPort},
	{name: "port not a number", raw: "https://app.example.com:https/cb", reason: reasonBadPort},

	// Refused: paths.
	{name: "dot-dot segment", raw: "https://app.example.com/cb/../admin", reason: reasonDotSegment},
	{name: "dot segment", raw: "https://app.example.com/./cb", reason: reasonDotSegment},
	{name: "encoded dot-dot", raw: "https://app.example.com/cb/%2E%2e/admin", reason: reasonDotSegment},
	{name: "encoded slash in path", raw: "https://app.example.com/cb%2F..%2Fadmin", reason: reasonEncodedSlash},
	{name: "encoded backslash in path", raw: "https://app.example.com/cb%5cadmin", reason: reasonEncodedSlash},

	// Refused: plain http.
	{name: "http public host", raw: "http://app.example.com/callback", reason: reasonNeedHTTPS},
	{name: "http private address", raw: "http://192.168.1.10/callback", reason: reasonNeedHTTPS},
	{name: "http localhost subdomain", raw: "http://evil.localhost/cb", reason: reasonNeedHTTPS},
	{name: "http long ipv6 loopback", raw: "http://[0:0:0:0:0:0:0:1]/cb", reason: reasonNeedHTTPS},
	{name: "http mapped ipv4 loopback", raw: "http://[::ffff:127.0.0.1]/cb", reason: reasonNeedHTTPS},
	{name: "http unspecified", raw: "http://0.0.0.0/cb", reason: reasonNeedHTTPS},

	// Policies.
	{name: "https-only refuses loopback", policy: httpsOnly, raw: "http://127.0.0.1/cb", reason: reasonHTTPSOnly},
	{name: "https-only refuses private-use", policy: httpsOnly, raw: "com.example.app:/cb", reason: reasonHTTPSOnly},
	{name: "https-only still names dangerous", policy: httpsOnly, raw: "javascript:alert(1)", reason: reasonDangerous},
	{name: "dotted policy refuses plain scheme", policy: dottedOnly, raw: "myapp:/callback", reason: reasonUndotted},
	{name: "localhost policy keeps http rule", policy: localhosty, raw: "http://app.example.com/cb", reason: reasonNeedHTTPS},
}

func TestValidateRedirectURI(t *testing.T) {
	t.Parallel()
	for _, tc := range validateCases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := tc.policy.Validate(tc.raw)
			if tc.policy == nil {
				assert.Equal(t, err, ValidateRedirectURI(tc.raw), "package function and nil policy differ")
			}
			if tc.reason == "" {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, ErrInvalidRedirectURI)
			var e *Error
			require.ErrorAs(t, err, &e)
			assert.Equal(t, CodeInvalidRedirectURI, e.Code)
			assert.Equal(t, "redirect_uri", e.Field)
			assert.Equal(t, tc.reason, e.Reason)
			assert.NotErrorIs(t, err, ErrRedirectMismatch)
		})
	}
}

// TestValidateRedirectURIZeroPolicy checks that the zero value and nil are the
// same default policy.
func TestValidateRedirectURIZeroPolicy(t *testing.T) {
	t.Parallel()
	for _, tc := range validateCases {
		if tc.policy != nil {
			continue
		}
		assert.Equal(t, (*RedirectPolicy)(nil).Validate(tc.raw), (&RedirectPolicy{}).Validate(tc.raw), tc.name)
	}
}

var registeredURIs = []string{
	"https://app.example.com/callback",
	"https://app.example.com/cb?tenant=a&mode=b",
	"http://127.0.0.1/loop",
	"http://[::1]:8080/loop6?x=1",
	"http://localhost:3000/local",
	"com.example.app:/oauth2redirect",
	"http://127.0.0.2/other",
}

// matchCases are the authorization-time cases. want is "" when the match
// must fail.
var matchCases = []struct {
	name       string
	policy     *RedirectPolicy
	requested  string
	registered []string
	want       string
	reason     string // the Reason of a failure; reasonMismatch if empty
}{
	// Exact matches.
	{name: "exact https", requested: "https://app.example.com/callback", want: "https://app.example.com/callback"},
	{name: "exact with query", requested: "https://app.example.com/cb?tenant=a&mode=b", want: "https://app.example.com/cb?tenant=a&mode=b"},
	{name: "exact private-use", requested: "com.example.app:/oauth2redirect", want: "com.example.app:/oauth2redirect"},
	{name: "exact localhost", requested: "http://localhost:3000/local", want: "http://localhost:3000/local"},
	{name: "exact loopback", requested: "http://127.0.0.1/loop", want: "http://127.0.0.1/loop"},

	// Near misses.
	{name: "trailing slash added", requested: "https://app.example.com/callback/"},
	{name: "trailing slash removed", registered: []string{"https://app.example.com/cb/"}, requested: "https://app.example.com/cb"},
	{name: "prefix", requested: "https://app.example.com/callback-evil"},
	{name: "sub path", requested: "https://app.example.com/callback/evil"},
	{name: "shorter", requested: "https://app.example.com/call"},
	{name: "scheme case", requested: "HTTPS://app.example.com/callback"},
	{name: "host case", requested: "https://APP.example.com/callback"},
	{name: "path case", requested: "https://app.example.com/Callback"},
	{name: "http for https", requested: "http://app.example.com/callback"},
	{name: "explicit default port", requested: "https://app.example.com:443/callback"},
	{name: "other port on https", requested: "https://app.example.com:8443/callback"},
	{name: "extra query", requested: "https://app.example.com/callback?x=1"},
	{name: "extra query parameter", requested: "https://app.example.com/cb?tenant=a&mode=b&x=1"},
	{name: "reordered query", requested: "https://app.example.com/cb?mode=b&tenant=a"},
	{name: "empty query", requested: "https://app.example.com/callback?"},
	{name: "fragment", requested: "https://app.example.com/callback#x"},
	{name: "empty fragment", requested: "https://app.example.com/callback#"},
	{name: "encoded path", requested: "https://app.example.com/%63allback"},
	{name: "encoded slash trick", requested: "https://app.example.com/callback%2F..%2Fevil"},
	{name: "dot segment trick", requested: "https://app.example.com/evil/../callback"},
	{name: "userinfo open redirect", requested: "https://app.example.com@evil.example/callback"},
	{name: "userinfo before good host", requested: "https://evil.example@app.example.com/callback"},
	{name: "subdomain open redirect", requested: "https://app.example.com.evil.example/callback"},
	{name: "backslash open redirect", requested: `https://evil.example\@app.example.com/callback`},
	{name: "unicode look-alike", registered: []string{"https://example.com/cb"}, requested: "https://exаmple.com/cb"},
	{name: "leading space", requested: " https://app.example.com/callback"},
	{name: "trailing newline", requested: "https://app.example.com/callback\n"},
	{name: "private-use case", requested: "COM.example.app:/oauth2redirect"},
	{name: "private-use double slash", requested: "com.example.app://oauth2redirect"},
	{name: "javascript", requested: "javascript:alert(1)"},

	// Loopback any-port rule (RFC 8252 §7.3).
	{name: "loopback added port", requested: "http://127.0.0.1:51234/loop", want: "http://127.0.0.1:51234/loop"},
	{name: "loopback ipv6 other port", requested: "http://[::1]:9/loop6?x=1", want: "http://[::1]:9/loop6?x=1"},
	{name: "loopback ipv6 no port", requested: "http://[::1]/loop6?x=1", want: "http://[::1]/loop6?x=1"},
	{name: "loopback port removed", registered: []string{"http://127.0.0.1:8080/cb"}, requested: "http://127.0.0.1/cb", want: "http://127.0.0.1/cb"},
	{name: "loopback other 127/8", requested: "http://127.0.0.2:4000/other", want: "http://127.0.0.2:4000/other"},
	{name: "loopback no path", registered: []string{"http://127.0.0.1"}, requested: "http://127.0.0.1:80", want: "http://127.0.0.1:80"},
	{name: "loopback max port", requested: "http://127.0.0.1:65535/loop", want: "http://127.0.0.1:65535/loop"},
	{name: "loopback different 127/8 host", requested: "http://127.0.0.2:5000/loop"},
	{name: "loopback ipv4 for ipv6", requested: "http://127.0.0.1:8080/loop6?x=1"},
	{name: "loopback ipv6 for ipv4", requested: "http://[::1]:8080/loop"},
	{name: "loopback long ipv6", requested: "http://[0:0:0:0:0:0:0:1]:8080/loop6?x=1"},
	{name: "loopback path differs", requested: "http://127.0.0.1:5000/loop/"},
	{name: "loopback query differs", requested: "http://[::1]:8080/loop6?x=2"},
	{name: "loopback query added", requested: "http://127.0.0.1:5000/loop?x=1"},
	{name: "loopback fragment", requested: "http://127.0.0.1:5000/loop#x"},
	{name: "loopback https", registered: []string{"https://127.0.0.1/cb"}, requested: "https://127.0.0.1:8443/cb"},
	{name: "loopback scheme case", requested: "HTTP://127.0.0.1:5000/loop"},
	{name: "loopback port zero", requested: "http://127.0.0.1:0/loop"},
	{name: "loopback port too big", requested: "http://127.0.0.1:65536/loop"},
	{name: "loopback port leading zero", requested: "http://127.0.0.1:080/loop"},
	{name: "loopback empty port", requested: "http://127.0.0.1:/loop"},
	{name: "loopback port sign", requested: "http://127.0.0.1:+80/loop"},
	{name: "loopback userinfo", requested: "http://evil@127.0.0.1:5000/loop"},
	{name: "loopback port then userinfo", requested: "http://127.0.0.1:80@evil.example/loop"},
	{name: "loopback port then backslash", requested: `http://127.0.0.1:80\evil.example/loop`},
	{name: "loopback short form", requested: "http://127.1:5000/loop"},
	{name: "loopback leading zero", requested: "http://127.0.0.01:5000/loop"},
	{name: "loopback host suffix", requested: "http://127.0.0.1.evil.example:5000/loop"},
	{name: "localhost any port off by default", requested: "http://localhost:4000/local"},
	{name: "localhost for 127.0.0.1", requested: "http://localhost/loop"},
	{name: "127.0.0.1 for localhost", requested: "http://127.0.0.1:3000/local"},

	// Policies.
	{name: "localhost policy any port", policy: localhosty, requested: "http://localhost:4000/local", want: "http://localhost:4000/local"},
	{name: "localhost policy no port", policy: localhosty, requested: "http://localhost/local", want: "http://localhost/local"},
	{name: "localhost policy case", policy: localhosty, requested: "http://LOCALHOST:4000/local"},
	{name: "localhost policy not for 127", policy: localhosty, requested: "http://localhost:4000/loop"},
	{name: "localhost policy keeps loopback", policy: localhosty, requested: "http://127.0.0.1:9/loop", want: "http://127.0.0.1:9/loop"},
	{name: "https-only exact", policy: httpsOnly, requested: "https://app.example.com/callback", want: "https://app.example.com/callback"},
	{name: "https-only no any port", policy: httpsOnly, requested: "http://127.0.0.1:5000/loop"},

	// Empty requested.
	{name: "empty with one registered", registered: []string{"https://app.example.com/callback"}, want: "https://app.example.com/callback"},
	{name: "empty with several registered", reason: reasonAmbiguous},
	{name: "empty with none registered", registered: []string{}, reason: reasonNoneRegistered},
	{name: "empty with one empty registered", registered: []string{""}, reason: reasonNoneRegistered},
	{name: "nothing registered", registered: []string{}, requested: "https://app.example.com/callback"},
	{name: "empty never matches empty", registered: []string{"", "https://a.example/"}, reason: reasonAmbiguous},
}

func TestMatchRedirectURI(t *testing.T) {
	t.Parallel()
	for _, tc := range matchCases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			registered := tc.registered
			if registered == nil {
				registered = registeredURIs
			}
			got, err := tc.policy.Match(tc.requested, registered)
			if tc.policy == nil {
				got2, err2 := MatchRedirectURI(tc.requested, registered)
				assert.Equal(t, got, got2, "package function and nil policy differ")
				assert.Equal(t, err, err2, "package function and nil policy differ")
			}
			if tc.want != "" {
				require.NoError(t, err)
				assert.Equal(t, tc.want, got)
				return
			}
			require.ErrorIs(t, err, ErrRedirectMismatch)
			require.ErrorIs(t, err, ErrInvalidRequest)
			var e *Error
			require.ErrorAs(t, err, &e)
			assert.Equal(t, CodeInvalidRequest, e.Code)
			assert.Equal(t, "redirect_uri", e.Field)
			want := tc.reason
			if want == "" {
				want = reasonMismatch
			}
			assert.Equal(t, want, e.Reason)
			assert.Empty(t, got)
		})
	}
}

// TestRedirectRegisteredFixtureValid keeps the match fixture honest: every
// registered URI passes validation, so the matches above are realistic.
func TestRedirectRegisteredFixtureValid(t *testing.T) {
	t.Parallel()
	for _, r := range registeredURIs {
		require.NoError(t, ValidateRedirectURI(r), r)
	}
}

// TestRedirectValidMatchesItself checks that every accepted URI matches
// itself, and only the port of loopback ones may change.
func TestRedirectValidMatchesItself(t *testing.T) {
	t.Parallel()
	for _, tc := range validateCases {
		if tc.reason != "" {
			continue
		}
		got, err := tc.policy.Match(tc.raw, []string{"https://other.example/", tc.raw})
		require.NoError(t, err, tc.name)
		assert.Equal(t, tc.raw, got, tc.name)
	}
}

func TestMatchRedirectURINeverAllocatesOnSuccess(t *testing.T) {
	// Not parallel: testing.AllocsPerRun refuses to run in parallel tests.
	for _, requested := range []string{"https://app.example.com/cb?tenant=a&mode=b", "http://127.0.0.1:51234/loop", "http://[::1]:1/loop6?x=1"} {
		var err error
		allocs := testing.AllocsPerRun(100, func() {
			_, err = MatchRedirectURI(requested, registeredURIs)
		})
		require.NoError(t, err, requested)
		assert.Zero(t, allocs, requested)
	}
}

func TestRedirectDottedQuad(t *testing.T) {
	t.Parallel()
	for s, want := range map[string]bool{
		"127.0.0.1": true, "0.0.0.0": true, "255.255.255.255": true, "10.20.30.40": true,
		"": false, "1.2.3": false, "1.2.3.4.": false, "1.2.3.4.5": false, "01.2.3.4": false,
		"1.2.3.256": false, "1.2.3.1000": false, "1..3.4": false, "a.b.c.d": false, "1.2.3.4 ": false,
	} {
		assert.Equal(t, want, isDottedQuad(s), s)
		if want {
			_, err := netip.ParseAddr(s)
			assert.NoError(t, err, s)
		}
	}
}

func FuzzValidateRedirectURI(f *testing.F) {
	for _, tc := range validateCases {
		f.Add(tc.raw, tc.policy != nil && tc.policy.HTTPSOnly, tc.policy != nil && tc.policy.RequireDottedCustomScheme)
	}
	f.Fuzz(func(t *testing.T, raw string, httpsOnly, dotted bool) {
		p := &RedirectPolicy{HTTPSOnly: httpsOnly, RequireDottedCustomScheme: dotted}
		err := p.Validate(raw)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Code != CodeInvalidRedirectURI || e.Field != "redirect_uri" || e.Reason == "" {
				t.Fatalf("Validate(%q) = %v, want an invalid_redirect_uri *Error", raw, err)
			}
			return
		}
		checkAcceptedRedirect(t, p, raw)
	})
}

// checkAcceptedRedirect asserts, with net/url as an independent parser, the
// properties every URI accepted under p has.
func checkAcceptedRedirect(t *testing.T, p *RedirectPolicy, raw string) {
	t.Helper()
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		t.Fatalf("accepted %q that net/url refuses: %v", raw, err)
	case len(raw) > 2000:
		t.Fatalf("accepted %d bytes", len(raw))
	case strings.ContainsAny(raw, "#*\\ "):
		t.Fatalf("accepted %q with a fragment, wildcard, backslash or space", raw)
	case u.User != nil || u.Fragment != "" || u.Opaque != "" || u.Scheme == "":
		t.Fatalf("accepted %q: %#v", raw, u)
	}
	for i := 0; i < len(raw); i++ {
		if raw[i] < 0x21 || raw[i] >= 0x7f {
			t.Fatalf("accepted %q with byte %#x", raw, raw[i])
		}
	}
	scheme := strings.ToLower(u.Scheme)
	switch scheme {
	case "javascript", "data", "vbscript", "file", "blob", "about":
		t.Fatalf("accepted dangerous %q", raw)
	case "https":
		if u.Hostname() == "" {
			t.Fatalf("accepted %q without a host", raw)
		}
	case "http":
		a, err := netip.ParseAddr(u.Hostname())
		loopback := err == nil && a.IsLoopback() || strings.EqualFold(u.Hostname(), "localhost")
		if !loopback || p.HTTPSOnly {
			t.Fatalf("accepted plain http %q", raw)
		}
	default:
		if p.HTTPSOnly || p.RequireDottedCustomScheme && !strings.Contains(scheme, ".") {
			t.Fatalf("accepted private-use %q under %+v", raw, *p)
		}
	}
	if got, err := p.Match(raw, []string{raw}); err != nil || got != raw {
		t.Fatalf("accepted %q does not match itself: %q, %v", raw, got, err)
	}
}

func FuzzMatchRedirectURI(f *testing.F) {
	for _, tc := range matchCases {
		registered := tc.registered
		if registered == nil {
			registered = registeredURIs
		}
		a, b := "", ""
		if len(registered) > 0 {
			a = registered[0]
		}
		if len(registered) > 1 {
			b = registered[len(registered)-1]
		}
		f.Add(tc.requested, a, b, tc.policy != nil && tc.policy.AllowLocalhostAnyPort)
		for _, r := range registered {
			f.Add(tc.requested, r, "", false)
		}
	}
	f.Fuzz(func(t *testing.T, requested, a, b string, localhost bool) {
		p := &RedirectPolicy{AllowLocalhostAnyPort: localhost}
		for _, registered := range [][]string{{a, b}, {a}, nil} {
			got, err := p.Match(requested, registered)
			if err != nil {
				if !errors.Is(err, ErrRedirectMismatch) || CodeOf(err) != CodeInvalidRequest || got != "" {
					t.Fatalf("Match(%q, %q) = %q, %v", requested, registered, got, err)
				}
				continue
			}
			if requested == "" {
				if len(registered) != 1 || got != registered[0] {
					t.Fatalf("Match(\"\", %q) = %q", registered, got)
				}
				continue
			}
			if got != requested {
				t.Fatalf("Match(%q, %q) returned %q, not the requested URI", requested, registered, got)
			}
			ok := false
			for _, r := range registered {
				ok = ok || r == requested || sameBarePort(requested, r, localhost)
			}
			if !ok {
				t.Fatalf("Match(%q, %q) matched no registered URI", requested, registered)
			}
		}
	})
}

// sameBarePort reports, independently of splitLoopback, whether a and b are
// http URIs of the same loopback IP literal host (or localhost, when
// localhost is set) that differ at most in their ports.
func sameBarePort(a, b string, localhost bool) bool {
	ha, pa, ra, okA := cutLoopbackForTest(a, localhost)
	hb, pb, rb, okB := cutLoopbackForTest(b, localhost)
	if !okA || !okB || ha != hb || ra != rb {
		return false
	}
	return a == "http://"+ha+pa+ra && b == "http://"+hb+pb+rb
}

func cutLoopbackForTest(s string, localhost bool) (host, port, rest string, ok bool) {
	after, found := strings.CutPrefix(s, "http://")
	if !found {
		return "", "", "", false
	}
	authority := after
	if i := strings.IndexAny(after, "/?#"); i >= 0 {
		authority, rest = after[:i], after[i:]
	}
	host = authority
	if i := strings.LastIndexByte(authority, ':'); i >= 0 && !strings.HasSuffix(authority, "]") {
		host, port = authority[:i], authority[i:]
		n, err := netip.ParseAddrPort("127.0.0.1" + port)
		if err != nil || n.Port() == 0 || port[1] == '0' {
			return "", "", "", false
		}
	}
	if localhost && host == "localhost" {
		return host, port, rest, true
	}
	addr, err := netip.ParseAddr(strings.Trim(host, "[]"))
	if err != nil || !addr.IsLoopback() || addr.Zone() != "" {
		return "", "", "", false
	}
	return host, port, rest, true
}
