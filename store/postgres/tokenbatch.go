package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/portaloauth/portaloauth/oauthclient"
)

// Defaults of Config's token batching.
const (
	// DefaultTokenBatch is the most tokens one commit writes when
	// Config.TokenBatch is zero.
	DefaultTokenBatch = 64
	// tokenFlushTimeout bounds one commit of a batch of tokens; the
	// callers' own contexts may end sooner.
	tokenFlushTimeout = 10 * time.Second
)

// tokenBatcher groups the inserts of concurrent CreateToken calls into
// one transaction each, so that many tokens share one commit (and one
// WAL flush) instead of paying one each.
//
// It waits for nothing but a connection and the commit in flight: a call
// that finds no transaction in flight starts one, takes a connection from
// the pool, and then writes every call that has queued by then; calls
// arriving while it is in flight queue up and go together in the next
// one. Only a full batch waiting (max calls) starts another transaction
// beside those in flight, up to commits of them. Under light load a token
// is written alone, as without batching; under load a commit carries
// every token that arrived while the previous one was committing, up to
// max. One transaction in flight is what makes tokens share commits: each
// transaction costs the server far more than each row it inserts, and
// with a transaction per caller in flight (as many as the pool has
// connections) every caller would get a commit of its own, as without
// batching. No call returns success before the commit holding its token
// has succeeded.
type tokenBatcher struct {
	s       *Store
	max     int // tokens per commit
	commits int // commits in flight, at most

	mu       sync.Mutex
	queue    []*tokenWrite
	inFlight int
}

// tokenWrite is one CreateToken call waiting for its commit.
type tokenWrite struct {
	ctx  context.Context
	t    *oauthclient.Token // a copy, taken when the call was made
	code *string            // t.Code as JSON, nil for none
	done chan error         // receives the outcome once, buffered
}

// sqlInsertTokens inserts many tokens in one statement: one array per
// column, the authorization codes as JSON text.
const sqlInsertTokens = `INSERT INTO tokens (` + tokenColumns + `)
SELECT h, k, c, g, s, p, sc, i, e, u, cd::jsonb FROM unnest(
	$1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
	$8::timestamptz[], $9::timestamptz[], $10::boolean[], $11::text[]) AS t(h, k, c, g, s, p, sc, i, e, u, cd)`

func newTokenBatcher(s *Store, max, commits int) *tokenBatcher {
	return &tokenBatcher{s: s, max: max, commits: commits}
}

// create queues t and waits until the commit holding it has ended, or ctx
// has: then t may or may not be written, but it is not acknowledged.
func (b *tokenBatcher) create(ctx context.Context, t *oauthclient.Token) error {
	if err := ctx.Err(); err != nil {
		return wrapErr(ctx, "create token", err)
	}
	w := &tokenWrite{ctx: ctx, t: t.Clone(), done: make(chan error, 1)}
	if t.Code != nil {
		js, err := json.Marshal(t.Code)
		if err != nil {
			return wrapErr(ctx, "create token", err)
		}
		code := string(js)
		w.code = &code
	}
	b.mu.Lock()
	b.queue = append(b.queue, w)
	var full []*tokenWrite // a full batch this call commits beside those in flight
	lead := b.inFlight == 0
	if !lead && len(b.queue) >= b.max && b.inFlight < b.commits {
		lead, full = true, b.take()
	}
	if lead {
		b.inFlight++
	}
	b.mu.Unlock()
	if lead {
		// This call commits the full batch it took, or else what has
		// queued by the time it has a connection, its own token included
		// unless another commit took it; then it hands what queued
		// meanwhile to a goroutine.
		b.commit(full)
		b.next()
	}
	select {
	case err := <-w.done:
		return err
	case <-ctx.Done():
		return wrapErr(ctx, "create token", ctx.Err())
	}
}

// take removes up to max writes from the queue, dropping those whose
// callers have gone. b.mu must be held.
func (b *tokenBatcher) take() []*tokenWrite {
	n := min(len(b.queue), b.max)
	batch := make([]*tokenWrite, 0, n)
	for _, w := range b.queue[:n] {
		if err := w.ctx.Err(); err != nil {
			w.done <- wrapErr(w.ctx, "create token", err)
			continue
		}
		batch = append(batch, w)
	}
	rest := copy(b.queue, b.queue[n:])
	clear(b.queue[rest:])
	b.queue = b.queue[:rest]
	return batch
}

