package postgres

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/portaloauth/portaloauth/internal/pgtest"
	"github.com/portaloauth/portaloauth/oauthclient"
	"github.com/portaloauth/portaloauth/portal/throttle"
	"github.com/portaloauth/portaloauth/portal/throttle/throttletest"
)

// TestThrottleStore: the failure counts several nodes share.
func TestThrottleStore(t *testing.T) {
	t.Parallel()
	throttletest.Run(t, func(t *testing.T) throttle.Store { return newTestStore(t).Throttles() })
}

// TestThrottleSharedByNodes: two nodes (two pools) on one database count a
// key's failures together, so a guesser cannot spread attempts over nodes.
func TestThrottleSharedByNodes(t *testing.T) {
	t.Parallel()
	dsn, schema := pgtest.Schema(t)
	a := NewFromPool(newPool(t, dsn, schema))
	require.NoError(t, a.Migrate(t.Context()))
	b := NewFromPool(newPool(t, dsn, schema))
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	nodes := []*throttle.Throttle{
		throttle.New(throttle.Config{Store: a.Throttles(), Now: func() time.Time { return now }}),
		throttle.New(throttle.Config{Store: b.Throttles(), Now: func() time.Time { return now }}),
	}
	for i := range 6 {
		_, err := nodes[i%2].Failed(t.Context(), "client:c1")
		require.NoError(t, err)
	}
	for _, n := range nodes {
		_, err := n.Check(t.Context(), "client:c1")
		require.ErrorIs(t, err, oauthclient.ErrThrottled, "six failures over two nodes")
	}
}
