package portal_test

import (
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portaloauth/portaloauth/catalogue"
	"github.com/portaloauth/portaloauth/oauthclient"
	"github.com/portaloauth/portaloauth/portal"
)

func TestCatalogueListsEverything(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	c, err := f.svc.Catalogue(t.Context())
	require.NoError(t, err)
	assert.Len(t, c.APIs, 9)
	assert.Len(t, c.Policies, 9)
	assert.Len(t, c.Entries, 9)
	assert.Equal(t, "payments", c.API(apiPayments).ID)
	assert.Equal(t, policyGold, c.Policy(policyGold).ID)
	assert.Equal(t, entryHidden, c.Entry(entryHidden).ID)
	assert.Nil(t, c.API("nope"))
	assert.Nil(t, c.Policy("nope"))
	assert.Nil(t, c.Entry("nope"))
}

func TestUpdateAPI(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := t.Context()
	a, err := f.store.GetAPI(ctx, apiPayments)
	require.NoError(t, err)
	created := a.CreatedAt

	a.Name, a.Active = "Payments v2", false
	require.NoError(t, f.svc.UpdateAPI(ctx, "admin:root", a))
	got, err := f.store.GetAPI(ctx, apiPayments)
	require.NoError(t, err)
	assert.Equal(t, "Payments v2", got.Name)
	assert.False(t, got.Active)
	assert.Equal(t, int64(2), got.Version)
	assert.Equal(t, created, got.CreatedAt)
	e := f.rec.Last(t)
	assert.Equal(t, portal.EventCatalogueChanged, e.Type)
	assert.Equal(t, "admin:root", e.Actor)
	assert.Equal(t, `updated api "payments": name, active=false`, e.Detail)

	// A deactivated API is no longer offered.
	d := f.developer(t)
	entries, err := f.svc.EligibleEntries(ctx, d.ID)
	require.NoError(t, err)
	for _, e := range entries {
		assert.NotEqual(t, apiPayments, e.API.ID)
	}

	// The stale version changes nothing.
	stale := *got
	stale.Version = 1
	stale.Name = "Lost"
	require.ErrorIs(t, f.svc.UpdateAPI(ctx, "admin:root", &stale), portal.ErrConflict)
	got, err = f.store.GetAPI(ctx, apiPayments)
	require.NoError(t, err)
	assert.Equal(t, "Payments v2", got.Name)
}

func TestUpdateAPIRefusesBadInput(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := t.Context()
	for _, tc := range []struct {
		name  string
		edit  func(*catalogue.API)
		err   error
		field string
	}{
		{"unknown", func(a *catalogue.API) { a.ID = "nope" }, portal.ErrNotFound, ""},
		{"no name", func(a *catalogue.API) { a.Name = " " }, portal.ErrInvalidInput, "name"},
		{"long name", func(a *catalogue.API) { a.Name = string(make([]rune, 201)) }, portal.ErrInvalidInput, "name"},
		{"auth mode", func(a *catalogue.API) { a.AuthMode = "basic" }, portal.ErrInvalidInput, "auth_mode"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, err := f.store.GetAPI(ctx, apiLedger)
			require.NoError(t, err)
			tc.edit(a)
			err = f.svc.UpdateAPI(ctx, "admin", a)
			require.ErrorIs(t, err, tc.err)
			assert.Equal(t, tc.field, fieldOf(t, err))
		})
	}
	got, err := f.store.GetAPI(ctx, apiLedger)
	require.NoError(t, err)
	assert.Equal(t, int64(1), got.Version, "nothing was written")
}

func TestNamesAreCountedInCharacters(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	a := &catalogue.API{ID: "jp", AuthMode: catalogue.AuthOAuth2, Active: true}
	for range 84 {
		a.Name += "決"
	}
	require.NoError(t, f.svc.AddAPI(t.Context(), a), "84 characters are 252 bytes, well under 200 characters")
}

