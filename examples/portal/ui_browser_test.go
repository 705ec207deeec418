package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portaloauth/portaloauth/examples/portal/web"
	"github.com/portaloauth/portaloauth/oauthclient"
	"github.com/portaloauth/portaloauth/portal"
)

// updateScreenshots rewrites the README's screenshots:
//
//	go test ./examples/portal -run TestBrowserEveryPage -update-screenshots
var updateScreenshots = flag.Bool("update-screenshots", false,
	"write the main screens to examples/portal/screenshots/*.png")

// screenshotDir holds the README's screenshots.
const screenshotDir = "screenshots"

// eval runs a JavaScript expression in the page and decodes its JSON
// result into v.
func (b *browserSession) eval(js string, v any) {
	b.t.Helper()
	out, err := chromedp.Run(b.ctx, chromedp.Evaluate[string]("JSON.stringify("+js+")"))
	require.NoError(b.t, err)
	require.NoError(b.t, json.Unmarshal([]byte(out), v), out)
}

func (b *browserSession) viewport(width, height int64) {
	b.t.Helper()
	require.NoError(b.t, chromedp.Do(b.ctx, chromedp.EmulateViewport(width, height)))
}

// pageCheckJS measures the page: horizontal overflow, the contrast of
// every piece of visible text against the background it is drawn on
// (WCAG 2.2 1.4.3: 4.5:1, or 3:1 for large text), every form control
// having a label (1.3.1, 4.1.2), and every aria-describedby naming
// elements that exist.
const pageCheckJS = `(() => {
  const parse = (c) => {
    const m = c.match(/rgba?\(([^)]+)\)/);
    if (!m) return [0, 0, 0, 0];
    const p = m[1].split(",").map((x) => parseFloat(x));
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
  };
  const lum = ([r, g, b]) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const over = (top, bottom) => {
    const a = top[3];
    return [0, 1, 2].map((i) => top[i] * a + bottom[i] * (1 - a)).concat([1]);
  };
  const background = (el) => {
    const layers = [];
    for (let e = el; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c[3] > 0) layers.push(c);
      if (c[3] >= 1) break;
    }
    let bg = [255, 255, 255, 1];
    for (let i = layers.length - 1; i >= 0; i--) bg = over(layers[i], bg);
    return bg;
  };
  const hidden = (el) => {
    for (let e = el; e; e = e.parentElement) {
      const s = getComputedStyle(e);
      if (s.display === "none" || s.visibility === "hidden") return true;
      if (s.position === "absolute" && (s.clip === "rect(0px, 0px, 0px, 0px)" || parseFloat(s.width) <= 1)) return true;
    }
    return el.getClientRects().length === 0;
  };
  const contrast = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const seen = new Set();
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    if (!n.textContent.trim() || seen.has(el) || el.closest("script,style,option")) continue;
    seen.add(el);
    if (hidden(el) || el.closest("[disabled]")) continue;
    const s = getComputedStyle(el);
    const bg = background(el);
    const fg = over(parse(s.color), bg);
    const l1 = lum(fg), l2 = lum(bg);
    const ratio = (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
    const size = parseFloat(s.fontSize), bold = parseInt(s.fontWeight, 10) >= 700;
    const need = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
    if (ratio < need) {
      contrast.push(n.textContent.trim().slice(0, 40) + " " + s.color + " on rgb(" + bg.slice(0, 3).join(",") + ") = " + ratio.toFixed(2));
    }
  }
  const unlabelled = [];
  document.querySelectorAll("input, select, textarea").forEach((el) => {
    if (el.type === "hidden" || el.type === "submit" || el.type === "button") return;
    const byLabel = Array.from(el.labels || []).some((l) => l.textContent.trim() !== "");
    const byAria = (el.getAttribute("aria-label") || "").trim() !== "" ||
      (el.getAttribute("aria-labelledby") || "").split(/\s+/).some((id) => id && document.getElementById(id));
    if (!byLabel && !byAria) unlabelled.push(el.outerHTML.slice(0, 80));
  });
  const dangling = [];
  document.querySelectorAll("[aria-describedby]").forEach((el) => {
    el.getAttribute("aria-describedby").split(/\s+/).filter(Boolean).forEach((id) => {
      if (!document.getElementById(id)) dangling.push(id);
    });
  });
  document.querySelectorAll('[aria-invalid="true"]').forEach((el) => {
    if (!el.getAttribute("aria-describedby")) dangling.push("no description for invalid " + (el.id || el.name));
  });
  return {
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
    contrast, unlabelled, dangling,
    skip: !!document.querySelector('a.skip[href="#main"]') && !!document.getElementById("main"),
    title: document.title,
  };
})()`

