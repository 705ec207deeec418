package cache_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portaloauth/portaloauth/catalogue"
	"github.com/portaloauth/portaloauth/internal/pgtest"
	"github.com/portaloauth/portaloauth/oauthclient"
	"github.com/portaloauth/portaloauth/portal"
	"github.com/portaloauth/portaloauth/portal/throttle"
	"github.com/portaloauth/portaloauth/store/cache"
	"github.com/portaloauth/portaloauth/store/postgres"
	"github.com/portaloauth/portaloauth/storetest"
)

// node is one cached store on a pool of its own, as a node of a fleet has.
type node struct {
	*cache.Store
	pg      *postgres.Store
	pool    *pgxpool.Pool
	appName string // the pool's application_name; the listener's is this + " listener"
}

// newNode returns a node on the schema, its cache listening, and applies
// the migrations. hook, if not nil, is called after each announced change
// is applied.
func newNode(tb testing.TB, dsn, schema, name string, opts cache.Options, hook func(portal.Change)) *node {
	tb.Helper()
	cfg, err := pgxpool.ParseConfig(dsn)
	require.NoError(tb, err)
	cfg.MaxConns = 8
	cfg.ConnConfig.RuntimeParams["search_path"] = schema
	appName := "cachetest " + name + " " + schema
	cfg.ConnConfig.RuntimeParams["application_name"] = appName
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	require.NoError(tb, err)
	tb.Cleanup(pool.Close)
	pg := postgres.NewFromPool(pool)
	require.NoError(tb, pg.Migrate(tb.Context()))
	c := cache.NewWithHook(pg, opts, hook)
	tb.Cleanup(c.Close)
	ctx, cancel := context.WithTimeout(tb.Context(), 30*time.Second)
	defer cancel()
	require.NoError(tb, c.Ready(ctx))
	return &node{Store: c, pg: pg, pool: pool, appName: appName}
}

// twoNodes returns two nodes on a new schema; b has the options and the
// hook.
func twoNodes(t *testing.T, opts cache.Options, hook func(portal.Change)) (a, b *node, dsn string) {
	t.Helper()
	dsn, schema := pgtest.Schema(t)
	a = newNode(t, dsn, schema, "a", cache.Options{}, nil)
	b = newNode(t, dsn, schema, "b", opts, hook)
	return a, b, dsn
}

// killListener ends n's listening connection with pg_terminate_backend
// and returns how many backends it ended.
func killListener(tb testing.TB, dsn string, n *node) int {
	tb.Helper()
	var killed int
	pool := adminPool(tb, dsn)
	err := pool.QueryRow(tb.Context(), `SELECT count(*) FROM (SELECT pg_terminate_backend(pid)
		FROM pg_stat_activity WHERE application_name = $1) k`, n.appName+" listener").Scan(&killed)
	require.NoError(tb, err)
	return killed
}

var adminPools sync.Map // dsn → *pgxpool.Pool

func adminPool(tb testing.TB, dsn string) *pgxpool.Pool {
	if p, ok := adminPools.Load(dsn); ok {
		return p.(*pgxpool.Pool)
	}
	p, err := pgxpool.New(context.Background(), dsn+"&pool_max_conns=2")
	require.NoError(tb, err)
	if old, loaded := adminPools.LoadOrStore(dsn, p); loaded {
		p.Close()
		return old.(*pgxpool.Pool)
	}
	return p
}

var t0 = time.Now().UTC().Truncate(time.Second)

func testClient(id string) *oauthclient.Client {
	return &oauthclient.Client{
		ID: id,
		Metadata: oauthclient.Metadata{
			TokenEndpointAuthMethod: oauthclient.AuthMethodBasic,
			GrantTypes:              []oauthclient.GrantType{oauthclient.GrantClientCredentials},
			ClientName:              "App " + id,
		},
		PolicyID: "p1", Status: oauthclient.StatusActive,
		Secrets:   []oauthclient.Secret{{ID: "s1", Hash: "$sha256$x", Hint: "…x", CreatedAt: t0}},
		CreatedAt: t0, UpdatedAt: t0, Version: 1,
	}
}

func testToken(hash, clientID string) *oauthclient.Token {
	return &oauthclient.Token{Hash: hash, Kind: oauthclient.KindAccessToken, ClientID: clientID,
		GrantID: "g-" + hash, Scope: "read", IssuedAt: t0, ExpiresAt: t0.Add(time.Hour)}
}

