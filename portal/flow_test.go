package portal_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portaloauth/portaloauth/catalogue"
	"github.com/portaloauth/portaloauth/oauthclient"
	"github.com/portaloauth/portaloauth/portal"
	"github.com/portaloauth/portaloauth/store/memory"
)

func TestEligibleEntries(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	d := f.developer(t)

	got, err := f.svc.EligibleEntries(t.Context(), d.ID)
	require.NoError(t, err)
	var ids []string
	policies := map[string][]string{}
	for _, e := range got {
		ids = append(ids, e.Entry.ID)
		assert.Equal(t, e.Entry.APIID, e.API.ID)
		for _, p := range e.Policies {
			policies[e.Entry.ID] = append(policies[e.Entry.ID], p.ID)
		}
	}
	// Not the auth-token API, the inactive API, the hidden entry, or the
	// entry offering only an inactive policy.
	assert.ElementsMatch(t, []string{entryPayments, entryLedger, entryReports, entrySandbox, entryScoped}, ids)
	assert.ElementsMatch(t, []string{policyGold, policyBasic}, policies[entryPayments])

	t.Run("unknown developer", func(t *testing.T) {
		t.Parallel()
		_, err := f.svc.EligibleEntries(t.Context(), "nobody")
		require.ErrorIs(t, err, portal.ErrNotFound)
	})
	t.Run("inactive developer", func(t *testing.T) {
		t.Parallel()
		gone := f.developer(t)
		require.NoError(t, f.svc.DeactivateDeveloper(t.Context(), "admin", gone.ID))
		_, err := f.svc.EligibleEntries(t.Context(), gone.ID)
		require.ErrorIs(t, err, portal.ErrDeveloperInactive)
	})
}

func TestCreateClient(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	d := f.developer(t)

	nc, err := f.svc.CreateClient(t.Context(), d.ID, request())
	require.NoError(t, err)
	c := nc.Client
	assert.NotEmpty(t, c.ID)
	assert.Equal(t, d.ID, c.DeveloperID)
	assert.Equal(t, []string{apiPayments}, c.APIIDs)
	assert.Equal(t, policyBasic, c.PolicyID)
	assert.Equal(t, "Checkout integration", c.Description)
	assert.Equal(t, oauthclient.StatusActive, c.Status)
	assert.Equal(t, oauthclient.AuthMethodBasic, c.TokenEndpointAuthMethod, "default filled by validation")
	assert.Equal(t, int64(1), c.Version)
	assert.Equal(t, t0, c.CreatedAt)
	assert.True(t, strings.HasPrefix(nc.Secret.Reveal(), oauthclient.SecretPrefix))
	assert.True(t, nc.RegistrationToken.IsZero())

	// Only the hash is stored, and it verifies the returned secret.
	stored, err := f.store.GetClient(t.Context(), c.ID)
	require.NoError(t, err)
	require.Len(t, stored.Secrets, 1)
	assert.NotContains(t, stored.Secrets[0].Hash, nc.Secret.Reveal())
	assert.Equal(t, oauthclient.SecretHint(nc.Secret), stored.Secrets[0].Hint)
	require.NoError(t, f.authenticate(t.Context(), c.ID, nc.Secret))

	ev := f.rec.Last(t)
	assert.Equal(t, portal.EventCreated, ev.Type)
	assert.Equal(t, d.ID, ev.Actor)
	assert.Equal(t, c.ID, ev.ClientID)
}