// pageCheck is what pageCheckJS reports.
type pageCheck struct {
	ScrollWidth int      `json:"scrollWidth"`
	InnerWidth  int      `json:"innerWidth"`
	Contrast    []string `json:"contrast"`
	Unlabelled  []string `json:"unlabelled"`
	Dangling    []string `json:"dangling"`
	Skip        bool     `json:"skip"`
	Title       string   `json:"title"`
}

// checkPage asserts the page in the tab fits its width and passes the
// contrast and label checks.
func (b *browserSession) checkPage(name string) {
	b.t.Helper()
	var c pageCheck
	b.eval(pageCheckJS, &c)
	assert.LessOrEqual(b.t, c.ScrollWidth, c.InnerWidth, "%s: the page is wider than the window", name)
	assert.Empty(b.t, c.Contrast, "%s: text below the WCAG contrast minimum", name)
	assert.Empty(b.t, c.Unlabelled, "%s: form controls without a label", name)
	assert.Empty(b.t, c.Dangling, "%s: aria-describedby names missing elements", name)
	assert.True(b.t, c.Skip, "%s: no skip link to the main content", name)
	assert.NotContains(b.t, c.Title, "Developer Portal · Developer Portal", name)
}

// shoot writes the viewport as examples/portal/screenshots/name.png when
// -update-screenshots is given.
func (b *browserSession) shoot(name string) {
	b.t.Helper()
	if !*updateScreenshots {
		return
	}
	png, err := chromedp.Run(b.ctx, chromedp.CaptureScreenshot())
	require.NoError(b.t, err)
	require.NoError(b.t, os.MkdirAll(screenshotDir, 0o755))
	require.NoError(b.t, os.WriteFile(filepath.Join(screenshotDir, name+".png"), png, 0o644))
}

func (b *browserSession) login(base, path, userField, user, password string) {
	b.t.Helper()
	b.navigate("login "+path, http.StatusOK, chromedp.Navigate(base+path))
	b.do("login filled", chromedp.SendKeys(chromedp.ID(userField), user), chromedp.SendKeys(chromedp.ID("password"), password))
	b.navigate("logged in", http.StatusOK, chromedp.Click(chromedp.ID("login")))
}

// addDeveloper registers a developer with a password through the service.
func addDeveloper(t *testing.T, a *app, email, name, password string) *portal.Developer {
	t.Helper()
	hash, err := web.HashPassword(&oauthclient.Hasher{}, password, nil)
	require.NoError(t, err)
	d, err := a.Portal.RegisterDeveloper(t.Context(), portal.NewDeveloper{Email: email, Name: name, PasswordHash: hash})
	require.NoError(t, err)
	return d
}

