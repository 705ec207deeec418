package bench

import (
	"context"
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"strconv"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/portaloauth/portaloauth/oauthclient"
	"github.com/portaloauth/portaloauth/store/memory"
)

// StoredHash is how a client's secret is stored.
type StoredHash string

// The stored hashes compared. HashSHA256 is the default for generated
// secrets; the others are what other servers use, or what this SDK uses
// for secrets of unknown entropy (argon2id).
const (
	HashSHA256 StoredHash = "sha256"              // Hasher.Hash, no pepper: the default
	HashHMAC   StoredHash = "hmac-sha256"         // Hasher.Hash with a Pepper
	HashArgon2 StoredHash = "argon2id"            // Hasher.HashSlow: 19 MiB, 2 passes, 1 lane
	HashBcrypt StoredHash = "bcrypt-10"           // bcrypt, cost 10
	HashPBKDF2 StoredHash = "pbkdf2-sha256-25000" // PBKDF2-SHA256, 25,000 iterations
)

// StoredHashes lists the stored hashes in the order of the report.
var StoredHashes = []StoredHash{HashSHA256, HashHMAC, HashArgon2, HashPBKDF2, HashBcrypt}

// PBKDF2Iterations and BcryptCost are the baselines' work factors, the
// defaults of common OAuth servers and password libraries.
const (
	PBKDF2Iterations = 25_000
	BcryptCost       = 10
)

// benchPepper is the Pepper of the HashHMAC case.
var benchPepper = []byte("bench pepper: 32 bytes or more..")

// hasherFor returns the Hasher that verifies h.
func hasherFor(h StoredHash) *oauthclient.Hasher {
	if h == HashHMAC {
		return &oauthclient.Hasher{Pepper: benchPepper}
	}
	return nil
}

// EncodeSecret returns the stored form of secret under h, as the PHC
// string the Hasher verifies.
func EncodeSecret(h StoredHash, secret oauthclient.Plaintext) (string, error) {
	switch h {
	case HashSHA256, HashHMAC:
		return hasherFor(h).Hash(secret)
	case HashArgon2:
		return hasherFor(h).HashSlow(secret, rand.Reader)
	case HashBcrypt:
		enc, err := bcrypt.GenerateFromPassword([]byte(secret.Reveal()), BcryptCost)
		return string(enc), err
	case HashPBKDF2:
		salt := make([]byte, 16)
		if _, err := rand.Read(salt); err != nil {
			return "", err
		}
		key, err := pbkdf2.Key(sha256.New, secret.Reveal(), salt, PBKDF2Iterations, sha256.Size)
		if err != nil {
			return "", err
		}
		b64 := base64.RawStdEncoding
		return "$pbkdf2-sha256$i=" + strconv.Itoa(PBKDF2Iterations) + "$" + b64.EncodeToString(salt) + "$" + b64.EncodeToString(key), nil
	}
	return "", fmt.Errorf("bench: unknown stored hash %q", h)
}

// authFixture is one active client_secret_basic client in an in-memory
// store, its generated 256-bit secret stored under one hash, and an
// Authenticator over the store.
type authFixture struct {
	auth  *oauthclient.Authenticator
	creds oauthclient.Credentials
}

func newAuthFixture(ctx context.Context, h StoredHash) (*authFixture, error) {
	secret, err := oauthclient.GenerateSecret(rand.Reader)
	if err != nil {
		return nil, err
	}
	encoded, err := EncodeSecret(h, secret)
	if err != nil {
		return nil, err
	}
	now := time.Now()
	c := &oauthclient.Client{
		ID: "b8a5f0c2-3c1e-4b7a-9d8e-1f2a3b4c5d6e",
		Metadata: oauthclient.Metadata{ClientName: "Batch job", TokenEndpointAuthMethod: oauthclient.AuthMethodBasic,
			GrantTypes: []oauthclient.GrantType{oauthclient.GrantClientCredentials}},
		Status:    oauthclient.StatusActive,
		Secrets:   []oauthclient.Secret{{ID: "s1", Hash: encoded, Hint: oauthclient.SecretHint(secret), CreatedAt: now}},
		CreatedAt: now, UpdatedAt: now, Version: 1,
	}
	st := memory.New()
	if err := st.CreateClient(ctx, c); err != nil {
		return nil, err
	}
	f := &authFixture{
		auth:  &oauthclient.Authenticator{Clients: st, Hasher: hasherFor(h)},
		creds: oauthclient.Credentials{ClientID: c.ID, Secret: secret, Method: oauthclient.AuthMethodBasic},
	}
	if _, err := f.auth.Authenticate(ctx, f.creds); err != nil {
		return nil, fmt.Errorf("bench: %s secret does not authenticate: %w", h, err)
	}
	return f, nil
}

// Authenticate returns a benchmark of client authentication
// (client_secret_basic, a generated secret) with the secret stored under
// h: the client look-up in the in-memory store, the status, method and
// expiry checks, and the hash verification.
func Authenticate(h StoredHash) func(*testing.B) {
	return func(b *testing.B) {
		ctx := b.Context()
		f, err := newAuthFixture(ctx, h)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			if _, err := f.auth.Authenticate(ctx, f.creds); err != nil {
				b.Fatal(err)
			}
		}
	}
}
