package memory

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"hash/maphash"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/portaloauth/portaloauth/oauthclient"
)

var (
	errTokenNotFound    = fmt.Errorf("memory: token: %w", oauthclient.ErrNotFound)
	errTokenDuplicate   = fmt.Errorf("memory: token: %w", oauthclient.ErrDuplicate)
	errTokenNoHash      = errors.New("memory: token: empty hash")
	errTokenAttrsTooBig = errors.New("memory: token: grant ID, subject, policy ID and scope exceed 4 GiB")
)

// token is a stored token, kept compact: 128 bytes, about 230 with its
// strings and its share of the indexes, where an oauthclient.Token alone
// takes 176 and a Go map entry keyed by its hash about 100 more.
type token struct {
	// key is the hash decoded from base64url, or for a hash in another
	// form the SHA-256 of it (the form itself then in extra).
	key          [32]byte
	list         *tokenList // the client's tokens
	cprev, cnext *token     // in list, by IssuedAt, then hash
	gprev, gnext *token     // the grant's tokens (GrantID not empty), unordered

	// attrs is GrantID, Subject, PolicyID and Scope, end to end.
	attrs            string
	glen, slen, plen uint32

	kind     uint8 // an index in kinds; 0: extra.kind
	consumed bool

	issued, expires int64 // Unix nanoseconds, unless extra.times
	extra           *tokenExtra
}

// tokenList holds a client's tokens, by IssuedAt, then hash. It exists
// while the client has tokens.
type tokenList struct {
	client      *clientRec
	first, last *token
}

// tokenExtra holds what few tokens have.
type tokenExtra struct {
	hash  string // a hash not of the form HashToken produces
	kind  oauthclient.TokenKind
	code  *oauthclient.CodeDetails
	times bool // IssuedAt and ExpiresAt are these, not token.issued and token.expires
	issued,
	expires time.Time
}

var kinds = [...]oauthclient.TokenKind{
	1: oauthclient.KindAccessToken,
	2: oauthclient.KindRefreshToken,
	3: oauthclient.KindAuthorizationCode,
}

// b64 decodes only the canonical form, so that one key has one hash.
var b64 = base64.RawURLEncoding.Strict()

// tokenKey returns the key of a token hash: for a hash of the form
// HashToken produces (43 characters of base64url), the 32 bytes it encodes
// and raw empty; for any other string, its SHA-256 and raw the string
// itself, so that the two forms never meet.
func tokenKey(hash string) (key [32]byte, raw string) {
	if len(hash) == 43 {
		var src [43]byte
		copy(src[:], hash)
		if n, err := b64.Decode(key[:], src[:]); err == nil && n == len(key) {
			return key, ""
		}
	}
	return sha256.Sum256([]byte(hash)), hash
}

// newToken packs t, whose hash has the key and raw form given, for list.
func newToken(t *oauthclient.Token, key [32]byte, raw string, l *tokenList) (*token, error) {
	for _, s := range [...]string{t.GrantID, t.Subject, t.PolicyID} {
		if len(s) > math.MaxUint32 {
			return nil, errTokenAttrsTooBig
		}
	}
	n := &token{
		key:      key,
		list:     l,
		attrs:    t.GrantID + t.Subject + t.PolicyID + t.Scope,
		glen:     uint32(len(t.GrantID)),
		slen:     uint32(len(t.Subject)),
		plen:     uint32(len(t.PolicyID)),
		consumed: t.Consumed,
	}
	var x tokenExtra
	x.hash = raw
	if i := slices.Index(kinds[:], t.Kind); i > 0 {
		n.kind = uint8(i)
	} else {
		x.kind = t.Kind
	}
	if t.Code != nil {
		code := *t.Code
		x.code = &code
	}
	var okIssued, okExpires bool
	n.issued, okIssued = unixNano(t.IssuedAt)
	n.expires, okExpires = unixNano(t.ExpiresAt)
	if !okIssued || !okExpires {
		x.times, x.issued, x.expires = true, t.IssuedAt.Round(0), t.ExpiresAt.Round(0)
	}
	if x != (tokenExtra{}) {
		e := x // only then on the heap: most tokens have no extra
		n.extra = &e
	}
	return n, nil
}

