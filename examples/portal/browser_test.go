package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// browserTimeout bounds the whole browser test.
const browserTimeout = 2 * time.Minute

// findChromium returns the path of a Chromium or Chrome binary, or "".
// CHROMIUM_PATH, if set, names it.
func findChromium() string {
	if p := os.Getenv("CHROMIUM_PATH"); p != "" {
		return p
	}
	for _, name := range []string{"/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// The browser tests share one headless Chromium per test binary: starting
// it is the slow part on a loaded machine. Each test gets a tab in a
// browser context of its own, so that cookies never cross tests.
var sharedBrowser struct {
	once   sync.Once
	ctx    context.Context
	cancel func()
	dir    string
	err    error
}

func TestMain(m *testing.M) {
	if args := os.Getenv("PORTAL_TEST_RUN_MAIN"); args != "" {
		// TestHelpExitsZero runs the command itself through this binary.
		os.Args = append([]string{"portal"}, strings.Fields(args)...)
		main()
		os.Exit(0)
	}
	code := m.Run()
	if sharedBrowser.cancel != nil {
		sharedBrowser.cancel()
	}
	if sharedBrowser.dir != "" {
		os.RemoveAll(sharedBrowser.dir)
	}
	os.Exit(code)
}

// newTab returns a tab of the shared Chromium with cookies of its own. It
// skips the test, saying why, when there is no Chromium, and fails it
// when CI=true.
func newTab(t *testing.T) context.Context {
	t.Helper()
	chrome := findChromium()
	if chrome == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("CI=true but no Chromium found: install Debian's chromium package or set CHROMIUM_PATH")
		}
		t.Skip("no Chromium found (install Debian's chromium package or set CHROMIUM_PATH); skipping the browser test")
	}
	sharedBrowser.once.Do(func() {
		sharedBrowser.dir, sharedBrowser.err = os.MkdirTemp("", "portal-chromium-")
		if sharedBrowser.err != nil {
			return
		}
		allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
			chromedp.ExecPath(chrome),
			chromedp.Headless,
			chromedp.NoSandbox,
			chromedp.DisableGPU,
			chromedp.NoFirstRun,
			chromedp.NoDefaultBrowserCheck,
			chromedp.Flag("disable-background-networking", true),
			chromedp.Flag("disable-component-update", true),
			chromedp.Flag("disable-sync", true),
			chromedp.Flag("disable-quic", true),
			chromedp.Flag("disable-dev-shm-usage", true),
			chromedp.UserDataDir(sharedBrowser.dir),
			chromedp.WindowSize(1280, 900),
		)
		ctx, cancel := chromedp.NewContext(allocCtx)
		sharedBrowser.ctx = ctx
		sharedBrowser.cancel = func() { cancel(); cancelAlloc() }
		sharedBrowser.err = chromedp.Do(ctx) // starts the browser
	})
	require.NoError(t, sharedBrowser.err, "starting Chromium")
	tab, closeTab := chromedp.NewContext(sharedBrowser.ctx, chromedp.WithNewBrowserContext())
	t.Cleanup(closeTab)
	ctx, cancel := context.WithTimeout(tab, browserTimeout)
	t.Cleanup(cancel)
	require.NoError(t, chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900)))
	return ctx
}

// browserSession drives one headless Chromium tab and, when
// PORTAL_TEST_SCREENSHOTS names a directory, saves a screenshot after each
// step there.
type browserSession struct {
	t     *testing.T
	ctx   context.Context
	dir   string // "": no screenshots
	shots int
}

func newSession(t *testing.T) *browserSession {
	b := &browserSession{t: t, ctx: newTab(t), dir: os.Getenv("PORTAL_TEST_SCREENSHOTS")}
	if b.dir != "" {
		b.dir = filepath.Join(b.dir, t.Name())
		require.NoError(t, os.MkdirAll(b.dir, 0o755))
	}
	return b
}

// do runs steps, then saves a screenshot named after the step.
func (b *browserSession) do(name string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	require.NoError(b.t, chromedp.Do(b.ctx, steps...), name)
	b.screenshot(name)
}

// navigate runs steps that load a page (a click on a link or a submit
// button) and checks the page's final status.
func (b *browserSession) navigate(name string, want int, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	resp, err := chromedp.RunResponse(b.ctx, steps...)
	require.NoError(b.t, err, name)
	require.Equal(b.t, int64(want), resp.Status, "%s: %s", name, resp.URL)
	b.screenshot(name)
}

func (b *browserSession) screenshot(name string) {
	b.t.Helper()
	if b.dir == "" {
		return
	}
	png, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
	require.NoError(b.t, err)
	b.shots++
	file := filepath.Join(b.dir, fmt.Sprintf("%02d-%s.png", b.shots, name))
	require.NoError(b.t, os.WriteFile(file, png, 0o600))
}

func (b *browserSession) text(sel string) string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS(sel)))
	require.NoError(b.t, err, sel)
	return strings.TrimSpace(s)
}

