package portal

import "github.com/portaloauth/portaloauth/oauthclient"

// The sentinels the portal's use cases return, tested with [errors.Is].
// They are oauthclient's values under the same names, re-exported so that
// code written against the portal names them in one package; the
// [Service] returns them inside an *oauthclient.Error that names the field
// and the reason. oauthclient.CodeOf and oauthclient.HTTPStatus map every
// one of them to an OAuth error code and an HTTP status. Store sentinels
// (ErrNotFound, ErrConflict, ErrDuplicate, ErrDeveloperInactive) are
// re-exported beside the store contracts.
var (
	// ErrNotEligible: a chosen catalogue entry does not exist, is hidden, or
	// does not accept OAuth clients (see catalogue.Eligible).
	ErrNotEligible = oauthclient.ErrNotEligible
	// ErrPolicyNotOffered: the chosen policy is not offered by every chosen
	// entry, is inactive, or does not grant access to every chosen API.
	ErrPolicyNotOffered = oauthclient.ErrPolicyNotOffered
	// ErrClientLimit: the developer already has as many clients for an
	// entry's API as the entry allows.
	ErrClientLimit = oauthclient.ErrClientLimit
	// ErrNotPending: an approval or rejection of a client that is not
	// pending approval.
	ErrNotPending = oauthclient.ErrNotPending
	// ErrPending: an action that needs an approved client (EnableClient)
	// on a client still pending approval.
	ErrPending = oauthclient.ErrPending
	// ErrPublicClient: a secret operation on a public client, which has no
	// secret.
	ErrPublicClient = oauthclient.ErrPublicClient
	// ErrInvalidInput: a request field (email, name, grace period, ...) is
	// not acceptable; the *oauthclient.Error names it.
	ErrInvalidInput = oauthclient.ErrInvalidInput
	// ErrInvalidConfig: a Config field is not acceptable; the
	// *oauthclient.Error names it.
	ErrInvalidConfig = oauthclient.ErrInvalidConfig
)

// newError returns the error of a portal rule: the sentinel it stands
// for, the offending field and the reason.
func newError(sentinel error, field, reason string) *oauthclient.Error {
	return oauthclient.Errorf(sentinel, field, reason)
}

// clientNotFound is what a developer gets for a client that does not exist
// and for another developer's client alike, so that nothing tells them
// apart.
func clientNotFound() error {
	return newError(ErrNotFound, "client_id", "no such client")
}
