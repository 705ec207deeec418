package oauthclient

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Store sentinels. Every store implementation returns (or wraps) exactly these,
// as each interface method documents; callers test them with [errors.Is].
var (
	// ErrNotFound: no record has that key.
	ErrNotFound = errors.New("oauthclient: not found")
	// ErrDuplicate: a record with that key (or unique attribute) exists.
	ErrDuplicate = errors.New("oauthclient: duplicate")
	// ErrConflict: the record changed since it was read (stale version). It
	// means nothing else: a refusal for another reason has its own
	// sentinel.
	ErrConflict = errors.New("oauthclient: version conflict")
	// ErrTokenConsumed: a one-time token (authorization code, refresh token)
	// was presented a second time.
	ErrTokenConsumed = errors.New("oauthclient: token already used")
	// ErrRedirectMismatch: a redirect URI at the authorization request
	// matches no registered URI. Such a request must never be redirected.
	ErrRedirectMismatch = errors.New("oauthclient: redirect_uri does not match a registered URI")
	// ErrUnavailable: the store cannot answer now (its database is down,
	// unreachable, overloaded or timed out); the same request may succeed
	// later. It is an outage, not a bug: it maps to 503 with Retry-After.
	ErrUnavailable = errors.New("oauthclient: store unavailable")
	// ErrDeveloperInactive: the client's developer account is inactive, so
	// no client of theirs may be created or changed. A store's CreateClient
	// returns it for a client of an inactive developer.
	ErrDeveloperInactive = errors.New("oauthclient: developer is inactive")
	// ErrThrottled: an attempt (a login, a client authentication) made
	// while its key must still wait after too many failures; the *Error's
	// RetryAfter says how long (see portal/throttle). On its own it maps to
	// 429 with Retry-After; the token endpoint answers it as invalid_client
	// with Retry-After.
	ErrThrottled = errors.New("oauthclient: too many failed attempts")
)

// Sentinels of the developer portal's rules (package portal and package
// catalogue return them; portal re-exports them under the same names).
var (
	// ErrNotEligible: a chosen catalogue entry does not exist, is hidden, or
	// does not accept OAuth clients (see catalogue.Eligible, whose precise
	// sentinels wrap this one).
	ErrNotEligible = errors.New("oauthclient: catalogue entry is not OAuth-eligible")
	// ErrPolicyNotOffered: the chosen policy is not offered by every chosen
	// entry, is inactive, or does not grant access to every chosen API.
	ErrPolicyNotOffered = errors.New("oauthclient: policy is not offered")
	// ErrClientLimit: the developer already has as many clients for an
	// entry's API as the entry allows.
	ErrClientLimit = errors.New("oauthclient: client limit reached")
	// ErrNotPending: an approval or rejection of a client that is not
	// pending approval.
	ErrNotPending = errors.New("oauthclient: client is not pending approval")
	// ErrPending: an action that needs an approved client on a client still
	// pending approval.
	ErrPending = errors.New("oauthclient: client is pending approval")
	// ErrPublicClient: a secret operation on a public client, which has no
	// secret.
	ErrPublicClient = errors.New("oauthclient: public client has no secret")
	// ErrInvalidInput: a request field (email, name, grace period, a
	// catalogue record, ...) is not acceptable; the *Error names it.
	ErrInvalidInput = errors.New("oauthclient: invalid input")
	// ErrInvalidConfig: a configuration field is not acceptable, or the
	// configuration does not fit the stored data. It is a bug of the
	// deployment, never of the request: it maps to a 500 whose detail is
	// logged.
	ErrInvalidConfig = errors.New("oauthclient: invalid config")
	// ErrUnknownKey: a stored hash was made under a pepper that is neither
	// the Hasher's Pepper nor one of its PreviousPeppers. It wraps
	// ErrInvalidConfig: the server is configured with the wrong pepper,
	// which would otherwise refuse every client as invalid_client.
	ErrUnknownKey = fmt.Errorf("%w: hash made under an unknown pepper key", ErrInvalidConfig)
)

