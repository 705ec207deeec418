package bench

import (
	"bufio"
	"cmp"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/portaloauth/portaloauth/internal/loadgen"
	"github.com/portaloauth/portaloauth/oauthclient"
	"github.com/portaloauth/portaloauth/portal"
	"github.com/portaloauth/portaloauth/portal/throttle"
	"github.com/portaloauth/portaloauth/store/cache"
	"github.com/portaloauth/portaloauth/store/postgres"
)

// Side by side: the ceiling, the peer and portaloauth, measured with one
// load generator in interleaved rounds.

// Defaults of the side-by-side comparison.
const (
	// DefaultRounds is how many interleaved rounds the comparison runs
	// when Config.Rounds is zero; each case's median round is reported.
	DefaultRounds = 3
	// DefaultCompareDuration is how long each case of a round sends
	// requests when Config.CompareDuration is zero.
	DefaultCompareDuration = 2 * time.Second
	// PeerDir is where the peer's module lives, from the repository root.
	PeerDir = "internal/peer"
	// postgresConns is the pool size of the PostgreSQL cases.
	postgresConns = 16
)

// Groups of comparison rows.
const (
	GroupCeiling  = "ceiling"
	GroupPeer     = "peer"
	GroupMemory   = "memory"
	GroupPostgres = "postgres"
	// GroupPostgresCached is PostgreSQL behind store/cache.
	GroupPostgresCached = "postgres+cache"
)

// CompareRow is one case of the side-by-side comparison: its figures in
// each round.
type CompareRow struct {
	Group    string   // GroupCeiling, GroupPeer, GroupMemory, GroupPostgres or GroupPostgresCached
	Endpoint Endpoint // what portaloauth's rows and the peer's serve; EndpointToken for the ceiling
	Label    string
	Rounds   []loadgen.Result
}

// Median returns the round with the median requests per second.
func (r CompareRow) Median() loadgen.Result {
	if len(r.Rounds) == 0 {
		return loadgen.Result{}
	}
	rs := slices.Clone(r.Rounds)
	slices.SortFunc(rs, func(a, b loadgen.Result) int { return cmp.Compare(a.PerSecond(), b.PerSecond()) })
	return rs[len(rs)/2]
}

// Failures sums the failures of every round.
func (r CompareRow) Failures() int64 {
	var n int64
	for _, res := range r.Rounds {
		n += res.Failures
	}
	return n
}

// CommitRow is token issuance on PostgreSQL with some concurrent clients,
// with the store set up as one of the PostgreSQL Serve kinds: token
// requests over loopback HTTP, or CreateToken calls on the store.
type CommitRow struct {
	Workers int
	Setup   string // ServePostgres, ServePostgresSingle, ServePostgresCached or ServePostgresAsFiled
	Store   bool   // CreateToken calls rather than token requests
	Rounds  []loadgen.Result
}

// commitSetups are the setups whose token endpoints the PostgreSQL token
// issuance table compares, in its order.
var commitSetups = []string{ServePostgresAsFiled, ServePostgresSingle, ServePostgres, ServePostgresCached}

// Median returns the round with the median requests per second.
func (r CommitRow) Median() loadgen.Result {
	return CompareRow{Rounds: r.Rounds}.Median()
}

// loadCase is one thing the comparison sends requests to, or calls.
type loadCase struct {
	workers int
	req     func(ctx context.Context) (*http.Request, error)
	call    func(ctx context.Context) error // instead of req: a call in process
	round   func(loadgen.Result)            // records a round's result
}

// runCalls makes calls from workers goroutines for d and measures them as
// loadgen.Run measures requests.
func runCalls(ctx context.Context, workers int, d time.Duration, call func(context.Context) error) (loadgen.Result, error) {
	var mu sync.Mutex
	var lat []time.Duration
	var failed atomic.Int64
	var firstErr error
	start := time.Now()
	deadline := start.Add(d) // bounds when calls start; a call in flight then is waited for
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			var mine []time.Duration
			for first := true; ctx.Err() == nil && (first || time.Now().Before(deadline)); first = false {
				t := time.Now()
				if err := call(ctx); err != nil {
					if ctx.Err() == nil {
						failed.Add(1)
						mu.Lock()
						firstErr = cmp.Or(firstErr, err)
						mu.Unlock()
					}
					continue
				}
				mine = append(mine, time.Since(t))
			}
			mu.Lock()
			lat = append(lat, mine...)
			mu.Unlock()
		})
	}
	wg.Wait()
	res := loadgen.Result{Requests: int64(len(lat)), Failures: failed.Load(), Elapsed: time.Since(start), Workers: workers}
	if n := len(lat); n > 0 {
		slices.Sort(lat)
		res.P50, res.P99 = lat[n/2], lat[n*99/100]
	} else {
		return res, errors.Join(errors.New("bench: no call succeeded"), firstErr)
	}
	return res, nil
}