// fixture creates a client and n access tokens through a, and returns the
// tokens' hashes.
func fixture(t *testing.T, a *node, clientID string, n int) []string {
	t.Helper()
	require.NoError(t, a.CreateClient(t.Context(), testClient(clientID)))
	hashes := make([]string, n)
	for i := range hashes {
		hashes[i] = clientID + "-t" + strconv.Itoa(i)
		require.NoError(t, a.CreateToken(t.Context(), testToken(hashes[i], clientID)))
	}
	return hashes
}

// waitFor polls cond until it holds, failing after 10 s: it waits for
// something to happen, it does not time it.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	require.Eventually(t, cond, 10*time.Second, time.Millisecond, what)
}

// TestConformanceCached runs the store conformance suite over the cache on
// PostgreSQL, each subtest on a schema of its own.
func TestConformanceCached(t *testing.T) {
	t.Parallel()
	pgtest.DSN(t)
	storetest.Run(t, func(t *testing.T) portal.Store {
		dsn, schema := pgtest.Schema(t)
		return newNode(t, dsn, schema, "conformance", cache.Options{}, nil)
	})
}

// TestCachedReadsAreHits checks that a second read of each cached record
// type is answered from memory.
func TestCachedReadsAreHits(t *testing.T) {
	t.Parallel()
	dsn, schema := pgtest.Schema(t)
	a := newNode(t, dsn, schema, "a", cache.Options{}, nil)
	ctx := t.Context()
	hashes := fixture(t, a, "c1", 1)
	for range 2 {
		_, err := a.GetToken(ctx, hashes[0])
		require.NoError(t, err)
		_, err = a.GetClient(ctx, "c1")
		require.NoError(t, err)
		_, err = a.GetToken(ctx, "unknown")
		require.ErrorIs(t, err, oauthclient.ErrNotFound)
	}
	st := a.Stats()
	assert.Equal(t, int64(3), st.Hits)
	assert.Equal(t, int64(3), st.Misses)
	assert.Equal(t, 3, st.Entries)
	assert.True(t, st.Listening)
}

// TestRolledBackRevocation checks that a deletion rolled back announces
// nothing: the other node keeps the token, while a committed deletion
// after it is announced.
func TestRolledBackRevocation(t *testing.T) {
	t.Parallel()
	var changes sync.Map
	a, b, _ := twoNodes(t, cache.Options{}, func(c portal.Change) { changes.Store(c, true) })
	ctx := t.Context()
	hashes := fixture(t, a, "c1", 2)
	for _, h := range hashes {
		_, err := b.GetToken(ctx, h)
		require.NoError(t, err)
	}

	tx, err := a.pool.Begin(ctx)
	require.NoError(t, err)
	_, err = tx.Exec(ctx, "DELETE FROM tokens WHERE hash = $1", hashes[0])
	require.NoError(t, err)
	require.NoError(t, tx.Rollback(ctx))
	require.NoError(t, a.DeleteToken(ctx, hashes[1])) // committed, announced after the rollback

	waitFor(t, "the committed deletion reaches node b", func() bool {
		_, ok := changes.Load(portal.Change{Kind: portal.ChangeToken, Key: hashes[1]})
		return ok
	})
	_, announced := changes.Load(portal.Change{Kind: portal.ChangeToken, Key: hashes[0]})
	assert.False(t, announced, "a rolled-back deletion announced nothing")
	hits := b.Stats().Hits
	_, err = b.GetToken(ctx, hashes[0])
	require.NoError(t, err, "the token whose deletion rolled back is still valid")
	assert.Equal(t, hits+1, b.Stats().Hits, "and still cached")
	_, err = b.GetToken(ctx, hashes[1])
	require.ErrorIs(t, err, oauthclient.ErrNotFound)
}

// TestNotificationForUncachedRecord checks that a change of records a node
// never cached is received and harmless, and that the node caches after it.
func TestNotificationForUncachedRecord(t *testing.T) {
	t.Parallel()
	a, b, _ := twoNodes(t, cache.Options{}, nil)
	ctx := t.Context()
	hashes := fixture(t, a, "c1", 2)
	require.NoError(t, a.DeleteToken(ctx, hashes[0]))
	c, err := a.GetClient(ctx, "c1")
	require.NoError(t, err)
	c.Description = "changed"
	require.NoError(t, a.UpdateClient(ctx, c, oauthclient.UpdateOptions{}))
	waitFor(t, "node b receives both changes", func() bool { return b.Stats().Invalidations >= 2 })
	st := b.Stats()
	assert.Zero(t, st.Entries)
	assert.True(t, st.Listening)

	_, err = b.GetToken(ctx, hashes[0])
	require.ErrorIs(t, err, oauthclient.ErrNotFound)
	for range 2 {
		got, err := b.GetClient(ctx, "c1")
		require.NoError(t, err)
		assert.Equal(t, "changed", got.Description)
		_, err = b.GetToken(ctx, hashes[1])
		require.NoError(t, err)
	}
	assert.Equal(t, st.Hits+2, b.Stats().Hits, "b caches after the notifications")
}

