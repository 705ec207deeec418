package oauthclient

import (
	"errors"
	"strings"
)

// Store sentinels. Every store implementation returns (or wraps) exactly these,
// as each interface method documents; callers test them with [errors.Is].
var (
	// ErrNotFound: no record has that key.
	ErrNotFound = errors.New("oauthclient: not found")
	// ErrDuplicate: a record with that key (or unique attribute) exists.
	ErrDuplicate = errors.New("oauthclient: duplicate")
	// ErrConflict: the record changed since it was read (stale version).
	ErrConflict = errors.New("oauthclient: version conflict")
	// ErrTokenConsumed: a one-time token (authorization code, refresh token)
	// was presented a second time.
	ErrTokenConsumed = errors.New("oauthclient: token already used")
	// ErrRedirectMismatch: a redirect URI at the authorization request
	// matches no registered URI. Such a request must never be redirected.
	ErrRedirectMismatch = errors.New("oauthclient: redirect_uri does not match a registered URI")
)

// ErrorCode is an OAuth 2.0 error code (RFC 6749 §5.2, RFC 7591 §3.2.2,
// RFC 7009 §2.2.1).
type ErrorCode string

// The error codes this package produces.
const (
	CodeInvalidRequest        ErrorCode = "invalid_request"
	CodeInvalidClient         ErrorCode = "invalid_client"
	CodeInvalidGrant          ErrorCode = "invalid_grant"
	CodeUnauthorizedClient    ErrorCode = "unauthorized_client"
	CodeUnsupportedGrantType  ErrorCode = "unsupported_grant_type"
	CodeInvalidScope          ErrorCode = "invalid_scope"
	CodeAccessDenied          ErrorCode = "access_denied"
	CodeUnsupportedTokenType  ErrorCode = "unsupported_token_type"
	CodeInvalidRedirectURI    ErrorCode = "invalid_redirect_uri"
	CodeInvalidClientMetadata ErrorCode = "invalid_client_metadata"
)

// One sentinel per code: errors.Is(err, ErrInvalidClient) holds for every
// *Error whose Code is invalid_client.
var (
	ErrInvalidRequest        = errors.New("oauthclient: " + string(CodeInvalidRequest))
	ErrInvalidClient         = errors.New("oauthclient: " + string(CodeInvalidClient))
	ErrInvalidGrant          = errors.New("oauthclient: " + string(CodeInvalidGrant))
	ErrUnauthorizedClient    = errors.New("oauthclient: " + string(CodeUnauthorizedClient))
	ErrUnsupportedGrantType  = errors.New("oauthclient: " + string(CodeUnsupportedGrantType))
	ErrInvalidScope          = errors.New("oauthclient: " + string(CodeInvalidScope))
	ErrAccessDenied          = errors.New("oauthclient: " + string(CodeAccessDenied))
	ErrUnsupportedTokenType  = errors.New("oauthclient: " + string(CodeUnsupportedTokenType))
	ErrInvalidRedirectURI    = errors.New("oauthclient: " + string(CodeInvalidRedirectURI))
	ErrInvalidClientMetadata = errors.New("oauthclient: " + string(CodeInvalidClientMetadata))
)

var codeSentinels = map[ErrorCode]error{
	CodeInvalidRequest:        ErrInvalidRequest,
	CodeInvalidClient:         ErrInvalidClient,
	CodeInvalidGrant:          ErrInvalidGrant,
	CodeUnauthorizedClient:    ErrUnauthorizedClient,
	CodeUnsupportedGrantType:  ErrUnsupportedGrantType,
	CodeInvalidScope:          ErrInvalidScope,
	CodeAccessDenied:          ErrAccessDenied,
	CodeUnsupportedTokenType:  ErrUnsupportedTokenType,
	CodeInvalidRedirectURI:    ErrInvalidRedirectURI,
	CodeInvalidClientMetadata: ErrInvalidClientMetadata,
}

// Error is an OAuth error with the offending field and a reason in plain
// words. It unwraps to the sentinel of its Code (ErrInvalidClient, ...) and to
// Err, if any. Neither Field nor Reason ever holds a secret.
type Error struct {
	Code   ErrorCode // the OAuth error code
	Field  string    // the offending field or parameter, e.g. "redirect_uris[1]"; may be empty
	Reason string    // a human-readable reason, e.g. "must use https unless the host is a loopback address"
	Err    error     // an underlying sentinel such as ErrRedirectMismatch; may be nil
}

// NewError builds an *Error. It is a convenience for packages that produce
// OAuth errors of their own.
func NewError(code ErrorCode, field, reason string) *Error {
	return &Error{Code: code, Field: field, Reason: reason}
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("oauthclient: ")
	b.WriteString(string(e.Code))
	if e.Field != "" {
		b.WriteString(": ")
		b.WriteString(e.Field)
	}
	if e.Reason != "" {
		b.WriteString(": ")
		b.WriteString(e.Reason)
	}
	return b.String()
}

// Description is the text for an OAuth error_description: the field and
// the reason, without the package prefix.
func (e *Error) Description() string {
	switch {
	case e.Field != "" && e.Reason != "":
		return e.Field + ": " + e.Reason
	case e.Field != "":
		return e.Field
	default:
		return e.Reason
	}
}

// Unwrap returns the sentinel for e.Code and e.Err.
func (e *Error) Unwrap() []error {
	errs := make([]error, 0, 2)
	if s, ok := codeSentinels[e.Code]; ok {
		errs = append(errs, s)
	}
	if e.Err != nil {
		errs = append(errs, e.Err)
	}
	return errs
}

// CodeOf returns the OAuth error code carried by err, or "" when err holds no
// *Error.
func CodeOf(err error) ErrorCode {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}
