package cache

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/portaloauth/portaloauth/catalogue"
	"github.com/portaloauth/portaloauth/oauthclient"
)

// read is how one record type is cached.
type read[T any] struct {
	kind  kind
	op    string // for errors: "get token"
	load  func(src Source, ctx context.Context, id string) (*T, error)
	clone func(*T) *T
	// entry describes v for the cache: its owner, its own expiry (zero:
	// none) and its estimated size; cacheable false keeps it out.
	entry func(v *T) (owner string, expires time.Time, size int64, cacheable bool)
	// negative: remember that a key is unknown, for Options.NegativeTTL.
	negative bool
	// neverCached, if not nil, tells a value whose key is never cached
	// whatever its state (a refresh token or a code): nothing is kept of
	// its reads.
	neverCached func(v *T) bool
}

// get answers a read from the cache if it can, else from the source,
// caching the answer unless an invalidation (or a loss of the feed)
// happened meanwhile.
func get[T any](ctx context.Context, s *Store, r *read[T], id string) (*T, error) {
	if s.lru == nil {
		return r.load(s.Source, ctx, id)
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("cache: %s: %w", r.op, err)
	}
	k := key{r.kind, id}
	now := s.now()
	if !s.live.Load() {
		if s.opts.WhenLost == Refuse {
			return nil, fmt.Errorf("cache: %s: %w", r.op, ErrUnavailable)
		}
		// The cache may serve again before this read ends: then a read
		// that began before it ended, and saw an older state, must not
		// cache it.
		v, err := r.load(s.Source, ctx, id)
		if observed(s, r, k, now, v, err) != nil {
			s.forget(k)
		}
		return v, err
	}
	if v, ok := s.lru.get(k, now.UnixNano()); ok {
		s.hits.Add(1)
		if v == nil {
			return nil, fmt.Errorf("cache: %s: %w", r.op, oauthclient.ErrNotFound)
		}
		return r.clone(v.(*T)), nil
	}
	s.misses.Add(1)
	gen := s.gen.Load()
	v, err := r.load(s.Source, ctx, id)
	if e := observed(s, r, k, now, v, err); e != nil {
		s.lru.put(e, func() bool { return s.live.Load() && s.gen.Load() == gen }, func() { s.gen.Add(1) })
	}
	return v, err
}

// observed returns the entry for what a read of k that began at now saw,
// or nil if nothing is kept of it. Until keep, the entry stands for what
// the read saw, even once (or if never) it is served: a read that began
// before this one ended may have seen an older state, and must not cache
// it afterwards (see lru.put).
func observed[T any](s *Store, r *read[T], k key, now time.Time, v *T, err error) *entry {
	e := &entry{key: k, expires: now.Add(s.maxAge).UnixNano(), keep: s.now().Add(s.maxAge).UnixNano()}
	switch {
	case err == nil:
		owner, expires, size, cacheable := r.entry(v)
		if r.neverCached != nil && r.neverCached(v) {
			return nil
		}
		if !expires.IsZero() && expires.UnixNano() < e.expires {
			e.expires = expires.UnixNano()
		}
		if !cacheable {
			e.expires = 0 // not served: consumed, say
		}
		e.owner, e.size, e.value = owner, size+entryOverhead+int64(len(k.id)), r.clone(v)
	case errors.Is(err, oauthclient.ErrNotFound):
		if r.negative && s.negTTL > 0 {
			e.expires = min(e.expires, now.Add(s.negTTL).UnixNano())
		} else {
			e.expires = 0 // not served, but older reads must not cache over it
		}
		e.size = entryOverhead + int64(len(k.id))
	default:
		return nil
	}
	return e
}

// forget drops what is cached under k, and stops every read in flight
// from caching what it read.
func (s *Store) forget(k key) {
	s.gen.Add(1)
	s.lru.delete(k)
}

// entryOverhead is the estimated size of an entry beyond its strings:
// the entry, the map slot and the record's fixed fields.
const entryOverhead = 256

func sumLen(ss ...string) int64 {
	var n int64
	for _, s := range ss {
		n += int64(len(s))
	}
	return n
}

func sliceLen(ss []string) int64 { return sumLen(ss...) + int64(16*len(ss)) }

