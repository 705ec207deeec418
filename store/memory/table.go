package memory

// table is an open-addressing hash set of *T with linear probing: a slot
// costs one pointer, where a Go map keyed by a token hash costs about a
// hundred bytes per entry. Keys live in the elements; the caller computes
// the hash of a key, and hash computes it from an element when the table
// grows. A removed element leaves a tombstone, so that removing costs one
// probe and never touches the elements that follow: revoking a client's
// tokens then costs a few cache misses per token. Tombstones are dropped
// when the table is rebuilt. It is not safe for concurrent use.
type table[T any] struct {
	slots []*T
	n     int // elements
	dead  int // tombstones
	tomb  *T  // the tombstone: a pointer no element has
	hash  func(*T) uint64
}

const minTableSize = 8

func newTable[T any](hash func(*T) uint64) table[T] {
	return table[T]{slots: make([]*T, minTableSize), tomb: new(T), hash: hash}
}

// len returns how many elements the table holds.
func (t *table[T]) len() int { return t.n }

// lookup returns the element with hash h that match accepts, or nil.
func (t *table[T]) lookup(h uint64, match func(*T) bool) *T {
	mask := uint64(len(t.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		switch e := t.slots[i]; {
		case e == nil:
			return nil
		case e != t.tomb && match(e):
			return e
		}
	}
}

// insert adds e, which must not be in the table.
func (t *table[T]) insert(e *T) {
	if (t.n+t.dead+1)*4 > len(t.slots)*3 {
		t.rebuild(t.n + 1)
	}
	mask := uint64(len(t.slots) - 1)
	i := t.hash(e) & mask
	for t.slots[i] != nil && t.slots[i] != t.tomb {
		i = (i + 1) & mask
	}
	if t.slots[i] == t.tomb {
		t.dead--
	}
	t.slots[i] = e
	t.n++
}

// index returns the slot holding e, or -1.
func (t *table[T]) index(e *T) int {
	mask := uint64(len(t.slots) - 1)
	for i := t.hash(e) & mask; t.slots[i] != nil; i = (i + 1) & mask {
		if t.slots[i] == e {
			return int(i)
		}
	}
	return -1
}

// replace puts e where old is; both must have the same hash.
func (t *table[T]) replace(old, e *T) {
	if i := t.index(old); i >= 0 {
		t.slots[i] = e
	}
}

// remove deletes e, if present. It never resizes: call shrink after a
// batch of removals.
func (t *table[T]) remove(e *T) {
	if i := t.index(e); i >= 0 {
		t.slots[i] = t.tomb
		t.n--
		t.dead++
	}
}

// at returns the element in slot i, or nil if the slot holds none.
func (t *table[T]) at(i int) *T {
	if e := t.slots[i]; e != t.tomb {
		return e
	}
	return nil
}

// shrink rebuilds the table smaller while it is less than an eighth full.
func (t *table[T]) shrink() {
	if len(t.slots) > minTableSize && t.n*8 < len(t.slots) {
		t.rebuild(t.n)
	}
}

// rebuild moves the elements, without tombstones, to a table sized for n
// elements: at most half full.
func (t *table[T]) rebuild(n int) {
	size := minTableSize
	for size < 2*n {
		size *= 2
	}
	old := t.slots
	t.slots = make([]*T, size)
	t.dead = 0
	mask := uint64(size - 1)
	for _, e := range old {
		if e == nil || e == t.tomb {
			continue
		}
		i := t.hash(e) & mask
		for t.slots[i] != nil {
			i = (i + 1) & mask
		}
		t.slots[i] = e
	}
}
