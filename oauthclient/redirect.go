package oauthclient

import (
	"net/netip"
	"net/url"
	"strings"
)

// redirectMaxBytes is the longest redirect URI accepted at registration.
const redirectMaxBytes = 2000

// redirectField names the parameter in every error of this file.
const redirectField = "redirect_uri"

// RedirectPolicy holds the non-default choices for redirect URI validation
// and matching. The zero value, and a nil *RedirectPolicy, is the default
// policy that [ValidateRedirectURI] and [MatchRedirectURI] apply.
//
// The default policy, at registration (Validate): a redirect URI is an
// absolute, parseable URI of at most 2000 printable ASCII bytes, without a
// fragment (not even an empty "#"), user information, a "*" wildcard, a
// backslash, percent-encoding in the host, "." or ".." path segments, or an
// encoded slash or backslash (%2F, %5C) in the path. It uses https for any
// host; http only for a loopback host (a dotted-decimal 127.0.0.0/8 literal,
// [::1] or localhost); or a private-use scheme for native apps (RFC 8252
// §7.1), written scheme:/path or scheme://host/path. The schemes javascript,
// data, vbscript, file, blob and about are refused whatever their case. Hosts
// are ASCII DNS names (internationalised names in their IDNA A-label form,
// xn--...), dotted-decimal IPv4 addresses or bracketed IPv6 addresses without
// a zone; Unicode hosts, whose letters can imitate another domain's, are
// refused, and so are numeric hosts in any other IPv4 notation (2130706433,
// 0x7f.1). A port, if present, is a decimal number from 1 to 65535 without
// leading zeros.
//
// The default policy, at the authorization request (Match): the requested URI
// must equal a registered URI byte for byte: no case folding, no trailing-slash
// or query normalisation, no prefix match. The single exception follows RFC
// 8252 §7.3: a requested URI beginning with "http://" whose host is a loopback
// IP literal (any dotted-decimal 127.0.0.0/8 address, or [::1]) matches a
// registered "http://" URI with byte-for-byte the same host, path and query
// whatever the two ports are, or whether either has one at all. Thus
// http://127.0.0.1:50123/cb matches a registered http://127.0.0.1/cb, but not
// http://127.0.0.2/cb, http://[::1]/cb or http://localhost/cb.
type RedirectPolicy struct {
	// AllowLocalhostAnyPort extends the any-port rule of Match to the host
	// name localhost (written in lowercase in both URIs), for native apps
	// registered with http://localhost/... RFC 8252 §8.3 recommends loopback
	// IP literals instead, since the name localhost may resolve elsewhere.
	AllowLocalhostAnyPort bool

	// RequireDottedCustomScheme refuses private-use schemes that contain no
	// dot (myapp:/cb), accepting only reverse domain names such as
	// com.example.app:/cb, as RFC 8252 §7.1 asks of native apps. Such
	// schemes are less likely to be claimed by another app on the device.
	RequireDottedCustomScheme bool

	// HTTPSOnly refuses every redirect URI that does not use https: http on
	// loopback addresses and private-use schemes alike. For portals that
	// register web applications only. Match then compares exactly, without
	// the loopback any-port rule.
	HTTPSOnly bool
}

// ValidateRedirectURI checks a redirect URI at registration with the default
// policy (see [RedirectPolicy]). A failure is an *[Error] with Code
// [CodeInvalidRedirectURI], Field "redirect_uri" and the reason in plain words.
func ValidateRedirectURI(raw string) error {
	return (*RedirectPolicy)(nil).Validate(raw)
}

// MatchRedirectURI matches the redirect_uri of an authorization request
// against the client's registered URIs with the default policy (see
// [RedirectPolicy]) and returns the URI to redirect to: the requested one, or
// the single registered URI when requested is empty. The registered URIs are
// expected to have passed [ValidateRedirectURI].
//
// Every failure is an *[Error] with Code [CodeInvalidRequest], Field
// "redirect_uri" and Err [ErrRedirectMismatch], so errors.Is(err,
// ErrRedirectMismatch) holds. A request that fails here must not be
// redirected anywhere.
func MatchRedirectURI(requested string, registered []string) (string, error) {
	return (*RedirectPolicy)(nil).Match(requested, registered)
}

