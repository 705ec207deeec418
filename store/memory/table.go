package memory

// table is an open-addressing hash set of handles H with linear probing:
// a slot costs one handle (a pointer, or an index into a slab), where a Go
// map keyed by a token hash costs about a hundred bytes per entry. Keys
// live in the elements; the caller computes the hash of a key, and hash
// computes it from an element when the table grows. The zero H is an
// empty slot. A removed element leaves a tombstone, so that removing
// costs one probe and never touches the elements that follow: revoking a
// client's tokens then costs a few cache misses per token. Tombstones are
// dropped when the table is rebuilt. It is not safe for concurrent use.
type table[H comparable] struct {
	slots []H
	n     int // elements
	dead  int // tombstones
	tomb  H   // the tombstone: a handle no element has
	hash  func(H) uint64
}

const minTableSize = 8

// newTable returns an empty table whose tombstone is tomb, which must be
// neither the zero H nor any element's handle.
func newTable[H comparable](hash func(H) uint64, tomb H) table[H] {
	return table[H]{slots: make([]H, minTableSize), tomb: tomb, hash: hash}
}

// len returns how many elements the table holds.
func (t *table[H]) len() int { return t.n }

// lookup returns the element with hash h that match accepts, or the zero
// H.
func (t *table[H]) lookup(h uint64, match func(H) bool) H {
	var none H
	mask := uint64(len(t.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		switch e := t.slots[i]; {
		case e == none:
			return none
		case e != t.tomb && match(e):
			return e
		}
	}
}

// insert adds e, which must not be in the table.
func (t *table[H]) insert(e H) {
	if (t.n+t.dead+1)*4 > len(t.slots)*3 {
		t.rebuild(t.n + 1)
	}
	mask := uint64(len(t.slots) - 1)
	var none H
	i := t.hash(e) & mask
	for t.slots[i] != none && t.slots[i] != t.tomb {
		i = (i + 1) & mask
	}
	if t.slots[i] == t.tomb {
		t.dead--
	}
	t.slots[i] = e
	t.n++
}

// index returns the slot holding e, or -1.
func (t *table[H]) index(e H) int {
	var none H
	mask := uint64(len(t.slots) - 1)
	for i := t.hash(e) & mask; t.slots[i] != none; i = (i + 1) & mask {
		if t.slots[i] == e {
			return int(i)
		}
	}
	return -1
}

// replace puts e where old is; both must have the same hash.
func (t *table[H]) replace(old, e H) {
	if i := t.index(old); i >= 0 {
		t.slots[i] = e
	}
}

// remove deletes e, if present. It never resizes: call shrink after a
// batch of removals.
func (t *table[H]) remove(e H) {
	if i := t.index(e); i >= 0 {
		t.slots[i] = t.tomb
		t.n--
		t.dead++
	}
}

// at returns the element in slot i, or the zero H if the slot holds
// none.
func (t *table[H]) at(i int) H {
	if e := t.slots[i]; e != t.tomb {
		return e
	}
	var none H
	return none
}

// shrink rebuilds the table smaller while it is less than an eighth full.
func (t *table[H]) shrink() {
	if len(t.slots) > minTableSize && t.n*8 < len(t.slots) {
		t.rebuild(t.n)
	}
}

// rebuild moves the elements, without tombstones, to a table sized for n
// elements: at most half full.
func (t *table[H]) rebuild(n int) {
	size := minTableSize
	for size < 2*n {
		size *= 2
	}
	var none H
	old := t.slots
	t.slots = make([]H, size)
	t.dead = 0
	mask := uint64(size - 1)
	for _, e := range old {
		if e == none || e == t.tomb {
			continue
		}
		i := t.hash(e) & mask
		for t.slots[i] != none {
			i = (i + 1) & mask
		}
		t.slots[i] = e
	}
}
