// Package postgres is the production store: it implements [portal.Store]
// (clients, tokens, developers and the catalogue) and
// [oauthclient.TokenPurger] on PostgreSQL with pgx v5, so that several
// gateway and portal nodes can share one state.
//
// # Construction
//
// [Open] connects to a DSN (a URL or key=value string as pgx parses it;
// pool_max_conns and search_path may be given there) and checks that the
// server answers; [Store.Close] closes that pool. [NewFromPool] wraps a
// [pgxpool.Pool] the caller already has and keeps; Close leaves it open.
// The tables live in the first schema of the connections' search_path
// (normally "public"): to keep them in a schema of their own, add
// search_path=name to the DSN, or set
// pool config ConnConfig.RuntimeParams["search_path"].
//
//	s, err := postgres.Open(ctx, "postgres://portal@db.internal:5432/portal?sslmode=verify-full")
//	if err != nil { ... }
//	defer s.Close()
//	if err := s.Migrate(ctx); err != nil { ... }
//	svc, err := portal.New(portal.Config{Store: s})
//
// # Migrations
//
// The schema is created and changed only by [Store.Migrate], never
// implicitly. It applies the SQL files embedded from migrations/ that the
// schema_migrations table does not yet record, in order, in one
// transaction, and records their versions there. It is idempotent, and
// safe when several nodes start at once: the transaction first takes an
// advisory lock (pg_advisory_xact_lock, keyed by the schema name), so one
// node migrates while the others wait, then find nothing left to do. A
// migration that fails half-way leaves nothing behind and is retried whole
// by the next call.
//
// # Schema
//
// Developers (unique index on the case-folded email, folded in Go exactly
// as strings.EqualFold compares, whatever the database's locale); clients,
// their secrets (hashes only, in client_secrets) and their tokens, where a
// client cannot outlive its developer and a token cannot outlive its
// client (foreign keys ON DELETE CASCADE; a client with no developer is
// unowned); the catalogue (apis, policies, catalogue_entries), without
// foreign keys since the catalogue rules belong to package catalogue.
// Tokens are indexed by hash (the primary key), by (client_id, issued_at,
// hash) for revoke-all and listing, by (client_id, grant_id) for grant
// revocation, and by expires_at for purging. Only hashes of client
// secrets, tokens and registration access tokens reach the database.
// Identifiers use the "C" collation, so lists are ordered by bytes as in
// the in-memory store. Times are kept to the microsecond and returned in
// UTC.
//
// # Several nodes, one database
//
// A Store keeps no cache: every authentication reads the client, every
// token check reads the token. A client disabled, a secret rotated or a
// token revoked through one node is therefore refused by every other node
// on its next request. (store/cache trades that for reads from memory,
// refreshed by notifications within milliseconds.) Each change is one
// statement or one transaction: optimistic concurrency through a version
// column (UPDATE ... WHERE id = $1 AND version = $2; no row changed means
// oauthclient.ErrConflict, or oauthclient.ErrNotFound if the row is gone),
// a unique index for developer emails (concurrent sign-ups with one
// address create one developer), and an atomic UPDATE ... RETURNING for
// one-time tokens (of concurrent redemptions of a code exactly one
// succeeds). Any node may call [Store.PurgeExpiredTokens] periodically:
// each call deletes a bounded batch, and concurrent purgers skip each
// other's rows (FOR UPDATE SKIP LOCKED).
//
// # Change notifications
//
// Migration 0002 adds triggers that, in the transaction of every update
// or deletion of a token, client, client secret, API, policy or catalogue
// entry (cascades, purges and statements outside this package included),
// call pg_notify on the channel "portaloauth.<schema>" with the ID or token
// hash of what changed, never a secret or a token: the notification is
// delivered at commit, and a rolled-back change announces nothing. A
// statement deleting more than 16 tokens of one client announces the
// client's tokens as a whole. Migration 0004 announces every change of
// the throttle's failure counts (first failures included), by key.
// [Store.WatchChanges] listens on one
// connection of its own and reports them, with the connection's losses,
// to a [portal.ChangeWatcher]; package store/cache builds a node-local
// cache on it.
//
// # Tokens under concurrency
//
// Concurrent [Store.CreateToken] calls share transactions: a call that
// finds a transaction writing tokens in flight queues, and the next
// transaction writes every queued token (up to Config.TokenBatch) in one
// INSERT statement: one round trip and one commit. Only a full batch
// waiting starts another transaction beside those in flight, up to
// Config.TokenCommits (by default, as many as the pool has connections).
// There is no timer: under light load each token commits alone, as it
// would without grouping, and under load one commit, and one WAL flush,
// carries every token that arrived during the previous one. No call
// returns before the commit holding its token has succeeded; if that
// transaction fails (a lost connection, a server crash), every call in it
// fails and none of its tokens is acknowledged. A token that breaks a constraint (a duplicate hash, an
// unknown client) rolls its batch back, and each token of the batch is
// then written on its own so that each call gets its own answer.
// Config{TokenBatch: 1} gives every token a transaction of its own.
//
// Commits wait for the server's synchronous_commit setting, on by default:
// an acknowledged token survives a server crash. A deployment may trade
// that away for latency with synchronous_commit=off on the store's
// connections (options=-c%20synchronous_commit%3Doff in the DSN, or
// ALTER ROLE ... SET synchronous_commit = off): a commit then returns
// before its WAL reaches the disk, and a server crash within about three
// times wal_writer_delay (600 ms by default) of a commit may lose writes
// already acknowledged. The database stays consistent; lost tokens are
// refused by introspection and the gateway, so their clients must ask for
// new ones. The setting then applies to every write of the store, not only
// to tokens.
//
// # Timeouts
//
// A database that stops answering must not hold requests for as long as
// it is down. [Open] bounds every connection: DefaultConnectTimeout to
// connect, DefaultStatementTimeout per statement (the server's
// statement_timeout) and DefaultLockTimeout to wait for a lock (its
// lock_timeout). The DSN may set connect_timeout, statement_timeout and
// lock_timeout instead, and [OpenWithConfig]'s Config fields win over
// both. A pool given to [NewFromPool] keeps its owner's settings. Give
// requests a deadline too (the context of every call): it bounds the wait
// for a free connection, which no server setting does.
//
// # Errors
//
// Database errors are translated at the boundary: no row is
// oauthclient.ErrNotFound, a unique_violation is oauthclient.ErrDuplicate,
// a foreign_key_violation (a client for an unknown developer, a token for
// an unknown client) is oauthclient.ErrNotFound, a call whose context
// ends returns an error wrapping ctx.Err(), and a database that cannot
// answer now (no connection, a broken one, a statement or lock timeout,
// too many connections, a server shutting down or starting, a
// serialization failure or deadlock) is oauthclient.ErrUnavailable, which
// an HTTP layer answers with 503 and Retry-After rather than as a bug.
// Errors name the operation and
// never carry a PostgreSQL error's detail, where the server quotes the
// values of a violated key.
//
// # Round trips
//
// What each operation costs once pgx has prepared its statements on a
// connection. The first use of a statement on a new connection adds one
// round trip to prepare it, and pgxpool by default pings a connection that
// sat idle for more than a second before handing it out.
//
//	operation                                     round trips
//	GetClient (so: client authentication)         1   client and secrets in one query
//	CreateClient                                  1   client and secrets in one batch, one implicit transaction
//	UpdateClient                                  4   BEGIN, versioned UPDATE, one batch (replace secrets, revoke tokens), COMMIT; 3 on a conflict
//	DeleteClient                                  1   secrets and tokens go by ON DELETE CASCADE
//	ListClients, ListTokens, ListDevelopers       1
//	GetToken, CreateToken, DeleteToken            1   CreateToken: one for a whole batch of concurrent calls
//	ConsumeToken                                  1   2 when the token is used or missing
//	RevokeGrant, RevokeClientTokens               1   one DELETE on an index: O(that client's tokens)
//	PurgeExpiredTokens                            1   per batch
//	Create/Get/GetByEmail/UpdateDeveloper         1
//	DeactivateDeveloper                           4   BEGIN, UPDATE developer, one batch (disable clients, delete tokens), COMMIT; 3 if already inactive
//	catalogue Create/Get/Update/Delete/List       1
//	Migrate                                       5 + 2 per migration applied
package postgres