// Validate checks a redirect URI at registration under p. A failure is an
// *[Error] with Code [CodeInvalidRedirectURI], Field "redirect_uri" and the
// reason in plain words.
func (p *RedirectPolicy) Validate(raw string) error {
	var pol RedirectPolicy
	if p != nil {
		pol = *p
	}
	if reason := pol.check(raw); reason != "" {
		return &Error{Code: CodeInvalidRedirectURI, Field: redirectField, Reason: reason}
	}
	return nil
}

// Match matches the redirect_uri of an authorization request against the
// registered URIs under p; see [MatchRedirectURI]. It never parses on the
// exact-match path and allocates only to report a failure.
func (p *RedirectPolicy) Match(requested string, registered []string) (string, error) {
	if requested == "" {
		switch {
		case len(registered) == 1 && registered[0] != "":
			return registered[0], nil
		case len(registered) > 1:
			return "", redirectMismatch(reasonAmbiguous)
		default:
			return "", redirectMismatch(reasonNoneRegistered)
		}
	}
	for _, r := range registered {
		if r == requested {
			return requested, nil
		}
	}
	if p != nil && p.HTTPSOnly {
		return "", redirectMismatch(reasonMismatch)
	}
	localhost := p != nil && p.AllowLocalhostAnyPort
	host, rest, ok := splitLoopback(requested, localhost)
	if ok {
		for _, r := range registered {
			if h, x, ok := splitLoopback(r, localhost); ok && h == host && x == rest {
				return requested, nil
			}
		}
	}
	return "", redirectMismatch(reasonMismatch)
}

func redirectMismatch(reason string) *Error {
	return &Error{Code: CodeInvalidRequest, Field: redirectField, Reason: reason, Err: ErrRedirectMismatch}
}

// splitLoopback splits an "http://" URI whose host is a loopback IP literal
// (or localhost, when localhost is set) into its host and everything after
// the port (path, query and whatever follows). ok is false for any other URI,
// including one whose port is not a plain decimal number from 1 to 65535.
// It neither parses with net/url nor allocates.
func splitLoopback(s string, localhost bool) (host, rest string, ok bool) {
	const prefix = "http://"
	if !strings.HasPrefix(s, prefix) {
		return "", "", false
	}
	s = s[len(prefix):]
	end := authorityEnd(s)
	authority, rest := s[:end], s[end:]
	host, port := authority, ""
	if strings.HasPrefix(authority, "[") {
		i := strings.IndexByte(authority, ']')
		if i < 0 {
			return "", "", false
		}
		host, port = authority[:i+1], authority[i+1:]
	} else if i := strings.IndexByte(authority, ':'); i >= 0 {
		host, port = authority[:i], authority[i:]
	}
	if !isLoopbackIP(host) && !(localhost && host == "localhost") {
		return "", "", false
	}
	if port != "" && (port[0] != ':' || !validPort(port[1:])) {
		return "", "", false
	}
	return host, rest, true
}

// authorityEnd returns the index of the first '/', '?' or '#' in s, or
// len(s): where the authority of a URI ends once its "scheme://" is cut.
// A loop over the bytes, where strings.IndexAny would build a set of the
// three on every call.
func authorityEnd(s string) int {
	for i := range len(s) {
		if c := s[i]; c == '/' || c == '?' || c == '#' {
			return i
		}
	}
	return len(s)
}

// validPort reports whether s is a decimal number from 1 to 65535 without a
// leading zero.
func validPort(s string) bool {
	if s == "" || len(s) > 5 || s[0] == '0' {
		return false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
		n = n*10 + int(s[i]-'0')
	}
	return n <= 65535
}

