package cache_test

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portaloauth/portaloauth/oauthclient"
	"github.com/portaloauth/portaloauth/portal"
	"github.com/portaloauth/portaloauth/store/cache"
	"github.com/portaloauth/portaloauth/store/memory"
	"github.com/portaloauth/portaloauth/storetest"
)

// feed is an in-memory store whose change feed the test drives.
type feed struct {
	*memory.Store
	watchers chan portal.ChangeWatcher

	mu      sync.Mutex
	blockOn string        // GetToken of this hash waits for release
	release chan struct{} // closed to let it go on
	reading chan struct{} // closed once it has read
	before  func()        // if not nil, called by GetToken before it reads
}

func newFeed() *feed {
	return &feed{Store: memory.New(), watchers: make(chan portal.ChangeWatcher, 1)}
}

func (f *feed) WatchChanges(ctx context.Context, w portal.ChangeWatcher) error {
	f.watchers <- w
	<-ctx.Done()
	return ctx.Err()
}

// GetToken calls before, reads the token, then, for the blocked hash,
// waits.
func (f *feed) GetToken(ctx context.Context, hash string) (*oauthclient.Token, error) {
	f.mu.Lock()
	before := f.before
	f.mu.Unlock()
	if before != nil {
		before()
	}
	t, err := f.Store.GetToken(ctx, hash)
	f.mu.Lock()
	block := hash == f.blockOn
	release, reading := f.release, f.reading
	f.mu.Unlock()
	if block {
		close(reading)
		<-release
	}
	return t, err
}

// newCache returns a cache on a new feed, with the feed's watcher, after
// it has started listening.
func newCache(t *testing.T, opts cache.Options) (*cache.Store, *feed, portal.ChangeWatcher) {
	t.Helper()
	f := newFeed()
	c := cache.New(f, opts)
	t.Cleanup(c.Close)
	w := <-f.watchers
	w.Listening()
	require.NoError(t, c.Ready(t.Context()))
	return c, f, w
}

func addTokens(t *testing.T, s portal.Store, clientID string, n int, expires time.Time) []string {
	t.Helper()
	require.NoError(t, s.CreateClient(t.Context(), testClient(clientID)))
	hashes := make([]string, n)
	for i := range hashes {
		hashes[i] = clientID + "-t" + strconv.Itoa(i)
		tok := testToken(hashes[i], clientID)
		tok.ExpiresAt = expires
		require.NoError(t, s.CreateToken(t.Context(), tok))
	}
	return hashes
}

// TestConformanceMemory runs the conformance suite over the cache on the
// in-memory store, its feed listening: the cache changes no contract.
func TestConformanceMemory(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T) portal.Store {
		c, _, _ := newCache(t, cache.Options{})
		return c
	})
}

// TestReadBeforeInvalidationIsNotCached is the race of a read from the
// source with an invalidation: the read began before the change was
// announced and ends after it, so what it read may be stale and must not
// be cached.
func TestReadBeforeInvalidationIsNotCached(t *testing.T) {
	t.Parallel()
	c, f, w := newCache(t, cache.Options{})
	ctx := t.Context()
	h := addTokens(t, f.Store, "c1", 1, time.Now().Add(time.Hour))[0]

	f.mu.Lock()
	f.blockOn, f.release, f.reading = h, make(chan struct{}), make(chan struct{})
	f.mu.Unlock()
	done := make(chan error)
	go func() { _, err := c.GetToken(ctx, h); done <- err }()
	<-f.reading // the read has its (soon stale) answer
	require.NoError(t, f.Store.DeleteToken(ctx, h))
	w.Changed(portal.Change{Kind: portal.ChangeToken, Key: h})
	f.mu.Lock()
	f.blockOn = ""
	close(f.release)
	f.mu.Unlock()
	require.NoError(t, <-done, "the read in flight returns what it read")

	_, err := c.GetToken(ctx, h)
	require.ErrorIs(t, err, oauthclient.ErrNotFound, "and did not cache it")
	assert.Zero(t, c.Stats().Hits)
}

