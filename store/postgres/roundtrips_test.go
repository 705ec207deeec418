package postgres

import (
	"context"
	"fmt"
	"net"
	"sync/atomic"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portaloauth/portaloauth/internal/pgtest"
	"github.com/portaloauth/portaloauth/oauthclient"
)

// writeCounter counts the writes of the connections it dialled: pgx writes
// each request (a query, a batch, a BEGIN) in one write and then waits for
// the answer, so writes count round trips.
type writeCounter struct{ n atomic.Int64 }

type countingConn struct {
	net.Conn
	n *atomic.Int64
}

func (c countingConn) Write(b []byte) (int, error) {
	c.n.Add(1)
	return c.Conn.Write(b)
}

func (w *writeCounter) configure(cfg *pgxpool.Config) {
	cfg.MaxConns = 1 // one connection: prepared once, then reused
	dial := cfg.ConnConfig.DialFunc
	cfg.ConnConfig.DialFunc = func(ctx context.Context, network, addr string) (net.Conn, error) {
		conn, err := dial(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		return countingConn{Conn: conn, n: &w.n}, nil
	}
}

// TestRoundTrips checks the round trips the package documentation promises
// for the operations on a hot path.
func TestRoundTrips(t *testing.T) {
	t.Parallel()
	var w writeCounter
	dsn, schema := pgtest.Schema(t)
	s := NewFromPool(newPool(t, dsn, schema, w.configure))
	ctx := t.Context()
	require.NoError(t, s.Migrate(ctx))
	require.NoError(t, s.CreateDeveloper(ctx, testDeveloper("d1", "d1@example.com")))

	seq := 0
	next := func(prefix string) string { seq++; return fmt.Sprintf("%s%d", prefix, seq) }
	ops := []struct {
		name string
		want int64
		run  func() error
	}{
		{"GetClient", 1, func() error { _, err := s.GetClient(ctx, "c-warm"); return err }},
		{"CreateClient", 1, func() error {
			c := testClient(next("c"), "d1")
			c.Secrets = append(c.Secrets, testSecret("s2"))
			return s.CreateClient(ctx, c)
		}},
		{"GetToken", 1, func() error { _, err := s.GetToken(ctx, "t-warm"); return err }},
		{"CreateToken", 1, func() error { return s.CreateToken(ctx, testToken(next("t"), "c-warm", "g")) }},
		{"ConsumeToken", 1, func() error {
			h := next("t")
			if err := s.CreateToken(ctx, testToken(h, "c-warm", "g")); err != nil {
				return err
			}
			w.n.Add(-1) // the CreateToken
			_, err := s.ConsumeToken(ctx, h)
			return err
		}},
		{"RevokeClientTokens", 1, func() error { _, err := s.RevokeClientTokens(ctx, "c-warm"); return err }},
		{"UpdateClient", 4, func() error {
			c, err := s.GetClient(ctx, "c-warm")
			if err != nil {
				return err
			}
			w.n.Add(-1) // the GetClient
			return s.UpdateClient(ctx, c, oauthclient.UpdateOptions{RevokeTokens: true})
		}},
		{"DeleteClient", 1, func() error {
			id := next("c")
			if err := s.CreateClient(ctx, testClient(id, "d1")); err != nil {
				return err
			}
			w.n.Add(-1) // the CreateClient
			return s.DeleteClient(ctx, id)
		}},
	}
	require.NoError(t, s.CreateClient(ctx, testClient("c-warm", "d1")))
	require.NoError(t, s.CreateToken(ctx, testToken("t-warm", "c-warm", "g")))
	for _, op := range ops {
		require.NoError(t, op.run(), "%s, preparing", op.name) // prepares the statements
		w.n.Store(0)
		require.NoError(t, op.run(), op.name)
		assert.Equal(t, op.want, w.n.Load(), "%s: round trips", op.name)
	}
}
