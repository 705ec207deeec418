package oauthclient

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestPageNormalized(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		in   Page
		want Page
	}{
		{"zero is the first default page", Page{}, Page{Offset: 0, Limit: DefaultLimit}},
		{"kept as asked", Page{Offset: 20, Limit: 10}, Page{Offset: 20, Limit: 10}},
		{"negative offset counts as 0", Page{Offset: -5, Limit: 10}, Page{Offset: 0, Limit: 10}},
		{"negative limit is the default", Page{Limit: -1}, Page{Limit: DefaultLimit}},
		{"limit capped", Page{Limit: MaxLimit + 1}, Page{Limit: MaxLimit}},
		{"limit at the cap kept", Page{Limit: MaxLimit}, Page{Limit: MaxLimit}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tc.want, tc.in.Normalized())
		})
	}
}

func TestPageNext(t *testing.T) {
	t.Parallel()
	assert.Equal(t, Page{Offset: DefaultLimit, Limit: DefaultLimit}, Page{}.Next())
	assert.Equal(t, Page{Offset: 30, Limit: 10}, Page{Offset: 20, Limit: 10}.Next())
	assert.Equal(t, Page{Offset: MaxLimit, Limit: MaxLimit}, Page{Offset: -3, Limit: 5000}.Next())
}

func TestPageWindow(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		p      Page
		n      int
		lo, hi int
	}{
		{Page{}, 0, 0, 0},
		{Page{}, 5, 0, 5},
		{Page{}, DefaultLimit + 5, 0, DefaultLimit},
		{Page{Offset: 3, Limit: 3}, 7, 3, 6},
		{Page{Offset: 6, Limit: 3}, 7, 6, 7},
		{Page{Offset: 7, Limit: 3}, 7, 7, 7},
		{Page{Offset: 100, Limit: 3}, 7, 7, 7},
		{Page{Offset: -1, Limit: 2}, 7, 0, 2},
		{Page{Offset: 1, Limit: MaxLimit * 2}, MaxLimit * 3, 1, MaxLimit + 1},
	} {
		lo, hi := tc.p.Window(tc.n)
		assert.Equal(t, [2]int{tc.lo, tc.hi}, [2]int{lo, hi}, "%+v of %d", tc.p, tc.n)
	}
}

// A list read whole, page by page: a page shorter than its limit is the
// last.
func ExamplePage() {
	records := make([]int, 250)
	list := func(p Page) []int { // a store's List method
		lo, hi := p.Window(len(records))
		return records[lo:hi]
	}
	for p := (Page{}); ; p = p.Next() {
		got := list(p)
		fmt.Printf("offset %d: %d records\n", p.Normalized().Offset, len(got))
		if len(got) < p.Normalized().Limit {
			break
		}
	}
	// Output:
	// offset 0: 100 records
	// offset 100: 100 records
	// offset 200: 50 records
}
