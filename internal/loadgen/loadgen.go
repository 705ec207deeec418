// Package loadgen is a small load generator that measures requests per
// second against a real HTTP server over loopback: [Run] sends requests
// from a fixed number of workers for a fixed time and counts the answers.
// The benchmark report and the end-to-end benchmarks use it.
package loadgen

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// Config configures Run. NewRequest is required; a zero value
// in any other field means its documented default.
type Config struct {
	// NewRequest returns the next request to send; it is called
	// concurrently, once per request, with the measurement's context.
	NewRequest func(ctx context.Context) (*http.Request, error)
	// Client sends the requests; nil: a client whose transport keeps one
	// idle connection per worker alive.
	Client *http.Client
	// Workers is how many requests are in flight at once; 0: 4 per
	// GOMAXPROCS.
	Workers int
	// Duration is how long to send requests; 0: one second.
	Duration time.Duration
	// WantStatus is the status a request must get to count as a success;
	// 0: 200.
	WantStatus int
}

// Result is what Run measured.
type Result struct {
	Requests int64         // requests answered with WantStatus
	Failures int64         // requests answered otherwise, or failed
	Elapsed  time.Duration // wall time from the first request to the last answer
	Workers  int
	// P50 and P99 are the median and 99th percentile time from sending a
	// request to having read its whole answer, over the successful ones.
	P50, P99 time.Duration
}

// PerSecond returns successful requests per second.
func (r Result) PerSecond() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.Requests) / r.Elapsed.Seconds()
}

// String summarises the result in one line.
func (r Result) String() string {
	return fmt.Sprintf("%d requests in %v with %d workers: %.0f req/s, %d failures",
		r.Requests, r.Elapsed.Round(time.Millisecond), r.Workers, r.PerSecond(), r.Failures)
}

// Run sends requests from cfg.Workers goroutines for cfg.Duration (or
// until ctx ends) and counts the answers; each response body is read to
// the end so that connections are reused. The duration bounds when
// requests start, not when they end: a request in flight when it passes
// is answered and counted, so every worker completes at least one request
// however loaded the machine is. It returns an error only for a
// bad config or when no request succeeded; the first failure, if any, is
// joined to that error.
func Run(ctx context.Context, cfg Config) (Result, error) {
	if cfg.NewRequest == nil {
		return Result{}, errors.New("loadgen: Config.NewRequest is required")
	}
	workers := cfg.Workers
	if workers <= 0 {
		workers = 4 * runtime.GOMAXPROCS(0)
	}
	duration := cfg.Duration
	if duration <= 0 {
		duration = time.Second
	}
	want := cfg.WantStatus
	if want == 0 {
		want = http.StatusOK
	}
	client := cfg.Client
	if client == nil {
		transport := &http.Transport{MaxIdleConns: workers, MaxIdleConnsPerHost: workers, DisableCompression: true}
		defer transport.CloseIdleConnections()
		client = &http.Client{Transport: transport}
	}

	var ok, failed atomic.Int64
	var firstErr error
	var once sync.Once
	fail := func(err error) {
		failed.Add(1)
		once.Do(func() { firstErr = err })
	}
	start := time.Now()
	deadline := start.Add(duration)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var latencies []time.Duration
	for range workers {
		wg.Go(func() {
			var mine []time.Duration
			defer func() {
				mu.Lock()
				latencies = append(latencies, mine...)
				mu.Unlock()
			}()
			// Every worker sends its first request whatever the time: on
			// a loaded machine a worker may first run after the deadline.
			for first := true; ctx.Err() == nil && (first || time.Now().Before(deadline)); first = false {
				sent := time.Now()
				req, err := cfg.NewRequest(ctx)
				if err != nil {
					fail(err)
					continue
				}
				resp, err := client.Do(req)
				if err != nil {
					if ctx.Err() == nil {
						fail(err)
					}
					continue
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				_ = resp.Body.Close()
				if resp.StatusCode == want {
					ok.Add(1)
					mine = append(mine, time.Since(sent))
				} else {
					fail(fmt.Errorf("loadgen: got status %d, want %d", resp.StatusCode, want))
				}
			}
		})
	}
	wg.Wait()
	res := Result{Requests: ok.Load(), Failures: failed.Load(), Elapsed: time.Since(start), Workers: workers}
	if n := len(latencies); n > 0 {
		slices.Sort(latencies)
		res.P50, res.P99 = latencies[n/2], latencies[n*99/100]
	}
	if res.Requests == 0 {
		return res, errors.Join(errors.New("loadgen: no request succeeded"), firstErr)
	}
	return res, nil
}
