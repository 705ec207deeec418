package cache

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/portaloauth/portaloauth/oauthclient"
	"github.com/portaloauth/portaloauth/portal"
)

// Source is a store the cache can sit on: a portal.Store that announces
// its changes. *postgres.Store is one.
type Source interface {
	portal.Store
	portal.ChangeFeed
}

// WhenLost says what the cache does while its change feed is down.
type WhenLost uint8

const (
	// ReadThrough serves every read from the source, as if there were no
	// cache: the default.
	ReadThrough WhenLost = iota
	// Refuse fails every cached read with ErrUnavailable, sparing the
	// source the load of a whole node's reads.
	Refuse
)

// ErrUnavailable is returned, with Options.WhenLost = Refuse, by the
// cached reads while the change feed is down.
var ErrUnavailable = errors.New("cache: not listening for changes")

// Defaults of the Options fields.
const (
	DefaultMaxEntries  = 100_000
	DefaultMaxBytes    = 64 << 20
	DefaultMaxAge      = time.Minute
	DefaultNegativeTTL = time.Second
)

// Options configures a [Store]. The zero value means the documented
// defaults: a cache of 100,000 entries and 64 MiB, entries kept at most a
// minute without a notification, unknown tokens remembered for a second,
// and reads served from the source while the change feed is down.
type Options struct {
	// Disabled makes every call go to the source: no cache, no listening
	// connection.
	Disabled bool
	// MaxEntries bounds the number of cached records; 0:
	// DefaultMaxEntries. Past it the least recently used are evicted.
	MaxEntries int
	// MaxBytes bounds the cached records' estimated size; 0:
	// DefaultMaxBytes.
	MaxBytes int64
	// MaxAge is the longest a record stays cached without a notification,
	// a second line of defence should one ever go astray; 0:
	// DefaultMaxAge. A token's entry also expires with the token.
	MaxAge time.Duration
	// NegativeTTL is how long an unknown token hash is remembered as
	// unknown; 0: DefaultNegativeTTL; negative: unknown tokens are not
	// remembered.
	NegativeTTL time.Duration
	// WhenLost chooses what cached reads do while the change feed is down
	// (before it first listens, and after it fails until it listens
	// again): ReadThrough (the default) or Refuse.
	WhenLost WhenLost
	// Logger receives a record, with the Stats, each time the feed starts
	// listening or is lost; nil: none.
	Logger *slog.Logger
	// Now is the clock entries expire by; nil: time.Now.
	Now func() time.Time
}

// Stats are the cache's counters since New.
type Stats struct {
	Hits          int64 // reads answered from the cache
	Misses        int64 // cacheable reads that went to the source
	Evictions     int64 // entries dropped to keep within the bounds
	Invalidations int64 // changes announced by the feed
	Reconnects    int64 // times the feed listened again after being lost
	Entries       int   // entries kept now (served, or standing for what a read saw)
	Bytes         int64 // their estimated size
	Listening     bool  // whether the feed listens, so that the cache serves
}

// LogValue renders the stats as a log/slog group.
func (s Stats) LogValue() slog.Value {
	return slog.GroupValue(
		slog.Int64("hits", s.Hits), slog.Int64("misses", s.Misses),
		slog.Int64("evictions", s.Evictions), slog.Int64("invalidations", s.Invalidations),
		slog.Int64("reconnects", s.Reconnects), slog.Int("entries", s.Entries),
		slog.Int64("bytes", s.Bytes), slog.Bool("listening", s.Listening),
	)
}

// Store is a node-local cache over a [Source]. It is a portal.Store and an
// oauthclient.TokenPurger (which fails with errors.ErrUnsupported if the
// source is none): reads of tokens,
// clients, APIs, policies and catalogue entries by key are answered from
// memory; every other call, and every write, goes to the source. It is
// safe for concurrent use. Close stops its listening.
type Store struct {
	Source // methods not cached pass through

	opts           Options
	lru            *lru
	stop           context.CancelFunc
	done           chan struct{}
	now            func() time.Time
	maxAge, negTTL time.Duration

	// gen is incremented by every invalidation, before it removes
	// anything: a read from the source stores its result only if gen has
	// not moved since it began, so that a value read before an
	// invalidation is never cached after it.
	gen  atomic.Uint64
	live atomic.Bool // the feed listens and the cache was emptied since

	hits, misses, invalidations, reconnects atomic.Int64

	onChange func(portal.Change) // tests: called after each announced change is applied

	mu       sync.Mutex
	ready    chan struct{} // closed while live
	listened bool          // Listening was called before
	failing  bool          // the last attempts to listen failed
}

var (
	_ portal.Store            = (*Store)(nil)
	_ oauthclient.TokenPurger = (*Store)(nil)
)

// New returns a cache over src and starts listening to src's changes on
// a goroutine of its own; until the feed listens, reads go to src (or
// fail, with Options.WhenLost = Refuse). [Store.Ready] waits for it.
// Close stops it; src is left open.
func New(src Source, opts Options) *Store { return newStore(src, opts, nil) }

