package portal_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portaloauth/portaloauth/catalogue"
	"github.com/portaloauth/portaloauth/oauthclient"
	"github.com/portaloauth/portaloauth/portal"
)

func TestListDevelopersWithClients(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	var devs []*portal.Developer
	var secrets []oauthclient.Plaintext
	for i := range 3 {
		d := f.developer(t)
		devs = append(devs, d)
		for range i {
			nc := f.client(t, d.ID)
			secrets = append(secrets, nc.Secret)
		}
		f.clock.Advance(time.Second)
	}

	all, err := f.svc.ListDevelopersWithClients(t.Context(), oauthclient.Page{})
	require.NoError(t, err)
	require.Len(t, all, 3)
	for i, dc := range all {
		assert.Equal(t, devs[i].ID, dc.Developer.ID)
		assert.Len(t, dc.Clients, i)
		for _, c := range dc.Clients {
			assert.Equal(t, "Shop", c.Name)
			assert.Equal(t, []string{apiPayments}, c.APIIDs)
			assert.Equal(t, policyBasic, c.PolicyID)
			assert.Equal(t, oauthclient.StatusActive, c.Status)
			require.Len(t, c.SecretHints, 1)
			assert.Contains(t, c.SecretHints[0], "…")
		}
	}

	// Never a secret or a hash, however it is rendered.
	js, err := json.Marshal(all)
	require.NoError(t, err)
	text := fmt.Sprintf("%+v %#v", all, all) + string(js)
	for _, s := range secrets {
		assert.NotContains(t, text, s.Reveal())
	}
	for _, dc := range all {
		for _, c := range dc.Clients {
			stored, err := f.store.GetClient(t.Context(), c.ID)
			require.NoError(t, err)
			assert.NotContains(t, text, stored.Secrets[0].Hash)
		}
	}

	page, err := f.svc.ListDevelopersWithClients(t.Context(), oauthclient.Page{Offset: 1, Limit: 1})
	require.NoError(t, err)
	require.Len(t, page, 1)
	assert.Equal(t, devs[1].ID, page[0].Developer.ID)
}

func TestApproveAndReject(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	d := f.developer(t)
	pendingA := f.clientOf(t, d.ID, entryReports, policyReports)
	pendingB := f.clientOf(t, d.ID, entryReports, policyReports)
	active := f.client(t, d.ID)

	require.NoError(t, f.svc.ApproveClient(t.Context(), "admin-1", pendingA.Client.ID))
	c, err := f.store.GetClient(t.Context(), pendingA.Client.ID)
	require.NoError(t, err)
	assert.Equal(t, oauthclient.StatusActive, c.Status)
	ev := f.rec.Last(t)
	assert.Equal(t, portal.Event{Type: portal.EventApproved, Actor: "admin-1", DeveloperID: d.ID, ClientID: c.ID, Time: t0}, ev)

	require.NoError(t, f.svc.RejectClient(t.Context(), "admin-1", pendingB.Client.ID))
	_, err = f.store.GetClient(t.Context(), pendingB.Client.ID)
	require.ErrorIs(t, err, portal.ErrNotFound, "a rejected client is deleted")
	assert.Equal(t, portal.EventRejected, f.rec.Last(t).Type)

	for name, op := range map[string]func(string) error{
		"approve": func(id string) error { return f.svc.ApproveClient(t.Context(), "admin-1", id) },
		"reject":  func(id string) error { return f.svc.RejectClient(t.Context(), "admin-1", id) },
	} {
		require.ErrorIs(t, op(active.Client.ID), portal.ErrNotPending, name)
		require.ErrorIs(t, op(pendingA.Client.ID), portal.ErrNotPending, name+" twice")
		require.ErrorIs(t, op("no-such-client"), portal.ErrNotFound, name)
	}
	c, err = f.store.GetClient(t.Context(), active.Client.ID)
	require.NoError(t, err)
	assert.Equal(t, oauthclient.StatusActive, c.Status, "not rejected")
}

