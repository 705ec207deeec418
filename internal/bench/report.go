package bench

import (
	"bufio"
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/portaloauth/portaloauth/internal/loadgen"
)

// Config configures [Run]. The zero value means the defaults.
type Config struct {
	// LoopbackDuration is how long each loopback case sends requests;
	// zero: 5 s. It is capped at MaxLoopbackDuration.
	LoopbackDuration time.Duration
	// Workers is how many requests each loopback case keeps in flight;
	// zero: 4 per GOMAXPROCS.
	Workers int
	// Sizes are the store sizes of the scaling cases; nil: ScaleSizes.
	Sizes []int
	// Count is how many times each in-process case runs; the report
	// keeps the run with the median time per operation. Zero: 5.
	Count int
	// Log receives a line as each case starts; nil: none.
	Log io.Writer

	// Rounds is how many interleaved rounds the side-by-side comparison
	// runs; zero: DefaultRounds.
	Rounds int
	// CompareDuration is how long each case of a round sends requests;
	// zero: DefaultCompareDuration.
	CompareDuration time.Duration
	// Peer is the directory of the peer's module (see [FindPeer]); empty:
	// the peer is not measured.
	Peer string
	// Postgres is the DSN of a PostgreSQL server to measure the store on,
	// in a schema created and dropped by the run; empty: not measured.
	Postgres string
	// Spawn, if set, returns a command serving what it is given (see
	// [Serve]): the comparison then runs the ceiling and portaloauth's
	// servers each in a process of its own, as the peer runs. Nil: they
	// run in this process.
	Spawn func(ServeConfig) *exec.Cmd
	// SkipCompare leaves the side-by-side comparison out.
	SkipCompare bool
	// Revocations is how many revocations the propagation case (two
	// nodes behind store/cache on Postgres) measures; zero: 1,000.
	Revocations int
}

// DefaultLoopbackDuration is the loopback cases' duration when
// Config.LoopbackDuration is zero.
const DefaultLoopbackDuration = 5 * time.Second

// Measurement is the result of one in-process case.
type Measurement struct {
	Name        string
	N           int
	NsPerOp     float64
	AllocsPerOp int64
	BytesPerOp  int64
	Extra       map[string]float64 // custom metrics, such as B/client
}

// RedirectRow compares the two matchers on one case.
type RedirectRow struct {
	Case           RedirectCase
	Ours, Baseline Measurement
}

// LoopbackRow is one endpoint measured over loopback HTTP.
type LoopbackRow struct {
	Endpoint Endpoint
	Result   loadgen.Result
}

// ScaleRow is the scaling cases at one store size.
type ScaleRow struct {
	Size                             int
	AuthHot, AuthUniform             Measurement
	IntrospectHot, IntrospectUniform Measurement
	HeapPerClient, HeapPerToken      float64 // bytes
}

// Machine describes where a report was measured.
type Machine struct {
	CPU        string // the model name in /proc/cpuinfo
	Cores      int    // runtime.NumCPU
	GOMAXPROCS int
	GoVersion  string
	OS, Arch   string
	LoadBefore string // /proc/loadavg's 1, 5 and 15 minute averages at the start
	LoadAfter  string // and at the end
}

// Report is the outcome of [Run].
type Report struct {
	Count     int    // runs of each in-process case, of which the median is kept
	BenchTime string // the -test.benchtime of each run
	Started   time.Time
	Elapsed   time.Duration
	Machine   Machine
	Auth      []Measurement // in the order of StoredHashes
	Redirect  []RedirectRow
	Loopback  []LoopbackRow
	Scale     []ScaleRow
	// Propagate is revocation propagation between two cached nodes on
	// Config.Postgres; nil: not measured.
	Propagate *Propagation
	// Handlers are the token, introspection and gateway handlers served in
	// process, in that order: their allocations per request.
	Handlers []Measurement
	// Compare is the side-by-side comparison over loopback HTTP: the
	// ceiling, the peer, portaloauth in memory and on PostgreSQL.
	Compare []CompareRow
	// Commit is token issuance on PostgreSQL with 8 and 64 clients, with
	// the store set up as filed, with a commit per token, with grouped
	// commits, and as the examples set it up now.
	Commit []CommitRow
	// Rounds and CompareDuration are the comparison's settings.
	Rounds          int
	CompareDuration time.Duration
}

