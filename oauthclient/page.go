package oauthclient

// Paging limits of every list call.
const (
	DefaultLimit = 100  // records in a page whose Limit is 0
	MaxLimit     = 1000 // the most records one page holds
)

// Page is the window of a list that every list call takes, store methods
// and use cases alike: lists are ordered oldest first, Offset records are
// skipped and at most Limit returned. The zero Page is the first
// DefaultLimit records. A negative Offset counts as 0; a Limit of 0 or
// less means DefaultLimit, and one above MaxLimit is capped at MaxLimit.
// Fewer than the limit returned means the list has no more.
type Page struct {
	Offset int // records to skip
	Limit  int // records to return at most
}

// Normalized returns p with the defaults and the cap applied: Offset at
// least 0 and Limit between 1 and MaxLimit.
func (p Page) Normalized() Page {
	p.Offset = max(p.Offset, 0)
	switch {
	case p.Limit <= 0:
		p.Limit = DefaultLimit
	case p.Limit > MaxLimit:
		p.Limit = MaxLimit
	}
	return p
}

// Next returns the page after p, of the same size.
func (p Page) Next() Page {
	p = p.Normalized()
	p.Offset += p.Limit
	return p
}

// Window returns the part of n ordered records that p selects, as the
// bounds of a slice expression: records[lo:hi].
func (p Page) Window(n int) (lo, hi int) {
	p = p.Normalized()
	lo = min(p.Offset, n)
	return lo, min(n, lo+p.Limit)
}
