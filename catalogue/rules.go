package catalogue

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// The catalogue rules' sentinels. Every error of [ValidateEntry] is an
// [*Error] that unwraps to ErrInvalidEntry, and every error of [Eligible] one
// that unwraps to ErrNotEligible; the more precise sentinels below wrap one
// of the two, so that errors.Is answers both "is the entry eligible?" and
// "why not?".
var (
	// ErrInvalidEntry: a catalogue entry breaks a rule of ValidateEntry.
	ErrInvalidEntry = errors.New("catalogue: invalid entry")
	// ErrUnknownAPI: the entry's API is missing, or is not the API given.
	ErrUnknownAPI = fmt.Errorf("%w: API not found", ErrInvalidEntry)
	// ErrUnknownPolicy: the entry offers a policy that does not exist.
	ErrUnknownPolicy = fmt.Errorf("%w: policy not found", ErrInvalidEntry)
	// ErrPolicyNotGranting: the entry offers a policy that does not grant
	// access to the entry's API.
	ErrPolicyNotGranting = fmt.Errorf("%w: policy does not grant access to the API", ErrInvalidEntry)

	// ErrNotEligible: a catalogue entry does not accept new OAuth clients.
	ErrNotEligible = errors.New("catalogue: entry not eligible for OAuth clients")
	// ErrAPIUnavailable: the entry's API is missing, or is not the API
	// given.
	ErrAPIUnavailable = fmt.Errorf("%w: API not available", ErrNotEligible)
	// ErrAPIInactive: the entry's API is not active.
	ErrAPIInactive = fmt.Errorf("%w: API inactive", ErrNotEligible)
	// ErrNotOAuth: the entry's API does not authenticate with OAuth 2.0.
	ErrNotOAuth = fmt.Errorf("%w: API does not use OAuth 2.0", ErrNotEligible)
	// ErrEntryHidden: the entry is not visible in the portal.
	ErrEntryHidden = fmt.Errorf("%w: entry hidden", ErrNotEligible)
	// ErrNoActivePolicy: the entry offers no active policy granting access
	// to its API.
	ErrNoActivePolicy = fmt.Errorf("%w: no active policy offered", ErrNotEligible)
)

// Error is a broken catalogue rule: the entry, API and policy it concerns,
// and the reason in plain words. It unwraps to Err, one of the sentinels
// above.
type Error struct {
	EntryID  string // the entry concerned; may be empty
	APIID    string // the API concerned; may be empty
	PolicyID string // the offending policy, if one is at fault
	Reason   string // e.g. "policy does not grant access to API payments"
	Err      error  // the sentinel: ErrAPIInactive, ErrPolicyNotGranting, ...
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("catalogue: ")
	if e.EntryID != "" {
		fmt.Fprintf(&b, "entry %q: ", e.EntryID)
	}
	if e.PolicyID != "" {
		fmt.Fprintf(&b, "policy %q: ", e.PolicyID)
	}
	b.WriteString(e.Reason)
	return b.String()
}

// Unwrap returns the sentinel.
func (e *Error) Unwrap() error { return e.Err }

// Grants reports whether p's access rights include the API apiID (some or
// all of its versions). It does not look at p.Active; a nil p grants
// nothing.
func (p *Policy) Grants(apiID string) bool {
	if p == nil {
		return false
	}
	for _, r := range p.AccessRights {
		if r.APIID == apiID {
			return true
		}
	}
	return false
}

// UngrantedScope returns the first of the space-separated scopes in scope
// that p does not grant, or "" if p grants them all (an empty scope is
// always granted). A policy grants exactly the scopes in its Scopes: a
// policy without scopes grants none, rather than any, so that forgetting
// to list scopes never hands out a scope nobody meant to give. A nil p
// grants none.
func (p *Policy) UngrantedScope(scope string) string {
	for sc := range strings.FieldsSeq(scope) {
		if p == nil || !slices.Contains(p.Scopes, sc) {
			return sc
		}
	}
	return ""
}

