package oauthclient

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/crypto/argon2"
	"golang.org/x/crypto/bcrypt"
)

// hashTestSecret is a generated-looking secret used across the hash tests.
const hashTestSecret = "poa_cs_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8"

var (
	hashTestPepper    = []byte("0123456789abcdef0123456789abcdef")
	hashTestOldPepper = []byte("fedcba9876543210fedcba9876543210")
)

// hashTestRand is a deterministic salt source.
func hashTestRand() *bytes.Reader { return bytes.NewReader(bytes.Repeat([]byte{0x5a}, 4096)) }

// hashMust returns h's fast hash of s.
func hashMust(t testing.TB, h *Hasher, s string) string {
	t.Helper()
	enc, err := h.Hash(NewPlaintext(s))
	require.NoError(t, err)
	return enc
}

// hashTestBcrypt returns a cost-4 bcrypt hash of s with the given prefix.
func hashTestBcrypt(t testing.TB, prefix, s string) string {
	t.Helper()
	enc, err := bcrypt.GenerateFromPassword([]byte(s), bcrypt.MinCost)
	require.NoError(t, err)
	return prefix + string(enc[4:])
}

func TestHashFastFormats(t *testing.T) {
	t.Parallel()
	sha := sha256.Sum256([]byte(hashTestSecret))
	mac := hmac.New(sha256.New, hashTestPepper)
	mac.Write([]byte(hashTestSecret))
	id := hmac.New(sha256.New, hashTestPepper)
	id.Write([]byte("portaloauth pepper key id"))

	tests := []struct {
		name   string
		hasher *Hasher
		want   string
	}{
		{name: "nil hasher", hasher: nil, want: "$sha256$" + base64.RawStdEncoding.EncodeToString(sha[:])},
		{name: "zero hasher", hasher: &Hasher{}, want: "$sha256$" + base64.RawStdEncoding.EncodeToString(sha[:])},
		{name: "pepper", hasher: &Hasher{Pepper: hashTestPepper},
			want: "$hmac-sha256$k=" + hex.EncodeToString(id.Sum(nil)[:4]) + "$" + base64.RawStdEncoding.EncodeToString(mac.Sum(nil))},
		{name: "pepper with previous", hasher: &Hasher{Pepper: hashTestPepper, PreviousPeppers: [][]byte{hashTestOldPepper}},
			want: "$hmac-sha256$k=" + hex.EncodeToString(id.Sum(nil)[:4]) + "$" + base64.RawStdEncoding.EncodeToString(mac.Sum(nil))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := hashMust(t, tt.hasher, hashTestSecret)
			assert.Equal(t, tt.want, got)
			rehash, err := tt.hasher.Verify(got, NewPlaintext(hashTestSecret))
			require.NoError(t, err)
			assert.False(t, rehash)
			assert.NotContains(t, got, hashTestSecret)
		})
	}
}

func TestHashRefusesEmptySecret(t *testing.T) {
	t.Parallel()
	for _, h := range []*Hasher{nil, {Pepper: hashTestPepper}} {
		_, err := h.Hash(Plaintext{})
		require.Error(t, err)
		_, err = h.HashSlow(NewPlaintext(""), hashTestRand())
		require.Error(t, err)
	}
}

func TestHashHMACMatchesCryptoHMAC(t *testing.T) {
	t.Parallel()
	for _, keyLen := range []int{0, 1, 32, 63, 64, 65, 200} {
		for _, msgLen := range []int{0, 1, 50, 55, 56, 64, 255, 256, 257, 1000} {
			key := bytes.Repeat([]byte{byte(keyLen + 1)}, keyLen)
			msg := strings.Repeat("m", msgLen)
			mac := hmac.New(sha256.New, key)
			mac.Write([]byte(msg))
			got := hashHMACSHA256(key, msg)
			assert.Equal(t, mac.Sum(nil), got[:], "key %d bytes, message %d bytes", keyLen, msgLen)
		}
	}
	for _, n := range []int{0, 1, 256, 257, 1000} {
		msg := strings.Repeat("s", n)
		want := sha256.Sum256([]byte(msg))
		assert.Equal(t, want, hashSHA256String(msg), "message %d bytes", n)
	}
}

