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

type lockedReader struct {
	mu sync.Mutex
	r  io.Reader
}

func (l *lockedReader) Read(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.r.Read(p)
}
