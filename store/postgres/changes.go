package postgres

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/portaloauth/portaloauth/portal"
)

var _ portal.ChangeFeed = (*Store)(nil)

// Listener timing. The listening connection is idle but for
// notifications; a round trip after heartbeatInterval without one proves
// it still works, so that a connection that died silently is noticed
// within heartbeatInterval+heartbeatTimeout. A failed connection is
// retried after retryMin, doubling up to retryMax.
const (
	heartbeatInterval = time.Second
	heartbeatTimeout  = 2 * time.Second
	retryMin          = 50 * time.Millisecond
	retryMax          = 2 * time.Second
)

// ListenerApplicationName is the application_name of the connection
// [Store.WatchChanges] listens on, as pg_stat_activity shows it, when the
// pool's connections have none; otherwise it is theirs followed by
// " listener".
const ListenerApplicationName = "portaloauth listener"

// WatchChanges listens, on one connection of its own (outside the pool),
// for the notifications the schema's triggers send at each commit that
// updates or deletes a token, client, API, policy or catalogue entry (see
// migration 0002), or changes a throttle key's failures (migration 0004),
// and calls w with them until ctx ends; then it returns
// ctx's error. A rolled-back write announces nothing.
//
// w.Listening is called once LISTEN has succeeded; from then on every
// committed change is announced. When the connection fails (the server
// ends it, the network drops it, or a heartbeat round trip gets no answer
// within two seconds), or an attempt to listen fails (the server is down,
// or the schema lacks those migrations' triggers), w.Lost is called, and
// WatchChanges tries again, with a backoff of at most two seconds, and
// calls w.Listening once it listens.
func (s *Store) WatchChanges(ctx context.Context, w portal.ChangeWatcher) error {
	delay := retryMin
	for {
		listened, err := s.listen(ctx, w)
		if ctx.Err() != nil {
			if listened {
				w.Lost(ctx.Err())
			}
			return ctx.Err()
		}
		w.Lost(err)
		if listened {
			delay = retryMin
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(delay):
		}
		delay = min(2*delay, retryMax)
	}
}

// listen connects, listens and delivers notifications until the
// connection fails or ctx ends. listened tells whether w.Listening was
// called.
func (s *Store) listen(ctx context.Context, w portal.ChangeWatcher) (listened bool, err error) {
	cfg := s.pool.Config().ConnConfig.Copy()
	if name := cfg.RuntimeParams["application_name"]; name != "" {
		cfg.RuntimeParams["application_name"] = name + " listener"
	} else {
		cfg.RuntimeParams["application_name"] = ListenerApplicationName
	}
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return false, wrapErr(ctx, "listen", err)
	}
	defer func() {
		closeCtx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		_ = conn.Close(closeCtx)
	}()
	// The schema of the tables, and whether its triggers announce changes
	// (migrations 0002 and 0004): without them nothing would ever be
	// announced, and a cache must never believe it listens.
	var schema *string
	var triggers bool
	if err := conn.QueryRow(ctx, `SELECT n.nspname, EXISTS (SELECT 1 FROM pg_trigger t
			WHERE t.tgrelid = c.oid AND t.tgname = 'tokens_deleted_notify' AND t.tgenabled <> 'D')
		AND EXISTS (SELECT 1 FROM pg_trigger t WHERE t.tgrelid = to_regclass('throttle_failures')
			AND t.tgname = 'throttle_failures_notify' AND t.tgenabled <> 'D')
		FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE c.oid = to_regclass('tokens')`).Scan(&schema, &triggers); err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return false, wrapErr(ctx, "listen", err)
	}
	if schema == nil || !triggers {
		return false, errors.New("postgres: listen: the schema on the search_path does not announce changes: run Migrate")
	}
	channel := changeChannel(*schema)
	if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{channel}.Sanitize()); err != nil {
		return false, wrapErr(ctx, "listen", err)
	}
	w.Listening()
	for {
		waitCtx, cancel := context.WithTimeout(ctx, heartbeatInterval)
		n, err := conn.WaitForNotification(waitCtx)
		cancel()
		switch {
		case err == nil:
			if c, ok := parseChange(n.Payload); ok {
				w.Changed(c)
			} else {
				w.Changed(portal.Change{Kind: portal.ChangeAll})
			}
			continue
		case ctx.Err() != nil:
			return true, ctx.Err()
		case !errors.Is(err, context.DeadlineExceeded) || conn.IsClosed():
			return true, wrapErr(ctx, "listen", err)
		}
		// Quiet for heartbeatInterval: check the connection still answers.
		pingCtx, cancel := context.WithTimeout(ctx, heartbeatTimeout)
		err = conn.Ping(pingCtx)
		cancel()
		if err != nil {
			return true, wrapErr(ctx, "listen: heartbeat", err)
		}
	}
}

// changeChannel is the notification channel of the tables in a schema, as
// migration 0002's portaloauth_channel function names it.
func changeChannel(schema string) string {
	ch := "portaloauth." + schema
	if len(ch) > 63 { // PostgreSQL truncates identifiers to 63 bytes
		ch = ch[:63]
	}
	return ch
}

// changeKinds maps a payload's prefix to its kind.
var changeKinds = map[string]portal.ChangeKind{
	"t": portal.ChangeToken,
	"T": portal.ChangeClientTokens,
	"c": portal.ChangeClient,
	"a": portal.ChangeAPI,
	"p": portal.ChangePolicy,
	"e": portal.ChangeEntry,
	"f": portal.ChangeFailures,
}

// parseChange reads a notification payload of migration 0002's triggers.
// "*" is portal.ChangeAll; a payload it does not know is not ok.
func parseChange(payload string) (portal.Change, bool) {
	if payload == "*" {
		return portal.Change{Kind: portal.ChangeAll}, true
	}
	prefix, key, ok := strings.Cut(payload, ":")
	kind, known := changeKinds[prefix]
	if !ok || !known {
		return portal.Change{}, false
	}
	return portal.Change{Kind: kind, Key: key}, true
}
