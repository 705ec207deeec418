package throttle_test

import (
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
