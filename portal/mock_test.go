package portal_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/mock/gomock"

	"github.com/portaloauth/portaloauth/catalogue"
	"github.com/portaloauth/portaloauth/oauthclient"
	"github.com/portaloauth/portaloauth/portal"
	"github.com/portaloauth/portaloauth/store/storemock"
)

// These tests put the Service on a strict mock store: every store call is
// expected explicitly, so an unexpected extra write (a second CreateClient,
// a separate RevokeClientTokens, ...) fails the test.

var errStore = errors.New("store: connection lost")

// mockService returns a Service over a strict mock store and the events it
// emits.
func mockService(t *testing.T) (*portal.Service, *storemock.MockStore, *recorder) {
	t.Helper()
	m := storemock.NewMockStore(gomock.NewController(t))
	rec := &recorder{}
	svc, err := portal.New(portal.Config{Store: m, Observer: rec, OAuth: oauthclient.Config{Now: newClock().Now}})
	require.NoError(t, err)
	return svc, m, rec
}

// expectCatalogue expects the reads CreateClient makes before its write:
// the developer, the payments entry, its API and the policy it offers.
func expectCatalogue(m *storemock.MockStore) {
	m.EXPECT().GetDeveloper(gomock.Any(), "dev-1").
		Return(&portal.Developer{ID: "dev-1", Email: "ada@example.com", Name: "Ada", Status: portal.DeveloperActive, Version: 1}, nil)
	m.EXPECT().GetEntry(gomock.Any(), entryPayments).Return(&catalogue.Entry{
		ID: entryPayments, APIID: apiPayments, DisplayName: "Payments", PolicyIDs: []string{policyBasic}, Visible: true,
	}, nil)
	m.EXPECT().GetAPI(gomock.Any(), apiPayments).
		Return(&catalogue.API{ID: apiPayments, Name: "Payments", AuthMode: catalogue.AuthOAuth2, Active: true}, nil)
	m.EXPECT().GetPolicy(gomock.Any(), policyBasic).Return(&catalogue.Policy{
		ID: policyBasic, Name: "Basic", Active: true,
		AccessRights: []catalogue.AccessRight{{APIID: apiPayments}},
	}, nil)
}

// TestCreateClientOneAtomicWrite shows that a client is stored by exactly
// one CreateClient that already holds the secret's hash (never the
// plaintext), and by nothing else. When that write fails, the failure is
// the error, no secret is handed out, no event is emitted and no other
// write follows: there never was a client without its hash.
func TestCreateClientOneAtomicWrite(t *testing.T) {
	t.Parallel()
	for _, result := range []error{nil, errStore} {
		t.Run(fmt.Sprint(result), func(t *testing.T) {
			t.Parallel()
			svc, m, rec := mockService(t)
			expectCatalogue(m)
			var written *oauthclient.Client
			m.EXPECT().CreateClientWithLimits(gomock.Any(), gomock.Any(), gomock.Any()).
				DoAndReturn(func(_ context.Context, c *oauthclient.Client, _ []portal.ClientLimit) error {
					written = c.Clone()
					return result
				}).Times(1)

			nc, err := svc.CreateClient(t.Context(), "dev-1", request())
			require.NotNil(t, written)
			require.Len(t, written.Secrets, 1, "the hash is inside the one write")
			hash := written.Secrets[0].Hash
			require.NotEmpty(t, hash)
			if result != nil {
				require.ErrorIs(t, err, errStore)
				assert.Nil(t, nc, "no secret handed out for a client that was not stored")
				assert.Empty(t, rec.Events())
				return
			}
			require.NoError(t, err)
			assert.NotContains(t, hash, nc.Secret.Reveal())
			_, err = (&oauthclient.Hasher{}).Verify(hash, nc.Secret)
			require.NoError(t, err, "the stored hash is the returned secret's")
			assert.Equal(t, nc.Client.ID, written.ID)
			assert.Equal(t, oauthclient.StatusActive, written.Status)
			assert.Equal(t, []portal.EventType{portal.EventCreated}, rec.Types())
		})
	}
}

// TestCreateClientDeveloperDeactivatedMeanwhile: the store refuses the
// client of a developer deactivated between the service's read and its
// write (ErrDeveloperInactive); the caller learns the developer is inactive.
func TestCreateClientDeveloperDeactivatedMeanwhile(t *testing.T) {
	t.Parallel()
	svc, m, rec := mockService(t)
	expectCatalogue(m)
	m.EXPECT().CreateClientWithLimits(gomock.Any(), gomock.Any(), gomock.Any()).Return(fmt.Errorf("store: developer inactive: %w", portal.ErrDeveloperInactive))
	nc, err := svc.CreateClient(t.Context(), "dev-1", request())
	require.ErrorIs(t, err, portal.ErrDeveloperInactive)
	assert.Nil(t, nc)
	assert.Empty(t, rec.Events())
}