func (b *browserSession) value(sel string) string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Value(chromedp.CSS(sel)))
	require.NoError(b.t, err, sel)
	return s
}

func (b *browserSession) html() string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.OuterHTML(chromedp.CSS("html")))
	require.NoError(b.t, err)
	return s
}

// waitTimeout bounds one wait for the page to reach a state: generous,
// as the machine running the tests may be loaded.
const waitTimeout = 30 * time.Second

// waitJSRound is how long one evaluation waits in the page for the
// predicate before answering.
const waitJSRound = 2 * time.Second

// waitJS waits, up to waitTimeout, until the JavaScript expression
// predicate holds in the tab's current document, following navigations
// that chromedp's node tree does not (a page restored from the
// back/forward cache). The page checks the predicate on a timer and
// answers when it holds or after waitJSRound; a document replaced while
// it waits (the navigation being waited for) ends that evaluation with an
// error, and the next one runs in the new document.
func (b *browserSession) waitJS(name, predicate string) {
	b.t.Helper()
	js := `new Promise((resolve) => {
  const end = Date.now() + ` + fmt.Sprint(waitJSRound.Milliseconds()) + `;
  const check = () => {
    let ok = false;
    try { ok = !!(` + predicate + `); } catch (e) {}
    if (ok || Date.now() >= end) { resolve(ok); } else { setTimeout(check, 20); }
  };
  check();
})`
	ctx, cancel := context.WithTimeout(b.ctx, waitTimeout)
	defer cancel()
	var last error
	for {
		// A document put into the back/forward cache while it waits may
		// never answer: each evaluation gets a bound of its own.
		round, cancelRound := context.WithTimeout(ctx, waitJSRound+5*time.Second)
		ok, err := chromedp.Run(round, chromedp.Evaluate[bool](js, chromedp.EvalAwaitPromise))
		cancelRound()
		if err == nil && ok {
			return
		}
		if err != nil {
			last = err
		}
		if ctx.Err() != nil {
			require.FailNow(b.t, "the page did not reach its state", "%s: %s within %v (last error: %v)", name, predicate, waitTimeout, last)
		}
		if err != nil {
			// No document to evaluate in, between two pages: give the
			// browser a moment rather than asking again at once.
			select {
			case <-ctx.Done():
			case <-time.After(50 * time.Millisecond):
			}
		}
	}
}

func (b *browserSession) location() string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Location())
	require.NoError(b.t, err)
	return s
}

