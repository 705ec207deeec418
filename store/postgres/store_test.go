package postgres

import (
	"context"
	"crypto/rand"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/portaloauth/portaloauth/internal/pgtest"
)

func randomBytes(tb testing.TB, n int) []byte {
	tb.Helper()
	b := make([]byte, n)
	_, err := rand.Read(b)
	require.NoError(tb, err)
	return b
}

// newPool returns a pool whose connections use schema, closed when tb
// ends; configure adjusts its configuration (a tracer, a size).
func newPool(tb testing.TB, dsn, schema string, configure ...func(*pgxpool.Config)) *pgxpool.Pool {
	tb.Helper()
	cfg, err := pgxpool.ParseConfig(dsn)
	require.NoError(tb, err)
	cfg.ConnConfig.RuntimeParams["search_path"] = schema
	cfg.ConnConfig.RuntimeParams["application_name"] = schema
	for _, f := range configure {
		f(cfg)
	}
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	require.NoError(tb, err)
	tb.Cleanup(pool.Close)
	return pool
}

// newTestStore returns a migrated Store in a schema of its own.
func newTestStore(tb testing.TB) *Store {
	tb.Helper()
	dsn, schema := pgtest.Schema(tb)
	s := NewFromPool(newPool(tb, dsn, schema))
	require.NoError(tb, s.Migrate(context.Background()))
	return s
}
