// Package pgtest gives a test a PostgreSQL schema of its own on the server
// named by the PORTALOAUTH_TEST_POSTGRES environment variable, so that
// tests run in parallel and leave nothing behind.
//
// Without the variable a test that asks for the server is skipped with a
// message saying how to run it, unless CI=true: there it fails, so that a
// missing server can never pass for a green run.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// EnvDSN names the variable holding the test server's DSN, for example
// postgres://postgres@127.0.0.1:5432/test?sslmode=disable.
const EnvDSN = "PORTALOAUTH_TEST_POSTGRES"

// DSN returns the test server's DSN. Without one, tb is skipped, or fails
// when CI=true.
func DSN(tb testing.TB) string {
	tb.Helper()
	dsn := os.Getenv(EnvDSN)
	if dsn == "" {
		const msg = EnvDSN + " is not set: set it to a PostgreSQL DSN " +
			"(e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable) to run the tests that need PostgreSQL"
		if os.Getenv("CI") == "true" {
			tb.Fatal(msg + "; with CI=true they must run")
		}
		tb.Skip(msg)
	}
	return dsn
}

// Schema creates an empty schema for tb and drops it, with everything in
// it, when tb ends. It returns the server's DSN and the schema's name.
func Schema(tb testing.TB) (dsn, schema string) {
	tb.Helper()
	dsn = DSN(tb)
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		tb.Fatal(err)
	}
	schema = "test_" + hex.EncodeToString(b)
	Exec(tb, dsn, "CREATE SCHEMA "+schema)
	tb.Cleanup(func() { Exec(tb, dsn, "DROP SCHEMA "+schema+" CASCADE") })
	return dsn, schema
}

// SchemaDSN creates a schema as Schema does and returns a DSN whose
// connections use it (search_path).
func SchemaDSN(tb testing.TB) string {
	tb.Helper()
	dsn, schema := Schema(tb)
	sep := "?"
	if strings.Contains(dsn, "?") {
		sep = "&"
	}
	return dsn + sep + "search_path=" + schema
}

// Exec runs one statement on a connection of its own. It works in a
// cleanup too, after the test's context has ended.
func Exec(tb testing.TB, dsn, sql string, args ...any) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		tb.Fatalf("pgtest: connecting: %v", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, sql, args...); err != nil {
		tb.Fatalf("pgtest: %v", err)
	}
}
