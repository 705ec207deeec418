package portal_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portaloauth/portaloauth/oauthclient"
	"github.com/portaloauth/portaloauth/portal"
)

func TestListAndGetClients(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	d, other := f.developer(t), f.developer(t)
	var ids []string
	for range 3 {
		ids = append(ids, f.client(t, d.ID).Client.ID)
		f.clock.Advance(time.Second)
	}
	f.client(t, other.ID)

	all, err := f.svc.ListClients(t.Context(), d.ID, oauthclient.Page{})
	require.NoError(t, err)
	var got []string
	for _, c := range all {
		got = append(got, c.ID)
		assert.Equal(t, d.ID, c.DeveloperID)
	}
	assert.Equal(t, ids, got, "only their own, oldest first")

	page, err := f.svc.ListClients(t.Context(), d.ID, oauthclient.Page{Offset: 1, Limit: 1})
	require.NoError(t, err)
	require.Len(t, page, 1)
	assert.Equal(t, ids[1], page[0].ID)

	c, err := f.svc.GetClient(t.Context(), d.ID, ids[2])
	require.NoError(t, err)
	assert.Equal(t, ids[2], c.ID)

	none, err := f.svc.ListClients(t.Context(), "nobody", oauthclient.Page{})
	require.NoError(t, err)
	assert.Empty(t, none)
	_, err = f.svc.ListClients(t.Context(), "", oauthclient.Page{})
	require.ErrorIs(t, err, portal.ErrInvalidInput)
}

// TestOwnership checks that every developer operation on another
// developer's client fails exactly like one on a client that does not
// exist, and changes nothing.
func TestOwnership(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	owner, intruder := f.developer(t), f.developer(t)
	nc := f.client(t, owner.ID)
	id := nc.Client.ID
	f.token(t, id, 1)

	ops := map[string]func(ctx context.Context, dev, client string) error{
		"get": func(ctx context.Context, dev, client string) error {
			_, err := f.svc.GetClient(ctx, dev, client)
			return err
		},
		"update": func(ctx context.Context, dev, client string) error {
			_, err := f.svc.UpdateClient(ctx, dev, client, portal.UpdateClientRequest{Version: 1, Name: ptr("Mine now")})
			return err
		},
		"rotate": func(ctx context.Context, dev, client string) error {
			_, err := f.svc.RotateSecret(ctx, dev, client, 0)
			return err
		},
		"revoke": func(ctx context.Context, dev, client string) error {
			_, err := f.svc.RevokeTokens(ctx, dev, client)
			return err
		},
		"delete": func(ctx context.Context, dev, client string) error {
			return f.svc.DeleteClient(ctx, dev, client)
		},
	}
	for name, op := range ops {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			errOther := op(t.Context(), intruder.ID, id)
			errMissing := op(t.Context(), intruder.ID, "no-such-client")
			require.ErrorIs(t, errOther, portal.ErrNotFound)
			require.ErrorIs(t, errMissing, portal.ErrNotFound)
			assert.Equal(t, errMissing, errOther, "no existence leak")
		})
	}
	t.Cleanup(func() {
		stored, err := f.store.GetClient(context.Background(), id)
		if assert.NoError(t, err) {
			assert.Equal(t, int64(1), stored.Version, "unchanged")
			assert.Equal(t, 1, f.tokenCount(t, id), "tokens untouched")
		}
	})
}

