package oauthclient

import (
	"crypto/pbkdf2"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"golang.org/x/crypto/argon2"
	"golang.org/x/crypto/bcrypt"
)

// Hash sentinels, returned by [Hasher.Verify].
var (
	// ErrHashMismatch: the secret does not match the hash.
	ErrHashMismatch = errors.New("oauthclient: secret does not match hash")
	// ErrUnsupportedHash: the hash string is malformed, names an algorithm
	// this package does not verify, has parameters beyond its limits, or was
	// made with a pepper the Hasher does not hold (that error also wraps
	// ErrUnknownKey).
	ErrUnsupportedHash = errors.New("oauthclient: unsupported or malformed hash")
)

// errHashEmptySecret: Hash and HashSlow refuse to hash an empty secret.
var errHashEmptySecret = errors.New("oauthclient: cannot hash an empty secret")

// Argon2Params are the argon2id parameters of [Hasher.HashSlow]. A zero field
// means its default; the defaults are the OWASP minimum for argon2id
// (19 MiB of memory, 2 passes, 1 thread), a 16-byte salt and a 32-byte key.
type Argon2Params struct {
	Memory     uint32 // KiB; default 19456 (19 MiB)
	Time       uint32 // passes; default 2
	Threads    uint8  // lanes; default 1
	SaltLength uint32 // bytes; default 16
	KeyLength  uint32 // bytes; default 32
}

// Argon2 defaults, see [Argon2Params].
const (
	argon2DefaultMemory  = 19 * 1024
	argon2DefaultTime    = 2
	argon2DefaultThreads = 1
	argon2DefaultSalt    = 16
	argon2DefaultKey     = 32
)

// Limits on the parameters Verify accepts, so that no stored string can make
// verification run for minutes or exhaust memory.
const (
	hashMaxArgon2Memory = 256 * 1024 // KiB: 256 MiB
	hashMaxArgon2Time   = 16
	hashMaxArgon2Lanes  = 16
	hashMaxBcryptCost   = 16
	hashMaxPBKDF2Iter   = 10_000_000
)

func (p Argon2Params) withDefaults() Argon2Params {
	if p.Memory == 0 {
		p.Memory = argon2DefaultMemory
	}
	if p.Time == 0 {
		p.Time = argon2DefaultTime
	}
	if p.Threads == 0 {
		p.Threads = argon2DefaultThreads
	}
	if p.SaltLength == 0 {
		p.SaltLength = argon2DefaultSalt
	}
	if p.KeyLength == 0 {
		p.KeyLength = argon2DefaultKey
	}
	return p
}

// Hasher hashes and verifies client secrets. The zero value, and a nil
// *Hasher, use the defaults: SHA-256 without a pepper and the default
// [Argon2Params]. A Hasher is safe for concurrent use once configured.
//
// Every hash is a self-describing string in the PHC string format, so the
// algorithm can change without a migration: Verify picks the algorithm from
// the prefix and reports when a rehash is due. Binary fields use standard
// base64 without padding.
//
//	$sha256$<hash>                                   Hash without a Pepper
//	$hmac-sha256$k=<key id>$<hash>                   Hash with a Pepper
//	$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>     HashSlow
//	$2a$10$..., $2b$..., $2y$...                     bcrypt, verify only
//	$pbkdf2-sha256$i=25000$<salt>$<hash>             PBKDF2-SHA256, verify only
//	$pbkdf2-sha256$25000$<salt>$<hash>               the same in passlib's form
//	                                                 (base64 with "." for "+")
//
// Generated secrets carry 256 random bits, so a single fast hash protects
// them as well as a slow one would; Hash is for them. Secrets chosen by
// people (imported from another system) need HashSlow.
type Hasher struct {
	// Pepper, if set, is a server-side key: Hash then computes
	// HMAC-SHA-256 under it instead of SHA-256, so that a stolen database
	// alone does not allow checking guesses. Use at least 32 random bytes,
	// kept outside the database. The key id in the hash is derived from the
	// Pepper itself (a truncated HMAC under it), so no name has to be chosen.
	Pepper []byte

	// PreviousPeppers are former values of Pepper, kept during a rotation:
	// Verify accepts hashes made under them and reports needsRehash, so
	// the caller can store a hash under the current Pepper.
	PreviousPeppers [][]byte

	// Argon2 sets the parameters of HashSlow; zero fields mean defaults.
	Argon2 Argon2Params
}