// runCompare measures the ceiling, the peer and portaloauth in memory and
// on PostgreSQL, in cfg.Rounds interleaved rounds.
func (r *Report) runCompare(ctx context.Context, cfg Config, logf func(string, ...any)) error {
	rounds, d := cfg.Rounds, cfg.CompareDuration
	if rounds <= 0 {
		rounds = DefaultRounds
	}
	if d <= 0 {
		d = DefaultCompareDuration
	}
	d = min(d, MaxLoopbackDuration)
	workers := cfg.Workers
	var cases []loadCase

	ours, err := NewServer(ctx)
	if err != nil {
		return err
	}
	if err := ours.Start(); err != nil {
		return err
	}
	defer func() { _ = ours.Close() }()

	// The ceiling answers as much JSON as our token endpoint does.
	respBody, err := ours.tokenResponse(ctx)
	if err != nil {
		return err
	}
	var ceilingURL string
	if cfg.Spawn != nil {
		p, err := startProcess(cfg.Spawn(ServeConfig{Kind: ServeCeiling, CeilingSize: len(respBody)}), "the ceiling")
		if err != nil {
			return err
		}
		defer p.close()
		ceilingURL = p.url
	} else {
		ceiling, err := startCeiling(len(respBody))
		if err != nil {
			return err
		}
		defer func() { _ = ceiling.Close() }()
		ceilingURL = "http://" + ceiling.Addr
	}
	r.Compare = append(r.Compare, CompareRow{Group: GroupCeiling, Endpoint: EndpointToken,
		Label: fmt.Sprintf("bare net/http: parse the form, write %d bytes of JSON", len(respBody))})
	basic := ours.basicAuth
	rowAt := func(i int) *CompareRow { return &r.Compare[i] }
	ci := len(r.Compare) - 1
	cases = append(cases, loadCase{workers: workers, round: func(res loadgen.Result) {
		rowAt(ci).Rounds = append(rowAt(ci).Rounds, res)
	}, req: func(ctx context.Context) (*http.Request, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, ceilingURL+"/token", strings.NewReader(tokenBody))
		if err == nil {
			req.Header["Content-Type"] = []string{mediaForm}
			req.Header["Authorization"] = []string{basic}
		}
		return req, err
	}})

	if cfg.Peer != "" {
		p, err := startPeer(ctx, cfg.Peer)
		if err != nil {
			return err
		}
		defer p.close()
		if err := p.issue(ctx, tokenPool); err != nil {
			return err
		}
		i := len(r.Compare)
		r.Compare = append(r.Compare,
			CompareRow{Group: GroupPeer, Endpoint: EndpointToken, Label: "go-oauth2/oauth2 v4: token (client_credentials)"},
			CompareRow{Group: GroupPeer, Endpoint: EndpointIntrospect, Label: "go-oauth2/oauth2 v4: bearer validation"})
		cases = append(cases,
			loadCase{workers: workers, req: p.tokenRequest, round: func(res loadgen.Result) {
				rowAt(i).Rounds = append(rowAt(i).Rounds, res)
			}},
			loadCase{workers: workers, req: p.validateRequest, round: func(res loadgen.Result) {
				rowAt(i + 1).Rounds = append(rowAt(i+1).Rounds, res)
			}})
	}

	endpoints := []Endpoint{EndpointToken, EndpointIntrospect, EndpointGateway}
	addOurs := func(group string, s *Server) {
		for _, e := range endpoints {
			i := len(r.Compare)
			r.Compare = append(r.Compare, CompareRow{Group: group, Endpoint: e, Label: "portaloauth, " + groupLabel(group) + ": " + e.String()})
			cases = append(cases, loadCase{workers: workers, round: func(res loadgen.Result) {
				rowAt(i).Rounds = append(rowAt(i).Rounds, res)
			}, req: func(ctx context.Context) (*http.Request, error) { return s.Request(ctx, e, s.url) }})
		}
	}
	// server returns the fixture of kind: in a process of its own if
	// cfg.Spawn is set, else in this one.
	var closers []func()
	defer func() {
		for _, c := range closers {
			c()
		}
	}()
	server := func(kind string) (*Server, error) {
		if cfg.Spawn != nil {
			p, err := startProcess(cfg.Spawn(ServeConfig{Kind: kind, Postgres: cfg.Postgres}), "the "+kind+" server")
			if err != nil {
				return nil, err
			}
			closers = append(closers, p.close)
			return p.fixture()
		}
		if kind == ServeMemory {
			return ours, nil
		}
		p, err := startPostgresKind(ctx, cfg.Postgres, kind)
		if err != nil {
			return nil, err
		}
		closers = append(closers, p.close)
		return p.Server, nil
	}
	mem, err := server(ServeMemory)
	if err != nil {
		return err
	}
	addOurs(GroupMemory, mem)

	if cfg.Postgres != "" {
		grouped, err := server(ServePostgres)
		if err != nil {
			return err
		}
		addOurs(GroupPostgres, grouped)
		cached, err := server(ServePostgresCached)
		if err != nil {
			return err
		}
		addOurs(GroupPostgresCached, cached)
		single, err := server(ServePostgresSingle)
		if err != nil {
			return err
		}
		asFiled, err := server(ServePostgresAsFiled)
		if err != nil {
			return err
		}
		setups := map[string]*Server{ServePostgresSingle: single, ServePostgres: grouped,
			ServePostgresAsFiled: asFiled, ServePostgresCached: cached}
		for _, w := range []int{8, 64} {
			for _, setup := range commitSetups {
				s := setups[setup]
				i := len(r.Commit)
				r.Commit = append(r.Commit, CommitRow{Workers: w, Setup: setup})
				cases = append(cases, loadCase{workers: w, round: func(res loadgen.Result) {
					r.Commit[i].Rounds = append(r.Commit[i].Rounds, res)
				}, req: func(ctx context.Context) (*http.Request, error) { return s.Request(ctx, EndpointToken, s.url) }})
			}
		}

		// CreateToken on the store itself, in this process.
		groupedStore, err := startPostgresKind(ctx, cfg.Postgres, ServePostgres)
		if err != nil {
			return err
		}
		defer groupedStore.close()
		singleStore, err := startPostgresKind(ctx, cfg.Postgres, ServePostgresSingle)
		if err != nil {
			return err
		}
		defer singleStore.close()
		for _, w := range []int{8, 64} {
			for _, s := range []*pgServer{singleStore, groupedStore} {
				i := len(r.Commit)
				setup := ServePostgresSingle
				if s == groupedStore {
					setup = ServePostgres
				}
				r.Commit = append(r.Commit, CommitRow{Workers: w, Setup: setup, Store: true})
				cases = append(cases, loadCase{workers: w, round: func(res loadgen.Result) {
					r.Commit[i].Rounds = append(r.Commit[i].Rounds, res)
				}, call: s.createToken})
			}
		}
	}

	for round := range rounds {
		logf("side by side, round %d of %d: %d cases of %v", round+1, rounds, len(cases), d)
		for _, c := range cases {
			var res loadgen.Result
			var err error
			if c.call != nil {
				res, err = runCalls(ctx, c.workers, d, c.call)
			} else {
				res, err = loadgen.Run(ctx, loadgen.Config{Workers: c.workers, Duration: d, NewRequest: c.req})
			}
			if err != nil {
				return fmt.Errorf("bench: side by side: %w", err)
			}
			c.round(res)
		}
	}
	return nil
}