func TestUpdateClient(t *testing.T) {
	t.Parallel()
	f, d, nc := clientFixture(t)
	id := nc.Client.ID
	f.token(t, id, 1)
	f.clock.Advance(time.Minute)

	up, err := f.svc.UpdateClient(t.Context(), d.ID, id, portal.UpdateClientRequest{
		Version:      1,
		Name:         ptr("Shop v2"),
		Description:  ptr("New description"),
		RedirectURIs: []string{"https://shop.example.com/new", "http://127.0.0.1/cb"},
	})
	require.NoError(t, err)
	assert.Equal(t, "Shop v2", up.ClientName)
	assert.Equal(t, "New description", up.Description)
	assert.Equal(t, []string{"https://shop.example.com/new", "http://127.0.0.1/cb"}, up.RedirectURIs)
	assert.Equal(t, int64(2), up.Version)
	assert.Equal(t, t0.Add(time.Minute), up.UpdatedAt)
	assert.Equal(t, 1, f.tokenCount(t, id), "no policy change, tokens kept")
	ev := f.rec.Last(t)
	assert.Equal(t, portal.EventUpdated, ev.Type)
	assert.Contains(t, ev.Detail, "redirect_uris")

	stored, err := f.store.GetClient(t.Context(), id)
	require.NoError(t, err)
	assert.Equal(t, up.RedirectURIs, stored.RedirectURIs)
	assert.Equal(t, nc.Client.Secrets, stored.Secrets, "secrets untouched")

	// A policy change revokes the client's tokens.
	up, err = f.svc.UpdateClient(t.Context(), d.ID, id, portal.UpdateClientRequest{Version: 2, PolicyID: ptr(policyGold)})
	require.NoError(t, err)
	assert.Equal(t, policyGold, up.PolicyID)
	assert.Equal(t, 0, f.tokenCount(t, id))
	assert.Contains(t, f.rec.Last(t).Detail, "tokens_revoked")

	// A request that changes nothing writes nothing.
	same, err := f.svc.UpdateClient(t.Context(), d.ID, id, portal.UpdateClientRequest{Version: 3, Name: ptr("Shop v2")})
	require.NoError(t, err)
	assert.Equal(t, int64(3), same.Version)
}

// TestUpdateRedirectURIsNeedsApprovalAgain: an approved client of an
// entry that requires approval goes back to pending, its tokens revoked,
// when its redirect URIs change; its other details change freely.
func TestUpdateRedirectURIsNeedsApprovalAgain(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	d := f.developer(t)
	nc := f.clientOf(t, d.ID, entryReports, policyReports)
	require.Equal(t, oauthclient.StatusPending, nc.Client.Status)
	require.NoError(t, f.svc.ApproveClient(t.Context(), "admin", nc.Client.ID))
	c, err := f.svc.GetClient(t.Context(), d.ID, nc.Client.ID)
	require.NoError(t, err)
	f.token(t, c.ID, 1)

	c, err = f.svc.UpdateClient(t.Context(), d.ID, c.ID, portal.UpdateClientRequest{Version: c.Version, Name: ptr("Renamed")})
	require.NoError(t, err)
	assert.Equal(t, oauthclient.StatusActive, c.Status, "a new name needs no approval")
	assert.Equal(t, 1, f.tokenCount(t, c.ID))

	c, err = f.svc.UpdateClient(t.Context(), d.ID, c.ID, portal.UpdateClientRequest{Version: c.Version,
		RedirectURIs: []string{"https://elsewhere.example.com/cb"}})
	require.NoError(t, err)
	assert.Equal(t, oauthclient.StatusPending, c.Status, "a new redirect URI is approved again")
	stored, err := f.store.GetClient(t.Context(), c.ID)
	require.NoError(t, err)
	assert.Equal(t, oauthclient.StatusPending, stored.Status)
	assert.Equal(t, 0, f.tokenCount(t, c.ID), "its tokens are revoked")

	// An entry without approval: redirect URIs change freely.
	free := f.client(t, d.ID).Client
	free, err = f.svc.UpdateClient(t.Context(), d.ID, free.ID, portal.UpdateClientRequest{Version: free.Version,
		RedirectURIs: []string{"https://elsewhere.example.com/cb"}})
	require.NoError(t, err)
	assert.Equal(t, oauthclient.StatusActive, free.Status)
}

func TestUpdateClientWholeMetadata(t *testing.T) {
	t.Parallel()
	f, d, nc := clientFixture(t)

	md := oauthclient.Metadata{
		ClientName:   "Replaced",
		RedirectURIs: []string{"https://replaced.example.com/cb"},
		GrantTypes:   []oauthclient.GrantType{oauthclient.GrantAuthorizationCode},
		ClientURI:    "https://replaced.example.com",
	}
	up, err := f.svc.UpdateClient(t.Context(), d.ID, nc.Client.ID, portal.UpdateClientRequest{Version: 1, Metadata: &md})
	require.NoError(t, err)
	assert.Equal(t, "Replaced", up.ClientName)
	assert.Equal(t, "https://replaced.example.com", up.ClientURI)
	assert.Equal(t, oauthclient.AuthMethodBasic, up.TokenEndpointAuthMethod, "kept")

	md.TokenEndpointAuthMethod = oauthclient.AuthMethodNone
	_, err = f.svc.UpdateClient(t.Context(), d.ID, nc.Client.ID, portal.UpdateClientRequest{Version: 2, Metadata: &md})
	require.ErrorIs(t, err, oauthclient.ErrInvalidClientMetadata)
	assert.Contains(t, fields(err), "token_endpoint_auth_method")
}

func TestUpdateClientErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		req   portal.UpdateClientRequest
		want  error
		field string
	}{
		{"stale version", portal.UpdateClientRequest{Version: 0, Name: ptr("x")}, portal.ErrConflict, "version"},
		{"future version", portal.UpdateClientRequest{Version: 2, Name: ptr("x")}, portal.ErrConflict, "version"},
		{"bad redirect", portal.UpdateClientRequest{Version: 1, RedirectURIs: []string{"javascript:alert(1)"}}, oauthclient.ErrInvalidRedirectURI, ""},
		{"empty redirects for code grant", portal.UpdateClientRequest{Version: 1, RedirectURIs: []string{}}, nil, ""},
		{"empty name", portal.UpdateClientRequest{Version: 1, Name: ptr("")}, oauthclient.ErrInvalidClientMetadata, "client_name"},
		{"long description", portal.UpdateClientRequest{Version: 1, Description: ptr(string(make([]byte, 2001)))}, portal.ErrInvalidInput, "description"},
		{"policy not offered", portal.UpdateClientRequest{Version: 1, PolicyID: ptr(policyReports)}, portal.ErrPolicyNotOffered, "policy_id"},
		{"unknown policy", portal.UpdateClientRequest{Version: 1, PolicyID: ptr("platinum")}, portal.ErrPolicyNotOffered, "policy_id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f, d, nc := clientFixture(t)
			f.token(t, nc.Client.ID, 1)
			before := len(f.rec.Events())

			_, err := f.svc.UpdateClient(t.Context(), d.ID, nc.Client.ID, tt.req)
			require.Error(t, err)
			if tt.want != nil {
				require.ErrorIs(t, err, tt.want)
			}
			if tt.field != "" {
				assert.Contains(t, fields(err), tt.field)
			}
			stored, err := f.store.GetClient(t.Context(), nc.Client.ID)
			require.NoError(t, err)
			assert.Equal(t, nc.Client, stored, "nothing changed")
			assert.Equal(t, 1, f.tokenCount(t, nc.Client.ID))
			assert.Len(t, f.rec.Events(), before)
		})
	}
}

func TestUpdateClientPolicyMustGrantEveryAPI(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	d := f.developer(t)
	req := request()
	req.EntryIDs, req.PolicyID = []string{entryPayments, entryLedger}, policyGold
	nc, err := f.svc.CreateClient(t.Context(), d.ID, req)
	require.NoError(t, err)

	// basic is offered for payments but neither offered for nor granting ledger.
	_, err = f.svc.UpdateClient(t.Context(), d.ID, nc.Client.ID, portal.UpdateClientRequest{Version: 1, PolicyID: ptr(policyBasic)})
	require.ErrorIs(t, err, portal.ErrPolicyNotOffered)
}

func TestUpdateClientInactiveDeveloper(t *testing.T) {
	t.Parallel()
	f, d, nc := clientFixture(t)
	require.NoError(t, f.svc.DeactivateDeveloper(t.Context(), "admin", d.ID))

	_, err := f.svc.UpdateClient(t.Context(), d.ID, nc.Client.ID, portal.UpdateClientRequest{Version: 2, Name: ptr("x")})
	require.ErrorIs(t, err, portal.ErrDeveloperInactive)
	_, err = f.svc.RotateSecret(t.Context(), d.ID, nc.Client.ID, 0)
	require.ErrorIs(t, err, portal.ErrDeveloperInactive)
	// Revoking and deleting stay possible.
	_, err = f.svc.RevokeTokens(t.Context(), d.ID, nc.Client.ID)
	require.NoError(t, err)
	require.NoError(t, f.svc.DeleteClient(t.Context(), d.ID, nc.Client.ID))
}