func TestCreateClientVariants(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		change func(r *portal.CreateClientRequest)
		check  func(t *testing.T, nc *portal.NewClient)
	}{
		{"two APIs under one policy", func(r *portal.CreateClientRequest) {
			r.EntryIDs, r.PolicyID = []string{entryPayments, entryLedger}, policyGold
		}, func(t *testing.T, nc *portal.NewClient) {
			assert.Equal(t, []string{apiPayments, apiLedger}, nc.Client.APIIDs)
			assert.Equal(t, policyGold, nc.Client.PolicyID)
		}},
		{"repeated entry counts once", func(r *portal.CreateClientRequest) {
			r.EntryIDs = []string{entryPayments, entryPayments}
		}, func(t *testing.T, nc *portal.NewClient) {
			assert.Equal(t, []string{apiPayments}, nc.Client.APIIDs)
		}},
		{"policy left out when only one qualifies", func(r *portal.CreateClientRequest) {
			r.EntryIDs, r.PolicyID = []string{entryLedger}, ""
		}, func(t *testing.T, nc *portal.NewClient) {
			assert.Equal(t, policyGold, nc.Client.PolicyID)
		}},
		{"public client gets no secret", func(r *portal.CreateClientRequest) {
			r.Metadata.TokenEndpointAuthMethod = oauthclient.AuthMethodNone
		}, func(t *testing.T, nc *portal.NewClient) {
			assert.True(t, nc.Secret.IsZero())
			assert.Empty(t, nc.Client.Secrets)
			assert.True(t, nc.Client.Public())
		}},
		{"client credentials without redirect URIs", func(r *portal.CreateClientRequest) {
			r.Metadata.RedirectURIs = nil
			r.Metadata.GrantTypes = []oauthclient.GrantType{oauthclient.GrantClientCredentials}
		}, func(t *testing.T, nc *portal.NewClient) {
			assert.Empty(t, nc.Client.RedirectURIs)
			assert.False(t, nc.Secret.IsZero())
		}},
		{"approval required makes it pending", func(r *portal.CreateClientRequest) {
			r.EntryIDs, r.PolicyID = []string{entryReports}, policyReports
		}, func(t *testing.T, nc *portal.NewClient) {
			assert.Equal(t, oauthclient.StatusPending, nc.Client.Status)
		}},
		{"registration token on request", func(r *portal.CreateClientRequest) {
			r.IssueRegistrationToken = true
		}, func(t *testing.T, nc *portal.NewClient) {
			require.False(t, nc.RegistrationToken.IsZero())
			assert.Equal(t, oauthclient.HashToken(nc.RegistrationToken.Reveal()), nc.Client.RegistrationTokenHash)
		}},
		{"scope allowed by the policy", func(r *portal.CreateClientRequest) {
			r.EntryIDs, r.PolicyID, r.Metadata.Scope = []string{entryScoped}, policyScoped, "read"
		}, func(t *testing.T, nc *portal.NewClient) {
			assert.Equal(t, "read", nc.Client.Scope)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t)
			d := f.developer(t)
			req := request()
			tt.change(&req)
			nc, err := f.svc.CreateClient(t.Context(), d.ID, req)
			require.NoError(t, err)
			tt.check(t, nc)
			stored, err := f.store.GetClient(t.Context(), nc.Client.ID)
			require.NoError(t, err)
			assert.Equal(t, nc.Client.Status, stored.Status)
			assert.Equal(t, nc.Client.RegistrationTokenHash, stored.RegistrationTokenHash)
		})
	}
}

func TestCreateClientPendingCannotAuthenticate(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	d := f.developer(t)
	nc := f.clientOf(t, d.ID, entryReports, policyReports)

	require.ErrorIs(t, f.authenticate(t.Context(), nc.Client.ID, nc.Secret), oauthclient.ErrInvalidClient)
	require.NoError(t, f.svc.ApproveClient(t.Context(), "admin-1", nc.Client.ID))
	require.NoError(t, f.authenticate(t.Context(), nc.Client.ID, nc.Secret))
}

func TestCreateClientErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		developer string // "inactive", "unknown" or "" for an active one
		change    func(r *portal.CreateClientRequest)
		want      error
		field     string
	}{
		{"unknown developer", "unknown", nil, portal.ErrNotFound, ""},
		{"inactive developer", "inactive", nil, portal.ErrDeveloperInactive, "developer_id"},
		{"no entry", "", func(r *portal.CreateClientRequest) { r.EntryIDs = nil }, portal.ErrNotEligible, "entry_ids"},
		{"unknown entry", "", func(r *portal.CreateClientRequest) { r.EntryIDs = []string{entryPayments, "nope"} }, portal.ErrNotEligible, "entry_ids[1]"},
		{"auth token API", "", func(r *portal.CreateClientRequest) { r.EntryIDs, r.PolicyID = []string{entryLegacy}, policyLegacy }, portal.ErrNotEligible, "entry_ids[0]"},
		{"inactive API", "", func(r *portal.CreateClientRequest) { r.EntryIDs, r.PolicyID = []string{entryRetired}, policyRetired }, portal.ErrNotEligible, "entry_ids[0]"},
		{"hidden entry", "", func(r *portal.CreateClientRequest) { r.EntryIDs, r.PolicyID = []string{entryHidden}, policyHidden }, portal.ErrNotEligible, "entry_ids[0]"},
		{"only an inactive policy", "", func(r *portal.CreateClientRequest) { r.EntryIDs, r.PolicyID = []string{entryNoPolicy}, policyInactive }, portal.ErrNotEligible, "entry_ids[0]"},
		{"policy of another entry", "", func(r *portal.CreateClientRequest) { r.PolicyID = policyReports }, portal.ErrPolicyNotOffered, "policy_id"},
		{"unknown policy", "", func(r *portal.CreateClientRequest) { r.PolicyID = "platinum" }, portal.ErrPolicyNotOffered, "policy_id"},
		{"policy not granting every API", "", func(r *portal.CreateClientRequest) {
			r.EntryIDs, r.PolicyID = []string{entryPayments, entryLedger}, policyBasic
		}, portal.ErrPolicyNotOffered, "policy_id"},
		{"policy left out with two candidates", "", func(r *portal.CreateClientRequest) { r.PolicyID = "" }, portal.ErrPolicyNotOffered, "policy_id"},
		{"no client name", "", func(r *portal.CreateClientRequest) { r.Metadata.ClientName = " " }, oauthclient.ErrInvalidClientMetadata, "client_name"},
		{"http redirect", "", func(r *portal.CreateClientRequest) {
			r.Metadata.RedirectURIs = []string{"http://shop.example.com/cb"}
		}, oauthclient.ErrInvalidRedirectURI, ""},
		{"fragment in redirect", "", func(r *portal.CreateClientRequest) {
			r.Metadata.RedirectURIs = []string{"https://shop.example.com/cb#x"}
		}, oauthclient.ErrInvalidRedirectURI, ""},
		{"code grant without redirect", "", func(r *portal.CreateClientRequest) { r.Metadata.RedirectURIs = nil }, nil, ""},
		{"implicit grant", "", func(r *portal.CreateClientRequest) {
			r.Metadata.GrantTypes = []oauthclient.GrantType{oauthclient.GrantImplicit}
		}, oauthclient.ErrInvalidClientMetadata, ""},
		{"scope beyond the policy", "", func(r *portal.CreateClientRequest) {
			r.EntryIDs, r.PolicyID, r.Metadata.Scope = []string{entryScoped}, policyScoped, "read write"
		}, oauthclient.ErrInvalidClientMetadata, "scope"},
		{"long description", "", func(r *portal.CreateClientRequest) { r.Description = strings.Repeat("x", 2001) }, portal.ErrInvalidInput, "description"},
		{"any scope under a policy without scopes", "", func(r *portal.CreateClientRequest) {
			r.EntryIDs, r.PolicyID, r.Metadata.Scope = []string{entrySandbox}, policySandbox, "payments:write admin"
		}, oauthclient.ErrInvalidClientMetadata, "scope"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t)
			devID := f.developer(t).ID
			switch tt.developer {
			case "unknown":
				devID = "nobody"
			case "inactive":
				require.NoError(t, f.svc.DeactivateDeveloper(t.Context(), "admin", devID))
			}
			before := len(f.rec.Events())
			req := request()
			if tt.change != nil {
				tt.change(&req)
			}
			nc, err := f.svc.CreateClient(t.Context(), devID, req)
			require.Error(t, err)
			if tt.want != nil {
				require.ErrorIs(t, err, tt.want)
			}
			if tt.field != "" {
				assert.Contains(t, fields(err), tt.field)
			}
			assert.Nil(t, nc)
			clients, err := f.store.ListClients(t.Context(), oauthclient.ClientFilter{})
			require.NoError(t, err)
			assert.Empty(t, clients, "nothing stored")
			assert.Len(t, f.rec.Events(), before, "no event")
		})
	}
}

// fields returns the fields named by the errors in err.
func fields(err error) []string {
	var out []string
	for _, e := range oauthclient.Errors(err) {
		out = append(out, e.Field)
	}
	return out
}

