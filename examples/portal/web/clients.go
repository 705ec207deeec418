package web

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/portaloauth/portaloauth/catalogue"
	"github.com/portaloauth/portaloauth/oauthclient"
	"github.com/portaloauth/portaloauth/portal"
)

// maxSelected is how many catalogue entries one client may be created for
// through the pages.
const maxSelected = 20

// names maps catalogue IDs to display names.
type names struct {
	apis     map[string]string
	policies map[string]string
	scopes   map[string][]string // allowed scopes by policy ID
}

func (s *Site) loadNames(ctx context.Context) (*names, error) {
	apis, err := s.dir.ListAPIs(ctx)
	if err != nil {
		return nil, err
	}
	policies, err := s.dir.ListPolicies(ctx)
	if err != nil {
		return nil, err
	}
	n := &names{apis: make(map[string]string, len(apis)), policies: make(map[string]string, len(policies)),
		scopes: make(map[string][]string, len(policies))}
	for _, a := range apis {
		n.apis[a.ID] = a.Name
	}
	for _, p := range policies {
		n.policies[p.ID] = p.Name
		n.scopes[p.ID] = p.Scopes
	}
	return n, nil
}

func (n *names) api(id string) string {
	if name := n.apis[id]; name != "" {
		return name
	}
	return id
}

func (n *names) apiList(ids []string) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = n.api(id)
	}
	return out
}

func (n *names) policy(id string) string {
	if name := n.policies[id]; name != "" {
		return name
	}
	return id
}

// clientView is a client as the pages show it: never a secret, only hints.
type clientView struct {
	ID           string
	Name         string
	Description  string
	APIs         []string
	Policy       string
	Status       oauthclient.Status
	Created      time.Time
	RedirectURIs []string
	Grants       []string
	Public       bool
	Secrets      []secretView
	Version      int64
}

// secretView is a stored secret as shown: its hint and validity.
type secretView struct {
	Hint    string
	Created time.Time
	Expires time.Time
}

func newClientView(c *oauthclient.Client, n *names) clientView {
	v := clientView{
		ID:           c.ID,
		Name:         c.ClientName,
		Description:  c.Description,
		APIs:         n.apiList(c.APIIDs),
		Policy:       n.policy(c.PolicyID),
		Status:       c.Status,
		Created:      c.CreatedAt,
		RedirectURIs: c.RedirectURIs,
		Public:       c.Public(),
		Version:      c.Version,
	}
	for _, g := range c.GrantTypes {
		v.Grants = append(v.Grants, grantLabel(g))
	}
	for _, sec := range c.Secrets {
		v.Secrets = append(v.Secrets, secretView{Hint: sec.Hint, Created: sec.CreatedAt, Expires: sec.ExpiresAt})
	}
	return v
}

// appType is a kind of application, as Okta and Auth0 ask for it: it
// decides the grant types and whether the client holds a secret.
type appType struct {
	Value  string
	Label  string
	Hint   string
	Grants []oauthclient.GrantType
	Auth   oauthclient.AuthMethod
}

// appTypes are the application types the create form offers, in order;
// the first is the default.
var appTypes = []appType{
	{"web", "Web app", "Runs on your server and can keep a secret. Users sign in with a browser; your server also gets tokens of its own.",
		[]oauthclient.GrantType{oauthclient.GrantAuthorizationCode, oauthclient.GrantRefreshToken, oauthclient.GrantClientCredentials},
		oauthclient.AuthMethodBasic},
	{"spa", "Single-page app", "Runs in the browser and cannot keep a secret: it signs users in with PKCE.",
		[]oauthclient.GrantType{oauthclient.GrantAuthorizationCode, oauthclient.GrantRefreshToken}, oauthclient.AuthMethodNone},
	{"native", "Native app", "A mobile or desktop app. It cannot keep a secret: it signs users in with PKCE, coming back to a loopback address or a private-use scheme such as com.example.app:/callback.",
		[]oauthclient.GrantType{oauthclient.GrantAuthorizationCode, oauthclient.GrantRefreshToken}, oauthclient.AuthMethodNone},
	{"m2m", "Machine to machine", "A service, script or daemon calling the APIs as itself, with no user: client credentials, no redirect URL.",
		[]oauthclient.GrantType{oauthclient.GrantClientCredentials}, oauthclient.AuthMethodBasic},
}

// appTypeOf returns the application type named value, and whether there
// is one.
func appTypeOf(value string) (appType, bool) {
	for _, a := range appTypes {
		if a.Value == value {
			return a, true
		}
	}
	return appType{}, false
}