func groupLabel(g string) string {
	switch g {
	case GroupPostgres:
		return "PostgreSQL"
	case GroupPostgresCached:
		return "PostgreSQL + store/cache"
	}
	return "in memory"
}

// ceilingServer is the bare net/http server.
type ceilingServer struct {
	*http.Server
}

// startCeiling serves, on a 127.0.0.1 port, a handler that does what
// any token endpoint must do and nothing else: parse the form, read the
// Basic credentials, and write a JSON body of n bytes with the headers a
// token response carries (RFC 6749 §5.1).
func startCeiling(n int) (*ceilingServer, error) {
	const head, tail = `{"access_token":"`, `","token_type":"Bearer","expires_in":3600,"scope":"read"}`
	body := []byte(head + strings.Repeat("x", max(n-len(head)-len(tail), 0)) + tail)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil || r.PostForm.Get("grant_type") != "client_credentials" {
			http.Error(w, `{"error":"invalid_request"}`, http.StatusBadRequest)
			return
		}
		if _, _, ok := r.BasicAuth(); !ok {
			http.Error(w, `{"error":"invalid_client"}`, http.StatusUnauthorized)
			return
		}
		hd := w.Header()
		hd["Content-Type"] = []string{"application/json"}
		hd["Cache-Control"] = []string{"no-store"}
		hd["Pragma"] = []string{"no-cache"}
		_, _ = w.Write(body)
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := &http.Server{Addr: ln.Addr().String(), Handler: h, ReadHeaderTimeout: 10 * time.Second,
		ErrorLog: slog.NewLogLogger(slog.DiscardHandler, slog.LevelError)}
	go func() { _ = s.Serve(ln) }()
	return &ceilingServer{s}, nil
}

