package postgres

import (
	"crypto/rand"
	"fmt"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/portaloauth/portaloauth/internal/pgtest"
	"github.com/portaloauth/portaloauth/oauthclient"
)

// The benchmarks run against the server at PORTALOAUTH_TEST_POSTGRES, each
// in a schema of its own, and report ops/s beside ns/op.

// reportOpsPerSec adds the ops/s metric; call it after the b.Loop loop.
func reportOpsPerSec(b *testing.B) {
	if s := b.Elapsed().Seconds(); s > 0 {
		b.ReportMetric(float64(b.N)/s, "ops/s")
	}
}

// newBenchStore returns a migrated store whose pool has conns connections.
func newBenchStore(b *testing.B, conns int32) *Store {
	b.Helper()
	dsn, schema := pgtest.Schema(b)
	s := NewFromPool(newPool(b, dsn, schema, func(c *pgxpool.Config) { c.MaxConns = conns }))
	require.NoError(b, s.Migrate(b.Context()))
	return s
}

// authFixture stores a confidential client with a generated secret and
// returns an Authenticator on s and the credentials that authenticate.
func authFixture(b *testing.B, s *Store) (*oauthclient.Authenticator, oauthclient.Credentials) {
	b.Helper()
	h := &oauthclient.Hasher{}
	plain, secret, err := h.NewSecret(rand.Reader, time.Now())
	require.NoError(b, err)
	c := testClient("bench-client", "")
	c.Secrets = []oauthclient.Secret{secret}
	require.NoError(b, s.CreateClient(b.Context(), c))
	a := &oauthclient.Authenticator{Clients: s, Hasher: h}
	cred := oauthclient.Credentials{ClientID: c.ID, Secret: plain, Method: oauthclient.AuthMethodBasic}
	_, err = a.Authenticate(b.Context(), cred)
	require.NoError(b, err)
	return a, cred
}

// BenchmarkAuthenticate authenticates a client by ID and secret through the
// store: one GetClient round trip and one SHA-256 verification.
func BenchmarkAuthenticate(b *testing.B) {
	s := newBenchStore(b, 4)
	a, cred := authFixture(b, s)
	ctx := b.Context()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := a.Authenticate(ctx, cred); err != nil {
			b.Fatal(err)
		}
	}
	reportOpsPerSec(b)
}

// BenchmarkAuthenticateParallel is BenchmarkAuthenticate from 16
// goroutines on 16 connections: the throughput of one node.
func BenchmarkAuthenticateParallel(b *testing.B) {
	s := newBenchStore(b, 16)
	a, cred := authFixture(b, s)
	ctx := b.Context()
	b.ReportAllocs()
	b.SetParallelism(8) // 8 × GOMAXPROCS goroutines
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := a.Authenticate(ctx, cred); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "ops/s")
}

// BenchmarkGetToken looks a token up by hash, as introspection and every
// resource request do, among 10,000 tokens.
func BenchmarkGetToken(b *testing.B) {
	s := newBenchStore(b, 4)
	ctx := b.Context()
	require.NoError(b, s.CreateClient(ctx, testClient("c1", "")))
	const n = 10_000
	copyTokens(b, s, "c1", n)
	hash := "c1/" + tokenHash(n/2)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.GetToken(ctx, hash); err != nil {
			b.Fatal(err)
		}
	}
	reportOpsPerSec(b)
}

// BenchmarkCreateClient stores a confidential client with two redirect URIs
// and one secret hash: one transaction.
func BenchmarkCreateClient(b *testing.B) {
	s := newBenchStore(b, 4)
	ctx := b.Context()
	c := testClient("", "")
	c.RedirectURIs = []string{"https://app.example/cb", "https://app.example/cb2"}
	i := 0
	b.ReportAllocs()
	for b.Loop() {
		i++
		c.ID = "client-" + strconv.Itoa(i)
		if err := s.CreateClient(ctx, c); err != nil {
			b.Fatal(err)
		}
	}
	reportOpsPerSec(b)
}

