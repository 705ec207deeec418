package registration

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portaloauth/portaloauth/catalogue"
	"github.com/portaloauth/portaloauth/oauthclient"
	"github.com/portaloauth/portaloauth/portal"
	"github.com/portaloauth/portaloauth/store/memory"
)

var testNow = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// failingStore fails GetClient and GetDeveloper when fail is set.
type failingStore struct {
	portal.Store
	mu   sync.Mutex
	fail bool
}

var errStoreDown = errors.New("connection refused")

func (s *failingStore) failing() bool { s.mu.Lock(); defer s.mu.Unlock(); return s.fail }

func (s *failingStore) GetClient(ctx context.Context, id string) (*oauthclient.Client, error) {
	if s.failing() {
		return nil, errStoreDown
	}
	return s.Store.GetClient(ctx, id)
}

func (s *failingStore) GetDeveloper(ctx context.Context, id string) (*portal.Developer, error) {
	if s.failing() {
		return nil, errStoreDown
	}
	return s.Store.GetDeveloper(ctx, id)
}

// fixture is a Registrar over a portal with one OAuth API offered by one
// entry, a developer and an initial access token for them.
type fixture struct {
	store *failingStore
	svc   *portal.Service
	reg   *Registrar
	dev   *portal.Developer
	iat   oauthclient.Plaintext
	now   time.Time
}

const regBody = `{"client_name":"Reg","redirect_uris":["https://reg.example.com/cb"],"grant_types":["authorization_code"]}`

func newFixture(t *testing.T) *fixture {
	t.Helper()
	ctx := t.Context()
	f := &fixture{store: &failingStore{Store: memory.New()}, now: testNow}
	var err error
	f.svc, err = portal.New(portal.Config{Store: f.store, OAuth: oauthclient.Config{Now: func() time.Time { return f.now }}})
	require.NoError(t, err)
	require.NoError(t, f.svc.AddAPI(ctx, &catalogue.API{ID: "pay", Name: "Pay", AuthMode: catalogue.AuthOAuth2, Active: true}))
	require.NoError(t, f.svc.AddPolicy(ctx, &catalogue.Policy{ID: "std", Name: "Std", Active: true, Scopes: []string{"read"},
		AccessRights: []catalogue.AccessRight{{APIID: "pay"}}}))
	require.NoError(t, f.svc.AddEntry(ctx, &catalogue.Entry{ID: "pay", APIID: "pay", DisplayName: "Pay",
		PolicyIDs: []string{"std"}, Visible: true}))
	f.dev, err = f.svc.RegisterDeveloper(ctx, portal.NewDeveloper{Email: "dev@example.com", Name: "Dev"})
	require.NoError(t, err)
	f.reg, err = New(f.svc, Config{Issuer: "https://as.example.com/"})
	require.NoError(t, err)
	f.iat, err = f.reg.NewInitialAccessToken(InitialAccess{DeveloperID: f.dev.ID, EntryIDs: []string{"pay"}})
	require.NoError(t, err)
	return f
}

func (f *fixture) register(t *testing.T) *Information {
	t.Helper()
	info, err := f.reg.Register(t.Context(), f.iat, mustParse(t, regBody))
	require.NoError(t, err)
	return info
}

func mustParse(t *testing.T, body string) Request {
	t.Helper()
	req, err := ParseRequest([]byte(body))
	require.NoError(t, err)
	return req
}

// requireCode checks that err is an *oauthclient.Error with that code.
func requireCode(t *testing.T, err error, code oauthclient.ErrorCode, field string) {
	t.Helper()
	require.Error(t, err)
	assert.Equal(t, code, oauthclient.CodeOf(err), "%v", err)
	var e *oauthclient.Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, field, e.Field)
}

func TestNewRefusesBadConfig(t *testing.T) {
	t.Parallel()
	svc, err := portal.New(portal.Config{Store: memory.New()})
	require.NoError(t, err)
	for name, cfg := range map[string]Config{
		"no issuer":         {},
		"relative issuer":   {Issuer: "/oauth"},
		"ftp issuer":        {Issuer: "ftp://example.com"},
		"issuer with query": {Issuer: "https://example.com?a=b"},
		"issuer with #":     {Issuer: "https://example.com#"},
		"issuer with user":  {Issuer: "https://u@example.com"},
		"relative path":     {Issuer: "https://example.com", Path: "register"},
		"pattern path":      {Issuer: "https://example.com", Path: "/r/{x}"},
		"negative limit":    {Issuer: "https://example.com", MaxBodyBytes: -1},
	} {
		_, err := New(svc, cfg)
		require.ErrorIs(t, err, ErrInvalidConfig, name)
	}
	_, err = New(nil, Config{Issuer: "https://example.com"})
	require.ErrorIs(t, err, ErrInvalidConfig)
	r, err := New(svc, Config{Issuer: "https://example.com/", Path: "/dcr/"})
	require.NoError(t, err)
	assert.Equal(t, "https://example.com/dcr/a%2Fb", r.clientURI("a/b"))
}

