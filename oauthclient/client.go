package oauthclient

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Status is a client's life-cycle state. Only an active client authenticates.
type Status string

// Client statuses.
const (
	StatusActive   Status = "active"
	StatusDisabled Status = "disabled"
	StatusPending  Status = "pending_approval" // waiting for an administrator
)

// AuthMethod is a token endpoint authentication method (RFC 7591 §2).
type AuthMethod string

// Supported token endpoint authentication methods.
const (
	AuthMethodBasic AuthMethod = "client_secret_basic" // the default
	AuthMethodPost  AuthMethod = "client_secret_post"
	AuthMethodNone  AuthMethod = "none" // public client: no secret, PKCE required
)

// Public reports whether m is the method of a public client (no secret).
func (m AuthMethod) Public() bool { return m == AuthMethodNone }

// GrantType is an OAuth 2.0 grant type (RFC 7591 §2).
type GrantType string

// Grant types. Implicit and password are named only so that validation can
// refuse them with a clear reason (RFC 9700 §2.1.2, §2.4).
const (
	GrantAuthorizationCode GrantType = "authorization_code"
	GrantClientCredentials GrantType = "client_credentials"
	GrantRefreshToken      GrantType = "refresh_token"
	GrantImplicit          GrantType = "implicit"
	GrantPassword          GrantType = "password"
)

// Response types (RFC 7591 §2). Only "code" is supported.
const ResponseTypeCode = "code"

// Metadata is the client metadata of RFC 7591 §2. Its JSON form uses the
// RFC's member names; members this package does not know are kept in Extra
// and written back unchanged.
type Metadata struct {
	RedirectURIs            []string    `json:"redirect_uris,omitempty"`
	TokenEndpointAuthMethod AuthMethod  `json:"token_endpoint_auth_method,omitempty"`
	GrantTypes              []GrantType `json:"grant_types,omitempty"`
	ResponseTypes           []string    `json:"response_types,omitempty"`
	ClientName              string      `json:"client_name,omitempty"`
	ClientURI               string      `json:"client_uri,omitempty"`
	LogoURI                 string      `json:"logo_uri,omitempty"`
	Scope                   string      `json:"scope,omitempty"`
	Contacts                []string    `json:"contacts,omitempty"`
	TOSURI                  string      `json:"tos_uri,omitempty"`
	PolicyURI               string      `json:"policy_uri,omitempty"`
	SoftwareID              string      `json:"software_id,omitempty"`
	SoftwareVersion         string      `json:"software_version,omitempty"`

	// Extra holds extension metadata: members not named above, as raw JSON.
	Extra map[string]json.RawMessage `json:"-"`
}

// Client is a registered OAuth client: its RFC 7591 metadata, the portal
// binding (owner, APIs, policy), its status and its secrets (hashes only).
// It is one record, portal binding included, because stores keep and
// change it in one atomic step (see the package documentation).
//
// A Client never holds a plaintext secret, and no rendering of it shows a
// hash: fmt with any verb, log/slog's handlers and encoding/json show
// secret IDs and hints, and whether a registration token was issued.
type Client struct {
	ID string `json:"client_id"`
	Metadata

	DeveloperID string   `json:"developer_id,omitempty"` // owner
	APIIDs      []string `json:"api_ids,omitempty"`      // catalogue API IDs
	PolicyID    string   `json:"policy_id,omitempty"`
	Description string   `json:"description,omitempty"`

	Status  Status   `json:"status"`
	Secrets []Secret `json:"secrets,omitempty"` // none for a public client

	// RegistrationTokenHash is the hash (HashToken) of the RFC 7592
	// registration access token, if one was issued.
	RegistrationTokenHash string `json:"-"`

	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	// Version counts updates; a store refuses an update whose Version is not
	// the stored one (ErrConflict) and increments it on success.
	Version int64 `json:"version"`
}

// Format renders c for package fmt, with every verb, as %v (or %#v, %+v)
// would render its fields, except that secret hashes and the registration
// token hash are replaced by [REDACTED]. log/slog's text handler renders a
// Client through it.
func (c Client) Format(f fmt.State, verb rune) {
	// client is Client without methods, so that fmt renders its fields; its
	// name keeps %#v reading "oauthclient.Client{...}".
	type client struct {
		ID string
		Metadata
		DeveloperID           string
		APIIDs                []string
		PolicyID              string
		Description           string
		Status                Status
		Secrets               []Secret // each renders without its hash
		RegistrationTokenHash string
		CreatedAt             time.Time
		UpdatedAt             time.Time
		Version               int64
	}
	v := client{
		ID: c.ID, Metadata: c.Metadata, DeveloperID: c.DeveloperID, APIIDs: c.APIIDs,
		PolicyID: c.PolicyID, Description: c.Description, Status: c.Status, Secrets: c.Secrets,
		CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt, Version: c.Version,
	}
	if c.RegistrationTokenHash != "" {
		v.RegistrationTokenHash = redacted
	}
	formatAs(f, verb, v, "Client")
}

