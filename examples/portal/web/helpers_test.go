package web_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/portaloauth/portaloauth/catalogue"
	"github.com/portaloauth/portaloauth/examples/portal/web"
	"github.com/portaloauth/portaloauth/oauthclient"
	"github.com/portaloauth/portaloauth/portal"
	"github.com/portaloauth/portaloauth/store/memory"
)

// testHasher keeps password hashing cheap in tests.
var testHasher = &oauthclient.Hasher{Argon2: oauthclient.Argon2Params{Memory: 64, Time: 1}}

// Logins of the harness.
const (
	adminUser     = "root"
	adminPassword = "admin-password-1"
	devPassword   = "developer-password"
)

// clock is a settable clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// harness is a portal site over an in-memory store with a small catalogue:
// Payments (two policies), Weather (one policy), Partner (needs approval)
// and Legacy (API keys: never offered).
type harness struct {
	t      testing.TB
	store  *memory.Store
	svc    *portal.Service
	site   *web.Site
	srv    *httptest.Server
	clock  *clock
	logged *strings.Builder
}

type harnessOptions struct {
	directory func(portal.Store) web.Directory // wraps the store, e.g. to inject failures
	pageSize  int
	maxBody   int64
}

func newHarness(t testing.TB, opts ...harnessOptions) *harness {
	t.Helper()
	var o harnessOptions
	if len(opts) > 0 {
		o = opts[0]
	}
	ctx := t.Context()
	h := &harness{t: t, store: memory.New(), clock: &clock{t: time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)}, logged: &strings.Builder{}}
	var err error
	h.svc, err = portal.New(portal.Config{Store: h.store, OAuth: oauthclient.Config{Hasher: testHasher, Now: h.clock.Now}})
	require.NoError(t, err)

	for _, a := range []*catalogue.API{
		{ID: "payments", Name: "Payments API", AuthMode: catalogue.AuthOAuth2, Active: true},
		{ID: "weather", Name: "Weather API", AuthMode: catalogue.AuthOAuth2, Active: true},
		{ID: "partner", Name: "Partner API", AuthMode: catalogue.AuthOAuth2, Active: true},
		{ID: "legacy", Name: "Legacy API", AuthMode: catalogue.AuthToken, Active: true},
	} {
		require.NoError(t, h.svc.AddAPI(ctx, a))
	}
	for _, p := range []*catalogue.Policy{
		{ID: "pay-read", Name: "Payments read", Active: true, AccessRights: []catalogue.AccessRight{{APIID: "payments"}}},
		{ID: "pay-full", Name: "Payments full", Active: true, AccessRights: []catalogue.AccessRight{{APIID: "payments"}}},
		{ID: "weather-std", Name: "Weather standard", Active: true, AccessRights: []catalogue.AccessRight{{APIID: "weather"}}},
		{ID: "partner-std", Name: "Partner standard", Active: true, AccessRights: []catalogue.AccessRight{{APIID: "partner"}}},
		{ID: "legacy-keys", Name: "Legacy keys", Active: true, AccessRights: []catalogue.AccessRight{{APIID: "legacy"}}},
	} {
		require.NoError(t, h.svc.AddPolicy(ctx, p))
	}
	for _, e := range []*catalogue.Entry{
		{ID: "payments", APIID: "payments", DisplayName: "Payments", Visible: true, PolicyIDs: []string{"pay-read", "pay-full"}},
		{ID: "weather", APIID: "weather", DisplayName: "Weather", Visible: true, PolicyIDs: []string{"weather-std"}},
		{ID: "partner", APIID: "partner", DisplayName: "Partner", Visible: true, RequiresApproval: true, PolicyIDs: []string{"partner-std"}},
		{ID: "legacy", APIID: "legacy", DisplayName: "Legacy", Visible: true, PolicyIDs: []string{"legacy-keys"}},
	} {
		require.NoError(t, h.svc.AddEntry(ctx, e))
	}

	adminHash, err := web.HashPassword(testHasher, adminPassword, nil)
	require.NoError(t, err)
	var dir web.Directory = h.store
	if o.directory != nil {
		dir = o.directory(h.store)
	}
	h.site, err = web.New(web.Config{
		Portal:            h.svc,
		Directory:         dir,
		Hasher:            testHasher,
		Admins:            []web.Admin{{Username: adminUser, PasswordHash: adminHash}},
		TokenEndpoint:     "http://issuer.example/oauth/token",
		AuthorizeEndpoint: "http://issuer.example/oauth/authorize",
		Now:               h.clock.Now,
		Logger:            slog.New(slog.NewTextHandler(lockedWriter{mu: &sync.Mutex{}, w: h.logged}, nil)),
		PageSize:          o.pageSize,
		MaxBodyBytes:      o.maxBody,
	})
	require.NoError(t, err)
	mux := http.NewServeMux()
	h.site.Register(mux)
	h.srv = httptest.NewServer(h.site.Middleware(mux))
	t.Cleanup(h.srv.Close)
	return h
}