func TestRegister(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	info := f.register(t)
	assert.False(t, info.Secret.IsZero())
	assert.True(t, strings.HasPrefix(info.RegistrationToken.Reveal(), oauthclient.PrefixRegistrationToken))
	assert.Equal(t, "https://as.example.com/oauth/register/"+info.Client.ID, info.ClientURI)

	stored, err := f.store.GetClient(t.Context(), info.Client.ID)
	require.NoError(t, err)
	assert.Equal(t, f.dev.ID, stored.DeveloperID, "the initial access token's developer owns the client")
	assert.Equal(t, "std", stored.PolicyID)
	assert.Equal(t, oauthclient.HashToken(info.RegistrationToken.Reveal()), stored.RegistrationTokenHash)
	assert.NotContains(t, fmt.Sprintf("%v %+v", info, *info), info.Secret.Reveal(), "secrets redact themselves")
}

func TestRegisterRefusals(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		setup func(t *testing.T, f *fixture) (oauthclient.Plaintext, string)
		code  oauthclient.ErrorCode
	}{
		{"no token", func(*testing.T, *fixture) (oauthclient.Plaintext, string) { return oauthclient.Plaintext{}, regBody }, oauthclient.CodeInvalidToken},
		{"unknown token", func(*testing.T, *fixture) (oauthclient.Plaintext, string) {
			return oauthclient.NewPlaintext("poa_iat_unknown"), regBody
		}, oauthclient.CodeInvalidToken},
		{"registration access token", func(t *testing.T, f *fixture) (oauthclient.Plaintext, string) {
			return f.register(t).RegistrationToken, regBody
		}, oauthclient.CodeInvalidToken},
		{"developer gone", func(t *testing.T, f *fixture) (oauthclient.Plaintext, string) {
			tok, err := f.reg.NewInitialAccessToken(InitialAccess{DeveloperID: "ghost", EntryIDs: []string{"pay"}})
			require.NoError(t, err)
			return tok, regBody
		}, oauthclient.CodeInvalidToken},
		{"developer inactive", func(t *testing.T, f *fixture) (oauthclient.Plaintext, string) {
			require.NoError(t, f.svc.DeactivateDeveloper(t.Context(), "admin", f.dev.ID))
			return f.iat, regBody
		}, oauthclient.CodeAccessDenied},
		{"entry gone", func(t *testing.T, f *fixture) (oauthclient.Plaintext, string) {
			tok, err := f.reg.NewInitialAccessToken(InitialAccess{DeveloperID: f.dev.ID, EntryIDs: []string{"nope"}})
			require.NoError(t, err)
			return tok, regBody
		}, oauthclient.CodeAccessDenied},
		{"policy not offered", func(t *testing.T, f *fixture) (oauthclient.Plaintext, string) {
			tok, err := f.reg.NewInitialAccessToken(InitialAccess{DeveloperID: f.dev.ID, EntryIDs: []string{"pay"}, PolicyID: "gold"})
			require.NoError(t, err)
			return tok, regBody
		}, oauthclient.CodeAccessDenied},
		{"invalid redirect", func(_ *testing.T, f *fixture) (oauthclient.Plaintext, string) {
			return f.iat, `{"client_name":"a","redirect_uris":["http://a.example/cb"]}`
		}, oauthclient.CodeInvalidRedirectURI},
		{"scope beyond the policy", func(_ *testing.T, f *fixture) (oauthclient.Plaintext, string) {
			return f.iat, `{"client_name":"a","redirect_uris":["https://a.example/cb"],"scope":"admin"}`
		}, oauthclient.CodeInvalidClientMetadata},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t)
			tok, body := tc.setup(t, f)
			before, err := f.store.ListClients(t.Context(), oauthclient.ClientFilter{DeveloperID: f.dev.ID})
			require.NoError(t, err)
			_, err = f.reg.Register(t.Context(), tok, mustParse(t, body))
			assert.Equal(t, tc.code, oauthclient.CodeOf(err), "%v", err)
			after, err := f.store.ListClients(t.Context(), oauthclient.ClientFilter{DeveloperID: f.dev.ID})
			require.NoError(t, err)
			assert.Len(t, after, len(before), "nothing registered")
		})
	}
}

