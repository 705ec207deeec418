package postgres

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

var emailKeyCases = []struct {
	a, b string
	same bool
}{
	{"ann@example.com", "ANN@EXAMPLE.COM", true},
	{"Ann@Example.com", "ann@example.COM", true},
	{"Ä@example.com", "ä@example.com", true},
	{"\u212a@example.com", "k@example.com", true}, // Kelvin sign folds to k
	{"\u017f@example.com", "S@example.com", true}, // long s folds to s
	{"ß@example.com", "SS@example.com", false},    // not a simple folding
	{"ann@example.com", "anne@example.com", false},
	{"a\xff@example.com", "a\xfe@example.com", true}, // both invalid: U+FFFD, as EqualFold reads them
}

// TestEmailKey: two emails have one key exactly when strings.EqualFold
// says they are equal, the rule the in-memory store applies.
func TestEmailKey(t *testing.T) {
	t.Parallel()
	for _, c := range emailKeyCases {
		t.Run(c.a+"~"+c.b, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, c.same, strings.EqualFold(c.a, c.b), "the case itself")
			assert.Equal(t, c.same, emailKey(c.a) == emailKey(c.b))
		})
	}
}

func FuzzEmailKey(f *testing.F) {
	for _, c := range emailKeyCases {
		f.Add(c.a, c.b)
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		assert.Equal(t, strings.EqualFold(a, b), emailKey(a) == emailKey(b), "%q %q", a, b)
		for _, v := range []string{strings.ToUpper(a), strings.ToLower(a), strings.ToTitle(a)} {
			assert.Equal(t, strings.EqualFold(a, v), emailKey(a) == emailKey(v), "%q %q", a, v)
		}
	})
}
