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
	n := &names{apis: make(map[string]string, len(apis)), policies: make(map[string]string, len(policies))}
	for _, a := range apis {
		n.apis[a.ID] = a.Name
	}
	for _, p := range policies {
		n.policies[p.ID] = p.Name
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

// grants the forms offer, in order.
var grantChoices = []oauthclient.GrantType{
	oauthclient.GrantAuthorizationCode,
	oauthclient.GrantRefreshToken,
	oauthclient.GrantClientCredentials,
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
	if len(sel) > 0 {
		d.ContinueURL = "/clients/new/details?" + entryQuery(sel, "", "")
	}
	if r.URL.Query().Has("none") {
		d.Error = "Select at least one API."
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
		d.Entries = append(d.Entries, card)
		if card.Selected {
			d.Selected = append(d.Selected, card)
		}
	}
	s.render(w, r, http.StatusOK, "select", s.devPage(dc, "Select APIs", "clients", d))
}

// policyOption is a policy the details form offers.
type policyOption struct {
	ID      string
	Name    string
	Checked bool
}

// grantOption is a grant type checkbox.
type grantOption struct {
	Value   string
	Label   string
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
	Grants      []grantOption
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
	if len(sel) > 0 && len(offered) == 0 {
		d.Errors.add("policy", "The selected APIs have no policy in common. Go back and select fewer APIs.")
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
	if len(sel) == 0 {
		http.Redirect(w, r, "/clients/new?none=1", http.StatusSeeOther)
		return
	}
	d := newDetails(sel, "")
	d.Redirects = []redirectField{{}}
	d.CanAdd = true
	for _, g := range grantChoices {
		d.Grants = append(d.Grants, grantOption{Value: string(g), Label: grantLabel(g), Checked: true})
	}
	s.render(w, r, http.StatusOK, "details", s.devPage(dc, "App details", "clients", d))
}

// postedGrants reads the grant checkboxes.
func postedGrants(form url.Values) ([]grantOption, []oauthclient.GrantType) {
	var opts []grantOption
	var chosen []oauthclient.GrantType
	posted := form["grant"]
	for _, g := range grantChoices {
		on := slices.Contains(posted, string(g))
		opts = append(opts, grantOption{Value: string(g), Label: grantLabel(g), Checked: on})
		if on {
			chosen = append(chosen, g)
		}
	}
	return opts, chosen
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
	var grants []oauthclient.GrantType
	d.Grants, grants = postedGrants(form)

	if form.Has("add_redirect") {
		if len(d.Redirects) < maxRedirectFields {
			d.Redirects = append(d.Redirects, redirectField{})
		}
		d.CanAdd = len(d.Redirects) < maxRedirectFields
		d.Errors = nil // the form is not submitted yet
		s.render(w, r, http.StatusOK, "details", s.devPage(dc, "App details", "clients", d))
		return
	}
	d.CanAdd = len(d.Redirects) < maxRedirectFields

	uris, index := redirectURIs(d.Redirects)
	if len(sel) == 0 {
		d.Errors.add("entries", "Select at least one API.")
	}
	if len(grants) == 0 {
		d.Errors.add("grants", "Choose at least one grant type.")
	}
	if len(d.Policies) > 1 && form.Get("policy") == "" {
		d.Errors.add("policy", "Choose a policy.")
	}
	if d.Errors != nil {
		s.render(w, r, http.StatusBadRequest, "details", s.devPage(dc, "App details", "clients", d))
		return
	}
	nc, err := s.portal.CreateClient(r.Context(), dc.dev.ID, portal.CreateClientRequest{
		EntryIDs:    d.EntryIDs,
		PolicyID:    form.Get("policy"),
		Description: strings.TrimSpace(d.Description),
		Metadata: oauthclient.Metadata{
			ClientName:   strings.TrimSpace(d.Name),
			RedirectURIs: uris,
			GrantTypes:   grants,
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
	if !nc.Secret.IsZero() {
		s.sessions.setSecret(dc.sess, nc.Client.ID, nc.Secret)
	}
	http.Redirect(w, r, "/clients/"+url.PathEscape(nc.Client.ID)+"/secret", http.StatusSeeOther)
}

// secretData is the data of the page that shows a secret once.
type secretData struct {
	Client        clientView
	Secret        string // empty: already shown
	TokenEndpoint string
}

func (s *Site) showSecret(w http.ResponseWriter, r *http.Request, dc *devCtx) {
	c, n, ok := s.ownClient(w, r, dc)
	if !ok {
		return
	}
	d := secretData{Client: newClientView(c, n), TokenEndpoint: s.tokenURL}
	// Taken only once the client is known to be the developer's, and never
	// again: a reload or the back button finds nothing.
	if sec := s.sessions.takeSecret(dc.sess, c.ID); !sec.IsZero() {
		d.Secret = sec.Reveal()
	}
	s.render(w, r, http.StatusOK, "secret", s.devPage(dc, "OAuth client credentials", "clients", d))
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
