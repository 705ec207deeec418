package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portaloauth/portaloauth/catalogue"
	"github.com/portaloauth/portaloauth/oauthclient"
	"github.com/portaloauth/portaloauth/portal"
	"github.com/portaloauth/portaloauth/store/memory"
)

const testDemoToken = "poa_iat_test-demo-token-0123456789"

// startApp serves a demo app on a local port and returns it with its URL.
func startApp(t *testing.T, cfg appConfig) (*app, *httptest.Server) {
	t.Helper()
	srv := httptest.NewUnstartedServer(nil)
	cfg.Issuer = "http://" + srv.Listener.Addr().String()
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(t.Output(), nil))
	}
	a, err := newApp(t.Context(), cfg)
	require.NoError(t, err)
	srv.Config.Handler = a.Handler
	srv.Start()
	t.Cleanup(srv.Close)
	return a, srv
}

func TestNewAppSeedsTheDemo(t *testing.T) {
	t.Parallel()
	a, srv := startApp(t, appConfig{Demo: true, DemoToken: testDemoToken, AdminPassword: "admin-password-1"})
	ctx := t.Context()
	require.NotNil(t, a.Demo)

	// The catalogue: three OAuth 2.0 APIs offered, one with two policies, one needing approval;
	// the API with another auth mode is not offered.
	apis, err := a.Store.ListAPIs(ctx)
	require.NoError(t, err)
	modes := map[catalogue.AuthMode]int{}
	for _, api := range apis {
		modes[api.AuthMode]++
	}
	assert.Equal(t, 3, modes[catalogue.AuthOAuth2])
	assert.Equal(t, 1, modes[catalogue.AuthToken])
	eligible, err := a.Portal.EligibleEntries(ctx, a.Demo.DeveloperID)
	require.NoError(t, err)
	policies := map[string]int{}
	for _, e := range eligible {
		assert.Equal(t, catalogue.AuthOAuth2, e.API.AuthMode)
		policies[e.Entry.ID] = len(e.Policies)
	}
	assert.Equal(t, map[string]int{"payments": 2, "weather": 1, "ledger": 1}, policies)

	// The demo developer, with an argon2id password hash and no client.
	d, err := a.Store.GetDeveloperByEmail(ctx, demoEmail)
	require.NoError(t, err)
	assert.Equal(t, a.Demo.DeveloperID, d.ID)
	assert.True(t, strings.HasPrefix(d.PasswordHash, "$argon2id$"))
	assert.NotContains(t, d.PasswordHash, a.Demo.DeveloperPassword)
	clients, err := a.Portal.ListClients(ctx, d.ID, oauthclient.Page{})
	require.NoError(t, err)
	assert.Empty(t, clients)

	// The printed logins.
	var out strings.Builder
	a.printLogins(&out)
	for _, w := range []string{srv.URL + "/", srv.URL + "/admin/login", `"admin"`, `"admin-password-1"`,
		`"` + demoEmail + `"`, `"` + a.Demo.DeveloperPassword + `"`, testDemoToken} {
		assert.Contains(t, out.String(), w)
	}

	// The logins work.
	assert.Equal(t, http.StatusSeeOther, postLogin(t, srv.URL, "/login", url.Values{"email": {demoEmail}, "password": {a.Demo.DeveloperPassword}}))
	assert.Equal(t, http.StatusSeeOther, postLogin(t, srv.URL, "/admin/login", url.Values{"username": {"admin"}, "password": {"admin-password-1"}}))
	assert.Equal(t, http.StatusUnauthorized, postLogin(t, srv.URL, "/login", url.Values{"email": {demoEmail}, "password": {"wrong password"}}))

	// The initial access token registers a Weather API client (RFC 7591).
	body := `{"client_name":"CLI","grant_types":["client_credentials"]}`
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL+"/oauth/register", strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+testDemoToken)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusCreated, resp.StatusCode)
	var reg struct {
		ClientID string `json:"client_id"`
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&reg))
	c, err := a.Store.GetClient(ctx, reg.ClientID)
	require.NoError(t, err)
	assert.Equal(t, d.ID, c.DeveloperID)
	assert.Equal(t, []string{"weather"}, c.APIIDs)

	// Pages and endpoints share the one mux and its security headers.
	for _, p := range []string{"/", "/.well-known/oauth-authorization-server", "/static/portal.css"} {
		resp, err := http.Get(srv.URL + p)
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, http.StatusOK, resp.StatusCode, p)
		assert.Equal(t, "nosniff", resp.Header.Get("X-Content-Type-Options"), p)
		assert.Contains(t, resp.Header.Get("Content-Security-Policy"), "frame-ancestors 'none'", p)
	}
}

