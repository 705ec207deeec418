// Package memory is an in-memory implementation of [portal.Store] (and so of
// [oauthclient.Store]) and of [oauthclient.TokenPurger]: the embedded
// default for tests, examples and single-process deployments. State lives in
// the process and is lost when it exits.
//
// A [Store] is safe for concurrent use: one read-write lock guards it, so
// every method is atomic and sees the others' effects whole. It takes and
// returns deep copies: a caller mutating a value it passed in or got back
// changes nothing stored.
//
// # Costs
//
// Looking up a client by ID or a token by hash is O(1). Listing clients
// or a client's tokens costs O(offset+limit), a grant's tokens O(g log g)
// for g tokens. RevokeClientTokens, DeleteClient, UpdateClient with
// RevokeTokens and DeactivateDeveloper cost O(the tokens revoked), and
// RevokeGrant O(that grant's tokens): never a scan of all tokens.
// A sorted index of all clients makes creating a client O(1) when clients
// arrive in CreatedAt order, and deleting one a move of one pointer per
// stored client. A client with 2 redirect URIs and one secret takes about
// 630 bytes, its strings and lists encoded in one string that the garbage
// collector marks at once; a token about 190, in arrays and chunks of
// bytes that hold no pointers, so that the tokens a store keeps until they
// expire add next to nothing to each garbage collection; see the package
// benchmarks. The memory of deleted tokens goes back once fewer than a
// quarter of the slots, or half the bytes of their strings, are in use.
// A token's strings, as GetToken and ListTokens return them, share the
// store's bytes: one kept keeps up to 8 KiB of them from being freed.
//
// Token hashes in the form [oauthclient.HashToken] produces (43 characters
// of unpadded base64url) are kept as 32 bytes; any other string is accepted
// too, at a higher cost.
//
// # Times
//
// Times come back as the same instants that were stored; token times come
// back in UTC. Compare times with time.Time.Equal.
//
// # Developers
//
// Developer emails are unique ignoring case as [strings.EqualFold] compares
// them (Unicode simple case folding): "Ä@example.com" and "ä@example.com"
// are the same email. A client's DeveloperID must name a stored developer,
// or be empty for a client no developer owns (for instance one registered
// through RFC 7591 dynamic registration).
package memory

import (
	"context"
	"fmt"
	"hash/maphash"
	"slices"
	"sync"

	"github.com/portaloauth/portaloauth/catalogue"
	"github.com/portaloauth/portaloauth/oauthclient"
	"github.com/portaloauth/portaloauth/portal"
)

// Store plays every store role, so it is checked against each one.
var (
	_ oauthclient.ClientStore = (*Store)(nil)
	_ oauthclient.TokenStore  = (*Store)(nil)
	_ oauthclient.TokenPurger = (*Store)(nil)
	_ portal.DeveloperStore   = (*Store)(nil)
	_ portal.CatalogueReader  = (*Store)(nil)
	_ portal.CatalogueAdmin   = (*Store)(nil)
	_ portal.Store            = (*Store)(nil)
)

// Store is the in-memory store. Create it with [New]; the zero Store is not
// usable.
type Store struct {
	mu   sync.RWMutex
	seed maphash.Seed

	clients     table[*clientRec] // by ID
	clientOrder []*clientRec      // every client, by CreatedAt, then ID

	tokens        table[tokenSlot]        // by hash
	lists         table[*tokenList]       // by client ID, for clients with tokens
	grants        table[tokenSlot]        // the first token of each non-empty grant, by client and grant ID
	purgeNext     int                     // the tokens slot where the next purge scan starts
	slab          slab                    // the tokens, by ID
	strs          arena                   // the tokens' strings
	extras        map[tokenID]*tokenExtra // what few tokens have (token.extra)
	listSlots     []*tokenList            // the lists, by tokenList.slot-1; nil: a free slot
	freeListSlots []uint32                // free slots of listSlots

	devs     map[string]*devRec // by ID
	emails   map[string]*devRec // by folded email
	devOrder []*devRec          // by CreatedAt, then ID

	apis     records[catalogue.API]
	policies records[catalogue.Policy]
	entries  records[catalogue.Entry]
}

// New returns an empty store.
func New() *Store {
	s := &Store{
		seed:   maphash.MakeSeed(),
		devs:   make(map[string]*devRec),
		emails: make(map[string]*devRec),
		apis: newRecords("API", (*catalogue.API).Clone,
			func(a *catalogue.API) recordMeta { return recordMeta{&a.ID, &a.CreatedAt, &a.Version} }),
		policies: newRecords("policy", (*catalogue.Policy).Clone,
			func(p *catalogue.Policy) recordMeta { return recordMeta{&p.ID, &p.CreatedAt, &p.Version} }),
		entries: newRecords("entry", (*catalogue.Entry).Clone,
			func(e *catalogue.Entry) recordMeta { return recordMeta{&e.ID, &e.CreatedAt, &e.Version} }),
	}
	s.clients = newTable(func(c *clientRec) uint64 { return maphash.String(s.seed, c.id()) }, new(clientRec))
	s.tokens = newTable(slotHash, tombSlot)
	s.lists = newTable(func(l *tokenList) uint64 { return maphash.String(s.seed, l.client.id()) }, new(tokenList))
	s.grants = newTable(slotHash, tombSlot)
	s.extras = make(map[tokenID]*tokenExtra)
	return s
}

// write runs f under the write lock, unless ctx has ended.
func (s *Store) write(ctx context.Context, f func() error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return f()
}

// read runs f under the read lock, unless ctx has ended.
func read[R any](ctx context.Context, s *Store, f func() (R, error)) (R, error) {
	if err := ctx.Err(); err != nil {
		var zero R
		return zero, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return f()
}

func notFound(kind, id string) error {
	return fmt.Errorf("memory: %s %q: %w", kind, id, oauthclient.ErrNotFound)
}

func duplicate(kind, id string) error {
	return fmt.Errorf("memory: %s %q: %w", kind, id, oauthclient.ErrDuplicate)
}

func conflict(kind, id string, stored, given int64) error {
	return fmt.Errorf("memory: %s %q is at version %d, not %d: %w", kind, id, stored, given, oauthclient.ErrConflict)
}

// page returns the part of items that p selects, as a new slice.
func page[T any](items []T, p oauthclient.Page) []T {
	lo, hi := p.Window(len(items))
	return slices.Clone(items[lo:hi])
}

// insertSorted inserts e into the sorted s.
func insertSorted[T any](s []T, e T, cmp func(a, b T) int) []T {
	i, _ := slices.BinarySearchFunc(s, e, cmp)
	return slices.Insert(s, i, e)
}

// removeSorted removes e from the sorted s, in which cmp finds e alone.
func removeSorted[T comparable](s []T, e T, cmp func(a, b T) int) []T {
	if i, ok := slices.BinarySearchFunc(s, e, cmp); ok && s[i] == e {
		return slices.Delete(s, i, i+1)
	}
	return s
}
