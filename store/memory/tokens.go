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
	errTokensFull       = errors.New("memory: token: the store holds as many tokens as it can")
)

// tokenID names a stored token: 1 + its index in the store's slab; 0
// names none.
type tokenID uint32

// tokenSlot is a token's entry in a table: its ID, and above it the
// 32-bit hash the table places it by. A probe compares the hash before it
// reads the token, so that a lookup reads, besides the slots, only the
// token it finds; and the table grows without reading any.
type tokenSlot uint64

// tombSlot is the tombstone of the tables of tokens: no token's slot,
// since no token has the ID ^tokenID(0).
const tombSlot = ^tokenSlot(0)

func slotOf(h uint32, id tokenID) tokenSlot { return tokenSlot(h)<<32 | tokenSlot(id) }

func (e tokenSlot) id() tokenID { return tokenID(e) }

func (e tokenSlot) hash() uint32 { return uint32(e >> 32) }

// slotHash is the hash of tables of tokenSlots.
func slotHash(e tokenSlot) uint64 { return uint64(e.hash()) }

// token is a stored token. It holds no pointer: tokens live in large
// arrays (see slab) that the garbage collector marks without reading,
// their links are token IDs and their strings are in an arena of bytes.
// A store keeping every token until it expires holds a great many, and
// when each held pointers, marking them was a sixth of a token request's
// cost. 96 bytes, about 190 with its strings and its share of the
// indexes, where an oauthclient.Token alone takes 176 and a Go map entry
// keyed by its hash about 100 more.
type token struct {
	// key is the hash decoded from base64url, or for a hash in another
	// form the SHA-256 of it (the form itself then in extra).
	key          [32]byte
	list         uint32  // the client's tokenList: 1 + its index in Store.listSlots; 0: a free slot
	cprev, cnext tokenID // in list, by IssuedAt, then hash
	gprev, gnext tokenID // the grant's tokens (GrantID not empty), unordered

	// attrs is GrantID, Subject, PolicyID and Scope, end to end.
	attrs            arenaRef
	glen, slen, plen uint32

	kind     uint8 // an index in kinds; 0: extra's kind
	consumed bool
	extra    bool // Store.extras holds what else it has

	issued, expires int64 // Unix nanoseconds, unless extra's times
}