var csrfRE = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// noRedirects returns a cookie-keeping client that does not follow
// redirects.
func noRedirects(t *testing.T) *http.Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// submit fills in a form the way a browser does: it loads the page at
// from, then posts form with the page's CSRF token to path. The response's
// body is closed.
func submit(t *testing.T, c *http.Client, base, from, path string, form url.Values) *http.Response {
	t.Helper()
	resp, err := c.Get(base + from)
	require.NoError(t, err)
	page, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.NoError(t, err)
	m := csrfRE.FindSubmatch(page)
	require.NotNil(t, m)
	form.Set("csrf", string(m[1]))
	resp, err = c.PostForm(base+path, form)
	require.NoError(t, err)
	resp.Body.Close()
	return resp
}

// postLogin logs in on a fresh client and returns the status of the post.
func postLogin(t *testing.T, base, path string, form url.Values) int {
	t.Helper()
	return submit(t, noRedirects(t), base, path, path, form).StatusCode
}

func TestNewAppWithoutDemo(t *testing.T) {
	t.Parallel()
	a, srv := startApp(t, appConfig{})
	assert.Nil(t, a.Demo)
	assert.Len(t, a.AdminPassword, 22, "a random admin password")
	devs, err := a.Store.ListDevelopers(t.Context(), oauthclient.Page{})
	require.NoError(t, err)
	assert.Empty(t, devs)
	apis, err := a.Store.ListAPIs(t.Context())
	require.NoError(t, err)
	assert.Empty(t, apis)
	assert.Equal(t, http.StatusSeeOther, postLogin(t, srv.URL, "/admin/login", url.Values{"username": {"admin"}, "password": {a.AdminPassword}}))
	var out strings.Builder
	a.printLogins(&out)
	assert.NotContains(t, out.String(), "demo developer")
}

// TestSeedDemoAgain: on a store that keeps the demo from an earlier run
// (a database), seeding again keeps the records and resets the password.
func TestSeedDemoAgain(t *testing.T) {
	t.Parallel()
	store := memory.New()
	first, err := newApp(t.Context(), appConfig{Issuer: "http://127.0.0.1:1", Store: store, Demo: true})
	require.NoError(t, err)
	second, err := newApp(t.Context(), appConfig{Issuer: "http://127.0.0.1:1", Store: store, Demo: true})
	require.NoError(t, err)
	assert.Equal(t, first.Demo.DeveloperID, second.Demo.DeveloperID)
	assert.NotEqual(t, first.Demo.DeveloperPassword, second.Demo.DeveloperPassword)
	assert.NotEqual(t, first.Demo.InitialAccessToken.Reveal(), second.Demo.InitialAccessToken.Reveal())
	d, err := store.GetDeveloperByEmail(t.Context(), demoEmail)
	require.NoError(t, err)
	_, err = (&oauthclient.Hasher{}).Verify(d.PasswordHash, oauthclient.NewPlaintext(second.Demo.DeveloperPassword))
	assert.NoError(t, err)
	entries, err := store.ListEntries(t.Context())
	require.NoError(t, err)
	assert.Len(t, entries, len(demoEntries))
	assert.Equal(t, "payments", demoEntries[0].ID, "the package-level demo records stay as written")
	assert.Zero(t, demoEntries[0].Version)
}

func TestNewAppErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		cfg  appConfig
	}{
		{"no issuer", appConfig{}},
		{"issuer with a query", appConfig{Issuer: "http://127.0.0.1:1/?x=1"}},
		{"short demo token", appConfig{Issuer: "http://127.0.0.1:1", Demo: true, DemoToken: "short"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := newApp(t.Context(), tc.cfg)
			assert.Error(t, err)
		})
	}
}

// lineWriter passes each line written to a channel.
type lineWriter struct {
	w     *io.PipeWriter
	lines chan string
}

func newLineWriter() *lineWriter {
	r, w := io.Pipe()
	lw := &lineWriter{w: w, lines: make(chan string, 100)}
	go func() {
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			lw.lines <- sc.Text()
		}
		close(lw.lines)
	}()
	return lw
}

func (l *lineWriter) Write(p []byte) (int, error) { return l.w.Write(p) }

// running is a run in progress.
type running struct {
	base    string // the printed URL, without the trailing slash
	printed string // the start-up lines
	stop    func() error
}

// startRun starts run with args and waits for its start-up lines.
func startRun(t *testing.T, args []string, env map[string]string) *running {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	out := newLineWriter()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, args, func(k string) string { return env[k] }, out, t.Output())
		_ = out.w.Close()
	}()
	r := &running{stop: func() error {
		cancel()
		select {
		case err := <-done:
			return err
		case <-time.After(time.Minute):
			return errors.New("run did not stop")
		}
	}}
	var printed strings.Builder
	for !strings.Contains(printed.String(), "metadata:") {
		select {
		case line, ok := <-out.lines:
			if !ok {
				t.Fatalf("run ended early: %v", <-done)
			}
			printed.WriteString(line + "\n")
		case <-time.After(time.Minute):
			t.Fatal("run printed nothing")
		}
	}
	r.printed = printed.String()
	first, _, _ := strings.Cut(r.printed, "\n")
	r.base = strings.TrimSuffix(strings.TrimSpace(strings.TrimPrefix(first, "Developer portal:")), "/")
	require.True(t, strings.HasPrefix(r.base, "http://127.0.0.1:"), r.base)
	return r
}

