package cache_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portaloauth/portaloauth/portal"
	"github.com/portaloauth/portaloauth/portal/throttle"
	"github.com/portaloauth/portaloauth/portal/throttle/throttletest"
	"github.com/portaloauth/portaloauth/store/cache"
)

// countedThrottles counts the reads of a throttle store.
type countedThrottles struct {
	throttle.Store
	reads atomic.Int64
}

func (c *countedThrottles) Failures(ctx context.Context, key string) (int, time.Time, error) {
	c.reads.Add(1)
	return c.Store.Failures(ctx, key)
}

func newCachedThrottles(t *testing.T, opts cache.Options) (throttle.Store, *countedThrottles, portal.ChangeWatcher) {
	t.Helper()
	c, _, w := newCache(t, opts)
	src := &countedThrottles{Store: throttle.NewMemory()}
	return c.Throttles(src), src, w
}

// TestThrottlesConformance: the cached throttle store keeps the contract.
func TestThrottlesConformance(t *testing.T) {
	t.Parallel()
	throttletest.Run(t, func(t *testing.T) throttle.Store {
		ts, _, _ := newCachedThrottles(t, cache.Options{})
		return ts
	})
}

// TestThrottlesServeFromMemory: a key's failures are read from the source
// once, until this node writes them or another node's write is announced.
func TestThrottlesServeFromMemory(t *testing.T) {
	t.Parallel()
	ts, src, w := newCachedThrottles(t, cache.Options{})
	ctx := t.Context()
	now := time.Now()
	read := func() int {
		t.Helper()
		n, _, err := ts.Failures(ctx, "client:c1")
		require.NoError(t, err)
		return n
	}

	assert.Zero(t, read())
	assert.Zero(t, read())
	assert.EqualValues(t, 1, src.reads.Load(), "a key without failures is read once")

	n, err := ts.Fail(ctx, "client:c1", now, time.Minute)
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	assert.Equal(t, 1, read(), "this node's failure is seen at once")
	assert.Equal(t, 1, read())
	assert.EqualValues(t, 2, src.reads.Load())

	// Another node records a failure: this one keeps its copy until the
	// change is announced.
	_, err = src.Fail(ctx, "client:c1", now, time.Minute)
	require.NoError(t, err)
	assert.Equal(t, 1, read(), "not announced yet")
	w.Changed(portal.Change{Kind: portal.ChangeFailures, Key: "client:c1"})
	assert.Equal(t, 2, read(), "announced")

	require.NoError(t, ts.Reset(ctx, "client:c1"))
	assert.Zero(t, read(), "this node's reset is seen at once")
	assert.EqualValues(t, 4, src.reads.Load())

	// Other kinds of change leave the failures cached.
	w.Changed(portal.Change{Kind: portal.ChangeClient, Key: "client:c1"})
	assert.Zero(t, read())
	assert.EqualValues(t, 4, src.reads.Load())
}

// TestThrottlesWithoutFeed: while the feed is lost, every read goes to
// the source, or is refused with WhenLost = Refuse.
func TestThrottlesWithoutFeed(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	ts, src, w := newCachedThrottles(t, cache.Options{})
	_, _, err := ts.Failures(ctx, "k")
	require.NoError(t, err)
	w.Lost(errors.New("connection lost"))
	_, err = src.Fail(ctx, "k", time.Now(), time.Minute) // unannounced
	require.NoError(t, err)
	n, _, err := ts.Failures(ctx, "k")
	require.NoError(t, err)
	assert.Equal(t, 1, n, "read from the source")
	w.Listening()
	n, _, err = ts.Failures(ctx, "k")
	require.NoError(t, err)
	assert.Equal(t, 1, n, "the cache was emptied when it listened again")

	refusing, _, w2 := newCachedThrottles(t, cache.Options{WhenLost: cache.Refuse})
	w2.Lost(errors.New("connection lost"))
	_, _, err = refusing.Failures(ctx, "k")
	require.ErrorIs(t, err, cache.ErrUnavailable)
}