// hashVerifyCase is one case of TestVerify and a seed of FuzzVerify.
type hashVerifyCase struct {
	name       string
	hasher     *Hasher
	encoded    string
	secret     string
	wantErr    error // nil, ErrHashMismatch, ErrUnsupportedHash or ErrUnknownKey (which is also ErrUnsupportedHash)
	wantRehash bool
}

// RFC 7914 §11: PBKDF2-HMAC-SHA256, P="passwd", S="salt", c=1, dkLen=64.
const hashRFC7914Key = "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc" +
	"49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783"

func hashVerifyCases(t testing.TB) []hashVerifyCase {
	peppered := &Hasher{Pepper: hashTestPepper}
	rotating := &Hasher{Pepper: hashTestPepper, PreviousPeppers: [][]byte{hashTestOldPepper}}
	oldPeppered := &Hasher{Pepper: hashTestOldPepper}
	strongArgon := &Hasher{Argon2: Argon2Params{Memory: 64, Time: 3}}

	sha := hashMust(t, nil, hashTestSecret)
	mac := hashMust(t, peppered, hashTestSecret)
	oldMac := hashMust(t, oldPeppered, hashTestSecret)
	rfcKey, err := hex.DecodeString(hashRFC7914Key)
	require.NoError(t, err)
	phc := "$pbkdf2-sha256$i=1$" + base64.RawStdEncoding.EncodeToString([]byte("salt")) + "$" + base64.RawStdEncoding.EncodeToString(rfcKey)
	phcLen := "$pbkdf2-sha256$i=1,l=64$" + base64.RawStdEncoding.EncodeToString([]byte("salt")) + "$" + base64.RawStdEncoding.EncodeToString(rfcKey)
	bcryptA := hashTestBcrypt(t, "$2a$", hashTestSecret)
	const (
		// The reference implementation: echo -n password | argon2 somesalt -id -t 2 -m 16 -p 4 -l 32 -e
		argonRef = "$argon2id$v=19$m=65536,t=2,p=4$c29tZXNhbHQ$GpZ3sK/oH9p7VIiV56G/64Zo/8GaUw434IimaPqxwCo"
		// passlib.hash.pbkdf2_sha256 hashes of "password".
		passlib1 = "$pbkdf2-sha256$29000$6x2D0Lr33tsb41xLifEeYw$QRzO4xhbxuU/OqX5BCnsOkFwIWcHWbWWSQnMhEw4oT8"
		passlib2 = "$pbkdf2-sha256$29000$6z0nxLh37v3fOydkjBHi3A$51waSF7m1N5sFyz/b9wfd6pcuWu4l0T1VceK3WcxJxI"
		// A crypt_blowfish test vector.
		bcryptRef = "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW"
	)
	// Small argon2id hashes of hashTestSecret: m=8 KiB, t=1.
	argonSmall := "$argon2id$v=19$m=8,t=1,p=1$WlpaWlpaWlpaWlpaWlpaWg$"
	argonWeak := argonSmall + hashTestArgonKey(8, 1, 1, 32)
	argonStrong := "$argon2id$v=19$m=64,t=3,p=1$WlpaWlpaWlpaWlpaWlpaWg$" + hashTestArgonKey(64, 3, 1, 32)
	argonShortKey := "$argon2id$v=19$m=64,t=3,p=1$WlpaWlpaWlpaWlpaWlpaWg$" + hashTestArgonKey(64, 3, 1, 16)

	return []hashVerifyCase{
		// SHA-256.
		{name: "sha256", encoded: sha, secret: hashTestSecret},
		{name: "sha256 wrong secret", encoded: sha, secret: hashTestSecret + "x", wantErr: ErrHashMismatch},
		{name: "sha256 while a pepper is set", hasher: peppered, encoded: sha, secret: hashTestSecret, wantRehash: true},
		{name: "sha256 empty secret", encoded: sha, secret: "", wantErr: ErrHashMismatch},
		{name: "sha256 truncated", encoded: sha[:len(sha)-1], secret: hashTestSecret, wantErr: ErrUnsupportedHash},
		{name: "sha256 padded", encoded: sha + "=", secret: hashTestSecret, wantErr: ErrUnsupportedHash},
		{name: "sha256 not canonical", encoded: sha[:len(sha)-1] + "V", secret: hashTestSecret, wantErr: ErrUnsupportedHash},
		{name: "sha256 url alphabet", encoded: "$sha256$" + strings.Repeat("_", 42) + "A", secret: hashTestSecret, wantErr: ErrUnsupportedHash},
		{name: "sha256 empty", encoded: "$sha256$", secret: hashTestSecret, wantErr: ErrUnsupportedHash},
		{name: "sha256 newline", encoded: sha[:20] + "\n" + sha[20:len(sha)-1], secret: hashTestSecret, wantErr: ErrUnsupportedHash},

		// HMAC-SHA-256.
		{name: "hmac", hasher: peppered, encoded: mac, secret: hashTestSecret},
		{name: "hmac wrong secret", hasher: peppered, encoded: mac, secret: "poa_cs_x", wantErr: ErrHashMismatch},
		{name: "hmac during rotation", hasher: rotating, encoded: mac, secret: hashTestSecret},
		{name: "hmac under previous pepper", hasher: rotating, encoded: oldMac, secret: hashTestSecret, wantRehash: true},
		{name: "hmac previous pepper wrong secret", hasher: rotating, encoded: oldMac, secret: "nope", wantErr: ErrHashMismatch},
		{name: "hmac under another pepper", hasher: peppered, encoded: oldMac, secret: hashTestSecret, wantErr: ErrUnknownKey},
		{name: "hmac under another pepper wrong secret", hasher: peppered, encoded: oldMac, secret: "nope", wantErr: ErrUnknownKey},
		{name: "hmac unknown key id", hasher: rotating, encoded: "$hmac-sha256$k=00000000$" + mac[len(mac)-43:], secret: hashTestSecret, wantErr: ErrUnknownKey},
		{name: "hmac without pepper", encoded: mac, secret: hashTestSecret, wantErr: ErrUnknownKey},
		{name: "hmac key id not hex", hasher: peppered, encoded: mac[:15] + "zzzzzzzz" + mac[23:], secret: hashTestSecret, wantErr: ErrUnsupportedHash},
		{name: "hmac without key id", hasher: peppered, encoded: "$hmac-sha256$" + mac[len(mac)-43:], secret: hashTestSecret, wantErr: ErrUnsupportedHash},
		{name: "hmac short key id", hasher: peppered, encoded: "$hmac-sha256$k=abc$" + mac[len(mac)-43:], secret: hashTestSecret, wantErr: ErrUnsupportedHash},
		{name: "hmac truncated", hasher: peppered, encoded: mac[:len(mac)-2], secret: hashTestSecret, wantErr: ErrUnsupportedHash},

		// argon2id.
		{name: "argon2id reference vector", encoded: argonRef, secret: "password"},
		{name: "argon2id reference wrong", encoded: argonRef, secret: "Password", wantErr: ErrHashMismatch},
		{name: "argon2id weaker memory and time", encoded: argonWeak, secret: hashTestSecret, wantRehash: true},
		{name: "argon2id as strong", hasher: strongArgon, encoded: argonStrong, secret: hashTestSecret},
		{name: "argon2id fewer passes", hasher: strongArgon, encoded: argonWeak, secret: hashTestSecret, wantRehash: true},
		{name: "argon2id shorter key", hasher: strongArgon, encoded: argonShortKey, secret: hashTestSecret, wantRehash: true},
		{name: "argon2id version 16", encoded: strings.Replace(argonRef, "v=19", "v=16", 1), secret: "password", wantErr: ErrUnsupportedHash},
		{name: "argon2id no lanes", encoded: strings.Replace(argonRef, "p=4", "p=0", 1), secret: "password", wantErr: ErrUnsupportedHash},
		{name: "argon2id no passes", encoded: strings.Replace(argonRef, "t=2", "t=0", 1), secret: "password", wantErr: ErrUnsupportedHash},
		{name: "argon2id too much memory", encoded: strings.Replace(argonRef, "m=65536", "m=4194304", 1), secret: "password", wantErr: ErrUnsupportedHash},
		{name: "argon2id too little memory", encoded: strings.Replace(argonRef, "m=65536", "m=31", 1), secret: "password", wantErr: ErrUnsupportedHash},
		{name: "argon2id leading zero", encoded: strings.Replace(argonRef, "t=2", "t=02", 1), secret: "password", wantErr: ErrUnsupportedHash},
		{name: "argon2id params reordered", encoded: strings.Replace(argonRef, "m=65536,t=2", "t=2,m=65536", 1), secret: "password", wantErr: ErrUnsupportedHash},
		{name: "argon2id salt too short", encoded: "$argon2id$v=19$m=8,t=1,p=1$c2FsdA$" + strings.Repeat("A", 43), secret: "password", wantErr: ErrUnsupportedHash},
		{name: "argon2id bad base64", encoded: argonRef[:len(argonRef)-3] + "!!!", secret: "password", wantErr: ErrUnsupportedHash},
		{name: "argon2id missing hash", encoded: argonRef[:strings.LastIndex(argonRef, "$")], secret: "password", wantErr: ErrUnsupportedHash},
		{name: "argon2i", encoded: strings.Replace(argonRef, "argon2id", "argon2i", 1), secret: "password", wantErr: ErrUnsupportedHash},

		// bcrypt.
		{name: "bcrypt reference vector", encoded: bcryptRef, secret: "U*U", wantRehash: true},
		{name: "bcrypt reference wrong", encoded: bcryptRef, secret: "U*V", wantErr: ErrHashMismatch},
		{name: "bcrypt 2a", encoded: bcryptA, secret: hashTestSecret, wantRehash: true},
		{name: "bcrypt 2b", encoded: "$2b$" + bcryptA[4:], secret: hashTestSecret, wantRehash: true},
		{name: "bcrypt 2y", encoded: "$2y$" + bcryptA[4:], secret: hashTestSecret, wantRehash: true},
		{name: "bcrypt 2x refused", encoded: "$2x$" + bcryptA[4:], secret: hashTestSecret, wantErr: ErrUnsupportedHash},
		{name: "bcrypt wrong secret", encoded: bcryptA, secret: "nope", wantErr: ErrHashMismatch},
		{name: "bcrypt over 72 bytes", encoded: bcryptA, secret: strings.Repeat("x", 73), wantErr: ErrHashMismatch},
		{name: "bcrypt cost too high", encoded: "$2a$17$" + bcryptA[7:], secret: hashTestSecret, wantErr: ErrUnsupportedHash},
		{name: "bcrypt cost too low", encoded: "$2a$03$" + bcryptA[7:], secret: hashTestSecret, wantErr: ErrUnsupportedHash},
		{name: "bcrypt truncated", encoded: bcryptA[:59], secret: hashTestSecret, wantErr: ErrUnsupportedHash},
		{name: "bcrypt bad salt", encoded: "$2a$04$!!!!!!!!!!!!!!!!!!!!!!" + bcryptA[29:], secret: hashTestSecret, wantErr: ErrUnsupportedHash},

		// PBKDF2-SHA256.
		{name: "pbkdf2 RFC 7914 vector", encoded: phc, secret: "passwd", wantRehash: true},
		{name: "pbkdf2 with length", encoded: phcLen, secret: "passwd", wantRehash: true},
		{name: "pbkdf2 wrong secret", encoded: phc, secret: "Passwd", wantErr: ErrHashMismatch},
		{name: "pbkdf2 wrong length param", encoded: strings.Replace(phcLen, "l=64", "l=32", 1), secret: "passwd", wantErr: ErrUnsupportedHash},
		{name: "pbkdf2 empty length param", encoded: strings.Replace(phcLen, "l=64", "l=", 1), secret: "passwd", wantErr: ErrUnsupportedHash},
		{name: "pbkdf2 passlib", encoded: passlib1, secret: "password", wantRehash: true},
		{name: "pbkdf2 passlib 2", encoded: passlib2, secret: "password", wantRehash: true},
		{name: "pbkdf2 passlib wrong", encoded: passlib1, secret: "passwort", wantErr: ErrHashMismatch},
		{name: "pbkdf2 zero iterations", encoded: strings.Replace(phc, "i=1", "i=0", 1), secret: "passwd", wantErr: ErrUnsupportedHash},
		{name: "pbkdf2 too many iterations", encoded: strings.Replace(phc, "i=1", "i=10000001", 1), secret: "passwd", wantErr: ErrUnsupportedHash},
		{name: "pbkdf2 negative iterations", encoded: strings.Replace(passlib1, "29000", "-1", 1), secret: "password", wantErr: ErrUnsupportedHash},
		{name: "pbkdf2 phc with passlib alphabet", encoded: strings.Replace(phc, "$c2FsdA$", "$c2Fs.A$", 1), secret: "passwd", wantErr: ErrUnsupportedHash},
		{name: "pbkdf2 phc with plus in salt", encoded: strings.Replace(phc, "$c2FsdA$", "$c2Fs+A$", 1), secret: "passwd", wantErr: ErrHashMismatch},
		{name: "pbkdf2 missing part", encoded: "$pbkdf2-sha256$i=1$c2FsdA", secret: "passwd", wantErr: ErrUnsupportedHash},
		{name: "pbkdf2 short key", encoded: "$pbkdf2-sha256$i=1$c2FsdA$AAAA", secret: "passwd", wantErr: ErrUnsupportedHash},

		// Neither.
		{name: "empty", encoded: "", secret: hashTestSecret, wantErr: ErrUnsupportedHash},
		{name: "dollar", encoded: "$", secret: hashTestSecret, wantErr: ErrUnsupportedHash},
		{name: "plaintext stored", encoded: hashTestSecret, secret: hashTestSecret, wantErr: ErrUnsupportedHash},
		{name: "md5 crypt", encoded: "$1$saltsalt$qjXMvbEw8oaL.CzflDugX/", secret: "password", wantErr: ErrUnsupportedHash},
		{name: "sha512", encoded: "$sha512$" + strings.Repeat("A", 86), secret: hashTestSecret, wantErr: ErrUnsupportedHash},
		{name: "prefix case", encoded: "$SHA256$" + sha[8:], secret: hashTestSecret, wantErr: ErrUnsupportedHash},
	}
}

