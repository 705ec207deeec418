package oauthclient

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// kind is one row of the error taxonomy: a sentinel, the OAuth code it is
// answered with and the HTTP status.
type kind struct {
	err    error
	code   ErrorCode
	status int
}

// codeKinds and sentinelKinds are the one mapping from sentinels to OAuth codes and HTTP
// statuses; the package documentation shows it as a table. A sentinel
// that refines one of these (catalogue.ErrAPIInactive wraps
// ErrNotEligible, ErrUnknownKey wraps ErrInvalidConfig) maps as the one it
// wraps.
var (
	codeKinds = [...]kind{
		{ErrInvalidRequest, CodeInvalidRequest, http.StatusBadRequest},
		{ErrInvalidClient, CodeInvalidClient, http.StatusUnauthorized},
		{ErrInvalidGrant, CodeInvalidGrant, http.StatusBadRequest},
		{ErrUnauthorizedClient, CodeUnauthorizedClient, http.StatusBadRequest},
		{ErrUnsupportedGrantType, CodeUnsupportedGrantType, http.StatusBadRequest},
		{ErrUnsupportedResponseType, CodeUnsupportedResponseType, http.StatusBadRequest},
		{ErrInvalidScope, CodeInvalidScope, http.StatusBadRequest},
		{ErrAccessDenied, CodeAccessDenied, http.StatusForbidden},
		{ErrUnsupportedTokenType, CodeUnsupportedTokenType, http.StatusBadRequest},
		{ErrInvalidRedirectURI, CodeInvalidRedirectURI, http.StatusBadRequest},
		{ErrInvalidClientMetadata, CodeInvalidClientMetadata, http.StatusBadRequest},
		{ErrInvalidToken, CodeInvalidToken, http.StatusUnauthorized},
		{ErrInsufficientScope, CodeInsufficientScope, http.StatusForbidden},
		{ErrServerError, CodeServerError, http.StatusInternalServerError},
		{ErrTemporarilyUnavailable, CodeTemporarilyUnavailable, http.StatusServiceUnavailable},
	}
	sentinelKinds = [...]kind{
		// Stores.
		{ErrNotFound, CodeInvalidRequest, http.StatusNotFound},
		{ErrDuplicate, CodeInvalidRequest, http.StatusConflict},
		{ErrConflict, CodeInvalidRequest, http.StatusConflict},
		{ErrTokenConsumed, CodeInvalidGrant, http.StatusBadRequest},
		{ErrRedirectMismatch, CodeInvalidRequest, http.StatusBadRequest},
		{ErrUnavailable, CodeTemporarilyUnavailable, http.StatusServiceUnavailable},
		{ErrThrottled, CodeInvalidRequest, http.StatusTooManyRequests},
		// The portal's rules.
		{ErrDeveloperInactive, CodeAccessDenied, http.StatusForbidden},
		{ErrNotEligible, CodeAccessDenied, http.StatusForbidden},
		{ErrPolicyNotOffered, CodeAccessDenied, http.StatusForbidden},
		{ErrClientLimit, CodeAccessDenied, http.StatusForbidden},
		{ErrNotPending, CodeInvalidRequest, http.StatusConflict},
		{ErrPending, CodeInvalidRequest, http.StatusConflict},
		{ErrPublicClient, CodeInvalidRequest, http.StatusConflict},
		{ErrInvalidInput, CodeInvalidRequest, http.StatusBadRequest},
		{ErrInvalidConfig, CodeServerError, http.StatusInternalServerError},
	}
)

// serverError is what an unknown error maps to.
var serverError = kind{err: ErrServerError, code: CodeServerError, status: http.StatusInternalServerError}

// sentinelOf returns the taxonomy row of err itself (not of what it
// wraps), or nil.
func sentinelOf(err error) *kind {
	for i := range sentinelKinds {
		if sentinelKinds[i].err == err {
			return &sentinelKinds[i]
		}
	}
	for i := range codeKinds {
		if codeKinds[i].err == err {
			return &codeKinds[i]
		}
	}
	return nil
}

// codeKind returns the taxonomy row of an OAuth code, or nil.
func codeKind(code ErrorCode) *kind {
	if code == "" {
		return nil
	}
	for i := range codeKinds {
		if codeKinds[i].code == code {
			return &codeKinds[i]
		}
	}
	return nil
}

// codeSentinel returns the sentinel of an OAuth code, or nil.
func codeSentinel(code ErrorCode) error {
	if k := codeKind(code); k != nil {
		return k.err
	}
	return nil
}

