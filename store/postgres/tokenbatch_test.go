package postgres

import (
	"cmp"
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portaloauth/portaloauth/internal/pgtest"
	"github.com/portaloauth/portaloauth/oauthclient"
)

// batchGate holds the first insert of tokens until want more calls have
// queued behind it, so that the next insert carries all of them; it
// records how many tokens each insert carries.
type batchGate struct {
	s    *Store
	want int
	wait time.Duration // holds for at most this long; zero: 10 s
	held atomic.Bool
	// onRelease, if set, is called when the held insert goes on.
	onRelease func()
	mu        sync.Mutex
	sizes     []int
}

func (g *batchGate) TraceQueryStart(ctx context.Context, _ *pgx.Conn, data pgx.TraceQueryStartData) context.Context {
	size := 1
	switch data.SQL {
	case sqlInsertToken:
	case sqlInsertTokens:
		size = len(data.Args[0].([]string))
	default:
		return ctx
	}
	g.mu.Lock()
	g.sizes = append(g.sizes, size)
	g.mu.Unlock()
	if g.held.CompareAndSwap(false, true) {
		for deadline := time.Now().Add(cmp.Or(g.wait, 10*time.Second)); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
			g.s.tokens.mu.Lock()
			n := len(g.s.tokens.queue)
			g.s.tokens.mu.Unlock()
			if n >= g.want {
				break
			}
		}
		if g.onRelease != nil {
			g.onRelease()
		}
	}
	return ctx
}

func (g *batchGate) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

func (g *batchGate) batchSizes() []int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]int(nil), g.sizes...)
}

// newGatedStore returns a migrated store with client c1 and the default
// grouping (or c, if given), whose first insert of tokens is held until n
// calls have queued behind it.
func newGatedStore(t *testing.T, n int, c ...Config) (*Store, *batchGate) {
	t.Helper()
	dsn, schema := pgtest.Schema(t)
	g := &batchGate{want: n}
	s := NewFromPoolWithConfig(newPool(t, dsn, schema, func(c *pgxpool.Config) {
		c.ConnConfig.Tracer = g
		c.MaxConns = 8 // connections to spare: grouping must not depend on a small pool
	}), append(c, Config{})[0])
	g.s = s
	require.NoError(t, s.Migrate(t.Context()))
	require.NoError(t, s.CreateClient(t.Context(), testClient("c1", "")))
	return s, g
}

// createConcurrently creates tokens[0] first, then, once it is being
// committed, the others at once; it returns each call's error.
func createConcurrently(ctx context.Context, s *Store, tokens []*oauthclient.Token) []error {
	errs := make([]error, len(tokens))
	var wg sync.WaitGroup
	wg.Go(func() { errs[0] = s.CreateToken(ctx, tokens[0]) })
	for i := 1; i < len(tokens); i++ {
		wg.Go(func() {
			time.Sleep(20 * time.Millisecond) // behind the first
			errs[i] = s.CreateToken(ctx, tokens[i])
		})
	}
	wg.Wait()
	return errs
}

func TestCreateTokenGroupsConcurrentCalls(t *testing.T) {
	t.Parallel()
	const n = 16
	s, g := newGatedStore(t, n-1)
	var tokens []*oauthclient.Token
	for i := range n {
		tokens = append(tokens, testToken(fmt.Sprintf("t%02d", i), "c1", ""))
	}
	for i, err := range createConcurrently(t.Context(), s, tokens) {
		require.NoError(t, err, i)
	}
	assert.Equal(t, []int{1, n - 1}, g.batchSizes(), "one commit for the first, one for all the others")
	for _, tok := range tokens {
		got, err := s.GetToken(t.Context(), tok.Hash)
		require.NoError(t, err)
		assert.Equal(t, tok, got)
	}
}

// TestCreateTokenFullBatchStartsAnotherCommit: calls queued behind a
// commit in flight wait for it, except that each full batch starts a
// commit of its own beside it.
func TestCreateTokenFullBatchStartsAnotherCommit(t *testing.T) {
	t.Parallel()
	const batch, n = 4, 1 + 2*4 + 3
	s, g := newGatedStore(t, 1<<30, Config{TokenBatch: batch})
	g.wait = 500 * time.Millisecond // the first commit is held that long
	var duringHold []int
	g.onRelease = func() { duringHold = g.batchSizes() }
	var tokens []*oauthclient.Token
	for i := range n {
		tokens = append(tokens, testToken(fmt.Sprintf("t%02d", i), "c1", ""))
	}
	for i, err := range createConcurrently(t.Context(), s, tokens) {
		require.NoError(t, err, i)
	}
	assert.Equal(t, []int{1, batch, batch}, duringHold, "two full batches committed while the first commit was held")
	assert.Equal(t, []int{1, batch, batch, n - 1 - 2*batch}, g.batchSizes(), "the rest went together after the first")
	assert.Equal(t, n, countRows(t, s, `SELECT count(*) FROM tokens`))
}

