package memory

import (
	"math"
	"unsafe"
)

// slabChunk is how many tokens one array of a slab holds: 96 KiB.
const slabChunk = 1024

// slab holds tokens in arrays of slabChunk, by ID (see tokenID). Since a
// token holds no pointer, the garbage collector marks each array without
// reading it. A released slot goes on a free list, threaded through the
// slots' cnext, and is the next one allocated.
type slab struct {
	chunks []*[slabChunk]token
	free   tokenID // the first free slot; 0: none
	n      int     // tokens held
}

// maxTokens is how many tokens a slab holds at most: its IDs then stay
// below ^tokenID(0), the ID of no token (see tombSlot).
const maxTokens = math.MaxUint32 - slabChunk

// at returns the token with that ID, which must be allocated.
func (sl *slab) at(id tokenID) *token {
	i := uint32(id - 1)
	return &sl.chunks[i/slabChunk][i%slabChunk]
}

// cap returns how many slots the slab has.
func (sl *slab) cap() int { return len(sl.chunks) * slabChunk }

// full reports whether alloc would exceed maxTokens.
func (sl *slab) full() bool { return sl.n >= maxTokens }

// alloc returns the ID of a free slot, zeroed.
func (sl *slab) alloc() tokenID {
	if sl.free == 0 {
		sl.grow()
	}
	id := sl.free
	n := sl.at(id)
	sl.free = n.cnext
	*n = token{}
	sl.n++
	return id
}

// grow adds an array of free slots, linked in order.
func (sl *slab) grow() {
	base := tokenID(sl.cap())
	c := new([slabChunk]token)
	for i := range c {
		if i+1 < slabChunk {
			c[i].cnext = base + tokenID(i) + 2
		}
	}
	c[slabChunk-1].cnext = sl.free
	sl.chunks = append(sl.chunks, c)
	sl.free = base + 1
}

// release frees the slot of the token with that ID.
func (sl *slab) release(id tokenID) {
	*sl.at(id) = token{cnext: sl.free}
	sl.free = id
	sl.n--
}

// sparse reports whether the slab is less than a quarter full, beyond its
// first array: its tokens would then be better moved to a smaller one.
func (sl *slab) sparse() bool { return len(sl.chunks) > 1 && sl.n*4 < sl.cap() }

// arenaChunk is the size of an arena chunk; strings longer than that get
// a chunk of their own.
const arenaChunk = 8 << 10

// arenaRef is where a string is in an arena.
type arenaRef struct{ chunk, off, len uint32 }

// arena holds the tokens' strings in chunks of bytes that are appended to
// and never changed, so that a string handed out can be a view of them
// (it keeps its chunk alive, at most arenaChunk bytes, not the arena). A
// chunk none of whose strings is used any more goes at once; the store
// moves the strings to a new arena when more than half the bytes of the
// chunks are unused (see fragmented).
type arena struct {
	chunks [][]byte
	used   []int    // bytes in use, by chunk
	free   []uint32 // indexes of chunks that went, to reuse
	cur    uint32   // 1 + the index of the chunk appended to; 0: none
	held   int      // bytes of the chunks
	inUse  int      // bytes in use
}

// add appends a, b, c and d, end to end, and returns where they are.
func (a *arena) add(s1, s2, s3, s4 string) arenaRef {
	n := len(s1) + len(s2) + len(s3) + len(s4)
	if n == 0 {
		return arenaRef{}
	}
	var i uint32
	switch {
	case n > arenaChunk:
		i = a.newChunk(n)
	case a.cur != 0 && n <= cap(a.chunks[a.cur-1])-len(a.chunks[a.cur-1]):
		i = a.cur - 1
	default:
		i = a.newChunk(arenaChunk)
		a.cur = i + 1
	}
	c := a.chunks[i]
	off := len(c)
	c = append(append(append(append(c, s1...), s2...), s3...), s4...)
	a.chunks[i] = c
	a.used[i] += n
	a.held += n
	a.inUse += n
	return arenaRef{chunk: i, off: uint32(off), len: uint32(n)}
}

// newChunk adds an empty chunk of capacity size and returns its index.
func (a *arena) newChunk(size int) uint32 {
	c := make([]byte, 0, size)
	if k := len(a.free); k > 0 {
		i := a.free[k-1]
		a.free = a.free[:k-1]
		a.chunks[i], a.used[i] = c, 0
		return i
	}
	a.chunks = append(a.chunks, c)
	a.used = append(a.used, 0)
	return uint32(len(a.chunks) - 1)
}

// str returns the string at r, a view of the arena's bytes.
func (a *arena) str(r arenaRef) string {
	if r.len == 0 {
		return ""
	}
	return unsafe.String(&a.chunks[r.chunk][r.off], r.len)
}

// release marks the string at r unused; a chunk left unused goes.
func (a *arena) release(r arenaRef) {
	if r.len == 0 {
		return
	}
	n := int(r.len)
	a.inUse -= n
	a.used[r.chunk] -= n
	if a.used[r.chunk] == 0 && a.cur != r.chunk+1 {
		a.held -= len(a.chunks[r.chunk])
		a.chunks[r.chunk] = nil
		a.free = append(a.free, r.chunk)
	}
}

// fragmented reports whether more than half the bytes of the chunks, and
// more than a few chunks' worth, are unused.
func (a *arena) fragmented() bool {
	unused := a.held - a.inUse
	return unused > 8*arenaChunk && unused > a.inUse
}