func TestReadUpdateDelete(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := t.Context()
	info := f.register(t)
	id, rat := info.Client.ID, info.RegistrationToken

	read, err := f.reg.Read(ctx, id, rat)
	require.NoError(t, err)
	assert.Equal(t, id, read.Client.ID)
	assert.True(t, read.Secret.IsZero(), "the secret is shown once")
	require.False(t, read.RegistrationToken.IsZero(), "RFC 7592 §3: a new registration access token")
	_, err = f.reg.Read(ctx, id, rat)
	requireCode(t, err, oauthclient.CodeInvalidToken, "")
	rat = read.RegistrationToken

	body := `{"client_id":"` + id + `","client_secret":"` + info.Secret.Reveal() + `","client_name":"Renamed",
		"redirect_uris":["https://reg.example.com/cb2"],"grant_types":["authorization_code"]}`
	updated, err := f.reg.Update(ctx, id, rat, mustParse(t, body))
	require.NoError(t, err)
	assert.Equal(t, "Renamed", updated.Client.ClientName)
	assert.Equal(t, []string{"https://reg.example.com/cb2"}, updated.Client.RedirectURIs)
	assert.True(t, updated.Secret.IsZero())
	require.False(t, updated.RegistrationToken.IsZero())
	rat = updated.RegistrationToken

	require.NoError(t, f.reg.Delete(ctx, id, rat))
	_, err = f.store.GetClient(ctx, id)
	require.ErrorIs(t, err, oauthclient.ErrNotFound)
	_, err = f.reg.Read(ctx, id, rat)
	requireCode(t, err, oauthclient.CodeInvalidToken, "")
	requireCode(t, f.reg.Delete(ctx, id, rat), oauthclient.CodeInvalidToken, "")
}

// TestDisabledClientCannotManageItself: a client an administrator
// disabled can neither read, change (and so re-enable) nor delete itself
// through its registration access token.
func TestDisabledClientCannotManageItself(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := t.Context()
	info := f.register(t)
	id, rat := info.Client.ID, info.RegistrationToken
	require.NoError(t, f.svc.DisableClient(ctx, "admin", id))

	_, err := f.reg.Read(ctx, id, rat)
	requireCode(t, err, oauthclient.CodeInvalidToken, "")
	_, err = f.reg.Update(ctx, id, rat, mustParse(t, `{"client_id":"`+id+`","client_name":"Back","redirect_uris":["https://reg.example.com/cb"]}`))
	requireCode(t, err, oauthclient.CodeInvalidToken, "")
	requireCode(t, f.reg.Delete(ctx, id, rat), oauthclient.CodeInvalidToken, "")
	c, err := f.store.GetClient(ctx, id)
	require.NoError(t, err, "not deleted")
	assert.Equal(t, oauthclient.StatusDisabled, c.Status, "still disabled")
	assert.Equal(t, info.Client.ClientName, c.ClientName, "unchanged")
}

func TestUpdateRefusals(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := t.Context()
	info := f.register(t)
	id, rat := info.Client.ID, info.RegistrationToken
	update := func(members string) error {
		_, err := f.reg.Update(ctx, id, rat, mustParse(t, `{"client_name":"Reg","redirect_uris":["https://reg.example.com/cb"]`+members+`}`))
		return err
	}
	requireCode(t, update(``), oauthclient.CodeInvalidRequest, "client_id")
	requireCode(t, update(`,"client_id":"other"`), oauthclient.CodeInvalidRequest, "client_id")
	requireCode(t, update(`,"client_id":"`+id+`","client_secret":"chosen"`), oauthclient.CodeInvalidRequest, "client_secret")
	requireCode(t, update(`,"client_id":"`+id+`","client_secret":""`), oauthclient.CodeInvalidRequest, "client_secret")
	requireCode(t, update(`,"client_id":"`+id+`","token_endpoint_auth_method":"client_secret_post"`),
		oauthclient.CodeInvalidClientMetadata, "token_endpoint_auth_method")

	// An expired secret is not current.
	f.now = testNow.Add(time.Hour)
	_, err := f.svc.RotateSecret(ctx, f.dev.ID, id, 0)
	require.NoError(t, err)
	requireCode(t, update(`,"client_id":"`+id+`","client_secret":"`+info.Secret.Reveal()+`"`), oauthclient.CodeInvalidRequest, "client_secret")

	stored, err := f.store.GetClient(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, "Reg", stored.ClientName, "nothing changed")
}

