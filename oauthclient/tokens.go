package oauthclient

import (
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"io"
	"unsafe"
)

// tokenRandomBytes is the entropy of every generated token: 256 bits.
const tokenRandomBytes = 32

// tokenEncodedLen is the length of tokenRandomBytes in unpadded base64url.
const tokenEncodedLen = (tokenRandomBytes*8 + 5) / 6

// Prefixes of generated token values. They make a leaked token easy to
// recognise, for people and for secret scanners.
const (
	PrefixAccessToken       = "poa_at_"
	PrefixRefreshToken      = "poa_rt_"
	PrefixAuthorizationCode = "poa_ac_"
	PrefixRegistrationToken = "poa_rat_"
	PrefixInitialAccess     = "poa_iat_"
)

// GenerateToken returns a new opaque token value of the given kind and its
// hash for the store (see [HashToken]). The value is a kind prefix
// ([PrefixAccessToken], [PrefixRefreshToken] or [PrefixAuthorizationCode])
// followed by 32 bytes read from r in unpadded base64url: 256 bits of
// entropy, URL-safe. A nil r means crypto/rand.
//
// It returns an *Error with Code unsupported_token_type (Field "kind") for a
// kind it does not know, and the reading error, wrapped, when r fails.
func GenerateToken(r io.Reader, kind TokenKind) (value Plaintext, hash string, err error) {
	var prefix string
	switch kind {
	case KindAccessToken:
		prefix = PrefixAccessToken
	case KindRefreshToken:
		prefix = PrefixRefreshToken
	case KindAuthorizationCode:
		prefix = PrefixAuthorizationCode
	default:
		return Plaintext{}, "", &Error{Code: CodeUnsupportedTokenType, Field: "kind", Reason: "is not a token kind this package generates"}
	}
	return newTokenValue(r, prefix)
}

// GenerateRegistrationToken returns a new RFC 7592 registration access
// token, prefixed [PrefixRegistrationToken], and its hash for
// Client.RegistrationTokenHash. It is built like [GenerateToken]'s values; a nil r means
// crypto/rand.
func GenerateRegistrationToken(r io.Reader) (value Plaintext, hash string, err error) {
	return newTokenValue(r, PrefixRegistrationToken)
}

// GenerateInitialAccessToken returns a new RFC 7591 initial access token,
// prefixed [PrefixInitialAccess], and its hash (see [HashToken]). It is
// built like [GenerateToken]'s values; a nil r means
// crypto/rand.
func GenerateInitialAccessToken(r io.Reader) (value Plaintext, hash string, err error) {
	return newTokenValue(r, PrefixInitialAccess)
}

// tokenMaxPrefixLen is the length of the longest token prefix.
const tokenMaxPrefixLen = len(PrefixRegistrationToken)

func newTokenValue(r io.Reader, prefix string) (Plaintext, string, error) {
	var random [tokenRandomBytes]byte
	if err := ReadRandom(r, random[:]); err != nil {
		return Plaintext{}, "", fmt.Errorf("oauthclient: reading random bytes for a token: %w", err)
	}
	x := new(tokenBox)
	n := copy(x.b[:], prefix)
	base64.RawURLEncoding.Encode(x.b[n:], random[:])
	clear(random[:])
	// x.b is never written again: the value can be a view of it.
	x.s = unsafe.String(&x.b[0], n+tokenEncodedLen)
	return Plaintext{p: &x.s}, HashToken(x.s), nil
}

// tokenBox holds a token value and the string a Plaintext of it points
// to, so that a new value is one allocation, not two.
type tokenBox struct {
	s string
	b [tokenMaxPrefixLen + tokenEncodedLen]byte
}

// HashToken returns the key under which a token value is stored: its SHA-256
// digest in unpadded base64url (43 characters). Token values carry 256 bits
// of entropy, so a fast unsalted hash is enough: nobody can guess a value
// from its hash, and equal values always give the same key. It allocates
// only the result.
func HashToken(value string) string {
	var sum [sha256.Size]byte
	var small [128]byte
	if len(value) <= len(small) {
		sum = sha256.Sum256(small[:copy(small[:], value)])
	} else {
		sum = sha256.Sum256([]byte(value))
	}
	var out [(sha256.Size*8 + 5) / 6]byte
	base64.RawURLEncoding.Encode(out[:], sum[:])
	return string(out[:])
}
