package oauthclient

import (
	"encoding/base64"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/google/uuid"
)

// SecretPrefix starts every generated client secret, so that secret scanners
// (and people) recognise one.
const SecretPrefix = "poa_cs_"

// secretRandomBytes is the entropy of a generated secret: 256 bits.
const secretRandomBytes = 32

// GenerateSecret returns a new client secret: SecretPrefix followed by 32
// bytes read from r in unpadded base64url, 50 URL-safe characters in all. A
// nil r means crypto/rand.
func GenerateSecret(r io.Reader) (Plaintext, error) {
	var raw [secretRandomBytes]byte
	if _, err := io.ReadFull(randOrDefault(r), raw[:]); err != nil {
		return Plaintext{}, fmt.Errorf("oauthclient: generating secret: %w", err)
	}
	var out [len(SecretPrefix) + 43]byte
	copy(out[:], SecretPrefix)
	base64.RawURLEncoding.Encode(out[len(SecretPrefix):], raw[:])
	return NewPlaintext(string(out[:])), nil
}

// secretHintTail is how many trailing characters a hint shows, and
// secretHintMinHidden how many must stay hidden for it to show any.
const (
	secretHintTail      = 4
	secretHintMinHidden = 20
)

// SecretHint returns a short text by which a person can recognise a secret
// without being able to guess it: for a generated secret, its prefix, an
// ellipsis and its last 4 characters ("poa_cs_…x7Qa", 24 of 256 bits). Other
// secrets show their last 4 characters only if they are printable ASCII and
// at least 20 characters stay hidden; otherwise the hint is "…".
func SecretHint(p Plaintext) string {
	s := p.Reveal()
	prefix := ""
	if rest, ok := strings.CutPrefix(s, SecretPrefix); ok {
		prefix, s = SecretPrefix, rest
	}
	if len(s) < secretHintTail+secretHintMinHidden {
		return prefix + "…"
	}
	tail := s[len(s)-secretHintTail:]
	for i := range len(tail) {
		if tail[i] <= ' ' || tail[i] > '~' {
			return prefix + "…"
		}
	}
	return prefix + "…" + tail
}

// NewClientID returns a random client ID: a UUID version 4 made of 16 bytes
// read from r. A nil r means crypto/rand.
func NewClientID(r io.Reader) (string, error) {
	id, err := uuid.NewRandomFromReader(randOrDefault(r))
	if err != nil {
		return "", fmt.Errorf("oauthclient: generating client ID: %w", err)
	}
	return id.String(), nil
}

// NewSecret generates a client secret from r (see [GenerateSecret]) and
// returns it with its stored form: the fast hash (see [Hasher.Hash]), a
// random ID (a UUID read from r after the secret), the hint and CreatedAt
// set to now, without expiry. Show the Plaintext once; store the Secret. A
// nil r means crypto/rand.
func (h *Hasher) NewSecret(r io.Reader, now time.Time) (Plaintext, Secret, error) {
	r = randOrDefault(r)
	plain, err := GenerateSecret(r)
	if err != nil {
		return Plaintext{}, Secret{}, err
	}
	id, err := uuid.NewRandomFromReader(r)
	if err != nil {
		return Plaintext{}, Secret{}, fmt.Errorf("oauthclient: generating secret ID: %w", err)
	}
	hash, err := h.Hash(plain)
	if err != nil {
		return Plaintext{}, Secret{}, err
	}
	return plain, Secret{ID: id.String(), Hash: hash, Hint: SecretHint(plain), CreatedAt: now}, nil
}
