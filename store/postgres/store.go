package postgres

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"syscall"
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
	// flight at once; zero: as many as the pool has connections. A second
	// one starts only while a full batch (TokenBatch tokens) is waiting.
	TokenCommits int

	// ConnectTimeout bounds opening one connection, TLS included; zero:
	// the DSN's connect_timeout, or else DefaultConnectTimeout.
	ConnectTimeout time.Duration
	// StatementTimeout is the server's statement_timeout on every
	// connection: the longest one statement may run before the server
	// cancels it; zero: the DSN's statement_timeout, or else
	// DefaultStatementTimeout.
	StatementTimeout time.Duration
	// LockTimeout is the server's lock_timeout: the longest a statement
	// waits for a row or table lock; zero: the DSN's lock_timeout, or else
	// DefaultLockTimeout.
	LockTimeout time.Duration
}

// The default bounds of a Store opened by Open: a database that does not
// answer makes a request fail within seconds instead of hanging, and the
// failure is oauthclient.ErrUnavailable.
const (
	DefaultConnectTimeout   = 5 * time.Second
	DefaultStatementTimeout = 10 * time.Second
	DefaultLockTimeout      = 3 * time.Second
)

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
// [pgxpool.ParseConfig]; pool_max_conns, search_path, connect_timeout
// (seconds), statement_timeout and lock_timeout (milliseconds, or with a
// unit: "5s") are accepted there) and checks that it answers. Connections
// are bounded by DefaultConnectTimeout, DefaultStatementTimeout and
// DefaultLockTimeout unless the DSN or [OpenWithConfig] say otherwise. It does not change the schema: call
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
	applyTimeouts(cfg, c)
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

// applyTimeouts sets the connect, statement and lock timeouts of cfg:
// c's, or else the DSN's, or else the defaults.
func applyTimeouts(cfg *pgxpool.Config, c Config) {
	switch {
	case c.ConnectTimeout > 0:
		cfg.ConnConfig.ConnectTimeout = c.ConnectTimeout
	case cfg.ConnConfig.ConnectTimeout == 0:
		cfg.ConnConfig.ConnectTimeout = DefaultConnectTimeout
	}
	if cfg.ConnConfig.RuntimeParams == nil {
		cfg.ConnConfig.RuntimeParams = map[string]string{}
	}
	param := func(name string, set, def time.Duration) {
		switch {
		case set > 0:
			cfg.ConnConfig.RuntimeParams[name] = strconv.FormatInt(max(set.Milliseconds(), 1), 10)
		case cfg.ConnConfig.RuntimeParams[name] == "":
			cfg.ConnConfig.RuntimeParams[name] = strconv.FormatInt(def.Milliseconds(), 10)
		}
	}
	param("statement_timeout", c.StatementTimeout, DefaultStatementTimeout)
	param("lock_timeout", c.LockTimeout, DefaultLockTimeout)
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
	if unavailable(err) {
		return fmt.Errorf("postgres: %s: %w: %w", op, oauthclient.ErrUnavailable, err)
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

// unavailable reports whether err means the database cannot answer now,
// rather than that the request or the code is wrong: no connection (or a
// broken one), a statement or lock timeout, too many connections, a server
// shutting down or starting up.
func unavailable(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch {
		case strings.HasPrefix(pgErr.Code, "08"), // connection_exception
			strings.HasPrefix(pgErr.Code, "53"),          // insufficient_resources: too_many_connections, ...
			strings.HasPrefix(pgErr.Code, "57P"),         // admin_shutdown, crash_shutdown, cannot_connect_now
			pgErr.Code == "57014",                        // query_canceled: statement_timeout
			pgErr.Code == "55P03",                        // lock_not_available: lock_timeout
			pgErr.Code == "40001", pgErr.Code == "40P01": // serialization_failure, deadlock_detected
			return true
		}
		return false
	}
	var connectErr *pgconn.ConnectError
	var netErr net.Error
	return errors.As(err, &connectErr) || errors.As(err, &netErr) || pgconn.SafeToRetry(err) ||
		pgconn.Timeout(err) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET)
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
