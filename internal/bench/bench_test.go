package bench_test

import (
	"strconv"
	"testing"
	"time"

	"github.com/portaloauth/portaloauth/internal/bench"
	"github.com/portaloauth/portaloauth/internal/pgtest"
)

// The benchmarks below are the report's cases, to run one at a time with
// profiles, for example:
//
//	go test -run '^$' -bench 'BenchmarkAuthenticate/sha256$' -cpuprofile cpu.out -memprofile mem.out ./bench
//	go tool pprof -top bench.test cpu.out
//	go test -run '^$' -bench 'Parallel' -cpu 1,2 ./bench

func BenchmarkAuthenticate(b *testing.B) {
	for _, h := range bench.StoredHashes {
		b.Run(string(h), bench.Authenticate(h))
	}
}

func BenchmarkMatch(b *testing.B) {
	for _, c := range bench.RedirectCases {
		b.Run("ours/"+c.Name, bench.Match(bench.OurMatch, c))
		b.Run("url.Parse/"+c.Name, bench.Match(bench.URLParseMatch, c))
	}
}

var endpoints = []bench.Endpoint{bench.EndpointToken, bench.EndpointIntrospect, bench.EndpointGateway}

func BenchmarkHandler(b *testing.B) {
	for _, e := range endpoints {
		b.Run(e.Name(), bench.Handler(e))
	}
}

func BenchmarkHandlerParallel(b *testing.B) {
	for _, e := range endpoints {
		b.Run(e.Name(), bench.HandlerParallel(e))
	}
}

var picks = []bench.Pick{bench.PickHot, bench.PickUniform}

// The scaling benchmarks fill a store once per size, in a sub-benchmark
// that only runs when the -bench pattern selects it.

func BenchmarkScaleAuthenticate(b *testing.B) {
	for _, n := range bench.ScaleSizes {
		b.Run("clients="+strconv.Itoa(n), func(b *testing.B) { benchClients(b, n, false) })
	}
}

func BenchmarkScaleIntrospect(b *testing.B) {
	for _, n := range bench.ScaleSizes {
		b.Run("tokens="+strconv.Itoa(n), func(b *testing.B) { benchTokens(b, n, false) })
	}
}

// The parallel scaling cases use 10^5 records: enough to leave the caches,
// quick to build.

func BenchmarkScaleAuthenticateParallel(b *testing.B) {
	b.Run("clients=100000", func(b *testing.B) { benchClients(b, 100_000, true) })
}

func BenchmarkScaleIntrospectParallel(b *testing.B) {
	b.Run("tokens=100000", func(b *testing.B) { benchTokens(b, 100_000, true) })
}

func benchClients(b *testing.B, n int, parallel bool) {
	set, err := bench.NewClientSet(b.Context(), n)
	if err != nil {
		b.Fatal(err)
	}
	for _, p := range picks {
		b.Run(p.String(), set.Authenticate(p, parallel))
	}
}

func benchTokens(b *testing.B, n int, parallel bool) {
	set, err := bench.NewTokenSet(b.Context(), n)
	if err != nil {
		b.Fatal(err)
	}
	for _, p := range picks {
		b.Run(p.String(), set.Introspect(p, parallel))
	}
}

// BenchmarkLoopback serves the endpoints on a 127.0.0.1 port and sends
// requests from 4 workers per CPU in rounds of 200 ms, reporting requests
// per second: the server and the client share the CPUs, as in the report.
func BenchmarkLoopback(b *testing.B) {
	for _, e := range endpoints {
		b.Run(e.Name(), func(b *testing.B) {
			s, err := bench.NewServer(b.Context())
			if err != nil {
				b.Fatal(err)
			}
			if err := s.Start(); err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { _ = s.Close() })
			reportLoopback(b, s, e)
		})
	}
}

// reportLoopback sends requests to e in rounds of 200 ms from 4 workers
// per CPU and reports requests per second.
func reportLoopback(b *testing.B, s *bench.Server, e bench.Endpoint) {
	var requests int64
	var elapsed time.Duration
	for b.Loop() {
		res, err := s.Loopback(b.Context(), e, 0, 200*time.Millisecond)
		if err != nil || res.Failures > 0 {
			b.Fatal(res, err)
		}
		requests += res.Requests
		elapsed += res.Elapsed
	}
	b.ReportMetric(float64(requests)/elapsed.Seconds(), "req/s")
}

// BenchmarkGatewayStores serves the gateway middleware on three stores at
// once (in-memory, PostgreSQL, PostgreSQL behind store/cache) and sends
// each, in turn within every iteration, requests over loopback for 200 ms,
// so that the load of a shared machine falls on the three alike. It
// reports each store's requests per second and the two ratios of the
// targets. It needs PostgreSQL (PORTALOAUTH_TEST_POSTGRES):
//
//	go test -run '^$' -bench GatewayStores -benchtime 20x -count 3 ./internal/bench
func BenchmarkGatewayStores(b *testing.B) {
	dsn := pgtest.DSN(b)
	groups := []string{bench.GroupMemory, bench.GroupPostgres, bench.GroupPostgresCached}
	servers := make([]*bench.Server, len(groups))
	for i, g := range groups {
		s, stop, err := bench.StartGateway(b.Context(), g, dsn)
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(stop)
		// Warm up: every issued token used once.
		if _, err := s.Loopback(b.Context(), bench.EndpointGateway, 0, 200*time.Millisecond); err != nil {
			b.Fatal(err)
		}
		servers[i] = s
	}
	requests := make([]int64, len(groups))
	elapsed := make([]time.Duration, len(groups))
	for b.Loop() {
		for i, s := range servers {
			res, err := s.Loopback(b.Context(), bench.EndpointGateway, 0, 200*time.Millisecond)
			if err != nil || res.Failures > 0 {
				b.Fatal(groups[i], res, err)
			}
			requests[i] += res.Requests
			elapsed[i] += res.Elapsed
		}
	}
	rate := make([]float64, len(groups))
	for i, g := range groups {
		rate[i] = float64(requests[i]) / elapsed[i].Seconds()
		b.ReportMetric(rate[i], g+"-req/s")
	}
	b.ReportMetric(rate[2]/rate[1], "cached/uncached")
	b.ReportMetric(rate[0]/rate[2], "memory/cached")
}

// BenchmarkPropagation measures, with two cached nodes on separate pools,
// the time from a revocation call on one to the other's refusal of the
// token, over 1,000 revocations per iteration:
//
//	go test -run '^$' -bench Propagation -benchtime 1x -count 3 ./internal/bench
func BenchmarkPropagation(b *testing.B) {
	dsn := pgtest.DSN(b)
	var p bench.Propagation
	for b.Loop() {
		var err error
		if p, err = bench.MeasurePropagation(b.Context(), dsn, 1000); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(p.P50)/1e6, "p50-ms")
	b.ReportMetric(float64(p.P99)/1e6, "p99-ms")
	b.ReportMetric(float64(p.Max)/1e6, "max-ms")
}