// unixNano returns t in Unix nanoseconds, and whether that is exact.
func unixNano(t time.Time) (int64, bool) {
	n := t.UnixNano()
	return n, time.Unix(0, n).Equal(t)
}

func (n *token) grantID() string { return n.attrs[:n.glen] }

func (n *token) rawHash() string {
	if n.extra == nil {
		return ""
	}
	return n.extra.hash
}

func (n *token) hash() string {
	if raw := n.rawHash(); raw != "" {
		return raw
	}
	return b64.EncodeToString(n.key[:])
}

// fullTimes reports whether n's times are in n.extra.
func (n *token) fullTimes() bool { return n.extra != nil && n.extra.times }

func (n *token) times() (issued, expires time.Time) {
	if n.fullTimes() {
		return n.extra.issued, n.extra.expires
	}
	return time.Unix(0, n.issued).UTC(), time.Unix(0, n.expires).UTC()
}

// export returns n as an oauthclient.Token of its own. hash is n's hash if
// the caller has it, or empty.
func (n *token) export(hash string) *oauthclient.Token {
	if hash == "" {
		hash = n.hash()
	}
	s := n.glen + n.slen
	p := s + n.plen
	t := &oauthclient.Token{
		Hash:     hash,
		Kind:     kinds[n.kind],
		ClientID: n.list.client.id(),
		GrantID:  n.attrs[:n.glen],
		Subject:  n.attrs[n.glen:s],
		PolicyID: n.attrs[s:p],
		Scope:    n.attrs[p:],
		Consumed: n.consumed,
	}
	t.IssuedAt, t.ExpiresAt = n.times()
	if x := n.extra; x != nil {
		if n.kind == 0 {
			t.Kind = x.kind
		}
		if x.code != nil {
			code := *x.code
			t.Code = &code
		}
	}
	return t
}

// cmpTokens orders tokens by IssuedAt, then hash.
func cmpTokens(a, b *token) int {
	if !a.fullTimes() && !b.fullTimes() {
		if c := compareInt(a.issued, b.issued); c != 0 {
			return c
		}
	} else {
		ai, _ := a.times()
		bi, _ := b.times()
		if c := ai.Compare(bi); c != 0 {
			return c
		}
	}
	return cmpTokenHashes(a, b)
}

// cmpTokenHashes orders a and b by their hashes' text without allocating:
// tokens issued at the same instant (a frozen test clock) are compared by
// hash on every insertion.
func cmpTokenHashes(a, b *token) int {
	if a.rawHash() != "" || b.rawHash() != "" {
		return strings.Compare(a.hash(), b.hash())
	}
	var ea, eb [43]byte
	b64.Encode(ea[:], a.key[:])
	b64.Encode(eb[:], b.key[:])
	return bytes.Compare(ea[:], eb[:])
}

func compareInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// token returns the token with that hash, or nil.
func (s *Store) token(hash string) *token {
	if hash == "" {
		return nil // no token has an empty hash: CreateToken refuses it
	}
	key, raw := tokenKey(hash)
	return s.tokens.lookup(maphash.Bytes(s.seed, key[:]), func(n *token) bool {
		return n.key == key && n.rawHash() == raw
	})
}

func (s *Store) grantHash(clientID, grantID string) uint64 {
	return maphash.String(s.seed, clientID)*0x9E3779B97F4A7C15 + maphash.String(s.seed, grantID)
}

// grant returns the first token of the client's grant, or nil.
func (s *Store) grant(l *tokenList, grantID string) *token {
	return s.grants.lookup(s.grantHash(l.client.id(), grantID), func(n *token) bool {
		return n.list == l && n.grantID() == grantID
	})
}

// tokenList returns the client's tokens, or nil if it has none.
func (s *Store) tokenList(clientID string) *tokenList {
	return s.lists.lookup(maphash.String(s.seed, clientID), func(l *tokenList) bool { return l.client.id() == clientID })
}

