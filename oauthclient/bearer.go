package oauthclient

import (
	"errors"
	"net/http"
	"strings"
)

// ErrNoBearerToken is returned by [BearerToken] for a request that carries
// no bearer token at all: no Authorization header, or one of another
// scheme. RFC 6750 §3.1 answers such a request with a challenge but no
// error code.
var ErrNoBearerToken = errors.New("oauthclient: no bearer token")

// BearerToken returns the access token of the request's
// "Authorization: Bearer" header (RFC 6750 §2.1). A token in the query or
// the form body is ignored: this SDK accepts bearer tokens in the header
// only. The scheme name is case-insensitive.
//
// It returns [ErrNoBearerToken] when there is no Authorization header or
// its scheme is not Bearer; an *Error with CodeInvalidRequest (Field
// "Authorization") when the header is repeated; and an *Error with
// CodeInvalidToken (Field "Authorization") when the token is empty or not
// token68 (RFC 7235 §2.1). No error holds any part of the token.
func BearerToken(r *http.Request) (string, error) {
	values := r.Header.Values(credFieldAuthorization)
	switch len(values) {
	case 0:
		return "", ErrNoBearerToken
	case 1:
	default:
		return "", credError(CodeInvalidRequest, credFieldAuthorization, "must not be repeated")
	}
	scheme, token, ok := strings.Cut(values[0], " ")
	switch {
	case !strings.EqualFold(scheme, "Bearer"):
		return "", ErrNoBearerToken
	case !ok || !IsToken68(token):
		return "", credError(CodeInvalidToken, credFieldAuthorization, "is not a valid Bearer token")
	}
	return token, nil
}

// IsToken68 reports whether s has the token68 syntax of RFC 7235 §2.1, the
// syntax of a bearer token: letters, digits and - . _ ~ + /, then optional
// '=' padding.
func IsToken68(s string) bool {
	end := len(strings.TrimRight(s, "="))
	if end == 0 {
		return false
	}
	for i := range end {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case c == '-', c == '.', c == '_', c == '~', c == '+', c == '/':
		default:
			return false
		}
	}
	return true
}
