package oauthclient

import (
	"bytes"
	"crypto/rand"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestConfigSettle(t *testing.T) {
	t.Parallel()
	s := Config{}.Settle()
	require.NotNil(t, s.Hasher)
	require.NotNil(t, s.Redirects)
	require.NotNil(t, s.Now)
	assert.True(t, s.Rand == rand.Reader, "nil means crypto/rand")

	h := &Hasher{Pepper: hashTestPepper}
	rp := &RedirectPolicy{HTTPSOnly: true}
	now := func() time.Time { return authTestNow }
	seeded := strings.NewReader("not safe for concurrent use")
	c := Config{Hasher: h, Redirects: rp, Now: now, Rand: seeded}.Settle()
	assert.Same(t, h, c.Hasher)
	assert.Same(t, rp, c.Redirects)
	assert.Equal(t, authTestNow, c.Now())
	assert.NotSame(t, seeded, c.Rand, "a reader is serialised")
	again := c.Settle()
	assert.Same(t, c.Rand, again.Rand, "settling twice wraps once")
	assert.Same(t, c.Hasher, again.Hasher)
}

func TestConfigAuthenticatorSharesThePepper(t *testing.T) {
	t.Parallel()
	cfg := Config{Hasher: &Hasher{Pepper: hashTestPepper}, Now: func() time.Time { return authTestNow }}.Settle()
	clients := authTestClients{"c": {ID: "c", Status: StatusActive,
		Secrets: []Secret{authTestSecret(t, cfg.Hasher, "a", authSecretA, -time.Hour, 0)}}}
	auth := cfg.Authenticator(clients)
	assert.Same(t, cfg.Hasher, auth.Hasher)
	got, err := auth.Authenticate(t.Context(), Credentials{ClientID: "c", Secret: NewPlaintext(authSecretA), Method: AuthMethodBasic})
	require.NoError(t, err)
	assert.Equal(t, "c", got.ID)
}

// TestAuthenticateUnknownPepper: a server whose pepper is not the one the
// secrets were hashed under fails loudly, as a configuration error, and
// not as a wrong secret.
func TestAuthenticateUnknownPepper(t *testing.T) {
	t.Parallel()
	portalHasher := &Hasher{Pepper: hashTestPepper}
	clients := authTestClients{
		"c": {ID: "c", Status: StatusActive, Secrets: []Secret{authTestSecret(t, portalHasher, "a", authSecretA, -time.Hour, 0)}},
		"two": {ID: "two", Status: StatusActive, Secrets: []Secret{
			authTestSecret(t, portalHasher, "old", authSecretA, -2*time.Hour, 0),
			authTestSecret(t, &Hasher{Pepper: hashTestOldPepper}, "new", authSecretB, -time.Hour, 0),
		}},
	}
	for name, h := range map[string]*Hasher{
		"another pepper":   {Pepper: hashTestOldPepper},
		"no pepper":        nil,
		"rotation without": {Pepper: []byte("a third pepper of thirty-two b."), PreviousPeppers: [][]byte{[]byte("and a fourth one, unrelated....")}},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			auth := Config{Hasher: h, Now: func() time.Time { return authTestNow }}.Authenticator(clients)
			for _, secret := range []string{authSecretA, authWrong} {
				_, err := auth.Authenticate(t.Context(), Credentials{ClientID: "c", Secret: NewPlaintext(secret), Method: AuthMethodBasic})
				require.ErrorIs(t, err, ErrUnknownKey)
				require.ErrorIs(t, err, ErrInvalidConfig)
				require.NotErrorIs(t, err, ErrInvalidClient)
				assert.Equal(t, CodeServerError, CodeOf(err))
				assert.Equal(t, http.StatusInternalServerError, HTTPStatus(err))
				assert.NotContains(t, err.Error(), secret)
			}
			// An unknown client is still invalid_client.
			_, err := auth.Authenticate(t.Context(), Credentials{ClientID: "nope", Secret: NewPlaintext(authSecretA), Method: AuthMethodBasic})
			require.ErrorIs(t, err, ErrInvalidClient)
		})
	}
	// A secret that matches wins over another under an unknown key.
	auth := Config{Hasher: &Hasher{Pepper: hashTestOldPepper}, Now: func() time.Time { return authTestNow }}.Authenticator(clients)
	got, err := auth.Authenticate(t.Context(), Credentials{ClientID: "two", Secret: NewPlaintext(authSecretB), Method: AuthMethodBasic})
	require.NoError(t, err)
	assert.Equal(t, "two", got.ID)
	// The right pepper authenticates, and a wrong secret is invalid_client.
	auth = Config{Hasher: portalHasher, Now: func() time.Time { return authTestNow }}.Authenticator(clients)
	_, err = auth.Authenticate(t.Context(), Credentials{ClientID: "c", Secret: NewPlaintext(authSecretA), Method: AuthMethodBasic})
	require.NoError(t, err)
	_, err = auth.Authenticate(t.Context(), Credentials{ClientID: "c", Secret: NewPlaintext(authWrong), Method: AuthMethodBasic})
	require.ErrorIs(t, err, ErrInvalidClient)
	require.NotErrorIs(t, err, ErrUnknownKey)
}