// classify finds the first error in err's tree, in the order errors.Is
// visits it, that is an *Error with a Code or a sentinel of the taxonomy,
// and returns its row. An *Error's own Code comes before its Err and
// Cause; a Code the taxonomy does not know is answered with status 400.
func classify(err error) (kind, bool) {
	if e, ok := err.(*Error); ok && e.Code != "" {
		if k := codeKind(e.Code); k != nil {
			return *k, true
		}
		return kind{code: e.Code, status: http.StatusBadRequest}, true
	}
	if err == nil {
		return kind{}, false
	}
	if k := sentinelOf(err); k != nil {
		return *k, true
	}
	switch u := err.(type) {
	case interface{ Unwrap() error }:
		return classify(u.Unwrap())
	case interface{ Unwrap() []error }:
		for _, inner := range u.Unwrap() {
			if k, ok := classify(inner); ok {
				return k, true
			}
		}
	}
	return kind{}, false
}

// kindOf is classify with the fallbacks: an *http.MaxBytesError is a 413
// invalid_request, a request context that ended (deadline or
// cancellation) a 503 temporarily_unavailable, and any other unknown error
// a 500 server_error.
func kindOf(err error) kind {
	if k, ok := classify(err); ok {
		return k
	}
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return kind{code: CodeInvalidRequest, status: http.StatusRequestEntityTooLarge}
	}
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return kind{err: ErrTemporarilyUnavailable, code: CodeTemporarilyUnavailable, status: http.StatusServiceUnavailable}
	}
	return serverError
}

// DefaultRetryAfter is the Retry-After of a 503 answer: how long a client
// should wait before it tries again while the store is unavailable.
const DefaultRetryAfter = 5 * time.Second

// Outage reports whether err means the server cannot answer now rather
// than that it has a bug: the store is unavailable ([ErrUnavailable],
// [ErrTemporarilyUnavailable]) or the request's context ended. Such an
// error is answered 503 with Retry-After and logged below ERROR.
func Outage(err error) bool {
	return errors.Is(err, ErrUnavailable) || errors.Is(err, ErrTemporarilyUnavailable) ||
		errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled)
}

// CodeOf returns the OAuth error code that err is answered with: the Code
// of an [*Error], or the code of the sentinel it stands for (see the
// table in the package documentation), or [CodeServerError] for an error
// the taxonomy does not know. It returns "" for a nil error.
func CodeOf(err error) ErrorCode {
	if err == nil {
		return ""
	}
	return kindOf(err).code
}

// HTTPStatus returns the HTTP status that err is answered with (see the
// table in the package documentation): 500 for an error the taxonomy does
// not know, and 200 for a nil error.
func HTTPStatus(err error) int {
	if err == nil {
		return http.StatusOK
	}
	return kindOf(err).status
}

// Problem is what a client is told about an error: an HTTP status, an
// OAuth error code and an error_description. It never holds a secret nor
// the detail of an unknown error.
type Problem struct {
	Status      int
	Code        ErrorCode
	Description string // safe to show, only the characters RFC 6749 §5.2 allows; may be empty
	// RetryAfter, if positive, is sent as the Retry-After header (whole
	// seconds, rounded up): the [RetryAfterOf] the error (a throttled
	// attempt's wait), else DefaultRetryAfter for a 503 or a 429.
	RetryAfter time.Duration
}

// ProblemOf returns what a client is told about err, which must not be
// nil: the status and code of [HTTPStatus] and [CodeOf], and as
// description the [Error.Description] of every *Error in err joined by
// "; " (ValidateMetadata reports one per problem), or else the words of the
// sentinel err stands for. A server error's description is always the same
// sentence: its detail belongs in the log.
func ProblemOf(err error) Problem {
	k := kindOf(err)
	p := Problem{Status: k.status, Code: k.code}
	p.RetryAfter = RetryAfterOf(err)
	if p.RetryAfter <= 0 && (k.status == http.StatusServiceUnavailable || k.status == http.StatusTooManyRequests) {
		p.RetryAfter = DefaultRetryAfter
	}
	switch {
	case k.status == http.StatusServiceUnavailable:
		p.Description = "the server cannot handle the request now; try again later"
	case k.status >= http.StatusInternalServerError:
		p.Description = "the server failed to handle the request"
	case k.status == http.StatusRequestEntityTooLarge && k.err == nil:
		var tooBig *http.MaxBytesError
		errors.As(err, &tooBig)
		p.Description = "the request body is larger than " + strconv.FormatInt(tooBig.Limit, 10) + " bytes"
	default:
		p.Description = ErrorText(describe(err, k))
	}
	return p
}

// describe joins the descriptions of the *Errors in err, or falls back to
// the words of the sentinel k.
func describe(err error, k kind) string {
	errs := Errors(err)
	parts := make([]string, 0, len(errs))
	for _, e := range errs {
		if d := e.Description(); d != "" {
			parts = append(parts, d)
		}
	}
	if len(parts) > 0 {
		return strings.Join(parts, "; ")
	}
	if k.err == nil || codeSentinel(k.code) == k.err {
		return "" // the code says it all
	}
	return strings.TrimPrefix(k.err.Error(), "oauthclient: ")
}