func TestUpdatePolicy(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := t.Context()
	p, err := f.store.GetPolicy(ctx, policyBasic)
	require.NoError(t, err)
	p.Scopes = []string{"payments:read"}
	p.AccessRights = append(p.AccessRights, catalogue.AccessRight{APIID: apiLedger})
	require.NoError(t, f.svc.UpdatePolicy(ctx, "admin", p))
	assert.Equal(t, `updated policy "basic": access_rights, scopes`, f.rec.Last(t).Detail)

	p.Scopes = []string{"bad scope"}
	err = f.svc.UpdatePolicy(ctx, "admin", p)
	require.ErrorIs(t, err, portal.ErrInvalidInput)
	assert.Equal(t, "scopes[0]", fieldOf(t, err))

	p.Scopes = nil
	p.AccessRights = []catalogue.AccessRight{{APIID: "missing"}}
	err = f.svc.UpdatePolicy(ctx, "admin", p)
	require.ErrorIs(t, err, portal.ErrNotFound)
	assert.Equal(t, "access_rights[0].api_id", fieldOf(t, err))

	// Deactivating the only policy of an entry makes it ineligible.
	s, err := f.store.GetPolicy(ctx, policySandbox)
	require.NoError(t, err)
	s.Active = false
	require.NoError(t, f.svc.UpdatePolicy(ctx, "admin", s))
	d := f.developer(t)
	_, err = f.svc.CreateClient(ctx, d.ID, portal.CreateClientRequest{
		EntryIDs: []string{entrySandbox},
		Metadata: oauthclient.Metadata{ClientName: "x", GrantTypes: []oauthclient.GrantType{oauthclient.GrantClientCredentials}},
	})
	require.ErrorIs(t, err, portal.ErrNotEligible)
	require.ErrorIs(t, err, catalogue.ErrNoActivePolicy)
}

func TestUpdateEntry(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := t.Context()
	e, err := f.store.GetEntry(ctx, entryLedger)
	require.NoError(t, err)
	e.Visible, e.RequiresApproval, e.ClientLimit = false, true, 3
	require.NoError(t, f.svc.UpdateEntry(ctx, "admin", e))
	assert.Equal(t, `updated entry "ledger-entry": visible=false, requires_approval=true, client_limit=3`, f.rec.Last(t).Detail)

	// The catalogue's rules apply: a policy that does not grant the API.
	e.PolicyIDs = []string{policyBasic}
	err = f.svc.UpdateEntry(ctx, "admin", e)
	require.ErrorIs(t, err, catalogue.ErrPolicyNotGranting)
	var ce *oauthclient.Error
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, "policy_ids[0]", ce.Field)
	assert.Contains(t, ce.Reason, strconv.Quote(policyBasic))

	e.PolicyIDs = []string{policyGold}
	e.ClientLimit = -1
	require.ErrorIs(t, f.svc.UpdateEntry(ctx, "admin", e), catalogue.ErrInvalidEntry)
	e.ClientLimit = 0
	e.APIID = "missing"
	err = f.svc.UpdateEntry(ctx, "admin", e)
	require.ErrorIs(t, err, portal.ErrNotFound)
	assert.Equal(t, "api_id", fieldOf(t, err))
}

func TestReactivateDeveloper(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := t.Context()
	d := f.developer(t)
	nc := f.client(t, d.ID)
	require.NoError(t, f.svc.DeactivateDeveloper(ctx, "admin", d.ID))
	_, err := f.svc.EligibleEntries(ctx, d.ID)
	require.ErrorIs(t, err, portal.ErrDeveloperInactive)

	require.NoError(t, f.svc.ReactivateDeveloper(ctx, "admin", d.ID))
	e := f.rec.Last(t)
	assert.Equal(t, portal.EventDeveloperReactivated, e.Type)
	assert.Equal(t, d.ID, e.DeveloperID)
	got, err := f.svc.GetDeveloper(ctx, d.ID)
	require.NoError(t, err)
	assert.Equal(t, portal.DeveloperActive, got.Status)
	_, err = f.svc.EligibleEntries(ctx, d.ID)
	require.NoError(t, err)

	// Their clients stay disabled until enabled one by one.
	c, err := f.store.GetClient(ctx, nc.Client.ID)
	require.NoError(t, err)
	assert.Equal(t, oauthclient.StatusDisabled, c.Status)
	require.NoError(t, f.svc.EnableClient(ctx, "admin", c.ID))

	// Reactivating an active developer changes nothing.
	n := len(f.rec.Events())
	require.NoError(t, f.svc.ReactivateDeveloper(ctx, "admin", d.ID))
	assert.Len(t, f.rec.Events(), n)
	require.ErrorIs(t, f.svc.ReactivateDeveloper(ctx, "admin", "nobody"), portal.ErrNotFound)
}