// commit takes a connection, then, unless given a batch, every queued
// call (up to max), and writes their tokens.
func (b *tokenBatcher) commit(batch []*tokenWrite) {
	ctx, cancel := context.WithTimeout(context.Background(), tokenFlushTimeout)
	defer cancel()
	conn, err := b.s.pool.Acquire(ctx)
	if batch == nil {
		b.mu.Lock()
		batch = b.take()
		b.mu.Unlock()
	}
	if err != nil {
		err = wrapErr(ctx, "create token", err)
		for _, w := range batch {
			w.done <- err
		}
		return
	}
	defer conn.Release()
	b.write(ctx, conn, batch)
}

// next ends a commit: if calls queued meanwhile, a goroutine commits
// them, and every batch that queues behind them, until the queue is
// empty (or, with other commits in flight, shorter than a batch); else
// the commit's slot is free.
func (b *tokenBatcher) next() {
	b.mu.Lock()
	defer b.mu.Unlock()
	// Another transaction in flight takes a queue shorter than a batch
	// when it ends.
	if len(b.queue) == 0 || (b.inFlight > 1 && len(b.queue) < b.max) {
		b.inFlight--
		return
	}
	go func() {
		b.commit(nil)
		b.next()
	}()
}

// write inserts the batch in one statement (one round trip, one commit) and tells each caller the outcome. If a token breaks a
// constraint (a duplicate hash, an unknown client), nothing of the batch
// was written: each token is then inserted on its own, so that each caller
// gets its own answer. Any other failure (a lost connection, a timeout)
// fails every call of the batch: none is acknowledged, whether or not the
// server committed before the failure.
func (b *tokenBatcher) write(ctx context.Context, conn *pgxpool.Conn, batch []*tokenWrite) {
	var err error
	switch len(batch) {
	case 0:
		return
	case 1: // the plain insert costs the server less
		_, err = conn.Exec(ctx, sqlInsertToken, tokenArgs(batch[0].t)...)
	default:
		_, err = conn.Exec(ctx, sqlInsertTokens, insertColumns(batch)...)
	}
	if err == nil {
		for _, w := range batch {
			w.done <- nil
		}
		return
	}
	if len(batch) > 1 && isConstraintViolation(err) {
		for _, w := range batch {
			_, err := conn.Exec(ctx, sqlInsertToken, tokenArgs(w.t)...)
			w.done <- wrapErr(ctx, "create token", err)
		}
		return
	}
	err = wrapErr(ctx, "create token", err)
	for _, w := range batch {
		w.done <- err
	}
}

// isConstraintViolation reports whether err is an integrity constraint
// violation (SQLSTATE class 23), which rolls back the statement's
// transaction and nothing else.
func isConstraintViolation(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && len(pgErr.Code) == 5 && pgErr.Code[:2] == "23"
}

// insertColumns are the arguments of sqlInsertTokens for batch.
func insertColumns(batch []*tokenWrite) []any {
	n := len(batch)
	hash, kind, client, grant, subject, policy, scope := make([]string, n), make([]string, n), make([]string, n),
		make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	issued, expires, consumed, code := make([]time.Time, n), make([]time.Time, n), make([]bool, n), make([]*string, n)
	for i, w := range batch {
		t := w.t
		hash[i], kind[i], client[i], grant[i], subject[i], policy[i], scope[i] =
			t.Hash, string(t.Kind), t.ClientID, t.GrantID, t.Subject, t.PolicyID, t.Scope
		issued[i], expires[i], consumed[i], code[i] = t.IssuedAt, t.ExpiresAt, t.Consumed, w.code
	}
	return []any{hash, kind, client, grant, subject, policy, scope, issued, expires, consumed, code}
}

// tokenArgs are the arguments of sqlInsertToken for t.
func tokenArgs(t *oauthclient.Token) []any {
	return []any{t.Hash, string(t.Kind), t.ClientID, t.GrantID, t.Subject,
		t.PolicyID, t.Scope, t.IssuedAt, t.ExpiresAt, t.Consumed, t.Code}
}
