package portal

import (
	"errors"
	"strings"
)

// Sentinels of the portal's use cases, tested with [errors.Is]. The errors
// the [Service] returns wrap them in an [*Error] that names the field and
// the reason. Store sentinels ([ErrNotFound], [ErrConflict], [ErrDuplicate])
// are declared beside the store contracts; invalid client metadata comes
// back as oauthclient's *Error values.
var (
	// ErrDeveloperInactive: the developer's account is inactive, so they
	// cannot create or change clients.
	ErrDeveloperInactive = errors.New("portal: developer is inactive")
	// ErrNotEligible: a chosen catalogue entry does not exist, is hidden, or
	// does not accept OAuth clients (see catalogue.Eligible).
	ErrNotEligible = errors.New("portal: catalogue entry is not OAuth-eligible")
	// ErrPolicyNotOffered: the chosen policy is not offered by every chosen
	// entry, is inactive, or does not grant access to every chosen API.
	ErrPolicyNotOffered = errors.New("portal: policy is not offered")
	// ErrClientLimit: the developer already has as many clients for an
	// entry's API as the entry allows.
	ErrClientLimit = errors.New("portal: client limit reached")
	// ErrNotPending: an approval or rejection of a client that is not
	// pending approval.
	ErrNotPending = errors.New("portal: client is not pending approval")
	// ErrPending: an action that needs an approved client (EnableClient)
	// on a client still pending approval.
	ErrPending = errors.New("portal: client is pending approval")
	// ErrPublicClient: a secret operation on a public client, which has no
	// secret.
	ErrPublicClient = errors.New("portal: public client has no secret")
	// ErrInvalidInput: a request field (email, name, grace period, ...) is
	// not acceptable; the *Error names it.
	ErrInvalidInput = errors.New("portal: invalid input")
	// ErrInvalidConfig: a Config field is not acceptable; the *Error names
	// it.
	ErrInvalidConfig = errors.New("portal: invalid config")
)

// Error is a portal error: the sentinel it stands for, the offending field
// (e.g. "email", "entry_ids[1]", "policy_id") when one applies, a reason in
// plain words, and the underlying cause, if any (e.g. the catalogue rule
// that made an entry ineligible, or a store error). It unwraps to Err and
// Cause. Neither Field nor Reason ever holds a secret.
type Error struct {
	Err    error  // the sentinel: ErrNotEligible, ErrDuplicate, ...
	Field  string // the offending field; may be empty
	Reason string // a human-readable reason; may be empty
	Cause  error  // an underlying error; may be nil
}

// Error renders the sentinel, the field, the reason and the cause, in
// that order, each when present.
func (e *Error) Error() string {
	var b strings.Builder
	if e.Err != nil {
		b.WriteString(e.Err.Error())
	} else {
		b.WriteString("portal: error")
	}
	if e.Field != "" {
		b.WriteString(": ")
		b.WriteString(e.Field)
	}
	if e.Reason != "" {
		b.WriteString(": ")
		b.WriteString(e.Reason)
	}
	if e.Cause != nil {
		b.WriteString(": ")
		b.WriteString(e.Cause.Error())
	}
	return b.String()
}

// Unwrap returns Err and Cause.
func (e *Error) Unwrap() []error {
	errs := make([]error, 0, 2)
	if e.Err != nil {
		errs = append(errs, e.Err)
	}
	if e.Cause != nil {
		errs = append(errs, e.Cause)
	}
	return errs
}

// FieldOf returns the field named by the first *Error in err's tree, or ""
// when there is none or it names no field.
func FieldOf(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Field
	}
	return ""
}

func newError(sentinel error, field, reason string) *Error {
	return &Error{Err: sentinel, Field: field, Reason: reason}
}

// clientNotFound is what a developer gets for a client that does not exist
// and for another developer's client alike, so that nothing tells them
// apart.
func clientNotFound() error {
	return &Error{Err: ErrNotFound, Field: "client_id", Reason: "no such client"}
}