// ErrorCode is an OAuth 2.0 error code (RFC 6749 §5.2, RFC 6750 §3.1,
// RFC 7591 §3.2.2, RFC 7009 §2.2.1).
type ErrorCode string

// The error codes this module produces.
const (
	CodeInvalidRequest          ErrorCode = "invalid_request"
	CodeInvalidClient           ErrorCode = "invalid_client"
	CodeInvalidGrant            ErrorCode = "invalid_grant"
	CodeUnauthorizedClient      ErrorCode = "unauthorized_client"
	CodeUnsupportedGrantType    ErrorCode = "unsupported_grant_type"
	CodeUnsupportedResponseType ErrorCode = "unsupported_response_type"
	CodeInvalidScope            ErrorCode = "invalid_scope"
	CodeAccessDenied            ErrorCode = "access_denied"
	CodeUnsupportedTokenType    ErrorCode = "unsupported_token_type"
	CodeInvalidRedirectURI      ErrorCode = "invalid_redirect_uri"
	CodeInvalidClientMetadata   ErrorCode = "invalid_client_metadata"
	CodeInvalidToken            ErrorCode = "invalid_token"
	CodeInsufficientScope       ErrorCode = "insufficient_scope"
	// CodeServerError: the server failed; the detail goes to the log only.
	CodeServerError ErrorCode = "server_error"
	// CodeTemporarilyUnavailable: the server cannot answer now (its store
	// is down or timed out) and may later (RFC 6749 §4.1.2.1); answered
	// with 503 and Retry-After.
	CodeTemporarilyUnavailable ErrorCode = "temporarily_unavailable"
)

// One sentinel per code: errors.Is(err, ErrInvalidClient) holds for every
// *Error whose Code is invalid_client.
var (
	ErrInvalidRequest          = errors.New("oauthclient: " + string(CodeInvalidRequest))
	ErrInvalidClient           = errors.New("oauthclient: " + string(CodeInvalidClient))
	ErrInvalidGrant            = errors.New("oauthclient: " + string(CodeInvalidGrant))
	ErrUnauthorizedClient      = errors.New("oauthclient: " + string(CodeUnauthorizedClient))
	ErrUnsupportedGrantType    = errors.New("oauthclient: " + string(CodeUnsupportedGrantType))
	ErrUnsupportedResponseType = errors.New("oauthclient: " + string(CodeUnsupportedResponseType))
	ErrInvalidScope            = errors.New("oauthclient: " + string(CodeInvalidScope))
	ErrAccessDenied            = errors.New("oauthclient: " + string(CodeAccessDenied))
	ErrUnsupportedTokenType    = errors.New("oauthclient: " + string(CodeUnsupportedTokenType))
	ErrInvalidRedirectURI      = errors.New("oauthclient: " + string(CodeInvalidRedirectURI))
	ErrInvalidClientMetadata   = errors.New("oauthclient: " + string(CodeInvalidClientMetadata))
	ErrInvalidToken            = errors.New("oauthclient: " + string(CodeInvalidToken))
	ErrInsufficientScope       = errors.New("oauthclient: " + string(CodeInsufficientScope))
	ErrServerError             = errors.New("oauthclient: " + string(CodeServerError))
	ErrTemporarilyUnavailable  = errors.New("oauthclient: " + string(CodeTemporarilyUnavailable))
)

// Error is the one error type of portaloauth's library packages: what went
// wrong as an OAuth Code and/or a sentinel (Err), the offending Field, a
// Reason in plain words and the underlying Cause. It unwraps to the
// sentinel of its Code, to Err and to Cause. Neither Field nor Reason ever
// holds a secret; Cause may hold internal detail (a store error), which
// [Error.Description] and [WriteError] never show a client.
type Error struct {
	// Code is the OAuth error code. Empty: the code of Err (see [CodeOf]),
	// as for not-found, conflict and the portal's rules.
	Code ErrorCode
	// Field is the offending field or parameter, e.g. "redirect_uris[1]",
	// "email", "entry_ids[0]"; may be empty.
	Field string
	// Reason is a human-readable reason, e.g. "must use https unless the
	// host is a loopback address"; may be empty.
	Reason string
	// Err is the sentinel this error stands for, such as ErrRedirectMismatch
	// or ErrNotEligible; may be nil when Code says it all.
	Err error
	// Cause is the underlying error, e.g. the catalogue rule that made an
	// entry ineligible or a store failure; may be nil.
	Cause error
	// RetryAfter, if positive, is how long the caller must wait before it
	// tries again (a throttled attempt); [ErrorWriter.WriteError] sends it
	// as the Retry-After header. 0: no advice.
	RetryAfter time.Duration
}

