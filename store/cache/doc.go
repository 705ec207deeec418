// Package cache is a node-local cache over a shared store, kept fresh by
// the store's own change notifications: with store/postgres, a gateway or
// portal node answers token checks, client authentications and policy
// look-ups from memory, and learns of every revocation, deletion,
// disable, rotation and catalogue change within milliseconds through
// PostgreSQL's LISTEN/NOTIFY, with no other service.
//
//	pg, err := postgres.Open(ctx, dsn)
//	...
//	st := cache.New(pg, cache.Options{})
//	defer st.Close()
//	svc, err := portal.New(portal.Config{Store: st})
//
// # What is cached
//
// [Store.GetToken] (access tokens, until they expire; unknown hashes for
// Options.NegativeTTL), [Store.GetClient], [Store.GetAPI],
// [Store.GetPolicy] and [Store.GetEntry]: what introspection, the bearer
// check, client authentication and the gateway's grant check read. Lists
// and developers are read from the source. Memory is bounded by
// Options.MaxEntries and Options.MaxBytes (least recently used first out),
// and no entry lives longer than Options.MaxAge without a notification.
//
// [Store.Throttles] keeps, under the same rules, the failed attempts that
// a portal/throttle store of the same database counts per client, account
// or address: a token request of a client without failures then needs no
// round trip before its token is written. Unlike records, a key's first
// failure is announced too, since nodes keep that it had none.
//
// # The guarantee
//
// The source announces, inside the transaction of every write that
// updates or deletes one of these records, what changed (store/postgres:
// triggers calling pg_notify, so that a rolled-back write announces
// nothing; payloads carry identifiers and token hashes, never a secret or
// a token). Each node listens on one connection of its own and drops
// what changed. So:
//
//   - The node that writes drops the record before the write returns: its
//     own next read sees the write.
//   - Another node drops it when the notification arrives, which follows
//     the commit by milliseconds (see BENCHMARKS.md for the figures).
//   - A value read from the source before an invalidation is never cached
//     after it: every invalidation moves a generation counter that a read
//     checks before storing what it read.
//   - A node never goes back on what it has seen: once a read has found a
//     token gone or consumed (a change whose notification has not arrived
//     yet), an older read of the same token ending later does not cache
//     it as it was. What a read saw is kept for Options.MaxAge (served or
//     not); a read that then finds something else there stores nothing
//     and moves the generation counter, since nothing tells which of the
//     two is the newer.
//   - Fail closed: when the listening connection fails (or a heartbeat goes
//     unanswered for two seconds), the node empties the cache and reads
//     through to the source (or, with Options.WhenLost = Refuse, fails
//     with [ErrUnavailable]) until it listens again; it empties the cache
//     once more when it does. A gap in notifications can therefore never
//     leave a revoked token accepted from the cache.
//
// Insertions of records are not announced: a token is known to nobody
// before it is issued, so a hash remembered as unknown is one that was
// presented before it existed, and is forgotten after
// Options.NegativeTTL.
//
// # Metrics
//
// [Store.Stats] returns hits, misses, evictions, invalidations received
// and reconnects; Stats is a slog.LogValuer, and Options.Logger receives
// it each time the feed starts listening or is lost.
package cache