// formatAs renders v, a copy of a record of type name with its hashes
// replaced, whose local method-less type would otherwise name itself in %#v.
func formatAs(f fmt.State, verb rune, v any, name string) {
	if verb == 'v' && f.Flag('#') {
		out := fmt.Sprintf("%#v", v)
		if i := strings.IndexByte(out, '{'); i >= 0 {
			out = "oauthclient." + name + out[i:]
		}
		_, _ = f.Write([]byte(out))
		return
	}
	_, _ = fmt.Fprintf(f, fmt.FormatString(f, verb), v)
}

// Public reports whether c is a public client (token_endpoint_auth_method
// "none").
func (c *Client) Public() bool { return c.TokenEndpointAuthMethod.Public() }

// HasGrant reports whether c registered grant type g.
func (c *Client) HasGrant(g GrantType) bool {
	for _, have := range c.GrantTypes {
		if have == g {
			return true
		}
	}
	return false
}

// Clone returns a deep copy of c: no slice, map or pointer is shared.
func (c *Client) Clone() *Client {
	if c == nil {
		return nil
	}
	d := *c
	d.RedirectURIs = cloneSlice(c.RedirectURIs)
	// The short string lists are carved out of one new array, each capped
	// at its own length, so that appending to one never writes into
	// another: one allocation where there would be three. RedirectURIs
	// keeps an array of its own, so that a store which keeps a clone but
	// replaces the short lists by copies it shares among clients does not
	// keep the whole array alive for it.
	var strs []string
	if n := len(c.ResponseTypes) + len(c.Contacts) + len(c.APIIDs); n > 0 {
		strs = make([]string, 0, n)
	}
	d.ResponseTypes, strs = cloneInto(strs, c.ResponseTypes)
	d.Contacts, strs = cloneInto(strs, c.Contacts)
	d.APIIDs, _ = cloneInto(strs, c.APIIDs)
	d.GrantTypes = cloneSlice(c.GrantTypes)
	d.Secrets = cloneSlice(c.Secrets)
	if c.Extra != nil {
		d.Extra = make(map[string]json.RawMessage, len(c.Extra))
		for k, v := range c.Extra {
			d.Extra[k] = cloneSlice(v)
		}
	}
	return &d
}

func cloneSlice[S ~[]E, E any](s S) S {
	if s == nil {
		return nil
	}
	return append(S(make([]E, 0, len(s))), s...)
}

// cloneInto appends s to buf, whose capacity must have room for it, and
// returns the copy, capped at its length, and buf. A nil s stays nil and an
// empty one empty, as cloneSlice keeps them.
func cloneInto(buf, s []string) (clone, rest []string) {
	if len(s) == 0 {
		return s[:0:0], buf
	}
	start := len(buf)
	buf = append(buf, s...)
	return buf[start:len(buf):len(buf)], buf
}

// Secret is one of a client's secrets as stored: an ID, the hash (a
// self-describing PHC-style string, see [Hasher]), a short display hint, and
// its validity. The hash is never rendered in JSON.
type Secret struct {
	ID        string    `json:"id"`
	Hash      string    `json:"-"`
	Hint      string    `json:"hint"` // e.g. "pos_…x7Qa": enough to recognise, never to guess
	CreatedAt time.Time `json:"created_at"`
	ExpiresAt time.Time `json:"expires_at,omitzero"` // zero: no expiry
}

// ValidAt reports whether the secret may authenticate at now.
func (s Secret) ValidAt(now time.Time) bool {
	return s.ExpiresAt.IsZero() || now.Before(s.ExpiresAt)
}

// String describes the secret by ID and hint; the hash is left out.
func (s Secret) String() string {
	out := "secret " + s.ID + " (" + s.Hint + ")"
	if !s.ExpiresAt.IsZero() {
		out += " expires " + s.ExpiresAt.UTC().Format(time.RFC3339)
	}
	return out
}

// GoString is String: the hash is left out of %#v too.
func (s Secret) GoString() string { return s.String() }

// Format renders the secret as String does, whatever the verb (%q quotes
// it), so that no verb shows the hash.
func (s Secret) Format(f fmt.State, verb rune) {
	out := s.String()
	if verb == 'q' {
		out = strconv.Quote(out)
	}
	_, _ = f.Write([]byte(out))
}
