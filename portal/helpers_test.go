package portal_test

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/portaloauth/portaloauth/catalogue"
	"github.com/portaloauth/portaloauth/oauthclient"
	"github.com/portaloauth/portaloauth/portal"
	"github.com/portaloauth/portaloauth/store/memory"
)

// fieldOf returns the field that the first *oauthclient.Error in err
// names, or "" when err holds none.
func fieldOf(t *testing.T, err error) string {
	t.Helper()
	var e *oauthclient.Error
	if !errors.As(err, &e) {
		return ""
	}
	return e.Field
}

// t0 is the fixed start of every test clock.
var t0 = time.Date(2025, 3, 14, 9, 26, 53, 0, time.UTC)

// clock is a settable clock, safe for concurrent use.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *clock { return &clock{now: t0} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// recorder is an Observer that keeps every event.
type recorder struct {
	mu     sync.Mutex
	events []portal.Event
}

func (r *recorder) Observe(_ context.Context, e portal.Event) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, e)
}

func (r *recorder) Events() []portal.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]portal.Event(nil), r.events...)
}

func (r *recorder) Types() []portal.EventType {
	var out []portal.EventType
	for _, e := range r.Events() {
		out = append(out, e.Type)
	}
	return out
}

// Last returns the last event, failing the test if there is none.
func (r *recorder) Last(t *testing.T) portal.Event {
	t.Helper()
	ev := r.Events()
	require.NotEmpty(t, ev, "no event recorded")
	return ev[len(ev)-1]
}

// fixture is a Service over a fresh in-memory store with the test
// catalogue, a settable clock and an event recorder.
type fixture struct {
	svc   *portal.Service
	store portal.Store
	clock *clock
	rec   *recorder
}

// The test catalogue.
const (
	apiPayments = "payments"  // OAuth 2.0, entry "payments-entry" offers gold and basic
	apiLedger   = "ledger"    // OAuth 2.0, entry "ledger-entry" offers gold
	apiLegacy   = "legacy"    // auth token: never eligible
	apiReports  = "reports"   // OAuth 2.0, entry "reports-entry" requires approval
	apiSandbox  = "sandbox"   // OAuth 2.0, entry "sandbox-entry" allows 1 client per developer
	apiRetired  = "retired"   // OAuth 2.0 but inactive
	apiHidden   = "hidden"    // OAuth 2.0, entry not visible
	apiScoped   = "scoped"    // OAuth 2.0, policy allows only "read"
	apiNoPolicy = "no-policy" // OAuth 2.0, entry offers only an inactive policy

	entryPayments = "payments-entry"
	entryLedger   = "ledger-entry"
	entryLegacy   = "legacy-entry"
	entryReports  = "reports-entry"
	entrySandbox  = "sandbox-entry"
	entryRetired  = "retired-entry"
	entryHidden   = "hidden-entry"
	entryScoped   = "scoped-entry"
	entryNoPolicy = "no-policy-entry"

	policyGold     = "gold"    // grants payments and ledger
	policyBasic    = "basic"   // grants payments
	policyLegacy   = "legacy"  // grants legacy
	policyReports  = "reports" // grants reports
	policySandbox  = "sandbox" // grants sandbox
	policyRetired  = "retired" // grants retired
	policyHidden   = "hidden"  // grants hidden
	policyScoped   = "scoped"  // grants scoped, scopes "read"
	policyInactive = "off"     // grants no-policy, inactive
)

func newFixture(t testing.TB) *fixture {
	t.Helper()
	f := &fixture{store: memory.New(), clock: newClock(), rec: &recorder{}}
	svc, err := portal.New(portal.Config{Store: f.store, Observer: f.rec, OAuth: oauthclient.Config{Now: f.clock.Now}})
	require.NoError(t, err)
	f.svc = svc
	seedCatalogue(t, svc)
	f.rec.mu.Lock()
	f.rec.events = nil // catalogue events are tested on their own
	f.rec.mu.Unlock()
	return f
}