// CreateToken stores a copy of t. It returns ErrDuplicate if a token has
// t.Hash and ErrNotFound if no client has t.ClientID; an empty t.Hash is an
// error.
func (s *Store) CreateToken(ctx context.Context, t *oauthclient.Token) error {
	if t.Hash == "" {
		return errTokenNoHash
	}
	key, raw := tokenKey(t.Hash)
	return s.write(ctx, func() error {
		if s.token(t.Hash) != nil {
			return errTokenDuplicate
		}
		l := s.tokenList(t.ClientID)
		if l == nil {
			c := s.client(t.ClientID)
			if c == nil {
				return notFound("client", t.ClientID)
			}
			l = &tokenList{client: c}
		}
		n, err := newToken(t, key, raw, l)
		if err != nil {
			return err
		}
		if l.first == nil {
			s.lists.insert(l)
		}
		s.tokens.insert(n)
		s.linkToken(n)
		return nil
	})
}

// linkToken adds n to its client's and its grant's lists.
func (s *Store) linkToken(n *token) {
	l := n.list
	p := l.last
	for p != nil && cmpTokens(p, n) > 0 {
		p = p.cprev
	}
	n.cprev = p
	if p == nil {
		n.cnext, l.first = l.first, n
	} else {
		n.cnext, p.cnext = p.cnext, n
	}
	if n.cnext == nil {
		l.last = n
	} else {
		n.cnext.cprev = n
	}

	if n.glen == 0 {
		return
	}
	if head := s.grant(l, n.grantID()); head == nil {
		s.grants.insert(n)
	} else {
		// After the head, so that the head stays in the grants table.
		n.gprev, n.gnext = head, head.gnext
		if head.gnext != nil {
			head.gnext.gprev = n
		}
		head.gnext = n
	}
}

// deleteToken removes n from the store. It leaves the tables' sizes alone.
func (s *Store) deleteToken(n *token) {
	s.tokens.remove(n)
	l := n.list
	if n.cprev == nil {
		l.first = n.cnext
	} else {
		n.cprev.cnext = n.cnext
	}
	if n.cnext == nil {
		l.last = n.cprev
	} else {
		n.cnext.cprev = n.cprev
	}
	if l.first == nil {
		s.lists.remove(l)
	}

	if n.glen == 0 {
		return
	}
	switch {
	case n.gprev != nil:
		n.gprev.gnext = n.gnext
		if n.gnext != nil {
			n.gnext.gprev = n.gprev
		}
	case n.gnext != nil:
		n.gnext.gprev = nil
		s.grants.replace(n, n.gnext)
	default:
		s.grants.remove(n)
	}
}

// deleteClientTokens deletes every token of the client in O(its tokens)
// and returns how many it deleted.
func (s *Store) deleteClientTokens(clientID string) int {
	l := s.tokenList(clientID)
	if l == nil {
		return 0
	}
	deleted := 0
	for n := l.first; n != nil; n = n.cnext {
		s.tokens.remove(n)
		if n.glen > 0 && n.gprev == nil {
			s.grants.remove(n)
		}
		deleted++
	}
	s.lists.remove(l)
	s.shrinkTokens()
	return deleted
}

// shrinkTokens gives back the memory of the token tables after deletions.
func (s *Store) shrinkTokens() {
	s.tokens.shrink()
	s.lists.shrink()
	s.grants.shrink()
}

// GetToken returns the token with that hash, consumed or not, or
// ErrNotFound. Expired tokens are returned until purged.
func (s *Store) GetToken(ctx context.Context, hash string) (*oauthclient.Token, error) {
	return read(ctx, s, func() (*oauthclient.Token, error) {
		n := s.token(hash)
		if n == nil {
			return nil, errTokenNotFound
		}
		return n.export(hash), nil
	})
}

