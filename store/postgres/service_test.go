package postgres

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/portaloauth/portaloauth/catalogue"
	"github.com/portaloauth/portaloauth/oauthclient"
	"github.com/portaloauth/portaloauth/portal"
)

// TestTwoPortalServices runs two portal services, each with a Store on a
// pool of its own, on one database, as two portal nodes do: what one node
// does, the other sees on its next request.
func TestTwoPortalServices(t *testing.T) {
	t.Parallel()
	storeA, storeB := twoNodes(t)
	ctx := t.Context()
	svcA, err := portal.New(portal.Config{Store: storeA})
	require.NoError(t, err)
	svcB, err := portal.New(portal.Config{Store: storeB})
	require.NoError(t, err)
	authA := &oauthclient.Authenticator{Clients: storeA}
	authB := &oauthclient.Authenticator{Clients: storeB}

	require.NoError(t, svcA.AddAPI(ctx, &catalogue.API{ID: "payments", Name: "Payments",
		AuthMode: catalogue.AuthOAuth2, Active: true}))
	require.NoError(t, svcA.AddPolicy(ctx, &catalogue.Policy{ID: "gold", Name: "Gold",
		AccessRights: []catalogue.AccessRight{{APIID: "payments"}}, Active: true}))
	require.NoError(t, svcA.AddEntry(ctx, &catalogue.Entry{ID: "payments-entry", APIID: "payments",
		DisplayName: "Payments", PolicyIDs: []string{"gold"}, Visible: true}))
	dev, err := svcA.RegisterDeveloper(ctx, portal.NewDeveloper{Email: "ann@example.com", Name: "Ann"})
	require.NoError(t, err)

	// Node B sees node A's catalogue and developer, and creates a client.
	eligible, err := svcB.EligibleEntries(ctx, dev.ID)
	require.NoError(t, err)
	require.Len(t, eligible, 1)
	created, err := svcB.CreateClient(ctx, dev.ID, portal.CreateClientRequest{
		EntryIDs: []string{"payments-entry"},
		Metadata: oauthclient.Metadata{ClientName: "Shop", RedirectURIs: []string{"https://shop.example/cb"}},
	})
	require.NoError(t, err)
	clientID := created.Client.ID
	cred := oauthclient.Credentials{ClientID: clientID, Secret: created.Secret, Method: oauthclient.AuthMethodBasic}

	_, err = authA.Authenticate(ctx, cred)
	require.NoError(t, err, "a client created on B authenticates on A")

	// A token issued on A, revoked on B: A's next check finds nothing.
	now := time.Now()
	tok := &oauthclient.Token{Hash: oauthclient.HashToken("poa_at_test"), Kind: oauthclient.KindAccessToken,
		ClientID: clientID, GrantID: "g1", IssuedAt: now, ExpiresAt: now.Add(time.Hour)}
	require.NoError(t, storeA.CreateToken(ctx, tok))
	n, err := svcB.RevokeTokens(ctx, dev.ID, clientID)
	require.NoError(t, err)
	require.Equal(t, 1, n)
	_, err = storeA.GetToken(ctx, tok.Hash)
	require.ErrorIs(t, err, oauthclient.ErrNotFound, "a token revoked on B is rejected on A")

	// A secret rotated on A without grace: B refuses the old one at once.
	rotated, err := svcA.RotateSecret(ctx, dev.ID, clientID, 0)
	require.NoError(t, err)
	_, err = authB.Authenticate(ctx, cred)
	require.ErrorIs(t, err, oauthclient.ErrInvalidClient, "the old secret is refused on B")
	cred.Secret = rotated.Secret
	_, err = authB.Authenticate(ctx, cred)
	require.NoError(t, err, "the new secret works on B")

	// The developer deactivated on B: A refuses the client.
	require.NoError(t, svcB.DeactivateDeveloper(ctx, "admin", dev.ID))
	_, err = authA.Authenticate(ctx, cred)
	require.ErrorIs(t, err, oauthclient.ErrInvalidClient, "a deactivated developer's client is refused on A")
}
