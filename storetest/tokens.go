package storetest

import (
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portaloauth/portaloauth/oauthclient"
)

// clientWithTokens creates a developer and a client, for token tests.
func clientWithTokens(t *testing.T, s oauthclient.Store) *oauthclient.Client {
	t.Helper()
	return createClient(t, s, newOwner(t, s, at(0)).ID, at(1))
}

var tokenTests = []test[oauthclient.Store]{
	{"CreateToken stores every field", func(t *testing.T, s oauthclient.Store) {
		c := clientWithTokens(t, s)
		access := createToken(t, s, newToken(c.ID, newID(), at(10)))
		code := createToken(t, s, newCode(c.ID, newID(), at(11)))
		refresh := newToken(c.ID, code.GrantID, at(12))
		refresh.Kind = oauthclient.KindRefreshToken
		refresh.Subject, refresh.PolicyID, refresh.Scope = "", "", ""
		refresh.ExpiresAt = at(12).Add(30 * 24 * time.Hour)
		refresh.Consumed = true
		createToken(t, s, refresh)
		assertTokensExist(t, s, access, code, refresh)
	}},
	{"CreateToken returns ErrDuplicate if a token has t.Hash", func(t *testing.T, s oauthclient.Store) {
		c := clientWithTokens(t, s)
		tok := createToken(t, s, newToken(c.ID, newID(), at(10)))
		again := newToken(c.ID, newID(), at(11))
		again.Hash = tok.Hash
		require.ErrorIs(t, s.CreateToken(t.Context(), again), oauthclient.ErrDuplicate)
		assertTokensExist(t, s, tok)
	}},
	{"CreateToken returns ErrNotFound if no client has t.ClientID", func(t *testing.T, s oauthclient.Store) {
		clientWithTokens(t, s)
		tok := newToken(newID(), newID(), at(10))
		require.ErrorIs(t, s.CreateToken(t.Context(), tok), oauthclient.ErrNotFound)
		assertTokensGone(t, s, tok)
	}},
	{"GetToken returns ErrNotFound for an unknown hash", func(t *testing.T, s oauthclient.Store) {
		c := clientWithTokens(t, s)
		createToken(t, s, newToken(c.ID, newID(), at(10)))
		_, err := s.GetToken(t.Context(), newHash())
		require.ErrorIs(t, err, oauthclient.ErrNotFound)
	}},
	{"GetToken returns expired and consumed tokens", func(t *testing.T, s oauthclient.Store) {
		c := clientWithTokens(t, s)
		expired := newToken(c.ID, newID(), at(10))
		expired.ExpiresAt = at(11)
		createToken(t, s, expired)
		code := createToken(t, s, newCode(c.ID, newID(), at(12)))
		_, err := s.ConsumeToken(t.Context(), code.Hash)
		require.NoError(t, err)
		code.Consumed = true
		assertTokensExist(t, s, expired, code)
	}},
	{"ConsumeToken marks the token used and returns it as it was before", func(t *testing.T, s oauthclient.Store) {
		c := clientWithTokens(t, s)
		code := createToken(t, s, newCode(c.ID, newID(), at(10)))
		got, err := s.ConsumeToken(t.Context(), code.Hash)
		require.NoError(t, err)
		assertToken(t, code, got)
		assert.False(t, got.Consumed)
		stored, err := s.GetToken(t.Context(), code.Hash)
		require.NoError(t, err)
		assert.True(t, stored.Consumed)
	}},
	{"ConsumeToken returns ErrTokenConsumed with the token if it was used", func(t *testing.T, s oauthclient.Store) {
		c := clientWithTokens(t, s)
		code := createToken(t, s, newCode(c.ID, newID(), at(10)))
		_, err := s.ConsumeToken(t.Context(), code.Hash)
		require.NoError(t, err)
		got, err := s.ConsumeToken(t.Context(), code.Hash)
		require.ErrorIs(t, err, oauthclient.ErrTokenConsumed)
		require.NotNil(t, got, "the token must come with ErrTokenConsumed")
		assert.Equal(t, code.Hash, got.Hash)
		assert.Equal(t, code.ClientID, got.ClientID)
		assert.Equal(t, code.GrantID, got.GrantID, "the caller revokes this grant")
	}},
	{"ConsumeToken returns ErrNotFound for an unknown hash", func(t *testing.T, s oauthclient.Store) {
		clientWithTokens(t, s)
		_, err := s.ConsumeToken(t.Context(), newHash())
		require.ErrorIs(t, err, oauthclient.ErrNotFound)
	}},
	{"ConsumeToken lets exactly one of concurrent callers succeed", func(t *testing.T, s oauthclient.Store) {
		c := clientWithTokens(t, s)
		code := createToken(t, s, newCode(c.ID, newID(), at(10)))
		const callers = 20
		errs := make([]error, callers)
		toks := make([]*oauthclient.Token, callers)
		start := make(chan struct{})
		var wg sync.WaitGroup
		for i := range callers {
			wg.Go(func() {
				<-start
				toks[i], errs[i] = s.ConsumeToken(t.Context(), code.Hash)
			})
		}
		close(start)
		wg.Wait()
		wins := 0
		for i, err := range errs {
			if err == nil {
				wins++
				assert.False(t, toks[i].Consumed, "the winner gets the token as it was")
				continue
			}
			assert.ErrorIs(t, err, oauthclient.ErrTokenConsumed, "caller %d", i)
			if assert.NotNil(t, toks[i], "caller %d", i) {
				assert.Equal(t, code.GrantID, toks[i].GrantID)
			}
		}
		assert.Equal(t, 1, wins, "exactly one caller consumes the token")
	}},
	{"DeleteToken deletes the token", func(t *testing.T, s oauthclient.Store) {
		c := clientWithTokens(t, s)
		grant := newID()
		tokens := createTokens(t, s, c.ID, grant, 10, 3)
		require.NoError(t, s.DeleteToken(t.Context(), tokens[1].Hash))
		assertTokensGone(t, s, tokens[1])
		assertTokensExist(t, s, tokens[0], tokens[2])
		list, err := s.ListTokens(t.Context(), oauthclient.TokenFilter{ClientID: c.ID, GrantID: grant})
		require.NoError(t, err)
		assert.Equal(t, []string{tokens[0].Hash, tokens[2].Hash}, tokenHashes(list))
		require.ErrorIs(t, s.DeleteToken(t.Context(), tokens[1].Hash), oauthclient.ErrNotFound, "deleted twice")
	}},
	{"DeleteToken returns ErrNotFound for an unknown hash", func(t *testing.T, s oauthclient.Store) {
		clientWithTokens(t, s)
		require.ErrorIs(t, s.DeleteToken(t.Context(), newHash()), oauthclient.ErrNotFound)
	}},
	{"RevokeGrant deletes the client's grant only and counts", func(t *testing.T, s oauthclient.Store) {
		c := clientWithTokens(t, s)
		other := createClient(t, s, c.DeveloperID, at(2))
		grant, otherGrant := newID(), newID()
		revoked := append(createTokens(t, s, c.ID, grant, 10, 2), createToken(t, s, newCode(c.ID, grant, at(5))))
		kept := createTokens(t, s, c.ID, otherGrant, 10, 2)
		kept = append(kept, createTokens(t, s, c.ID, "", 10, 1)...)
		kept = append(kept, createTokens(t, s, other.ID, grant, 10, 2)...) // same grant ID, another client

		n, err := s.RevokeGrant(t.Context(), c.ID, grant)
		require.NoError(t, err)
		assert.Equal(t, 3, n)
		assertTokensGone(t, s, revoked...)
		assertTokensExist(t, s, kept...)

		n, err = s.RevokeGrant(t.Context(), c.ID, grant)
		require.NoError(t, err)
		assert.Zero(t, n, "nothing left to revoke")
	}},
	{"RevokeGrant returns 0 for an unknown grant or client", func(t *testing.T, s oauthclient.Store) {
		c := clientWithTokens(t, s)
		grant := newID()
		kept := createTokens(t, s, c.ID, grant, 10, 2)
		n, err := s.RevokeGrant(t.Context(), c.ID, newID())
		require.NoError(t, err)
		assert.Zero(t, n)
		n, err = s.RevokeGrant(t.Context(), newID(), grant)
		require.NoError(t, err)
		assert.Zero(t, n)
		assertTokensExist(t, s, kept...)
	}},
	{"RevokeClientTokens deletes the client's tokens only and counts", func(t *testing.T, s oauthclient.Store) {
		c := clientWithTokens(t, s)
		other := createClient(t, s, c.DeveloperID, at(2))
		grant := newID()
		revoked := append(createTokens(t, s, c.ID, grant, 10, 3), createTokens(t, s, c.ID, "", 20, 2)...)
		revoked = append(revoked, createToken(t, s, newCode(c.ID, newID(), at(30))))
		kept := createTokens(t, s, other.ID, grant, 10, 3)

		n, err := s.RevokeClientTokens(t.Context(), c.ID)
		require.NoError(t, err)
		assert.Equal(t, len(revoked), n)
		assertTokensGone(t, s, revoked...)
		assertTokensExist(t, s, kept...)
		assertClient(t, c, storedClient(t, s, c.ID), "the client itself stays")

		n, err = s.RevokeClientTokens(t.Context(), c.ID)
		require.NoError(t, err)
		assert.Zero(t, n)
		n, err = s.RevokeClientTokens(t.Context(), newID())
		require.NoError(t, err)
		assert.Zero(t, n, "an unknown client has no tokens")

		again := createToken(t, s, newToken(c.ID, grant, at(40)))
		assertTokensExist(t, s, again)
	}},
	{"ListTokens returns the client's tokens oldest first, then by hash", func(t *testing.T, s oauthclient.Store) {
		c := clientWithTokens(t, s)
		other := createClient(t, s, c.DeveloperID, at(2))
		grant := newID()
		issued := []time.Time{at(30), at(10), at(20), at(20), at(5), at(20)}
		var hashes []string
		for i, when := range issued {
			g := grant
			if i%2 == 0 {
				g = newID()
			}
			hashes = append(hashes, createToken(t, s, newToken(c.ID, g, when)).Hash)
		}
		createTokens(t, s, other.ID, grant, 0, 3)
		list, err := s.ListTokens(t.Context(), oauthclient.TokenFilter{ClientID: c.ID})
		require.NoError(t, err)
		assert.Equal(t, sortedBy(issued, hashes), tokenHashes(list))
	}},
	{"ListTokens with GrantID returns that grant's tokens in order", func(t *testing.T, s oauthclient.Store) {
		c := clientWithTokens(t, s)
		other := createClient(t, s, c.DeveloperID, at(2))
		grant := newID()
		issued := []time.Time{at(30), at(10), at(20), at(20)}
		var hashes []string
		for _, when := range issued {
			hashes = append(hashes, createToken(t, s, newToken(c.ID, grant, when)).Hash)
			createToken(t, s, newToken(c.ID, newID(), when))
		}
		createTokens(t, s, other.ID, grant, 0, 2)
		list, err := s.ListTokens(t.Context(), oauthclient.TokenFilter{ClientID: c.ID, GrantID: grant})
		require.NoError(t, err)
		want := sortedBy(issued, hashes)
		assert.Equal(t, want, tokenHashes(list))
		list, err = s.ListTokens(t.Context(), oauthclient.TokenFilter{ClientID: c.ID, GrantID: grant, Page: oauthclient.Page{Offset: 1, Limit: 2}})
		require.NoError(t, err)
		assert.Equal(t, want[1:3], tokenHashes(list))
		list, err = s.ListTokens(t.Context(), oauthclient.TokenFilter{ClientID: c.ID, GrantID: newID()})
		require.NoError(t, err)
		assert.Empty(t, list)
	}},
	{"ListTokens skips Offset and returns at most Limit", func(t *testing.T, s oauthclient.Store) {
		c := clientWithTokens(t, s)
		hashes := tokenHashes(createTokens(t, s, c.ID, newID(), 10, 7))
		for _, tc := range []struct {
			offset, limit int
			want          []string
		}{
			{0, 3, hashes[:3]},
			{3, 3, hashes[3:6]},
			{6, 3, hashes[6:]},
			{7, 3, nil},
			{2, 0, hashes[2:]},
			{-1, 2, hashes[:2]},
		} {
			list, err := s.ListTokens(t.Context(), oauthclient.TokenFilter{ClientID: c.ID, Page: oauthclient.Page{Offset: tc.offset, Limit: tc.limit}})
			require.NoError(t, err)
			assert.Equal(t, nilIfEmpty(tc.want), nilIfEmpty(tokenHashes(list)), "offset %d limit %d", tc.offset, tc.limit)
		}
	}},
	{"ListTokens returns DefaultLimit tokens for Limit 0", func(t *testing.T, s oauthclient.Store) {
		c := clientWithTokens(t, s)
		hashes := tokenHashes(createTokens(t, s, c.ID, newID(), 10, oauthclient.DefaultLimit+1))
		list, err := s.ListTokens(t.Context(), oauthclient.TokenFilter{ClientID: c.ID})
		require.NoError(t, err)
		assert.Equal(t, hashes[:oauthclient.DefaultLimit], tokenHashes(list))
	}},
	{"ListTokens returns no tokens for an unknown client", func(t *testing.T, s oauthclient.Store) {
		c := clientWithTokens(t, s)
		createTokens(t, s, c.ID, newID(), 10, 2)
		list, err := s.ListTokens(t.Context(), oauthclient.TokenFilter{ClientID: newID()})
		require.NoError(t, err)
		assert.Empty(t, list)
	}},
	{"ListTokens with an empty ClientID matches no token", func(t *testing.T, s oauthclient.Store) {
		c := clientWithTokens(t, s)
		createTokens(t, s, c.ID, newID(), 10, 2)
		list, err := s.ListTokens(t.Context(), oauthclient.TokenFilter{})
		require.NoError(t, err)
		assert.Empty(t, list)
	}},
	{"RevokeGrant with an empty grant ID matches no token", func(t *testing.T, s oauthclient.Store) {
		c := clientWithTokens(t, s)
		grantless := createToken(t, s, newToken(c.ID, "", at(10)))
		granted := createToken(t, s, newToken(c.ID, newID(), at(11)))
		n, err := s.RevokeGrant(t.Context(), c.ID, "")
		require.NoError(t, err)
		assert.Zero(t, n)
		assertTokensExist(t, s, grantless, granted)
	}},
	{"PurgeExpiredTokens deletes at most limit tokens expired before the time", func(t *testing.T, s oauthclient.Store) {
		purger, ok := s.(oauthclient.TokenPurger)
		if !ok {
			t.Skip("the store does not implement oauthclient.TokenPurger (optional)")
		}
		c := clientWithTokens(t, s)
		now := at(1000)
		var expired, live []*oauthclient.Token
		for i := range 5 {
			tok := newToken(c.ID, newID(), at(i))
			tok.ExpiresAt = now.Add(-time.Duration(i+1) * time.Second)
			expired = append(expired, createToken(t, s, tok))
		}
		for i := range 3 {
			tok := newToken(c.ID, newID(), at(i))
			tok.ExpiresAt = now.Add(time.Duration(i+1) * time.Second)
			live = append(live, createToken(t, s, tok))
		}
		var counts []int
		for range 4 {
			n, err := purger.PurgeExpiredTokens(t.Context(), now, 2)
			require.NoError(t, err)
			counts = append(counts, n)
		}
		assert.Equal(t, []int{2, 2, 1, 0}, counts)
		assertTokensGone(t, s, expired...)
		assertTokensExist(t, s, live...)
		list, err := s.ListTokens(t.Context(), oauthclient.TokenFilter{ClientID: c.ID})
		require.NoError(t, err)
		assert.Len(t, list, len(live))
	}},
}
