package postgres

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portaloauth/portaloauth/internal/pgtest"
	"github.com/portaloauth/portaloauth/oauthclient"
)

// race runs n calls of fn at once (all released together) and returns
// their errors.
func race(n int, fn func(i int) error) []error {
	errs := make([]error, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			<-start
			errs[i] = fn(i)
		})
	}
	close(start)
	wg.Wait()
	return errs
}

// tally counts nil errors and errors matching want; any other error fails
// the test.
func tally(t *testing.T, errs []error, want error) (ok, matched int) {
	t.Helper()
	for _, err := range errs {
		switch {
		case err == nil:
			ok++
		default:
			require.ErrorIs(t, err, want)
			matched++
		}
	}
	return ok, matched
}

// bigPool lets the concurrent callers really run at once.
func bigPool(c *pgxpool.Config) { c.MaxConns = 20 }

func newConcurrentStore(t *testing.T) *Store {
	t.Helper()
	dsn, schema := pgtest.Schema(t)
	s := NewFromPool(newPool(t, dsn, schema, bigPool))
	require.NoError(t, s.Migrate(t.Context()))
	return s
}

func TestConcurrentUpdatesOneWins(t *testing.T) {
	t.Parallel()
	s := newConcurrentStore(t)
	ctx := t.Context()
	require.NoError(t, s.CreateDeveloper(ctx, testDeveloper("d1", "d1@example.com")))
	require.NoError(t, s.CreateClient(ctx, testClient("c1", "d1")))

	const n = 50
	errs := race(n, func(i int) error {
		c := testClient("c1", "d1") // Version 1, as every writer read it
		c.ClientName = fmt.Sprintf("writer %d", i)
		c.Secrets = []oauthclient.Secret{testSecret(fmt.Sprintf("s-%d", i))}
		return s.UpdateClient(ctx, c, oauthclient.UpdateOptions{})
	})
	ok, conflicts := tally(t, errs, oauthclient.ErrConflict)
	assert.Equal(t, 1, ok)
	assert.Equal(t, n-1, conflicts)

	got, err := s.GetClient(ctx, "c1")
	require.NoError(t, err)
	assert.EqualValues(t, 2, got.Version)
	require.Len(t, got.Secrets, 1, "the winner's secrets, nobody else's")
	assert.Equal(t, "s-"+strings.TrimPrefix(got.ClientName, "writer "), got.Secrets[0].ID)
}

func TestConcurrentSignUpsOneDeveloper(t *testing.T) {
	t.Parallel()
	s := newConcurrentStore(t)
	ctx := t.Context()
	for round := range 10 {
		email := fmt.Sprintf("dev%d@example.com", round)
		spellings := []string{email, strings.ToUpper(email)}
		errs := race(len(spellings), func(i int) error {
			return s.CreateDeveloper(ctx, testDeveloper(fmt.Sprintf("r%d-%d", round, i), spellings[i]))
		})
		ok, dups := tally(t, errs, oauthclient.ErrDuplicate)
		assert.Equal(t, 1, ok, "round %d", round)
		assert.Equal(t, 1, dups, "round %d", round)
		_, err := s.GetDeveloperByEmail(ctx, "DEV"+email[3:])
		require.NoError(t, err)
	}
	devs, err := s.ListDevelopers(ctx, oauthclient.Page{})
	require.NoError(t, err)
	assert.Len(t, devs, 10)
}

func TestConcurrentConsumeOneWins(t *testing.T) {
	t.Parallel()
	s := newConcurrentStore(t)
	ctx := t.Context()
	require.NoError(t, s.CreateClient(ctx, testClient("c1", "")))
	code := testToken("code", "c1", "g1")
	code.Kind = oauthclient.KindAuthorizationCode
	code.Code = &oauthclient.CodeDetails{CodeChallenge: "abc", CodeChallengeMethod: "S256"}
	require.NoError(t, s.CreateToken(ctx, code))

	const n = 20
	got := make([]*oauthclient.Token, n)
	errs := race(n, func(i int) error {
		var err error
		got[i], err = s.ConsumeToken(ctx, "code")
		return err
	})
	ok, used := tally(t, errs, oauthclient.ErrTokenConsumed)
	assert.Equal(t, 1, ok)
	assert.Equal(t, n-1, used)
	for i, err := range errs {
		require.NotNil(t, got[i], "the token comes back with ErrTokenConsumed too")
		assert.Equal(t, err != nil, got[i].Consumed)
		assert.Equal(t, code.Code, got[i].Code)
	}
	_, err := s.ConsumeToken(ctx, "missing")
	require.ErrorIs(t, err, oauthclient.ErrNotFound)
}

