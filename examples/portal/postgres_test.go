package main

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portaloauth/portaloauth/internal/pgtest"
	"github.com/portaloauth/portaloauth/oauthclient"
	"github.com/portaloauth/portaloauth/store/postgres"
)

// TestRunOnPostgres: $PORTALOAUTH_POSTGRES (or -postgres) keeps the portal
// in the database, and a second start on the same database keeps the demo
// and gives the demo developer a new password.
func TestRunOnPostgres(t *testing.T) {
	t.Parallel()
	dsn := pgtest.SchemaDSN(t)
	args := []string{"-addr", "127.0.0.1:0", "-postgres", dsn}
	env := map[string]string{"PORTAL_ADMIN_PASSWORD": "admin-password-1"}

	first := startRun(t, []string{"-addr", "127.0.0.1:0"}, map[string]string{
		"PORTAL_ADMIN_PASSWORD": "admin-password-1", EnvPostgres: dsn})
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
	devs, err := store.ListDevelopers(t.Context(), oauthclient.Page{})
	require.NoError(t, err)
	assert.Len(t, devs, 1, "one demo developer after two starts")
	entries, err := store.ListEntries(t.Context())
	require.NoError(t, err)
	assert.Len(t, entries, len(demoEntries))
}
