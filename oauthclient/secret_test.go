package oauthclient

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// secretTestRand returns a reader of the bytes 0, 1, 2, ... 255, 0, 1, ...
func secretTestRand() *bytes.Reader {
	b := make([]byte, 1024)
	for i := range b {
		b[i] = byte(i)
	}
	return bytes.NewReader(b)
}

// secretErrReader fails every read.
type secretErrReader struct{}

var errSecretTestRead = errors.New("read failed")

func (secretErrReader) Read([]byte) (int, error) { return 0, errSecretTestRead }

func TestGenerateSecret(t *testing.T) {
	t.Parallel()
	p, err := GenerateSecret(secretTestRand())
	require.NoError(t, err)
	s := p.Reveal()
	assert.Equal(t, "poa_cs_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8", s)
	assert.Len(t, s, 50)

	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(s, SecretPrefix))
	require.NoError(t, err)
	assert.Len(t, raw, 32, "256 bits")

	// Two secrets from crypto/rand differ and use only URL-safe characters.
	a, err := GenerateSecret(rand.Reader)
	require.NoError(t, err)
	b, err := GenerateSecret(rand.Reader)
	require.NoError(t, err)
	assert.NotEqual(t, a.Reveal(), b.Reveal())
	for _, c := range a.Reveal() {
		assert.True(t, c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-', "%q", c)
	}
}

func TestGenerateSecretReadErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		r    interface{ Read([]byte) (int, error) }
	}{
		{name: "failing reader", r: secretErrReader{}},
		{name: "short reader", r: bytes.NewReader(make([]byte, 31))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p, err := GenerateSecret(tt.r)
			require.Error(t, err)
			assert.True(t, p.IsZero())
			_, err = NewClientID(tt.r)
			require.Error(t, err)
			_, _, err = (*Hasher)(nil).NewSecret(tt.r, time.Time{})
			require.Error(t, err)
		})
	}
	_, err := GenerateSecret(secretErrReader{})
	require.ErrorIs(t, err, errSecretTestRead)
}

func TestSecretHint(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, secret, want string
	}{
		{name: "generated", secret: "poa_cs_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8", want: "poa_cs_…dHh8"},
		{name: "empty", secret: "", want: "…"},
		{name: "short operator secret", secret: "hunter2", want: "…"},
		{name: "23 characters", secret: strings.Repeat("a", 23), want: "…"},
		{name: "24 characters", secret: strings.Repeat("a", 20) + "wxyz", want: "…wxyz"},
		{name: "prefix and short rest", secret: SecretPrefix + "abcd", want: SecretPrefix + "…"},
		{name: "non-ASCII tail", secret: strings.Repeat("a", 30) + "héé", want: "…"},
		{name: "space in tail", secret: strings.Repeat("a", 30) + "a b", want: "…"},
		{name: "control in tail", secret: strings.Repeat("a", 30) + "ab\x00", want: "…"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := SecretHint(NewPlaintext(tt.secret))
			assert.Equal(t, tt.want, got)
			rest := strings.TrimPrefix(tt.secret, SecretPrefix)
			shown := len(strings.TrimPrefix(strings.TrimPrefix(got, SecretPrefix), "…"))
			assert.LessOrEqual(t, shown, secretHintTail)
			if shown > 0 {
				assert.GreaterOrEqual(t, len(rest)-shown, secretHintMinHidden)
			}
		})
	}
}

func TestNewClientID(t *testing.T) {
	t.Parallel()
	id, err := NewClientID(secretTestRand())
	require.NoError(t, err)
	assert.Equal(t, "00010203-0405-4607-8809-0a0b0c0d0e0f", id)
	u, err := uuid.Parse(id)
	require.NoError(t, err)
	assert.Equal(t, uuid.Version(4), u.Version())
	assert.Equal(t, uuid.RFC4122, u.Variant())

	a, err := NewClientID(rand.Reader)
	require.NoError(t, err)
	b, err := NewClientID(rand.Reader)
	require.NoError(t, err)
	assert.NotEqual(t, a, b)
}

func TestNewSecret(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name   string
		hasher *Hasher
		prefix string
	}{
		{name: "default", hasher: nil, prefix: hashPrefixSHA256},
		{name: "pepper", hasher: &Hasher{Pepper: hashTestPepper}, prefix: hashPrefixHMAC},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			plain, sec, err := tt.hasher.NewSecret(secretTestRand(), now)
			require.NoError(t, err)
			assert.Equal(t, hashTestSecret, plain.Reveal())
			assert.Equal(t, "20212223-2425-4627-a829-2a2b2c2d2e2f", sec.ID)
			assert.Equal(t, "poa_cs_…dHh8", sec.Hint)
			assert.Equal(t, now, sec.CreatedAt)
			assert.True(t, sec.ExpiresAt.IsZero())
			assert.True(t, strings.HasPrefix(sec.Hash, tt.prefix), sec.Hash)
			assert.NotContains(t, sec.Hash, plain.Reveal())

			rehash, err := tt.hasher.Verify(sec.Hash, plain)
			require.NoError(t, err)
			assert.False(t, rehash)
		})
	}
}