// The reasons of Validate and Match failures, in Error.Reason.
const (
	reasonEmpty        = "must not be empty"
	reasonTooLong      = "must be at most 2000 bytes long"
	reasonControl      = "must not contain spaces or control characters"
	reasonNotAbsolute  = "must be an absolute URI that starts with a scheme such as https:"
	reasonDangerous    = "must not use a scheme that a browser runs or reads locally (javascript, data, vbscript, file, blob, about)"
	reasonBrackets     = "must not contain [ or ] outside an IPv6 host"
	reasonUnparsable   = "must be a valid URI"
	reasonOpaque       = "must be written scheme:/path or scheme://host/path"
	reasonNeedHost     = "must have a host, as in https://host/path"
	reasonNeedHTTPS    = "must use https unless the host is a loopback address (127.0.0.1, [::1] or localhost)"
	reasonHTTPSOnly    = "must use https"
	reasonUndotted     = "private-use scheme must be a reverse domain name such as com.example.app"
	reasonUnicodeHost  = "host must be ASCII: write an internationalised domain name in its IDNA A-label form (xn--...)"
	reasonNonASCII     = "must be ASCII: percent-encode other characters"
	reasonFragment     = "must not contain a fragment (#)"
	reasonWildcard     = "must not contain a wildcard (*)"
	reasonBackslash    = "must not contain a backslash"
	reasonBadPercent   = "must not contain a % that does not start a percent-encoded byte"
	reasonUnencoded    = "must percent-encode the characters \" < > ^ ` { | }"
	reasonUserinfo     = "must not contain user information (user@host)"
	reasonHostEscaped  = "host must not be percent-encoded"
	reasonBadHost      = "host must be a DNS name, a dotted-decimal IPv4 address or a bracketed IPv6 address"
	reasonBadIPv4      = "IPv4 address must be four decimal numbers, as in 192.0.2.1"
	reasonBadPort      = "port must be a number from 1 to 65535 without leading zeros"
	reasonDotSegment   = "path must not contain . or .. segments"
	reasonEncodedSlash = "path must not contain an encoded slash or backslash (%2F, %5C)"

	reasonMismatch       = "does not match a registered redirect URI"
	reasonAmbiguous      = "is required when more than one redirect URI is registered"
	reasonNoneRegistered = "no redirect URI is registered"
)

// redirectDangerousSchemes are refused whatever the policy: a browser would
// run, read or show their content instead of delivering a response.
var redirectDangerousSchemes = [...]string{"javascript", "data", "vbscript", "file", "blob", "about"}

// check returns why raw is not an acceptable redirect URI under p, or "".
func (p RedirectPolicy) check(raw string) string {
	if raw == "" {
		return reasonEmpty
	}
	if len(raw) > redirectMaxBytes {
		return reasonTooLong
	}
	for i := 0; i < len(raw); i++ {
		if c := raw[i]; c <= ' ' || c == 0x7f {
			return reasonControl
		}
	}

	colon := strings.IndexByte(raw, ':')
	if colon <= 0 || !validScheme(raw[:colon]) {
		return reasonNotAbsolute
	}
	scheme := strings.ToLower(raw[:colon])
	for _, d := range redirectDangerousSchemes {
		if scheme == d {
			return reasonDangerous
		}
	}
	afterScheme := raw[colon+1:]
	hasAuthority := strings.HasPrefix(afterScheme, "//")
	authority, rest := "", afterScheme
	if hasAuthority {
		authority = afterScheme[2:]
		authority = authority[:authorityEnd(authority)]
		rest = afterScheme[2+len(authority):]
	}

	if reason := checkChars(raw, authority); reason != "" {
		return reason
	}
	if strings.ContainsAny(rest, "[]") {
		return reasonBrackets
	}
	web := scheme == "https" || scheme == "http"
	switch {
	case hasAuthority:
		if reason := checkAuthority(authority); reason != "" {
			return reason
		}
	case web:
		return reasonNeedHost
	case !strings.HasPrefix(afterScheme, "/"):
		return reasonOpaque
	}
	path, _, _ := strings.Cut(rest, "?")
	if reason := checkPath(path); reason != "" {
		return reason
	}
	// A backstop: whatever passed the checks above must also be a URI to
	// net/url, with the same reading of its parts.
	if u, err := url.Parse(raw); err != nil || u.Opaque != "" || u.User != nil || u.Fragment != "" || u.Host != authority {
		return reasonUnparsable
	}

	switch {
	case scheme == "https":
		return ""
	case p.HTTPSOnly:
		return reasonHTTPSOnly
	case scheme == "http":
		if !isLoopbackAuthority(authority) {
			return reasonNeedHTTPS
		}
		return ""
	case p.RequireDottedCustomScheme && !strings.Contains(scheme, "."):
		return reasonUndotted
	}
	return ""
}

// validScheme reports whether s is an RFC 3986 scheme: a letter followed by
// letters, digits, "+", "-" or ".".
func validScheme(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z':
		case i > 0 && (c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.'):
		default:
			return false
		}
	}
	return s != ""
}

