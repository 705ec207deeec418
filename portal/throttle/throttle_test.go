package throttle_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portaloauth/portaloauth/oauthclient"
	"github.com/portaloauth/portaloauth/portal/throttle"
	"github.com/portaloauth/portaloauth/portal/throttle/throttletest"
)

func TestMemoryStore(t *testing.T) {
	t.Parallel()
	throttletest.Run(t, func(*testing.T) throttle.Store { return throttle.NewMemory() })
}

type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// TestBackoff: free failures, then waits doubling up to the cap; a refused
// attempt is not counted; the wait ends; a quiet window forgets; a success
// resets.
func TestBackoff(t *testing.T) {
	t.Parallel()
	c := &clock{now: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	th := throttle.New(throttle.Config{Free: 2, Base: time.Second, Max: 5 * time.Second, Window: time.Hour, Now: c.Now})
	ctx := t.Context()
	var waits []time.Duration
	for range 6 {
		_, err := th.Check(ctx, "k")
		require.NoError(t, err, "allowed once the wait is over")
		w, err := th.Failed(ctx, "k")
		require.NoError(t, err)
		waits = append(waits, w)
		if w > 0 {
			_, err := th.Check(ctx, "k")
			var te *oauthclient.Error
			require.ErrorAs(t, err, &te)
			require.ErrorIs(t, err, oauthclient.ErrThrottled)
			assert.Equal(t, w, te.RetryAfter)
			c.Advance(w)
		}
	}
	assert.Equal(t, []time.Duration{0, 0, time.Second, 2 * time.Second, 4 * time.Second, 5 * time.Second}, waits)
	failed, err := th.Check(ctx, "other")
	assert.NoError(t, err, "keys are apart")
	assert.False(t, failed)

	_, err = th.Failed(ctx, "k")
	require.NoError(t, err)
	_, err = th.Check(ctx, "k")
	require.Error(t, err)
	c.Advance(time.Hour)
	_, err = th.Check(ctx, "k")
	require.NoError(t, err, "a quiet window forgets, however many failures")

	_, err = th.Failed(ctx, "k")
	require.NoError(t, err)
	require.NoError(t, th.Succeeded(ctx, "k"))
	w, err := th.Failed(ctx, "k")
	require.NoError(t, err)
	assert.Zero(t, w, "a success forgets the failures")
}

// otherStore is a Store that is not a *Memory, so that CheckKey takes the
// path every other store takes.
type otherStore struct{ throttle.Store }

// TestCheckKeyAgreesWithCheck: CheckKey(prefix, name) answers as
// Check(prefix+name) does, on the memory store and on any other, for a key
// without failures, one whose failures are free, one that must wait, a
// long key and a key that differs only by where prefix and name meet.
func TestCheckKeyAgreesWithCheck(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("x", 300)
	for _, tc := range []struct {
		name  string
		store func() throttle.Store
	}{
		{"memory", func() throttle.Store { return throttle.NewMemory() }},
		{"other", func() throttle.Store { return otherStore{throttle.NewMemory()} }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := &clock{now: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
			th := throttle.New(throttle.Config{Store: tc.store(), Free: 1, Now: c.Now})
			ctx := t.Context()
			for _, k := range []string{"client:free", "client:blocked", "client:blocked", "client:" + long} {
				_, err := th.Failed(ctx, k)
				require.NoError(t, err)
			}
			for _, k := range []struct{ prefix, name string }{
				{"client:", "none"}, {"client:", "free"}, {"client:", "blocked"},
				{"client:", long}, {"client", ":blocked"}, {"", "client:blocked"}, {"client:", "block"},
			} {
				wantFailed, wantErr := th.Check(ctx, k.prefix+k.name)
				failed, err := th.CheckKey(ctx, k.prefix, k.name)
				assert.Equal(t, wantFailed, failed, "%q+%q", k.prefix, k.name)
				assert.Equal(t, wantErr, err, "%q+%q", k.prefix, k.name)
			}
			failed, err := th.CheckKey(ctx, "client:", "blocked")
			assert.True(t, failed)
			assert.ErrorIs(t, err, oauthclient.ErrThrottled, "the check did see the failures")
			canceled, cancel := context.WithCancel(ctx)
			cancel()
			_, err = th.CheckKey(canceled, "client:", "none")
			assert.ErrorIs(t, err, context.Canceled)
		})
	}
}

// BenchmarkCheckKey: checking a key with no failures, as every client
// authentication does.
func BenchmarkCheckKey(b *testing.B) {
	th := throttle.New(throttle.Config{})
	ctx := b.Context()
	_, _ = th.Failed(ctx, "client:someone-else")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := th.CheckKey(ctx, "client:", "c1"); err != nil {
			b.Fatal(err)
		}
	}
}