// ConsumeToken marks the token with that hash as used and returns it as it
// was before. It returns ErrNotFound if no token has that hash, and
// ErrTokenConsumed with the token if it was already used.
func (s *Store) ConsumeToken(ctx context.Context, hash string) (*oauthclient.Token, error) {
	var t *oauthclient.Token
	err := s.write(ctx, func() error {
		n := s.token(hash)
		if n == nil {
			return errTokenNotFound
		}
		t = n.export(hash)
		if n.consumed {
			return oauthclient.ErrTokenConsumed
		}
		n.consumed = true
		return nil
	})
	return t, err
}

// DeleteToken deletes the token with that hash, or returns ErrNotFound.
func (s *Store) DeleteToken(ctx context.Context, hash string) error {
	return s.write(ctx, func() error {
		n := s.token(hash)
		if n == nil {
			return errTokenNotFound
		}
		s.deleteToken(n)
		s.shrinkTokens()
		return nil
	})
}

// RevokeGrant deletes every token of the client's grant and returns how
// many it deleted, in O(that grant's tokens). An empty grantID names no
// grant: it deletes nothing.
func (s *Store) RevokeGrant(ctx context.Context, clientID, grantID string) (int, error) {
	var deleted int
	err := s.write(ctx, func() error {
		l := s.tokenList(clientID)
		if l == nil || grantID == "" {
			return nil
		}
		for n := s.grant(l, grantID); n != nil; n = n.gnext {
			s.deleteToken(n)
			deleted++
		}
		s.shrinkTokens()
		return nil
	})
	return deleted, err
}

// RevokeClientTokens deletes every token of the client and returns how
// many it deleted, in O(that client's tokens).
func (s *Store) RevokeClientTokens(ctx context.Context, clientID string) (int, error) {
	var deleted int
	err := s.write(ctx, func() error {
		deleted = s.deleteClientTokens(clientID)
		return nil
	})
	return deleted, err
}

// ListTokens returns the tokens matching f, oldest first (IssuedAt, then
// Hash), in the window f.Page selects. It costs O(f.Offset+f.Limit) for all of a client's tokens and O(g log g) for a
// grant of g tokens. A ClientID naming no client, or empty, matches no
// token.
func (s *Store) ListTokens(ctx context.Context, f oauthclient.TokenFilter) ([]*oauthclient.Token, error) {
	return read(ctx, s, func() ([]*oauthclient.Token, error) {
		l := s.tokenList(f.ClientID)
		if l == nil {
			return []*oauthclient.Token{}, nil
		}
		var nodes []*token
		if f.GrantID != "" {
			for n := s.grant(l, f.GrantID); n != nil; n = n.gnext {
				nodes = append(nodes, n)
			}
			slices.SortFunc(nodes, cmpTokens)
			nodes = page(nodes, f.Page)
		} else {
			p := f.Normalized()
			skip, limit := p.Offset, p.Limit
			for n := l.first; n != nil && len(nodes) < limit; n = n.cnext {
				if skip > 0 {
					skip--
					continue
				}
				nodes = append(nodes, n)
			}
		}
		out := make([]*oauthclient.Token, len(nodes))
		for i, n := range nodes {
			out[i] = n.export("")
		}
		return out, nil
	})
}

// PurgeExpiredTokens deletes at most limit tokens whose ExpiresAt is before
// the given time and returns how many it deleted. Successive calls resume
// where the previous one stopped; a call that returns fewer than limit has
// looked at every token, in O(all tokens).
func (s *Store) PurgeExpiredTokens(ctx context.Context, before time.Time, limit int) (int, error) {
	var deleted int
	err := s.write(ctx, func() error {
		size := len(s.tokens.slots)
		i := s.purgeNext % size
		for scanned := 0; scanned < size && deleted < limit; scanned++ {
			if n := s.tokens.at(i); n != nil {
				if _, exp := n.times(); exp.Before(before) {
					s.deleteToken(n)
					deleted++
				}
			}
			i = (i + 1) % size
		}
		s.purgeNext = i
		s.shrinkTokens()
		return nil
	})
	return deleted, err
}
