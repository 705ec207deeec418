package memory

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/portaloauth/portaloauth/catalogue"
)

// recordMeta points at the fields every catalogue record has.
type recordMeta struct {
	id      *string
	created *time.Time
	version *int64
}

// records keeps one kind of catalogue record by ID, with the contract
// portal.CatalogueStore states once for all of them.
type records[T any] struct {
	kind  string
	byID  map[string]*T
	clone func(*T) *T
	meta  func(*T) recordMeta
}

func newRecords[T any](kind string, clone func(*T) *T, meta func(*T) recordMeta) records[T] {
	return records[T]{kind: kind, byID: make(map[string]*T), clone: clone, meta: meta}
}

func (r *records[T]) create(x *T) error {
	id := *r.meta(x).id
	if _, ok := r.byID[id]; ok {
		return duplicate(r.kind, id)
	}
	r.byID[id] = r.clone(x)
	return nil
}

func (r *records[T]) get(id string) (*T, error) {
	x, ok := r.byID[id]
	if !ok {
		return nil, notFound(r.kind, id)
	}
	return r.clone(x), nil
}

func (r *records[T]) update(x *T) error {
	m := r.meta(x)
	stored, ok := r.byID[*m.id]
	if !ok {
		return notFound(r.kind, *m.id)
	}
	if v := *r.meta(stored).version; v != *m.version {
		return conflict(r.kind, *m.id, v, *m.version)
	}
	n := r.clone(x)
	*r.meta(n).version++
	r.byID[*m.id] = n
	*m.version++
	return nil
}

func (r *records[T]) delete(id string) error {
	if _, ok := r.byID[id]; !ok {
		return notFound(r.kind, id)
	}
	delete(r.byID, id)
	return nil
}

func (r *records[T]) list() []*T {
	out := make([]*T, 0, len(r.byID))
	for _, x := range r.byID {
		out = append(out, r.clone(x))
	}
	slices.SortFunc(out, func(a, b *T) int {
		ma, mb := r.meta(a), r.meta(b)
		if c := ma.created.Compare(*mb.created); c != 0 {
			return c
		}
		return strings.Compare(*ma.id, *mb.id)
	})
	return out
}

// CreateAPI stores a. It returns ErrDuplicate if an API has a.ID.
func (s *Store) CreateAPI(ctx context.Context, a *catalogue.API) error {
	return s.write(ctx, func() error { return s.apis.create(a) })
}

// GetAPI returns the API with that ID, or ErrNotFound.
func (s *Store) GetAPI(ctx context.Context, id string) (*catalogue.API, error) {
	return read(ctx, s, func() (*catalogue.API, error) { return s.apis.get(id) })
}

// UpdateAPI replaces the stored API with a if the versions match, then
// increments both. It returns ErrNotFound or ErrConflict.
func (s *Store) UpdateAPI(ctx context.Context, a *catalogue.API) error {
	return s.write(ctx, func() error { return s.apis.update(a) })
}

// DeleteAPI deletes the API with that ID, or returns ErrNotFound. Entries
// and policies naming it are left as they are.
func (s *Store) DeleteAPI(ctx context.Context, id string) error {
	return s.write(ctx, func() error { return s.apis.delete(id) })
}

// ListAPIs returns every API, oldest first (CreatedAt, then ID).
func (s *Store) ListAPIs(ctx context.Context) ([]*catalogue.API, error) {
	return read(ctx, s, func() ([]*catalogue.API, error) { return s.apis.list(), nil })
}

// CreatePolicy stores p. It returns ErrDuplicate if a policy has p.ID.
func (s *Store) CreatePolicy(ctx context.Context, p *catalogue.Policy) error {
	return s.write(ctx, func() error { return s.policies.create(p) })
}

// GetPolicy returns the policy with that ID, or ErrNotFound.
func (s *Store) GetPolicy(ctx context.Context, id string) (*catalogue.Policy, error) {
	return read(ctx, s, func() (*catalogue.Policy, error) { return s.policies.get(id) })
}

// UpdatePolicy replaces the stored policy with p if the versions match,
// then increments both. It returns ErrNotFound or ErrConflict.
func (s *Store) UpdatePolicy(ctx context.Context, p *catalogue.Policy) error {
	return s.write(ctx, func() error { return s.policies.update(p) })
}

// DeletePolicy deletes the policy with that ID, or returns ErrNotFound.
func (s *Store) DeletePolicy(ctx context.Context, id string) error {
	return s.write(ctx, func() error { return s.policies.delete(id) })
}

// ListPolicies returns every policy, oldest first (CreatedAt, then ID).
func (s *Store) ListPolicies(ctx context.Context) ([]*catalogue.Policy, error) {
	return read(ctx, s, func() ([]*catalogue.Policy, error) { return s.policies.list(), nil })
}

// CreateEntry stores e. It returns ErrDuplicate if an entry has e.ID.
func (s *Store) CreateEntry(ctx context.Context, e *catalogue.Entry) error {
	return s.write(ctx, func() error { return s.entries.create(e) })
}

// GetEntry returns the entry with that ID, or ErrNotFound.
func (s *Store) GetEntry(ctx context.Context, id string) (*catalogue.Entry, error) {
	return read(ctx, s, func() (*catalogue.Entry, error) { return s.entries.get(id) })
}

// UpdateEntry replaces the stored entry with e if the versions match, then
// increments both. It returns ErrNotFound or ErrConflict.
func (s *Store) UpdateEntry(ctx context.Context, e *catalogue.Entry) error {
	return s.write(ctx, func() error { return s.entries.update(e) })
}

// DeleteEntry deletes the entry with that ID, or returns ErrNotFound.
func (s *Store) DeleteEntry(ctx context.Context, id string) error {
	return s.write(ctx, func() error { return s.entries.delete(id) })
}

// ListEntries returns every entry, oldest first (CreatedAt, then ID).
func (s *Store) ListEntries(ctx context.Context) ([]*catalogue.Entry, error) {
	return read(ctx, s, func() ([]*catalogue.Entry, error) { return s.entries.list(), nil })
}
