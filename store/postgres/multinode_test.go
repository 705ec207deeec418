package postgres

import (
	"crypto/rand"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/portaloauth/portaloauth/internal/pgtest"
	"github.com/portaloauth/portaloauth/oauthclient"
)

// twoNodes returns two Stores on one schema through separate pools, as two
// nodes sharing one database have.
func twoNodes(t *testing.T) (a, b *Store) {
	t.Helper()
	dsn, schema := pgtest.Schema(t)
	a = NewFromPool(newPool(t, dsn, schema))
	b = NewFromPool(newPool(t, dsn, schema))
	require.NoError(t, a.Migrate(t.Context()))
	require.NoError(t, b.Migrate(t.Context()))
	return a, b
}

func TestTwoNodesShareClients(t *testing.T) {
	t.Parallel()
	a, b := twoNodes(t)
	ctx := t.Context()
	h := &oauthclient.Hasher{}
	plain, secret, err := h.NewSecret(rand.Reader, time.Now())
	require.NoError(t, err)
	c := testClient("c1", "")
	c.Secrets = []oauthclient.Secret{secret}
	require.NoError(t, a.CreateClient(ctx, c))

	authB := &oauthclient.Authenticator{Clients: b, Hasher: h}
	cred := oauthclient.Credentials{ClientID: "c1", Secret: plain, Method: oauthclient.AuthMethodBasic}
	got, err := authB.Authenticate(ctx, cred)
	require.NoError(t, err, "a client created on one node authenticates on the other")
	require.Equal(t, "c1", got.ID)

	c.Status = oauthclient.StatusDisabled
	require.NoError(t, a.UpdateClient(ctx, c, oauthclient.UpdateOptions{RevokeTokens: true}))
	_, err = authB.Authenticate(ctx, cred)
	require.ErrorIs(t, err, oauthclient.ErrInvalidClient, "disabled on one node, refused on the other at once")
}

func TestTwoNodesShareRevocation(t *testing.T) {
	t.Parallel()
	a, b := twoNodes(t)
	ctx := t.Context()
	require.NoError(t, a.CreateClient(ctx, testClient("c1", "")))
	for _, h := range []string{"t1", "t2", "t3"} {
		require.NoError(t, a.CreateToken(ctx, testToken(h, "c1", "g-"+h)))
	}
	for _, h := range []string{"t1", "t2", "t3"} {
		_, err := b.GetToken(ctx, h)
		require.NoError(t, err)
	}

	require.NoError(t, a.DeleteToken(ctx, "t1"))
	_, err := b.GetToken(ctx, "t1")
	require.ErrorIs(t, err, oauthclient.ErrNotFound, "a token deleted on one node is gone on the other")

	n, err := b.RevokeGrant(ctx, "c1", "g-t2")
	require.NoError(t, err)
	require.Equal(t, 1, n)
	_, err = a.GetToken(ctx, "t2")
	require.ErrorIs(t, err, oauthclient.ErrNotFound)

	require.NoError(t, b.DeleteClient(ctx, "c1"))
	_, err = a.GetToken(ctx, "t3")
	require.ErrorIs(t, err, oauthclient.ErrNotFound, "deleting a client deletes its tokens for every node")
}
