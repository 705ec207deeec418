package bench

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/portaloauth/portaloauth/internal/loadgen"
)

// Handler returns a benchmark of requests to e served in process, without
// a network: the handlers' own cost, to profile. Each iteration builds the
// request as net/http's server would hand it over and serves it.
func Handler(e Endpoint) func(*testing.B) {
	return func(b *testing.B) {
		s := newBenchServer(b)
		ctx := b.Context()
		w := newDiscardWriter()
		b.ReportAllocs()
		for b.Loop() {
			serveOnce(b, s, ctx, e, w)
		}
	}
}

// HandlerParallel is [Handler] with requests served from GOMAXPROCS
// goroutines at once, to show lock contention under `-cpu 1,2`.
func HandlerParallel(e Endpoint) func(*testing.B) {
	return func(b *testing.B) {
		s := newBenchServer(b)
		ctx := b.Context()
		b.ReportAllocs()
		b.ResetTimer() // RunParallel runs the whole function for each b.N: leave the setup out
		b.RunParallel(func(pb *testing.PB) {
			w := newDiscardWriter()
			for pb.Next() {
				serveOnce(b, s, ctx, e, w)
			}
		})
	}
}

func newBenchServer(b *testing.B) *Server {
	b.Helper()
	s, err := NewServer(b.Context())
	if err != nil {
		b.Fatal(err)
	}
	return s
}

// serveOnce serves one request to e and fails b unless it gets 200.
func serveOnce(b *testing.B, s *Server, ctx context.Context, e Endpoint, w *discardWriter) { //nolint:revive // b first, as in testing helpers
	req, err := s.Request(ctx, e, "")
	if err != nil {
		b.Fatal(err)
	}
	w.reset()
	s.Handler.ServeHTTP(w, req)
	if w.status != http.StatusOK {
		b.Fatalf("%v: status %d", e, w.status)
	}
}

// MaxLoopbackDuration bounds each loopback measurement.
const MaxLoopbackDuration = 30 * time.Second

// Loopback sends requests to e over loopback HTTP, from workers
// goroutines sharing one keep-alive http.Client, for d (at most
// MaxLoopbackDuration), and returns what was answered. The server must
// have been started.
func (s *Server) Loopback(ctx context.Context, e Endpoint, workers int, d time.Duration) (loadgen.Result, error) {
	return loadgen.Run(ctx, loadgen.Config{
		Workers:  workers,
		Duration: min(d, MaxLoopbackDuration),
		NewRequest: func(ctx context.Context) (*http.Request, error) {
			return s.Request(ctx, e, s.url)
		},
	})
}
