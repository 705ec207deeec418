package throttle

import (
	"context"
	"sync"
	"time"
)

// Memory is a [Store] in the process: for one node. Keys whose last
// failure is older than their window are dropped as others fail, so the
// map does not grow without bound.
type Memory struct {
	mu   sync.RWMutex
	keys map[string]memEntry
}

type memEntry struct {
	n      int
	last   time.Time
	window time.Duration
}

var _ Store = (*Memory)(nil)

// NewMemory returns an empty Memory.
func NewMemory() *Memory { return &Memory{keys: map[string]memEntry{}} }

// memSweepAt is the size from which Fail drops forgotten keys.
const memSweepAt = 10_000

// Fail records a failure (see [Store.Fail]).
func (m *Memory) Fail(ctx context.Context, key string, now time.Time, window time.Duration) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.keys) >= memSweepAt {
		for k, e := range m.keys {
			if now.Sub(e.last) >= e.window {
				delete(m.keys, k)
			}
		}
	}
	e := m.keys[key]
	if e.n == 0 || now.Sub(e.last) >= window {
		e.n = 0
	}
	e.n++
	e.last, e.window = now, window
	m.keys[key] = e
	return e.n, nil
}

// Failures returns the key's count and last failure (see [Store.Failures]).
func (m *Memory) Failures(ctx context.Context, key string) (int, time.Time, error) {
	if err := ctx.Err(); err != nil {
		return 0, time.Time{}, err
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	e := m.keys[key]
	return e.n, e.last, nil
}

// failuresOf is Failures for the key prefix+name, without building the key
// in memory that lasts: checking a key with no failures allocates nothing.
func (m *Memory) failuresOf(ctx context.Context, prefix, name string) (int, time.Time, error) {
	if err := ctx.Err(); err != nil {
		return 0, time.Time{}, err
	}
	var small [128]byte
	var key []byte
	if len(prefix)+len(name) <= len(small) {
		key = append(append(small[:0], prefix...), name...)
	} else {
		key = []byte(prefix + name)
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	if len(m.keys) == 0 {
		return 0, time.Time{}, nil
	}
	e := m.keys[string(key)] // no copy: the conversion only serves the lookup
	return e.n, e.last, nil
}

// Reset forgets the key (see [Store.Reset]).
func (m *Memory) Reset(ctx context.Context, key string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.keys, key)
	return nil
}