// NewError builds an *Error with an OAuth code.
func NewError(code ErrorCode, field, reason string) *Error {
	return &Error{Code: code, Field: field, Reason: reason}
}

// Errorf builds an *Error that stands for the sentinel err.
func Errorf(err error, field, reason string) *Error {
	return &Error{Err: err, Field: field, Reason: reason}
}

// Error renders the code (or else the sentinel), the field, the reason and
// the cause, in that order, each when present.
func (e *Error) Error() string {
	var b strings.Builder
	switch {
	case e.Code != "":
		b.WriteString("oauthclient: ")
		b.WriteString(string(e.Code))
	case e.Err != nil:
		b.WriteString(e.Err.Error())
	default:
		b.WriteString("oauthclient: error")
	}
	for _, s := range [...]string{e.Field, e.Reason} {
		if s != "" {
			b.WriteString(": ")
			b.WriteString(s)
		}
	}
	if e.RetryAfter > 0 {
		b.WriteString("; retry after ")
		b.WriteString(e.RetryAfter.String())
	}
	if e.Cause != nil {
		b.WriteString(": ")
		b.WriteString(e.Cause.Error())
	}
	return b.String()
}

// Description is the text for an OAuth error_description: the field and
// the reason, or else the sentinel's words, without the package prefix and
// never the Cause.
func (e *Error) Description() string {
	switch {
	case e.Field != "" && e.Reason != "":
		return e.Field + ": " + e.Reason
	case e.Reason != "":
		return e.Reason
	case e.Err != nil && e.Code == "":
		text := strings.TrimPrefix(e.Err.Error(), "oauthclient: ")
		if e.Field != "" {
			return e.Field + ": " + text
		}
		return text
	default:
		return e.Field
	}
}

// Unwrap returns the sentinel for e.Code, e.Err and e.Cause, those that
// are set.
func (e *Error) Unwrap() []error {
	errs := make([]error, 0, 3)
	if s := codeSentinel(e.Code); s != nil {
		errs = append(errs, s)
	}
	if e.Err != nil {
		errs = append(errs, e.Err)
	}
	if e.Cause != nil {
		errs = append(errs, e.Cause)
	}
	return errs
}

// RetryAfterOf returns the first positive RetryAfter of an *Error in err's
// tree, in errors.Is order (descending into each *Error's Err and Cause),
// or 0 when none says how long to wait.
func RetryAfterOf(err error) time.Duration {
	switch e := err.(type) {
	case nil:
		return 0
	case *Error:
		if e.RetryAfter > 0 {
			return e.RetryAfter
		}
	}
	switch u := err.(type) {
	case interface{ Unwrap() error }:
		return RetryAfterOf(u.Unwrap())
	case interface{ Unwrap() []error }:
		for _, inner := range u.Unwrap() {
			if d := RetryAfterOf(inner); d > 0 {
				return d
			}
		}
	}
	return 0
}

// Errors returns every *Error in err's tree, in order, without descending
// into them: the list of problems ValidateMetadata and
// Metadata.UnmarshalJSON join, one per offending field. It returns nil when
// err holds none.
func Errors(err error) []*Error {
	var out []*Error
	collectErrors(err, &out)
	return out
}

func collectErrors(err error, out *[]*Error) {
	switch e := err.(type) {
	case nil:
	case *Error:
		*out = append(*out, e)
	case interface{ Unwrap() []error }:
		for _, inner := range e.Unwrap() {
			collectErrors(inner, out)
		}
	case interface{ Unwrap() error }:
		collectErrors(e.Unwrap(), out)
	}
}
