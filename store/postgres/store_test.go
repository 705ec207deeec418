package postgres

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"
)

// envDSN names the variable holding the DSN of the test server.
const envDSN = "PORTALOAUTH_TEST_POSTGRES"

// testDSN returns the test server's DSN. Without one the test is skipped,
// or fails when CI=true.
func testDSN(tb testing.TB) string {
	tb.Helper()
	dsn := os.Getenv(envDSN)
	if dsn == "" {
		const msg = envDSN + " is not set: set it to a PostgreSQL DSN " +
			"(e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable) to run the PostgreSQL store tests"
		if os.Getenv("CI") == "true" {
			tb.Fatal(msg + "; with CI=true they must run")
		}
		tb.Skip(msg)
	}
	return dsn
}

// newSchema creates an empty schema of its own for tb and drops it, with
// everything in it, when tb ends. It returns the DSN and the schema name.
func newSchema(tb testing.TB) (dsn, schema string) {
	tb.Helper()
	dsn = testDSN(tb)
	schema = "test_" + hex.EncodeToString(randomBytes(tb, 8))
	adminExec(tb, dsn, "CREATE SCHEMA "+schema)
	tb.Cleanup(func() { adminExec(tb, dsn, "DROP SCHEMA "+schema+" CASCADE") })
	return dsn, schema
}

// adminExec runs one statement on a connection of its own; it works in a
// cleanup too, after the test's context has ended.
func adminExec(tb testing.TB, dsn, sql string, args ...any) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, dsn)
	require.NoError(tb, err)
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, sql, args...)
	require.NoError(tb, err)
}

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
	dsn, schema := newSchema(tb)
	s := NewFromPool(newPool(tb, dsn, schema))
	require.NoError(tb, s.Migrate(context.Background()))
	return s
}