func newStore(src Source, opts Options, onChange func(portal.Change)) *Store {
	s := &Store{Source: src, opts: opts, now: opts.Now, done: make(chan struct{}), ready: make(chan struct{}),
		onChange: onChange}
	if s.now == nil {
		s.now = time.Now
	}
	s.maxAge = cmpOr(opts.MaxAge, DefaultMaxAge)
	s.negTTL = cmpOr(opts.NegativeTTL, DefaultNegativeTTL)
	if opts.Disabled {
		close(s.done)
		s.stop = func() {}
		return s
	}
	s.lru = newLRU(cmpOr(opts.MaxEntries, DefaultMaxEntries), cmpOr(opts.MaxBytes, DefaultMaxBytes))
	ctx, cancel := context.WithCancel(context.Background())
	s.stop = cancel
	go func() {
		defer close(s.done)
		_ = src.WatchChanges(ctx, watcher{s})
	}()
	return s
}

func cmpOr[T int | int64 | time.Duration](v, def T) T {
	if v == 0 {
		return def
	}
	return v
}

// Close stops listening and empties the cache; later reads go to the
// source. It does not close the source.
func (s *Store) Close() {
	s.stop()
	<-s.done
	if s.lru != nil {
		s.live.Store(false)
		s.gen.Add(1)
		s.lru.clear()
	}
}

// Ready waits until the change feed listens and the cache serves, or ctx
// ends. With Options.Disabled it returns at once.
func (s *Store) Ready(ctx context.Context) error {
	if s.opts.Disabled {
		return nil
	}
	s.mu.Lock()
	ready := s.ready
	s.mu.Unlock()
	select {
	case <-ready:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("cache: ready: %w", ctx.Err())
	}
}

// Stats returns the counters.
func (s *Store) Stats() Stats {
	st := Stats{
		Hits: s.hits.Load(), Misses: s.misses.Load(), Invalidations: s.invalidations.Load(),
		Reconnects: s.reconnects.Load(), Listening: s.live.Load(),
	}
	if s.lru != nil {
		st.Evictions = s.lru.evictions.Load()
		st.Entries, st.Bytes = s.lru.size()
	}
	return st
}

// watcher receives the source's changes.
type watcher struct{ s *Store }

// Listening empties the cache, then lets it serve: whatever was cached
// during a gap in notifications is gone. The generation moves after the
// emptying, so that what a read ending meanwhile saw (kept, not served)
// stands against the reads that begin after it.
func (w watcher) Listening() {
	s := w.s
	s.lru.clear()
	s.gen.Add(1)
	s.live.Store(true)
	s.mu.Lock()
	if s.listened {
		s.reconnects.Add(1)
	}
	s.listened = true
	s.failing = false
	select {
	case <-s.ready:
	default:
		close(s.ready)
	}
	s.mu.Unlock()
	if s.opts.Logger != nil {
		s.opts.Logger.LogAttrs(context.Background(), slog.LevelInfo, "cache listening for changes",
			slog.Any("stats", s.Stats()))
	}
}

// Lost stops serving from the cache and empties it. It logs the loss, or
// the first of consecutive failures to listen.
func (w watcher) Lost(err error) {
	s := w.s
	wasLive := s.live.Swap(false)
	s.gen.Add(1)
	s.lru.clear()
	s.mu.Lock()
	select {
	case <-s.ready:
		s.ready = make(chan struct{})
	default:
	}
	logIt := wasLive || !s.failing
	s.failing = !wasLive
	s.mu.Unlock()
	if s.opts.Logger != nil && logIt && !errors.Is(err, context.Canceled) {
		msg := "cache lost its change feed: reading through"
		if s.opts.WhenLost == Refuse {
			msg = "cache lost its change feed: refusing reads"
		}
		if !wasLive {
			msg = "cache cannot listen for changes: not serving from memory"
		}
		s.opts.Logger.LogAttrs(context.Background(), slog.LevelWarn, msg,
			slog.String("error", err.Error()), slog.Any("stats", s.Stats()))
	}
}

// Changed drops what c names.
func (w watcher) Changed(c portal.Change) {
	w.s.invalidations.Add(1)
	w.s.apply(c)
	if w.s.onChange != nil {
		w.s.onChange(c)
	}
}

// apply drops what c names from the cache.
func (s *Store) apply(c portal.Change) {
	if s.lru == nil {
		return
	}
	s.gen.Add(1)
	switch c.Kind {
	case portal.ChangeToken:
		s.lru.delete(key{kindToken, c.Key})
	case portal.ChangeClientTokens:
		s.lru.deleteFunc(func(e *entry) bool { return e.key.kind == kindToken && e.owner == c.Key })
	case portal.ChangeClient:
		s.lru.delete(key{kindClient, c.Key})
	case portal.ChangeAPI:
		s.lru.delete(key{kindAPI, c.Key})
	case portal.ChangePolicy:
		s.lru.delete(key{kindPolicy, c.Key})
	case portal.ChangeEntry:
		s.lru.delete(key{kindEntry, c.Key})
	case portal.ChangeFailures:
		s.lru.delete(key{kindFailures, c.Key})
	default:
		s.lru.clear()
	}
}