// TestConcurrentUpdates runs many updates carrying the same version: one
// wins, the others get ErrConflict, and the winner's change is the one
// stored.
func TestConcurrentUpdates(t *testing.T) {
	t.Parallel()
	f, d, nc := clientFixture(t)

	const n = 20
	var wg sync.WaitGroup
	results := make([]error, n)
	names := make([]string, n)
	for i := range n {
		names[i] = "Name " + string(rune('A'+i))
		wg.Go(func() {
			_, results[i] = f.svc.UpdateClient(context.Background(), d.ID, nc.Client.ID,
				portal.UpdateClientRequest{Version: 1, Name: &names[i]})
		})
	}
	wg.Wait()
	winner := -1
	for i, err := range results {
		if err == nil {
			require.Equal(t, -1, winner, "two winners")
			winner = i
			continue
		}
		require.ErrorIs(t, err, portal.ErrConflict)
	}
	require.NotEqual(t, -1, winner)
	stored, err := f.store.GetClient(t.Context(), nc.Client.ID)
	require.NoError(t, err)
	assert.Equal(t, names[winner], stored.ClientName)
	assert.Equal(t, int64(2), stored.Version)
}

func TestRotateSecret(t *testing.T) {
	t.Parallel()
	f, d, nc := clientFixture(t)
	id, first := nc.Client.ID, nc.Secret

	// With a grace period both secrets authenticate until it ends.
	f.clock.Advance(time.Minute)
	rot, err := f.svc.RotateSecret(t.Context(), d.ID, id, time.Hour)
	require.NoError(t, err)
	second := rot.Secret
	require.False(t, second.IsZero())
	assert.NotEqual(t, first.Reveal(), second.Reveal())
	require.Len(t, rot.Client.Secrets, 2)
	assert.Equal(t, t0.Add(time.Minute+time.Hour), rot.Client.Secrets[0].ExpiresAt)
	assert.True(t, rot.Client.Secrets[1].ExpiresAt.IsZero())
	require.NoError(t, f.authenticate(t.Context(), id, first))
	require.NoError(t, f.authenticate(t.Context(), id, second))
	ev := f.rec.Last(t)
	assert.Equal(t, portal.EventSecretRotated, ev.Type)
	assert.Contains(t, ev.Detail, rot.Client.Secrets[1].Hint)

	f.clock.Advance(time.Hour)
	require.ErrorIs(t, f.authenticate(t.Context(), id, first), oauthclient.ErrInvalidClient)
	require.NoError(t, f.authenticate(t.Context(), id, second))

	// The expired secret is pruned at the next rotation; zero grace drops
	// the previous one at once.
	rot, err = f.svc.RotateSecret(t.Context(), d.ID, id, 0)
	require.NoError(t, err)
	require.Len(t, rot.Client.Secrets, 1)
	require.ErrorIs(t, f.authenticate(t.Context(), id, second), oauthclient.ErrInvalidClient)
	require.NoError(t, f.authenticate(t.Context(), id, rot.Secret))
}

func TestRotateSecretMaxSecrets(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		maxSecrets int
		want       int
	}{
		{"default keeps 2", 0, 2},
		{"one", 1, 1},
		{"three", 3, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t)
			svc, err := portal.New(portal.Config{Store: f.store, MaxSecrets: tt.maxSecrets, OAuth: oauthclient.Config{Now: f.clock.Now}})
			require.NoError(t, err)
			d := f.developer(t)
			nc := f.client(t, d.ID)
			secrets := []oauthclient.Plaintext{nc.Secret}
			var last *portal.RotatedSecret
			for range 4 {
				f.clock.Advance(time.Second)
				last, err = svc.RotateSecret(t.Context(), d.ID, nc.Client.ID, 24*time.Hour)
				require.NoError(t, err)
				secrets = append(secrets, last.Secret)
			}
			require.Len(t, last.Client.Secrets, tt.want)
			// The newest tt.want secrets work, the older ones do not.
			for i, s := range secrets {
				err := f.authenticate(t.Context(), nc.Client.ID, s)
				if i >= len(secrets)-tt.want {
					assert.NoError(t, err, "secret %d", i)
				} else {
					assert.ErrorIs(t, err, oauthclient.ErrInvalidClient, "secret %d", i)
				}
			}
		})
	}
}