// TestCreateTokenBatchErrorsAreEach: a duplicate and a token of an unknown
// client in one batch fail alone; the others of the batch are written.
func TestCreateTokenBatchErrorsAreEach(t *testing.T) {
	t.Parallel()
	s, g := newGatedStore(t, 4)
	g.held.Store(true) // not this one
	require.NoError(t, s.CreateToken(t.Context(), testToken("taken", "c1", "")))
	g.held.Store(false) // but the next
	tokens := []*oauthclient.Token{
		testToken("first", "c1", ""),
		testToken("ok-1", "c1", ""),
		testToken("taken", "c1", ""),
		testToken("orphan", "no-such-client", ""),
		testToken("ok-2", "c1", ""),
	}
	errs := createConcurrently(t.Context(), s, tokens)
	assert.Equal(t, []int{1, 1, 4, 1, 1, 1, 1}, g.batchSizes(), "the batch of four fails, then each of its tokens is written alone")
	require.NoError(t, errs[0])
	require.NoError(t, errs[1])
	require.ErrorIs(t, errs[2], oauthclient.ErrDuplicate)
	require.ErrorIs(t, errs[3], oauthclient.ErrNotFound)
	require.NoError(t, errs[4])
	for _, h := range []string{"first", "ok-1", "taken", "ok-2"} {
		_, err := s.GetToken(t.Context(), h)
		require.NoError(t, err, h)
	}
	_, err := s.GetToken(t.Context(), "orphan")
	require.ErrorIs(t, err, oauthclient.ErrNotFound)
}

// TestCreateTokenBatchCrashAcknowledgesNothing terminates the server
// process of a batch's connection after some of the batch's inserts have
// run and before its commit: every call of that batch fails, none of its
// tokens is stored, every token acknowledged before is, and the store
// works again.
func TestCreateTokenBatchCrashAcknowledgesNothing(t *testing.T) {
	t.Parallel()
	faults := []struct {
		name string
		body string // of the trigger function run before each insert of the crashing token
	}{
		{name: "backend terminated", body: `PERFORM pg_terminate_backend(pg_backend_pid());`},
		{name: "statement fails", body: `RAISE EXCEPTION 'refused by the test' USING ERRCODE = 'XX000';`},
	}
	for _, fault := range faults {
		t.Run(fault.name, func(t *testing.T) {
			t.Parallel()
			const n = 12
			s, g := newGatedStore(t, n-1)
			ctx := t.Context()
			_, err := s.pool.Exec(ctx, `CREATE FUNCTION fault() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN IF NEW.hash = 'crash' THEN `+fault.body+` END IF; RETURN NEW; END $$;
CREATE TRIGGER fault BEFORE INSERT ON tokens FOR EACH ROW EXECUTE FUNCTION fault();`)
			require.NoError(t, err)

			tokens := []*oauthclient.Token{testToken("before", "c1", "")}
			for i := range n - 1 {
				h := fmt.Sprintf("batch-%02d", i)
				if i == n/2 {
					h = "crash" // half of the batch is inserted before it, half after
				}
				tokens = append(tokens, testToken(h, "c1", ""))
			}
			errs := createConcurrently(ctx, s, tokens)
			require.Equal(t, []int{1, n - 1}, g.batchSizes())

			require.NoError(t, errs[0])
			_, err = s.GetToken(ctx, "before")
			require.NoError(t, err, "an acknowledged token is stored")
			for i, tok := range tokens[1:] {
				require.Error(t, errs[i+1], "%s was acknowledged", tok.Hash)
				_, err := s.GetToken(ctx, tok.Hash)
				require.ErrorIs(t, err, oauthclient.ErrNotFound, "%s was stored", tok.Hash)
			}
			assert.Equal(t, 1, countRows(t, s, `SELECT count(*) FROM tokens`))

			_, err = s.pool.Exec(ctx, `DROP TRIGGER fault ON tokens`)
			require.NoError(t, err)
			require.NoError(t, s.CreateToken(ctx, testToken("after", "c1", "")), "the store works again")
		})
	}
}

// TestCreateTokenContextEnds: a call whose context ends while it waits for
// its commit returns the context's error.
func TestCreateTokenContextEnds(t *testing.T) {
	t.Parallel()
	s, g := newGatedStore(t, 1<<30)
	g.wait = time.Second // the first batch is held for a second
	ctx := t.Context()
	go func() { _ = s.CreateToken(ctx, testToken("first", "c1", "")) }()
	waitCtx, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	time.Sleep(10 * time.Millisecond)
	err := s.CreateToken(waitCtx, testToken("second", "c1", ""))
	require.ErrorIs(t, err, context.DeadlineExceeded)
	assert.True(t, strings.HasPrefix(err.Error(), "postgres: create token"), err.Error())
}
