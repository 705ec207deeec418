package oauthclient

import "strings"

// The loopback rules, in one place so that every URI rule agrees on them:
// redirect URIs at registration (http only for a loopback host), at the
// authorization request (any port on a loopback IP literal) and the web
// page URIs of client metadata (client_uri, logo_uri, tos_uri, policy_uri).
// A loopback host is written one way only: 127.0.0.0/8 in dotted decimal
// without leading zeros, ::1 exactly so, or the name localhost. Other
// spellings of the same addresses ([::ffff:127.0.0.1], [0:0:0:0:0:0:0:1],
// 2130706433) are not loopback hosts, so that what a rule accepts is what
// a reader of the URI sees.

// isLoopbackHost reports whether host, a URI's host without its port (an
// IPv6 literal with or without its brackets), is a loopback host: a
// loopback IP literal (isLoopbackIP) or the name localhost in any case.
func isLoopbackHost(host string) bool {
	return isLoopbackIP(host) || strings.EqualFold(host, "localhost")
}

// isLoopbackIP reports whether host is a loopback IP literal: a
// dotted-decimal 127.0.0.0/8 address without leading zeros, or ::1 (with or
// without brackets) exactly as written. It does not allocate.
func isLoopbackIP(host string) bool {
	return host == "[::1]" || host == "::1" || isLoopbackIPv4(host)
}

// isLoopbackIPv4 reports whether s is a dotted-decimal IPv4 address in
// 127.0.0.0/8 with no leading zeros.
func isLoopbackIPv4(s string) bool {
	if !strings.HasPrefix(s, "127.") {
		return false
	}
	return isDottedQuad(s)
}

// isDottedQuad reports whether s is four decimal numbers 0-255 joined by dots,
// with no leading zeros.
func isDottedQuad(s string) bool {
	for part := 0; part < 4; part++ {
		if part > 0 {
			if s == "" || s[0] != '.' {
				return false
			}
			s = s[1:]
		}
		n, digits := 0, 0
		for digits < len(s) && s[digits] >= '0' && s[digits] <= '9' {
			n = n*10 + int(s[digits]-'0')
			digits++
			if digits > 3 {
				return false
			}
		}
		if digits == 0 || n > 255 || (digits > 1 && s[0] == '0') {
			return false
		}
		s = s[digits:]
	}
	return s == ""
}