// appTypeOptions returns the radio buttons of the form, value checked.
func appTypeOptions(value string) []appTypeOption {
	out := make([]appTypeOption, 0, len(appTypes))
	for _, a := range appTypes {
		out = append(out, appTypeOption{appType: a, Checked: a.Value == value})
	}
	return out
}

// appTypeOption is an application type radio button.
type appTypeOption struct {
	appType
	Checked bool
}

func grantLabel(g oauthclient.GrantType) string {
	switch g {
	case oauthclient.GrantAuthorizationCode:
		return "Authorization code (users log in and consent)"
	case oauthclient.GrantRefreshToken:
		return "Refresh token"
	case oauthclient.GrantClientCredentials:
		return "Client credentials (server to server)"
	}
	return string(g)
}

// pageNumber reads the "page" query parameter: 1 when absent or not a
// sensible number.
func pageNumber(r *http.Request) int {
	n, err := strconv.Atoi(r.URL.Query().Get("page"))
	if err != nil || n < 1 || n > 100000 {
		return 1
	}
	return n
}

// pager is the data of a list's previous/next links.
type pager struct {
	Page  int
	Prev  int    // 0: none
	Next  int    // 0: none
	Query string // more query parameters, "&q=...", kept across pages
}

func newPager(page, got, size int) pager {
	p := pager{Page: page}
	if page > 1 {
		p.Prev = page - 1
	}
	if got > size {
		p.Next = page + 1
	}
	return p
}

// clientsData is the OAuth Clients page's data.
type clientsData struct {
	Clients []clientView
	Pager   pager
}

// listPage fetches the page of a list the request asks for, and the
// catalogue names to show it with. It fetches one row more than a page holds
// to learn whether a next page follows, and returns a page's worth.
func listPage[T any](s *Site, r *http.Request, fetch func(oauthclient.Page) ([]T, error)) ([]T, pager, *names, error) {
	page := pageNumber(r)
	list, err := fetch(oauthclient.Page{Offset: (page - 1) * s.pageSize, Limit: s.pageSize + 1})
	if err != nil {
		return nil, pager{}, nil, err
	}
	n, err := s.loadNames(r.Context())
	if err != nil {
		return nil, pager{}, nil, err
	}
	p := newPager(page, len(list), s.pageSize)
	if len(list) > s.pageSize {
		list = list[:s.pageSize]
	}
	return list, p, n, nil
}