// lockedWriter serialises writes to the log buffer.
type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// addDeveloper registers a developer with devPassword.
func (h *harness) addDeveloper(email, name string) *portal.Developer {
	h.t.Helper()
	hash, err := web.HashPassword(testHasher, devPassword, nil)
	require.NoError(h.t, err)
	d, err := h.svc.RegisterDeveloper(h.t.Context(), portal.NewDeveloper{Email: email, Name: name, PasswordHash: hash})
	require.NoError(h.t, err)
	return d
}

// withAnn returns a harness with the developer Ann (ann@example.com)
// logged in on the returned browser.
func withAnn(t testing.TB, opts ...harnessOptions) (*harness, *portal.Developer, *browser) {
	t.Helper()
	h := newHarness(t, opts...)
	d := h.addDeveloper("ann@example.com", "Ann")
	return h, d, h.login("ann@example.com")
}

// addClient creates a Weather client for the developer through the
// service.
func (h *harness) addClient(devID, name string) *portal.NewClient {
	h.t.Helper()
	nc, err := h.svc.CreateClient(h.t.Context(), devID, portal.CreateClientRequest{
		EntryIDs: []string{"weather"},
		Metadata: oauthclient.Metadata{
			ClientName:   name,
			RedirectURIs: []string{"https://app.example.com/cb"},
			GrantTypes:   []oauthclient.GrantType{oauthclient.GrantAuthorizationCode, oauthclient.GrantClientCredentials},
		},
	})
	require.NoError(h.t, err)
	return nc
}

// clients returns the developer's clients as stored.
func (h *harness) clients(devID string) []*oauthclient.Client {
	h.t.Helper()
	list, err := h.svc.ListClients(context.Background(), devID, oauthclient.Page{})
	require.NoError(h.t, err)
	return list
}

// browser is a cookie-keeping HTTP client that does not follow redirects.
type browser struct {
	t      testing.TB
	h      *harness
	client *http.Client
	header http.Header // added to every request
}

func (h *harness) browser() *browser {
	jar, err := cookiejar.New(nil)
	require.NoError(h.t, err)
	return &browser{t: h.t, h: h, header: http.Header{}, client: &http.Client{
		Jar:           jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Timeout:       30 * time.Second,
	}}
}

// response is a read response.
type response struct {
	code   int
	header http.Header
	body   string
}

func (r response) location() string { return r.header.Get("Location") }

func (b *browser) do(method, path string, body io.Reader, contentType string) response {
	b.t.Helper()
	req, err := http.NewRequestWithContext(b.t.Context(), method, b.h.srv.URL+path, body)
	require.NoError(b.t, err)
	for k, v := range b.header {
		req.Header[k] = v
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := b.client.Do(req)
	require.NoError(b.t, err)
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	require.NoError(b.t, err)
	return response{code: resp.StatusCode, header: resp.Header, body: string(data)}
}

func (b *browser) get(path string) response {
	b.t.Helper()
	return b.do(http.MethodGet, path, nil, "")
}

// post posts a form as is.
func (b *browser) post(path string, form url.Values) response {
	b.t.Helper()
	return b.do(http.MethodPost, path, strings.NewReader(form.Encode()), "application/x-www-form-urlencoded")
}

var csrfRE = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// token returns the CSRF token of the form on the page at path.
func (b *browser) token(path string) string {
	b.t.Helper()
	r := b.get(path)
	m := csrfRE.FindStringSubmatch(r.body)
	require.NotNil(b.t, m, "no CSRF token on %s (status %d)", path, r.code)
	return m[1]
}

var formTokenRE = regexp.MustCompile(`name="form_token" value="([^"]+)"`)

// submit posts a form with the CSRF token of the page at from, and its
// one-time form token if it has one and the form gives none.
func (b *browser) submit(from, path string, form url.Values) response {
	b.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	r := b.get(from)
	m := csrfRE.FindStringSubmatch(r.body)
	require.NotNil(b.t, m, "no CSRF token on %s (status %d)", from, r.code)
	form.Set("csrf", m[1])
	if ft := formTokenRE.FindStringSubmatch(r.body); ft != nil && !form.Has("form_token") {
		form.Set("form_token", ft[1])
	}
	return b.post(path, form)
}

// login logs a developer in and returns the browser.
func (h *harness) login(email string) *browser {
	h.t.Helper()
	b := h.browser()
	r := b.submit("/login", "/login", url.Values{"email": {email}, "password": {devPassword}})
	require.Equal(h.t, http.StatusSeeOther, r.code, r.body)
	return b
}

// adminLogin logs the administrator in.
func (h *harness) adminLogin() *browser {
	h.t.Helper()
	b := h.browser()
	r := b.submit("/admin/login", "/admin/login", url.Values{"username": {adminUser}, "password": {adminPassword}})
	require.Equal(h.t, http.StatusSeeOther, r.code, r.body)
	return b
}

// secretRE finds a shown client secret.
var secretRE = regexp.MustCompile(`id="client-secret"[^>]*>([^<]+)<`)
