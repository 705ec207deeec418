package web

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/portaloauth/portaloauth/oauthclient"
)

// Password rules.
const (
	minPasswordLen = 10  // characters
	maxPasswordLen = 200 // bytes: bounds the hashing work a request can cause
)

// passwords hashes and verifies login passwords with argon2id.
type passwords struct {
	hasher *oauthclient.Hasher
	rand   io.Reader
	// dummy is a hash verified when no account matches, so that an unknown
	// login costs as much as a wrong password.
	dummy string
}

func newPasswords(h *oauthclient.Hasher, rand io.Reader) (passwords, error) {
	if h == nil {
		h = &oauthclient.Hasher{}
	}
	p := passwords{hasher: h, rand: rand}
	var err error
	if p.dummy, err = p.hash("unused dummy password"); err != nil {
		return passwords{}, err
	}
	return p, nil
}

// HashPassword returns the argon2id hash of a password, in the form that
// [Admin].PasswordHash and a developer's PasswordHash hold. rand supplies
// the salt, nil meaning crypto/rand.Reader; h nil means the default
// parameters.
func HashPassword(h *oauthclient.Hasher, password string, r io.Reader) (string, error) {
	if h == nil {
		h = &oauthclient.Hasher{}
	}
	return passwords{hasher: h, rand: r}.hash(password) // HashSlow reads crypto/rand for a nil r
}

func (p passwords) hash(password string) (string, error) {
	hash, err := p.hasher.HashSlow(oauthclient.NewPlaintext(password), p.rand)
	if err != nil {
		return "", fmt.Errorf("web: hashing a password: %w", err)
	}
	return hash, nil
}

// verify reports whether password matches encoded, an argon2id (or
// imported bcrypt or PBKDF2) hash. An empty encoded hash is checked against
// a dummy so that the time taken does not tell whether the account exists.
// Fast hashes, fit for random secrets only, never match a password.
func (p passwords) verify(encoded, password string) bool {
	ok := encoded != "" && !strings.HasPrefix(encoded, "$sha256$") && !strings.HasPrefix(encoded, "$hmac-sha256$")
	if !ok {
		encoded = p.dummy
	}
	if len(password) > maxPasswordLen {
		password = password[:maxPasswordLen]
		ok = false
	}
	_, err := p.hasher.Verify(encoded, oauthclient.NewPlaintext(password))
	return ok && err == nil
}

// checkPassword returns the rule a new password breaks, in plain words.
func checkPassword(pw string) string {
	switch {
	case !utf8.ValidString(pw):
		return "Password is not valid text."
	case utf8.RuneCountInString(pw) < minPasswordLen:
		return fmt.Sprintf("Password must be at least %d characters long.", minPasswordLen)
	case len(pw) > maxPasswordLen:
		return fmt.Sprintf("Password must be at most %d bytes long.", maxPasswordLen)
	}
	return ""
}