// TestBrowserCreateClient drives headless Chromium through the classic
// portal's steps: log in, OAuth Clients, Create first OAuth Client, Select
// API, Save and continue, fill in the app details with a second redirect
// URL, Create, read the secret, use it at the token endpoint, reload and
// find the secret gone, then find the client as an administrator, without
// its secret.
func TestBrowserCreateClient(t *testing.T) {
	t.Parallel()
	const adminPassword = "browser-admin-password"
	a, srv := startApp(t, appConfig{Demo: true, AdminPassword: adminPassword})
	b := newSession(t)
	ctx := b.ctx

	// 1. Log in to the portal.
	b.navigate("home", http.StatusOK, chromedp.Navigate(srv.URL+"/"))
	b.navigate("login-page", http.StatusOK, chromedp.Click(chromedp.CSS(`header a[href="/login"]`)))
	b.do("login-filled",
		chromedp.SendKeys(chromedp.ID("email"), a.Demo.DeveloperEmail),
		chromedp.SendKeys(chromedp.ID("password"), a.Demo.DeveloperPassword),
	)
	b.navigate("logged-in", http.StatusOK, chromedp.Click(chromedp.ID("login")))
	assert.Equal(t, srv.URL+"/", b.location())
	assert.Contains(t, b.text("header .who"), "Demo Developer")

	// 2. OAuth Clients from the top menu: the first-client screen.
	require.Equal(t, "OAuth Clients", b.text("#menu-clients"))
	b.navigate("oauth-clients", http.StatusOK, chromedp.Click(chromedp.ID("menu-clients")))
	require.Equal(t, "Create first OAuth Client", b.text("#create-first"))

	// 3. Create first OAuth Client: the OAuth 2.0 APIs of the catalogue.
	b.navigate("select-api", http.StatusOK, chromedp.Click(chromedp.ID("create-first")))
	page := b.html()
	assert.Contains(t, page, "Payments API")
	assert.Contains(t, page, "Weather API")
	assert.NotContains(t, page, "Orders API", "an API-key API is not offered")

	// 4. Select API, then Save and continue.
	require.True(t, strings.HasPrefix(b.text("#entry-payments a.select-api"), "Select API"))
	b.navigate("api-selected", http.StatusOK, chromedp.Click(chromedp.CSS("#entry-payments a.select-api")))
	require.Equal(t, "Save and continue", b.text("#save-continue"))
	b.navigate("app-details", http.StatusOK, chromedp.Click(chromedp.ID("save-continue")))

	// 5. The app details, a second redirect URL, a policy.
	b.do("details-typed",
		chromedp.SendKeys(chromedp.ID("name"), "Browser Shop"),
		chromedp.SendKeys(chromedp.ID("description"), "Made in a headless browser"),
		chromedp.SendKeys(chromedp.ID("redirect-0"), "https://shop.example.com/callback"),
		chromedp.Click(chromedp.CSS(`input[name="policy"][value="payments-read"]`)),
	)
	require.Equal(t, "Add another redirect URL", b.text("#add-redirect"))
	b.do("second-redirect-field", chromedp.Click(chromedp.ID("add-redirect")), chromedp.WaitVisible(chromedp.ID("redirect-1")))
	assert.Equal(t, "Browser Shop", b.value("#name"), "typed values are kept")
	assert.Equal(t, "https://shop.example.com/callback", b.value("#redirect-0"))

	// A plain-http redirect URL is refused, in plain words next to it, and
	// everything typed stays.
	b.do("details-with-bad-url", chromedp.SendKeys(chromedp.ID("redirect-1"), "http://shop.example.com/callback"))
	b.navigate("details-error", http.StatusBadRequest, chromedp.Click(chromedp.ID("create")))
	assert.Contains(t, b.text("#redirect-1 ~ .error"),
		"Redirect URL must use https unless the host is a loopback address (127.0.0.1, [::1] or localhost).")
	assert.Equal(t, "Browser Shop", b.value("#name"))
	assert.Equal(t, "http://shop.example.com/callback", b.value("#redirect-1"))

	b.do("details-filled",
		chromedp.Clear(chromedp.ID("redirect-1")),
		chromedp.SendKeys(chromedp.ID("redirect-1"), "http://127.0.0.1:9000/callback"),
	)

	// 6. Create: the client ID and the secret, shown once.
	require.Equal(t, "Create", b.text("#create"))
	b.navigate("client-secret", http.StatusOK, chromedp.Click(chromedp.ID("create")))
	secretURL := b.location()
	clientID := b.text("#client-id")
	secret := b.text("#client-secret")
	require.True(t, strings.HasPrefix(secret, "poa_cs_"), secret)
	assert.Contains(t, b.text("#secret-warning"), "You will not be able to view it from the portal again")

	c, err := a.Store.GetClient(t.Context(), clientID)
	require.NoError(t, err)
	assert.Equal(t, "Browser Shop", c.ClientName)
	assert.Equal(t, []string{"https://shop.example.com/callback", "http://127.0.0.1:9000/callback"}, c.RedirectURIs)
	assert.Equal(t, "payments-read", c.PolicyID)

	// 7. The secret works at the token endpoint.
	form := url.Values{"grant_type": {"client_credentials"}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL+"/oauth/token", strings.NewReader(form.Encode()))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(url.QueryEscape(clientID), url.QueryEscape(secret))
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	var tok struct {
		AccessToken string `json:"access_token"`
		TokenType   string `json:"token_type"`
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&tok))
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.NotEmpty(t, tok.AccessToken)
	assert.True(t, strings.EqualFold(tok.TokenType, "bearer"), tok.TokenType)

	// 8. Going back to the page, or reloading it, shows the secret no more.
	b.navigate("client-page", http.StatusOK, chromedp.Click(chromedp.ID("saved")), chromedp.Click(chromedp.ID("done")))
	assert.Contains(t, b.html(), clientID)
	b.do("back-to-secret-page", chromedp.NavigateBack(), chromedp.WaitVisible(chromedp.ID("secret-gone")))
	assert.Equal(t, secretURL, b.location())
	assert.NotContains(t, b.html(), secret)
	b.navigate("secret-page-reloaded", http.StatusOK, chromedp.Reload())
	assert.Equal(t, secretURL, b.location())
	page = b.html()
	assert.NotContains(t, page, secret)
	assert.NotContains(t, page, `id="client-secret"`)
	assert.Contains(t, b.text("#secret-gone"), "cannot be shown again")

	// 9. The administrator finds the client, without its secret.
	b.navigate("admin-login", http.StatusOK, chromedp.Navigate(srv.URL+"/admin/login"))
	b.do("admin-login-filled",
		chromedp.SendKeys(chromedp.ID("username"), "admin"),
		chromedp.SendKeys(chromedp.ID("password"), adminPassword),
	)
	b.navigate("admin-developers", http.StatusOK, chromedp.Click(chromedp.ID("login")))
	assert.Contains(t, b.text(".breadcrumb"), "Portal Management › Developers")
	page = b.html()
	assert.Contains(t, page, clientID)
	assert.Contains(t, page, "Browser Shop")
	assert.Contains(t, page, "Payments read-only")
	assert.Contains(t, page, c.Secrets[0].Hint)
	assert.NotContains(t, page, secret, "the administrator never sees a secret")
}