// Run measures every case, one after the other, in this process.
func Run(ctx context.Context, cfg Config) (*Report, error) {
	d := cfg.LoopbackDuration
	if d <= 0 {
		d = DefaultLoopbackDuration
	}
	d = min(d, MaxLoopbackDuration)
	sizes := cfg.Sizes
	if sizes == nil {
		sizes = ScaleSizes
	}
	logf := func(format string, args ...any) {
		if cfg.Log != nil {
			_, _ = fmt.Fprintf(cfg.Log, format+"\n", args...)
		}
	}
	count := cfg.Count
	if count <= 0 {
		count = 5
	}
	measure := func(name string, f func(*testing.B)) (Measurement, error) { return measureMedian(name, f, count) }
	r := &Report{Started: time.Now(), Machine: machine(), Count: count, BenchTime: "1s"}
	if f := flag.Lookup("test.benchtime"); f != nil {
		r.BenchTime = f.Value.String()
	}

	for _, h := range StoredHashes {
		logf("authenticate, %s", h)
		m, err := measure("Authenticate/"+string(h), Authenticate(h))
		if err != nil {
			return nil, err
		}
		r.Auth = append(r.Auth, m)
	}
	for _, c := range RedirectCases {
		logf("redirect match, %s", c.Name)
		ours, err1 := measure("Match/ours/"+c.Name, Match(OurMatch, c))
		base, err2 := measure("Match/url.Parse/"+c.Name, Match(URLParseMatch, c))
		if err := errors.Join(err1, err2); err != nil {
			return nil, err
		}
		r.Redirect = append(r.Redirect, RedirectRow{Case: c, Ours: ours, Baseline: base})
	}
	if err := r.runLoopback(ctx, cfg.Workers, d, logf); err != nil {
		return nil, err
	}
	for _, e := range []Endpoint{EndpointToken, EndpointIntrospect, EndpointGateway} {
		logf("handler in process, %v", e)
		m, err := measure("Handler/"+e.Name(), Handler(e))
		if err != nil {
			return nil, err
		}
		r.Handlers = append(r.Handlers, m)
	}
	if !cfg.SkipCompare {
		r.Rounds, r.CompareDuration = cmp.Or(cfg.Rounds, DefaultRounds), min(cmp.Or(cfg.CompareDuration, DefaultCompareDuration), MaxLoopbackDuration)
		if err := r.runCompare(ctx, cfg, logf); err != nil {
			return nil, err
		}
	}
	if cfg.Postgres != "" {
		n := cmp.Or(cfg.Revocations, 1000)
		logf("propagation of %d revocations between two cached nodes", n)
		p, err := MeasurePropagation(ctx, cfg.Postgres, n)
		if err != nil {
			return nil, err
		}
		r.Propagate = &p
	}
	for _, n := range sizes {
		row, err := measureScale(ctx, n, measure, logf)
		if err != nil {
			return nil, err
		}
		r.Scale = append(r.Scale, row)
	}
	r.Machine.LoadAfter = loadAverage()
	r.Elapsed = time.Since(r.Started)
	return r, nil
}

func (r *Report) runLoopback(ctx context.Context, workers int, d time.Duration, logf func(string, ...any)) error {
	s, err := NewServer(ctx)
	if err != nil {
		return err
	}
	if err := s.Start(); err != nil {
		return err
	}
	defer func() { _ = s.Close() }()
	for _, e := range []Endpoint{EndpointToken, EndpointIntrospect, EndpointGateway} {
		logf("loopback, %v, %v", e, d)
		res, err := s.Loopback(ctx, e, workers, d)
		if err != nil {
			return fmt.Errorf("bench: loopback %v: %w", e, err)
		}
		r.Loopback = append(r.Loopback, LoopbackRow{Endpoint: e, Result: res})
	}
	return nil
}

