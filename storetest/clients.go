package storetest

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portaloauth/portaloauth/oauthclient"
)

var clientTests = []test[oauthclient.Store]{
	{"CreateClient stores every field, secrets included", func(t *testing.T, s oauthclient.Store) {
		dev := newOwner(t, s, at(0))
		c := createClient(t, s, dev.ID, at(1))
		assertClient(t, c, storedClient(t, s, c.ID))

		public := newClient(dev.ID, at(2))
		public.TokenEndpointAuthMethod = oauthclient.AuthMethodNone
		public.Secrets = nil
		public.RegistrationTokenHash = ""
		public.Extra = nil
		require.NoError(t, s.CreateClient(t.Context(), public))
		assertClient(t, public, storedClient(t, s, public.ID))
	}},
	{"CreateClient stores Version as given", func(t *testing.T, s oauthclient.Store) {
		dev := newOwner(t, s, at(0))
		c := newClient(dev.ID, at(1))
		c.Version = 7
		require.NoError(t, s.CreateClient(t.Context(), c))
		assert.EqualValues(t, 7, c.Version)
		assert.EqualValues(t, 7, storedClient(t, s, c.ID).Version)
	}},
	{"CreateClient returns ErrDuplicate if a client has c.ID", func(t *testing.T, s oauthclient.Store) {
		dev := newOwner(t, s, at(0))
		c := createClient(t, s, dev.ID, at(1))
		again := newClient(dev.ID, at(2))
		again.ID = c.ID
		require.ErrorIs(t, s.CreateClient(t.Context(), again), oauthclient.ErrDuplicate)
		assertClient(t, c, storedClient(t, s, c.ID), "the first client must stay as it was")
	}},
	{"CreateClient accepts an empty DeveloperID for a client no developer owns", func(t *testing.T, s oauthclient.Store) {
		c := createClient(t, s, "", at(1))
		assertClient(t, c, storedClient(t, s, c.ID))
		all, err := s.ListClients(t.Context(), oauthclient.ClientFilter{})
		require.NoError(t, err)
		assert.Equal(t, []string{c.ID}, clientIDs(all))
	}},
	{"GetClient returns ErrNotFound for an unknown ID", func(t *testing.T, s oauthclient.Store) {
		dev := newOwner(t, s, at(0))
		createClient(t, s, dev.ID, at(1))
		_, err := s.GetClient(t.Context(), newID())
		require.ErrorIs(t, err, oauthclient.ErrNotFound)
	}},
	{"UpdateClient replaces the client and increments Version", func(t *testing.T, s oauthclient.Store) {
		dev := newOwner(t, s, at(0))
		c := createClient(t, s, dev.ID, at(1))
		c.ClientName = "Renamed"
		c.Description = "Changed"
		c.RedirectURIs = []string{"https://new.example.com/cb"}
		c.GrantTypes = []oauthclient.GrantType{oauthclient.GrantClientCredentials}
		c.Secrets = c.Secrets[1:]
		c.Status = oauthclient.StatusDisabled
		c.PolicyID = "silver"
		c.APIIDs = []string{"billing"}
		c.Extra = nil
		c.RegistrationTokenHash = ""
		c.UpdatedAt = at(5)
		require.NoError(t, s.UpdateClient(t.Context(), c, oauthclient.UpdateOptions{}))
		assert.EqualValues(t, 2, c.Version, "UpdateClient sets c.Version+1")
		assertClient(t, c, storedClient(t, s, c.ID))

		c.ClientName = "Again"
		require.NoError(t, s.UpdateClient(t.Context(), c, oauthclient.UpdateOptions{}))
		assert.EqualValues(t, 3, c.Version)
		assertClient(t, c, storedClient(t, s, c.ID))
	}},
	{"UpdateClient returns ErrConflict and changes nothing on a stale Version", func(t *testing.T, s oauthclient.Store) {
		dev := newOwner(t, s, at(0))
		c := createClient(t, s, dev.ID, at(1))
		tok := createToken(t, s, newToken(c.ID, newID(), at(2)))
		fresh := storedClient(t, s, c.ID)
		fresh.ClientName = "first writer"
		require.NoError(t, s.UpdateClient(t.Context(), fresh, oauthclient.UpdateOptions{}))
		want := storedClient(t, s, c.ID)

		for _, version := range []int64{c.Version, c.Version + 5} {
			stale := c.Clone()
			stale.Version = version
			stale.ClientName = "second writer"
			require.ErrorIs(t, s.UpdateClient(t.Context(), stale, oauthclient.UpdateOptions{RevokeTokens: true}), oauthclient.ErrConflict, "version %d", version)
			assert.Equal(t, version, stale.Version, "a refused update leaves c.Version alone")
			assertClient(t, want, storedClient(t, s, c.ID))
			assertTokensExist(t, s, tok)
		}
	}},
	{"UpdateClient returns ErrNotFound for an unknown ID", func(t *testing.T, s oauthclient.Store) {
		dev := newOwner(t, s, at(0))
		c := newClient(dev.ID, at(1))
		require.ErrorIs(t, s.UpdateClient(t.Context(), c, oauthclient.UpdateOptions{}), oauthclient.ErrNotFound)
		_, err := s.GetClient(t.Context(), c.ID)
		require.ErrorIs(t, err, oauthclient.ErrNotFound, "an update must not create")
	}},
	{"UpdateClient keeps the tokens without RevokeTokens", func(t *testing.T, s oauthclient.Store) {
		dev := newOwner(t, s, at(0))
		c := createClient(t, s, dev.ID, at(1))
		tokens := createTokens(t, s, c.ID, newID(), 10, 3)
		c.ClientName = "Renamed"
		require.NoError(t, s.UpdateClient(t.Context(), c, oauthclient.UpdateOptions{}))
		assertTokensExist(t, s, tokens...)
	}},
	{"UpdateClient with RevokeTokens deletes the client's tokens only", func(t *testing.T, s oauthclient.Store) {
		dev := newOwner(t, s, at(0))
		c := createClient(t, s, dev.ID, at(1))
		other := createClient(t, s, dev.ID, at(2))
		tokens := append(createTokens(t, s, c.ID, newID(), 10, 3), createToken(t, s, newCode(c.ID, "", at(20))))
		kept := createTokens(t, s, other.ID, newID(), 10, 2)
		c.PolicyID = "silver"
		require.NoError(t, s.UpdateClient(t.Context(), c, oauthclient.UpdateOptions{RevokeTokens: true}))
		assertClient(t, c, storedClient(t, s, c.ID))
		assertTokensGone(t, s, tokens...)
		assertTokensExist(t, s, kept...)
		list, err := s.ListTokens(t.Context(), oauthclient.TokenFilter{ClientID: c.ID})
		require.NoError(t, err)
		assert.Empty(t, list)
	}},
	{"DeleteClient deletes the client and all its tokens", func(t *testing.T, s oauthclient.Store) {
		dev := newOwner(t, s, at(0))
		c := createClient(t, s, dev.ID, at(1))
		other := createClient(t, s, dev.ID, at(2))
		grant := newID()
		tokens := append(createTokens(t, s, c.ID, grant, 10, 3), createTokens(t, s, c.ID, "", 20, 2)...)
		kept := createTokens(t, s, other.ID, grant, 10, 2)
		require.NoError(t, s.DeleteClient(t.Context(), c.ID))
		_, err := s.GetClient(t.Context(), c.ID)
		require.ErrorIs(t, err, oauthclient.ErrNotFound)
		assertTokensGone(t, s, tokens...)
		assertTokensExist(t, s, kept...)
		assertClient(t, other, storedClient(t, s, other.ID))
		list, err := s.ListClients(t.Context(), oauthclient.ClientFilter{DeveloperID: dev.ID})
		require.NoError(t, err)
		assert.Equal(t, []string{other.ID}, clientIDs(list))
		require.ErrorIs(t, s.DeleteClient(t.Context(), c.ID), oauthclient.ErrNotFound, "deleted twice")
	}},
	{"DeleteClient returns ErrNotFound for an unknown ID", func(t *testing.T, s oauthclient.Store) {
		require.ErrorIs(t, s.DeleteClient(t.Context(), newID()), oauthclient.ErrNotFound)
	}},
	{"a deleted client's ID can be created again, without the old tokens", func(t *testing.T, s oauthclient.Store) {
		dev := newOwner(t, s, at(0))
		c := createClient(t, s, dev.ID, at(1))
		tokens := createTokens(t, s, c.ID, newID(), 10, 2)
		require.NoError(t, s.DeleteClient(t.Context(), c.ID))
		require.NoError(t, s.CreateClient(t.Context(), c))
		assertTokensGone(t, s, tokens...)
		n, err := s.RevokeClientTokens(t.Context(), c.ID)
		require.NoError(t, err)
		assert.Zero(t, n)
	}},
	{"ListClients returns clients oldest first, then by ID", func(t *testing.T, s oauthclient.Store) {
		dev := newOwner(t, s, at(0))
		// Created out of order, three of them at the same time.
		created := []time.Time{at(30), at(10), at(20), at(20), at(5), at(20)}
		var ids []string
		for _, when := range created {
			ids = append(ids, createClient(t, s, dev.ID, when).ID)
		}
		list, err := s.ListClients(t.Context(), oauthclient.ClientFilter{})
		require.NoError(t, err)
		assert.Equal(t, sortedBy(created, ids), clientIDs(list))
	}},
	{"ListClients skips Offset and returns at most Limit", func(t *testing.T, s oauthclient.Store) {
		dev := newOwner(t, s, at(0))
		var ids []string
		for i := range 7 {
			ids = append(ids, createClient(t, s, dev.ID, at(10+i)).ID)
		}
		for _, tc := range []struct {
			offset, limit int
			want          []string
		}{
			{0, 3, ids[:3]},
			{3, 3, ids[3:6]},
			{6, 3, ids[6:]},
			{7, 3, nil},
			{100, 3, nil},
			{2, 0, ids[2:]},
			{-1, 2, ids[:2]},
		} {
			list, err := s.ListClients(t.Context(), oauthclient.ClientFilter{Page: oauthclient.Page{Offset: tc.offset, Limit: tc.limit}})
			require.NoError(t, err)
			assert.Equal(t, nilIfEmpty(tc.want), nilIfEmpty(clientIDs(list)), "offset %d limit %d", tc.offset, tc.limit)
			list, err = s.ListClients(t.Context(), oauthclient.ClientFilter{DeveloperID: dev.ID, Page: oauthclient.Page{Offset: tc.offset, Limit: tc.limit}})
			require.NoError(t, err)
			assert.Equal(t, nilIfEmpty(tc.want), nilIfEmpty(clientIDs(list)), "developer, offset %d limit %d", tc.offset, tc.limit)
		}
	}},
	{"ListClients returns DefaultLimit clients for Limit 0 and at most MaxLimit", func(t *testing.T, s oauthclient.Store) {
		dev := newOwner(t, s, at(0))
		var ids []string
		for i := range oauthclient.MaxLimit + 1 {
			c := newClient(dev.ID, at(i))
			c.Secrets = c.Secrets[:1]
			require.NoError(t, s.CreateClient(t.Context(), c))
			ids = append(ids, c.ID)
		}
		list, err := s.ListClients(t.Context(), oauthclient.ClientFilter{})
		require.NoError(t, err)
		assert.Equal(t, ids[:oauthclient.DefaultLimit], clientIDs(list))
		list, err = s.ListClients(t.Context(), oauthclient.ClientFilter{Page: oauthclient.Page{Limit: oauthclient.MaxLimit + 50}})
		require.NoError(t, err)
		assert.Equal(t, ids[:oauthclient.MaxLimit], clientIDs(list))
	}},
	{"ListClients with DeveloperID returns that developer's clients only", func(t *testing.T, s oauthclient.Store) {
		alice := newOwner(t, s, at(0))
		bob := newOwner(t, s, at(1))
		var aliceIDs []string
		for i := range 3 {
			aliceIDs = append(aliceIDs, createClient(t, s, alice.ID, at(10+2*i)).ID)
			createClient(t, s, bob.ID, at(11+2*i))
		}
		createClient(t, s, "", at(9))
		list, err := s.ListClients(t.Context(), oauthclient.ClientFilter{DeveloperID: alice.ID})
		require.NoError(t, err)
		assert.Equal(t, aliceIDs, clientIDs(list))
		list, err = s.ListClients(t.Context(), oauthclient.ClientFilter{DeveloperID: newID()})
		require.NoError(t, err)
		assert.Empty(t, list, "an unknown developer has no clients")
		list, err = s.ListClients(t.Context(), oauthclient.ClientFilter{})
		require.NoError(t, err)
		assert.Len(t, list, 7)
	}},
}