func TestFindDevelopers(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := t.Context()
	ann := f.developer(t)
	f.clock.Advance(time.Second)
	bob := f.developer(t)
	req := request()
	req.Metadata.ClientName = "Zebra Shop"
	_, err := f.svc.CreateClient(ctx, bob.ID, req)
	require.NoError(t, err)
	pending := f.clientOf(t, ann.ID, entryReports, policyReports)
	require.NoError(t, f.svc.DeactivateDeveloper(ctx, "admin", bob.ID))

	ids := func(q portal.DeveloperQuery) []string {
		t.Helper()
		got, err := f.svc.FindDevelopers(ctx, q)
		require.NoError(t, err)
		var out []string
		for _, dc := range got {
			out = append(out, dc.Developer.ID)
		}
		return out
	}
	assert.Equal(t, []string{ann.ID, bob.ID}, ids(portal.DeveloperQuery{}))
	assert.Equal(t, []string{bob.ID}, ids(portal.DeveloperQuery{Text: "zebra"}), "a client's name matches")
	assert.Equal(t, []string{ann.ID}, ids(portal.DeveloperQuery{Text: ann.Email}))
	assert.Equal(t, []string{bob.ID}, ids(portal.DeveloperQuery{Status: portal.DeveloperInactive}))
	assert.Empty(t, ids(portal.DeveloperQuery{Text: "no such thing"}))
	assert.Equal(t, []string{bob.ID}, ids(portal.DeveloperQuery{Status: portal.DeveloperInactive, Page: oauthclient.Page{Limit: 1}}))
	assert.Empty(t, ids(portal.DeveloperQuery{Status: portal.DeveloperInactive, Page: oauthclient.Page{Offset: 1}}))

	// The approval queue: pending clients only.
	queue, err := f.svc.FindDevelopers(ctx, portal.DeveloperQuery{ClientStatus: oauthclient.StatusPending})
	require.NoError(t, err)
	require.Len(t, queue, 1)
	require.Len(t, queue[0].Clients, 1)
	assert.Equal(t, pending.Client.ID, queue[0].Clients[0].ID)
	assert.Equal(t, ann.ID, queue[0].Clients[0].DeveloperID)
}

func TestClientDetail(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := t.Context()
	d := f.developer(t)
	nc := f.client(t, d.ID)
	f.token(t, nc.Client.ID, 1)
	f.token(t, nc.Client.ID, 2)
	_, err := f.svc.RotateSecret(ctx, d.ID, nc.Client.ID, time.Hour)
	require.NoError(t, err)

	cd, err := f.svc.ClientDetail(ctx, nc.Client.ID)
	require.NoError(t, err)
	assert.Equal(t, nc.Client.ID, cd.ID)
	assert.Equal(t, d.ID, cd.DeveloperID)
	assert.Equal(t, 2, cd.Tokens)
	assert.False(t, cd.TokensCapped)
	require.Len(t, cd.Secrets, 2)
	assert.Equal(t, t0.Add(time.Hour), cd.Secrets[0].ExpiresAt, "the old secret's grace period")
	assert.True(t, cd.Secrets[0].Valid)

	f.clock.Advance(2 * time.Hour)
	cd, err = f.svc.ClientDetail(ctx, nc.Client.ID)
	require.NoError(t, err)
	assert.Equal(t, 0, cd.Tokens, "expired tokens are not counted")
	assert.False(t, cd.Secrets[0].Valid)
	assert.True(t, cd.Secrets[1].Valid)
	require.NotEmpty(t, cd.Secrets)
	for _, s := range cd.Secrets {
		assert.NotEmpty(t, s.Hint)
	}
	assert.Equal(t, nc.Client.RedirectURIs, cd.Metadata.RedirectURIs)
	_, err = f.svc.ClientDetail(ctx, "nope")
	require.ErrorIs(t, err, portal.ErrNotFound)
}