func TestRegistrationTokenIsChecked(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := t.Context()
	mine := f.register(t)
	other := f.register(t)
	portalClient, err := f.svc.CreateClient(ctx, f.dev.ID, portal.CreateClientRequest{EntryIDs: []string{"pay"},
		Metadata: oauthclient.Metadata{ClientName: "Portal app", GrantTypes: []oauthclient.GrantType{oauthclient.GrantClientCredentials}}})
	require.NoError(t, err)
	for name, tc := range map[string]struct {
		id    string
		token oauthclient.Plaintext
	}{
		"no token":                        {mine.Client.ID, oauthclient.Plaintext{}},
		"wrong token":                     {mine.Client.ID, oauthclient.NewPlaintext("poa_rat_wrong")},
		"another client's token":          {mine.Client.ID, other.RegistrationToken},
		"unknown client":                  {"nobody", mine.RegistrationToken},
		"client without a registration":   {portalClient.Client.ID, oauthclient.NewPlaintext("x")},
		"the hash of the empty token":     {portalClient.Client.ID, oauthclient.NewPlaintext(oauthclient.HashToken(""))},
		"initial access token as a token": {mine.Client.ID, f.iat},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := f.reg.Read(ctx, tc.id, tc.token)
			requireCode(t, err, oauthclient.CodeInvalidToken, "")
			_, err = f.reg.Update(ctx, tc.id, tc.token, mustParse(t, regBody))
			requireCode(t, err, oauthclient.CodeInvalidToken, "")
			requireCode(t, f.reg.Delete(ctx, tc.id, tc.token), oauthclient.CodeInvalidToken, "")
		})
	}
	_, err = f.store.GetClient(ctx, mine.Client.ID)
	require.NoError(t, err, "still there")
}

func TestStoreFailuresPassThrough(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	info := f.register(t)
	f.store.mu.Lock()
	f.store.fail = true
	f.store.mu.Unlock()
	_, err := f.reg.Register(t.Context(), f.iat, mustParse(t, regBody))
	require.ErrorIs(t, err, errStoreDown)
	assert.Equal(t, oauthclient.CodeServerError, oauthclient.CodeOf(err), "a server failure, not a refusal")
	_, err = f.reg.Read(t.Context(), info.Client.ID, info.RegistrationToken)
	require.ErrorIs(t, err, errStoreDown)
}

func TestPortalError(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		err    error
		code   oauthclient.ErrorCode
		status int
	}{
		{"oauth error", oauthclient.NewError(oauthclient.CodeInvalidRedirectURI, "redirect_uris[0]", "x"), oauthclient.CodeInvalidRedirectURI, 400},
		{"developer gone", fmt.Errorf("x: %w", oauthclient.ErrNotFound), oauthclient.CodeInvalidToken, 401},
		{"client limit", oauthclient.Errorf(portal.ErrClientLimit, "entry_ids[0]", "limit"), oauthclient.CodeAccessDenied, 403},
		{"inactive developer", portal.ErrDeveloperInactive, oauthclient.CodeAccessDenied, 403},
		{"entry not eligible", oauthclient.Errorf(portal.ErrNotEligible, "entry_ids[0]", "no such catalogue entry"), oauthclient.CodeAccessDenied, 403},
		{"policy not offered", oauthclient.Errorf(portal.ErrPolicyNotOffered, "policy_id", "x"), oauthclient.CodeAccessDenied, 403},
		{"conflict", fmt.Errorf("x: %w", oauthclient.ErrConflict), oauthclient.CodeInvalidRequest, 409},
		{"store failure", errStoreDown, oauthclient.CodeServerError, 500},
	}
	for _, tc := range tests {
		got := portalError(tc.err, "registration access token")
		assert.Equal(t, tc.code, oauthclient.CodeOf(got), tc.name)
		assert.Equal(t, tc.status, oauthclient.HTTPStatus(got), tc.name)
	}
	assert.Equal(t, errStoreDown, portalError(errStoreDown, "x"), "a server failure passes unchanged")
}
