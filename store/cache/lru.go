package cache

import (
	"hash/maphash"
	"reflect"
	"sync"
	"sync/atomic"
)

// kind is what a cache key names.
type kind uint8

const (
	kindToken kind = iota + 1
	kindClient
	kindAPI
	kindPolicy
	kindEntry
	kindFailures // a throttle key's failures
)

// key names one cached record: a token by hash, the others by ID.
type key struct {
	kind kind
	id   string
}

// entry is one cached record, or the absence of a token (value nil).
type entry struct {
	key     key
	value   any    // *oauthclient.Token, *oauthclient.Client, *catalogue.API, ...; nil: not found
	owner   string // a token's client ID, a client's developer ID
	expires int64  // Unix nanoseconds: served until then
	// keep is when the entry goes, in Unix nanoseconds: from expires to
	// keep it is no longer served but still stands for what its read saw,
	// so that an older read of the same record ending late conflicts with
	// it instead of filling the cache (see put).
	keep int64
	size int64
	prev *entry
	next *entry
}

// lru is a set of shards, each a map and a list from most to least
// recently used, bounded in entries and bytes: each shard keeps at most
// its share of both.
type lru struct {
	seed       maphash.Seed
	shards     []shard
	maxEntries int
	maxBytes   int64
	evictions  atomic.Int64
}

type shard struct {
	mu    sync.Mutex
	m     map[key]*entry
	head  entry // sentinel: head.next is the most recently used
	bytes int64
	_     [64]byte // keep shards' locks on separate cache lines
}

// newLRU returns an lru of at most maxEntries entries and maxBytes bytes;
// small bounds get one shard, so that they hold exactly.
func newLRU(maxEntries int, maxBytes int64) *lru {
	n := 16
	if maxEntries < 64*n || maxBytes < 64<<10*int64(n) {
		n = 1
	}
	l := &lru{seed: maphash.MakeSeed(), shards: make([]shard, n),
		maxEntries: max(maxEntries/n, 1), maxBytes: max(maxBytes/int64(n), 1)}
	for i := range l.shards {
		s := &l.shards[i]
		s.m = make(map[key]*entry)
		s.head.next, s.head.prev = &s.head, &s.head
	}
	return l
}

func (l *lru) shard(k key) *shard {
	if len(l.shards) == 1 {
		return &l.shards[0]
	}
	return &l.shards[maphash.String(l.seed, k.id)%uint64(len(l.shards))]
}

// get returns the entry of k if it has not expired at now, as the most
// recently used; an entry past its keep time is removed. The caller holds
// no lock: the returned entry's value must not be changed, only copied.
func (l *lru) get(k key, now int64) (value any, found bool) {
	s := l.shard(k)
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.m[k]
	if !ok {
		return nil, false
	}
	if now >= e.expires {
		if now >= e.keep {
			s.remove(e)
		}
		return nil, false
	}
	s.unlink(e)
	s.pushFront(e)
	return e.value, true
}

// put stores e, and evicts least recently used entries past the bounds.
// If ok() does not hold under the shard's lock (the read began before an
// invalidation, or the cache does not serve), e is stored only to stand
// for what its read saw, never served, and only where nothing is. An
// entry larger than a shard's byte bound is not stored.
//
// An entry of e.key already there was stored by another read, which
// overlapped e's or ended before it began. If it holds the same value, e
// replaces it (or, if e is not to be served, it stays). If not, the two
// reads saw different states and nothing tells which is the newer: e is
// not stored, the entry is removed and conflict is called, under the
// lock, so that no read in flight can store either state after it.
func (l *lru) put(e *entry, ok func() bool, conflict func()) {
	s := l.shard(e.key)
	s.mu.Lock()
	defer s.mu.Unlock()
	serve := ok()
	if old, found := s.m[e.key]; found {
		if !reflect.DeepEqual(old.value, e.value) {
			s.remove(old)
			conflict()
			return
		}
		if !serve {
			return
		}
		s.remove(old)
	}
	if !serve {
		e.expires = 0
	}
	if e.size > l.maxBytes {
		return
	}
	s.m[e.key] = e
	s.pushFront(e)
	s.bytes += e.size
	for len(s.m) > l.maxEntries || s.bytes > l.maxBytes {
		s.remove(s.head.prev)
		l.evictions.Add(1)
	}
}

// delete removes the entry of k, if any.
func (l *lru) delete(k key) {
	s := l.shard(k)
	s.mu.Lock()
	if e, ok := s.m[k]; ok {
		s.remove(e)
	}
	s.mu.Unlock()
}

// deleteFunc removes every entry for which drop is true.
func (l *lru) deleteFunc(drop func(*entry) bool) {
	for i := range l.shards {
		s := &l.shards[i]
		s.mu.Lock()
		for _, e := range s.m {
			if drop(e) {
				s.remove(e)
			}
		}
		s.mu.Unlock()
	}
}

// clear removes every entry.
func (l *lru) clear() {
	for i := range l.shards {
		s := &l.shards[i]
		s.mu.Lock()
		clear(s.m)
		s.head.next, s.head.prev = &s.head, &s.head
		s.bytes = 0
		s.mu.Unlock()
	}
}

// size returns the number of entries and their bytes.
func (l *lru) size() (entries int, bytes int64) {
	for i := range l.shards {
		s := &l.shards[i]
		s.mu.Lock()
		entries += len(s.m)
		bytes += s.bytes
		s.mu.Unlock()
	}
	return entries, bytes
}

func (s *shard) pushFront(e *entry) {
	e.prev, e.next = &s.head, s.head.next
	s.head.next.prev = e
	s.head.next = e
}

func (s *shard) unlink(e *entry) {
	e.prev.next, e.next.prev = e.next, e.prev
	e.prev, e.next = nil, nil
}

func (s *shard) remove(e *entry) {
	s.unlink(e)
	delete(s.m, e.key)
	s.bytes -= e.size
}