// Hash algorithm prefixes.
const (
	hashPrefixSHA256 = "$sha256$"
	hashPrefixHMAC   = "$hmac-sha256$"
	hashPrefixArgon2 = "$argon2id$"
	hashPrefixPBKDF2 = "$pbkdf2-sha256$"
)

// hashAlg numbers the algorithms, to count the work done per algorithm.
type hashAlg int

const (
	hashAlgSHA256 hashAlg = iota
	hashAlgHMAC
	hashAlgArgon2id
	hashAlgBcrypt
	hashAlgPBKDF2
	hashAlgCount
)

// hashB64 is the base64 of PHC strings: standard alphabet, no padding,
// canonical (strict) encoding only.
var hashB64 = base64.RawStdEncoding.Strict()

// hashDigestB64Len is the length of a base64-encoded SHA-256 digest.
const hashDigestB64Len = 43

// hashKeyIDLen is the length of a pepper key id: 4 bytes in hex.
const hashKeyIDLen = 8

func (h *Hasher) pepper() []byte {
	if h == nil {
		return nil
	}
	return h.Pepper
}

func (h *Hasher) argon2() Argon2Params {
	if h == nil {
		return Argon2Params{}.withDefaults()
	}
	return h.Argon2.withDefaults()
}

// Hash returns the fast hash of a generated secret: SHA-256, or
// HMAC-SHA-256 under the Pepper if one is set. It fails only on an empty
// secret.
func (h *Hasher) Hash(secret Plaintext) (string, error) {
	if secret.IsZero() {
		return "", errHashEmptySecret
	}
	var p hashPresented
	p.secret = secret.Reveal()
	if pepper := h.pepper(); len(pepper) > 0 {
		id := hashKeyID(pepper)
		sum := p.hmacDigest(pepper, 0)
		return hashPrefixHMAC + "k=" + string(id[:]) + "$" + hashB64.EncodeToString(sum[:]), nil
	}
	sum := p.sha256Digest()
	return hashPrefixSHA256 + hashB64.EncodeToString(sum[:]), nil
}

// HashSlow returns the argon2id hash of a secret chosen by a person, with a
// fresh salt read from rand and the Hasher's Argon2 parameters. A nil rand
// means crypto/rand.
func (h *Hasher) HashSlow(secret Plaintext, rand io.Reader) (string, error) {
	if secret.IsZero() {
		return "", errHashEmptySecret
	}
	a := h.argon2()
	if a.Memory > hashMaxArgon2Memory || a.Time > hashMaxArgon2Time || a.Threads > hashMaxArgon2Lanes ||
		a.SaltLength < 8 || a.SaltLength > 64 || a.KeyLength < 16 || a.KeyLength > 64 {
		return "", fmt.Errorf("%w: argon2id parameters out of range", ErrUnsupportedHash)
	}
	salt := make([]byte, a.SaltLength)
	if _, err := io.ReadFull(randOrDefault(rand), salt); err != nil {
		return "", fmt.Errorf("oauthclient: reading salt: %w", err)
	}
	key := argon2.IDKey([]byte(secret.Reveal()), salt, a.Time, a.Memory, a.Threads, a.KeyLength)
	return fmt.Sprintf("%sv=%d$m=%d,t=%d,p=%d$%s$%s", hashPrefixArgon2, argon2.Version,
		a.Memory, a.Time, a.Threads, hashB64.EncodeToString(salt), hashB64.EncodeToString(key)), nil
}

