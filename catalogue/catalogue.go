// Package catalogue is the API catalogue a developer portal publishes: APIs
// with their authentication mode, policies granting access to APIs, and
// catalogue entries that publish an API with the policies a developer may
// choose. It is pure domain: no I/O, no storage.
//
// Only an OAuth-eligible entry ([Eligible]) is offered in the portal's
// "select API" step and accepts new OAuth clients.
//
// Its rules fail with *oauthclient.Error values and sentinels that refine
// oauthclient's (see ErrInvalidEntry and ErrNotEligible): package
// oauthclient is the only package of this module it imports, so that the
// module has one error type and one mapping of errors to OAuth codes and
// HTTP statuses.
package catalogue

import "time"

// AuthMode is how an API authenticates its callers.
type AuthMode string

// Authentication modes. Only AuthOAuth2 APIs accept OAuth clients.
const (
	AuthOAuth2  AuthMode = "oauth2"
	AuthToken   AuthMode = "auth_token"
	AuthJWT     AuthMode = "jwt"
	AuthKeyless AuthMode = "keyless"
)

// API is an API behind the gateway.
type API struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	AuthMode  AuthMode  `json:"auth_mode"`
	Active    bool      `json:"active"`
	CreatedAt time.Time `json:"created_at"`
	Version   int64     `json:"version"`
}

// AccessRight grants access to one API, optionally to some of its versions
// only.
type AccessRight struct {
	APIID    string   `json:"api_id"`
	Versions []string `json:"versions,omitempty"` // empty: every version
}

// Policy grants access to APIs, with the scopes a client under it may ask
// for: exactly those in Scopes, none if it lists none (see
// [Policy.UngrantedScope]).
type Policy struct {
	ID           string        `json:"id"`
	Name         string        `json:"name"`
	AccessRights []AccessRight `json:"access_rights"`
	Scopes       []string      `json:"scopes,omitempty"` // granted scopes; empty: none
	Active       bool          `json:"active"`
	CreatedAt    time.Time     `json:"created_at"`
	Version      int64         `json:"version"`
}

// Entry is a catalogue entry: an API as the portal publishes it, with the
// policies a developer may choose ("available policies").
type Entry struct {
	ID               string    `json:"id"`
	APIID            string    `json:"api_id"`
	DisplayName      string    `json:"display_name"`
	Description      string    `json:"description,omitempty"`
	PolicyIDs        []string  `json:"policy_ids"`
	Visible          bool      `json:"visible"`
	RequiresApproval bool      `json:"requires_approval,omitempty"` // new clients wait for an administrator
	ClientLimit      int       `json:"client_limit,omitempty"`      // per developer; 0: no limit
	CreatedAt        time.Time `json:"created_at"`
	Version          int64     `json:"version"`
}
