package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portaloauth/portaloauth/store/postgres"
)

// postgresDSN returns a DSN of the test server (PORTALOAUTH_TEST_POSTGRES)
// whose connections use a fresh schema, dropped when t ends. Without the
// variable the test is skipped, or fails when CI=true.
func postgresDSN(t *testing.T) string {
	t.Helper()
	dsn := os.Getenv("PORTALOAUTH_TEST_POSTGRES")
	if dsn == "" {
		const msg = "PORTALOAUTH_TEST_POSTGRES is not set: set it to a PostgreSQL DSN " +
			"(e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable) to run the portal on PostgreSQL"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg + "; with CI=true it must run")
		}
		t.Skip(msg)
	}
	b := make([]byte, 8)
	_, err := rand.Read(b)
	require.NoError(t, err)
	schema := "portal_example_" + hex.EncodeToString(b)
	exec := func(sql string) {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		conn, err := pgx.Connect(ctx, dsn)
		require.NoError(t, err)
		defer conn.Close(ctx)
		_, err = conn.Exec(ctx, sql)
		require.NoError(t, err)
	}
	exec("CREATE SCHEMA " + schema)
	t.Cleanup(func() { exec("DROP SCHEMA " + schema + " CASCADE") })
	sep := "?"
	if strings.Contains(dsn, "?") {
		sep = "&"
	}
	return dsn + sep + "search_path=" + schema
}

// TestRunOnPostgres: -postgres keeps the portal in the database, and a
// second start on the same database keeps the demo and gives the demo
// developer a new password.
func TestRunOnPostgres(t *testing.T) {
	t.Parallel()
	dsn := postgresDSN(t)
	args := []string{"-addr", "127.0.0.1:0", "-postgres", dsn}
	env := map[string]string{"PORTAL_ADMIN_PASSWORD": "admin-password-1"}

	first := startRun(t, args, env)
	firstPassword := first.demoPassword(t)
	assert.Equal(t, http.StatusSeeOther, postLogin(t, first.base, "/login", url.Values{"email": {demoEmail}, "password": {firstPassword}}))
	require.NoError(t, first.stop())

	second := startRun(t, args, env)
	assert.Equal(t, http.StatusSeeOther, postLogin(t, second.base, "/login", url.Values{"email": {demoEmail}, "password": {second.demoPassword(t)}}))
	assert.Equal(t, http.StatusUnauthorized, postLogin(t, second.base, "/login", url.Values{"email": {demoEmail}, "password": {firstPassword}}))
	require.NoError(t, second.stop())

	store, err := postgres.Open(t.Context(), dsn)
	require.NoError(t, err)
	defer store.Close()
	devs, err := store.ListDevelopers(t.Context(), 0, 0)
	require.NoError(t, err)
	assert.Len(t, devs, 1, "one demo developer after two starts")
	entries, err := store.ListEntries(t.Context())
	require.NoError(t, err)
	assert.Len(t, entries, len(demoEntries))
}
