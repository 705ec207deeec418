package storetest

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portaloauth/portaloauth/oauthclient"
	"github.com/portaloauth/portaloauth/portal"
)

var developerTests = []test[portal.DeveloperStore]{
	{"CreateDeveloper stores every field", func(t *testing.T, s portal.DeveloperStore) {
		d := createDeveloper(t, s, at(1))
		assertDeveloper(t, d, storedDeveloper(t, s, d.ID))
		inactive := newDeveloper(at(2))
		inactive.Status = portal.DeveloperInactive
		inactive.PasswordHash = ""
		inactive.Version = 4
		require.NoError(t, s.CreateDeveloper(t.Context(), inactive))
		assertDeveloper(t, inactive, storedDeveloper(t, s, inactive.ID))
	}},
	{"CreateDeveloper returns ErrDuplicate if a developer has d.ID", func(t *testing.T, s portal.DeveloperStore) {
		d := createDeveloper(t, s, at(1))
		again := newDeveloper(at(2))
		again.ID = d.ID
		require.ErrorIs(t, s.CreateDeveloper(t.Context(), again), oauthclient.ErrDuplicate)
		assertDeveloper(t, d, storedDeveloper(t, s, d.ID))
		_, err := s.GetDeveloperByEmail(t.Context(), again.Email)
		require.ErrorIs(t, err, oauthclient.ErrNotFound, "the refused developer's email must not be taken")
	}},
	{"CreateDeveloper returns ErrDuplicate for an email equal ignoring case", func(t *testing.T, s portal.DeveloperStore) {
		d := newDeveloper(at(1))
		d.Email = "Ada.Lovelace@Example.com"
		require.NoError(t, s.CreateDeveloper(t.Context(), d))
		for _, email := range []string{d.Email, strings.ToLower(d.Email), strings.ToUpper(d.Email)} {
			again := newDeveloper(at(2))
			again.Email = email
			require.ErrorIs(t, s.CreateDeveloper(t.Context(), again), oauthclient.ErrDuplicate, email)
			_, err := s.GetDeveloper(t.Context(), again.ID)
			require.ErrorIs(t, err, oauthclient.ErrNotFound, "nothing stored for %s", email)
		}
	}},
	{"GetDeveloper returns ErrNotFound for an unknown ID", func(t *testing.T, s portal.DeveloperStore) {
		createDeveloper(t, s, at(1))
		_, err := s.GetDeveloper(t.Context(), newID())
		require.ErrorIs(t, err, oauthclient.ErrNotFound)
	}},
	{"GetDeveloperByEmail ignores case", func(t *testing.T, s portal.DeveloperStore) {
		d := newDeveloper(at(1))
		d.Email = "Grace.Hopper@Example.com"
		require.NoError(t, s.CreateDeveloper(t.Context(), d))
		createDeveloper(t, s, at(2))
		for _, email := range []string{d.Email, "grace.hopper@example.com", "GRACE.HOPPER@EXAMPLE.COM"} {
			got, err := s.GetDeveloperByEmail(t.Context(), email)
			if assert.NoError(t, err, email) {
				assertDeveloper(t, d, got, email)
			}
		}
	}},
	{"GetDeveloperByEmail returns ErrNotFound for an unknown email", func(t *testing.T, s portal.DeveloperStore) {
		createDeveloper(t, s, at(1))
		_, err := s.GetDeveloperByEmail(t.Context(), "nobody@example.com")
		require.ErrorIs(t, err, oauthclient.ErrNotFound)
	}},
	{"UpdateDeveloper replaces the developer and increments Version", func(t *testing.T, s portal.DeveloperStore) {
		d := createDeveloper(t, s, at(1))
		oldEmail := d.Email
		d.Name = "Renamed"
		d.Email = "renamed-" + d.ID + "@example.com"
		d.PasswordHash = ""
		d.UpdatedAt = at(5)
		require.NoError(t, s.UpdateDeveloper(t.Context(), d))
		assert.EqualValues(t, 2, d.Version, "UpdateDeveloper sets d.Version+1")
		assertDeveloper(t, d, storedDeveloper(t, s, d.ID))

		got, err := s.GetDeveloperByEmail(t.Context(), d.Email)
		require.NoError(t, err)
		assert.Equal(t, d.ID, got.ID)
		_, err = s.GetDeveloperByEmail(t.Context(), oldEmail)
		require.ErrorIs(t, err, oauthclient.ErrNotFound, "the old email is free")
		other := newDeveloper(at(2))
		other.Email = oldEmail
		require.NoError(t, s.CreateDeveloper(t.Context(), other), "the old email can be taken")
	}},
	{"UpdateDeveloper may change the case of the developer's own email", func(t *testing.T, s portal.DeveloperStore) {
		d := createDeveloper(t, s, at(1))
		d.Email = strings.ToUpper(d.Email)
		require.NoError(t, s.UpdateDeveloper(t.Context(), d))
		assertDeveloper(t, d, storedDeveloper(t, s, d.ID))
	}},
	{"UpdateDeveloper returns ErrConflict and changes nothing on a stale Version", func(t *testing.T, s portal.DeveloperStore) {
		d := createDeveloper(t, s, at(1))
		fresh := storedDeveloper(t, s, d.ID)
		fresh.Name = "first writer"
		require.NoError(t, s.UpdateDeveloper(t.Context(), fresh))
		for _, version := range []int64{d.Version, d.Version + 5} {
			stale := *d
			stale.Version = version
			stale.Name = "second writer"
			stale.Email = "second-" + d.ID + "@example.com"
			require.ErrorIs(t, s.UpdateDeveloper(t.Context(), &stale), oauthclient.ErrConflict)
			assert.Equal(t, version, stale.Version)
			assertDeveloper(t, fresh, storedDeveloper(t, s, d.ID))
			_, err := s.GetDeveloperByEmail(t.Context(), stale.Email)
			require.ErrorIs(t, err, oauthclient.ErrNotFound, "the refused email must not be taken")
		}
	}},
	{"UpdateDeveloper returns ErrNotFound for an unknown ID", func(t *testing.T, s portal.DeveloperStore) {
		d := newDeveloper(at(1))
		require.ErrorIs(t, s.UpdateDeveloper(t.Context(), d), oauthclient.ErrNotFound)
		_, err := s.GetDeveloper(t.Context(), d.ID)
		require.ErrorIs(t, err, oauthclient.ErrNotFound, "an update must not create")
	}},
	{"UpdateDeveloper returns ErrDuplicate for another developer's email ignoring case", func(t *testing.T, s portal.DeveloperStore) {
		alice := createDeveloper(t, s, at(1))
		bob := createDeveloper(t, s, at(2))
		want := *bob
		bob.Email = strings.ToUpper(alice.Email)
		bob.Name = "Bob, renamed"
		require.ErrorIs(t, s.UpdateDeveloper(t.Context(), bob), oauthclient.ErrDuplicate)
		assert.Equal(t, want.Version, bob.Version)
		assertDeveloper(t, &want, storedDeveloper(t, s, bob.ID))
		got, err := s.GetDeveloperByEmail(t.Context(), alice.Email)
		require.NoError(t, err)
		assert.Equal(t, alice.ID, got.ID)
	}},
	{"ListDevelopers returns developers oldest first, offset skipped, at most limit", func(t *testing.T, s portal.DeveloperStore) {
		created := []time.Time{at(30), at(10), at(20), at(20), at(5), at(20), at(40)}
		var ids []string
		for _, when := range created {
			ids = append(ids, createDeveloper(t, s, when).ID)
		}
		want := sortedBy(created, ids)
		for _, tc := range []struct {
			offset, limit int
			want          []string
		}{
			{0, 0, want},
			{0, 3, want[:3]},
			{3, 3, want[3:6]},
			{6, 3, want[6:]},
			{7, 3, nil},
			{-1, 2, want[:2]},
		} {
			list, err := s.ListDevelopers(t.Context(), oauthclient.Page{Offset: tc.offset, Limit: tc.limit})
			require.NoError(t, err)
			assert.Equal(t, nilIfEmpty(tc.want), nilIfEmpty(developerIDs(list)), "offset %d limit %d", tc.offset, tc.limit)
		}
	}},
	{"ListDevelopers returns DefaultLimit developers for limit 0", func(t *testing.T, s portal.DeveloperStore) {
		var ids []string
		for i := range oauthclient.DefaultLimit + 1 {
			ids = append(ids, createDeveloper(t, s, at(i)).ID)
		}
		list, err := s.ListDevelopers(t.Context(), oauthclient.Page{})
		require.NoError(t, err)
		assert.Equal(t, ids[:oauthclient.DefaultLimit], developerIDs(list))
	}},
	{"DeactivateDeveloper returns ErrNotFound for an unknown ID", func(t *testing.T, s portal.DeveloperStore) {
		createDeveloper(t, s, at(1))
		require.ErrorIs(t, s.DeactivateDeveloper(t.Context(), newID(), at(100)), oauthclient.ErrNotFound)
	}},
}

