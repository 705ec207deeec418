package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portaloauth/portaloauth/catalogue"
	"github.com/portaloauth/portaloauth/oauthclient"
	"github.com/portaloauth/portaloauth/portal"
)

// recordKind is one catalogue record type with the contract that
// portal.CatalogueStore states once for all of them.
type recordKind[T any] struct {
	create func(context.Context, portal.CatalogueStore, *T) error
	get    func(context.Context, portal.CatalogueStore, string) (*T, error)
	update func(context.Context, portal.CatalogueStore, *T) error
	delete func(context.Context, portal.CatalogueStore, string) error
	list   func(context.Context, portal.CatalogueStore) ([]*T, error)

	make    func(id string, created time.Time) *T // a record with every field set
	change  func(*T)                              // changes fields, reference ones included
	clone   func(*T) *T
	version func(*T) *int64
	id      func(*T) string
	norm    func(*T) *T // for comparison
}

var apiKind = recordKind[catalogue.API]{
	create: func(ctx context.Context, s portal.CatalogueStore, a *catalogue.API) error { return s.CreateAPI(ctx, a) },
	get: func(ctx context.Context, s portal.CatalogueStore, id string) (*catalogue.API, error) {
		return s.GetAPI(ctx, id)
	},
	update: func(ctx context.Context, s portal.CatalogueStore, a *catalogue.API) error { return s.UpdateAPI(ctx, a) },
	delete: func(ctx context.Context, s portal.CatalogueStore, id string) error { return s.DeleteAPI(ctx, id) },
	list:   func(ctx context.Context, s portal.CatalogueStore) ([]*catalogue.API, error) { return s.ListAPIs(ctx) },
	make: func(id string, created time.Time) *catalogue.API {
		return &catalogue.API{ID: id, Name: "Payments", AuthMode: catalogue.AuthOAuth2, Active: true, CreatedAt: created, Version: 1}
	},
	change: func(a *catalogue.API) {
		a.Name += " (changed)"
		a.AuthMode = catalogue.AuthJWT
		a.Active = !a.Active
	},
	clone:   func(a *catalogue.API) *catalogue.API { c := *a; return &c },
	version: func(a *catalogue.API) *int64 { return &a.Version },
	id:      func(a *catalogue.API) string { return a.ID },
	norm: func(a *catalogue.API) *catalogue.API {
		c := *a
		c.CreatedAt = normTime(c.CreatedAt)
		return &c
	},
}

var policyKind = recordKind[catalogue.Policy]{
	create: func(ctx context.Context, s portal.CatalogueStore, p *catalogue.Policy) error {
		return s.CreatePolicy(ctx, p)
	},
	get: func(ctx context.Context, s portal.CatalogueStore, id string) (*catalogue.Policy, error) {
		return s.GetPolicy(ctx, id)
	},
	update: func(ctx context.Context, s portal.CatalogueStore, p *catalogue.Policy) error {
		return s.UpdatePolicy(ctx, p)
	},
	delete: func(ctx context.Context, s portal.CatalogueStore, id string) error { return s.DeletePolicy(ctx, id) },
	list: func(ctx context.Context, s portal.CatalogueStore) ([]*catalogue.Policy, error) {
		return s.ListPolicies(ctx)
	},
	make: func(id string, created time.Time) *catalogue.Policy {
		return &catalogue.Policy{
			ID:   id,
			Name: "Gold",
			AccessRights: []catalogue.AccessRight{
				{APIID: "payments", Versions: []string{"v1", "v2"}},
				{APIID: "orders"},
			},
			Scopes:    []string{"read", "write"},
			Active:    true,
			CreatedAt: created,
			Version:   1,
		}
	},
	change: func(p *catalogue.Policy) {
		p.Name += " (changed)"
		p.AccessRights[0].APIID = "billing"
		p.AccessRights[0].Versions[0] = "v9"
		p.Scopes[0] = "admin"
		p.Active = !p.Active
	},
	clone: func(p *catalogue.Policy) *catalogue.Policy {
		c := *p
		c.AccessRights = nil
		for _, r := range p.AccessRights {
			c.AccessRights = append(c.AccessRights, catalogue.AccessRight{APIID: r.APIID, Versions: append([]string(nil), r.Versions...)})
		}
		c.Scopes = append([]string(nil), p.Scopes...)
		return &c
	},
	version: func(p *catalogue.Policy) *int64 { return &p.Version },
	id:      func(p *catalogue.Policy) string { return p.ID },
	norm: func(p *catalogue.Policy) *catalogue.Policy {
		c := *p
		c.CreatedAt = normTime(c.CreatedAt)
		c.AccessRights = nilIfEmpty(c.AccessRights)
		c.Scopes = nilIfEmpty(c.Scopes)
		for i := range c.AccessRights {
			c.AccessRights[i].Versions = nilIfEmpty(c.AccessRights[i].Versions)
		}
		return &c
	},
}