// TestBrowserAdminSetsUpFromNothing follows the product page's
// prerequisites on an empty portal: the administrator creates an OAuth 2.0
// API, a policy granting it and a catalogue entry offering the policy, in
// the pages; then a developer creates a client for it.
func TestBrowserAdminSetsUpFromNothing(t *testing.T) {
	t.Parallel()
	const adminPassword = "setup-admin-password"
	a, srv := startApp(t, appConfig{AdminPassword: adminPassword})
	addDeveloper(t, a, "ada@example.com", "Ada", "ada-password-1")
	b := newSession(t)

	b.login(srv.URL, "/admin/login", "username", "admin", adminPassword)
	b.navigate("catalogue", http.StatusOK, chromedp.Click(chromedp.ID("menu-catalogue")))
	assert.Contains(t, b.text("#apis"), "None yet.")

	b.navigate("new API", http.StatusOK, chromedp.Click(chromedp.ID("new-apis")))
	b.do("API typed", chromedp.SendKeys(chromedp.ID("id"), "books"), chromedp.SendKeys(chromedp.ID("name"), "Books API"))
	b.navigate("API added", http.StatusOK, chromedp.Click(chromedp.ID("save")))
	assert.Contains(t, b.text(".notice"), `API "Books API" added.`)

	b.navigate("new policy", http.StatusOK, chromedp.Click(chromedp.ID("new-policies")))
	b.do("policy typed",
		chromedp.SendKeys(chromedp.ID("id"), "books-read"),
		chromedp.SendKeys(chromedp.ID("name"), "Books read"),
		chromedp.Click(chromedp.CSS(`input[name="api"][value="books"]`)),
		chromedp.SendKeys(chromedp.ID("scopes"), "books:read"),
	)
	b.navigate("policy added", http.StatusOK, chromedp.Click(chromedp.ID("save")))

	// An entry offering no policy is refused in plain words, next to the
	// field, and focus goes there.
	b.navigate("new entry", http.StatusOK, chromedp.Click(chromedp.ID("new-entries")))
	b.do("entry typed", chromedp.SendKeys(chromedp.ID("id"), "books"), chromedp.SendKeys(chromedp.ID("display_name"), "Books"))
	b.navigate("entry added", http.StatusOK, chromedp.Click(chromedp.CSS(`input[name="policy"][value="books-read"]`)), chromedp.Click(chromedp.ID("save")))
	assert.Contains(t, b.text(".notice"), `Catalogue entry "Books" added.`)

	e, err := a.Store.GetEntry(t.Context(), "books")
	require.NoError(t, err)
	assert.Equal(t, []string{"books-read"}, e.PolicyIDs)

	// The developer finds it and creates a client.
	dev := newSession(t)
	dev.login(srv.URL, "/login", "email", "ada@example.com", "ada-password-1")
	dev.navigate("select", http.StatusOK, chromedp.Navigate(srv.URL+"/clients/new"))
	dev.navigate("selected", http.StatusOK, chromedp.Click(chromedp.CSS("#entry-books a.select-api")))
	dev.navigate("details", http.StatusOK, chromedp.Click(chromedp.ID("save-continue")))
	dev.do("details typed",
		chromedp.SendKeys(chromedp.ID("name"), "Reading list"),
		chromedp.SendKeys(chromedp.ID("redirect-0"), "https://reading.example.com/callback"),
	)
	dev.navigate("created", http.StatusOK, chromedp.Click(chromedp.ID("create")))
	assert.True(t, strings.HasPrefix(dev.text("#client-secret"), "poa_cs_"))
	assert.Contains(t, dev.html(), "books:read", "the policy's scopes are on the credentials page")
	c, err := a.Store.GetClient(t.Context(), dev.text("#client-id"))
	require.NoError(t, err)
	assert.Equal(t, []string{"books"}, c.APIIDs)
	assert.Equal(t, "books-read", c.PolicyID)
}