// TestCreateClientReadFailures: a store failure at any read before the
// write surfaces as the error and nothing is written.
func TestCreateClientReadFailures(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		expect func(m *storemock.MockStore)
	}{
		{"developer", func(m *storemock.MockStore) {
			m.EXPECT().GetDeveloper(gomock.Any(), "dev-1").Return(nil, errStore)
		}},
		{"entry", func(m *storemock.MockStore) {
			m.EXPECT().GetDeveloper(gomock.Any(), "dev-1").Return(&portal.Developer{ID: "dev-1", Status: portal.DeveloperActive}, nil)
			m.EXPECT().GetEntry(gomock.Any(), entryPayments).Return(nil, errStore)
		}},
		{"policy", func(m *storemock.MockStore) {
			m.EXPECT().GetDeveloper(gomock.Any(), "dev-1").Return(&portal.Developer{ID: "dev-1", Status: portal.DeveloperActive}, nil)
			m.EXPECT().GetEntry(gomock.Any(), entryPayments).Return(&catalogue.Entry{ID: entryPayments, APIID: apiPayments, PolicyIDs: []string{policyBasic}}, nil)
			m.EXPECT().GetAPI(gomock.Any(), apiPayments).Return(&catalogue.API{ID: apiPayments}, nil)
			m.EXPECT().GetPolicy(gomock.Any(), policyBasic).Return(nil, errStore)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			svc, m, rec := mockService(t)
			tt.expect(m)
			_, err := svc.CreateClient(t.Context(), "dev-1", request())
			require.ErrorIs(t, err, errStore)
			assert.Empty(t, rec.Events())
		})
	}
}

func ownedClient() *oauthclient.Client {
	return &oauthclient.Client{
		ID: "client-1", DeveloperID: "dev-1", APIIDs: []string{apiPayments}, PolicyID: policyBasic,
		Metadata: oauthclient.Metadata{ClientName: "Shop", TokenEndpointAuthMethod: oauthclient.AuthMethodBasic,
			GrantTypes: []oauthclient.GrantType{oauthclient.GrantClientCredentials}},
		Status: oauthclient.StatusActive, Version: 3,
	}
}

// TestDeleteClientReliesOnCascade: deleting is one DeleteClient, which the
// store contract makes delete the tokens in the same atomic step; the
// Service issues no separate token revocation that could leave a deleted
// client's tokens alive or a live client without tokens.
func TestDeleteClientReliesOnCascade(t *testing.T) {
	t.Parallel()
	svc, m, rec := mockService(t)
	m.EXPECT().GetClient(gomock.Any(), "client-1").Return(ownedClient(), nil)
	m.EXPECT().DeleteClient(gomock.Any(), "client-1").Return(nil).Times(1)

	require.NoError(t, svc.DeleteClient(t.Context(), "dev-1", "client-1"))
	assert.Equal(t, []portal.EventType{portal.EventDeleted}, rec.Types())
}

// TestDeleteClientStoreFailure: a failing delete surfaces as the error and
// emits no event; nothing else was written, so the client and its tokens
// are both still there.
func TestDeleteClientStoreFailure(t *testing.T) {
	t.Parallel()
	svc, m, rec := mockService(t)
	m.EXPECT().GetClient(gomock.Any(), "client-1").Return(ownedClient(), nil)
	m.EXPECT().DeleteClient(gomock.Any(), "client-1").Return(errStore).Times(1)

	require.ErrorIs(t, svc.DeleteClient(t.Context(), "dev-1", "client-1"), errStore)
	assert.Empty(t, rec.Events())
}

