package memory

import (
	"math/rand/v2"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portaloauth/portaloauth/oauthclient"
)

type item struct{ key int }

// TestTable checks the open-addressing table against a Go map under random
// inserts and removals, with hash functions that make long probe runs and
// runs that wrap around the end of the slots.
func TestTable(t *testing.T) {
	t.Parallel()
	hashes := map[string]func(*item) uint64{
		"spread":         func(e *item) uint64 { return uint64(e.key) * 0x9E3779B97F4A7C15 },
		"clustered":      func(e *item) uint64 { return uint64(e.key % 5) },
		"near the end":   func(e *item) uint64 { return ^uint64(0) - uint64(e.key%3) },
		"all collide":    func(*item) uint64 { return 7 },
		"identity":       func(e *item) uint64 { return uint64(e.key) },
		"two clustered":  func(e *item) uint64 { return uint64(e.key%2) * 1000 },
		"shifted by one": func(e *item) uint64 { return uint64(e.key + 1) },
	}
	for name, hash := range hashes {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			rng := rand.New(rand.NewPCG(1, 2))
			tab := newTable(hash, &item{key: -1})
			want := map[int]*item{}
			find := func(k int) *item {
				return tab.lookup(hash(&item{key: k}), func(e *item) bool { return e.key == k })
			}
			for op := range 20000 {
				k := rng.IntN(300)
				switch e := find(k); {
				case e == nil:
					require.Nil(t, want[k], "op %d: lost key %d", op, k)
					e = &item{key: k}
					tab.insert(e)
					want[k] = e
				case rng.IntN(3) > 0:
					require.Same(t, want[k], e, "op %d", op)
					tab.remove(e)
					delete(want, k)
					if rng.IntN(50) == 0 {
						tab.shrink()
					}
				}
				if op%1000 == 0 {
					require.Equal(t, len(want), tab.len())
					for k, e := range want {
						require.Same(t, e, find(k), "op %d key %d", op, k)
					}
				}
			}
			for _, e := range want {
				tab.remove(e)
			}
			tab.shrink()
			assert.Zero(t, tab.len())
			assert.Len(t, tab.slots, minTableSize)
		})
	}
}

func TestTokenKey(t *testing.T) {
	t.Parallel()
	canonical := oauthclient.HashToken("value")
	key, raw := tokenKey(canonical)
	assert.Empty(t, raw, "a HashToken hash is kept as its 32 bytes")
	assert.Equal(t, canonical, b64.EncodeToString(key[:]))

	// The last of 43 characters carries 4 bits; the 2 low ones must be zero.
	last := canonical[42]
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	nonZeroPad := canonical[:42] + string(alphabet[(strings.IndexByte(alphabet, last)|1)])
	for _, h := range []string{"", "short", canonical + "A", canonical[:42], canonical[:42] + "=", nonZeroPad, strings.ReplaceAll(canonical, "-", "+")} {
		if h == canonical {
			continue
		}
		key, raw := tokenKey(h)
		assert.Equal(t, h, raw, "%q is kept as it is", h)
		assert.NotEqual(t, canonicalKeyOf(canonical), key)
	}
}

func canonicalKeyOf(h string) [32]byte {
	k, _ := tokenKey(h)
	return k
}

// TestTokenEncoding checks that what newToken packs, export unpacks.
func TestTokenEncoding(t *testing.T) {
	t.Parallel()
	now := time.Date(2025, 3, 1, 9, 0, 0, 123456789, time.UTC)
	s := New()
	l := &tokenList{client: &clientRec{enc: "client-1", idLen: 8}}
	s.addList(l)
	tests := map[string]*oauthclient.Token{
		"access token":  {Hash: oauthclient.HashToken("a"), Kind: oauthclient.KindAccessToken, ClientID: l.client.id(), GrantID: "g", Subject: "sub", PolicyID: "p", Scope: "read write", IssuedAt: now, ExpiresAt: now.Add(time.Hour)},
		"empty strings": {Hash: oauthclient.HashToken("b"), Kind: oauthclient.KindRefreshToken, ClientID: l.client.id(), IssuedAt: now, ExpiresAt: now, Consumed: true},
		"code": {Hash: oauthclient.HashToken("c"), Kind: oauthclient.KindAuthorizationCode, ClientID: l.client.id(), GrantID: "g", Scope: "x", IssuedAt: now, ExpiresAt: now.Add(time.Minute),
			Code: &oauthclient.CodeDetails{RedirectURI: "https://a.example/cb", CodeChallenge: "abc", CodeChallengeMethod: "S256"}},
		"unknown kind and hash form": {Hash: "not-a-hash", Kind: "device_code", ClientID: l.client.id(), Subject: "ünïcødé", IssuedAt: now, ExpiresAt: now},
		"zero times":                 {Hash: oauthclient.HashToken("d"), Kind: oauthclient.KindAccessToken, ClientID: l.client.id()},
		"times beyond nanoseconds":   {Hash: oauthclient.HashToken("e"), ClientID: l.client.id(), IssuedAt: time.Date(1200, 1, 1, 0, 0, 0, 0, time.UTC), ExpiresAt: time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)},
		"times in another zone":      {Hash: oauthclient.HashToken("f"), ClientID: l.client.id(), IssuedAt: now.In(time.FixedZone("X", 3600)), ExpiresAt: now.Add(time.Second)},
	}
	for name, tok := range tests {
		t.Run(name, func(t *testing.T) {
			key, raw := tokenKey(tok.Hash)
			require.NoError(t, checkTokenAttrs(tok))
			got := s.export(s.newToken(tok, key, raw, l), "")
			assert.True(t, tok.IssuedAt.Equal(got.IssuedAt), "IssuedAt %v, want %v", got.IssuedAt, tok.IssuedAt)
			assert.True(t, tok.ExpiresAt.Equal(got.ExpiresAt), "ExpiresAt %v, want %v", got.ExpiresAt, tok.ExpiresAt)
			want := tok.Clone()
			want.IssuedAt, want.ExpiresAt = got.IssuedAt, got.ExpiresAt
			assert.Equal(t, want, got)
		})
	}
}

// FuzzFoldEmail checks that two emails get the same key exactly when
// strings.EqualFold says they are equal.
func FuzzFoldEmail(f *testing.F) {
	for _, pair := range [][2]string{
		{"ada@example.com", "ADA@EXAMPLE.COM"},
		{"k@x", "\u212a@x"}, // Kelvin sign
		{"s@x", "\u017f@x"}, // long s
		{"straße@x", "STRAẞE@x"},
		{"σς@x", "ΣΣ@x"},
		{"Äb@x", "äB@x"},
		{"a@x", "b@x"},
		{"\xff", "\xfe"},
		{"", ""},
	} {
		f.Add(pair[0], pair[1])
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		fa, fb := foldEmail(a), foldEmail(b)
		if !utf8.ValidString(a) || !utf8.ValidString(b) {
			return // invalid bytes all fold to U+FFFD; EqualFold agrees, but not byte-wise
		}
		if equal := strings.EqualFold(a, b); equal != (fa == fb) {
			t.Fatalf("EqualFold(%q, %q) = %v, but keys %q and %q", a, b, equal, fa, fb)
		}
		if foldEmail(fa) != fa {
			t.Fatalf("folding %q twice changes it", a)
		}
	})
}