var entryKind = recordKind[catalogue.Entry]{
	create: func(ctx context.Context, s portal.CatalogueStore, e *catalogue.Entry) error {
		return s.CreateEntry(ctx, e)
	},
	get: func(ctx context.Context, s portal.CatalogueStore, id string) (*catalogue.Entry, error) {
		return s.GetEntry(ctx, id)
	},
	update: func(ctx context.Context, s portal.CatalogueStore, e *catalogue.Entry) error {
		return s.UpdateEntry(ctx, e)
	},
	delete: func(ctx context.Context, s portal.CatalogueStore, id string) error { return s.DeleteEntry(ctx, id) },
	list: func(ctx context.Context, s portal.CatalogueStore) ([]*catalogue.Entry, error) {
		return s.ListEntries(ctx)
	},
	make: func(id string, created time.Time) *catalogue.Entry {
		return &catalogue.Entry{
			ID: id, APIID: "payments", DisplayName: "Payments", Description: "Take payments",
			PolicyIDs: []string{"gold", "silver"}, Visible: true, RequiresApproval: true, ClientLimit: 3,
			CreatedAt: created, Version: 1,
		}
	},
	change: func(e *catalogue.Entry) {
		e.DisplayName += " (changed)"
		e.PolicyIDs[0] = "bronze"
		e.Visible = !e.Visible
		e.ClientLimit++
	},
	clone: func(e *catalogue.Entry) *catalogue.Entry {
		c := *e
		c.PolicyIDs = append([]string(nil), e.PolicyIDs...)
		return &c
	},
	version: func(e *catalogue.Entry) *int64 { return &e.Version },
	id:      func(e *catalogue.Entry) string { return e.ID },
	norm: func(e *catalogue.Entry) *catalogue.Entry {
		c := *e
		c.CreatedAt = normTime(c.CreatedAt)
		c.PolicyIDs = nilIfEmpty(c.PolicyIDs)
		return &c
	},
}

func (k recordKind[T]) assertEqual(t *testing.T, want, got *T, msgAndArgs ...any) {
	t.Helper()
	assert.Equal(t, k.norm(want), k.norm(got), msgAndArgs...)
}

func (k recordKind[T]) mustCreate(t *testing.T, s portal.CatalogueStore, created time.Time) *T {
	t.Helper()
	x := k.make(newID(), created)
	require.NoError(t, k.create(t.Context(), s, x))
	return x
}

func (k recordKind[T]) stored(t *testing.T, s portal.CatalogueStore, id string) *T {
	t.Helper()
	x, err := k.get(t.Context(), s, id)
	require.NoError(t, err)
	return x
}

