package e2e_test

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/portaloauth/portaloauth/catalogue"
	"github.com/portaloauth/portaloauth/examples/portal/authserver"
	"github.com/portaloauth/portaloauth/oauthclient"
	"github.com/portaloauth/portaloauth/portal"
	lib "github.com/portaloauth/portaloauth/portal/authserver"
	"github.com/portaloauth/portaloauth/portal/registration"
	"github.com/portaloauth/portaloauth/store/memory"
)

// clock is a settable time source shared by the store's users. With a
// tick, every reading moves it on, as a real clock would.
type clock struct {
	mu   sync.Mutex
	t    time.Time
	tick time.Duration
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.t
	c.t = c.t.Add(c.tick)
	return now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// userCookie names the cookie the stub sessions trust.
const userCookie = "test_user"

// sessions is the test's UserSessions: the user is whoever the cookie
// names, and /login sets it.
type sessions struct{}

func (sessions) CurrentUser(r *http.Request) (string, bool) {
	c, err := r.Cookie(userCookie)
	if err != nil || c.Value == "" {
		return "", false
	}
	return c.Value, true
}

func (sessions) LoginURL(returnTo string) string {
	return "/login?return_to=" + url.QueryEscape(returnTo)
}

// login is GET /login?user=ID&return_to=PATH: it logs the user in.
func login(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{Name: userCookie, Value: r.URL.Query().Get("user"), Path: "/", HttpOnly: true})
	http.Redirect(w, r, r.URL.Query().Get("return_to"), http.StatusFound)
}

// The fixture's catalogue.
const (
	apiPayments    = "payments"
	apiReports     = "reports"
	policyPayments = "payments-policy"
	policyReports  = "reports-policy"
	entryPayments  = "payments-entry"
	entryReports   = "reports-entry"
	entryApproval  = "approval-entry"

	confRedirect   = "https://app.example.com/cb"
	loopRedirect   = "http://127.0.0.1/cb"
	publicRedirect = "http://127.0.0.1/callback"
)

// consentKey signs the fixture's consent forms, so that a second server
// over the same store accepts them.
var consentKey = []byte("0123456789abcdef0123456789abcdef")

// testClient is a client the fixture registered, with its secret.
type testClient struct {
	*oauthclient.Client
	secret string
}

// fixture is an authorization server and a gateway over one in-memory
// store, with a catalogue, two developers and some clients.
type fixture struct {
	clock   *clock
	store   *memory.Store
	portal  *portal.Service
	server  *authserver.Server
	handler http.Handler
	issuer  string
	srv     *httptest.Server // nil unless started with a server

	alice, bob *portal.Developer
	iat        string // alice's initial access token, for payments

	conf    testClient // alice's: code, refresh, client_credentials; client_secret_basic
	post    testClient // alice's: client_credentials only; client_secret_post
	public  testClient // alice's: public, code and refresh
	bobs    testClient // bob's: code and client_credentials
	pending testClient // alice's, pending approval
}

type fixtureOption int

const (
	withServer fixtureOption = iota + 1 // serve on an httptest.Server, for golang.org/x/oauth2
)

