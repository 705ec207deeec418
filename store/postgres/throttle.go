package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/portaloauth/portaloauth/portal/throttle"
)

// Throttles is the [throttle.Store] of the database: failure counts in the
// throttle_failures table (migration 0003), so that every node sharing the
// database throttles guessing together.
func (s *Store) Throttles() throttle.Store { return throttles{s} }

// throttles is Store's throttle.Store.
type throttles struct{ s *Store }

var _ throttle.Store = throttles{}

// Fail records a failed attempt of key (see [throttle.Store]) in one
// statement, so that concurrent failures on any node are all counted.
func (t throttles) Fail(ctx context.Context, key string, now time.Time, window time.Duration) (int, error) {
	var n int
	err := t.s.pool.QueryRow(ctx, `INSERT INTO throttle_failures (key, failures, last_failure) VALUES ($1, 1, $2)
ON CONFLICT (key) DO UPDATE SET
	failures = CASE WHEN throttle_failures.last_failure <= $2 - $3::interval THEN 1 ELSE throttle_failures.failures + 1 END,
	last_failure = GREATEST(throttle_failures.last_failure, $2)
RETURNING failures`, key, now, window).Scan(&n)
	if err != nil {
		return 0, wrapErr(ctx, "throttle fail", err)
	}
	return n, nil
}

// Failures returns key's failures and the last one's time (see
// [throttle.Store]).
func (t throttles) Failures(ctx context.Context, key string) (int, time.Time, error) {
	var n int
	var last time.Time
	err := t.s.pool.QueryRow(ctx, `SELECT failures, last_failure FROM throttle_failures WHERE key = $1`, key).Scan(&n, &last)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return 0, time.Time{}, nil
	case err != nil:
		return 0, time.Time{}, wrapErr(ctx, "throttle failures", err)
	}
	return n, last.UTC(), nil
}

// Reset forgets key's failures (see [throttle.Store]).
func (t throttles) Reset(ctx context.Context, key string) error {
	_, err := t.s.pool.Exec(ctx, `DELETE FROM throttle_failures WHERE key = $1`, key)
	return wrapErr(ctx, "throttle reset", err)
}
