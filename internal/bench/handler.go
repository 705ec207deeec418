package bench

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/portaloauth/portaloauth/internal/loadgen"
)

// Handler returns a benchmark of requests to e served in process, without
// a network: the handlers' own cost, to profile. Each iteration hands the
// handler a request as net/http's server would hand it over, reset from
// the previous iteration's, so that the allocations reported are the
// handler's own (net/http's server allocates its request whatever the
// handler).
func Handler(e Endpoint) func(*testing.B) {
	return func(b *testing.B) {
		s := newBenchServer(b)
		src, err := s.newRequestSource(b.Context(), e)
		if err != nil {
			b.Fatal(err)
		}
		w := newDiscardWriter()
		b.ReportAllocs()
		for b.Loop() {
			w.reset()
			s.Handler.ServeHTTP(w, src.next())
			if w.status != http.StatusOK {
				b.Fatalf("%v: status %d", e, w.status)
			}
		}
	}
}

// requestSource hands out one request to an endpoint again and again,
// reset as net/http's server would build it afresh: body, header, form.
type requestSource struct {
	req    *http.Request
	body   *strings.Reader
	rc     io.ReadCloser
	bodies []string            // form bodies, in turn; nil: none
	auth   [][]string          // Authorization header values, in turn
	header map[string][]string // the other header fields
	i      int
}

func (s *Server) newRequestSource(ctx context.Context, e Endpoint) (*requestSource, error) {
	req, err := s.Request(ctx, e, "")
	if err != nil {
		return nil, err
	}
	src := &requestSource{req: req, body: strings.NewReader(""), header: map[string][]string{}}
	src.rc = io.NopCloser(src.body)
	for k, v := range req.Header {
		if k != "Authorization" {
			src.header[k] = v
		}
	}
	switch e {
	case EndpointToken:
		src.bodies = []string{tokenBody}
		src.auth = [][]string{{s.basicAuth}}
	case EndpointIntrospect:
		for _, t := range s.tokens {
			src.bodies = append(src.bodies, "token="+t)
		}
		src.auth = [][]string{{s.basicAuth}}
	default:
		for _, b := range s.bearers {
			src.auth = append(src.auth, []string{b})
		}
	}
	return src, nil
}

// next returns the request, reset for the next iteration.
func (src *requestSource) next() *http.Request {
	r := src.req
	src.i++
	clear(r.Header)
	for k, v := range src.header {
		r.Header[k] = v
	}
	r.Header["Authorization"] = src.auth[src.i%len(src.auth)]
	r.Form, r.PostForm, r.MultipartForm = nil, nil, nil
	if src.bodies != nil {
		body := src.bodies[src.i%len(src.bodies)]
		src.body.Reset(body)
		r.Body, r.ContentLength = src.rc, int64(len(body))
	}
	return r
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