func newFixture(t testing.TB, opts ...fixtureOption) *fixture {
	t.Helper()
	ctx := context.Background()
	f := &fixture{
		clock: &clock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)},
		store: memory.New(),
	}
	f.issuer = "http://issuer.test"
	for _, o := range opts {
		if o == withServer {
			f.srv = httptest.NewUnstartedServer(nil)
			f.issuer = "http://" + f.srv.Listener.Addr().String()
		}
	}
	var err error
	f.portal, err = portal.New(portal.Config{Store: f.store, OAuth: oauthclient.Config{Now: f.clock.Now}})
	require.NoError(t, err)
	f.seedCatalogue(t)
	f.alice, err = f.portal.RegisterDeveloper(ctx, portal.NewDeveloper{Email: "alice@example.com", Name: "Alice"})
	require.NoError(t, err)
	f.bob, err = f.portal.RegisterDeveloper(ctx, portal.NewDeveloper{Email: "bob@example.com", Name: "Bob"})
	require.NoError(t, err)

	f.server, err = authserver.New(authserver.Config{
		Portal: f.portal, Issuer: f.issuer, Users: sessions{},
		Logger: slog.New(slog.DiscardHandler), MaxBodyBytes: 4 << 10, ConsentKey: consentKey,
	})
	require.NoError(t, err)
	iat, err := f.server.Registration().NewInitialAccessToken(registration.InitialAccess{DeveloperID: f.alice.ID, EntryIDs: []string{entryPayments}})
	require.NoError(t, err)
	f.iat = iat.Reveal()

	all := []oauthclient.GrantType{oauthclient.GrantAuthorizationCode, oauthclient.GrantRefreshToken, oauthclient.GrantClientCredentials}
	f.conf = f.newClient(t, f.alice.ID, entryPayments, oauthclient.Metadata{
		ClientName: "Alice's app", RedirectURIs: []string{confRedirect, loopRedirect}, GrantTypes: all, Scope: "read write",
	})
	f.post = f.newClient(t, f.alice.ID, entryPayments, oauthclient.Metadata{
		ClientName: "Alice's batch job", TokenEndpointAuthMethod: oauthclient.AuthMethodPost, Scope: "read",
		GrantTypes: []oauthclient.GrantType{oauthclient.GrantClientCredentials},
	})
	f.public = f.newClient(t, f.alice.ID, entryPayments, oauthclient.Metadata{
		ClientName: "Alice's CLI", TokenEndpointAuthMethod: oauthclient.AuthMethodNone, RedirectURIs: []string{publicRedirect},
		GrantTypes: []oauthclient.GrantType{oauthclient.GrantAuthorizationCode, oauthclient.GrantRefreshToken},
	})
	f.bobs = f.newClient(t, f.bob.ID, entryPayments, oauthclient.Metadata{
		ClientName: "Bob's app", RedirectURIs: []string{"https://bob.example.com/cb"},
		GrantTypes: []oauthclient.GrantType{oauthclient.GrantAuthorizationCode, oauthclient.GrantClientCredentials},
	})
	f.pending = f.newClient(t, f.alice.ID, entryApproval, oauthclient.Metadata{
		ClientName: "Alice's pending app", GrantTypes: []oauthclient.GrantType{oauthclient.GrantClientCredentials},
	})
	require.Equal(t, oauthclient.StatusPending, f.pending.Status)

	mux := http.NewServeMux()
	f.server.Register(mux)
	mux.HandleFunc("GET /login", login)
	for _, api := range []string{apiPayments, apiReports} {
		mux.Handle("/api/"+api+"/", f.server.RequireToken(http.HandlerFunc(upstream), api))
	}
	f.handler = mux
	if f.srv != nil {
		f.srv.Config.Handler = mux
		f.srv.Start()
		t.Cleanup(f.srv.Close)
	}
	return f
}

// upstream is the API behind the gateway: it names the caller.
func upstream(w http.ResponseWriter, r *http.Request) {
	tok, _ := lib.TokenFromContext(r.Context())
	_, _ = io.WriteString(w, "upstream: "+r.URL.Path+" for "+tok.ClientID)
}