// checkChars refuses characters that have no place in a redirect URI, with a
// reason naming the first one found. authority is the raw authority, for a
// reason that points at a Unicode host.
func checkChars(raw, authority string) string {
	for i := 0; i < len(authority); i++ {
		if authority[i] >= 0x80 {
			return reasonUnicodeHost
		}
	}
	for i := 0; i < len(raw); i++ {
		switch c := raw[i]; {
		case c >= 0x80:
			return reasonNonASCII
		case c == '#':
			return reasonFragment
		case c == '*':
			return reasonWildcard
		case c == '\\':
			return reasonBackslash
		case c == '%':
			if i+2 >= len(raw) || !isHex(raw[i+1]) || !isHex(raw[i+2]) {
				return reasonBadPercent
			}
		case strings.IndexByte(`"<>^`+"`"+`{|}`, c) >= 0:
			return reasonUnencoded
		}
	}
	return ""
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// checkAuthority checks a raw authority (host and optional port).
func checkAuthority(authority string) string {
	switch {
	case authority == "":
		return reasonNeedHost
	case strings.Contains(authority, "@"):
		return reasonUserinfo
	case strings.Contains(authority, "%"):
		return reasonHostEscaped
	}
	host, port := authority, ""
	if strings.HasPrefix(authority, "[") {
		i := strings.IndexByte(authority, ']')
		if i < 0 {
			return reasonBadHost
		}
		host, port = authority[:i+1], authority[i+1:]
		if a, err := netip.ParseAddr(host[1 : len(host)-1]); err != nil || !a.Is6() {
			return reasonBadHost
		}
	} else {
		if i := strings.IndexByte(authority, ':'); i >= 0 {
			host, port = authority[:i], authority[i:]
		}
		if reason := checkHostName(host); reason != "" {
			return reason
		}
	}
	if port != "" && (port[0] != ':' || !validPort(port[1:])) {
		if port[0] != ':' {
			return reasonBadHost
		}
		return reasonBadPort
	}
	return ""
}

// checkHostName checks a host that is not an IPv6 literal: a DNS name or a
// dotted-decimal IPv4 address.
func checkHostName(host string) string {
	if host == "" {
		return reasonNeedHost
	}
	if strings.ContainsAny(host, "[]") || len(host) > 253 {
		return reasonBadHost
	}
	if strings.HasSuffix(host, ".") {
		return reasonBadHost // a trailing dot names the same host another way
	}
	last := ""
	for label := range strings.SplitSeq(host, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return reasonBadHost
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
				return reasonBadHost
			}
		}
		last = label
	}
	// A name whose last label is a number is an IPv4 address to browsers
	// (WHATWG URL), in shorthand, octal, hex or integer forms alike: accept
	// only the plain dotted-decimal one.
	if isNumericLabel(last) && !isDottedQuad(host) {
		return reasonBadIPv4
	}
	return ""
}

// isNumericLabel reports whether a host label reads as a number: decimal
// digits, or 0x followed by hex digits.
func isNumericLabel(s string) bool {
	if len(s) >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') {
		s = s[2:]
		for i := 0; i < len(s); i++ {
			if !isHex(s[i]) {
				return false
			}
		}
		return true
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// checkPath refuses dot segments and encoded slashes, which servers and
// browsers resolve in different ways.
func checkPath(path string) string {
	for seg := range strings.SplitSeq(path, "/") {
		if len(seg) > len("%2e%2e") {
			continue
		}
		if d := strings.ReplaceAll(strings.ToLower(seg), "%2e", "."); d == "." || d == ".." {
			return reasonDotSegment
		}
	}
	lower := strings.ToLower(path)
	if strings.Contains(lower, "%2f") || strings.Contains(lower, "%5c") {
		return reasonEncodedSlash
	}
	return ""
}

// isLoopbackAuthority reports whether an http URI's authority, which has
// passed checkAuthority, names a loopback host (see isLoopbackHost).
func isLoopbackAuthority(authority string) bool {
	host := authority
	if strings.HasPrefix(authority, "[") {
		if i := strings.IndexByte(authority, ']'); i >= 0 {
			host = authority[:i+1]
		}
	} else {
		host, _, _ = strings.Cut(authority, ":")
	}
	return isLoopbackHost(host)
}