// TestRevokingChangesAreOneWrite: a policy change and a disabling revoke
// tokens through UpdateOptions in the same write as the change; a failure
// of that write surfaces and emits nothing.
func TestRevokingChangesAreOneWrite(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		run  func(ctx context.Context, svc *portal.Service) error
		// extra expects the reads the operation makes besides GetClient.
		extra func(m *storemock.MockStore)
	}{
		{"disable", func(ctx context.Context, svc *portal.Service) error {
			return svc.DisableClient(ctx, "admin-1", "client-1")
		}, func(*storemock.MockStore) {}},
		{"policy change", func(ctx context.Context, svc *portal.Service) error {
			_, err := svc.UpdateClient(ctx, "dev-1", "client-1", portal.UpdateClientRequest{Version: 3, PolicyID: ptr(policyGold)})
			return err
		}, func(m *storemock.MockStore) {
			m.EXPECT().GetDeveloper(gomock.Any(), "dev-1").Return(&portal.Developer{ID: "dev-1", Status: portal.DeveloperActive}, nil)
			m.EXPECT().ListEntries(gomock.Any()).Return([]*catalogue.Entry{{
				ID: entryPayments, APIID: apiPayments, PolicyIDs: []string{policyBasic, policyGold}, Visible: true,
			}}, nil)
			m.EXPECT().ListAPIs(gomock.Any()).Return([]*catalogue.API{{ID: apiPayments, Name: "Payments", AuthMode: catalogue.AuthOAuth2, Active: true}}, nil)
			m.EXPECT().ListPolicies(gomock.Any()).Return([]*catalogue.Policy{
				{ID: policyBasic, Name: "Basic", Active: true, AccessRights: []catalogue.AccessRight{{APIID: apiPayments}}},
				{ID: policyGold, Name: "Gold", Active: true, AccessRights: []catalogue.AccessRight{{APIID: apiPayments}}},
			}, nil)
		}},
	}
	for _, tt := range tests {
		for _, fail := range []bool{false, true} {
			t.Run(tt.name+map[bool]string{false: " succeeds", true: " fails"}[fail], func(t *testing.T) {
				t.Parallel()
				svc, m, rec := mockService(t)
				tt.extra(m)
				m.EXPECT().GetClient(gomock.Any(), "client-1").Return(ownedClient(), nil)
				var result error
				if fail {
					result = errStore
				}
				m.EXPECT().UpdateClient(gomock.Any(), gomock.Any(), oauthclient.UpdateOptions{RevokeTokens: true}).
					Return(result).Times(1)

				err := tt.run(t.Context(), svc)
				if fail {
					require.ErrorIs(t, err, errStore)
					assert.Empty(t, rec.Events())
					return
				}
				require.NoError(t, err)
				assert.Len(t, rec.Events(), 1)
			})
		}
	}
}

// TestRotateSecretGivesUpAfterBoundedConflicts: a rotation that loses
// every race re-reads and retries a bounded number of times, then returns
// ErrConflict.
func TestRotateSecretGivesUpAfterBoundedConflicts(t *testing.T) {
	t.Parallel()
	svc, m, rec := mockService(t)
	m.EXPECT().GetDeveloper(gomock.Any(), "dev-1").Return(&portal.Developer{ID: "dev-1", Status: portal.DeveloperActive}, nil)
	reads, writes := 0, 0
	m.EXPECT().GetClient(gomock.Any(), "client-1").DoAndReturn(func(context.Context, string) (*oauthclient.Client, error) {
		reads++
		return ownedClient(), nil
	}).AnyTimes()
	m.EXPECT().UpdateClient(gomock.Any(), gomock.Any(), oauthclient.UpdateOptions{}).
		DoAndReturn(func(context.Context, *oauthclient.Client, oauthclient.UpdateOptions) error {
			writes++
			return portal.ErrConflict
		}).AnyTimes()

	_, err := svc.RotateSecret(t.Context(), "dev-1", "client-1", 0)
	require.ErrorIs(t, err, portal.ErrConflict)
	assert.Greater(t, writes, 1, "it retried")
	assert.Less(t, writes, 20, "a bounded number of times")
	assert.Equal(t, reads, writes, "each retry re-reads the client")
	assert.Empty(t, rec.Events())
}

// TestRotateSecretRetryWaitsAndStopsWithTheContext: between attempts a
// rotation pauses, and a request that ends meanwhile stops retrying.
func TestRotateSecretRetryWaitsAndStopsWithTheContext(t *testing.T) {
	t.Parallel()
	svc, m, _ := mockService(t)
	ctx, cancel := context.WithCancel(t.Context())
	m.EXPECT().GetDeveloper(gomock.Any(), "dev-1").Return(&portal.Developer{ID: "dev-1", Status: portal.DeveloperActive}, nil)
	m.EXPECT().GetClient(gomock.Any(), "client-1").Return(ownedClient(), nil).AnyTimes()
	writes := 0
	m.EXPECT().UpdateClient(gomock.Any(), gomock.Any(), oauthclient.UpdateOptions{}).
		DoAndReturn(func(context.Context, *oauthclient.Client, oauthclient.UpdateOptions) error {
			writes++
			cancel() // the request ends while the rotation lost a race
			return portal.ErrConflict
		}).AnyTimes()

	_, err := svc.RotateSecret(ctx, "dev-1", "client-1", time.Hour)
	require.ErrorIs(t, err, context.Canceled)
	assert.Equal(t, 1, writes, "no retry once the request ended")
}

// TestDeactivateDeveloperStoreFailure: deactivation is the store's one
// atomic step; its failure surfaces and emits nothing.
func TestDeactivateDeveloperStoreFailure(t *testing.T) {
	t.Parallel()
	svc, m, rec := mockService(t)
	m.EXPECT().GetDeveloper(gomock.Any(), "dev-1").Return(&portal.Developer{ID: "dev-1", Status: portal.DeveloperActive}, nil)
	m.EXPECT().DeactivateDeveloper(gomock.Any(), "dev-1", gomock.Any()).Return(errStore).Times(1)
	require.ErrorIs(t, svc.DeactivateDeveloper(t.Context(), "admin-1", "dev-1"), errStore)
	assert.Empty(t, rec.Events())
}