func (s *Site) listClients(w http.ResponseWriter, r *http.Request, dc *devCtx) {
	list, p, n, err := listPage(s, r, func(p oauthclient.Page) ([]*oauthclient.Client, error) {
		return s.portal.ListClients(r.Context(), dc.dev.ID, p)
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := clientsData{Pager: p}
	for _, c := range list {
		d.Clients = append(d.Clients, newClientView(c, n))
	}
	s.render(w, r, http.StatusOK, "clients", s.devPage(dc, "OAuth Clients", "clients", d))
}

// entryCard is a catalogue entry on the Select API page.
type entryCard struct {
	ID          string
	Name        string
	API         string
	Description string
	Policies    []string
	Selected    bool
	SelectURL   string // the page with this entry added
	RemoveURL   string // the page with this entry removed
	// Conflict says why this entry cannot join the selection: no policy
	// is offered by it and every selected entry. Empty: it can.
	Conflict string
}

// selectData is the Select API page's data.
type selectData struct {
	Entries     []entryCard
	Selected    []entryCard
	ContinueURL string
	Error       string
}

// chosen returns the eligible entries named by the "entry" parameters, in
// the order chosen, each once.
func chosen(eligible []portal.EligibleEntry, ids []string) []portal.EligibleEntry {
	var out []portal.EligibleEntry
	for _, id := range ids {
		if len(out) == maxSelected {
			break
		}
		i := slices.IndexFunc(eligible, func(e portal.EligibleEntry) bool { return e.Entry.ID == id })
		if i >= 0 && !slices.ContainsFunc(out, func(e portal.EligibleEntry) bool { return e.Entry.ID == id }) {
			out = append(out, eligible[i])
		}
	}
	return out
}

// entryQuery encodes a selection as "entry=a&entry=b".
func entryQuery(entries []portal.EligibleEntry, add, drop string) string {
	q := url.Values{}
	for _, e := range entries {
		if e.Entry.ID != drop {
			q.Add("entry", e.Entry.ID)
		}
	}
	if add != "" {
		q.Add("entry", add)
	}
	return q.Encode()
}

func (s *Site) selectAPIs(w http.ResponseWriter, r *http.Request, dc *devCtx) {
	eligible, err := s.portal.EligibleEntries(r.Context(), dc.dev.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	sel := chosen(eligible, r.URL.Query()["entry"])
	d := selectData{}
	switch {
	case len(sel) > 0 && len(offeredPolicies(sel)) == 0:
		// Only a hand-made address gets here: the page never offers
		// such a selection.
		d.Error = "The selected APIs share no policy, so one client cannot have them all. Remove one, and create a separate client for it."
	case len(sel) > 0:
		d.ContinueURL = "/clients/new/details?" + entryQuery(sel, "", "")
	}
	if r.URL.Query().Has("none") {
		d.Error = "Select at least one API."
	}
	var selectedNames []string
	for _, e := range sel {
		selectedNames = append(selectedNames, e.Entry.DisplayName)
	}
	for _, e := range eligible {
		card := entryCard{
			ID:          e.Entry.ID,
			Name:        e.Entry.DisplayName,
			API:         e.API.Name,
			Description: e.Entry.Description,
			Selected:    slices.ContainsFunc(sel, func(x portal.EligibleEntry) bool { return x.Entry.ID == e.Entry.ID }),
			SelectURL:   "/clients/new?" + entryQuery(sel, e.Entry.ID, ""),
			RemoveURL:   "/clients/new?" + entryQuery(sel, "", e.Entry.ID),
		}
		for _, p := range e.Policies {
			card.Policies = append(card.Policies, p.Name)
		}
		if !card.Selected && len(sel) > 0 && len(offeredPolicies(append(slices.Clip(sel), e))) == 0 {
			card.Conflict = "No policy covers both this API and " + strings.Join(selectedNames, ", ") +
				". Create a separate client for it."
		}
		d.Entries = append(d.Entries, card)
		if card.Selected {
			d.Selected = append(d.Selected, card)
		}
	}
	s.render(w, r, http.StatusOK, "select", s.devPage(dc, "Select API", "clients", d))
}

// policyOption is a policy the details form offers.
type policyOption struct {
	ID      string
	Name    string
	Checked bool
}

// detailsData is the app details form's data, for creating and editing.
type detailsData struct {
	ClientID    string // editing: the client
	Version     int64  // editing: the version read
	Entries     []entryCard
	EntryIDs    []string
	ChangeURL   string
	Name        string
	Description string
	Redirects   []redirectField
	CanAdd      bool
	Policies    []policyOption
	AppTypes    []appTypeOption
	FormToken   string // creating: the one-time token of this form
	Errors      fieldErrors
}

// offeredPolicies returns the policies every chosen entry offers that grant
// all the chosen APIs: those the service accepts.
func offeredPolicies(sel []portal.EligibleEntry) []*catalogue.Policy {
	if len(sel) == 0 {
		return nil
	}
	var out []*catalogue.Policy
	for _, p := range sel[0].Policies {
		ok := true
		for _, e := range sel {
			if !slices.ContainsFunc(e.Policies, func(q *catalogue.Policy) bool { return q.ID == p.ID }) || !p.Grants(e.API.ID) {
				ok = false
				break
			}
		}
		if ok {
			out = append(out, p)
		}
	}
	return out
}

// newDetails fills the parts of the details form that come from the
// selection.
func newDetails(sel []portal.EligibleEntry, policyID string) *detailsData {
	d := &detailsData{ChangeURL: "/clients/new?" + entryQuery(sel, "", "")}
	for _, e := range sel {
		d.Entries = append(d.Entries, entryCard{ID: e.Entry.ID, Name: e.Entry.DisplayName, API: e.API.Name})
		d.EntryIDs = append(d.EntryIDs, e.Entry.ID)
	}
	offered := offeredPolicies(sel)
	for _, p := range offered {
		d.Policies = append(d.Policies, policyOption{ID: p.ID, Name: p.Name, Checked: p.ID == policyID || len(offered) == 1})
	}
	return d
}

func (s *Site) detailsForm(w http.ResponseWriter, r *http.Request, dc *devCtx) {
	eligible, err := s.portal.EligibleEntries(r.Context(), dc.dev.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	sel := chosen(eligible, r.URL.Query()["entry"])
	switch {
	case len(sel) == 0:
		http.Redirect(w, r, "/clients/new?none=1", http.StatusSeeOther)
		return
	case len(offeredPolicies(sel)) == 0:
		// The Select API page says why; Create could not succeed.
		http.Redirect(w, r, "/clients/new?"+entryQuery(sel, "", ""), http.StatusSeeOther)
		return
	}
	d := newDetails(sel, "")
	d.Redirects = []redirectField{{}}
	d.CanAdd = true
	d.AppTypes = appTypeOptions(appTypes[0].Value)
	if d.FormToken, err = s.sessions.newFormToken(dc.sess); err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "details", s.devPage(dc, "App details", "clients", d))
}

func (s *Site) createClient(w http.ResponseWriter, r *http.Request, dc *devCtx) {
	eligible, err := s.portal.EligibleEntries(r.Context(), dc.dev.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	form := r.PostForm
	sel := chosen(eligible, form["entry"])
	d := newDetails(sel, form.Get("policy"))
	d.Name = form.Get("name")
	d.Description = form.Get("description")
	d.Redirects = redirectValues(form["redirect_uri"])
	d.FormToken = form.Get("form_token")
	app, appOK := appTypeOf(form.Get("app_type"))
	d.AppTypes = appTypeOptions(app.Value)

	if form.Has("add_redirect") {
		// Without script, adding a redirect URL field comes back here.
		if len(d.Redirects) < maxRedirectFields {
			d.Redirects = append(d.Redirects, redirectField{})
		}
		d.CanAdd = len(d.Redirects) < maxRedirectFields
		s.render(w, r, http.StatusOK, "details", s.devPage(dc, "App details", "clients", d))
		return
	}
	d.CanAdd = len(d.Redirects) < maxRedirectFields

	// The form is accepted once: a second submission (Back, then Create;
	// or a double click) finds the client the first one created.
	prev, ok := s.sessions.claimFormToken(dc.sess, d.FormToken)
	if !ok {
		s.alreadySent(w, r, dc, prev)
		return
	}
	created := ""
	defer func() { s.sessions.finishFormToken(dc.sess, d.FormToken, created) }()

	uris, index := redirectURIs(d.Redirects)
	if len(sel) == 0 {
		d.Errors.add("entries", "Select at least one API.")
	}
	if !appOK {
		d.Errors.add("app_type", "Choose the kind of application.")
	}
	if len(d.Policies) > 1 && form.Get("policy") == "" {
		d.Errors.add("policy", "Choose a policy.")
	}
	if len(sel) > 0 && len(d.Policies) == 0 {
		d.Errors.add("entries", "The selected APIs share no policy. Change the selection and create a separate client for each API.")
	}
	if d.Errors != nil {
		s.render(w, r, http.StatusBadRequest, "details", s.devPage(dc, "App details", "clients", d))
		return
	}
	if app.Value == "m2m" {
		uris, index = nil, nil // a machine-to-machine client never redirects
	}
	nc, err := s.portal.CreateClient(r.Context(), dc.dev.ID, portal.CreateClientRequest{
		EntryIDs:    d.EntryIDs,
		PolicyID:    form.Get("policy"),
		Description: strings.TrimSpace(d.Description),
		Metadata: oauthclient.Metadata{
			ClientName:              strings.TrimSpace(d.Name),
			RedirectURIs:            uris,
			GrantTypes:              app.Grants,
			TokenEndpointAuthMethod: app.Auth,
		},
	})
	if err != nil {
		if !formError(err, &d.Errors, d.Redirects, index) {
			s.fail(w, r, err)
			return
		}
		s.render(w, r, http.StatusBadRequest, "details", s.devPage(dc, "App details", "clients", d))
		return
	}
	created = nc.Client.ID
	if !nc.Secret.IsZero() {
		s.sessions.setSecret(dc.sess, nc.Client.ID, nc.Secret)
	}
	http.Redirect(w, r, "/clients/"+url.PathEscape(nc.Client.ID)+"/secret", http.StatusSeeOther)
}

// alreadySent answers a create form sent a second time: it goes to the
// client the first submission created, and says nothing new was made.
func (s *Site) alreadySent(w http.ResponseWriter, r *http.Request, dc *devCtx, clientID string) {
	if clientID == "" {
		s.sessions.setNotice(dc.sess, "This form was already sent, or has expired. Nothing new was created: check your clients below.")
		http.Redirect(w, r, "/clients", http.StatusSeeOther)
		return
	}
	name := "the client"
	if c, err := s.portal.GetClient(r.Context(), dc.dev.ID, clientID); err == nil {
		name = "“" + c.ClientName + "”"
	}
	s.sessions.setNotice(dc.sess, "This form was already sent and created "+name+". Nothing new was created.")
	http.Redirect(w, r, clientPath(clientID), http.StatusSeeOther)
}

// secretData is the data of the credentials page: the secret shown once,
// and what a developer needs to start coding.
type secretData struct {
	Client        clientView
	Secret        string // empty: already shown
	Rotated       bool   // the secret comes from a rotation, not a creation
	OldSecrets    []secretView
	TokenEndpoint string
	Scopes        []string // the policy's scopes; empty: any
	HasCode       bool     // the client signs users in (authorization code)
	HasClient     bool     // the client gets tokens as itself (client credentials)
	TokenCurl     string   // a client_credentials token request
	AuthorizeURL  string   // an authorization request with PKCE
	ExchangeCurl  string   // the code exchange
}

func (s *Site) showSecret(w http.ResponseWriter, r *http.Request, dc *devCtx) {
	c, n, ok := s.ownClient(w, r, dc)
	if !ok {
		return
	}
	d := secretData{Client: newClientView(c, n), TokenEndpoint: s.tokenURL, Scopes: n.scopes[c.PolicyID],
		Rotated: r.URL.Query().Get("rotated") == "1"}
	// Taken only once the client is known to be the developer's, and never
	// again: a reload or the back button finds nothing.
	if sec := s.sessions.takeSecret(dc.sess, c.ID); !sec.IsZero() {
		d.Secret = sec.Reveal()
	}
	if d.Rotated && len(d.Client.Secrets) > 0 {
		now := s.now()
		for _, old := range d.Client.Secrets[:len(d.Client.Secrets)-1] {
			if !old.Expires.IsZero() && old.Expires.After(now) {
				d.OldSecrets = append(d.OldSecrets, old)
			}
		}
	}
	d.HasCode = slices.Contains(c.GrantTypes, oauthclient.GrantAuthorizationCode)
	d.HasClient = slices.Contains(c.GrantTypes, oauthclient.GrantClientCredentials)
	s.codeSamples(&d, c)
	title := "OAuth client credentials"
	if d.Rotated {
		title = "New client secret"
	}
	s.render(w, r, http.StatusOK, "secret", s.devPage(dc, title, "clients", d))
}

// codeSamples fills the ready-to-run requests of the credentials page. The
// secret is never in them: they read it from $CLIENT_SECRET.
func (s *Site) codeSamples(d *secretData, c *oauthclient.Client) {
	const next = " \\\n  " // a shell line continuation
	scope := strings.Join(d.Scopes, " ")
	auth := `-u "$CLIENT_ID:$CLIENT_SECRET"`
	if c.Public() {
		auth = `-d client_id="$CLIENT_ID"`
	}
	if s.tokenURL != "" && d.HasClient {
		d.TokenCurl = "curl " + auth + next + "-d grant_type=client_credentials"
		if scope != "" {
			d.TokenCurl += next + "-d scope=" + shellQuote(scope)
		}
		d.TokenCurl += next + shellQuote(s.tokenURL)
	}
	if s.authURL == "" || !d.HasCode {
		return
	}
	redirect := "https://app.example.com/callback"
	if len(c.RedirectURIs) > 0 {
		redirect = c.RedirectURIs[0]
	}
	q := url.Values{"response_type": {"code"}, "client_id": {c.ID}, "redirect_uri": {redirect}, "state": {"RANDOM_STATE"}}
	if scope != "" {
		q.Set("scope", scope)
	}
	// The challenge is left to the shell: url.Values would escape the $.
	d.AuthorizeURL = s.authURL + "?" + q.Encode() + "&code_challenge=$CODE_CHALLENGE&code_challenge_method=S256"
	if s.tokenURL != "" {
		d.ExchangeCurl = "curl " + auth + next + "-d grant_type=authorization_code" + next + `-d code="$CODE"` +
			next + "-d redirect_uri=" + shellQuote(redirect) + next + `-d code_verifier="$CODE_VERIFIER"` + next + shellQuote(s.tokenURL)
	}
}

// shellQuote quotes s for a POSIX shell.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// ownClient loads the developer's client named in the path, with the
// catalogue names; another developer's client is not found.
func (s *Site) ownClient(w http.ResponseWriter, r *http.Request, dc *devCtx) (*oauthclient.Client, *names, bool) {
	c, err := s.portal.GetClient(r.Context(), dc.dev.ID, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return nil, nil, false
	}
	n, err := s.loadNames(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return nil, nil, false
	}
	return c, n, true
}
