package memory

import (
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portaloauth/portaloauth/oauthclient"
)

// TestTokenHoldsNoPointer keeps token free of pointers, which is what
// lets the garbage collector mark the slab's arrays without reading them.
func TestTokenHoldsNoPointer(t *testing.T) {
	t.Parallel()
	var walk func(reflect.Type) bool
	walk = func(typ reflect.Type) bool {
		switch typ.Kind() {
		case reflect.Pointer, reflect.String, reflect.Slice, reflect.Map, reflect.Chan,
			reflect.Func, reflect.Interface, reflect.UnsafePointer:
			return false
		case reflect.Array:
			return walk(typ.Elem())
		case reflect.Struct:
			for i := range typ.NumField() {
				if !walk(typ.Field(i).Type) {
					t.Errorf("token field %s holds a pointer", typ.Field(i).Name)
					return false
				}
			}
		}
		return true
	}
	assert.True(t, walk(reflect.TypeFor[token]()))
}

// fillTokens stores n tokens of client "c1" (and one in five of "c2"),
// two to a grant (tokens 2k and 2k+1), every seventh an authorization
// code with an extra and every eleventh with a hash of another form;
// token i expires i%10 minutes before an hour after epochTest; scope makes
// each token's strings that long at least.
func fillTokens(t *testing.T, s *Store, n, scope int) []*oauthclient.Token {
	t.Helper()
	ctx := t.Context()
	for _, id := range []string{"c1", "c2"} {
		require.NoError(t, s.CreateClient(ctx, &oauthclient.Client{ID: id, Status: oauthclient.StatusActive, CreatedAt: epochTest, Version: 1}))
	}
	out := make([]*oauthclient.Token, n)
	for i := range out {
		tok := &oauthclient.Token{
			Hash: oauthclient.HashToken("t" + strconv.Itoa(i)), Kind: oauthclient.KindAccessToken, ClientID: "c1",
			GrantID: "g" + strconv.Itoa(i/2), Subject: "sub" + strconv.Itoa(i%13), PolicyID: "gold",
			Scope:     "read " + strings.Repeat("x", scope) + strconv.Itoa(i),
			IssuedAt:  epochTest.Add(time.Duration(i%97) * time.Second),
			ExpiresAt: epochTest.Add(time.Hour - time.Duration(i%10)*time.Minute),
		}
		if i%5 == 0 {
			tok.ClientID = "c2"
		}
		if i%7 == 0 {
			tok.Kind, tok.Code = oauthclient.KindAuthorizationCode, &oauthclient.CodeDetails{RedirectURI: "https://a.example/cb"}
		}
		if i%11 == 0 {
			tok.Hash = "legacy:" + strconv.Itoa(i)
		}
		require.NoError(t, s.CreateToken(ctx, tok))
		out[i] = tok
	}
	return out
}

var epochTest = time.Date(2025, time.March, 1, 9, 0, 0, 0, time.UTC)

// checkTokens checks that the store holds exactly want, by hash, by
// client and by grant.
func checkTokens(t *testing.T, s *Store, want []*oauthclient.Token) {
	t.Helper()
	ctx := t.Context()
	byClient := map[string][]*oauthclient.Token{}
	byGrant := map[string][]*oauthclient.Token{}
	for _, w := range want {
		got, err := s.GetToken(ctx, w.Hash)
		require.NoError(t, err)
		require.Equal(t, w, got)
		byClient[w.ClientID] = append(byClient[w.ClientID], w)
		byGrant[w.ClientID+" "+w.GrantID] = append(byGrant[w.ClientID+" "+w.GrantID], w)
	}
	for id, toks := range byClient {
		got, err := s.ListTokens(ctx, oauthclient.TokenFilter{ClientID: id, Page: oauthclient.Page{Limit: len(toks) + 1}})
		require.NoError(t, err)
		require.Len(t, got, len(toks))
		for _, g := range got {
			require.Contains(t, want, g)
		}
	}
	for k, toks := range byGrant {
		client, grant, _ := strings.Cut(k, " ")
		got, err := s.ListTokens(ctx, oauthclient.TokenFilter{ClientID: client, GrantID: grant})
		require.NoError(t, err)
		require.ElementsMatch(t, toks, got)
	}
}