// BenchmarkRevokeClientTokens100k revokes every token of a client holding
// 100,000 (loaded with COPY before each timed call), beside another client's
// 100,000 that stay.
func BenchmarkRevokeClientTokens100k(b *testing.B) {
	s := newBenchStore(b, 4)
	ctx := b.Context()
	require.NoError(b, s.CreateClient(ctx, testClient("victim", "")))
	require.NoError(b, s.CreateClient(ctx, testClient("bystander", "")))
	const n = 100_000
	copyTokens(b, s, "bystander", n)
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		copyTokens(b, s, "victim", n)
		b.StartTimer()
		got, err := s.RevokeClientTokens(ctx, "victim")
		if err != nil {
			b.Fatal(err)
		}
		if got != n {
			b.Fatalf("revoked %d tokens, want %d", got, n)
		}
	}
}

func tokenHash(i int) string { return fmt.Sprintf("hash-%09d", i) }

// copyTokens loads n tokens of the client with COPY; their hashes are
// tokenHash(i) prefixed with the client ID.
func copyTokens(b *testing.B, s *Store, clientID string, n int) {
	b.Helper()
	now := time.Now()
	rows := pgx.CopyFromSlice(n, func(i int) ([]any, error) {
		return []any{clientID + "/" + tokenHash(i), string(oauthclient.KindAccessToken), clientID,
			"grant-" + strconv.Itoa(i/2), "user", "p1", "read", now, now.Add(time.Hour), false}, nil
	})
	got, err := s.pool.CopyFrom(b.Context(), pgx.Identifier{"tokens"},
		[]string{"hash", "kind", "client_id", "grant_id", "subject", "policy_id", "scope",
			"issued_at", "expires_at", "consumed"}, rows)
	require.NoError(b, err)
	require.EqualValues(b, n, got)
	_, err = s.pool.Exec(b.Context(), "ANALYZE tokens")
	require.NoError(b, err)
}

// BenchmarkCreateTokenConcurrent issues tokens from 8 and from 64
// goroutines at once on one pool of 8 connections, each token in a
// commit of its own (batch=1, as before tokens were grouped) and grouped
// (batch=64, the default), and reports tokens/s and the 50th and 99th
// percentile latency of one CreateToken.
func BenchmarkCreateTokenConcurrent(b *testing.B) {
	for _, clients := range []int{8, 64} {
		for _, batch := range []int{1, DefaultTokenBatch} {
			b.Run(fmt.Sprintf("clients=%d/batch=%d", clients, batch), func(b *testing.B) {
				dsn, schema := pgtest.Schema(b)
				s := NewFromPoolWithConfig(newPool(b, dsn, schema, func(c *pgxpool.Config) { c.MaxConns = 8 }),
					Config{TokenBatch: batch})
				require.NoError(b, s.Migrate(b.Context()))
				require.NoError(b, s.CreateClient(b.Context(), testClient("c1", "")))
				benchConcurrent(b, clients, func(i int64) error {
					return s.CreateToken(b.Context(), testToken(fmt.Sprintf("t-%d", i), "c1", ""))
				})
			})
		}
	}
}

// benchConcurrent runs op b.N times from workers goroutines and reports
// ops/s and the latency percentiles of op.
func benchConcurrent(b *testing.B, workers int, op func(i int64) error) {
	b.Helper()
	b.ReportAllocs()
	b.SetParallelism((workers + runtime.GOMAXPROCS(0) - 1) / runtime.GOMAXPROCS(0))
	var next atomic.Int64
	var mu sync.Mutex
	var lat []time.Duration
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		var mine []time.Duration
		for pb.Next() {
			t := time.Now()
			if err := op(next.Add(1)); err != nil {
				b.Error(err)
				return
			}
			mine = append(mine, time.Since(t))
		}
		mu.Lock()
		lat = append(lat, mine...)
		mu.Unlock()
	})
	elapsed := time.Since(start)
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "ops/s")
	if len(lat) > 0 {
		slices.Sort(lat)
		b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
		b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
	}
}