// pgServer is the fixture on PostgreSQL, in a schema of its own.
type pgServer struct {
	*Server
	store   *postgres.Store
	cache   *cache.Store // nil: uncached
	dsn     string
	schema  string
	dropped bool
}

// startPostgresKind starts the fixture on PostgreSQL set up as kind, one
// of the PostgreSQL Serve kinds.
func startPostgresKind(ctx context.Context, dsn, kind string) (*pgServer, error) {
	var c postgres.Config
	conns := postgresConns
	switch kind {
	case ServePostgres:
	case ServePostgresCached: // as the examples set it up
		conns = 0
	case ServePostgresSingle:
		c.TokenBatch = 1
	case ServePostgresAsFiled:
		c.TokenBatch, conns = 1, 0
	default:
		return nil, fmt.Errorf("bench: no PostgreSQL setup called %q", kind)
	}
	return startPostgresServer(ctx, dsn, c, conns, kind == ServePostgresCached)
}

// startPostgresServer creates a schema on the server at dsn, builds the
// fixture on it with the store's config c and a pool of conns connections
// (0: pgx's default), and serves it. If cached, the fixture is behind
// store/cache, and its token endpoint counts failed client
// authentications in the database through the cache, as the examples
// set it up; else in memory.
func startPostgresServer(ctx context.Context, dsn string, c postgres.Config, conns int, cached bool) (*pgServer, error) {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	p := &pgServer{dsn: dsn, schema: "bench_" + hex.EncodeToString(b)}
	if err := pgExec(ctx, dsn, "CREATE SCHEMA "+p.schema); err != nil {
		return nil, fmt.Errorf("bench: PostgreSQL: %w", err)
	}
	sep := "?"
	if strings.Contains(dsn, "?") {
		sep = "&"
	}
	params := sep + "search_path=" + p.schema
	if conns > 0 {
		params += "&pool_max_conns=" + strconv.Itoa(conns)
	}
	st, err := postgres.OpenWithConfig(ctx, dsn+params, c)
	if err != nil {
		p.close()
		return nil, err
	}
	p.store = st
	if err := st.Migrate(ctx); err != nil {
		p.close()
		return nil, err
	}
	var served portal.Store = st
	var throttles throttle.Store // in memory, except as the examples set it up
	if cached {
		p.cache = cache.New(st, cache.Options{})
		readyCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
		err := p.cache.Ready(readyCtx)
		cancel()
		if err != nil {
			p.close()
			return nil, err
		}
		served = p.cache
		throttles = p.cache.Throttles(st.Throttles())
	}
	if p.Server, err = NewServerOn(ctx, served, throttles); err != nil {
		p.close()
		return nil, err
	}
	if err := p.Start(); err != nil {
		p.close()
		return nil, err
	}
	return p, nil
}

// createToken stores a new access token of the fixture's client.
func (p *pgServer) createToken(ctx context.Context) error {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	now := time.Now()
	return p.store.CreateToken(ctx, &oauthclient.Token{Hash: hex.EncodeToString(b), Kind: oauthclient.KindAccessToken,
		ClientID: p.ClientID, PolicyID: "gold", Scope: "read", IssuedAt: now, ExpiresAt: now.Add(time.Hour)})
}

func (p *pgServer) close() {
	if p.Server != nil {
		_ = p.Close()
	}
	if p.cache != nil {
		p.cache.Close()
	}
	if p.store != nil {
		p.store.Close()
	}
	if !p.dropped {
		p.dropped = true
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_ = pgExec(ctx, p.dsn, "DROP SCHEMA "+p.schema+" CASCADE")
	}
}

func pgExec(ctx context.Context, dsn, sql string) error {
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return err
	}
	defer func() { _ = conn.Close(ctx) }()
	_, err = conn.Exec(ctx, sql)
	return err
}

// The peer's one client.
const (
	peerClientID     = "peer-client"
	peerClientSecret = "peer-secret"
)