// measureScale measures authentication among n clients, then, once their
// store is gone, introspection among n tokens, each with both picks.
func measureScale(ctx context.Context, n int, measure measureFunc, logf func(string, ...any)) (ScaleRow, error) {
	row := ScaleRow{Size: n}
	logf("scaling, %d clients", n)
	if err := row.measureClients(ctx, n, measure); err != nil {
		return row, err
	}
	runtime.GC()
	logf("scaling, %d tokens", n)
	return row, row.measureTokens(ctx, n, measure)
}

// measureFunc measures one in-process case.
type measureFunc func(name string, f func(*testing.B)) (Measurement, error)

func (row *ScaleRow) measureClients(ctx context.Context, n int, measure measureFunc) error {
	set, err := NewClientSet(ctx, n)
	if err != nil {
		return err
	}
	row.HeapPerClient = set.HeapPerClient
	name := fmt.Sprintf("ScaleAuthenticate/clients=%d/", n)
	var errHot, errUniform error
	row.AuthHot, errHot = measure(name+PickHot.String(), set.Authenticate(PickHot, false))
	row.AuthUniform, errUniform = measure(name+PickUniform.String(), set.Authenticate(PickUniform, false))
	return errors.Join(errHot, errUniform)
}

func (row *ScaleRow) measureTokens(ctx context.Context, n int, measure measureFunc) error {
	set, err := NewTokenSet(ctx, n)
	if err != nil {
		return err
	}
	row.HeapPerToken = set.HeapPerToken
	name := fmt.Sprintf("ScaleIntrospect/tokens=%d/", n)
	var errHot, errUniform error
	row.IntrospectHot, errHot = measure(name+PickHot.String(), set.Introspect(PickHot, false))
	row.IntrospectUniform, errUniform = measure(name+PickUniform.String(), set.Introspect(PickUniform, false))
	return errors.Join(errHot, errUniform)
}

// measureMedian runs f count times with testing.Benchmark and returns the
// run with the median time per operation. A case that fails reports no
// iterations; go test -bench on it prints why.
func measureMedian(name string, f func(*testing.B), count int) (Measurement, error) {
	runs := make([]Measurement, 0, count)
	for range count {
		res := testing.Benchmark(f)
		if res.N == 0 {
			return Measurement{}, fmt.Errorf("bench: %s failed; see go test -run '^$' -bench 'Benchmark%s$' ./bench", name, name)
		}
		runs = append(runs, Measurement{
			Name: name, N: res.N, NsPerOp: float64(res.T.Nanoseconds()) / float64(res.N),
			AllocsPerOp: res.AllocsPerOp(), BytesPerOp: res.AllocedBytesPerOp(), Extra: res.Extra,
		})
		runtime.GC() // leave the next run the heap this one found
	}
	slices.SortFunc(runs, func(a, b Measurement) int { return cmp.Compare(a.NsPerOp, b.NsPerOp) })
	return runs[len(runs)/2], nil
}

func machine() Machine {
	return Machine{
		CPU: cpuModel(), Cores: runtime.NumCPU(), GOMAXPROCS: runtime.GOMAXPROCS(0),
		GoVersion: runtime.Version(), OS: runtime.GOOS, Arch: runtime.GOARCH, LoadBefore: loadAverage(),
	}
}

// cpuModel returns the first "model name" of /proc/cpuinfo, or "unknown".
func cpuModel() string {
	f, err := os.Open("/proc/cpuinfo")
	if err != nil {
		return "unknown"
	}
	defer func() { _ = f.Close() }()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "unknown"
}

// loadAverage returns the 1, 5 and 15 minute load averages, or "unknown".
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}
