package main

import (
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portaloauth/portaloauth/catalogue"
	"github.com/portaloauth/portaloauth/internal/pgtest"
	"github.com/portaloauth/portaloauth/oauthclient"
	"github.com/portaloauth/portaloauth/portal"
	"github.com/portaloauth/portaloauth/store/postgres"
)

// TestGatewayOnPostgres: with -postgres the gateway reads the database the
// portal writes. A token issued by another node passes; revoked by that
// node, it is refused: without the cache on the very next request, with
// it (the default) once the database's notification has reached the
// gateway, and from then on.
func TestGatewayOnPostgres(t *testing.T) {
	t.Parallel()
	for _, cached := range []bool{true, false} {
		t.Run("cache="+strconv.FormatBool(cached), func(t *testing.T) {
			t.Parallel()
			testGatewayOnPostgres(t, cached)
		})
	}
}

func testGatewayOnPostgres(t *testing.T, cached bool) {
	dsn := pgtest.SchemaDSN(t)

	// The portal's node: its own pool on the shared database.
	portalNode, err := postgres.Open(t.Context(), dsn)
	require.NoError(t, err)
	t.Cleanup(portalNode.Close)
	require.NoError(t, portalNode.Migrate(t.Context()))
	svc, err := portal.New(portal.Config{Store: portalNode})
	require.NoError(t, err)
	ctx := t.Context()
	require.NoError(t, svc.AddAPI(ctx, &catalogue.API{ID: "payments", Name: "Payments", AuthMode: catalogue.AuthOAuth2, Active: true}))
	require.NoError(t, svc.AddPolicy(ctx, &catalogue.Policy{ID: "payments-basic", Name: "Basic", Active: true,
		AccessRights: []catalogue.AccessRight{{APIID: "payments"}}}))
	require.NoError(t, svc.AddEntry(ctx, &catalogue.Entry{ID: "payments", APIID: "payments", DisplayName: "Payments",
		PolicyIDs: []string{"payments-basic"}, Visible: true}))
	dev, err := svc.RegisterDeveloper(ctx, portal.NewDeveloper{Email: "ada@example.com", Name: "Ada"})
	require.NoError(t, err)
	nc, err := svc.CreateClient(ctx, dev.ID, portal.CreateClientRequest{
		EntryIDs: []string{"payments"},
		Metadata: oauthclient.Metadata{ClientName: "Shop", GrantTypes: []oauthclient.GrantType{oauthclient.GrantClientCredentials}},
	})
	require.NoError(t, err)
	token, hash, err := oauthclient.GenerateToken(nil, oauthclient.KindAccessToken)
	require.NoError(t, err)
	now := time.Now()
	require.NoError(t, portalNode.CreateToken(ctx, &oauthclient.Token{
		Hash: hash, Kind: oauthclient.KindAccessToken, ClientID: nc.Client.ID, GrantID: "g1",
		PolicyID: nc.Client.PolicyID, IssuedAt: now, ExpiresAt: now.Add(time.Hour),
	}))

	g := startGateway(t, "-api", "payments", "-postgres", dsn, "-cache="+strconv.FormatBool(cached))
	assert.NotContains(t, g.out.String(), "demo client", "no demo is seeded on a shared database")

	call := func() int {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, g.base+"/hello", nil)
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer "+token.Reveal())
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		require.NoError(t, resp.Body.Close())
		return resp.StatusCode
	}
	require.Equal(t, http.StatusOK, call(), "a token the portal's node issued passes the gateway")
	require.Equal(t, http.StatusOK, call(), "twice (from the cache, if there is one)")

	n, err := svc.RevokeTokens(ctx, dev.ID, nc.Client.ID)
	require.NoError(t, err)
	require.Equal(t, 1, n)
	if cached {
		require.Eventually(t, func() bool { return call() == http.StatusUnauthorized }, 10*time.Second, time.Millisecond,
			"revoked on the portal's node, refused by the gateway once notified")
	}
	for range 3 {
		assert.Equal(t, http.StatusUnauthorized, call(), "revoked on the portal's node, refused by the gateway")
	}

	g.stop()
}