func TestDisableEnable(t *testing.T) {
	t.Parallel()
	f, _, nc := clientFixture(t)
	id := nc.Client.ID
	f.token(t, id, 1)

	require.NoError(t, f.svc.DisableClient(t.Context(), "admin-1", id))
	assert.Equal(t, 0, f.tokenCount(t, id), "tokens revoked with the disabling")
	require.ErrorIs(t, f.authenticate(t.Context(), id, nc.Secret), oauthclient.ErrInvalidClient)
	assert.Equal(t, portal.EventDisabled, f.rec.Last(t).Type)

	n := len(f.rec.Events())
	require.NoError(t, f.svc.DisableClient(t.Context(), "admin-1", id), "disabling twice is no error")
	assert.Len(t, f.rec.Events(), n, "and no event")

	require.NoError(t, f.svc.EnableClient(t.Context(), "admin-1", id))
	require.NoError(t, f.authenticate(t.Context(), id, nc.Secret))
	assert.Equal(t, portal.EventEnabled, f.rec.Last(t).Type)
	require.NoError(t, f.svc.EnableClient(t.Context(), "admin-1", id), "enabling twice is no error")
	assert.Len(t, f.rec.Events(), n+1)

	require.ErrorIs(t, f.svc.DisableClient(t.Context(), "admin-1", "nope"), portal.ErrNotFound)
	require.ErrorIs(t, f.svc.EnableClient(t.Context(), "admin-1", "nope"), portal.ErrNotFound)
}

func TestEnablePendingOrInactive(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	d := f.developer(t)
	pending := f.clientOf(t, d.ID, entryReports, policyReports)
	require.ErrorIs(t, f.svc.EnableClient(t.Context(), "admin-1", pending.Client.ID), portal.ErrPending)

	nc := f.client(t, d.ID)
	require.NoError(t, f.svc.DeactivateDeveloper(t.Context(), "admin-1", d.ID))
	require.ErrorIs(t, f.svc.EnableClient(t.Context(), "admin-1", nc.Client.ID), portal.ErrDeveloperInactive)
	require.ErrorIs(t, f.svc.ApproveClient(t.Context(), "admin-1", pending.Client.ID), portal.ErrNotPending, "deactivation disabled it")
}

func TestDeactivateDeveloper(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	d, other := f.developer(t), f.developer(t)
	a, b := f.client(t, d.ID), f.client(t, d.ID)
	keep := f.client(t, other.ID)
	f.token(t, a.Client.ID, 1)
	f.token(t, b.Client.ID, 2)
	f.token(t, keep.Client.ID, 3)

	require.NoError(t, f.svc.DeactivateDeveloper(t.Context(), "admin-1", d.ID))
	got, err := f.svc.GetDeveloper(t.Context(), d.ID)
	require.NoError(t, err)
	assert.Equal(t, portal.DeveloperInactive, got.Status)
	for _, nc := range []*portal.NewClient{a, b} {
		c, err := f.store.GetClient(t.Context(), nc.Client.ID)
		require.NoError(t, err)
		assert.Equal(t, oauthclient.StatusDisabled, c.Status)
		assert.Equal(t, 0, f.tokenCount(t, c.ID))
	}
	assert.Equal(t, 1, f.tokenCount(t, keep.Client.ID))
	ev := f.rec.Last(t)
	assert.Equal(t, portal.EventDeveloperDeactivated, ev.Type)
	assert.Equal(t, "admin-1", ev.Actor)
	assert.Equal(t, d.ID, ev.DeveloperID)

	n := len(f.rec.Events())
	require.NoError(t, f.svc.DeactivateDeveloper(t.Context(), "admin-1", d.ID))
	assert.Len(t, f.rec.Events(), n, "no second event")
	require.ErrorIs(t, f.svc.DeactivateDeveloper(t.Context(), "admin-1", "nobody"), portal.ErrNotFound)
}

