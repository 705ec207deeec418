package postgres

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portaloauth/portaloauth/internal/pgtest"
	"github.com/portaloauth/portaloauth/oauthclient"
	"github.com/portaloauth/portaloauth/portal"
)

// faultTracer strikes once: right after the first statement whose SQL
// contains after has succeeded, it runs fault on that statement's
// connection, between two statements of the operation's transaction.
type faultTracer struct {
	after string
	fault func(conn *pgx.Conn)
	fired atomic.Bool
}

type sqlKey struct{}

func (f *faultTracer) TraceQueryStart(ctx context.Context, _ *pgx.Conn, data pgx.TraceQueryStartData) context.Context {
	return context.WithValue(ctx, sqlKey{}, data.SQL)
}

func (f *faultTracer) TraceQueryEnd(ctx context.Context, conn *pgx.Conn, data pgx.TraceQueryEndData) {
	sql, _ := ctx.Value(sqlKey{}).(string)
	if data.Err == nil && strings.Contains(sql, f.after) && f.fired.CompareAndSwap(false, true) {
		f.fault(conn)
	}
}

// faultFixture is a schema with two stores on it: plain, for setting up and
// checking, and faulty, whose connections suffer the fault.
type faultFixture struct {
	plain, faulty *Store
}

func newFaultFixture(t *testing.T, migrate bool, tracer *faultTracer) faultFixture {
	t.Helper()
	dsn, schema := pgtest.Schema(t)
	plain := NewFromPool(newPool(t, dsn, schema))
	if migrate {
		require.NoError(t, plain.Migrate(t.Context()))
	}
	faulty := NewFromPool(newPool(t, dsn, schema, func(c *pgxpool.Config) { c.ConnConfig.Tracer = tracer }))
	return faultFixture{plain: plain, faulty: faulty}
}

func countRows(t *testing.T, s *Store, sql string, args ...any) int {
	t.Helper()
	var n int
	require.NoError(t, s.pool.QueryRow(t.Context(), sql, args...).Scan(&n))
	return n
}

// seed stores a developer d1 with one active client c1 (one secret, one
// token) and returns the client as stored.
func seed(t *testing.T, s *Store) *oauthclient.Client {
	t.Helper()
	ctx := t.Context()
	require.NoError(t, s.CreateDeveloper(ctx, testDeveloper("d1", "d1@example.com")))
	c := testClient("c1", "d1")
	require.NoError(t, s.CreateClient(ctx, c))
	require.NoError(t, s.CreateToken(ctx, testToken("t1", "c1", "g1")))
	return c
}

// TestFaultMidTransaction breaks each explicit multi-statement transaction
// between its statements, by terminating the server process of its connection or
// by cancelling its context, and checks that nothing of it remains: no
// partial client, no orphaned row, no half-done update.
func TestFaultMidTransaction(t *testing.T) {
	t.Parallel()
	ops := []struct {
		name    string
		after   string // the fault strikes after the statement containing this
		migrate bool   // migrate before the fault
		setup   func(t *testing.T, s *Store) *oauthclient.Client
		run     func(ctx context.Context, s *Store) error
		check   func(t *testing.T, s *Store, seeded *oauthclient.Client)
	}{
		{
			name: "update client revoking tokens", after: "UPDATE clients", migrate: true,
			setup: seed,
			run: func(ctx context.Context, s *Store) error {
				c := testClient("c1", "d1")
				c.ClientName = "renamed"
				c.Secrets = []oauthclient.Secret{testSecret("s2"), testSecret("s3")}
				return s.UpdateClient(ctx, c, oauthclient.UpdateOptions{RevokeTokens: true})
			},
			check: func(t *testing.T, s *Store, seeded *oauthclient.Client) {
				got, err := s.GetClient(t.Context(), "c1")
				require.NoError(t, err)
				assert.Equal(t, seeded, got)
				assert.Equal(t, 1, countRows(t, s, `SELECT count(*) FROM tokens`))
			},
		},
		{
			name: "deactivate developer", after: "UPDATE developers", migrate: true,
			setup: seed,
			run: func(ctx context.Context, s *Store) error {
				return s.DeactivateDeveloper(ctx, "d1", t0.Add(1))
			},
			check: func(t *testing.T, s *Store, seeded *oauthclient.Client) {
				d, err := s.GetDeveloper(t.Context(), "d1")
				require.NoError(t, err)
				assert.Equal(t, portal.DeveloperActive, d.Status)
				assert.EqualValues(t, 1, d.Version)
				got, err := s.GetClient(t.Context(), "c1")
				require.NoError(t, err)
				assert.Equal(t, seeded, got)
				assert.Equal(t, 1, countRows(t, s, `SELECT count(*) FROM tokens`))
			},
		},
		{
			name: "migrate", after: "CREATE TABLE developers",
			setup: func(*testing.T, *Store) *oauthclient.Client { return nil },
			run:   func(ctx context.Context, s *Store) error { return s.Migrate(ctx) },
			check: func(t *testing.T, s *Store, _ *oauthclient.Client) {
				assert.Zero(t, countRows(t, s,
					`SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()`))
				require.NoError(t, s.Migrate(t.Context()), "a migration broken half-way is retried whole")
				assert.Equal(t, latestVersion(), countRows(t, s, `SELECT max(version) FROM schema_migrations`))
			},
		},
	}
	faults := []struct {
		name string
		// inject returns the fault and, for a cancellation, the error the
		// operation must wrap.
		inject func(t *testing.T, dsn string, cancel context.CancelFunc) (func(*pgx.Conn), error)
	}{
		{
			name: "backend terminated",
			inject: func(t *testing.T, dsn string, _ context.CancelFunc) (func(*pgx.Conn), error) {
				return func(conn *pgx.Conn) {
					// The second argument makes the call wait until the
					// process has gone.
					pgtest.Exec(t, dsn, `SELECT pg_terminate_backend($1, 10000)`, conn.PgConn().PID())
				}, nil
			},
		},
		{
			name: "context cancelled",
			inject: func(_ *testing.T, _ string, cancel context.CancelFunc) (func(*pgx.Conn), error) {
				return func(*pgx.Conn) { cancel() }, context.Canceled
			},
		},
	}
	for _, op := range ops {
		for _, fault := range faults {
			t.Run(op.name+"/"+fault.name, func(t *testing.T) {
				t.Parallel()
				ctx, cancel := context.WithCancel(t.Context())
				defer cancel()
				fn, wantErr := fault.inject(t, pgtest.DSN(t), cancel)
				tracer := &faultTracer{after: op.after, fault: fn}
				fx := newFaultFixture(t, op.migrate, tracer)
				seeded := op.setup(t, fx.plain)

				err := op.run(ctx, fx.faulty)
				require.True(t, tracer.fired.Load(), "the fault never struck")
				require.Error(t, err)
				if wantErr != nil {
					require.ErrorIs(t, err, wantErr)
				}
				op.check(t, fx.plain, seeded)

				// The broken connection is discarded: the faulty store
				// works again.
				require.NoError(t, fx.faulty.pool.Ping(t.Context()))
			})
		}
	}
}