// TestBrowserBackAfterCreate: Create, Back, Create again makes no second
// client.
func TestBrowserBackAfterCreate(t *testing.T) {
	t.Parallel()
	a, srv := startApp(t, appConfig{Demo: true})
	b := newSession(t)
	b.login(srv.URL, "/login", "email", a.Demo.DeveloperEmail, a.Demo.DeveloperPassword)
	b.navigate("details", http.StatusOK, chromedp.Navigate(srv.URL+"/clients/new/details?entry=weather"))
	b.do("typed",
		chromedp.SendKeys(chromedp.ID("name"), "Once only"),
		chromedp.SendKeys(chromedp.ID("redirect-0"), "https://once.example.com/cb"),
	)
	b.navigate("created", http.StatusOK, chromedp.Click(chromedp.ID("create")))
	first := b.text("#client-id")

	// Back to the form, as the browser restores it, and Create again.
	// history.back() rather than chromedp.NavigateBack: that waits for a
	// load event, which a page restored from the back/forward cache never
	// fires. The page comes back from that cache with what was typed, or
	// is fetched anew; either way the DOM is read through script, as
	// chromedp's node tree does not follow such a restore.
	b.eval(`(history.back(), null)`, new(any))
	b.waitJS("back on the form", `location.pathname === "/clients/new/details" && document.readyState === "complete" &&
		!!document.getElementById("name") && !!document.getElementById("redirect-0") && !!document.getElementById("create")`)
	var name string
	b.eval(`document.getElementById("name").value`, &name)
	t.Logf("after Back the form holds %q", name)
	if name == "" {
		// Fetched anew and empty: type it again, as a developer would.
		b.eval(`(document.getElementById("name").value = "Once only", document.getElementById("redirect-0").value = "https://once.example.com/cb", null)`, new(any))
	}
	b.eval(`(document.getElementById("create").click(), null)`, new(any))
	// The answer to the second press is a new document, fully parsed
	// before it is read.
	b.waitJS("left the form", `location.pathname !== "/clients/new/details" && document.readyState === "complete"`)
	var state struct {
		Path   string `json:"path"`
		Notice string `json:"notice"`
	}
	b.eval(`({path: location.pathname, notice: (document.querySelector(".notice") || {}).textContent || ""})`, &state)
	clients, err := a.Portal.ListClients(t.Context(), a.Demo.DeveloperID, oauthclient.Page{})
	require.NoError(t, err)
	if len(clients) == 1 {
		assert.Equal(t, first, clients[0].ID)
		assert.Equal(t, "/clients/"+first, state.Path, "the second press leads to the first client")
		assert.Contains(t, state.Notice, "Nothing new was created")
	} else {
		t.Errorf("Back then Create made %d clients", len(clients))
	}
}

// TestBrowserTwoAPIsWithoutCommonPolicy: Payments and Weather share no
// policy, so once one is selected the other says so instead of offering
// Select API, and the details page is never reached with both.
func TestBrowserTwoAPIsWithoutCommonPolicy(t *testing.T) {
	t.Parallel()
	a, srv := startApp(t, appConfig{Demo: true})
	b := newSession(t)
	b.login(srv.URL, "/login", "email", a.Demo.DeveloperEmail, a.Demo.DeveloperPassword)
	b.navigate("select", http.StatusOK, chromedp.Navigate(srv.URL+"/clients/new"))
	b.navigate("payments", http.StatusOK, chromedp.Click(chromedp.CSS("#entry-payments a.select-api")))
	assert.Contains(t, b.text("#conflict-weather"), "No policy covers both this API and Payments API")
	var links int
	b.eval(`document.querySelectorAll("#entry-weather a.select-api").length`, &links)
	assert.Zero(t, links, "no Select API that cannot succeed")

	b.navigate("both by hand", http.StatusOK, chromedp.Navigate(srv.URL+"/clients/new/details?entry=payments&entry=weather"))
	assert.Contains(t, b.location(), "/clients/new?")
	assert.Contains(t, b.text(".form-error"), "share no policy")
	var buttons int
	b.eval(`document.querySelectorAll("#save-continue").length`, &buttons)
	assert.Zero(t, buttons)
}