// tokenList holds a client's tokens, by IssuedAt, then hash. It exists
// while the client has tokens.
type tokenList struct {
	client      *clientRec
	first, last tokenID
	slot        uint32 // 1 + its index in Store.listSlots
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

// checkTokenAttrs refuses a token whose strings the arena cannot hold.
func checkTokenAttrs(t *oauthclient.Token) error {
	if uint64(len(t.GrantID))+uint64(len(t.Subject))+uint64(len(t.PolicyID))+uint64(len(t.Scope)) > math.MaxUint32 {
		return errTokenAttrsTooBig
	}
	return nil
}

// newToken stores t, whose hash has the key and raw form given and whose
// strings checkTokenAttrs accepted, for the stored list l, unlinked and
// unindexed, and returns its ID.
func (s *Store) newToken(t *oauthclient.Token, key [32]byte, raw string, l *tokenList) tokenID {
	id := s.slab.alloc()
	n := s.slab.at(id)
	*n = token{
		key:      key,
		list:     l.slot,
		attrs:    s.strs.add(t.GrantID, t.Subject, t.PolicyID, t.Scope),
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
		s.extras[id] = &e
		n.extra = true
	}
	return id
}

// unixNano returns t in Unix nanoseconds, and whether that is exact.
func unixNano(t time.Time) (int64, bool) {
	n := t.UnixNano()
	return n, time.Unix(0, n).Equal(t)
}

// tokenOf returns the token with that ID.
func (s *Store) tokenOf(id tokenID) *token { return s.slab.at(id) }

func (s *Store) listOf(n *token) *tokenList { return s.listSlots[n.list-1] }

func (s *Store) grantID(n *token) string { return s.strs.str(n.attrs)[:n.glen] }

func (s *Store) extraOf(id tokenID) *tokenExtra {
	if !s.tokenOf(id).extra {
		return nil
	}
	return s.extras[id]
}

func (s *Store) rawHash(id tokenID) string {
	if x := s.extraOf(id); x != nil {
		return x.hash
	}
	return ""
}

func (s *Store) hash(id tokenID) string {
	if raw := s.rawHash(id); raw != "" {
		return raw
	}
	return b64.EncodeToString(s.tokenOf(id).key[:])
}

// fullTimes reports whether the token's times are in its extra.
func (s *Store) fullTimes(id tokenID) bool {
	x := s.extraOf(id)
	return x != nil && x.times
}

func (s *Store) times(id tokenID) (issued, expires time.Time) {
	if x := s.extraOf(id); x != nil && x.times {
		return x.issued, x.expires
	}
	n := s.tokenOf(id)
	return time.Unix(0, n.issued).UTC(), time.Unix(0, n.expires).UTC()
}

// export returns the token as an oauthclient.Token of its own, whose
// strings are views of the arena. hash is its hash if the caller has it,
// or empty.
func (s *Store) export(id tokenID, hash string) *oauthclient.Token {
	if hash == "" {
		hash = s.hash(id)
	}
	n := s.tokenOf(id)
	attrs := s.strs.str(n.attrs)
	g := n.glen + n.slen
	p := g + n.plen
	t := &oauthclient.Token{
		Hash:     hash,
		Kind:     kinds[n.kind],
		ClientID: s.listOf(n).client.id(),
		GrantID:  attrs[:n.glen],
		Subject:  attrs[n.glen:g],
		PolicyID: attrs[g:p],
		Scope:    attrs[p:],
		Consumed: n.consumed,
	}
	t.IssuedAt, t.ExpiresAt = s.times(id)
	if x := s.extraOf(id); x != nil {
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
func (s *Store) cmpTokens(a, b tokenID) int {
	if !s.fullTimes(a) && !s.fullTimes(b) {
		if c := compareInt(s.tokenOf(a).issued, s.tokenOf(b).issued); c != 0 {
			return c
		}
	} else {
		ai, _ := s.times(a)
		bi, _ := s.times(b)
		if c := ai.Compare(bi); c != 0 {
			return c
		}
	}
	return s.cmpTokenHashes(a, b)
}

// cmpTokenHashes orders a and b by their hashes' text without allocating:
// tokens issued at the same instant (a frozen test clock) are compared by
// hash on every insertion.
func (s *Store) cmpTokenHashes(a, b tokenID) int {
	if s.rawHash(a) != "" || s.rawHash(b) != "" {
		return strings.Compare(s.hash(a), s.hash(b))
	}
	var ea, eb [43]byte
	b64.Encode(ea[:], s.tokenOf(a).key[:])
	b64.Encode(eb[:], s.tokenOf(b).key[:])
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

// token returns the token with that hash, or 0.
func (s *Store) token(hash string) tokenID {
	if hash == "" {
		return 0 // no token has an empty hash: CreateToken refuses it
	}
	key, raw := tokenKey(hash)
	h := s.keyHash(&key)
	return s.tokens.lookup(uint64(h), func(e tokenSlot) bool {
		return e.hash() == h && s.tokenOf(e.id()).key == key && s.rawHash(e.id()) == raw
	}).id()
}

// keyHash is the hash of a token key in the tokens table.
func (s *Store) keyHash(key *[32]byte) uint32 { return uint32(maphash.Bytes(s.seed, key[:])) }

// tokenSlot is the token's slot in the tokens table.
func (s *Store) tokenSlot(id tokenID) tokenSlot { return slotOf(s.keyHash(&s.tokenOf(id).key), id) }

// grantHash is the hash of a client's grant in the grants table.
func (s *Store) grantHash(clientID, grantID string) uint32 {
	return uint32(maphash.String(s.seed, clientID)*0x9E3779B97F4A7C15 + maphash.String(s.seed, grantID))
}

// grantSlot is the token's slot in the grants table, where it is if it
// heads its grant.
func (s *Store) grantSlot(id tokenID) tokenSlot {
	n := s.tokenOf(id)
	return slotOf(s.grantHash(s.listOf(n).client.id(), s.grantID(n)), id)
}

// grant returns the first token of the client's grant, or 0.
func (s *Store) grant(l *tokenList, grantID string) tokenID {
	h := s.grantHash(l.client.id(), grantID)
	return s.grants.lookup(uint64(h), func(e tokenSlot) bool {
		if e.hash() != h {
			return false
		}
		n := s.tokenOf(e.id())
		return n.list == l.slot && s.grantID(n) == grantID
	}).id()
}

// tokenList returns the client's tokens, or nil if it has none.
func (s *Store) tokenList(clientID string) *tokenList {
	return s.lists.lookup(maphash.String(s.seed, clientID), func(l *tokenList) bool { return l.client.id() == clientID })
}

// addList stores the new list l.
func (s *Store) addList(l *tokenList) {
	if n := len(s.freeListSlots); n > 0 {
		l.slot = s.freeListSlots[n-1]
		s.freeListSlots = s.freeListSlots[:n-1]
		s.listSlots[l.slot-1] = l
	} else {
		s.listSlots = append(s.listSlots, l)
		l.slot = uint32(len(s.listSlots))
	}
	s.lists.insert(l)
}

// removeList forgets the list l, which has no tokens left.
func (s *Store) removeList(l *tokenList) {
	s.lists.remove(l)
	s.listSlots[l.slot-1] = nil
	s.freeListSlots = append(s.freeListSlots, l.slot)
}

// CreateToken stores a copy of t. It returns ErrDuplicate if a token has
// t.Hash and ErrNotFound if no client has t.ClientID; an empty t.Hash is an
// error.
func (s *Store) CreateToken(ctx context.Context, t *oauthclient.Token) error {
	if t.Hash == "" {
		return errTokenNoHash
	}
	if err := checkTokenAttrs(t); err != nil {
		return err
	}
	key, raw := tokenKey(t.Hash)
	return s.write(ctx, func() error {
		if s.token(t.Hash) != 0 {
			return errTokenDuplicate
		}
		if s.slab.full() {
			return errTokensFull
		}
		l := s.tokenList(t.ClientID)
		if l == nil {
			c := s.client(t.ClientID)
			if c == nil {
				return notFound("client", t.ClientID)
			}
			l = &tokenList{client: c}
			s.addList(l)
		}
		id := s.newToken(t, key, raw, l)
		s.tokens.insert(slotOf(s.keyHash(&key), id))
		s.linkToken(id)
		return nil
	})
}

// linkToken adds the token to its client's and its grant's lists.
func (s *Store) linkToken(id tokenID) {
	n := s.tokenOf(id)
	l := s.listOf(n)
	p := l.last
	for p != 0 && s.cmpTokens(p, id) > 0 {
		p = s.tokenOf(p).cprev
	}
	n.cprev = p
	if p == 0 {
		n.cnext, l.first = l.first, id
	} else {
		pn := s.tokenOf(p)
		n.cnext, pn.cnext = pn.cnext, id
	}
	if n.cnext == 0 {
		l.last = id
	} else {
		s.tokenOf(n.cnext).cprev = id
	}

	if n.glen == 0 {
		return
	}
	if head := s.grant(l, s.grantID(n)); head == 0 {
		s.grants.insert(s.grantSlot(id))
	} else {
		// After the head, so that the head stays in the grants table.
		h := s.tokenOf(head)
		n.gprev, n.gnext = head, h.gnext
		if h.gnext != 0 {
			s.tokenOf(h.gnext).gprev = id
		}
		h.gnext = id
	}
}

// deleteToken removes the token from the store. It leaves the tables'
// sizes alone.
func (s *Store) deleteToken(id tokenID) {
	s.tokens.remove(s.tokenSlot(id))
	n := s.tokenOf(id)
	l := s.listOf(n)
	if n.cprev == 0 {
		l.first = n.cnext
	} else {
		s.tokenOf(n.cprev).cnext = n.cnext
	}
	if n.cnext == 0 {
		l.last = n.cprev
	} else {
		s.tokenOf(n.cnext).cprev = n.cprev
	}
	if n.glen > 0 {
		switch {
		case n.gprev != 0:
			s.tokenOf(n.gprev).gnext = n.gnext
			if n.gnext != 0 {
				s.tokenOf(n.gnext).gprev = n.gprev
			}
		case n.gnext != 0:
			s.tokenOf(n.gnext).gprev = 0
			e := s.grantSlot(id)
			s.grants.replace(e, slotOf(e.hash(), n.gnext))
		default:
			s.grants.remove(s.grantSlot(id))
		}
	}
	if l.first == 0 {
		s.removeList(l) // last: the grants table hashes n by its list's client
	}
	s.freeToken(id)
}

// freeToken gives the token's slot, strings and extra back.
func (s *Store) freeToken(id tokenID) {
	n := s.tokenOf(id)
	s.strs.release(n.attrs)
	if n.extra {
		delete(s.extras, id)
	}
	s.slab.release(id)
}

// deleteClientTokens deletes every token of the client in O(its tokens)
// and returns how many it deleted.
func (s *Store) deleteClientTokens(clientID string) int {
	l := s.tokenList(clientID)
	if l == nil {
		return 0
	}
	deleted := 0
	for id := l.first; id != 0; {
		n := s.tokenOf(id)
		next := n.cnext
		s.tokens.remove(s.tokenSlot(id))
		if n.glen > 0 && n.gprev == 0 {
			s.grants.remove(s.grantSlot(id))
		}
		s.freeToken(id)
		deleted++
		id = next
	}
	s.removeList(l)
	s.shrinkTokens()
	return deleted
}

// shrinkTokens gives back the memory of the token tables, the slab and
// the arena after deletions.
func (s *Store) shrinkTokens() {
	s.tokens.shrink()
	s.lists.shrink()
	s.grants.shrink()
	if s.slab.sparse() || s.strs.fragmented() {
		s.compactTokens()
	}
}

// compactTokens moves the tokens to a new slab, in order, and their
// strings to a new arena, so that the memory of deleted ones goes back.
// The tables keep their slots, which hold the new IDs: a key's hash does
// not change. It costs O(the old slab's slots).
func (s *Store) compactTokens() {
	old, oldStrs := s.slab, s.strs
	s.slab, s.strs = slab{}, arena{}
	moved := make([]tokenID, old.cap()+1) // by old ID; moved[0] = 0
	for i := range old.cap() {
		id := tokenID(i + 1)
		n := old.at(id)
		if n.list == 0 {
			continue
		}
		to := s.slab.alloc()
		m := s.slab.at(to)
		*m = *n
		m.attrs = s.strs.add(oldStrs.str(n.attrs), "", "", "")
		moved[id] = to
	}
	for i := range s.slab.cap() {
		m := s.slab.at(tokenID(i + 1))
		if m.list == 0 {
			continue
		}
		m.cprev, m.cnext, m.gprev, m.gnext = moved[m.cprev], moved[m.cnext], moved[m.gprev], moved[m.gnext]
	}
	for _, l := range s.listSlots {
		if l != nil {
			l.first, l.last = moved[l.first], moved[l.last]
		}
	}
	if len(s.extras) > 0 {
		extras := make(map[tokenID]*tokenExtra, len(s.extras))
		for id, x := range s.extras {
			extras[moved[id]] = x
		}
		s.extras = extras
	}
	for _, t := range []*table[tokenSlot]{&s.tokens, &s.grants} {
		for i, e := range t.slots {
			if e != 0 && e != t.tomb {
				t.slots[i] = slotOf(e.hash(), moved[e.id()])
			}
		}
	}
}

// GetToken returns the token with that hash, consumed or not, or
// ErrNotFound. Expired tokens are returned until purged.
func (s *Store) GetToken(ctx context.Context, hash string) (*oauthclient.Token, error) {
	return read(ctx, s, func() (*oauthclient.Token, error) {
		id := s.token(hash)
		if id == 0 {
			return nil, errTokenNotFound
		}
		return s.export(id, hash), nil
	})
}

// ConsumeToken marks the token with that hash as used and returns it as it
// was before. It returns ErrNotFound if no token has that hash, and
// ErrTokenConsumed with the token if it was already used.
func (s *Store) ConsumeToken(ctx context.Context, hash string) (*oauthclient.Token, error) {
	var t *oauthclient.Token
	err := s.write(ctx, func() error {
		id := s.token(hash)
		if id == 0 {
			return errTokenNotFound
		}
		t = s.export(id, hash)
		n := s.tokenOf(id)
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
		id := s.token(hash)
		if id == 0 {
			return errTokenNotFound
		}
		s.deleteToken(id)
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
		for id := s.grant(l, grantID); id != 0; {
			next := s.tokenOf(id).gnext
			s.deleteToken(id)
			deleted++
			id = next
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
		var ids []tokenID
		if f.GrantID != "" {
			for id := s.grant(l, f.GrantID); id != 0; id = s.tokenOf(id).gnext {
				ids = append(ids, id)
			}
			slices.SortFunc(ids, s.cmpTokens)
			ids = page(ids, f.Page)
		} else {
			p := f.Normalized()
			skip, limit := p.Offset, p.Limit
			for id := l.first; id != 0 && len(ids) < limit; id = s.tokenOf(id).cnext {
				if skip > 0 {
					skip--
					continue
				}
				ids = append(ids, id)
			}
		}
		out := make([]*oauthclient.Token, len(ids))
		for i, id := range ids {
			out[i] = s.export(id, "")
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
			if id := s.tokens.at(i).id(); id != 0 {
				if _, exp := s.times(id); exp.Before(before) {
					s.deleteToken(id)
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
