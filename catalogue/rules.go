package catalogue

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/portaloauth/portaloauth/oauthclient"
)

// The catalogue rules' sentinels. Every error of [ValidateEntry] is an
// *oauthclient.Error that unwraps to ErrInvalidEntry, and every error of
// [Eligible] one that unwraps to ErrNotEligible; the more precise sentinels
// below wrap one of the two, so that errors.Is answers both "is the entry
// eligible?" and "why not?".
//
// ErrNotEligible is oauthclient.ErrNotEligible itself, the value the portal
// returns for an ineligible choice too, re-exported here so that the
// precise sentinels and the one they refine are named in one package.
// ErrInvalidEntry wraps oauthclient.ErrInvalidInput: a broken entry is bad
// input of the administrator. Both therefore map to an OAuth code and an
// HTTP status with oauthclient.CodeOf and oauthclient.HTTPStatus.
var (
	// ErrInvalidEntry: a catalogue entry breaks a rule of ValidateEntry.
	ErrInvalidEntry = fmt.Errorf("%w: catalogue entry", oauthclient.ErrInvalidInput)
	// ErrUnknownAPI: the entry's API is missing, or is not the API given.
	ErrUnknownAPI = fmt.Errorf("%w: API not found", ErrInvalidEntry)
	// ErrUnknownPolicy: the entry offers a policy that does not exist.
	ErrUnknownPolicy = fmt.Errorf("%w: policy not found", ErrInvalidEntry)
	// ErrPolicyNotGranting: the entry offers a policy that does not grant
	// access to the entry's API.
	ErrPolicyNotGranting = fmt.Errorf("%w: policy does not grant access to the API", ErrInvalidEntry)

	// ErrNotEligible: a catalogue entry does not accept new OAuth clients.
	ErrNotEligible = oauthclient.ErrNotEligible
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

// ruleError is a broken rule: the sentinel, the entry's field at fault
// ("api_id", "policy_ids[1]", ...) and the reason, which names the entry,
// the API or the policy concerned.
func ruleError(sentinel error, field, reason string) *oauthclient.Error {
	return &oauthclient.Error{Err: sentinel, Field: field, Reason: reason}
}

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
// grants access to api. It returns nil, or one *oauthclient.Error per
// problem joined with [errors.Join], in the order found; each names the
// entry's field at fault ("id", "client_limit", "api_id",
// "policy_ids[i]") and unwraps to ErrInvalidEntry.
// Activity and visibility are not checked here: see [Eligible].
func ValidateEntry(e *Entry, api *API, policies []*Policy) error {
	if e == nil {
		return ruleError(ErrInvalidEntry, "", "no entry")
	}
	var errs []error
	bad := func(field, reason string, err error) {
		errs = append(errs, ruleError(err, field, reason))
	}
	if e.ID == "" {
		bad("id", "entry ID is empty", ErrInvalidEntry)
	}
	if e.ClientLimit < 0 {
		bad("client_limit", fmt.Sprintf("client limit of entry %q is negative", e.ID), ErrInvalidEntry)
	}
	switch {
	case e.APIID == "":
		bad("api_id", fmt.Sprintf("API ID of entry %q is empty", e.ID), ErrInvalidEntry)
	case api == nil:
		bad("api_id", fmt.Sprintf("API %q of entry %q not found", e.APIID, e.ID), ErrUnknownAPI)
	case api.ID != e.APIID:
		bad("api_id", fmt.Sprintf("API %q given for entry %q of API %q", api.ID, e.ID, e.APIID), ErrUnknownAPI)
	}
	seen := make(map[string]bool, len(e.PolicyIDs))
	for i, id := range e.PolicyIDs {
		field := "policy_ids[" + strconv.Itoa(i) + "]"
		if seen[id] {
			bad(field, fmt.Sprintf("policy %q offered twice by entry %q", id, e.ID), ErrInvalidEntry)
			continue
		}
		seen[id] = true
		p := findPolicy(policies, id)
		switch {
		case p == nil:
			bad(field, fmt.Sprintf("policy %q offered by entry %q not found", id, e.ID), ErrUnknownPolicy)
		case !p.Grants(e.APIID):
			bad(field, fmt.Sprintf("policy %q offered by entry %q does not grant access to API %q", id, e.ID, e.APIID), ErrPolicyNotGranting)
		}
	}
	return errors.Join(errs...)
}

// Eligible reports whether e is OAuth-eligible: it publishes api, api is
// active and uses OAuth 2.0, e is visible, and at least one policy it
// offers is active and grants access to api ([OfferedPolicies]). It returns
// nil if so, or an *oauthclient.Error for the first rule broken, in that
// order, whose reason names the entry and its API and that unwraps to
// ErrNotEligible and to the precise sentinel (ErrAPIInactive,
// ErrNotOAuth, ErrEntryHidden, ErrNoActivePolicy, ErrAPIUnavailable).
//
// Only OAuth-eligible entries are offered in the portal's "select API" step
// and accept new clients.
func Eligible(e *Entry, api *API, policies []*Policy) error {
	if e == nil {
		return ruleError(ErrNotEligible, "", "no entry")
	}
	switch {
	case api == nil || api.ID != e.APIID:
		return ruleError(ErrAPIUnavailable, "api_id", fmt.Sprintf("API %q of entry %q not available", e.APIID, e.ID))
	case !api.Active:
		return ruleError(ErrAPIInactive, "api_id", fmt.Sprintf("API %q of entry %q is not active", api.ID, e.ID))
	case api.AuthMode != AuthOAuth2:
		return ruleError(ErrNotOAuth, "api_id",
			fmt.Sprintf("API %q of entry %q authenticates with %q, not OAuth 2.0", api.ID, e.ID, api.AuthMode))
	case !e.Visible:
		return ruleError(ErrEntryHidden, "visible", fmt.Sprintf("entry %q of API %q is not visible", e.ID, e.APIID))
	case len(OfferedPolicies(e, policies)) == 0:
		return ruleError(ErrNoActivePolicy, "policy_ids",
			fmt.Sprintf("entry %q offers no active policy granting access to API %q", e.ID, api.ID))
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