// ValidateEntry checks that e is a well-formed entry publishing api: e has an
// ID, e.APIID is api's ID, and every policy e offers is one of policies and
// grants access to api. It returns nil, or one [*Error] per problem joined
// with [errors.Join], in the order found; each unwraps to ErrInvalidEntry.
// Activity and visibility are not checked here: see [Eligible].
func ValidateEntry(e *Entry, api *API, policies []*Policy) error {
	if e == nil {
		return &Error{Reason: "no entry", Err: ErrInvalidEntry}
	}
	var errs []error
	bad := func(policyID, reason string, err error) {
		errs = append(errs, &Error{EntryID: e.ID, APIID: e.APIID, PolicyID: policyID, Reason: reason, Err: err})
	}
	if e.ID == "" {
		bad("", "entry ID is empty", ErrInvalidEntry)
	}
	if e.ClientLimit < 0 {
		bad("", "client limit is negative", ErrInvalidEntry)
	}
	switch {
	case e.APIID == "":
		bad("", "API ID is empty", ErrInvalidEntry)
	case api == nil:
		bad("", fmt.Sprintf("API %q not found", e.APIID), ErrUnknownAPI)
	case api.ID != e.APIID:
		bad("", fmt.Sprintf("API %q given for an entry of API %q", api.ID, e.APIID), ErrUnknownAPI)
	}
	seen := make(map[string]bool, len(e.PolicyIDs))
	for _, id := range e.PolicyIDs {
		if seen[id] {
			bad(id, "policy offered twice", ErrInvalidEntry)
			continue
		}
		seen[id] = true
		p := findPolicy(policies, id)
		switch {
		case p == nil:
			bad(id, "policy not found", ErrUnknownPolicy)
		case !p.Grants(e.APIID):
			bad(id, fmt.Sprintf("policy does not grant access to API %q", e.APIID), ErrPolicyNotGranting)
		}
	}
	return errors.Join(errs...)
}

// Eligible reports whether e is OAuth-eligible: it publishes api, api is
// active and uses OAuth 2.0, e is visible, and at least one policy it
// offers is active and grants access to api ([OfferedPolicies]). It returns
// nil if so, or an [*Error] for the first rule broken, in that order, that
// unwraps to ErrNotEligible and to the precise sentinel (ErrAPIInactive,
// ErrNotOAuth, ErrEntryHidden, ErrNoActivePolicy, ErrAPIUnavailable).
//
// Only OAuth-eligible entries are offered in the portal's "select API" step
// and accept new clients.
func Eligible(e *Entry, api *API, policies []*Policy) error {
	if e == nil {
		return &Error{Reason: "no entry", Err: ErrNotEligible}
	}
	fail := func(reason string, err error) error {
		return &Error{EntryID: e.ID, APIID: e.APIID, Reason: reason, Err: err}
	}
	switch {
	case api == nil || api.ID != e.APIID:
		return fail(fmt.Sprintf("API %q not available", e.APIID), ErrAPIUnavailable)
	case !api.Active:
		return fail(fmt.Sprintf("API %q is not active", api.ID), ErrAPIInactive)
	case api.AuthMode != AuthOAuth2:
		return fail(fmt.Sprintf("API %q authenticates with %q, not OAuth 2.0", api.ID, api.AuthMode), ErrNotOAuth)
	case !e.Visible:
		return fail("entry is not visible", ErrEntryHidden)
	case len(OfferedPolicies(e, policies)) == 0:
		return fail(fmt.Sprintf("no active policy granting access to API %q is offered", api.ID), ErrNoActivePolicy)
	}
	return nil
}

// OfferedPolicies returns the policies a developer may choose for a new
// client of e: those of policies that e offers, that are active and that
// grant access to e's API, in the order of e.PolicyIDs, each once. The
// result shares its elements with policies.
func OfferedPolicies(e *Entry, policies []*Policy) []*Policy {
	if e == nil {
		return nil
	}
	var out []*Policy
	for i, id := range e.PolicyIDs {
		p := findPolicy(policies, id)
		if p == nil || !p.Active || !p.Grants(e.APIID) || slices.Contains(e.PolicyIDs[:i], id) {
			continue
		}
		out = append(out, p)
	}
	return out
}

func findPolicy(policies []*Policy, id string) *Policy {
	for _, p := range policies {
		if p != nil && p.ID == id {
			return p
		}
	}
	return nil
}