func TestRotateSecretErrors(t *testing.T) {
	t.Parallel()
	f, d, nc := clientFixture(t)
	_, err := f.svc.RotateSecret(t.Context(), d.ID, nc.Client.ID, -time.Second)
	require.ErrorIs(t, err, portal.ErrInvalidInput)
	assert.Equal(t, "grace", fieldOf(t, err))

	req := request()
	req.Metadata.TokenEndpointAuthMethod = oauthclient.AuthMethodNone
	pub, err := f.svc.CreateClient(t.Context(), d.ID, req)
	require.NoError(t, err)
	_, err = f.svc.RotateSecret(t.Context(), d.ID, pub.Client.ID, 0)
	require.ErrorIs(t, err, portal.ErrPublicClient)
}

// TestConcurrentRotations rotates one client from many goroutines: every
// rotation succeeds (retrying on conflict), no update is lost (the version
// counts them all) and the last stored secrets are the newest ones.
func TestConcurrentRotations(t *testing.T) {
	t.Parallel()
	f, d, nc := clientFixture(t)

	const n = 6 // within the retry bound even if every attempt but one loses
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			_, errs[i] = f.svc.RotateSecret(context.Background(), d.ID, nc.Client.ID, time.Hour)
		})
	}
	wg.Wait()
	for _, err := range errs {
		require.NoError(t, err)
	}
	stored, err := f.store.GetClient(t.Context(), nc.Client.ID)
	require.NoError(t, err)
	assert.Equal(t, int64(1+n), stored.Version)
	assert.Len(t, stored.Secrets, portal.DefaultMaxSecrets)
	rotated := 0
	for _, e := range f.rec.Events() {
		if e.Type == portal.EventSecretRotated {
			rotated++
		}
	}
	assert.Equal(t, n, rotated)
}

func TestRevokeTokens(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	d := f.developer(t)
	a, b := f.client(t, d.ID), f.client(t, d.ID)
	for i := range 3 {
		f.token(t, a.Client.ID, i)
	}
	f.token(t, b.Client.ID, 1)

	n, err := f.svc.RevokeTokens(t.Context(), d.ID, a.Client.ID)
	require.NoError(t, err)
	assert.Equal(t, 3, n)
	assert.Equal(t, 0, f.tokenCount(t, a.Client.ID))
	assert.Equal(t, 1, f.tokenCount(t, b.Client.ID), "other client untouched")
	ev := f.rec.Last(t)
	assert.Equal(t, portal.EventTokensRevoked, ev.Type)
	assert.Equal(t, "tokens=3", ev.Detail)

	n, err = f.svc.RevokeTokens(t.Context(), d.ID, a.Client.ID)
	require.NoError(t, err)
	assert.Equal(t, 0, n)
}

func TestDeleteClient(t *testing.T) {
	t.Parallel()
	f, d, nc := clientFixture(t)
	hash := f.token(t, nc.Client.ID, 1)

	require.NoError(t, f.svc.DeleteClient(t.Context(), d.ID, nc.Client.ID))
	_, err := f.store.GetClient(t.Context(), nc.Client.ID)
	require.ErrorIs(t, err, portal.ErrNotFound)
	_, err = f.store.GetToken(t.Context(), hash)
	require.ErrorIs(t, err, portal.ErrNotFound, "tokens deleted with the client")
	assert.Equal(t, portal.EventDeleted, f.rec.Last(t).Type)
	require.ErrorIs(t, f.authenticate(t.Context(), nc.Client.ID, nc.Secret), oauthclient.ErrInvalidClient)

	err = f.svc.DeleteClient(t.Context(), d.ID, nc.Client.ID)
	require.ErrorIs(t, err, portal.ErrNotFound)
}

func TestContextCancelled(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	d := f.developer(t)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := f.svc.CreateClient(ctx, d.ID, request())
	require.Error(t, err)
	assert.True(t, errors.Is(err, context.Canceled), "got %v", err)
}