// hashTestArgonKey is the base64 argon2id key of hashTestSecret with the
// 0x5a salt of hashTestRand.
func hashTestArgonKey(m, tm uint32, p uint8, keyLen uint32) string {
	key := argon2.IDKey([]byte(hashTestSecret), bytes.Repeat([]byte{0x5a}, 16), tm, m, p, keyLen)
	return base64.RawStdEncoding.EncodeToString(key)
}

func TestVerify(t *testing.T) {
	t.Parallel()
	for _, tt := range hashVerifyCases(t) {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rehash, err := tt.hasher.Verify(tt.encoded, NewPlaintext(tt.secret))
			if tt.wantErr != nil {
				require.ErrorIs(t, err, tt.wantErr)
				assert.False(t, rehash)
				if errors.Is(tt.wantErr, ErrUnknownKey) {
					assert.ErrorIs(t, err, ErrUnsupportedHash, "this Hasher cannot verify it")
					assert.ErrorIs(t, err, ErrInvalidConfig, "a configuration error, not a wrong secret")
				} else {
					assert.NotErrorIs(t, err, ErrUnknownKey)
				}
				if tt.secret != "" {
					assert.NotContains(t, err.Error(), tt.secret)
				}
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.wantRehash, rehash)
		})
	}
}

func TestHashSlow(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		hasher *Hasher
		prefix string
	}{
		{name: "defaults", hasher: nil, prefix: "$argon2id$v=19$m=19456,t=2,p=1$WlpaWlpaWlpaWlpaWlpaWg$"},
		{name: "zero params", hasher: &Hasher{}, prefix: "$argon2id$v=19$m=19456,t=2,p=1$WlpaWlpaWlpaWlpaWlpaWg$"},
		{name: "custom", hasher: &Hasher{Argon2: Argon2Params{Memory: 64, Time: 1, Threads: 2, SaltLength: 8, KeyLength: 16}},
			prefix: "$argon2id$v=19$m=64,t=1,p=2$WlpaWlpaWlo$"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			enc, err := tt.hasher.HashSlow(NewPlaintext("correct horse battery staple"), hashTestRand())
			require.NoError(t, err)
			assert.True(t, strings.HasPrefix(enc, tt.prefix), enc)
			rehash, err := tt.hasher.Verify(enc, NewPlaintext("correct horse battery staple"))
			require.NoError(t, err)
			assert.False(t, rehash)
			_, err = tt.hasher.Verify(enc, NewPlaintext("correct horse battery stapler"))
			require.ErrorIs(t, err, ErrHashMismatch)
		})
	}
}

func TestHashSlowErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		hasher *Hasher
		rand   *bytes.Reader
	}{
		{name: "short salt source", hasher: nil, rand: bytes.NewReader([]byte{1, 2, 3})},
		{name: "memory beyond verify limit", hasher: &Hasher{Argon2: Argon2Params{Memory: hashMaxArgon2Memory + 1}}, rand: hashTestRand()},
		{name: "salt too short", hasher: &Hasher{Argon2: Argon2Params{SaltLength: 4}}, rand: hashTestRand()},
		{name: "key too long", hasher: &Hasher{Argon2: Argon2Params{KeyLength: 65}}, rand: hashTestRand()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := tt.hasher.HashSlow(NewPlaintext("secret"), tt.rand)
			require.Error(t, err)
		})
	}
}

func TestVerifyFastHashesDoNotAllocate(t *testing.T) {
	// Not parallel: testing.AllocsPerRun counts every goroutine's allocations.
	peppered := &Hasher{Pepper: hashTestPepper, PreviousPeppers: [][]byte{hashTestOldPepper}}
	secret := NewPlaintext(hashTestSecret)
	tests := []struct {
		name    string
		hasher  *Hasher
		encoded string
	}{
		{name: "sha256", encoded: hashMust(t, nil, hashTestSecret)},
		{name: "hmac-sha256", hasher: peppered, encoded: hashMust(t, peppered, hashTestSecret)},
		{name: "hmac-sha256 previous pepper", hasher: peppered, encoded: hashMust(t, &Hasher{Pepper: hashTestOldPepper}, hashTestSecret)},
		{name: "mismatch", encoded: hashMust(t, nil, "another secret")},
	}
	for _, tt := range tests {
		allocs := testing.AllocsPerRun(100, func() {
			_, _ = tt.hasher.Verify(tt.encoded, secret)
		})
		assert.Zero(t, allocs, tt.name)
	}
}