// TestBrowserEveryPage loads every page at 390 and 1280 pixels wide and
// checks that none is wider than the window (long unbroken names wrap,
// the header collapses, tables stack), that all text meets the WCAG
// contrast minimum, that every field has a label and its error, and that
// a refused form puts the focus on its first error. With
// -update-screenshots it writes the README's screenshots.
func TestBrowserEveryPage(t *testing.T) {
	t.Parallel()
	const adminPassword = "pages-admin-password"
	a, srv := startApp(t, appConfig{Demo: true, AdminPassword: adminPassword})
	ctx := t.Context()
	long := strings.Repeat("Supercalifragilistic", 12) // 240 characters, no break
	longDev := addDeveloper(t, a, "a-very-long-address-"+strings.Repeat("x", 60)+"@example.com", long[:150], "long-password-1")
	_, err := a.Portal.CreateClient(ctx, longDev.ID, portal.CreateClientRequest{
		EntryIDs: []string{"weather"},
		Metadata: oauthclient.Metadata{ClientName: long[:190],
			RedirectURIs: []string{"https://" + strings.Repeat("a-long-label.", 8) + "example.com/" + strings.Repeat("path", 40)}},
	})
	require.NoError(t, err)
	pending, err := a.Portal.CreateClient(ctx, a.Demo.DeveloperID, portal.CreateClientRequest{
		EntryIDs: []string{"ledger"},
		Metadata: oauthclient.Metadata{ClientName: "Ledger sync", GrantTypes: []oauthclient.GrantType{oauthclient.GrantClientCredentials}},
	})
	require.NoError(t, err)
	id := pending.Client.ID

	b := newSession(t)
	anonymous := []string{"/", "/login", "/signup", "/admin/login", "/no/such/page"}
	developer := []string{"/", "/clients", "/clients/new", "/clients/new?entry=payments",
		"/clients/new/details?entry=payments", "/clients/" + id, "/clients/" + id + "/secret", "/clients/" + id + "/edit",
		"/clients/" + id + "/rotate", "/clients/" + id + "/revoke", "/clients/" + id + "/delete", "/clients/nope"}
	admin := []string{"/admin/developers", "/admin/developers?q=super", "/admin/approvals", "/admin/catalogue",
		"/admin/catalogue/apis/new", "/admin/catalogue/policies/new", "/admin/catalogue/entries/new",
		"/admin/catalogue/entries/payments/edit", "/admin/catalogue/apis/weather/deactivate",
		"/admin/clients/" + id, "/admin/clients/" + id + "/reject", "/admin/developers/" + longDev.ID + "/deactivate"}
	shots := map[string]string{
		"/clients/new?entry=payments":         "1-select-api",
		"/clients/new/details?entry=payments": "2-app-details",
		"/clients":                            "4-oauth-clients",
		"/admin/catalogue":                    "5-admin-catalogue",
		"/admin/approvals":                    "6-admin-approvals",
		"/admin/clients/" + id:                "7-admin-client",
		"/admin/catalogue/policies/new":       "8-admin-new-policy",
	}
	widths := []int64{390, 1280}
	visit := func(paths []string) {
		for _, w := range widths {
			b.viewport(w, 860)
			for _, p := range paths {
				_, err := chromedp.RunResponse(b.ctx, chromedp.Navigate(srv.URL+p))
				require.NoError(t, err, p)
				b.checkPage(fmt.Sprintf("%s at %d px", p, w))
				if w == 1280 && shots[p] != "" {
					b.shoot(shots[p])
				}
			}
		}
	}
	visit(anonymous)
	b.login(srv.URL, "/login", "email", a.Demo.DeveloperEmail, a.Demo.DeveloperPassword)
	visit(developer)

	// A refused form: errors linked to their fields, focus on the first.
	for _, w := range widths {
		b.viewport(w, 860)
		b.navigate("details", http.StatusOK, chromedp.Navigate(srv.URL+"/clients/new/details?entry=payments"))
		b.do("bad url", chromedp.SendKeys(chromedp.ID("redirect-0"), "http://plain.example.com/cb"),
			chromedp.Click(chromedp.CSS(`input[name="policy"][value="payments-read"]`)))
		b.navigate("refused", http.StatusBadRequest, chromedp.Click(chromedp.ID("create")))
		b.checkPage("refused details form")
		var focus struct {
			ID          string `json:"id"`
			DescribedBy string `json:"describedBy"`
		}
		b.eval(`({id: document.activeElement.id, describedBy: document.activeElement.getAttribute("aria-describedby")})`, &focus)
		assert.Equal(t, "name", focus.ID, "focus goes to the first field in error")
		assert.Contains(t, focus.DescribedBy, "name-error")

		// The credentials page, once per width.
		b.do("fixed",
			chromedp.SendKeys(chromedp.ID("name"), map[int64]string{390: long[:120], 1280: "Forecast dashboard"}[w]),
			chromedp.Clear(chromedp.ID("redirect-0")),
			chromedp.SendKeys(chromedp.ID("redirect-0"), "https://fixed.example.com/cb"),
		)
		b.navigate("credentials", http.StatusOK, chromedp.Click(chromedp.ID("create")))
		b.checkPage("credentials page")
		if w == 1280 {
			b.shoot("3-credentials")
		}
	}

	b.login(srv.URL, "/admin/login", "username", "admin", adminPassword)
	visit(admin)
}