func TestCatalogueAdministration(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		add   func(ctx context.Context, svc *portal.Service) error
		want  error
		field string
	}{
		{"api without id", func(ctx context.Context, s *portal.Service) error {
			return s.AddAPI(ctx, &catalogue.API{Name: "x", AuthMode: catalogue.AuthOAuth2})
		}, portal.ErrInvalidInput, "id"},
		{"api without name", func(ctx context.Context, s *portal.Service) error {
			return s.AddAPI(ctx, &catalogue.API{ID: "x", AuthMode: catalogue.AuthOAuth2})
		}, portal.ErrInvalidInput, "name"},
		{"api with unknown auth mode", func(ctx context.Context, s *portal.Service) error {
			return s.AddAPI(ctx, &catalogue.API{ID: "x", Name: "x", AuthMode: "basic"})
		}, portal.ErrInvalidInput, "auth_mode"},
		{"duplicate api", func(ctx context.Context, s *portal.Service) error {
			return s.AddAPI(ctx, &catalogue.API{ID: apiPayments, Name: "x", AuthMode: catalogue.AuthOAuth2})
		}, portal.ErrDuplicate, "id"},
		{"policy for unknown api", func(ctx context.Context, s *portal.Service) error {
			return s.AddPolicy(ctx, &catalogue.Policy{ID: "p", Name: "p", AccessRights: []catalogue.AccessRight{{APIID: apiPayments}, {APIID: "nope"}}})
		}, portal.ErrNotFound, "access_rights[1].api_id"},
		{"policy with empty access right", func(ctx context.Context, s *portal.Service) error {
			return s.AddPolicy(ctx, &catalogue.Policy{ID: "p", Name: "p", AccessRights: []catalogue.AccessRight{{}}})
		}, portal.ErrInvalidInput, "access_rights[0].api_id"},
		{"duplicate policy", func(ctx context.Context, s *portal.Service) error {
			return s.AddPolicy(ctx, &catalogue.Policy{ID: policyGold, Name: "p"})
		}, portal.ErrDuplicate, "id"},
		{"entry for unknown api", func(ctx context.Context, s *portal.Service) error {
			return s.AddEntry(ctx, &catalogue.Entry{ID: "e", APIID: "nope", Visible: true})
		}, portal.ErrNotFound, "api_id"},
		{"entry offering a policy that does not grant its API", func(ctx context.Context, s *portal.Service) error {
			return s.AddEntry(ctx, &catalogue.Entry{ID: "e", APIID: apiLedger, PolicyIDs: []string{policyBasic}, Visible: true})
		}, catalogue.ErrPolicyNotGranting, ""},
		{"duplicate entry", func(ctx context.Context, s *portal.Service) error {
			return s.AddEntry(ctx, &catalogue.Entry{ID: entryPayments, APIID: apiPayments, DisplayName: "x", PolicyIDs: []string{policyBasic}, Visible: true})
		}, portal.ErrDuplicate, "id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t)
			err := tt.add(t.Context(), f.svc)
			require.Error(t, err)
			if tt.want != nil {
				require.ErrorIs(t, err, tt.want)
			}
			if tt.field != "" {
				assert.Equal(t, tt.field, fieldOf(t, err))
			}
			assert.Empty(t, f.rec.Events())
		})
	}

	t.Run("added", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t)
		a := &catalogue.API{ID: "new", Name: "New", AuthMode: catalogue.AuthOAuth2, Active: true}
		require.NoError(t, f.svc.AddAPI(t.Context(), a))
		assert.Equal(t, int64(1), a.Version)
		assert.Equal(t, t0, a.CreatedAt)
		ev := f.rec.Last(t)
		assert.Equal(t, portal.EventCatalogueChanged, ev.Type)
		assert.Contains(t, ev.Detail, `"new"`)
		stored, err := f.store.GetAPI(t.Context(), "new")
		require.NoError(t, err)
		assert.Equal(t, "New", stored.Name)
	})
}