// TestOlderReadDoesNotOverwriteNewer is the race of two reads of one
// token from the source around a change not yet announced (in the
// propagation window, or while the listening connection is dead but not
// yet known to be): the older read saw the token valid, the newer one
// saw it gone or consumed, and the older ends last. The node's callers
// were told the token was refused; the older answer must not be cached
// after that, or the node would accept it again until the notification
// (or the loss of the feed) arrives.
func TestOlderReadDoesNotOverwriteNewer(t *testing.T) {
	t.Parallel()
	deleteToken := func(ctx context.Context, f *feed, h string) error { return f.Store.DeleteToken(ctx, h) }
	tests := []struct {
		name   string
		opts   cache.Options
		change func(ctx context.Context, f *feed, h string) error
	}{
		{"deleted", cache.Options{}, deleteToken},
		{"deleted, unknown tokens not remembered", cache.Options{NegativeTTL: -1}, deleteToken},
		{"consumed", cache.Options{}, func(ctx context.Context, f *feed, h string) error {
			_, err := f.Store.ConsumeToken(ctx, h)
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, f, _ := newCache(t, tt.opts)
			ctx := t.Context()
			h := addTokens(t, f.Store, "c1", 1, time.Now().Add(time.Hour))[0]
			refused := func() bool {
				tok, err := c.GetToken(ctx, h)
				return errors.Is(err, oauthclient.ErrNotFound) || (err == nil && tok.Consumed)
			}

			f.mu.Lock()
			f.blockOn, f.release, f.reading = h, make(chan struct{}), make(chan struct{})
			f.mu.Unlock()
			older := make(chan error)
			go func() { _, err := c.GetToken(ctx, h); older <- err }()
			<-f.reading // the older read has the token, still valid
			f.mu.Lock()
			f.blockOn = ""
			f.mu.Unlock()
			require.NoError(t, tt.change(ctx, f, h)) // not announced yet
			require.True(t, refused(), "the newer read sees the change")
			close(f.release)
			require.NoError(t, <-older, "the older read returns what it read")

			for range 2 {
				require.True(t, refused(), "the older answer was not cached over the newer")
			}
		})
	}
}

// TestNewerReadNotCachedStillStands is the same race when the newer read
// cannot cache what it saw, because another record changed while it was
// in flight, and the older read began after that change: what the newer
// read saw must still keep the older answer out of the cache.
func TestNewerReadNotCachedStillStands(t *testing.T) {
	t.Parallel()
	c, f, w := newCache(t, cache.Options{})
	ctx := t.Context()
	h := addTokens(t, f.Store, "c1", 1, time.Now().Add(time.Hour))[0]

	started, goOn := make(chan struct{}), make(chan struct{})
	f.mu.Lock()
	f.before = func() { close(started); <-goOn }
	f.mu.Unlock()
	newer := make(chan error)
	go func() { _, err := c.GetToken(ctx, h); newer <- err }()
	<-started // the newer read has begun, not read yet
	f.mu.Lock()
	f.before = nil
	f.blockOn, f.release, f.reading = h, make(chan struct{}), make(chan struct{})
	f.mu.Unlock()
	w.Changed(portal.Change{Kind: portal.ChangeToken, Key: "other"})

	older := make(chan error)
	go func() { _, err := c.GetToken(ctx, h); older <- err }()
	<-f.reading // the older read began after the change and has the token, still valid
	f.mu.Lock()
	f.blockOn = ""
	f.mu.Unlock()
	require.NoError(t, f.Store.DeleteToken(ctx, h)) // not announced yet
	close(goOn)
	require.ErrorIs(t, <-newer, oauthclient.ErrNotFound, "the newer read sees the deletion")
	close(f.release)
	require.NoError(t, <-older, "the older read returns what it read")

	_, err := c.GetToken(ctx, h)
	require.ErrorIs(t, err, oauthclient.ErrNotFound, "the older answer was not cached")
}

// TestLostFeedReadsThrough checks that from the loss of the feed until it
// listens again nothing is served from the cache, and that what was cached
// before is gone afterwards.
func TestLostFeedReadsThrough(t *testing.T) {
	t.Parallel()
	c, f, w := newCache(t, cache.Options{})
	ctx := t.Context()
	h := addTokens(t, f.Store, "c1", 1, time.Now().Add(time.Hour))[0]
	_, err := c.GetToken(ctx, h)
	require.NoError(t, err)

	w.Lost(context.DeadlineExceeded)
	require.NoError(t, f.Store.DeleteToken(ctx, h)) // a change nobody announces
	_, err = c.GetToken(ctx, h)
	require.ErrorIs(t, err, oauthclient.ErrNotFound, "read through while lost")
	assert.False(t, c.Stats().Listening)
	assert.Zero(t, c.Stats().Entries, "emptied when lost")

	w.Listening()
	_, err = c.GetToken(ctx, h)
	require.ErrorIs(t, err, oauthclient.ErrNotFound)
	st := c.Stats()
	assert.Equal(t, int64(1), st.Reconnects)
	assert.Zero(t, st.Hits)
}

