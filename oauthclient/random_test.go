package oauthclient

import (
	"crypto/rand"
	"errors"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestReadRandom: a given reader's bytes are used as they come; crypto/rand
// (nil or rand.Reader) fills the whole slice; a short or failing reader is
// an error.
func TestReadRandom(t *testing.T) {
	t.Parallel()
	p := make([]byte, 4)
	require.NoError(t, ReadRandom(strings.NewReader("abcdef"), p))
	assert.Equal(t, "abcd", string(p))
	require.NoError(t, ReadRandom(iotest.OneByteReader(strings.NewReader("wxyz")), p))
	assert.Equal(t, "wxyz", string(p), "short reads are continued")

	for _, r := range []struct {
		name string
		r    interface{ Read([]byte) (int, error) }
	}{{"nil", nil}, {"rand.Reader", rand.Reader}} {
		a, b := make([]byte, 32), make([]byte, 32)
		if r.r == nil {
			require.NoError(t, ReadRandom(nil, a))
			require.NoError(t, ReadRandom(nil, b))
		} else {
			require.NoError(t, ReadRandom(r.r, a))
			require.NoError(t, ReadRandom(r.r, b))
		}
		assert.NotEqual(t, make([]byte, 32), a, r.name)
		assert.NotEqual(t, a, b, r.name)
	}

	assert.Error(t, ReadRandom(strings.NewReader("ab"), p), "too few bytes")
	assert.ErrorIs(t, ReadRandom(iotest.ErrReader(errBroken), p), errBroken)
}

var errBroken = errors.New("broken source")

// BenchmarkReadRandomStack: crypto/rand into an array on the stack
// allocates nothing.
func BenchmarkReadRandomStack(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		var p [32]byte
		if err := ReadRandom(nil, p[:]); err != nil {
			b.Fatal(err)
		}
	}
}