// tests returns the contract's rules for this record type.
func (k recordKind[T]) tests() []test[portal.CatalogueStore] {
	return []test[portal.CatalogueStore]{
		{"Create stores every field and Get returns it", func(t *testing.T, s portal.CatalogueStore) {
			x := k.mustCreate(t, s, at(1))
			k.assertEqual(t, x, k.stored(t, s, k.id(x)))
			y := k.make(newID(), at(2))
			*k.version(y) = 5
			require.NoError(t, k.create(t.Context(), s, y))
			k.assertEqual(t, y, k.stored(t, s, k.id(y)), "Version is stored as given")
		}},
		{"Create returns ErrDuplicate if the ID exists", func(t *testing.T, s portal.CatalogueStore) {
			x := k.mustCreate(t, s, at(1))
			again := k.make(k.id(x), at(2))
			k.change(again)
			require.ErrorIs(t, k.create(t.Context(), s, again), portal.ErrDuplicate)
			k.assertEqual(t, x, k.stored(t, s, k.id(x)))
		}},
		{"Get returns ErrNotFound for an unknown ID", func(t *testing.T, s portal.CatalogueStore) {
			k.mustCreate(t, s, at(1))
			_, err := k.get(t.Context(), s, newID())
			require.ErrorIs(t, err, portal.ErrNotFound)
		}},
		{"Update replaces the record and increments Version", func(t *testing.T, s portal.CatalogueStore) {
			x := k.mustCreate(t, s, at(1))
			k.change(x)
			require.NoError(t, k.update(t.Context(), s, x))
			assert.EqualValues(t, 2, *k.version(x), "Update sets Version+1")
			k.assertEqual(t, x, k.stored(t, s, k.id(x)))
		}},
		{"Update returns ErrConflict and changes nothing on a stale Version", func(t *testing.T, s portal.CatalogueStore) {
			x := k.mustCreate(t, s, at(1))
			fresh := k.stored(t, s, k.id(x))
			require.NoError(t, k.update(t.Context(), s, fresh))
			for _, version := range []int64{1, 7} {
				stale := k.clone(x)
				*k.version(stale) = version
				k.change(stale)
				require.ErrorIs(t, k.update(t.Context(), s, stale), portal.ErrConflict, "version %d", version)
				assert.Equal(t, version, *k.version(stale))
				k.assertEqual(t, fresh, k.stored(t, s, k.id(x)))
			}
		}},
		{"Update returns ErrNotFound for an unknown ID", func(t *testing.T, s portal.CatalogueStore) {
			x := k.make(newID(), at(1))
			require.ErrorIs(t, k.update(t.Context(), s, x), portal.ErrNotFound)
			_, err := k.get(t.Context(), s, k.id(x))
			require.ErrorIs(t, err, portal.ErrNotFound, "an update must not create")
		}},
		{"Delete deletes the record", func(t *testing.T, s portal.CatalogueStore) {
			x := k.mustCreate(t, s, at(1))
			y := k.mustCreate(t, s, at(2))
			require.NoError(t, k.delete(t.Context(), s, k.id(x)))
			_, err := k.get(t.Context(), s, k.id(x))
			require.ErrorIs(t, err, portal.ErrNotFound)
			k.assertEqual(t, y, k.stored(t, s, k.id(y)))
			require.ErrorIs(t, k.delete(t.Context(), s, k.id(x)), portal.ErrNotFound, "deleted twice")
		}},
		{"Delete returns ErrNotFound for an unknown ID", func(t *testing.T, s portal.CatalogueStore) {
			require.ErrorIs(t, k.delete(t.Context(), s, newID()), portal.ErrNotFound)
		}},
		{"List returns every record oldest first, then by ID", func(t *testing.T, s portal.CatalogueStore) {
			list, err := k.list(t.Context(), s)
			require.NoError(t, err)
			assert.Empty(t, list)
			created := []time.Time{at(30), at(10), at(20), at(20), at(5), at(20)}
			var ids []string
			for _, when := range created {
				ids = append(ids, k.id(k.mustCreate(t, s, when)))
			}
			list, err = k.list(t.Context(), s)
			require.NoError(t, err)
			assert.Equal(t, sortedBy(created, ids), keysOf(list, k.id))
			// More than a page of any other List method: List has no limit.
			for i := range oauthclient.DefaultLimit {
				k.mustCreate(t, s, at(100+i))
			}
			list, err = k.list(t.Context(), s)
			require.NoError(t, err)
			assert.Len(t, list, len(created)+oauthclient.DefaultLimit)
		}},
		{contextTest, func(t *testing.T, s portal.CatalogueStore) {
			x := k.mustCreate(t, s, at(1))
			fresh := k.make(newID(), at(2))
			ctx := cancelled(t)
			assert.ErrorIs(t, k.create(ctx, s, fresh), context.Canceled, "Create")
			_, err := k.get(ctx, s, k.id(x))
			assert.ErrorIs(t, err, context.Canceled, "Get")
			changed := k.clone(x)
			k.change(changed)
			assert.ErrorIs(t, k.update(ctx, s, changed), context.Canceled, "Update")
			assert.ErrorIs(t, k.delete(ctx, s, k.id(x)), context.Canceled, "Delete")
			_, err = k.list(ctx, s)
			assert.ErrorIs(t, err, context.Canceled, "List")
			k.assertEqual(t, x, k.stored(t, s, k.id(x)))
			list, err := k.list(t.Context(), s)
			require.NoError(t, err)
			assert.Len(t, list, 1, "nothing created")
		}},
		{"records are copies", func(t *testing.T, s portal.CatalogueStore) {
			x := k.mustCreate(t, s, at(1))
			want := k.clone(x)
			k.change(x)
			k.assertEqual(t, want, k.stored(t, s, k.id(x)), "after changing the created value")
			got := k.stored(t, s, k.id(x))
			k.change(got)
			k.assertEqual(t, want, k.stored(t, s, k.id(x)), "after changing a returned value")
			list, err := k.list(t.Context(), s)
			require.NoError(t, err)
			require.Len(t, list, 1)
			k.change(list[0])
			k.assertEqual(t, want, k.stored(t, s, k.id(x)), "after changing a listed value")
			updated := k.stored(t, s, k.id(x))
			require.NoError(t, k.update(t.Context(), s, updated))
			want = k.clone(updated)
			k.change(updated)
			k.assertEqual(t, want, k.stored(t, s, k.id(x)), "after changing an updated value")
		}},
	}
}