var demoPasswordRE = regexp.MustCompile(`email "` + demoEmail + `"  password "([^"]+)"`)

// demoPassword returns the demo developer's printed password.
func (r *running) demoPassword(t *testing.T) string {
	t.Helper()
	m := demoPasswordRE.FindStringSubmatch(r.printed)
	require.NotNil(t, m, r.printed)
	return m[1]
}

func TestRunServesAndShutsDown(t *testing.T) {
	t.Parallel()
	r := startRun(t, []string{"-addr", "127.0.0.1:0", "-demo-token", testDemoToken},
		map[string]string{"PORTAL_ADMIN_PASSWORD": "admin-password-1"})
	assert.Contains(t, r.printed, `"admin-password-1"`)
	assert.Contains(t, r.printed, testDemoToken)
	assert.Equal(t, http.StatusSeeOther, postLogin(t, r.base, "/login", url.Values{"email": {demoEmail}, "password": {r.demoPassword(t)}}))

	resp, err := http.Get(r.base + "/.well-known/oauth-authorization-server")
	require.NoError(t, err)
	var meta map[string]any
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&meta))
	resp.Body.Close()
	assert.Equal(t, r.base, meta["issuer"])
	assert.Equal(t, r.base+"/oauth/token", meta["token_endpoint"])

	require.NoError(t, r.stop(), "a graceful shutdown")
	_, err = http.Get(r.base + "/")
	assert.Error(t, err, "the listener is closed")
}

func TestRunBadArguments(t *testing.T) {
	t.Parallel()
	noenv := func(string) string { return "" }
	for _, args := range [][]string{
		{"-no-such-flag"},
		{"extra"},
		{"-addr", "not an address"},
		{"-addr", "127.0.0.1:0", "-demo-token", "short"},
	} {
		err := run(t.Context(), args, noenv, io.Discard, io.Discard)
		assert.Error(t, err, args)
	}
}

// TestConsentNeedsThePortalLogin: the authorization endpoint sends a
// visitor to the portal's login page, which comes back to the consent page.
func TestConsentNeedsThePortalLogin(t *testing.T) {
	t.Parallel()
	a, srv := startApp(t, appConfig{Demo: true})
	nc, err := a.Portal.CreateClient(t.Context(), a.Demo.DeveloperID, portal.CreateClientRequest{
		EntryIDs: []string{"weather"},
		Metadata: oauthclient.Metadata{
			ClientName:   "Consent test",
			RedirectURIs: []string{"http://127.0.0.1:9/cb"},
			GrantTypes:   []oauthclient.GrantType{oauthclient.GrantAuthorizationCode},
		},
	})
	require.NoError(t, err)
	authorize := "/oauth/authorize?" + url.Values{
		"response_type": {"code"}, "client_id": {nc.Client.ID}, "redirect_uri": {"http://127.0.0.1:9/cb"},
		"state": {"xyz"}, "code_challenge": {"E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"}, "code_challenge_method": {"S256"},
	}.Encode()

	c := noRedirects(t)
	resp, err := c.Get(srv.URL + authorize)
	require.NoError(t, err)
	resp.Body.Close()
	require.Contains(t, []int{http.StatusFound, http.StatusSeeOther}, resp.StatusCode)
	login := resp.Header.Get("Location")
	require.Equal(t, "/login?return_to="+url.QueryEscape(authorize), login)

	// The login form carries the way back and, once logged in, takes it.
	resp = submit(t, c, srv.URL, login, "/login", url.Values{
		"email": {demoEmail}, "password": {a.Demo.DeveloperPassword}, "return_to": {authorize},
	})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	require.Equal(t, authorize, resp.Header.Get("Location"))

	resp, err = c.Get(srv.URL + authorize)
	require.NoError(t, err)
	consent, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, string(consent), "Consent test")
}

// TestRequestsHaveADeadline: every request's context ends requestTimeout
// after it starts, so a hanging store cannot hold it.
func TestRequestsHaveADeadline(t *testing.T) {
	t.Parallel()
	var deadline time.Time
	var ok bool
	h := withDeadline(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		deadline, ok = r.Context().Deadline()
	}), requestTimeout)
	start := time.Now()
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/", nil))
	require.True(t, ok, "the request context has a deadline")
	assert.WithinRange(t, deadline, start.Add(requestTimeout), time.Now().Add(requestTimeout))
}

// TestHelpExitsZero: -h prints the flags and exits 0, like any command.
func TestHelpExitsZero(t *testing.T) {
	t.Parallel()
	cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "PORTAL_TEST_RUN_MAIN=-h")
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)
	assert.Contains(t, string(out), "-addr address")
	assert.NotContains(t, string(out), "portal: flag: help requested")

	cmd = exec.CommandContext(t.Context(), os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "PORTAL_TEST_RUN_MAIN=-no-such-flag")
	require.Error(t, cmd.Run(), "a wrong flag still fails")
}