// Verify reports whether secret matches the encoded hash: nil if it does,
// ErrHashMismatch if it does not, ErrUnsupportedHash if the hash cannot be
// verified. It never panics, whatever the string.
//
// An HMAC hash whose key id names neither the Pepper nor one of the
// PreviousPeppers (or any HMAC hash while no Pepper is set) fails with an
// error that wraps both ErrUnsupportedHash and [ErrUnknownKey], a
// configuration error: the Hasher lacks the pepper the hash was made
// under. The key id is read on a mismatch only, so a match costs nothing
// more.
//
// On a match, needsRehash reports that the hash is not what this Hasher
// would produce now for that kind of secret, and the caller should store a
// new one: a SHA-256 hash while a Pepper is set, an HMAC under a previous
// pepper, any bcrypt or PBKDF2 hash, or an argon2id hash with less memory,
// fewer passes or a shorter key than the Hasher's Argon2 parameters.
//
// An empty secret matches no hash. Comparisons take constant time, and
// verifying a fast hash allocates nothing.
func (h *Hasher) Verify(encoded string, secret Plaintext) (needsRehash bool, err error) {
	if secret.IsZero() {
		return false, ErrHashMismatch
	}
	p := hashPresented{secret: secret.Reveal()}
	return h.verify(encoded, &p)
}

// hashPresented is a presented secret together with the fast digests
// computed from it so far, so that checking it against several stored fast
// hashes runs each hash function once. work counts the hash computations per
// algorithm, which is how tests check that authentication does the same work
// whatever the outcome.
type hashPresented struct {
	secret string
	work   [hashAlgCount]int
	rehash bool // the last match was against a hash due for a rehash

	sha     [sha256.Size]byte
	haveSHA bool
	mac     [sha256.Size]byte
	macKey  int // which pepper mac is under: 0 current, i+1 PreviousPeppers[i]
	haveMAC bool
}

func (p *hashPresented) sha256Digest() [sha256.Size]byte {
	if !p.haveSHA {
		p.work[hashAlgSHA256]++
		p.sha = hashSHA256String(p.secret)
		p.haveSHA = true
	}
	return p.sha
}

func (p *hashPresented) hmacDigest(key []byte, keyIndex int) [sha256.Size]byte {
	if !p.haveMAC || p.macKey != keyIndex {
		p.work[hashAlgHMAC]++
		p.mac = hashHMACSHA256(key, p.secret)
		p.macKey = keyIndex
		p.haveMAC = true
	}
	return p.mac
}

// totalWork is the number of hash computations done.
func (p *hashPresented) totalWork() int {
	n := 0
	for _, w := range p.work {
		n += w
	}
	return n
}

func (h *Hasher) verify(encoded string, p *hashPresented) (bool, error) {
	switch {
	case strings.HasPrefix(encoded, hashPrefixSHA256):
		return h.verifySHA256(encoded[len(hashPrefixSHA256):], p)
	case strings.HasPrefix(encoded, hashPrefixHMAC):
		return h.verifyHMAC(encoded[len(hashPrefixHMAC):], p)
	case strings.HasPrefix(encoded, hashPrefixArgon2):
		return h.verifyArgon2(encoded[len(hashPrefixArgon2):], p)
	case strings.HasPrefix(encoded, hashPrefixPBKDF2):
		return verifyPBKDF2(encoded[len(hashPrefixPBKDF2):], p)
	case strings.HasPrefix(encoded, "$2a$"), strings.HasPrefix(encoded, "$2b$"), strings.HasPrefix(encoded, "$2y$"):
		return verifyBcrypt(encoded, p)
	}
	return false, ErrUnsupportedHash
}

