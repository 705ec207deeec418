package oauthclient

import (
	"context"
	"time"
)

// The store contracts of this package. Implementations live under store/
// (in-memory, PostgreSQL); storetest checks any implementation against the
// sentences below. All methods are safe for concurrent use, take and return
// copies (a caller mutating a value it passed in or got back changes nothing
// stored), and return ctx.Err() (possibly wrapped) when ctx ends first.

// ClientGetter looks clients up by ID. It is all that client authentication
// needs.
type ClientGetter interface {
	// GetClient returns the client with that ID, or ErrNotFound.
	GetClient(ctx context.Context, id string) (*Client, error)
}

// ClientStore keeps clients.
type ClientStore interface {
	ClientGetter

	// CreateClient stores c, secrets included. It returns ErrDuplicate if a
	// client with c.ID exists, and ErrNotFound if the store also keeps
	// developers and a non-empty c.DeveloperID names none (an empty one is a
	// client no developer owns), and ErrDeveloperInactive if the store keeps
	// developers and that one is inactive (see portal.Store). c.Version is
	// stored as given (normally 1).
	// The ID of a deleted client may be used again; it starts with no
	// tokens.
	CreateClient(ctx context.Context, c *Client) error

	// UpdateClient replaces the stored client with c, secrets included, if
	// the stored Version equals c.Version; it then stores and sets
	// c.Version+1. It returns ErrNotFound if no client has c.ID and
	// ErrConflict, changing nothing, if the versions differ. With
	// opts.RevokeTokens, the client's tokens are deleted in the same atomic
	// step. ID, DeveloperID and CreatedAt are fixed at creation: callers do
	// not change them.
	UpdateClient(ctx context.Context, c *Client, opts UpdateOptions) error

	// DeleteClient deletes the client and, in the same atomic step, all its
	// tokens. It returns ErrNotFound if no client has that ID.
	DeleteClient(ctx context.Context, id string) error

	// ListClients returns the clients matching f, oldest first (CreatedAt,
	// then ID), in the window f.Page selects (see Page for its defaults and
	// caps).
	ListClients(ctx context.Context, f ClientFilter) ([]*Client, error)
}

// UpdateOptions are options of ClientStore.UpdateClient.
type UpdateOptions struct {
	// RevokeTokens deletes the client's tokens in the same atomic step, as a
	// change of policy, a disabled status or a rejection requires.
	RevokeTokens bool
}

// ClientFilter selects clients for ClientStore.ListClients.
type ClientFilter struct {
	DeveloperID string // only this developer's clients; empty: all
	Page               // the window of the list
}

// TokenStore keeps tokens, codes included, by the hash of their value.
type TokenStore interface {
	// CreateToken stores t. It returns ErrDuplicate if a token with t.Hash
	// exists and ErrNotFound if no client has t.ClientID.
	CreateToken(ctx context.Context, t *Token) error

	// GetToken returns the token with that hash, consumed or not, or
	// ErrNotFound. Expired tokens may be returned until purged: check
	// Token.ActiveAt.
	GetToken(ctx context.Context, hash string) (*Token, error)

	// ConsumeToken marks a one-time token as used and returns it as it was
	// before, atomically: of concurrent callers exactly one succeeds. It
	// returns ErrNotFound if no token has that hash, and ErrTokenConsumed
	// together with the token as stored (Consumed set) if it was already
	// used, so that the caller can revoke its grant.
	ConsumeToken(ctx context.Context, hash string) (*Token, error)

	// DeleteToken deletes the token with that hash. It returns ErrNotFound
	// if there is none.
	DeleteToken(ctx context.Context, hash string) error

	// RevokeGrant deletes every token of the client's grant and returns how
	// many it deleted (0 is no error). Tokens of other clients are untouched
	// even if they carry the same grant ID. An empty grantID matches no
	// token.
	RevokeGrant(ctx context.Context, clientID, grantID string) (int, error)

	// RevokeClientTokens deletes every token of the client and returns how
	// many it deleted (0 is no error). It costs O(that client's tokens).
	RevokeClientTokens(ctx context.Context, clientID string) (int, error)

	// ListTokens returns the tokens matching f, oldest first (IssuedAt, then
	// Hash), in the window f.Page selects (see Page). An empty f.ClientID
	// matches no token.
	ListTokens(ctx context.Context, f TokenFilter) ([]*Token, error)
}

// TokenFilter selects tokens for TokenStore.ListTokens.
type TokenFilter struct {
	ClientID string // required: an empty one matches no token
	GrantID  string // only this grant's tokens; empty: all of the client's
	Page            // the window of the list
}

// TokenPurger is an optional capability of a TokenStore, found by type
// assertion: deleting expired tokens in bounded batches.
type TokenPurger interface {
	// PurgeExpiredTokens deletes at most limit tokens whose ExpiresAt is
	// strictly before the given time and returns how many it deleted; a
	// limit of 0 or less deletes nothing. Call it until it returns fewer
	// than limit.
	PurgeExpiredTokens(ctx context.Context, before time.Time, limit int) (int, error)
}

// Store is a client store and a token store in one, so that deleting a client
// (or revoking on update) removes its tokens atomically.
type Store interface {
	ClientStore
	TokenStore
}
