package oauthclient

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// tokenZeros is a reader of endless zero bytes, for deterministic tokens.
type tokenZeros struct{}

func (tokenZeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }

func TestGenerateToken(t *testing.T) {
	t.Parallel()
	tests := []struct {
		kind   TokenKind
		prefix string
	}{
		{KindAccessToken, "poa_at_"},
		{KindRefreshToken, "poa_rt_"},
		{KindAuthorizationCode, "poa_ac_"},
	}
	for _, tt := range tests {
		t.Run(string(tt.kind), func(t *testing.T) {
			t.Parallel()
			random := bytes.Repeat([]byte{0xfb, 0xff, 0x01}, 11)[:32]
			value, hash, err := GenerateToken(bytes.NewReader(random), tt.kind)
			require.NoError(t, err)

			v := value.Reveal()
			require.True(t, strings.HasPrefix(v, tt.prefix), v)
			encoded := strings.TrimPrefix(v, tt.prefix)
			assert.Len(t, encoded, 43, "32 bytes in unpadded base64url")
			decoded, err := base64.RawURLEncoding.DecodeString(encoded)
			require.NoError(t, err, "URL-safe alphabet, no padding")
			assert.Equal(t, random, decoded, "the value carries the bytes read")
			assert.Equal(t, HashToken(v), hash)
			assert.NotContains(t, fmt.Sprintf("%v %+v %#v %s", value, value, value, value), encoded, "the value redacts itself")
		})
	}
}

func TestGenerateRegistrationAndInitialAccessTokens(t *testing.T) {
	t.Parallel()
	for prefix, generate := range map[string]func(io.Reader) (Plaintext, string, error){
		"poa_rat_": GenerateRegistrationToken,
		"poa_iat_": GenerateInitialAccessToken,
	} {
		value, hash, err := generate(tokenZeros{})
		require.NoError(t, err)
		assert.Equal(t, prefix+strings.Repeat("A", 43), value.Reveal())
		assert.Equal(t, HashToken(value.Reveal()), hash)
	}
}

func TestGenerateTokenNilReaderIsRandom(t *testing.T) {
	t.Parallel()
	a, ha, err := GenerateToken(nil, KindAccessToken)
	require.NoError(t, err)
	b, hb, err := GenerateToken(nil, KindAccessToken)
	require.NoError(t, err)
	assert.NotEqual(t, a.Reveal(), b.Reveal())
	assert.NotEqual(t, ha, hb)
}

func TestGenerateTokenErrors(t *testing.T) {
	t.Parallel()
	boom := errors.New("entropy exhausted")
	tests := []struct {
		name string
		r    io.Reader
		kind TokenKind
		want error
	}{
		{"unknown kind", tokenZeros{}, "id_token", ErrUnsupportedTokenType},
		{"empty kind", tokenZeros{}, "", ErrUnsupportedTokenType},
		{"short reader", bytes.NewReader(make([]byte, 31)), KindAccessToken, io.ErrUnexpectedEOF},
		{"empty reader", bytes.NewReader(nil), KindRefreshToken, io.EOF},
		{"failing reader", iotest.ErrReader(boom), KindAuthorizationCode, boom},
		{"failing after some bytes", iotest.TimeoutReader(iotest.HalfReader(bytes.NewReader(make([]byte, 64)))), KindAccessToken, iotest.ErrTimeout},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			value, hash, err := GenerateToken(tt.r, tt.kind)
			require.ErrorIs(t, err, tt.want)
			assert.True(t, value.IsZero())
			assert.Empty(t, hash)
		})
	}
}

func TestGenerateTokenUnknownKindNamesTheField(t *testing.T) {
	t.Parallel()
	_, _, err := GenerateToken(tokenZeros{}, "id_token")
	var e *Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, CodeUnsupportedTokenType, e.Code)
	assert.Equal(t, "kind", e.Field)
}

func TestHashToken(t *testing.T) {
	t.Parallel()
	tests := []struct {
		value, want string
	}{
		// SHA-256 test vectors (FIPS 180-2), in unpadded base64url.
		{"", "47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU"},
		{"abc", "ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0"},
		{"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "JI1qYdIGOLjlwCaTDD5gOaM85Flk_yFn9uzt1BnbBsE"},
		// one million 'a': the long-input path
		{strings.Repeat("a", 1_000_000), "zcduXJkU-5KBocfihNc-Z_GAmkiklyAOBG05zMcRLNA"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("len %d", len(tt.value)), func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, HashToken(tt.value))
		})
	}
}

// TestHashTokenAroundBufferSize checks the lengths on both sides of the
// internal buffer against the plain computation.
func TestHashTokenAroundBufferSize(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for n := 120; n <= 136; n++ {
		value := strings.Repeat("x", n)
		got := HashToken(value)
		assert.Len(t, got, 43)
		assert.False(t, seen[got], "length %d collides", n)
		seen[got] = true
		assert.Equal(t, got, HashToken(strings.Clone(value)), "deterministic at length %d", n)
	}
	assert.NotEqual(t, HashToken(strings.Repeat("x", 128)+"y"), HashToken(strings.Repeat("x", 128)+"z"))
}

func TestHashTokenAllocatesOnlyTheResult(t *testing.T) {
	value := "poa_at_" + strings.Repeat("A", 43)
	allocs := testing.AllocsPerRun(100, func() { _ = HashToken(value) })
	assert.LessOrEqual(t, allocs, 1.0)
}

func BenchmarkHashToken(b *testing.B) {
	value, _, err := GenerateToken(tokenZeros{}, KindAccessToken)
	require.NoError(b, err)
	v := value.Reveal()
	b.ReportAllocs()
	for b.Loop() {
		_ = HashToken(v)
	}
}

func BenchmarkGenerateToken(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := GenerateToken(tokenZeros{}, KindAccessToken); err != nil {
			b.Fatal(err)
		}
	}
}
