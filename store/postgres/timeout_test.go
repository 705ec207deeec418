package postgres

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portaloauth/portaloauth/internal/pgtest"
	"github.com/portaloauth/portaloauth/oauthclient"
)

// show returns a server setting as a connection of s sees it.
func show(t *testing.T, s *Store, name string) string {
	t.Helper()
	var v string
	require.NoError(t, s.pool.QueryRow(t.Context(), "SHOW "+name).Scan(&v))
	return v
}

// TestOpenBoundsConnections: a Store opened by Open has bounded connect,
// statement and lock timeouts by default; the DSN overrides the defaults
// and Config overrides the DSN.
func TestOpenBoundsConnections(t *testing.T) {
	t.Parallel()
	dsn := pgtest.SchemaDSN(t)
	tests := []struct {
		name            string
		dsn             string
		cfg             Config
		connect         time.Duration
		statement, lock string
	}{
		{"defaults", dsn, Config{}, DefaultConnectTimeout, "10s", "3s"},
		{"from the DSN", dsn + "&connect_timeout=2&statement_timeout=2500&lock_timeout=1s", Config{}, 2 * time.Second, "2500ms", "1s"},
		{"Config over the DSN", dsn + "&statement_timeout=2500", Config{ConnectTimeout: time.Second,
			StatementTimeout: 1500 * time.Millisecond, LockTimeout: 250 * time.Millisecond}, time.Second, "1500ms", "250ms"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s, err := OpenWithConfig(t.Context(), tc.dsn, tc.cfg)
			require.NoError(t, err)
			t.Cleanup(s.Close)
			assert.Equal(t, tc.connect, s.pool.Config().ConnConfig.ConnectTimeout)
			assert.Equal(t, tc.statement, show(t, s, "statement_timeout"))
			assert.Equal(t, tc.lock, show(t, s, "lock_timeout"))
		})
	}
}

// TestLockTimeoutIsUnavailable: a write that waits for a row another
// transaction holds gives up after the lock timeout with
// oauthclient.ErrUnavailable, instead of hanging with the database.
func TestLockTimeoutIsUnavailable(t *testing.T) {
	t.Parallel()
	s, err := OpenWithConfig(t.Context(), pgtest.SchemaDSN(t), Config{LockTimeout: 100 * time.Millisecond})
	require.NoError(t, err)
	t.Cleanup(s.Close)
	require.NoError(t, s.Migrate(t.Context()))
	c := testClient("c1", "")
	require.NoError(t, s.CreateClient(t.Context(), c))

	holder, err := s.pool.Begin(t.Context())
	require.NoError(t, err)
	defer func() { _ = holder.Rollback(context.Background()) }()
	_, err = holder.Exec(t.Context(), "SELECT 1 FROM clients WHERE id = $1 FOR UPDATE", c.ID)
	require.NoError(t, err)

	ctx, cancel := context.WithTimeout(t.Context(), time.Minute) // only a bound for a broken store
	defer cancel()
	c.Description = "changed"
	err = s.UpdateClient(ctx, c, oauthclient.UpdateOptions{})
	require.ErrorIs(t, err, oauthclient.ErrUnavailable)
	assert.NoError(t, ctx.Err(), "the lock timeout ended the wait, not the context")
}

// TestUnreachableDatabaseIsUnavailable: a database that cannot be reached
// is oauthclient.ErrUnavailable, and the error does not quote the DSN's
// password.
func TestUnreachableDatabaseIsUnavailable(t *testing.T) {
	t.Parallel()
	pgtest.DSN(t)
	_, err := OpenWithConfig(t.Context(), "postgres://u:hunter2@127.0.0.1:1/db?sslmode=disable", Config{ConnectTimeout: time.Second})
	require.ErrorIs(t, err, oauthclient.ErrUnavailable)
	assert.NotContains(t, err.Error(), "hunter2")
}
