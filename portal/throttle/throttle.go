// Package throttle slows down guessing: it counts the failures of a key (a
// client ID, an account, a remote address) and makes the key wait,
// exponentially longer with each failure beyond a few free ones, before its
// next attempt is even checked.
//
// # Choices
//
//   - The wait is capped (Config.Max) and failures are forgotten after a
//     quiet Config.Window, so an attacker who fails on purpose can delay a
//     victim's key by at most Max at a time, never lock it for good.
//   - An attempt made while the key must wait is refused without being
//     checked and is not counted: a guess costs no hashing, and hammering a
//     blocked key does not lengthen its block.
//   - A success forgets the key's failures.
//   - Where the failures are kept is a [Store]: [NewMemory] for one node; a
//     store shared by several nodes (store/postgres keeps a table) makes
//     them throttle together.
package throttle

import (
	"context"
	"time"

	"github.com/portaloauth/portaloauth/oauthclient"
)

// Store keeps failure counts. Implementations are safe for concurrent use.
type Store interface {
	// Fail records one failure of key at now, atomically, and returns the
	// key's failures: 1 if it had none, or if its last failure is older
	// than window; else one more than before.
	Fail(ctx context.Context, key string, now time.Time, window time.Duration) (int, error)
	// Failures returns the key's failure count and the time of its last
	// failure; 0 and the zero time if it has none.
	Failures(ctx context.Context, key string) (int, time.Time, error)
	// Reset forgets the key's failures. A key without any is no error.
	Reset(ctx context.Context, key string) error
}

// Config configures a [Throttle]; the zero value of each field means its
// default.
type Config struct {
	Store  Store            // nil: NewMemory()
	Free   int              // failures without any wait; 0: 5
	Base   time.Duration    // the first wait; 0: 1s
	Max    time.Duration    // the longest wait; 0: 1 minute
	Window time.Duration    // failures are forgotten after this quiet time; 0: 15 minutes
	Now    func() time.Time // nil: time.Now
}

// Throttle decides how long a key must wait. It is safe for concurrent
// use.
type Throttle struct {
	store           Store
	free            int
	base, max, wind time.Duration
	now             func() time.Time
}

// New returns a Throttle for cfg.
func New(cfg Config) *Throttle {
	t := &Throttle{store: cfg.Store, free: cfg.Free, base: cfg.Base, max: cfg.Max, wind: cfg.Window, now: cfg.Now}
	if t.store == nil {
		t.store = NewMemory()
	}
	if t.free <= 0 {
		t.free = 5
	}
	if t.base <= 0 {
		t.base = time.Second
	}
	if t.max <= 0 {
		t.max = time.Minute
	}
	if t.wind <= 0 {
		t.wind = 15 * time.Minute
	}
	if t.now == nil {
		t.now = time.Now
	}
	return t
}

// backoff is the wait n failures impose after the last one.
func (t *Throttle) backoff(n int) time.Duration {
	if n <= t.free {
		return 0
	}
	shift := min(n-t.free-1, 30)
	return min(t.base<<shift, t.max)
}

// Check returns nil if key may make an attempt now, or an
// *oauthclient.Error standing for [oauthclient.ErrThrottled] whose
// RetryAfter is the wait left; failed reports whether the key has failures on record, so
// that only then a success needs [Throttle.Succeeded]. A store failure is
// returned as it is.
func (t *Throttle) Check(ctx context.Context, key string) (failed bool, err error) {
	n, last, err := t.store.Failures(ctx, key)
	return t.check(n, last, err)
}

// CheckKey is [Throttle.Check] for the key prefix+name (such as "client:"
// and a client ID). With a [Memory] store it builds that key only where it
// must be kept, so checking a key that has no failures allocates nothing;
// other stores are asked [Store.Failures] for prefix+name.
func (t *Throttle) CheckKey(ctx context.Context, prefix, name string) (failed bool, err error) {
	var n int
	var last time.Time
	if m, ok := t.store.(*Memory); ok {
		n, last, err = m.failuresOf(ctx, prefix, name)
	} else {
		n, last, err = t.store.Failures(ctx, prefix+name)
	}
	return t.check(n, last, err)
}

// check decides Check from a key's failures as the store returned them.
func (t *Throttle) check(n int, last time.Time, err error) (failed bool, _ error) {
	if err != nil || n == 0 {
		return false, err
	}
	now := t.now()
	if now.Sub(last) >= t.wind {
		return true, nil
	}
	if left := last.Add(t.backoff(n)).Sub(now); left > 0 {
		return true, &oauthclient.Error{Err: oauthclient.ErrThrottled, RetryAfter: left}
	}
	return true, nil
}

// Failed records a failed attempt of key and returns the wait it imposes
// on the next one (0: none).
func (t *Throttle) Failed(ctx context.Context, key string) (time.Duration, error) {
	n, err := t.store.Fail(ctx, key, t.now(), t.wind)
	if err != nil {
		return 0, err
	}
	return t.backoff(n), nil
}

// Succeeded forgets key's failures.
func (t *Throttle) Succeeded(ctx context.Context, key string) error {
	return t.store.Reset(ctx, key)
}