// isFastHash reports whether encoded is a fast hash (SHA-256 or
// HMAC-SHA-256), the kind Hash makes for generated secrets.
func isFastHash(encoded string) bool {
	return strings.HasPrefix(encoded, hashPrefixSHA256) || strings.HasPrefix(encoded, hashPrefixHMAC)
}

// hashCompare compares two digests in constant time.
func hashCompare(got, want []byte) error {
	if subtle.ConstantTimeCompare(got, want) != 1 {
		return ErrHashMismatch
	}
	return nil
}

func (h *Hasher) verifySHA256(rest string, p *hashPresented) (bool, error) {
	var want [sha256.Size]byte
	if !hashDecodeDigest(&want, rest) {
		return false, ErrUnsupportedHash
	}
	got := p.sha256Digest()
	if err := hashCompare(got[:], want[:]); err != nil {
		return false, err
	}
	return len(h.pepper()) > 0, nil
}

func (h *Hasher) verifyHMAC(rest string, p *hashPresented) (bool, error) {
	params, digest, ok := strings.Cut(rest, "$")
	id, isKeyID := strings.CutPrefix(params, "k=")
	var want [sha256.Size]byte
	if !ok || !isKeyID || !hashValidKeyID(id) || !hashDecodeDigest(&want, digest) {
		return false, ErrUnsupportedHash
	}
	key, keyIndex := h.pepperFor(id)
	if key == nil {
		return false, errHashUnknownKey
	}
	got := p.hmacDigest(key, keyIndex)
	if err := hashCompare(got[:], want[:]); err != nil {
		if len(h.PreviousPeppers) == 0 {
			// pepperFor took the Pepper without reading the key id. Only
			// now that the digest differs is the id worth its HMAC: a
			// hash under another pepper is a configuration error, not a
			// wrong secret. A wrong secret and an unknown client (whose
			// stand-in hash is under the Pepper) both get here.
			if k := hashKeyID(key); string(k[:]) != id {
				return false, errHashUnknownKey
			}
		}
		return false, err
	}
	return keyIndex != 0, nil
}

// errHashUnknownKey is Verify's error for an HMAC hash under a pepper the
// Hasher does not hold: ErrUnknownKey (a configuration error) and
// ErrUnsupportedHash (this Hasher cannot verify it).
var errHashUnknownKey = fmt.Errorf("%w (%w)", ErrUnknownKey, ErrUnsupportedHash)

// pepperFor returns the pepper whose key id is id, and its index (0 for
// Pepper, i+1 for PreviousPeppers[i]), or nil. Without previous peppers it
// returns the current Pepper whatever the id, sparing the key id
// computation on a match: verifyHMAC reads the id only on a mismatch.
func (h *Hasher) pepperFor(id string) ([]byte, int) {
	if h == nil {
		return nil, 0
	}
	if len(h.PreviousPeppers) == 0 {
		if len(h.Pepper) == 0 {
			return nil, 0
		}
		return h.Pepper, 0
	}
	if len(h.Pepper) > 0 {
		if k := hashKeyID(h.Pepper); string(k[:]) == id {
			return h.Pepper, 0
		}
	}
	for i, old := range h.PreviousPeppers {
		if len(old) == 0 {
			continue
		}
		if k := hashKeyID(old); string(k[:]) == id {
			return old, i + 1
		}
	}
	return nil, 0
}

// hashKeyID names a pepper without revealing it: the first 4 bytes, in hex,
// of an HMAC under the pepper of a fixed label.
func hashKeyID(pepper []byte) [hashKeyIDLen]byte {
	sum := hashHMACSHA256(pepper, "portaloauth pepper key id")
	var id [hashKeyIDLen]byte
	hex.Encode(id[:], sum[:hashKeyIDLen/2])
	return id
}

