package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/portaloauth/portaloauth/oauthclient"
	"github.com/portaloauth/portaloauth/portal"
)

// Store keeps clients, tokens, developers and the catalogue in PostgreSQL.
// It is safe for concurrent use and keeps no state of its own beyond the
// connection pool: every call reads or writes the database, so several
// Stores (on one node or many) sharing a database see each other's changes
// at once.
type Store struct {
	pool   *pgxpool.Pool
	owned  bool          // the pool was opened by Open and is closed by Close
	tokens *tokenBatcher // nil: every token commits on its own
}

// Config tunes a Store; the zero value means the defaults.
type Config struct {
	// TokenBatch is the most tokens one transaction writes when
	// CreateToken is called concurrently (see [Store.CreateToken]); zero:
	// DefaultTokenBatch. 1 writes every token in a transaction of its own.
	TokenBatch int
	// TokenCommits is how many transactions writing tokens may be in
	// flight at once; zero: as many as the pool has connections.
	TokenCommits int
}

// Store plays every store role, so it is checked against each one.
var (
	_ oauthclient.ClientStore = (*Store)(nil)
	_ oauthclient.TokenStore  = (*Store)(nil)
	_ oauthclient.TokenPurger = (*Store)(nil)
	_ portal.DeveloperStore   = (*Store)(nil)
	_ portal.CatalogueReader  = (*Store)(nil)
	_ portal.CatalogueAdmin   = (*Store)(nil)
	_ portal.Store            = (*Store)(nil)
)

// Open connects to the database at dsn (a URL or key=value string, see
// [pgxpool.ParseConfig]; pool_max_conns and search_path are accepted there)
// and checks that it answers. It does not change the schema: call
// [Store.Migrate]. Close releases the pool.
func Open(ctx context.Context, dsn string) (*Store, error) {
	return OpenWithConfig(ctx, dsn, Config{})
}

// OpenWithConfig is [Open] with a Config.
func OpenWithConfig(ctx context.Context, dsn string, c Config) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		// The parse error may quote the DSN, password included: leave it out.
		return nil, errors.New("postgres: open: invalid connection string")
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: open: %w", err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, wrapErr(ctx, "open", err)
	}
	s := NewFromPoolWithConfig(pool, c)
	s.owned = true
	return s, nil
}

// NewFromPool returns a Store on an existing pool. The caller keeps the
// pool: Close leaves it open. The tables are those on the pool's
// search_path (by default the "public" schema).
func NewFromPool(pool *pgxpool.Pool) *Store {
	return NewFromPoolWithConfig(pool, Config{})
}

// NewFromPoolWithConfig is [NewFromPool] with a Config.
func NewFromPoolWithConfig(pool *pgxpool.Pool, c Config) *Store {
	s := &Store{pool: pool}
	batch, commits := c.TokenBatch, c.TokenCommits
	if batch <= 0 {
		batch = DefaultTokenBatch
	}
	if commits <= 0 {
		commits = max(1, int(pool.Config().MaxConns))
	}
	if batch > 1 {
		s.tokens = newTokenBatcher(s, batch, commits)
	}
	return s
}

// Close closes the pool if Open opened it; a pool given to NewFromPool is
// left to its owner.
func (s *Store) Close() {
	if s.owned {
		s.pool.Close()
	}
}

// PostgreSQL error codes translated at the boundary.
const (
	codeUniqueViolation     = "23505"
	codeForeignKeyViolation = "23503"
)

// wrapErr translates a database error into the store's documented errors:
// pgx.ErrNoRows and foreign_key_violation become oauthclient.ErrNotFound,
// unique_violation becomes oauthclient.ErrDuplicate, and an error after
// ctx ended wraps ctx.Err(). Detail that may quote values (PgError.Detail)
// is never included.
func wrapErr(ctx context.Context, op string, err error) error {
	if err == nil {
		return nil
	}
	if ctxErr := ctx.Err(); ctxErr != nil {
		if errors.Is(err, ctxErr) {
			return fmt.Errorf("postgres: %s: %w", op, err)
		}
		return fmt.Errorf("postgres: %s: %w (%w)", op, ctxErr, err)
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("postgres: %s: %w", op, oauthclient.ErrNotFound)
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch pgErr.Code {
		case codeUniqueViolation:
			return fmt.Errorf("postgres: %s: %w", op, oauthclient.ErrDuplicate)
		case codeForeignKeyViolation:
			return fmt.Errorf("postgres: %s: %w", op, oauthclient.ErrNotFound)
		}
	}
	return fmt.Errorf("postgres: %s: %w", op, err)
}

// errorf returns a store sentinel with the operation named.
func errorf(op string, sentinel error) error {
	return fmt.Errorf("postgres: %s: %w", op, sentinel)
}

// inTx runs fn in a transaction, committing if it returns nil and rolling
// back otherwise.
func (s *Store) inTx(ctx context.Context, op string, fn func(tx pgx.Tx) error) error {
	return wrapErr(ctx, op, pgx.BeginFunc(ctx, s.pool, fn))
}

// versionMiss tells why an UPDATE ... WHERE id = $1 AND version = $2
// changed no row: ErrNotFound if no row has the id (exists, the answer of
// the statement's EXISTS clause, is false), else ErrConflict.
func versionMiss(op string, exists bool) error {
	if !exists {
		return errorf(op, oauthclient.ErrNotFound)
	}
	return errorf(op, oauthclient.ErrConflict)
}

// queryOne runs a query for one row and scans it; no row is
// oauthclient.ErrNotFound.
func queryOne[T any](ctx context.Context, s *Store, op string, scan func(pgx.Row) (*T, error), sql string, args ...any) (*T, error) {
	v, err := scan(s.pool.QueryRow(ctx, sql, args...))
	if err != nil {
		return nil, wrapErr(ctx, op, err)
	}
	return v, nil
}

// queryAll runs a query and scans every row.
func queryAll[T any](ctx context.Context, s *Store, op string, scan func(pgx.Row) (*T, error), sql string, args ...any) ([]*T, error) {
	rows, err := s.pool.Query(ctx, sql, args...)
	if err != nil {
		return nil, wrapErr(ctx, op, err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (*T, error) { return scan(r) })
	if err != nil {
		return nil, wrapErr(ctx, op, err)
	}
	return out, nil
}

// offsetLimit returns the arguments of OFFSET and LIMIT for p.
func offsetLimit(p oauthclient.Page) (offset, limit int) {
	p = p.Normalized()
	return p.Offset, p.Limit
}

// utc returns t in UTC, as the store hands every time back; the database
// keeps microseconds.
func utc(t time.Time) time.Time { return t.UTC() }

// nullTime is NULL for the zero time.
func nullTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// timeOrZero is the inverse of nullTime.
func timeOrZero(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return t.UTC()
}

// nullString is NULL for "".
func nullString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