func seedCatalogue(t testing.TB, svc *portal.Service) {
	t.Helper()
	ctx := context.Background()
	apis := []struct {
		id     string
		mode   catalogue.AuthMode
		active bool
	}{
		{apiPayments, catalogue.AuthOAuth2, true},
		{apiLedger, catalogue.AuthOAuth2, true},
		{apiLegacy, catalogue.AuthToken, true},
		{apiReports, catalogue.AuthOAuth2, true},
		{apiSandbox, catalogue.AuthOAuth2, true},
		{apiRetired, catalogue.AuthOAuth2, false},
		{apiHidden, catalogue.AuthOAuth2, true},
		{apiScoped, catalogue.AuthOAuth2, true},
		{apiNoPolicy, catalogue.AuthOAuth2, true},
	}
	for _, a := range apis {
		require.NoError(t, svc.AddAPI(ctx, &catalogue.API{ID: a.id, Name: a.id + " API", AuthMode: a.mode, Active: a.active}))
	}
	policies := []struct {
		id     string
		apis   []string
		scopes []string
		active bool
	}{
		{policyGold, []string{apiPayments, apiLedger}, nil, true},
		{policyBasic, []string{apiPayments}, nil, true},
		{policyLegacy, []string{apiLegacy}, nil, true},
		{policyReports, []string{apiReports}, nil, true},
		{policySandbox, []string{apiSandbox}, nil, true},
		{policyRetired, []string{apiRetired}, nil, true},
		{policyHidden, []string{apiHidden}, nil, true},
		{policyScoped, []string{apiScoped}, []string{"read"}, true},
		{policyInactive, []string{apiNoPolicy}, nil, false},
	}
	for _, p := range policies {
		pol := &catalogue.Policy{ID: p.id, Name: p.id + " policy", Scopes: p.scopes, Active: p.active}
		for _, a := range p.apis {
			pol.AccessRights = append(pol.AccessRights, catalogue.AccessRight{APIID: a})
		}
		require.NoError(t, svc.AddPolicy(ctx, pol))
	}
	entries := []catalogue.Entry{
		{ID: entryPayments, APIID: apiPayments, PolicyIDs: []string{policyGold, policyBasic}, Visible: true},
		{ID: entryLedger, APIID: apiLedger, PolicyIDs: []string{policyGold}, Visible: true},
		{ID: entryLegacy, APIID: apiLegacy, PolicyIDs: []string{policyLegacy}, Visible: true},
		{ID: entryReports, APIID: apiReports, PolicyIDs: []string{policyReports}, Visible: true, RequiresApproval: true},
		{ID: entrySandbox, APIID: apiSandbox, PolicyIDs: []string{policySandbox}, Visible: true, ClientLimit: 1},
		{ID: entryRetired, APIID: apiRetired, PolicyIDs: []string{policyRetired}, Visible: true},
		{ID: entryHidden, APIID: apiHidden, PolicyIDs: []string{policyHidden}, Visible: false},
		{ID: entryScoped, APIID: apiScoped, PolicyIDs: []string{policyScoped}, Visible: true},
		{ID: entryNoPolicy, APIID: apiNoPolicy, PolicyIDs: []string{policyInactive}, Visible: true},
	}
	for i := range entries {
		e := entries[i]
		e.DisplayName = e.APIID + " entry"
		require.NoError(t, svc.AddEntry(ctx, &e))
	}
}

var devSeq struct {
	sync.Mutex
	n int
}

// developer registers a fresh active developer.
func (f *fixture) developer(t testing.TB) *portal.Developer {
	t.Helper()
	devSeq.Lock()
	devSeq.n++
	n := devSeq.n
	devSeq.Unlock()
	d, err := f.svc.RegisterDeveloper(context.Background(), portal.NewDeveloper{
		Email: "dev" + strconv.Itoa(n) + "@example.com", Name: "Developer " + strconv.Itoa(n),
	})
	require.NoError(t, err)
	return d
}

// clientFixture is a fixture with one developer owning one client made
// from request().
func clientFixture(t testing.TB) (*fixture, *portal.Developer, *portal.NewClient) {
	t.Helper()
	f := newFixture(t)
	d := f.developer(t)
	return f, d, f.client(t, d.ID)
}

// request is a valid confidential-client request for the payments entry.
func request() portal.CreateClientRequest {
	return portal.CreateClientRequest{
		EntryIDs:    []string{entryPayments},
		PolicyID:    policyBasic,
		Description: "Checkout integration",
		Metadata: oauthclient.Metadata{
			ClientName:   "Shop",
			RedirectURIs: []string{"https://shop.example.com/callback", "https://shop.example.com/cb2"},
			GrantTypes:   []oauthclient.GrantType{oauthclient.GrantAuthorizationCode, oauthclient.GrantRefreshToken},
		},
	}
}

// client creates a client with request() for the developer.
func (f *fixture) client(t testing.TB, developerID string) *portal.NewClient {
	t.Helper()
	return f.clientOf(t, developerID, entryPayments, policyBasic)
}

// clientOf creates a client like request() but for one entry under one
// policy.
func (f *fixture) clientOf(t testing.TB, developerID, entryID, policyID string) *portal.NewClient {
	t.Helper()
	req := request()
	req.EntryIDs, req.PolicyID = []string{entryID}, policyID
	nc, err := f.svc.CreateClient(context.Background(), developerID, req)
	require.NoError(t, err)
	return nc
}

// token stores an access token for the client and returns its hash.
func (f *fixture) token(t testing.TB, clientID string, n int) string {
	t.Helper()
	tok := &oauthclient.Token{
		Hash:      clientID + "-token-" + strconv.Itoa(n),
		Kind:      oauthclient.KindAccessToken,
		ClientID:  clientID,
		GrantID:   "grant-" + strconv.Itoa(n),
		IssuedAt:  f.clock.Now(),
		ExpiresAt: f.clock.Now().Add(time.Hour),
	}
	require.NoError(t, f.store.CreateToken(context.Background(), tok))
	return tok.Hash
}

// tokenCount returns how many tokens the store holds for the client.
func (f *fixture) tokenCount(t testing.TB, clientID string) int {
	t.Helper()
	toks, err := f.store.ListTokens(context.Background(), oauthclient.TokenFilter{ClientID: clientID, Page: oauthclient.Page{Limit: oauthclient.MaxLimit}})
	require.NoError(t, err)
	return len(toks)
}

// authenticate checks the secret against the stored client as a gateway
// would.
func (f *fixture) authenticate(ctx context.Context, clientID string, secret oauthclient.Plaintext) error {
	a := &oauthclient.Authenticator{Clients: f.store, Now: f.clock.Now}
	_, err := a.Authenticate(ctx, oauthclient.Credentials{ClientID: clientID, Secret: secret, Method: oauthclient.AuthMethodBasic})
	return err
}

func ptr[T any](v T) *T { return &v }
