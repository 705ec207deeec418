package oauthclient

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// authMaxSecretsTried bounds the secrets Authenticate checks per request:
// the newest valid ones. Rotation keeps two at a time; a few more leave room
// without letting a client with many secrets multiply the hashing work.
const authMaxSecretsTried = 3

// authFailedReason is the one reason of every authentication failure, so that
// a caller learns nothing about which check failed.
const authFailedReason = "client authentication failed"

// Authenticator authenticates OAuth clients at the token, revocation and
// introspection endpoints.
type Authenticator struct {
	// Clients looks clients up by ID.
	Clients ClientGetter
	// Hasher verifies secrets; nil means the default Hasher.
	Hasher *Hasher
	// Now returns the current time, against which secret expiry is
	// checked; nil means time.Now.
	Now func() time.Time
}

// Authenticate returns the client that c identifies if c authenticates it,
// and otherwise an *Error with Code CodeInvalidClient and a fixed reason
// (errors.Is(err, ErrInvalidClient) holds).
//
// The client must exist and be active, and c.Method must be the client's
// registered TokenEndpointAuthMethod (client_secret_basic when empty). A
// public client (method none) must present no secret; a confidential client
// (client_secret_basic or client_secret_post) must present a secret that
// matches one of its secrets valid now: the newest valid ones are tried, at
// most three. Every failure (unknown client, wrong or expired secret,
// disabled or pending client, a secret where none belongs or none where one
// does, another method than the registered one) returns the same error, and
// whenever a secret is presented at least one fast hash of it is computed, as
// a known client's check would do, so an unknown client costs the same as a
// wrong secret. Clients whose secrets have slow hashes (argon2id, bcrypt,
// PBKDF2) take longer to check, as the hash algorithm requires.
//
// Authenticate logs nothing. An error of the ClientGetter other than
// ErrNotFound is a server failure: it is returned wrapped, not as
// invalid_client.
func (a *Authenticator) Authenticate(ctx context.Context, c Credentials) (*Client, error) {
	p := hashPresented{secret: c.Secret.Reveal()}
	return a.authenticate(ctx, c, &p)
}

// authenticate is Authenticate; p records the hashing work done.
func (a *Authenticator) authenticate(ctx context.Context, c Credentials, p *hashPresented) (*Client, error) {
	if a.Clients == nil {
		return nil, errors.New("oauthclient: Authenticator has no Clients")
	}
	var client *Client
	if c.ClientID != "" {
		found, err := a.Clients.GetClient(ctx, c.ClientID)
		switch {
		case err == nil:
			client = found
		case !errors.Is(err, ErrNotFound):
			return nil, fmt.Errorf("oauthclient: looking up client: %w", err)
		}
	}
	// The clock is read whether or not the client exists, as is the hash
	// below, so that an unknown client costs what a known one does.
	now := time.Now
	if a.Now != nil {
		now = a.Now
	}
	if client != nil && a.check(client, c.Method, now(), p) {
		return client, nil
	}
	if p.secret != "" && p.totalWork() == 0 {
		// Nothing was hashed: do the work a known client would cause.
		a.Hasher.burn(p)
	}
	return nil, &Error{Code: CodeInvalidClient, Reason: authFailedReason}
}

// check reports whether the presented credentials authenticate client.
func (a *Authenticator) check(client *Client, method AuthMethod, now time.Time, p *hashPresented) bool {
	registered := client.TokenEndpointAuthMethod
	if registered == "" {
		registered = AuthMethodBasic
	}
	if client.Status != StatusActive || method != registered {
		return false
	}
	switch registered {
	case AuthMethodNone:
		return p.secret == ""
	case AuthMethodBasic, AuthMethodPost:
		if p.secret == "" {
			return false
		}
	default:
		return false
	}
	for _, i := range authNewestValid(client.Secrets, now) {
		if i < 0 {
			break
		}
		if _, err := a.Hasher.verify(client.Secrets[i].Hash, p); err == nil {
			return true
		}
	}
	return false
}

// authNewestValid returns the indexes of the newest secrets valid at now
// (by CreatedAt, the later index first among equals), at most
// authMaxSecretsTried, newest first, padded with -1.
func authNewestValid(secrets []Secret, now time.Time) [authMaxSecretsTried]int {
	var top [authMaxSecretsTried]int
	for i := range top {
		top[i] = -1
	}
	for i := range secrets {
		if !secrets[i].ValidAt(now) {
			continue
		}
		// Insert i before the first entry it is not older than.
		for j := range top {
			if top[j] < 0 || !secrets[i].CreatedAt.Before(secrets[top[j]].CreatedAt) {
				copy(top[j+1:], top[j:])
				top[j] = i
				break
			}
		}
	}
	return top
}

// authDummyDigest is the SHA-256 digest of the empty string, a secret that
// never authenticates; burn checks presented secrets against it.
const authDummyDigest = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU"

// burn does the work of checking p against one stored fast hash of the kind
// this Hasher produces for generated secrets: decode, hash, compare.
func (h *Hasher) burn(p *hashPresented) {
	var want [32]byte
	hashDecodeDigest(&want, authDummyDigest)
	var got [32]byte
	if pepper := h.pepper(); len(pepper) > 0 {
		got = p.hmacDigest(pepper, 0)
	} else {
		got = p.sha256Digest()
	}
	_ = hashCompare(got[:], want[:])
}
