package cache

import (
	"context"
	"time"

	"github.com/portaloauth/portaloauth/portal"
	"github.com/portaloauth/portaloauth/portal/throttle"
)

// Throttles returns a throttle.Store over src, a store of the same
// database as the cache's source (store/postgres: Store.Throttles), that
// keeps each key's failures in memory as the cache keeps records: every
// node's writes of them are announced on the source's change feed
// (portal.ChangeFailures), the node that writes forgets its copy at once,
// and while the feed is lost reads go to src (or are refused, with
// Options.WhenLost = Refuse). A client or account without failures, the
// common case, is then checked without a round trip to the database.
// Fail and Reset go to src.
func (s *Store) Throttles(src throttle.Store) throttle.Store {
	t := &throttles{s: s, src: src}
	t.read = read[failures]{
		kind: kindFailures, op: "throttle failures",
		load: func(_ Source, ctx context.Context, key string) (*failures, error) {
			n, last, err := src.Failures(ctx, key)
			if err != nil {
				return nil, err
			}
			return &failures{n: n, last: last}, nil
		},
		clone: func(f *failures) *failures { c := *f; return &c },
		entry: func(*failures) (string, time.Time, int64, bool) { return "", time.Time{}, 32, true },
	}
	return t
}

// failures is what a throttle store keeps of a key.
type failures struct {
	n    int
	last time.Time
}

// throttles is the Store's throttle.Store.
type throttles struct {
	s    *Store
	src  throttle.Store
	read read[failures]
}

var _ throttle.Store = (*throttles)(nil)

// Fail records a failure of key in src, and forgets the copy in memory.
func (t *throttles) Fail(ctx context.Context, key string, now time.Time, window time.Duration) (int, error) {
	n, err := t.src.Fail(ctx, key, now, window)
	t.s.apply(portal.Change{Kind: portal.ChangeFailures, Key: key})
	return n, err
}

// Failures returns key's failures, from memory when it can.
func (t *throttles) Failures(ctx context.Context, key string) (int, time.Time, error) {
	f, err := get(ctx, t.s, &t.read, key)
	if err != nil {
		return 0, time.Time{}, err
	}
	return f.n, f.last, nil
}

// Reset forgets key's failures in src, and the copy in memory.
func (t *throttles) Reset(ctx context.Context, key string) error {
	err := t.src.Reset(ctx, key)
	t.s.apply(portal.Change{Kind: portal.ChangeFailures, Key: key})
	return err
}