// TestEveryWriteIsAnnounced checks that each write that changes a cached
// record reaches the other node, which then reads the new state.
func TestEveryWriteIsAnnounced(t *testing.T) {
	t.Parallel()
	a, b, _ := twoNodes(t, cache.Options{}, nil)
	ctx := t.Context()
	tokens := func(n *node, clientID string, count int) []string { return fixture(t, n, clientID, count) }

	refused := func(what string, get func() error) {
		t.Helper()
		waitFor(t, what, func() bool { return errors.Is(get(), oauthclient.ErrNotFound) })
	}
	cacheAll := func(hashes ...string) {
		t.Helper()
		for _, h := range hashes {
			_, err := b.GetToken(ctx, h)
			require.NoError(t, err)
		}
	}
	getToken := func(h string) func() error {
		return func() error { _, err := b.GetToken(ctx, h); return err }
	}

	// DeleteToken, ConsumeToken (refresh tokens are not cached: checked
	// through an access token's consumption below), RevokeGrant,
	// RevokeClientTokens with more tokens than are announced one by one,
	// DeleteClient, DeactivateDeveloper, PurgeExpiredTokens.
	h := tokens(a, "c1", 20)
	cacheAll(h...)
	require.NoError(t, a.DeleteToken(ctx, h[0]))
	refused("DeleteToken", getToken(h[0]))
	_, err := a.ConsumeToken(ctx, h[1])
	require.NoError(t, err)
	waitFor(t, "ConsumeToken", func() bool { tok, err := b.GetToken(ctx, h[1]); return err == nil && tok.Consumed })
	_, err = a.RevokeGrant(ctx, "c1", "g-"+h[2])
	require.NoError(t, err)
	refused("RevokeGrant", getToken(h[2]))
	_, err = a.RevokeClientTokens(ctx, "c1")
	require.NoError(t, err)
	for _, x := range h[3:] {
		refused("RevokeClientTokens", getToken(x))
	}

	h = tokens(a, "c2", 1)
	cacheAll(h...)
	_, err = b.GetClient(ctx, "c2")
	require.NoError(t, err)
	require.NoError(t, a.DeleteClient(ctx, "c2"))
	refused("DeleteClient: token", getToken(h[0]))
	refused("DeleteClient: client", func() error { _, err := b.GetClient(ctx, "c2"); return err })

	// Client update: disable and rotation.
	tokens(a, "c3", 0)
	_, err = b.GetClient(ctx, "c3")
	require.NoError(t, err)
	c, err := a.GetClient(ctx, "c3")
	require.NoError(t, err)
	c.Status = oauthclient.StatusDisabled
	c.Secrets = append(c.Secrets, oauthclient.Secret{ID: "s2", Hash: "$sha256$y", Hint: "…y", CreatedAt: t0})
	require.NoError(t, a.UpdateClient(ctx, c, oauthclient.UpdateOptions{}))
	waitFor(t, "UpdateClient", func() bool {
		got, err := b.GetClient(ctx, "c3")
		return err == nil && got.Status == oauthclient.StatusDisabled && len(got.Secrets) == 2
	})

	// Developer deactivation.
	dev := &portal.Developer{ID: "d1", Email: "d1@example.com", Name: "D", Status: portal.DeveloperActive,
		CreatedAt: t0, UpdatedAt: t0, Version: 1}
	require.NoError(t, a.CreateDeveloper(ctx, dev))
	c4 := testClient("c4")
	c4.DeveloperID = "d1"
	require.NoError(t, a.CreateClient(ctx, c4))
	require.NoError(t, a.CreateToken(ctx, testToken("c4-t", "c4")))
	cacheAll("c4-t")
	_, err = b.GetClient(ctx, "c4")
	require.NoError(t, err)
	require.NoError(t, a.DeactivateDeveloper(ctx, "d1", t0.Add(time.Minute)))
	refused("DeactivateDeveloper: token", getToken("c4-t"))
	waitFor(t, "DeactivateDeveloper: client", func() bool {
		got, err := b.GetClient(ctx, "c4")
		return err == nil && got.Status == oauthclient.StatusDisabled
	})

	// Purge.
	require.NoError(t, a.CreateClient(ctx, testClient("c5")))
	old := testToken("c5-old", "c5")
	old.ExpiresAt = time.Now().Add(time.Hour) // cached until the purge says otherwise
	require.NoError(t, a.CreateToken(ctx, old))
	cacheAll("c5-old")
	_, err = a.PurgeExpiredTokens(ctx, time.Now().Add(2*time.Hour), 100)
	require.NoError(t, err)
	refused("PurgeExpiredTokens", getToken("c5-old"))

	// Catalogue: policy, entry and API updates and deletions.
	require.NoError(t, a.CreateAPI(ctx, &catalogue.API{ID: "api1", Name: "API", AuthMode: catalogue.AuthOAuth2,
		Active: true, CreatedAt: t0, Version: 1}))
	require.NoError(t, a.CreatePolicy(ctx, &catalogue.Policy{ID: "p1", Name: "Gold", Active: true, CreatedAt: t0,
		AccessRights: []catalogue.AccessRight{{APIID: "api1"}}, Version: 1}))
	require.NoError(t, a.CreateEntry(ctx, &catalogue.Entry{ID: "e1", APIID: "api1", DisplayName: "E",
		PolicyIDs: []string{"p1"}, Visible: true, CreatedAt: t0, Version: 1}))
	p, err := b.GetPolicy(ctx, "p1")
	require.NoError(t, err)
	e, err := b.GetEntry(ctx, "e1")
	require.NoError(t, err)
	api, err := b.GetAPI(ctx, "api1")
	require.NoError(t, err)
	p.Active, e.Visible, api.Active = false, false, false
	require.NoError(t, a.UpdatePolicy(ctx, p))
	require.NoError(t, a.UpdateEntry(ctx, e))
	require.NoError(t, a.UpdateAPI(ctx, api))
	waitFor(t, "UpdatePolicy", func() bool { got, err := b.GetPolicy(ctx, "p1"); return err == nil && !got.Active })
	waitFor(t, "UpdateEntry", func() bool { got, err := b.GetEntry(ctx, "e1"); return err == nil && !got.Visible })
	waitFor(t, "UpdateAPI", func() bool { got, err := b.GetAPI(ctx, "api1"); return err == nil && !got.Active })
	require.NoError(t, a.DeletePolicy(ctx, "p1"))
	require.NoError(t, a.DeleteEntry(ctx, "e1"))
	require.NoError(t, a.DeleteAPI(ctx, "api1"))
	refused("DeletePolicy", func() error { _, err := b.GetPolicy(ctx, "p1"); return err })
	refused("DeleteEntry", func() error { _, err := b.GetEntry(ctx, "e1"); return err })
	refused("DeleteAPI", func() error { _, err := b.GetAPI(ctx, "api1"); return err })
}