// TestRefuseWhenLost checks Options.WhenLost = Refuse without PostgreSQL.
func TestRefuseWhenLost(t *testing.T) {
	t.Parallel()
	c, f, w := newCache(t, cache.Options{WhenLost: cache.Refuse})
	h := addTokens(t, f.Store, "c1", 1, time.Now().Add(time.Hour))[0]
	w.Lost(context.DeadlineExceeded)
	_, err := c.GetToken(t.Context(), h)
	require.ErrorIs(t, err, cache.ErrUnavailable)
	_, err = c.GetClient(t.Context(), "c1")
	require.ErrorIs(t, err, cache.ErrUnavailable)
	w.Listening()
	_, err = c.GetToken(t.Context(), h)
	require.NoError(t, err)
}

// TestBounds checks that the entry and byte bounds hold, evicting the
// least recently used first.
func TestBounds(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		opts     cache.Options
		maxCount int
	}{
		{"entries", cache.Options{MaxEntries: 10}, 10},
		{"bytes", cache.Options{MaxBytes: 10 * 300}, 10},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, f, _ := newCache(t, tt.opts)
			ctx := t.Context()
			hashes := addTokens(t, f.Store, "c1", 50, time.Now().Add(time.Hour))
			for _, h := range hashes {
				_, err := c.GetToken(ctx, h)
				require.NoError(t, err)
				_, err = c.GetToken(ctx, hashes[0]) // keep the first one recently used
				require.NoError(t, err)
			}
			st := c.Stats()
			assert.LessOrEqual(t, st.Entries, tt.maxCount)
			assert.Positive(t, st.Evictions)
			if tt.opts.MaxBytes > 0 {
				assert.LessOrEqual(t, st.Bytes, tt.opts.MaxBytes)
			}
			hits := st.Hits
			_, err := c.GetToken(ctx, hashes[0])
			require.NoError(t, err)
			assert.Equal(t, hits+1, c.Stats().Hits, "the most recently used entry stayed")
			_, err = c.GetToken(ctx, hashes[1])
			require.NoError(t, err)
			assert.Equal(t, hits+1, c.Stats().Hits, "an old one was evicted")
		})
	}
}

// clock is a settable Options.Now.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// TestExpiry checks that entries expire with the token, after MaxAge, and
// unknown hashes after NegativeTTL.
func TestExpiry(t *testing.T) {
	t.Parallel()
	clk := &clock{t: time.Now()}
	c, f, _ := newCache(t, cache.Options{Now: clk.Now, MaxAge: time.Minute, NegativeTTL: time.Second})
	ctx := t.Context()
	short := addTokens(t, f.Store, "c1", 1, clk.Now().Add(10*time.Second))[0]
	long := addTokens(t, f.Store, "c2", 1, clk.Now().Add(time.Hour))[0]
	read := func(h string) (hit bool) {
		before := c.Stats().Hits
		_, _ = c.GetToken(ctx, h)
		return c.Stats().Hits > before
	}
	for _, h := range []string{short, long, "unknown"} {
		require.False(t, read(h), h)
		require.True(t, read(h), h)
	}
	clk.add(2 * time.Second)
	assert.False(t, read("unknown"), "an unknown hash is forgotten after NegativeTTL")
	assert.True(t, read(short))
	clk.add(10 * time.Second)
	assert.False(t, read(short), "a token's entry expires with it")
	assert.True(t, read(long))
	clk.add(time.Minute)
	assert.False(t, read(long), "no entry outlives MaxAge")

	// An unknown hash issued later is known at once on the node that
	// issued it.
	require.False(t, read("later"))
	require.NoError(t, c.CreateToken(ctx, testToken("later", "c1")))
	_, err := c.GetToken(ctx, "later")
	require.NoError(t, err)
}

// TestDisabled checks that a disabled cache keeps nothing.
func TestDisabled(t *testing.T) {
	t.Parallel()
	f := newFeed()
	c := cache.New(f, cache.Options{Disabled: true})
	t.Cleanup(c.Close)
	require.NoError(t, c.Ready(t.Context()))
	h := addTokens(t, f.Store, "c1", 1, time.Now().Add(time.Hour))[0]
	for range 2 {
		_, err := c.GetToken(t.Context(), h)
		require.NoError(t, err)
	}
	assert.Equal(t, cache.Stats{}, c.Stats())
	select {
	case <-f.watchers:
		t.Fatal("a disabled cache listens")
	default:
	}
}