// TestCompactTokens deletes most tokens, by hash, by grant and by purge,
// and checks that the slab and the arena shrink while what is left, and
// what was handed out before, stays as it was.
func TestCompactTokens(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	s := New()
	all := fillTokens(t, s, 4*slabChunk, 40)
	capBefore, heldBefore := s.slab.cap(), s.strs.held
	handedOut, err := s.GetToken(ctx, all[3].Hash)
	require.NoError(t, err)
	scope := strings.Clone(handedOut.Scope)

	// Tokens 3 and 4 of every ten stay: 0 and 1 go with their grant, 8
	// and 9 expire first and are purged, the others are deleted by hash.
	var kept []*oauthclient.Token
	expiring := 0
	for i, tok := range all {
		switch i % 10 {
		case 3, 4:
			kept = append(kept, tok)
		case 0:
			n, err := s.RevokeGrant(ctx, tok.ClientID, tok.GrantID)
			require.NoError(t, err)
			require.Equal(t, 1+boolInt(all[i+1].ClientID == tok.ClientID), n)
		case 1:
			if all[i-1].ClientID != tok.ClientID {
				require.NoError(t, s.DeleteToken(ctx, tok.Hash))
			}
		case 2, 5, 6, 7:
			require.NoError(t, s.DeleteToken(ctx, tok.Hash))
		default:
			expiring++
		}
	}
	n, err := s.PurgeExpiredTokens(ctx, epochTest.Add(time.Hour-7*time.Minute-30*time.Second), len(all))
	require.NoError(t, err)
	assert.Equal(t, expiring, n)
	assert.Less(t, s.slab.cap(), capBefore, "the slab shrank")
	assert.Less(t, s.strs.held, heldBefore/2, "the arena shrank")
	assert.Equal(t, len(kept), s.slab.n)
	assert.Equal(t, "read "+strings.Repeat("x", 40)+"3", scope)
	assert.Equal(t, scope, handedOut.Scope, "a string handed out before stays")
	checkTokens(t, s, kept)

	// The store goes on working: new tokens, a grant revoked, a client's
	// tokens revoked.
	more := fillTokensOf(t, s, "c1", 100)
	kept = append(kept, more...)
	checkTokens(t, s, kept)
	n, err = s.RevokeGrant(ctx, "c1", more[0].GrantID)
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	n, err = s.RevokeClientTokens(ctx, "c1")
	require.NoError(t, err)
	assert.Positive(t, n)
	assert.Zero(t, s.slab.n)
	assert.Zero(t, s.strs.inUse)
	assert.Zero(t, s.tokens.len())
	assert.Zero(t, s.grants.len())
	assert.Empty(t, s.extras)
}

// fillTokensOf stores n more tokens of the client, each its own grant.
func fillTokensOf(t *testing.T, s *Store, clientID string, n int) []*oauthclient.Token {
	t.Helper()
	out := make([]*oauthclient.Token, n)
	for i := range out {
		out[i] = &oauthclient.Token{Hash: oauthclient.HashToken("more" + strconv.Itoa(i)), Kind: oauthclient.KindRefreshToken,
			ClientID: clientID, GrantID: "more" + strconv.Itoa(i), Scope: "read", IssuedAt: epochTest, ExpiresAt: epochTest.Add(time.Hour)}
		require.NoError(t, s.CreateToken(t.Context(), out[i]))
	}
	return out
}

// TestSlabReusesSlots checks that a token created after one was deleted
// takes its slot and that a chunk of the arena goes when none of its
// strings is used.
func TestSlabReusesSlots(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	s := New()
	all := fillTokens(t, s, 3*slabChunk, 0)
	slots := s.slab.cap()
	for _, tok := range all[:slabChunk] {
		require.NoError(t, s.DeleteToken(ctx, tok.Hash))
	}
	fillTokensOf(t, s, "c1", slabChunk)
	assert.Equal(t, slots, s.slab.cap())

	var a arena
	first := a.add("one", "", "", "")
	for i := 0; a.cur == 1; i++ {
		a.add(strconv.Itoa(i), "", "", "")
	}
	a.release(first)
	assert.NotNil(t, a.chunks[0], "a chunk with strings in use stays")
	big := a.add(strings.Repeat("b", 2*arenaChunk), "", "", "")
	assert.Equal(t, 2*arenaChunk, len(a.str(big)))
	a.release(big)
	assert.Nil(t, a.chunks[big.chunk], "an unused chunk goes")
	assert.Equal(t, []uint32{big.chunk}, a.free)
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