func (f *fixture) seedCatalogue(t testing.TB) {
	t.Helper()
	ctx := context.Background()
	for _, a := range []*catalogue.API{
		{ID: apiPayments, Name: "Payments API", AuthMode: catalogue.AuthOAuth2, Active: true},
		{ID: apiReports, Name: "Reports API", AuthMode: catalogue.AuthOAuth2, Active: true},
		{ID: "legacy", Name: "Legacy API", AuthMode: catalogue.AuthToken, Active: true},
	} {
		require.NoError(t, f.portal.AddAPI(ctx, a))
	}
	for _, p := range []*catalogue.Policy{
		{ID: policyPayments, Name: "Payments", Active: true, Scopes: []string{"read", "write"},
			AccessRights: []catalogue.AccessRight{{APIID: apiPayments}}},
		{ID: policyReports, Name: "Reports", Active: true, AccessRights: []catalogue.AccessRight{{APIID: apiReports}}},
	} {
		require.NoError(t, f.portal.AddPolicy(ctx, p))
	}
	for _, e := range []*catalogue.Entry{
		{ID: entryPayments, APIID: apiPayments, DisplayName: "Payments", PolicyIDs: []string{policyPayments}, Visible: true},
		{ID: entryReports, APIID: apiReports, DisplayName: "Reports", PolicyIDs: []string{policyReports}, Visible: true},
		{ID: entryApproval, APIID: apiPayments, DisplayName: "Payments (approved use)", PolicyIDs: []string{policyPayments},
			Visible: true, RequiresApproval: true},
	} {
		require.NoError(t, f.portal.AddEntry(ctx, e))
	}
}

// newClient registers a client through the portal service.
func (f *fixture) newClient(t testing.TB, developerID, entryID string, md oauthclient.Metadata) testClient {
	t.Helper()
	nc, err := f.portal.CreateClient(context.Background(), developerID, portal.CreateClientRequest{
		EntryIDs: []string{entryID}, Metadata: md,
	})
	require.NoError(t, err)
	return testClient{Client: nc.Client, secret: nc.Secret.Reveal()}
}

// serve runs req through the handler.
func (f *fixture) serve(req *http.Request) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	f.handler.ServeHTTP(rec, req)
	return rec
}

// formRequest builds a form POST to path.
func formRequest(path string, form url.Values) *http.Request {
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return req
}

// basicRequest builds a form POST to path with client_secret_basic
// credentials.
func basicRequest(path string, c testClient, form url.Values) *http.Request {
	req := formRequest(path, form)
	req.SetBasicAuth(url.QueryEscape(c.ID), url.QueryEscape(c.secret))
	return req
}

// tokenResponse is a successful token response.
type tokenResponse struct {
	AccessToken  string `json:"access_token"`
	TokenType    string `json:"token_type"`
	ExpiresIn    int64  `json:"expires_in"`
	RefreshToken string `json:"refresh_token"`
	Scope        string `json:"scope"`
}

// decode decodes a JSON response body, requiring the status.
func decode[T any](t testing.TB, rec *httptest.ResponseRecorder, status int) T {
	t.Helper()
	require.Equal(t, status, rec.Code, rec.Body.String())
	var v T
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &v), rec.Body.String())
	return v
}

// clientCredentials gets an access token for a confidential client.
func (f *fixture) clientCredentials(t testing.TB, c testClient) tokenResponse {
	t.Helper()
	form := url.Values{"grant_type": {"client_credentials"}}
	req := basicRequest(authserver.PathToken, c, form)
	if c.TokenEndpointAuthMethod == oauthclient.AuthMethodPost {
		form.Set("client_id", c.ID)
		form.Set("client_secret", c.secret)
		req = formRequest(authserver.PathToken, form)
	}
	return decode[tokenResponse](t, f.serve(req), http.StatusOK)
}

// authorizeQuery returns an authorization request's parameters for the
// client: response_type code, its first redirect URI, a state and, for
// the given verifier, the S256 challenge.
func authorizeQuery(c testClient, verifier string) url.Values {
	q := url.Values{
		"response_type": {"code"}, "client_id": {c.ID}, "redirect_uri": {c.RedirectURIs[0]}, "state": {"st-123"},
	}
	if verifier != "" {
		q.Set("code_challenge", s256(verifier))
		q.Set("code_challenge_method", "S256")
	}
	return q
}

// consentForm gets the consent page for the query as user and returns the
// form it holds.
func (f *fixture) consentForm(t testing.TB, q url.Values, user string) url.Values {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, authserver.PathAuthorize+"?"+q.Encode(), nil)
	req.AddCookie(&http.Cookie{Name: userCookie, Value: user})
	rec := f.serve(req)
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	return hiddenInputs(t, rec.Body.String())
}