func hashValidKeyID(s string) bool {
	if len(s) != hashKeyIDLen {
		return false
	}
	for i := range len(s) {
		c := s[i]
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// hashDecodeDigest decodes a base64 SHA-256 digest into dst without
// allocating.
func hashDecodeDigest(dst *[sha256.Size]byte, s string) bool {
	if len(s) != hashDigestB64Len {
		return false
	}
	n, err := hashB64.Decode(dst[:], []byte(s))
	return err == nil && n == sha256.Size
}

// hashStackBytes is how much of a secret the fast hashes copy onto the stack;
// longer secrets take the allocating path.
const hashStackBytes = 256

// hashSHA256String is sha256.Sum256 of s, without allocating for secrets
// of up to hashStackBytes.
func hashSHA256String(s string) [sha256.Size]byte {
	if len(s) > hashStackBytes {
		return sha256.Sum256([]byte(s))
	}
	var buf [hashStackBytes]byte
	n := copy(buf[:], s)
	return sha256.Sum256(buf[:n])
}

// hashHMACSHA256 is HMAC-SHA-256 (RFC 2104) of msg under key, computed with
// sha256.Sum256 on stack buffers, which crypto/hmac, whose hash state lives
// on the heap, cannot do. Tests check it against crypto/hmac.
func hashHMACSHA256(key []byte, msg string) [sha256.Size]byte {
	const block = sha256.BlockSize
	var k [block]byte
	if len(key) > block {
		sum := sha256.Sum256(key)
		copy(k[:], sum[:])
	} else {
		copy(k[:], key)
	}
	var inner [sha256.Size]byte
	if len(msg) <= hashStackBytes {
		var buf [block + hashStackBytes]byte
		for i := range block {
			buf[i] = k[i] ^ 0x36
		}
		n := copy(buf[block:], msg)
		inner = sha256.Sum256(buf[:block+n])
	} else {
		buf := make([]byte, block+len(msg))
		for i := range block {
			buf[i] = k[i] ^ 0x36
		}
		copy(buf[block:], msg)
		inner = sha256.Sum256(buf)
	}
	var outer [block + sha256.Size]byte
	for i := range block {
		outer[i] = k[i] ^ 0x5c
	}
	copy(outer[block:], inner[:])
	return sha256.Sum256(outer[:])
}

// hashUint parses a decimal number in [lo, hi] without sign or leading
// zeros.
func hashUint(s string, lo, hi uint64) (uint64, bool) {
	if s == "" || (len(s) > 1 && s[0] == '0') || s[0] == '+' || s[0] == '-' {
		return 0, false
	}
	v, err := strconv.ParseUint(s, 10, 64)
	if err != nil || v < lo || v > hi {
		return 0, false
	}
	return v, true
}

// hashArgon2 is a parsed argon2id hash.
type hashArgon2 struct {
	memory, time uint32
	threads      uint8
	salt, key    []byte
}

// parseArgon2 parses what follows "$argon2id$", within the verify limits.
func parseArgon2(rest string) (hashArgon2, bool) {
	var a hashArgon2
	parts := strings.Split(rest, "$")
	if len(parts) != 4 || parts[0] != "v=19" {
		return a, false
	}
	params := strings.Split(parts[1], ",")
	if len(params) != 3 {
		return a, false
	}
	m, okM := strings.CutPrefix(params[0], "m=")
	t, okT := strings.CutPrefix(params[1], "t=")
	l, okP := strings.CutPrefix(params[2], "p=")
	if !okM || !okT || !okP {
		return a, false
	}
	lanes, okP := hashUint(l, 1, hashMaxArgon2Lanes)
	memory, okM := hashUint(m, 8*lanes, hashMaxArgon2Memory)
	time, okT := hashUint(t, 1, hashMaxArgon2Time)
	if !okM || !okT || !okP {
		return a, false
	}
	salt, err1 := hashB64.DecodeString(parts[2])
	key, err2 := hashB64.DecodeString(parts[3])
	if err1 != nil || err2 != nil || len(salt) < 8 || len(salt) > 64 || len(key) < 16 || len(key) > 64 {
		return a, false
	}
	return hashArgon2{memory: uint32(memory), time: uint32(time), threads: uint8(lanes), salt: salt, key: key}, true
}

func (h *Hasher) verifyArgon2(rest string, p *hashPresented) (bool, error) {
	a, ok := parseArgon2(rest)
	if !ok {
		return false, ErrUnsupportedHash
	}
	p.work[hashAlgArgon2id]++
	got := argon2.IDKey([]byte(p.secret), a.salt, a.time, a.memory, a.threads, uint32(len(a.key)))
	if err := hashCompare(got, a.key); err != nil {
		return false, err
	}
	want := h.argon2()
	return a.memory < want.Memory || a.time < want.Time || uint32(len(a.key)) < want.KeyLength, nil
}

// bcryptCost returns the cost of a bcrypt hash "$2x$NN$" + 53 characters.
func bcryptCost(encoded string) (int, bool) {
	if len(encoded) != 60 || encoded[6] != '$' {
		return 0, false
	}
	cost, ok := hashUint(strings.TrimPrefix(encoded[4:6], "0"), uint64(bcrypt.MinCost), hashMaxBcryptCost)
	return int(cost), ok
}

func verifyBcrypt(encoded string, p *hashPresented) (bool, error) {
	if _, ok := bcryptCost(encoded); !ok {
		return false, ErrUnsupportedHash
	}
	p.work[hashAlgBcrypt]++
	switch err := bcrypt.CompareHashAndPassword([]byte(encoded), []byte(p.secret)); {
	case err == nil:
		return true, nil
	case errors.Is(err, bcrypt.ErrMismatchedHashAndPassword), errors.Is(err, bcrypt.ErrPasswordTooLong):
		return false, ErrHashMismatch
	default:
		return false, ErrUnsupportedHash
	}
}

// hashPBKDF2 is a parsed PBKDF2-SHA256 hash.
type hashPBKDF2 struct {
	iter      int
	salt, key []byte
}

// passlibB64 is passlib's "adapted base64": standard base64 without padding
// and with "." in place of "+".
var passlibB64 = base64.NewEncoding("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789./").
	WithPadding(base64.NoPadding).Strict()

// parsePBKDF2 parses what follows "$pbkdf2-sha256$": "i=N[,l=N]$salt$hash"
// in PHC form, or "N$salt$hash" in passlib's.
func parsePBKDF2(rest string) (hashPBKDF2, bool) {
	var out hashPBKDF2
	parts := strings.Split(rest, "$")
	if len(parts) != 3 {
		return out, false
	}
	enc, iter, length, hasLength := passlibB64, parts[0], "", false
	if params, phc := strings.CutPrefix(parts[0], "i="); phc {
		enc = hashB64
		iter, length, hasLength = strings.Cut(params, ",l=")
	}
	n, ok := hashUint(iter, 1, hashMaxPBKDF2Iter)
	if !ok {
		return out, false
	}
	salt, err1 := enc.DecodeString(parts[1])
	key, err2 := enc.DecodeString(parts[2])
	if err1 != nil || err2 != nil || len(salt) > 1024 || len(key) < 16 || len(key) > 64 {
		return out, false
	}
	if hasLength {
		if l, ok := hashUint(length, 16, 64); !ok || int(l) != len(key) {
			return out, false
		}
	}
	return hashPBKDF2{iter: int(n), salt: salt, key: key}, true
}

func verifyPBKDF2(rest string, p *hashPresented) (bool, error) {
	d, ok := parsePBKDF2(rest)
	if !ok {
		return false, ErrUnsupportedHash
	}
	p.work[hashAlgPBKDF2]++
	got, err := pbkdf2.Key(sha256.New, p.secret, d.salt, d.iter, len(d.key))
	if err != nil {
		return false, ErrUnsupportedHash
	}
	if err := hashCompare(got, d.key); err != nil {
		return false, err
	}
	return true, nil
}