func FuzzVerify(f *testing.F) {
	for _, tt := range hashVerifyCases(f) {
		f.Add(tt.encoded, tt.secret)
	}
	hashers := []*Hasher{nil, {Pepper: hashTestPepper, PreviousPeppers: [][]byte{hashTestOldPepper}}}
	f.Fuzz(func(t *testing.T, encoded, secret string) {
		if hashFuzzTooSlow(encoded) {
			t.Skip()
		}
		for _, h := range hashers {
			rehash, err := h.Verify(encoded, NewPlaintext(secret))
			switch {
			case err == nil:
				require.NotEmpty(t, secret, "an empty secret matched %q", encoded)
				// A fast hash that matches is the one Hash produces, or the
				// same digest under another (previous) key.
				if strings.HasPrefix(encoded, hashPrefixSHA256) {
					assert.Equal(t, hashMust(t, nil, secret), encoded)
				}
			case rehash:
				t.Fatalf("needsRehash with error %v", err)
			default:
				require.True(t, errors.Is(err, ErrHashMismatch) || errors.Is(err, ErrUnsupportedHash), "unexpected error %v", err)
			}
		}
	})
}

// hashFuzzTooSlow reports whether encoded parses as a hash whose parameters,
// valid but high, would make each fuzz run slow.
func hashFuzzTooSlow(encoded string) bool {
	if rest, ok := strings.CutPrefix(encoded, hashPrefixArgon2); ok {
		a, ok := parseArgon2(rest)
		return ok && uint64(a.memory)*uint64(a.time) > 64*1024
	}
	if rest, ok := strings.CutPrefix(encoded, hashPrefixPBKDF2); ok {
		d, ok := parsePBKDF2(rest)
		return ok && d.iter > 50_000
	}
	if cost, ok := bcryptCost(encoded); ok {
		return cost > 6
	}
	return false
}