func TestConcurrentMigrate(t *testing.T) {
	t.Parallel()
	dsn, schema := pgtest.Schema(t)
	const pools = 4
	stores := make([]*Store, pools)
	for i := range stores {
		stores[i] = NewFromPool(newPool(t, dsn, schema))
	}
	errs := race(3*pools, func(i int) error { return stores[i%pools].Migrate(t.Context()) })
	for _, err := range errs {
		require.NoError(t, err)
	}
	s := stores[0]
	assert.Equal(t, latestVersion(), countRows(t, s, `SELECT count(*) FROM schema_migrations`))
	require.NoError(t, s.Migrate(t.Context()), "idempotent")
	assert.Equal(t, latestVersion(), countRows(t, s, `SELECT count(*) FROM schema_migrations`))
}

func TestPurgeExpiredTokens(t *testing.T) {
	t.Parallel()
	s := newConcurrentStore(t)
	ctx := t.Context()
	require.NoError(t, s.CreateClient(ctx, testClient("c1", "")))
	now := t0.Add(24 * time.Hour)
	const expired, live = 25, 5
	for i := range expired + live {
		tok := testToken(fmt.Sprintf("t%02d", i), "c1", "g")
		tok.ExpiresAt = now.Add(time.Duration(i-expired) * time.Minute) // t00..t24 expired
		require.NoError(t, s.CreateToken(ctx, tok))
	}

	for _, want := range []int{10, 10, 5, 0} {
		n, err := s.PurgeExpiredTokens(ctx, now, 10)
		require.NoError(t, err)
		require.Equal(t, want, n)
	}
	left, err := s.ListTokens(ctx, oauthclient.TokenFilter{ClientID: "c1"})
	require.NoError(t, err)
	assert.Len(t, left, live)
	for _, tok := range left {
		assert.False(t, tok.ExpiresAt.Before(now), tok.Hash)
	}

	n, err := s.PurgeExpiredTokens(ctx, now.Add(time.Hour), 0)
	require.NoError(t, err)
	assert.Zero(t, n, "a limit of 0 deletes nothing")
}

func TestConcurrentPurgersShareTheWork(t *testing.T) {
	t.Parallel()
	s := newConcurrentStore(t)
	ctx := t.Context()
	require.NoError(t, s.CreateClient(ctx, testClient("c1", "")))
	const total = 200
	for i := range total {
		tok := testToken(fmt.Sprintf("t%03d", i), "c1", "g")
		tok.ExpiresAt = t0
		require.NoError(t, s.CreateToken(ctx, tok))
	}
	var mu sync.Mutex
	deleted := 0
	errs := race(4, func(int) error {
		for {
			n, err := s.PurgeExpiredTokens(ctx, t0.Add(time.Second), 7)
			if err != nil {
				return err
			}
			mu.Lock()
			deleted += n
			mu.Unlock()
			if n == 0 {
				return nil
			}
		}
	})
	for _, err := range errs {
		require.NoError(t, err)
	}
	assert.Equal(t, total, deleted)
}

func TestCancelledContext(t *testing.T) {
	t.Parallel()
	s := newTestStore(t)
	require.NoError(t, s.CreateClient(t.Context(), testClient("c1", "")))
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	calls := map[string]func() error{
		"GetClient":    func() error { _, err := s.GetClient(ctx, "c1"); return err },
		"CreateClient": func() error { return s.CreateClient(ctx, testClient("c2", "")) },
		"UpdateClient": func() error { return s.UpdateClient(ctx, testClient("c1", ""), oauthclient.UpdateOptions{}) },
		"DeleteClient": func() error { return s.DeleteClient(ctx, "c1") },
		"GetToken":     func() error { _, err := s.GetToken(ctx, "t"); return err },
		"ListClients":  func() error { _, err := s.ListClients(ctx, oauthclient.ClientFilter{}); return err },
		"Migrate":      func() error { return s.Migrate(ctx) },
		"PurgeExpiredTokens": func() error {
			_, err := s.PurgeExpiredTokens(ctx, t0, 0)
			return err
		},
		"DeactivateDeveloper": func() error { return s.DeactivateDeveloper(ctx, "d1", t0) },
	}
	for name, call := range calls {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			require.ErrorIs(t, call(), context.Canceled)
		})
	}
	_, err := s.GetClient(t.Context(), "c1")
	require.NoError(t, err, "nothing was deleted")
}

func TestOpen(t *testing.T) {
	t.Parallel()
	dsn, schema := pgtest.Schema(t)
	sep := "?"
	if strings.Contains(dsn, "?") {
		sep = "&"
	}
	s, err := Open(t.Context(), dsn+sep+"search_path="+schema)
	require.NoError(t, err)
	require.NoError(t, s.Migrate(t.Context()))
	require.NoError(t, s.CreateClient(t.Context(), testClient("c1", "")))
	s.Close()
	_, err = s.GetClient(t.Context(), "c1")
	require.Error(t, err, "Close closes a pool Open opened")

	pool := newPool(t, dsn, schema)
	NewFromPool(pool).Close()
	require.NoError(t, pool.Ping(t.Context()), "Close leaves a pool given to NewFromPool open")

	_, err = Open(t.Context(), "postgres://user:hunter2@[::1")
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "hunter2")
}
