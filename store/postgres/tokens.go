package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/portaloauth/portaloauth/oauthclient"
)

const (
	tokenColumns = `hash, kind, client_id, grant_id, subject, policy_id, scope, issued_at, expires_at, consumed, code`

	sqlSelectToken = `SELECT ` + tokenColumns + ` FROM tokens`
	sqlInsertToken = `INSERT INTO tokens (` + tokenColumns + `) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`
	// sqlConsumeToken marks an unused token used; of concurrent callers
	// only one gets a row back.
	sqlConsumeToken = `UPDATE tokens SET consumed = true WHERE hash = $1 AND NOT consumed RETURNING ` + tokenColumns
	// sqlPurgeTokens deletes at most $2 tokens that expired before $1,
	// skipping rows another purger has locked, so that several nodes can
	// purge at once without waiting on each other.
	sqlPurgeTokens = `DELETE FROM tokens WHERE hash IN (
	SELECT hash FROM tokens WHERE expires_at < $1 ORDER BY expires_at LIMIT $2 FOR UPDATE SKIP LOCKED)`
)

// scanToken scans one row of tokenColumns.
func scanToken(row pgx.Row) (*oauthclient.Token, error) {
	var t oauthclient.Token
	var kind string
	if err := row.Scan(&t.Hash, &kind, &t.ClientID, &t.GrantID, &t.Subject, &t.PolicyID, &t.Scope,
		&t.IssuedAt, &t.ExpiresAt, &t.Consumed, &t.Code); err != nil {
		return nil, err
	}
	t.Kind = oauthclient.TokenKind(kind)
	t.IssuedAt, t.ExpiresAt = utc(t.IssuedAt), utc(t.ExpiresAt)
	return &t, nil
}

// CreateToken stores t. It returns oauthclient.ErrDuplicate if a token has
// t.Hash and oauthclient.ErrNotFound if no client has t.ClientID.
//
// Concurrent calls share transactions (see Config.TokenBatch): a call
// that finds the store committing other tokens waits for that commit to
// end and goes in the next one, with every call that queued meanwhile.
// It returns nil only once the transaction holding t has committed; if
// that transaction fails, every call in it fails, and if ctx ends first,
// the call returns ctx's error and t, written or not, was never
// acknowledged.
func (s *Store) CreateToken(ctx context.Context, t *oauthclient.Token) error {
	if s.tokens != nil {
		return s.tokens.create(ctx, t)
	}
	_, err := s.pool.Exec(ctx, sqlInsertToken, tokenArgs(t)...)
	return wrapErr(ctx, "create token", err)
}

// GetToken returns the token with that hash, or oauthclient.ErrNotFound, in
// one round trip.
func (s *Store) GetToken(ctx context.Context, hash string) (*oauthclient.Token, error) {
	return queryOne(ctx, s, "get token", scanToken, sqlSelectToken+` WHERE hash = $1`, hash)
}

// ConsumeToken marks the token used and returns it as it was before, in
// one statement; of concurrent callers exactly one succeeds. A second
// round trip tells the others oauthclient.ErrTokenConsumed (with the token)
// from oauthclient.ErrNotFound.
func (s *Store) ConsumeToken(ctx context.Context, hash string) (*oauthclient.Token, error) {
	const op = "consume token"
	t, err := scanToken(s.pool.QueryRow(ctx, sqlConsumeToken, hash))
	if err == nil {
		t.Consumed = false // as it was before
		return t, nil
	}
	if ctx.Err() != nil || !errors.Is(err, pgx.ErrNoRows) {
		return nil, wrapErr(ctx, op, err)
	}
	if t, err = queryOne(ctx, s, op, scanToken, sqlSelectToken+` WHERE hash = $1`, hash); err != nil {
		return nil, err
	}
	return t, errorf(op, oauthclient.ErrTokenConsumed)
}

// DeleteToken deletes the token with that hash. It returns
// oauthclient.ErrNotFound if there is none.
func (s *Store) DeleteToken(ctx context.Context, hash string) error {
	n, err := s.deleteTokens(ctx, "delete token", `DELETE FROM tokens WHERE hash = $1`, hash)
	if err == nil && n == 0 {
		return errorf("delete token", oauthclient.ErrNotFound)
	}
	return err
}

// RevokeGrant deletes every token of the client's grant, in one statement
// using the (client_id, grant_id) index, and returns how many. An empty
// grantID matches no token.
func (s *Store) RevokeGrant(ctx context.Context, clientID, grantID string) (int, error) {
	if grantID == "" { // the column holds "" for tokens without a grant
		return 0, wrapErr(ctx, "revoke grant", ctx.Err())
	}
	return s.deleteTokens(ctx, "revoke grant",
		`DELETE FROM tokens WHERE client_id = $1 AND grant_id = $2`, clientID, grantID)
}

// RevokeClientTokens deletes every token of the client, in one statement
// using the client_id index, and returns how many.
func (s *Store) RevokeClientTokens(ctx context.Context, clientID string) (int, error) {
	return s.deleteTokens(ctx, "revoke client tokens", sqlDeleteClientTokens, clientID)
}

// PurgeExpiredTokens deletes at most limit tokens (oldest expiry first)
// that expired before the given time, in one statement, and returns how
// many it deleted; limit <= 0 deletes nothing. Several nodes may purge at
// once: each skips the rows another is deleting.
func (s *Store) PurgeExpiredTokens(ctx context.Context, before time.Time, limit int) (int, error) {
	if limit <= 0 {
		return 0, wrapErr(ctx, "purge expired tokens", ctx.Err())
	}
	return s.deleteTokens(ctx, "purge expired tokens", sqlPurgeTokens, before, limit)
}

// deleteTokens runs a DELETE and returns how many rows it deleted.
func (s *Store) deleteTokens(ctx context.Context, op, sql string, args ...any) (int, error) {
	tag, err := s.pool.Exec(ctx, sql, args...)
	if err != nil {
		return 0, wrapErr(ctx, op, err)
	}
	return int(tag.RowsAffected()), nil
}

// ListTokens returns the client's tokens (of one grant if f.GrantID is set),
// oldest first (IssuedAt, then Hash), in one round trip. An empty
// f.ClientID matches no token.
func (s *Store) ListTokens(ctx context.Context, f oauthclient.TokenFilter) ([]*oauthclient.Token, error) {
	if f.ClientID == "" { // matches no token, even should a client have the ID ""
		return nil, wrapErr(ctx, "list tokens", ctx.Err())
	}
	offset, limit := offsetLimit(f.Page)
	if f.GrantID == "" {
		return queryAll(ctx, s, "list tokens", scanToken, sqlSelectToken+
			` WHERE client_id = $1 ORDER BY issued_at, hash OFFSET $2 LIMIT $3`, f.ClientID, offset, limit)
	}
	return queryAll(ctx, s, "list tokens", scanToken, sqlSelectToken+
		` WHERE client_id = $1 AND grant_id = $2 ORDER BY issued_at, hash OFFSET $3 LIMIT $4`,
		f.ClientID, f.GrantID, offset, limit)
}
