package memory

// table is an open-addressing hash set of *T with linear probing: a slot
// costs one pointer, where a Go map keyed by a token hash costs about a
// hundred bytes per entry. Keys live in the elements; the caller computes
// the hash of a key, and hash computes it from an element when slots move.
// It is not safe for concurrent use.
type table[T any] struct {
	slots []*T
	n     int
	hash  func(*T) uint64
}

const minTableSize = 8

func newTable[T any](hash func(*T) uint64) table[T] {
	return table[T]{slots: make([]*T, minTableSize), hash: hash}
}

// len returns how many elements the table holds.
func (t *table[T]) len() int { return t.n }

// lookup returns the element with hash h that match accepts, or nil.
func (t *table[T]) lookup(h uint64, match func(*T) bool) *T {
	mask := uint64(len(t.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		e := t.slots[i]
		if e == nil || match(e) {
			return e
		}
	}
}

// insert adds e, which must not be in the table.
func (t *table[T]) insert(e *T) {
	if (t.n+1)*4 > len(t.slots)*3 {
		t.resize(len(t.slots) * 2)
	}
	t.place(e)
	t.n++
}

func (t *table[T]) place(e *T) {
	mask := uint64(len(t.slots) - 1)
	i := t.hash(e) & mask
	for t.slots[i] != nil {
		i = (i + 1) & mask
	}
	t.slots[i] = e
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

// remove deletes e, if present, shifting back the elements that follow
// it in its probe run so that no tombstone is left. It never resizes: call
// shrink after a batch of removals.
func (t *table[T]) remove(e *T) {
	if i := t.index(e); i >= 0 {
		t.removeAt(i)
	}
}

// removeAt empties slot i and fills the hole from the run that follows.
func (t *table[T]) removeAt(i int) {
	mask := len(t.slots) - 1
	t.n--
	for {
		t.slots[i] = nil
		j := i
		for {
			j = (j + 1) & mask
			e := t.slots[j]
			if e == nil {
				return
			}
			home := int(t.hash(e)) & mask
			// e may stay unless its home lies cyclically outside (i, j].
			if (i < j && i < home && home <= j) || (i > j && (i < home || home <= j)) {
				continue
			}
			t.slots[i] = e
			i = j
			break
		}
	}
}

// shrink halves the table while it is less than an eighth full.
func (t *table[T]) shrink() {
	size := len(t.slots)
	for size > minTableSize && t.n*8 < size {
		size /= 2
	}
	if size != len(t.slots) {
		t.resize(size)
	}
}

func (t *table[T]) resize(size int) {
	old := t.slots
	t.slots = make([]*T, size)
	for _, e := range old {
		if e != nil {
			t.place(e)
		}
	}
}
