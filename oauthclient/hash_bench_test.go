package oauthclient

import (
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"testing"

	"golang.org/x/crypto/bcrypt"
)

// hashBenchPBKDF2 returns the PHC PBKDF2-SHA256 hash of secret with a
// 16-byte random salt, a 32-byte key and iter iterations.
func hashBenchPBKDF2(b testing.TB, secret string, iter int) string {
	b.Helper()
	salt := make([]byte, 16)
	_, _ = rand.Read(salt)
	key, err := pbkdf2.Key(sha256.New, secret, salt, iter, 32)
	if err != nil {
		b.Fatal(err)
	}
	return fmt.Sprintf("$pbkdf2-sha256$i=%d$%s$%s", iter,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key))
}

// hashBenchBcrypt returns the bcrypt hash of secret at cost.
func hashBenchBcrypt(b *testing.B, secret string, cost int) string {
	b.Helper()
	enc, err := bcrypt.GenerateFromPassword([]byte(secret), cost)
	if err != nil {
		b.Fatal(err)
	}
	return string(enc)
}

// hashBenchSecret returns a generated secret.
func hashBenchSecret(b *testing.B) Plaintext {
	b.Helper()
	p, err := GenerateSecret(rand.Reader)
	if err != nil {
		b.Fatal(err)
	}
	return p
}

var hashBenchPeppered = &Hasher{Pepper: []byte("0123456789abcdef0123456789abcdef")}

func BenchmarkHash(b *testing.B) {
	secret := hashBenchSecret(b)
	b.Run("sha256", func(b *testing.B) {
		b.ReportAllocs()
		var h *Hasher
		for b.Loop() {
			if _, err := h.Hash(secret); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("hmac-sha256", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := hashBenchPeppered.Hash(secret); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("argon2id", func(b *testing.B) {
		b.ReportAllocs()
		var h *Hasher
		for b.Loop() {
			if _, err := h.HashSlow(secret, rand.Reader); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkVerify(b *testing.B) {
	secret := hashBenchSecret(b)
	var def *Hasher
	sha, err := def.Hash(secret)
	if err != nil {
		b.Fatal(err)
	}
	mac, err := hashBenchPeppered.Hash(secret)
	if err != nil {
		b.Fatal(err)
	}
	argon, err := def.HashSlow(secret, rand.Reader)
	if err != nil {
		b.Fatal(err)
	}
	cases := []struct {
		name    string
		hasher  *Hasher
		encoded string
	}{
		{name: "sha256", encoded: sha},
		{name: "hmac-sha256", hasher: hashBenchPeppered, encoded: mac},
		{name: "argon2id", encoded: argon},
		{name: "bcrypt-10", encoded: hashBenchBcrypt(b, secret.Reveal(), 10)},
		{name: "pbkdf2-sha256-25000", encoded: hashBenchPBKDF2(b, secret.Reveal(), 25000)},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := c.hasher.Verify(c.encoded, secret); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
