package oauthclient

import (
	"crypto/rand"
	"io"
	"sync"
)

// LockedReader returns a reader that serialises reads from r, so that a
// reader not safe for concurrent use (a seeded generator in tests) can be
// shared. A nil r means crypto/rand.Reader, which is safe already and is
// returned as it is.
func LockedReader(r io.Reader) io.Reader {
	if r == nil || r == rand.Reader {
		return rand.Reader
	}
	if _, ok := r.(*lockedReader); ok {
		return r
	}
	return &lockedReader{r: r}
}

// randOrDefault is the random source of a function given r: r, or
// crypto/rand.Reader when r is nil. Every function of this package that
// takes a reader reads through it.
func randOrDefault(r io.Reader) io.Reader {
	if r == nil {
		return rand.Reader
	}
	return r
}

// ReadRandom fills p with random bytes from r; a nil r means
// crypto/rand. It returns an error only when r fails. Reading from
// crypto/rand (nil or [rand.Reader]) does not let p escape, so p may be an
// array on the caller's stack; from another reader it reads into a copy.
func ReadRandom(r io.Reader, p []byte) error {
	if r == nil || r == rand.Reader {
		_, err := rand.Read(p)
		return err
	}
	tmp := make([]byte, len(p))
	_, err := io.ReadFull(r, tmp)
	copy(p, tmp)
	clear(tmp)
	return err
}

type lockedReader struct {
	mu sync.Mutex
	r  io.Reader
}

func (l *lockedReader) Read(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.r.Read(p)
}