// TestCreateClientAtomic breaks CreateClient in its second statement (the
// secrets' insert, sent in the same batch as the client's): the statement
// fails, the server process is terminated, or the context is cancelled
// while it runs. No client and no secret may remain.
func TestCreateClientAtomic(t *testing.T) {
	t.Parallel()
	faults := []struct {
		name    string
		body    string // of the trigger function run before each secret's insert
		cancel  bool   // cancel the context once the trigger sleeps
		wantErr error
	}{
		{name: "statement fails", body: `RAISE EXCEPTION 'refused by the test';`},
		{name: "backend terminated", body: `PERFORM pg_terminate_backend(pg_backend_pid());`},
		{name: "context cancelled", body: `PERFORM pg_sleep(60);`, cancel: true, wantErr: context.Canceled},
	}
	for _, fault := range faults {
		t.Run(fault.name, func(t *testing.T) {
			t.Parallel()
			dsn, schema := pgtest.Schema(t)
			s := NewFromPool(newPool(t, dsn, schema))
			ctx := t.Context()
			require.NoError(t, s.Migrate(ctx))
			require.NoError(t, s.CreateDeveloper(ctx, testDeveloper("d1", "d1@example.com")))
			_, err := s.pool.Exec(ctx, `CREATE FUNCTION fault() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN `+fault.body+` RETURN NEW; END $$;
CREATE TRIGGER fault BEFORE INSERT ON client_secrets FOR EACH ROW EXECUTE FUNCTION fault();`)
			require.NoError(t, err)

			opCtx, cancel := context.WithCancel(ctx)
			defer cancel()
			if fault.cancel {
				go cancelWhenSleeping(t, s, schema, cancel)
			}
			err = s.CreateClient(opCtx, testClient("c1", "d1"))
			require.Error(t, err)
			if fault.wantErr != nil {
				require.ErrorIs(t, err, fault.wantErr)
			}

			_, err = s.GetClient(ctx, "c1")
			require.ErrorIs(t, err, oauthclient.ErrNotFound)
			assert.Zero(t, countRows(t, s, `SELECT count(*) FROM clients`))
			assert.Zero(t, countRows(t, s, `SELECT count(*) FROM client_secrets`))

			_, err = s.pool.Exec(ctx, `DROP TRIGGER fault ON client_secrets`)
			require.NoError(t, err)
			require.NoError(t, s.CreateClient(ctx, testClient("c1", "d1")), "the store works again")
		})
	}
}

// cancelWhenSleeping calls cancel once a connection of the schema's pool
// (its application_name) sleeps in pg_sleep.
func cancelWhenSleeping(t *testing.T, s *Store, schema string, cancel context.CancelFunc) {
	defer cancel()
	for t.Context().Err() == nil {
		var n int
		err := s.pool.QueryRow(t.Context(), `SELECT count(*) FROM pg_stat_activity
WHERE application_name = $1 AND wait_event = 'PgSleep'`, schema).Scan(&n)
		if err != nil || n > 0 {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
}
