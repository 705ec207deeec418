package oauthclient

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// upgradeStore is a one-client store with UpdateClient's version check,
// counting writes; conflictOnce makes the next write lose a race.
type upgradeStore struct {
	mu           sync.Mutex
	c            *Client
	writes       int
	conflictOnce bool
}

var _ ClientUpdater = (*upgradeStore)(nil)

func (s *upgradeStore) GetClient(_ context.Context, id string) (*Client, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.c == nil || s.c.ID != id {
		return nil, ErrNotFound
	}
	return s.c.Clone(), nil
}

func (s *upgradeStore) UpdateClient(_ context.Context, c *Client, _ UpdateOptions) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.conflictOnce {
		s.conflictOnce = false
		s.c.Version++ // another writer got there first
	}
	if c.Version != s.c.Version {
		return ErrConflict
	}
	s.writes++
	c.Version++
	s.c = c.Clone()
	return nil
}

func (s *upgradeStore) stored() *Client {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.c.Clone()
}

// TestAuthenticateUpgradesHashes: a successful authentication against a
// hash due for a rehash stores a new one, of the same kind (fast stays
// fast, slow becomes argon2id), once, with the version read.
func TestAuthenticateUpgradesHashes(t *testing.T) {
	t.Parallel()
	fast := &Hasher{Argon2: Argon2Params{Memory: 1024, Time: 1}}
	peppered := &Hasher{Pepper: hashTestPepper, Argon2: Argon2Params{Memory: 1024, Time: 1}}
	weakArgon, err := (&Hasher{Argon2: Argon2Params{Memory: 512, Time: 1}}).HashSlow(NewPlaintext(authSecretA), hashTestRand())
	require.NoError(t, err)
	tests := []struct {
		name   string
		hasher *Hasher
		stored string
		prefix string // of the upgraded hash
	}{
		{"bcrypt", fast, hashTestBcrypt(t, "$2b$", authSecretA), "$argon2id$"},
		{"pbkdf2", fast, hashBenchPBKDF2(t, authSecretA, 1000), "$argon2id$"},
		{"weaker argon2id", fast, weakArgon, "$argon2id$v=19$m=1024,t=1,"},
		{"sha256 once a pepper is set", peppered, hashMust(t, nil, authSecretA), "$hmac-sha256$"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := &upgradeStore{c: &Client{ID: "c", Status: StatusActive, Version: 3,
				Metadata: Metadata{TokenEndpointAuthMethod: AuthMethodBasic},
				Secrets: []Secret{
					{ID: "other", Hash: hashMust(t, tc.hasher, authSecretB), CreatedAt: authTestNow.Add(-2 * time.Hour)},
					{ID: "imported", Hash: tc.stored, CreatedAt: authTestNow.Add(-time.Hour)},
				}}}
			a := &Authenticator{Clients: s, Hasher: tc.hasher, Now: func() time.Time { return authTestNow }, Rand: hashTestRand()}
			creds := Credentials{ClientID: "c", Secret: NewPlaintext(authSecretA), Method: AuthMethodBasic}

			got, err := a.Authenticate(t.Context(), creds)
			require.NoError(t, err)
			stored := s.stored()
			assert.Equal(t, int64(4), stored.Version, "one write, with the version read")
			assert.Equal(t, stored.Version, got.Version, "the client returned is the one stored")
			assert.True(t, strings.HasPrefix(stored.Secrets[1].Hash, tc.prefix), "upgraded hash %q", stored.Secrets[1].Hash)
			assert.Equal(t, "imported", stored.Secrets[1].ID, "the same secret, rehashed")
			assert.Equal(t, s.c.Secrets[0], stored.Secrets[0], "other secrets untouched")
			rehash, err := tc.hasher.Verify(stored.Secrets[1].Hash, NewPlaintext(authSecretA))
			require.NoError(t, err, "the new hash verifies the secret")
			assert.False(t, rehash, "and is not due for a rehash")

			_, err = a.Authenticate(t.Context(), creds)
			require.NoError(t, err)
			assert.Equal(t, 1, s.writes, "an upgraded hash is not written again")
		})
	}
}

// TestAuthenticateUpgradeLosesRace: an upgrade that meets a newer version
// writes nothing and the authentication still succeeds; the next one
// upgrades.
func TestAuthenticateUpgradeLosesRace(t *testing.T) {
	t.Parallel()
	s := &upgradeStore{conflictOnce: true, c: &Client{ID: "c", Status: StatusActive, Version: 1,
		Metadata: Metadata{TokenEndpointAuthMethod: AuthMethodBasic},
		Secrets:  []Secret{{ID: "imported", Hash: hashTestBcrypt(t, "$2a$", authSecretA), CreatedAt: authTestNow}}}}
	a := &Authenticator{Clients: s, Hasher: &Hasher{Argon2: Argon2Params{Memory: 1024, Time: 1}}}
	creds := Credentials{ClientID: "c", Secret: NewPlaintext(authSecretA), Method: AuthMethodBasic}
	got, err := a.Authenticate(t.Context(), creds)
	require.NoError(t, err)
	assert.Equal(t, int64(1), got.Version, "the client as read")
	assert.Equal(t, 0, s.writes)
	assert.True(t, strings.HasPrefix(s.stored().Secrets[0].Hash, "$2a$"))

	_, err = a.Authenticate(t.Context(), creds)
	require.NoError(t, err)
	assert.Equal(t, 1, s.writes)
	assert.True(t, strings.HasPrefix(s.stored().Secrets[0].Hash, "$argon2id$"))
}

// TestAuthenticateNoUpgradeWithoutUpdater: a ClientGetter that cannot
// update clients only authenticates.
func TestAuthenticateNoUpgradeWithoutUpdater(t *testing.T) {
	t.Parallel()
	bc := hashTestBcrypt(t, "$2y$", authSecretA)
	clients := authTestClients{"c": {ID: "c", Status: StatusActive, Metadata: Metadata{TokenEndpointAuthMethod: AuthMethodBasic},
		Secrets: []Secret{{ID: "s", Hash: bc, CreatedAt: authTestNow}}}}
	got, err := (&Authenticator{Clients: clients}).Authenticate(t.Context(),
		Credentials{ClientID: "c", Secret: NewPlaintext(authSecretA), Method: AuthMethodBasic})
	require.NoError(t, err)
	assert.Equal(t, bc, got.Secrets[0].Hash)
}