// TestListenerKilledWhileRevoking kills node b's listening connection
// again and again with pg_terminate_backend while node a revokes tokens
// that b has cached and b keeps reading them. Every revoked token must end
// refused by b, and once b has refused a token no read begun after that
// may accept it again: what b cached can never outlive a gap in
// notifications, nor an older read of the token overtake a newer one.
func TestListenerKilledWhileRevoking(t *testing.T) {
	t.Parallel()
	a, b, dsn := twoNodes(t, cache.Options{}, nil)
	ctx := t.Context()
	const n = 60
	hashes := fixture(t, a, "c1", n)
	for _, h := range hashes {
		_, err := b.GetToken(ctx, h)
		require.NoError(t, err)
	}

	// First a sharp case: b's listener dies, then a token b has cached is
	// revoked, so that its notification can never reach b.
	require.Equal(t, 1, killListener(t, dsn, b))
	require.NoError(t, a.DeleteToken(ctx, hashes[0]))
	waitFor(t, "b listens again", func() bool { return b.Stats().Reconnects >= 1 && b.Stats().Listening })
	_, err := b.GetToken(ctx, hashes[0])
	require.ErrorIs(t, err, oauthclient.ErrNotFound, "a token revoked during the gap is refused")

	var (
		refusedOnce [n]atomic.Bool
		violations  atomic.Int64
		done        = make(chan struct{})
		wg          sync.WaitGroup
	)
	for range 2 { // readers on b
		wg.Go(func() {
			for i := 0; ; i = (i + 1) % n {
				select {
				case <-done:
					return
				default:
				}
				// Only a read that begins after b refused the token
				// must refuse it: one that began before may have read
				// the database before the revocation and end later.
				wasRefused := refusedOnce[i].Load()
				_, err := b.GetToken(ctx, hashes[i])
				switch {
				case errors.Is(err, oauthclient.ErrNotFound):
					refusedOnce[i].Store(true)
				case err == nil:
					if wasRefused {
						violations.Add(1)
					}
				}
			}
		})
	}
	wg.Go(func() { // the killer
		for {
			select {
			case <-done:
				return
			case <-time.After(30 * time.Millisecond):
				killListener(t, dsn, b)
			}
		}
	})
	for _, h := range hashes[1:] {
		require.NoError(t, a.DeleteToken(ctx, h))
		time.Sleep(2 * time.Millisecond)
	}
	close(done)
	wg.Wait()

	waitFor(t, "b listens again", func() bool { return b.Stats().Listening })
	for i, h := range hashes {
		_, err := b.GetToken(ctx, h)
		assert.ErrorIs(t, err, oauthclient.ErrNotFound, "token %d", i)
	}
	assert.Zero(t, violations.Load(), "a token b refused was accepted again")
	t.Logf("reconnects: %d", b.Stats().Reconnects)
	assert.Greater(t, b.Stats().Reconnects, int64(1))
}

