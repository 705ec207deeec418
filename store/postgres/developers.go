package postgres

import (
	"context"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"github.com/portaloauth/portaloauth/oauthclient"
	"github.com/portaloauth/portaloauth/portal"
)

const (
	developerColumns = `id, email, name, status, password_hash, created_at, updated_at, version`

	sqlSelectDeveloper = `SELECT ` + developerColumns + ` FROM developers`
	sqlInsertDeveloper = `INSERT INTO developers (` + developerColumns + `, email_key)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`
	sqlUpdateDeveloper = `WITH u AS (
	UPDATE developers SET email = $2, name = $3, status = $4, password_hash = $5,
		created_at = $6, updated_at = $7, version = version + 1, email_key = $9
	WHERE id = $1 AND version = $8 RETURNING 1)
SELECT EXISTS (SELECT 1 FROM u), EXISTS (SELECT 1 FROM developers WHERE id = $1)`
)

// emailKey folds an email address so that two addresses have one key
// exactly when strings.EqualFold holds for them: every rune becomes the
// smallest rune of its simple case-folding orbit. The database compares
// keys, so the result does not depend on its locale.
func emailKey(email string) string {
	var b strings.Builder
	b.Grow(len(email))
	for _, r := range email {
		if r == utf8.RuneError {
			b.WriteRune(r)
			continue
		}
		least := r
		for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
			least = min(least, f)
		}
		b.WriteRune(least)
	}
	return b.String()
}

func developerArgs(d *portal.Developer) []any {
	return []any{d.ID, d.Email, d.Name, string(d.Status), d.PasswordHash,
		d.CreatedAt, d.UpdatedAt, d.Version, emailKey(d.Email)}
}

func scanDeveloper(row pgx.Row) (*portal.Developer, error) {
	var d portal.Developer
	var status string
	if err := row.Scan(&d.ID, &d.Email, &d.Name, &status, &d.PasswordHash,
		&d.CreatedAt, &d.UpdatedAt, &d.Version); err != nil {
		return nil, err
	}
	d.Status = portal.DeveloperStatus(status)
	d.CreatedAt, d.UpdatedAt = utc(d.CreatedAt), utc(d.UpdatedAt)
	return &d, nil
}

// CreateDeveloper stores d. It returns oauthclient.ErrDuplicate if a
// developer has d.ID or d.Email ignoring case (a unique index on the
// folded email decides, so concurrent sign-ups with one address create
// one developer).
func (s *Store) CreateDeveloper(ctx context.Context, d *portal.Developer) error {
	_, err := s.pool.Exec(ctx, sqlInsertDeveloper, developerArgs(d)...)
	return wrapErr(ctx, "create developer", err)
}

// GetDeveloper returns the developer with that ID, or
// oauthclient.ErrNotFound.
func (s *Store) GetDeveloper(ctx context.Context, id string) (*portal.Developer, error) {
	return queryOne(ctx, s, "get developer", scanDeveloper, sqlSelectDeveloper+` WHERE id = $1`, id)
}

// GetDeveloperByEmail returns the developer whose email equals email
// ignoring case, or oauthclient.ErrNotFound.
func (s *Store) GetDeveloperByEmail(ctx context.Context, email string) (*portal.Developer, error) {
	return queryOne(ctx, s, "get developer by email", scanDeveloper,
		sqlSelectDeveloper+` WHERE email_key = $1`, emailKey(email))
}

// UpdateDeveloper replaces the developer if the stored version is
// d.Version, then sets d.Version+1. It returns oauthclient.ErrNotFound,
// oauthclient.ErrConflict (changing nothing), or oauthclient.ErrDuplicate
// if d.Email is another developer's.
func (s *Store) UpdateDeveloper(ctx context.Context, d *portal.Developer) error {
	const op = "update developer"
	var updated, exists bool
	if err := s.pool.QueryRow(ctx, sqlUpdateDeveloper, developerArgs(d)...).Scan(&updated, &exists); err != nil {
		return wrapErr(ctx, op, err)
	}
	if !updated {
		return versionMiss(op, exists)
	}
	d.Version++
	return nil
}

// ListDevelopers returns developers oldest first (CreatedAt, then ID).
func (s *Store) ListDevelopers(ctx context.Context, p oauthclient.Page) ([]*portal.Developer, error) {
	offset, limit := offsetLimit(p)
	return queryAll(ctx, s, "list developers", scanDeveloper,
		sqlSelectDeveloper+` ORDER BY created_at, id OFFSET $1 LIMIT $2`, offset, limit)
}

// DeactivateDeveloper, in one transaction, sets the developer inactive
// (Version incremented, UpdatedAt set to at), disables their active and
// pending clients (each Version incremented, UpdatedAt set to at) and
// deletes the tokens of all their clients. It returns
// oauthclient.ErrNotFound if no developer has that ID; an inactive
// developer is left unchanged.
func (s *Store) DeactivateDeveloper(ctx context.Context, id string, at time.Time) error {
	const op = "deactivate developer"
	var changed, exists bool
	err := s.inTx(ctx, op, func(tx pgx.Tx) error {
		// The developer's row is locked first, so that concurrent
		// deactivations of one developer run one after the other.
		err := tx.QueryRow(ctx, `WITH u AS (
	UPDATE developers SET status = $2, updated_at = $3, version = version + 1
	WHERE id = $1 AND status <> $2 RETURNING 1)
SELECT EXISTS (SELECT 1 FROM u), EXISTS (SELECT 1 FROM developers WHERE id = $1)`,
			id, string(portal.DeveloperInactive), at).Scan(&changed, &exists)
		if err != nil || !changed {
			return err
		}
		var b pgx.Batch
		b.Queue(`UPDATE clients SET status = $2, updated_at = $3, version = version + 1
WHERE developer_id = $1 AND status IN ($4, $5)`,
			id, string(oauthclient.StatusDisabled), at,
			string(oauthclient.StatusActive), string(oauthclient.StatusPending))
		b.Queue(`DELETE FROM tokens WHERE client_id IN (SELECT id FROM clients WHERE developer_id = $1)`, id)
		return sendBatch(ctx, tx, &b)
	})
	if err != nil {
		return err
	}
	if !exists {
		return errorf(op, oauthclient.ErrNotFound)
	}
	return nil
}
