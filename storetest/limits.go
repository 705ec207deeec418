package storetest

import (
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portaloauth/portaloauth/oauthclient"
	"github.com/portaloauth/portaloauth/portal"
)

// limitTests check portal.LimitedClientCreator.
var limitTests = []test[portal.Store]{
	{"CreateClientWithLimits returns ErrClientLimit at the limit and stores nothing", func(t *testing.T, s portal.Store) {
		d := createDeveloper(t, s, at(1))
		limits := []portal.ClientLimit{{APIID: "payments", Max: 2}}
		for i := range 2 {
			require.NoError(t, s.CreateClientWithLimits(t.Context(), newClient(d.ID, at(2+i)), limits), "client %d", i)
		}
		c := newClient(d.ID, at(5))
		require.ErrorIs(t, s.CreateClientWithLimits(t.Context(), c, limits), portal.ErrClientLimit)
		_, err := s.GetClient(t.Context(), c.ID)
		require.ErrorIs(t, err, oauthclient.ErrNotFound, "a refused client is not stored")
	}},
	{"CreateClientWithLimits counts only the developer's clients bound to the limit's API", func(t *testing.T, s portal.Store) {
		d := createDeveloper(t, s, at(1))
		other := createDeveloper(t, s, at(2))
		createClient(t, s, other.ID, at(3)) // another developer's, same API
		unbound := newClient(d.ID, at(4))
		unbound.APIIDs = []string{"orders"}
		require.NoError(t, s.CreateClient(t.Context(), unbound))
		limits := []portal.ClientLimit{{APIID: "payments", Max: 1}, {APIID: "ignored", Max: 0}}
		require.NoError(t, s.CreateClientWithLimits(t.Context(), newClient(d.ID, at(5)), limits))
		require.ErrorIs(t, s.CreateClientWithLimits(t.Context(), newClient(d.ID, at(6)), limits), portal.ErrClientLimit)
		// A second limit reached makes the creation fail too.
		limits = []portal.ClientLimit{{APIID: "shipping", Max: 5}, {APIID: "orders", Max: 2}}
		require.ErrorIs(t, s.CreateClientWithLimits(t.Context(), newClient(d.ID, at(7)), limits), portal.ErrClientLimit)
	}},
	{"CreateClientWithLimits without limits or developer is CreateClient", func(t *testing.T, s portal.Store) {
		d := createDeveloper(t, s, at(1))
		c := newClient(d.ID, at(2))
		require.NoError(t, s.CreateClientWithLimits(t.Context(), c, nil))
		assertClient(t, c, storedClient(t, s, c.ID))
		free := newClient("", at(3))
		require.NoError(t, s.CreateClientWithLimits(t.Context(), free, []portal.ClientLimit{{APIID: "payments", Max: 1}}))
		assertClient(t, free, storedClient(t, s, free.ID))
		require.ErrorIs(t, s.CreateClientWithLimits(t.Context(), newClient(d.ID, at(4)), nil), nil)
		dup := newClient(d.ID, at(5))
		dup.ID = c.ID
		require.ErrorIs(t, s.CreateClientWithLimits(t.Context(), dup, []portal.ClientLimit{{APIID: "payments", Max: 9}}), oauthclient.ErrDuplicate)
	}},
	{"CreateClientWithLimits returns ErrNotFound for an unknown developer and ErrDeveloperInactive for an inactive one", func(t *testing.T, s portal.Store) {
		limits := []portal.ClientLimit{{APIID: "payments", Max: 1}}
		require.ErrorIs(t, s.CreateClientWithLimits(t.Context(), newClient(newID(), at(1)), limits), oauthclient.ErrNotFound)
		d := createDeveloper(t, s, at(2))
		require.NoError(t, s.DeactivateDeveloper(t.Context(), d.ID, at(3)))
		c := newClient(d.ID, at(4))
		err := s.CreateClientWithLimits(t.Context(), c, limits)
		require.ErrorIs(t, err, oauthclient.ErrDeveloperInactive)
		require.NotErrorIs(t, err, oauthclient.ErrConflict, "ErrConflict means a stale version only")
		_, err = s.GetClient(t.Context(), c.ID)
		require.ErrorIs(t, err, oauthclient.ErrNotFound)
	}},
	{"of 20 concurrent CreateClientWithLimits with Max 3 exactly 3 succeed", func(t *testing.T, s portal.Store) {
		d := createDeveloper(t, s, at(1))
		const creators, limit = 20, 3
		limits := []portal.ClientLimit{{APIID: "payments", Max: limit}}
		errs := make([]error, creators)
		start := make(chan struct{})
		var wg sync.WaitGroup
		for i := range creators {
			c := newClient(d.ID, at(2+i))
			wg.Go(func() {
				<-start
				errs[i] = s.CreateClientWithLimits(t.Context(), c, limits)
			})
		}
		close(start)
		wg.Wait()
		won := 0
		for i, err := range errs {
			if err == nil {
				won++
				continue
			}
			assert.ErrorIs(t, err, portal.ErrClientLimit, "creator %d", i)
		}
		assert.Equal(t, limit, won, "creations that succeeded")
		list, err := s.ListClients(t.Context(), oauthclient.ClientFilter{DeveloperID: d.ID})
		require.NoError(t, err)
		assert.Len(t, list, limit, "clients stored")
	}},
}