// TestRefuseWhileLost checks Options.WhenLost = Refuse: reads fail with
// ErrUnavailable from the moment the feed is lost until it listens again.
func TestRefuseWhileLost(t *testing.T) {
	t.Parallel()
	dsn, schema := pgtest.Schema(t)
	b := newNode(t, dsn, schema, "b", cache.Options{WhenLost: cache.Refuse}, nil)
	ctx := t.Context()
	hashes := fixture(t, b, "c1", 1)
	require.Equal(t, 1, killListener(t, dsn, b))
	waitFor(t, "b notices the loss", func() bool { return !b.Stats().Listening })
	_, err := b.GetToken(ctx, hashes[0])
	if !b.Stats().Listening { // not yet listening again
		require.ErrorIs(t, err, cache.ErrUnavailable)
	}
	waitFor(t, "b listens again", func() bool { return b.Stats().Listening })
	_, err = b.GetToken(ctx, hashes[0])
	require.NoError(t, err)
}

// TestConcurrentRevokeAndIntrospect revokes tokens on node a while
// readers on both nodes keep introspecting them. No read that begins after
// the revocation is known to its node may accept the token: on a, once
// the revocation has returned; on b, once b has applied its notification.
// Reads in between (on b, the propagation window the benchmark measures)
// are counted and logged.
func TestConcurrentRevokeAndIntrospect(t *testing.T) {
	t.Parallel()
	dsn, schema := pgtest.Schema(t)
	const n = 200
	var (
		clock   atomic.Int64 // orders events across goroutines
		known   [2][n]atomic.Int64
		indexOf = map[string]int{}
	)
	a := newNode(t, dsn, schema, "a", cache.Options{}, nil)
	hashes := fixture(t, a, "c1", n)
	for i, h := range hashes {
		indexOf[h] = i
	}
	b := newNode(t, dsn, schema, "b", cache.Options{}, func(c portal.Change) {
		if i, ok := indexOf[c.Key]; ok && c.Kind == portal.ChangeToken {
			known[1][i].Store(clock.Add(1))
		}
	})
	ctx := t.Context()
	nodes := [2]*node{a, b}

	var (
		violations, window atomic.Int64
		done               = make(chan struct{})
		wg                 sync.WaitGroup
	)
	for side := range 2 {
		wg.Go(func() {
			for i := 0; ; i = (i + 1) % n {
				select {
				case <-done:
					return
				default:
				}
				began := clock.Add(1)
				_, err := nodes[side].GetToken(ctx, hashes[i])
				if err != nil {
					continue
				}
				if k := known[side][i].Load(); k != 0 && began > k {
					violations.Add(1)
				} else if side == 1 && known[0][i].Load() != 0 && known[0][i].Load() < began {
					window.Add(1)
				}
			}
		})
	}
	for i, h := range hashes {
		require.NoError(t, a.DeleteToken(ctx, h))
		known[0][i].Store(clock.Add(1))
	}
	waitFor(t, "b applies every revocation", func() bool {
		for i := range n {
			if known[1][i].Load() == 0 {
				return false
			}
		}
		return true
	})
	close(done)
	wg.Wait()
	for _, nd := range nodes {
		for _, h := range hashes {
			_, err := nd.GetToken(ctx, h)
			require.ErrorIs(t, err, oauthclient.ErrNotFound)
		}
	}
	assert.Zero(t, violations.Load(), "a read that began after its node knew of the revocation accepted the token")
	t.Logf("reads on b accepted between a's commit and b's notification: %d", window.Load())
}

