package oauthclient

import (
	"fmt"
	"time"
)

// TokenKind says what a stored token is. The names of access and refresh
// tokens are the RFC 7009 token_type_hint values.
type TokenKind string

// Token kinds.
const (
	KindAccessToken       TokenKind = "access_token"
	KindRefreshToken      TokenKind = "refresh_token"
	KindAuthorizationCode TokenKind = "authorization_code" // one-time; see TokenStore.ConsumeToken
)

// Token is a stored token: the hash of its opaque value (see [HashToken]),
// never the value itself, and what it grants.
type Token struct {
	Hash     string    `json:"-"`
	Kind     TokenKind `json:"kind"`
	ClientID string    `json:"client_id"`
	// GrantID ties together the code, access and refresh tokens issued from
	// one authorization; revoking the grant revokes them all.
	GrantID  string `json:"grant_id"`
	Subject  string `json:"sub,omitempty"` // the resource owner; empty for client_credentials
	PolicyID string `json:"policy_id,omitempty"`
	Scope    string `json:"scope,omitempty"`

	IssuedAt  time.Time `json:"iat"`
	ExpiresAt time.Time `json:"exp"`
	// Consumed marks a one-time token (code, refresh token) that was used.
	Consumed bool `json:"consumed,omitempty"`

	// Code holds what an authorization code must remember; nil for other
	// kinds.
	Code *CodeDetails `json:"code,omitempty"`
}

// CodeDetails is what an authorization code binds (RFC 6749 §4.1.3, RFC 7636).
type CodeDetails struct {
	RedirectURI         string `json:"redirect_uri,omitempty"` // as sent to the authorize endpoint; empty if it was omitted
	CodeChallenge       string `json:"code_challenge,omitempty"`
	CodeChallengeMethod string `json:"code_challenge_method,omitempty"` // "S256"
}

// Format renders t for package fmt, with every verb, as %v (or %#v, %+v)
// would render its fields, except that the hash is replaced by [REDACTED],
// as Client.Format does for its registration token hash. log/slog's text
// handler renders a Token through it; its JSON form leaves the hash out.
func (t Token) Format(f fmt.State, verb rune) {
	type token Token // Token without methods, so that fmt renders its fields
	v := token(t)
	if v.Hash != "" {
		v.Hash = redacted
	}
	formatAs(f, verb, v, "Token")
}

// ActiveAt reports whether t may be used at now: not expired and not
// consumed.
func (t *Token) ActiveAt(now time.Time) bool {
	return !t.Consumed && now.Before(t.ExpiresAt)
}

// Clone returns a deep copy of t.
func (t *Token) Clone() *Token {
	if t == nil {
		return nil
	}
	d := *t
	if t.Code != nil {
		c := *t.Code
		d.Code = &c
	}
	return &d
}
