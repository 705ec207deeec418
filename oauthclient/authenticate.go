package oauthclient

import (
	"context"
	"errors"
	"fmt"
	"io"
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
	// Rand is the source of salts when a slow hash is upgraded (see
	// Authenticate); nil means crypto/rand.Reader.
	Rand io.Reader
}

// ClientUpdater is an optional capability of the ClientGetter given to an
// [Authenticator], found by type assertion (every [ClientStore] has it):
// with it, Authenticate stores the upgraded hash of a secret whose hash is
// due for a rehash.
type ClientUpdater interface {
	// UpdateClient is ClientStore.UpdateClient: it replaces the client if
	// the stored Version equals c.Version, and returns ErrConflict,
	// changing nothing, if not.
	UpdateClient(ctx context.Context, c *Client, opts UpdateOptions) error
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
// When the secret matches a hash that [Hasher.Verify] reports due for a
// rehash (bcrypt or PBKDF2 imported from another system, weaker argon2id
// parameters, SHA-256 while a Pepper is set, a previous Pepper) and the
// ClientGetter is a [ClientUpdater], Authenticate stores the new hash
// before it returns: a fast hash stays a fast hash under the current
// Hasher, and a slow one (argon2id, bcrypt, PBKDF2) becomes argon2id, since
// nothing tells a generated secret from one a person chose and a fast hash
// of the latter would be weaker. The write carries the client's Version as
// read: if the client changed meanwhile the write changes nothing and the
// next successful authentication tries again. A failed upgrade never fails
// the authentication; the client returned then is the client as read.
//
// Authenticate logs nothing. An error of the ClientGetter other than
// ErrNotFound is a server failure: it is returned wrapped, not as
// invalid_client. So is a client none of whose secrets matched while one
// of their hashes was made under a pepper the Hasher does not hold: the
// error wraps [ErrUnknownKey] (an [ErrInvalidConfig]), which [WriteError]
// answers with a 500 and logs as a configuration bug, for a deployment
// whose pepper is wrong would otherwise refuse every client as
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
	if client == nil {
		// An unknown client costs what a known one does: the copy a store
		// makes of a found client, and the same checks on a stand-in
		// whose one secret matches nothing.
		client = authStandIn.Clone()
		client.Secrets[0].Hash = a.Hasher.standInHash()
		_, _, _ = a.check(client, c.Method, now(), p)
		client = nil
	} else if i, ok, err := a.check(client, c.Method, now(), p); ok {
		if i >= 0 && p.rehash {
			return a.upgrade(ctx, client, i, p), nil
		}
		return client, nil
	} else if err != nil {
		return nil, fmt.Errorf("oauthclient: authenticating client %q: %w", client.ID, err)
	}
	if p.secret != "" && p.totalWork() == 0 {
		// Nothing was hashed: do the work a known client would cause.
		a.Hasher.burn(p)
	}
	return nil, &Error{Code: CodeInvalidClient, Reason: authFailedReason}
}

// authStandIn is the client an unknown client ID is checked as: active,
// client_secret_basic, one secret whose digest is that of the empty
// string, which no presented secret has.
var authStandIn = &Client{
	ID:       "00000000-0000-4000-8000-000000000000",
	Status:   StatusActive,
	Metadata: Metadata{TokenEndpointAuthMethod: AuthMethodBasic, ClientName: "stand-in"},
	Secrets:  []Secret{{ID: "stand-in", Hash: hashPrefixSHA256 + authDummyDigest, Hint: "poa_cs_…none"}},
	Version:  1,
}

// check reports whether the presented credentials authenticate client, and
// the index of the secret that matched (-1 for a public client). On a match
// p.rehash tells whether that secret's hash is due for a rehash. When
// nothing matched and a secret's hash was made under a pepper the Hasher
// does not hold, err wraps ErrUnknownKey.
func (a *Authenticator) check(client *Client, method AuthMethod, now time.Time, p *hashPresented) (int, bool, error) {
	registered := client.TokenEndpointAuthMethod
	if registered == "" {
		registered = AuthMethodBasic
	}
	if client.Status != StatusActive || method != registered {
		return -1, false, nil
	}
	switch registered {
	case AuthMethodNone:
		return -1, p.secret == "", nil
	case AuthMethodBasic, AuthMethodPost:
		if p.secret == "" {
			return -1, false, nil
		}
	default:
		return -1, false, nil
	}
	var unknownKey error
	for _, i := range authNewestValid(client.Secrets, now) {
		if i < 0 {
			break
		}
		rehash, err := a.Hasher.verify(client.Secrets[i].Hash, p)
		if err == nil {
			p.rehash = rehash
			return i, true, nil
		}
		if errors.Is(err, ErrUnknownKey) {
			unknownKey = err
		}
	}
	return -1, false, unknownKey
}

// upgrade stores a new hash of the presented secret in place of the hash of
// client.Secrets[i], if the ClientGetter can update clients, and returns
// the client as stored; on any failure, the client as read.
func (a *Authenticator) upgrade(ctx context.Context, client *Client, i int, p *hashPresented) *Client {
	updater, ok := a.Clients.(ClientUpdater)
	if !ok {
		return client
	}
	secret := NewPlaintext(p.secret)
	var hash string
	var err error
	if isFastHash(client.Secrets[i].Hash) {
		hash, err = a.Hasher.Hash(secret)
	} else {
		hash, err = a.Hasher.HashSlow(secret, a.Rand)
	}
	if err != nil {
		return client
	}
	next := client.Clone()
	next.Secrets[i].Hash = hash
	if err := updater.UpdateClient(ctx, next, UpdateOptions{}); err != nil {
		return client
	}
	return next
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

// standInHash returns the hash of the stand-in's secret: of the kind this
// Hasher makes, so that checking it costs what checking a known client's
// secret does, and matching nothing.
func (h *Hasher) standInHash() string {
	switch {
	case len(h.pepper()) == 0:
		return hashPrefixSHA256 + authDummyDigest
	case len(h.PreviousPeppers) == 0:
		// The key id is not consulted when there is one pepper only.
		return hashPrefixHMAC + "k=00000000$" + authDummyDigest
	default:
		id := hashKeyID(h.Pepper)
		return hashPrefixHMAC + "k=" + string(id[:]) + "$" + authDummyDigest
	}
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