var hiddenInput = regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)">`)

// hiddenInputs parses the hidden inputs of a page.
func hiddenInputs(t testing.TB, page string) url.Values {
	t.Helper()
	form := url.Values{}
	for _, m := range hiddenInput.FindAllStringSubmatch(page, -1) {
		form.Set(html.UnescapeString(m[1]), html.UnescapeString(m[2]))
	}
	require.NotEmpty(t, form.Get("consent_token"), "consent page without a consent token")
	return form
}

// consentRequest builds the consent form's POST as user.
func consentRequest(form url.Values, user, decision string) *http.Request {
	form = cloneValues(form)
	form.Set("decision", decision)
	req := formRequest(authserver.PathAuthorize, form)
	req.AddCookie(&http.Cookie{Name: userCookie, Value: user})
	return req
}

func cloneValues(v url.Values) url.Values {
	out := make(url.Values, len(v))
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

// authorize runs the authorization request and approves it as alice; it
// returns the code.
func (f *fixture) authorize(t testing.TB, q url.Values) string {
	t.Helper()
	rec := f.serve(consentRequest(f.consentForm(t, q, f.alice.ID), f.alice.ID, "approve"))
	require.Equal(t, http.StatusSeeOther, rec.Code, rec.Body.String())
	loc, err := url.Parse(rec.Header().Get("Location"))
	require.NoError(t, err)
	require.NotEmpty(t, loc.Query().Get("code"), loc.String())
	return loc.Query().Get("code")
}

// codeTokens authorizes the client with PKCE and redeems the code.
func (f *fixture) codeTokens(t testing.TB, c testClient) tokenResponse {
	t.Helper()
	verifier := strings.Repeat("v", 43)
	code := f.authorize(t, authorizeQuery(c, verifier))
	form := url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {c.RedirectURIs[0]},
		"code_verifier": {verifier}}
	req := basicRequest(authserver.PathToken, c, form)
	if c.Public() {
		form.Set("client_id", c.ID)
		req = formRequest(authserver.PathToken, form)
	}
	return decode[tokenResponse](t, f.serve(req), http.StatusOK)
}

// callAPI calls the gateway-protected API with the access token.
func (f *fixture) callAPI(api, token string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodGet, "/api/"+api+"/orders", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	return f.serve(req)
}

// snapshot is everything the store holds, for before/after comparisons.
type snapshot struct {
	Clients    []*oauthclient.Client
	Tokens     map[string][]*oauthclient.Token
	Developers []*portal.Developer
	Policies   []*catalogue.Policy
	Entries    []*catalogue.Entry
}

func (f *fixture) snapshot(t testing.TB) snapshot {
	t.Helper()
	ctx := context.Background()
	var s snapshot
	var err error
	s.Clients, err = f.store.ListClients(ctx, oauthclient.ClientFilter{Page: oauthclient.Page{Limit: oauthclient.MaxLimit}})
	require.NoError(t, err)
	s.Tokens = map[string][]*oauthclient.Token{}
	for _, c := range s.Clients {
		s.Tokens[c.ID], err = f.store.ListTokens(ctx, oauthclient.TokenFilter{ClientID: c.ID, Page: oauthclient.Page{Limit: oauthclient.MaxLimit}})
		require.NoError(t, err)
	}
	s.Developers, err = f.store.ListDevelopers(ctx, oauthclient.Page{Limit: oauthclient.MaxLimit})
	require.NoError(t, err)
	s.Policies, err = f.store.ListPolicies(ctx)
	require.NoError(t, err)
	s.Entries, err = f.store.ListEntries(ctx)
	require.NoError(t, err)
	return s
}

// s256 is the PKCE S256 challenge of a verifier.
func s256(verifier string) string {
	sum := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}