// peerProcess is the peer, built from its module and running.
type peerProcess struct {
	cmd     *exec.Cmd
	stdin   io.WriteCloser
	dir     string // the binary's temporary directory
	url     string
	basic   string
	bearers []string
	next    atomic.Uint64
}

// FindPeer returns the directory of the peer's module: PeerDir under the
// root of the main module the go command finds from the working
// directory.
func FindPeer() (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("bench: go env GOMOD: %w", err)
	}
	gomod := strings.TrimSpace(string(out))
	if gomod == "" || gomod == os.DevNull {
		return "", errors.New("bench: not inside the portaloauth module: run the report from the repository")
	}
	dir := filepath.Join(filepath.Dir(gomod), filepath.FromSlash(PeerDir))
	if _, err := os.Stat(filepath.Join(dir, "go.mod")); err != nil {
		return "", fmt.Errorf("bench: the peer's module: %w", err)
	}
	return dir, nil
}

// startPeer builds the peer's module in dir and starts it on a 127.0.0.1
// port. The peer stops when its standard input closes, so it ends with
// this process even if close is never called.
func startPeer(ctx context.Context, dir string) (*peerProcess, error) {
	tmp, err := os.MkdirTemp("", "portaloauth-peer-")
	if err != nil {
		return nil, err
	}
	p := &peerProcess{dir: tmp,
		basic: "Basic " + base64.StdEncoding.EncodeToString([]byte(peerClientID+":"+peerClientSecret))}
	bin := filepath.Join(tmp, "peer")
	build := exec.CommandContext(ctx, "go", "build", "-o", bin, ".")
	build.Dir = dir
	if out, err := build.CombinedOutput(); err != nil {
		_ = os.RemoveAll(tmp)
		return nil, fmt.Errorf("bench: building the peer in %s: %w\n%s", dir, err, out)
	}
	p.cmd = exec.Command(bin, "-addr", "127.0.0.1:0", "-client-id", peerClientID, "-client-secret", peerClientSecret) //nolint:gosec // our own build
	p.cmd.Stderr = os.Stderr
	if p.stdin, err = p.cmd.StdinPipe(); err != nil {
		_ = os.RemoveAll(tmp)
		return nil, err
	}
	stdout, err := p.cmd.StdoutPipe()
	if err != nil {
		_ = os.RemoveAll(tmp)
		return nil, err
	}
	if err := p.cmd.Start(); err != nil {
		_ = os.RemoveAll(tmp)
		return nil, fmt.Errorf("bench: starting the peer: %w", err)
	}
	line := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		if sc.Scan() {
			line <- sc.Text()
		}
		close(line)
		_, _ = io.Copy(io.Discard, stdout)
	}()
	select {
	case l, ok := <-line:
		url, found := strings.CutPrefix(l, "listening on ")
		if !ok || !found {
			p.close()
			return nil, fmt.Errorf("bench: the peer said %q instead of where it listens", l)
		}
		p.url = url
	case <-time.After(30 * time.Second):
		p.close()
		return nil, errors.New("bench: the peer did not start within 30 s")
	}
	return p, nil
}

// close stops the peer and removes its binary.
func (p *peerProcess) close() {
	stopProcess(p.stdin, p.cmd)
	_ = os.RemoveAll(p.dir)
}

func (p *peerProcess) tokenRequest(ctx context.Context) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.url+"/token", strings.NewReader(tokenBody))
	if err == nil {
		req.Header["Content-Type"] = []string{mediaForm}
		req.Header["Authorization"] = []string{p.basic}
	}
	return req, err
}

func (p *peerProcess) validateRequest(ctx context.Context) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, p.url+"/validate", nil)
	if err == nil {
		req.Header["Authorization"] = []string{p.bearers[p.next.Add(1)%uint64(len(p.bearers))]}
	}
	return req, err
}

// issue gets n access tokens from the peer for the validation requests.
func (p *peerProcess) issue(ctx context.Context, n int) error {
	for range n {
		req, err := p.tokenRequest(ctx)
		if err != nil {
			return err
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return fmt.Errorf("bench: the peer's token endpoint: %w", err)
		}
		var body struct {
			AccessToken string `json:"access_token"`
		}
		err = json.NewDecoder(resp.Body).Decode(&body)
		_ = resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK || body.AccessToken == "" {
			return fmt.Errorf("bench: the peer's token endpoint answered %d: %v", resp.StatusCode, err)
		}
		p.bearers = append(p.bearers, "Bearer "+body.AccessToken)
	}
	return nil
}