func TestCreateClientIneligibleCause(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	d := f.developer(t)
	req := request()
	req.EntryIDs, req.PolicyID = []string{entryLegacy}, policyLegacy
	_, err := f.svc.CreateClient(t.Context(), d.ID, req)
	var pe *oauthclient.Error
	require.ErrorAs(t, err, &pe)
	assert.ErrorIs(t, pe.Err, portal.ErrNotEligible)
	assert.Error(t, pe.Cause, "the catalogue's reason is kept")
	assert.ErrorIs(t, err, catalogue.ErrNotEligible, "one sentinel, whichever package names it")
	assert.ErrorIs(t, pe.Cause, catalogue.ErrNotOAuth)
	assert.Equal(t, oauthclient.CodeAccessDenied, oauthclient.CodeOf(err))
}

func TestCreateClientLimit(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	d, other := f.developer(t), f.developer(t)
	req := request()
	req.EntryIDs, req.PolicyID = []string{entrySandbox}, policySandbox

	_, err := f.svc.CreateClient(t.Context(), d.ID, req)
	require.NoError(t, err)
	_, err = f.svc.CreateClient(t.Context(), d.ID, req)
	require.ErrorIs(t, err, portal.ErrClientLimit)
	assert.Equal(t, "entry_ids[0]", fieldOf(t, err))

	// The limit is per developer, and other APIs are not limited.
	_, err = f.svc.CreateClient(t.Context(), other.ID, req)
	require.NoError(t, err)
	_, err = f.svc.CreateClient(t.Context(), d.ID, request())
	require.NoError(t, err)
}

// listBarrier is a store whose first n ListClients calls wait for each
// other: n creations all pass the service's own count before any writes.
type listBarrier struct {
	portal.Store
	mu      sync.Mutex
	waiting int
	all     sync.WaitGroup
}

func newListBarrier(s portal.Store, n int) *listBarrier {
	b := &listBarrier{Store: s, waiting: n}
	b.all.Add(n)
	return b
}

func (b *listBarrier) ListClients(ctx context.Context, f oauthclient.ClientFilter) ([]*oauthclient.Client, error) {
	list, err := b.Store.ListClients(ctx, f)
	b.mu.Lock()
	wait := b.waiting > 0
	if wait {
		b.waiting--
	}
	b.mu.Unlock()
	if wait {
		b.all.Done()
		b.all.Wait()
	}
	return list, err
}

// TestCreateClientLimitConcurrent: creations by one developer that all
// counted before any wrote never exceed the entry's limit; the ones
// refused name the entry.
func TestCreateClientLimitConcurrent(t *testing.T) {
	t.Parallel()
	const creators = 8
	store := newListBarrier(memory.New(), creators)
	svc, err := portal.New(portal.Config{Store: store})
	require.NoError(t, err)
	seedCatalogue(t, svc)
	d, err := svc.RegisterDeveloper(t.Context(), portal.NewDeveloper{Email: "dev@example.com", Name: "Dev"})
	require.NoError(t, err)
	req := request()
	req.EntryIDs, req.PolicyID = []string{entrySandbox}, policySandbox
	errs := make([]error, creators)
	var wg sync.WaitGroup
	for i := range creators {
		wg.Go(func() { _, errs[i] = svc.CreateClient(t.Context(), d.ID, req) })
	}
	wg.Wait()
	won := 0
	for _, err := range errs {
		if err == nil {
			won++
			continue
		}
		require.ErrorIs(t, err, portal.ErrClientLimit)
		assert.Equal(t, "entry_ids[0]", fieldOf(t, err))
	}
	assert.Equal(t, 1, won, "the sandbox entry allows one client per developer")
	list, err := svc.ListClients(t.Context(), d.ID, oauthclient.Page{})
	require.NoError(t, err)
	assert.Len(t, list, 1)
}

func TestCreateClientLimitFreedByDelete(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	d := f.developer(t)
	nc := f.clientOf(t, d.ID, entrySandbox, policySandbox)
	require.NoError(t, f.svc.DeleteClient(t.Context(), d.ID, nc.Client.ID))
	f.clientOf(t, d.ID, entrySandbox, policySandbox)
}