// TestNoNotificationsNeverListens checks that a cache over a schema whose
// triggers do not announce changes (migration 0002 or 0004 missing or
// disabled)
// never serves from memory: every read goes to the database.
func TestNoNotificationsNeverListens(t *testing.T) {
	t.Parallel()
	for _, disable := range []string{
		"ALTER TABLE tokens DISABLE TRIGGER tokens_deleted_notify",
		"ALTER TABLE throttle_failures DISABLE TRIGGER throttle_failures_notify", // migration 0004
	} {
		t.Run(disable, func(t *testing.T) {
			t.Parallel()
			testNoNotificationsNeverListens(t, disable)
		})
	}
}

func testNoNotificationsNeverListens(t *testing.T, disable string) {
	dsn, schema := pgtest.Schema(t)
	a := newNode(t, dsn, schema, "a", cache.Options{}, nil)
	hashes := fixture(t, a, "c1", 1)
	_, err := a.pool.Exec(t.Context(), disable)
	require.NoError(t, err)

	var logs lockedBuffer
	b := cache.New(a.pg, cache.Options{Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	t.Cleanup(b.Close)
	ctx, cancel := context.WithTimeout(t.Context(), 1500*time.Millisecond)
	defer cancel()
	require.ErrorIs(t, b.Ready(ctx), context.DeadlineExceeded, "the cache never listens")
	for range 2 {
		_, err := b.GetToken(t.Context(), hashes[0])
		require.NoError(t, err)
	}
	assert.Equal(t, cache.Stats{}, b.Stats(), "nothing served from memory")
	assert.Equal(t, 1, strings.Count(logs.String(), "cache cannot listen for changes"),
		"the failure is logged, once while it lasts: %s", logs.String())
}

// lockedBuffer is a bytes.Buffer safe for concurrent use.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestThrottlesSharedByCachedNodes: failures recorded on node a, and
// their reset, reach node b's cached throttle store through the change
// feed; meanwhile b answers a key without failures from memory.
func TestThrottlesSharedByCachedNodes(t *testing.T) {
	t.Parallel()
	var announced atomic.Int64
	a, b, _ := twoNodes(t, cache.Options{}, func(c portal.Change) {
		if c.Kind == portal.ChangeFailures {
			announced.Add(1)
		}
	})
	ta, tb := a.Throttles(a.pg.Throttles()), b.Throttles(b.pg.Throttles())
	ctx := t.Context()
	failuresOnB := func() int {
		n, _, err := tb.Failures(ctx, "client:c1")
		require.NoError(t, err)
		return n
	}
	require.Zero(t, failuresOnB())
	hits := b.Stats().Hits
	require.Zero(t, failuresOnB())
	assert.Equal(t, hits+1, b.Stats().Hits, "a key without failures is answered from memory")

	now := time.Now()
	for want := 1; want <= 3; want++ {
		n, err := ta.Fail(ctx, "client:c1", now, time.Minute)
		require.NoError(t, err)
		require.Equal(t, want, n)
		waitFor(t, "b sees a's failure", func() bool { return failuresOnB() == want })
	}
	assert.GreaterOrEqual(t, announced.Load(), int64(3), "a's first failure was announced too")
	require.NoError(t, ta.Reset(ctx, "client:c1"))
	waitFor(t, "b sees a's reset", func() bool { return failuresOnB() == 0 })

	// And a throttle on b, over its cached store, refuses what a's
	// failures make wait.
	th := throttle.New(throttle.Config{Store: tb, Free: 1})
	for range 2 {
		_, err := ta.Fail(ctx, "client:c2", time.Now(), time.Minute)
		require.NoError(t, err)
	}
	waitFor(t, "b's throttle refuses c2", func() bool {
		_, err := th.CheckKey(ctx, "client:", "c2")
		return errors.Is(err, oauthclient.ErrThrottled)
	})
}
