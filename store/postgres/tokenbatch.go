package postgres

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

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
// It waits for nothing: a call that finds fewer than max commits in flight
// starts one at once with whatever has queued; calls arriving while all
// commits are in flight queue up and go together in the next one. Under
// light load a token is written alone, as without batching; under heavy
// load a commit carries up to max tokens. No call returns success before
// the commit holding its token has succeeded.
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
	args []any      // the insert's arguments, taken when the call was made
	done chan error // receives the outcome once, buffered
}

func newTokenBatcher(s *Store, max, commits int) *tokenBatcher {
	return &tokenBatcher{s: s, max: max, commits: commits}
}

// create queues t and waits until the commit holding it has ended, or ctx
// has: then t may or may not be written, but it is not acknowledged.
func (b *tokenBatcher) create(ctx context.Context, t *oauthclient.Token) error {
	if err := ctx.Err(); err != nil {
		return wrapErr(ctx, "create token", err)
	}
	w := &tokenWrite{ctx: ctx, args: tokenArgs(t.Clone()), done: make(chan error, 1)}
	b.mu.Lock()
	b.queue = append(b.queue, w)
	var batch []*tokenWrite
	if b.inFlight < b.commits {
		b.inFlight++
		batch = b.take()
	}
	b.mu.Unlock()
	if batch != nil {
		go b.flush(batch)
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

// flush commits batch, then every batch that queued meanwhile, until the
// queue is empty.
func (b *tokenBatcher) flush(batch []*tokenWrite) {
	for {
		if len(batch) > 0 {
			b.write(batch)
		}
		b.mu.Lock()
		if len(b.queue) == 0 {
			b.inFlight--
			b.mu.Unlock()
			return
		}
		batch = b.take()
		b.mu.Unlock()
	}
}

// write inserts the batch in one implicit transaction (one round trip,
// one commit) and tells each caller the outcome. If a token breaks a
// constraint (a duplicate hash, an unknown client), nothing of the batch
// was written: each token is then inserted on its own, so that each caller
// gets its own answer. Any other failure (a lost connection, a timeout)
// fails every call of the batch: none is acknowledged, whether or not the
// server committed before the failure.
func (b *tokenBatcher) write(batch []*tokenWrite) {
	ctx, cancel := context.WithTimeout(context.Background(), tokenFlushTimeout)
	defer cancel()
	var pb pgx.Batch
	for _, w := range batch {
		pb.Queue(sqlInsertToken, w.args...)
	}
	err := b.s.pool.SendBatch(ctx, &pb).Close()
	if err == nil {
		for _, w := range batch {
			w.done <- nil
		}
		return
	}
	if len(batch) > 1 && isConstraintViolation(err) {
		for _, w := range batch {
			_, err := b.s.pool.Exec(ctx, sqlInsertToken, w.args...)
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

// tokenArgs are the arguments of sqlInsertToken for t.
func tokenArgs(t *oauthclient.Token) []any {
	return []any{t.Hash, string(t.Kind), t.ClientID, t.GrantID, t.Subject,
		t.PolicyID, t.Scope, t.IssuedAt, t.ExpiresAt, t.Consumed, t.Code}
}