var (
	tokenRead = read[oauthclient.Token]{
		kind: kindToken, op: "get token", negative: true,
		load: func(src Source, ctx context.Context, id string) (*oauthclient.Token, error) {
			return src.GetToken(ctx, id)
		},
		clone: (*oauthclient.Token).Clone,
		// Only access tokens are cached: codes and refresh tokens are
		// read once, when they are used.
		entry: func(t *oauthclient.Token) (string, time.Time, int64, bool) {
			return t.ClientID, t.ExpiresAt,
				sumLen(t.Hash, t.ClientID, t.GrantID, t.Subject, t.PolicyID, t.Scope),
				t.Kind == oauthclient.KindAccessToken && !t.Consumed
		},
		neverCached: func(t *oauthclient.Token) bool { return t.Kind != oauthclient.KindAccessToken },
	}
	clientRead = read[oauthclient.Client]{
		kind: kindClient, op: "get client",
		load: func(src Source, ctx context.Context, id string) (*oauthclient.Client, error) {
			return src.GetClient(ctx, id)
		},
		clone: (*oauthclient.Client).Clone,
		entry: func(c *oauthclient.Client) (string, time.Time, int64, bool) {
			size := sumLen(c.ID, c.DeveloperID, c.PolicyID, c.Description, c.ClientName, c.ClientURI,
				c.LogoURI, c.Scope, c.TOSURI, c.PolicyURI, c.SoftwareID, c.SoftwareVersion,
				c.RegistrationTokenHash) +
				sliceLen(c.APIIDs) + sliceLen(c.RedirectURIs) + sliceLen(c.ResponseTypes) +
				sliceLen(c.Contacts) + int64(24*len(c.GrantTypes))
			for _, sec := range c.Secrets {
				size += 96 + sumLen(sec.ID, sec.Hash, sec.Hint)
			}
			for k, v := range c.Extra {
				size += 48 + int64(len(k)+len(v))
			}
			return c.DeveloperID, time.Time{}, size, true
		},
	}
	apiRead = read[catalogue.API]{
		kind: kindAPI, op: "get api",
		load:  func(src Source, ctx context.Context, id string) (*catalogue.API, error) { return src.GetAPI(ctx, id) },
		clone: (*catalogue.API).Clone,
		entry: func(a *catalogue.API) (string, time.Time, int64, bool) {
			return "", time.Time{}, sumLen(a.ID, a.Name, string(a.AuthMode)), true
		},
	}
	policyRead = read[catalogue.Policy]{
		kind: kindPolicy, op: "get policy",
		load: func(src Source, ctx context.Context, id string) (*catalogue.Policy, error) {
			return src.GetPolicy(ctx, id)
		},
		clone: (*catalogue.Policy).Clone,
		entry: func(p *catalogue.Policy) (string, time.Time, int64, bool) {
			size := sumLen(p.ID, p.Name) + sliceLen(p.Scopes)
			for _, ar := range p.AccessRights {
				size += 32 + int64(len(ar.APIID)) + sliceLen(ar.Versions)
			}
			return "", time.Time{}, size, true
		},
	}
	entryRead = read[catalogue.Entry]{
		kind: kindEntry, op: "get entry",
		load: func(src Source, ctx context.Context, id string) (*catalogue.Entry, error) {
			return src.GetEntry(ctx, id)
		},
		clone: (*catalogue.Entry).Clone,
		entry: func(e *catalogue.Entry) (string, time.Time, int64, bool) {
			return "", time.Time{}, sumLen(e.ID, e.APIID, e.DisplayName, e.Description) + sliceLen(e.PolicyIDs), true
		},
	}
)

// GetToken returns the token with that hash, or oauthclient.ErrNotFound,
// from the cache when it can: an access token is cached until it expires,
// an unknown hash for Options.NegativeTTL.
func (s *Store) GetToken(ctx context.Context, hash string) (*oauthclient.Token, error) {
	return get(ctx, s, &tokenRead, hash)
}

// GetClient returns the client with that ID, secrets included, or
// oauthclient.ErrNotFound, from the cache when it can.
func (s *Store) GetClient(ctx context.Context, id string) (*oauthclient.Client, error) {
	return get(ctx, s, &clientRead, id)
}

// GetAPI returns the API with that ID, or oauthclient.ErrNotFound, from
// the cache when it can.
func (s *Store) GetAPI(ctx context.Context, id string) (*catalogue.API, error) {
	return get(ctx, s, &apiRead, id)
}

// GetPolicy returns the policy with that ID, or oauthclient.ErrNotFound,
// from the cache when it can.
func (s *Store) GetPolicy(ctx context.Context, id string) (*catalogue.Policy, error) {
	return get(ctx, s, &policyRead, id)
}

// GetEntry returns the catalogue entry with that ID, or
// oauthclient.ErrNotFound, from the cache when it can.
func (s *Store) GetEntry(ctx context.Context, id string) (*catalogue.Entry, error) {
	return get(ctx, s, &entryRead, id)
}