// developerClientTests are the rules that span developers, clients and
// tokens: the reason the roles are one store.
var developerClientTests = []test[portal.Store]{
	{"CreateClient returns ErrNotFound if DeveloperID names no developer", func(t *testing.T, s portal.Store) {
		c := newClient(newID(), at(1))
		require.ErrorIs(t, s.CreateClient(t.Context(), c), oauthclient.ErrNotFound)
		_, err := s.GetClient(t.Context(), c.ID)
		require.ErrorIs(t, err, oauthclient.ErrNotFound, "nothing may be stored")
	}},
	{"DeactivateDeveloper disables their clients and deletes their tokens", func(t *testing.T, s portal.Store) {
		d := createDeveloper(t, s, at(1))
		other := createDeveloper(t, s, at(2))
		active := createClient(t, s, d.ID, at(3))
		pending := newClient(d.ID, at(4))
		pending.Status = oauthclient.StatusPending
		require.NoError(t, s.CreateClient(t.Context(), pending))
		disabled := newClient(d.ID, at(5))
		disabled.Status = oauthclient.StatusDisabled
		require.NoError(t, s.CreateClient(t.Context(), disabled))
		untouched := createClient(t, s, other.ID, at(6))
		revoked := append(createTokens(t, s, active.ID, newID(), 10, 3), createTokens(t, s, pending.ID, "", 10, 1)...)
		kept := createTokens(t, s, untouched.ID, newID(), 10, 2)

		when := at(100)
		require.NoError(t, s.DeactivateDeveloper(t.Context(), d.ID, when))

		got := storedDeveloper(t, s, d.ID)
		assert.Equal(t, portal.DeveloperInactive, got.Status)
		assert.Equal(t, d.Version+1, got.Version)
		assert.True(t, when.Equal(got.UpdatedAt), "UpdatedAt %v, want %v", got.UpdatedAt, when)
		for _, c := range []*oauthclient.Client{active, pending} {
			stored := storedClient(t, s, c.ID)
			assert.Equal(t, oauthclient.StatusDisabled, stored.Status, c.ClientName)
			assert.Equal(t, c.Version+1, stored.Version, c.ClientName)
		}
		assertClient(t, disabled, storedClient(t, s, disabled.ID), "an already disabled client is not changed")
		assertTokensGone(t, s, revoked...)

		assertDeveloper(t, other, storedDeveloper(t, s, other.ID))
		assertClient(t, untouched, storedClient(t, s, untouched.ID))
		assertTokensExist(t, s, kept...)
	}},
	{"DeactivateDeveloper changes nothing for an inactive developer", func(t *testing.T, s portal.Store) {
		d := createDeveloper(t, s, at(1))
		c := createClient(t, s, d.ID, at(2))
		tok := createToken(t, s, newToken(c.ID, newID(), at(3)))
		d.Status = portal.DeveloperInactive // set inactive without DeactivateDeveloper's cascade
		require.NoError(t, s.UpdateDeveloper(t.Context(), d))
		require.NoError(t, s.DeactivateDeveloper(t.Context(), d.ID, at(100)))
		assertDeveloper(t, d, storedDeveloper(t, s, d.ID))
		assertClient(t, c, storedClient(t, s, c.ID))
		assertTokensExist(t, s, tok)

		active := createDeveloper(t, s, at(4))
		require.NoError(t, s.DeactivateDeveloper(t.Context(), active.ID, at(100)))
		want := storedDeveloper(t, s, active.ID)
		require.NoError(t, s.DeactivateDeveloper(t.Context(), active.ID, at(200)), "deactivated twice")
		assertDeveloper(t, want, storedDeveloper(t, s, active.ID))
	}},
	{"CreateClient returns ErrDeveloperInactive for an inactive developer and stores nothing", func(t *testing.T, s portal.Store) {
		d := createDeveloper(t, s, at(1))
		require.NoError(t, s.DeactivateDeveloper(t.Context(), d.ID, at(2)))
		c := newClient(d.ID, at(3))
		err := s.CreateClient(t.Context(), c)
		require.ErrorIs(t, err, oauthclient.ErrDeveloperInactive)
		require.NotErrorIs(t, err, oauthclient.ErrConflict, "ErrConflict means a stale version only")
		_, err = s.GetClient(t.Context(), c.ID)
		require.ErrorIs(t, err, oauthclient.ErrNotFound)
		list, err := s.ListClients(t.Context(), oauthclient.ClientFilter{DeveloperID: d.ID})
		require.NoError(t, err)
		assert.Empty(t, list)
	}},
	{"CreateClient racing DeactivateDeveloper never leaves an active client", func(t *testing.T, s portal.Store) {
		for round := range 20 {
			d := createDeveloper(t, s, at(round))
			c := newClient(d.ID, at(round+1))
			var createErr, deactivateErr error
			var wg sync.WaitGroup
			wg.Go(func() { createErr = s.CreateClient(t.Context(), c) })
			wg.Go(func() { deactivateErr = s.DeactivateDeveloper(t.Context(), d.ID, at(round+2)) })
			wg.Wait()
			require.NoError(t, deactivateErr)
			if createErr != nil {
				require.ErrorIs(t, createErr, oauthclient.ErrDeveloperInactive, "round %d", round)
				_, err := s.GetClient(t.Context(), c.ID)
				require.ErrorIs(t, err, oauthclient.ErrNotFound, "round %d: a refused client is not stored", round)
				continue
			}
			got := storedClient(t, s, c.ID)
			require.Equal(t, oauthclient.StatusDisabled, got.Status, "round %d: the deactivation disabled the new client", round)
		}
	}},
}