// TestNilRandMeansCryptoRand: every exported function that takes a random
// reader reads crypto/rand when it is nil.
func TestNilRandMeansCryptoRand(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		call func(r io.Reader) (string, error)
	}{
		{"GenerateSecret", func(r io.Reader) (string, error) {
			p, err := GenerateSecret(r)
			return p.Reveal(), err
		}},
		{"NewClientID", NewClientID},
		{"Hasher.NewSecret", func(r io.Reader) (string, error) {
			p, _, err := (&Hasher{}).NewSecret(r, authTestNow)
			return p.Reveal(), err
		}},
		{"Hasher.HashSlow", func(r io.Reader) (string, error) {
			return (&Hasher{Argon2: Argon2Params{Memory: 8, Time: 1}}).HashSlow(NewPlaintext("a person's secret"), r)
		}},
		{"GenerateToken", func(r io.Reader) (string, error) {
			p, _, err := GenerateToken(r, KindAccessToken)
			return p.Reveal(), err
		}},
		{"GenerateRegistrationToken", func(r io.Reader) (string, error) {
			p, _, err := GenerateRegistrationToken(r)
			return p.Reveal(), err
		}},
		{"GenerateInitialAccessToken", func(r io.Reader) (string, error) {
			p, _, err := GenerateInitialAccessToken(r)
			return p.Reveal(), err
		}},
		{"Config.Settle().Rand", func(r io.Reader) (string, error) {
			var b [16]byte
			_, err := io.ReadFull(Config{Rand: r}.Settle().Rand, b[:])
			return string(b[:]), err
		}},
		{"LockedReader", func(r io.Reader) (string, error) {
			var b [16]byte
			_, err := io.ReadFull(LockedReader(r), b[:])
			return string(b[:]), err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			first, err := tt.call(nil)
			require.NoError(t, err)
			second, err := tt.call(nil)
			require.NoError(t, err)
			assert.NotEqual(t, first, second, "two calls read fresh random bytes")
			// The reader given is the one read: an empty one fails.
			_, err = tt.call(bytes.NewReader(nil))
			require.Error(t, err)
			assert.True(t, errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF), "%v", err)
		})
	}
}

func TestAuthenticatorNilRandUpgradesSlowHash(t *testing.T) {
	t.Parallel()
	h := &Hasher{Argon2: Argon2Params{Memory: 8, Time: 1}}
	s := &upgradeStore{c: &Client{ID: "c", Status: StatusActive, Version: 1,
		Metadata: Metadata{TokenEndpointAuthMethod: AuthMethodBasic},
		Secrets:  []Secret{{ID: "b", Hash: hashTestBcrypt(t, "$2b$", authSecretA), CreatedAt: authTestNow}}}}
	auth := &Authenticator{Clients: s, Hasher: h, Now: func() time.Time { return authTestNow }} // Rand nil
	_, err := auth.Authenticate(t.Context(), Credentials{ClientID: "c", Secret: NewPlaintext(authSecretA), Method: AuthMethodBasic})
	require.NoError(t, err)
	assert.Equal(t, 1, s.writes)
	assert.True(t, strings.HasPrefix(s.stored().Secrets[0].Hash, hashPrefixArgon2), "upgraded with a salt from crypto/rand")
}

func TestLockedReaderIsSafeForConcurrentUse(t *testing.T) {
	t.Parallel()
	r := LockedReader(&countingReader{})
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			var b [8]byte
			for range 100 {
				_, _ = r.Read(b[:])
			}
		})
	}
	wg.Wait()
	assert.Equal(t, 800, r.(*lockedReader).r.(*countingReader).n)
	assert.Same(t, r, LockedReader(r))
	assert.True(t, LockedReader(rand.Reader) == rand.Reader)
}

// countingReader counts its reads; it is not safe for concurrent use, so
// the race detector catches a LockedReader that does not serialise.
type countingReader struct{ n int }

func (c *countingReader) Read(p []byte) (int, error) {
	c.n++
	clear(p)
	return len(p), nil
}
