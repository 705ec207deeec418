package web

import (
	"context"
	"crypto/subtle"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/portaloauth/portaloauth/oauthclient"
	"github.com/portaloauth/portaloauth/portal"
)

// adminCtx is the logged-in administrator of a request.
type adminCtx struct {
	sess     *session
	username string
}

// actor is the administrator as recorded in audit events.
func (a *adminCtx) actor() string { return "admin:" + a.username }

// admin wraps an admin page: it needs a live admin session (else it
// redirects to the admin login), and a post must carry the session's CSRF
// token.
func (s *Site) admin(h func(http.ResponseWriter, *http.Request, *adminCtx)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		sess := s.sessions.get(r, adminCookie)
		if sess == nil || s.admins[sess.userID] == "" {
			s.toLogin(w, r, "/admin/login")
			return
		}
		if r.Method == http.MethodPost && !s.checkPost(w, r, func(r *http.Request) bool { return validCSRF(r, sess.csrf) }) {
			return
		}
		h(w, r, &adminCtx{sess: sess, username: sess.userID})
	}
}

func (s *Site) adminPage(ac *adminCtx, title, menu string, data any) *page {
	return &page{
		Title:  title,
		Menu:   menu,
		User:   ac.username,
		Admin:  true,
		CSRF:   ac.sess.csrf,
		Notice: s.sessions.takeNotice(ac.sess),
		Data:   data,
	}
}

func (s *Site) adminLoginForm(w http.ResponseWriter, r *http.Request) {
	s.renderAccount(w, r, http.StatusOK, "admin_login", "Administrator log in", true, &accountForm{Action: "/admin/login"})
}

func (s *Site) adminLogin(w http.ResponseWriter, r *http.Request) {
	if !s.checkPost(w, r, s.validPreToken) {
		return
	}
	f := &accountForm{Action: "/admin/login"}
	var password string
	f.Username, password = f.credentials(r, "username", "Enter your username.")
	if f.Errors != nil {
		s.renderAccount(w, r, http.StatusBadRequest, "admin_login", "Administrator log in", true, f)
		return
	}
	keys := s.loginKeys(r, "admin:"+f.Username)
	failed, ok := s.loginGate(w, r, keys, "admin_login", "Administrator log in", true, f)
	if !ok {
		return
	}
	// Every username is looked up and every password verified, so that the
	// time taken tells nothing about which usernames exist.
	var hash string
	for name, h := range s.admins {
		if subtle.ConstantTimeCompare([]byte(name), []byte(f.Username)) == 1 {
			hash = h
		}
	}
	if !s.passwords.verify(hash, password) {
		s.loginFailed(r, keys, "admin:"+f.Username)
		f.fail("form", "The username or the password is wrong.")
		s.renderAccount(w, r, http.StatusUnauthorized, "admin_login", "Administrator log in", true, f)
		return
	}
	if failed {
		s.loginSucceeded(r, keys)
	}
	s.startSession(w, r, adminKind, f.Username, "", "/admin/developers")
}

func (s *Site) adminLogout(w http.ResponseWriter, r *http.Request, ac *adminCtx) {
	s.endSession(w, r, ac.sess, adminKind, "/admin/login")
}

func (s *Site) adminHome(w http.ResponseWriter, r *http.Request, _ *adminCtx) {
	http.Redirect(w, r, "/admin/developers", http.StatusSeeOther)
}

// developerRow is a developer with their clients on the admin page.
type developerRow struct {
	ID      string
	Name    string
	Email   string
	Active  bool
	Created time.Time
	Clients []adminClient
}

// adminClient is a client as administrators see it: never a secret.
type adminClient struct {
	ID          string
	Name        string
	APIs        []string
	Policy      string
	Status      oauthclient.Status
	Created     time.Time
	SecretHints []string
	Actions     []adminAction
}

// adminAction is a button on a client's row.
type adminAction struct {
	URL    string
	Label  string
	Danger bool
}

// clientActions returns the actions that apply to a client in that status.
func clientActions(id string, st oauthclient.Status) []adminAction {
	base := "/admin/clients/" + url.PathEscape(id) + "/"
	switch st {
	case oauthclient.StatusPending:
		return []adminAction{{URL: base + "approve", Label: "Approve"}, {URL: base + "reject", Label: "Reject", Danger: true}}
	case oauthclient.StatusActive:
		return []adminAction{{URL: base + "disable", Label: "Disable", Danger: true}}
	case oauthclient.StatusDisabled:
		return []adminAction{{URL: base + "enable", Label: "Enable"}}
	}
	return nil
}

// developersData is the Developers page's data.
type developersData struct {
	Developers []developerRow
	Pager      pager
	Query      string   // the search text
	Status     string   // "", "active", "inactive"
	Statuses   []option // the status filter
	Queue      bool     // the approval queue: pending clients only
	PagerQuery string   // the search as query parameters for the pager
}

func (s *Site) adminDevelopers(w http.ResponseWriter, r *http.Request, ac *adminCtx) {
	s.developerList(w, r, ac, false)
}

func (s *Site) adminApprovals(w http.ResponseWriter, r *http.Request, ac *adminCtx) {
	s.developerList(w, r, ac, true)
}

// developerList is the Developers page, or the approval queue: developers
// with their clients, searched and filtered.
func (s *Site) developerList(w http.ResponseWriter, r *http.Request, ac *adminCtx, queue bool) {
	q := r.URL.Query()
	d := developersData{Query: strings.TrimSpace(q.Get("q")), Queue: queue}
	if len(d.Query) > 200 {
		d.Query = d.Query[:200]
	}
	query := portal.DeveloperQuery{Text: d.Query}
	switch st := q.Get("status"); st {
	case string(portal.DeveloperActive), string(portal.DeveloperInactive):
		d.Status, query.Status = st, portal.DeveloperStatus(st)
	}
	for _, o := range []option{{"", "All developers", false}, {"active", "Active", false}, {"inactive", "Deactivated", false}} {
		o.Checked = o.Value == d.Status
		d.Statuses = append(d.Statuses, o)
	}
	if queue {
		query.ClientStatus = oauthclient.StatusPending
	}
	pq := url.Values{}
	if d.Query != "" {
		pq.Set("q", d.Query)
	}
	if d.Status != "" {
		pq.Set("status", d.Status)
	}
	if len(pq) > 0 {
		d.PagerQuery = "&" + pq.Encode()
	}
	list, p, n, err := listPage(s, r, func(p oauthclient.Page) ([]portal.DeveloperClients, error) {
		query.Page = p
		return s.portal.FindDevelopers(r.Context(), query)
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d.Pager = p
	d.Pager.Query = d.PagerQuery
	for _, dc := range list {
		row := developerRow{
			ID:      dc.Developer.ID,
			Name:    dc.Developer.Name,
			Email:   dc.Developer.Email,
			Active:  dc.Developer.Status == portal.DeveloperActive,
			Created: dc.Developer.CreatedAt,
		}
		for _, c := range dc.Clients {
			row.Clients = append(row.Clients, adminClient{
				ID: c.ID, Name: c.Name, APIs: n.apiList(c.APIIDs), Policy: n.policy(c.PolicyID),
				Status: c.Status, Created: c.CreatedAt, SecretHints: c.SecretHints,
				Actions: clientActions(c.ID, c.Status),
			})
		}
		d.Developers = append(d.Developers, row)
	}
	title, menu, tmpl := "Developers", "developers", "admin_developers"
	if queue {
		title, menu = "Approvals", "approvals"
	}
	s.render(w, r, http.StatusOK, tmpl, s.adminPage(ac, title, menu, d))
}

// backToDevelopers redirects to the admin page the form was posted from:
// the "back" field names a local /admin path, else the Developers page.
func backToDevelopers(w http.ResponseWriter, r *http.Request) {
	to := "/admin/developers"
	if b := r.PostForm.Get("back"); strings.HasPrefix(b, "/admin/") && localPath(b) {
		to = b
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// clientActions are the administrator's actions on a client, by the name
// in the path, with the words that report them.
func (s *Site) clientAction(name string) (do func(ctx context.Context, adminID, clientID string) error, done string) {
	switch name {
	case "approve":
		return s.portal.ApproveClient, "approved"
	case "reject":
		return s.portal.RejectClient, "rejected and deleted"
	case "disable":
		return s.portal.DisableClient, "disabled; its tokens were revoked"
	case "enable":
		return s.portal.EnableClient, "enabled"
	}
	return nil, ""
}

func (s *Site) adminClientAction(w http.ResponseWriter, r *http.Request, ac *adminCtx) {
	id := r.PathValue("id")
	do, done := s.clientAction(r.PathValue("action"))
	if do == nil {
		s.renderError(w, r, http.StatusNotFound, "")
		return
	}
	name := id
	if cd, err := s.portal.ClientDetail(r.Context(), id); err == nil {
		name = cd.Name
	}
	if err := do(r.Context(), ac.actor(), id); err != nil {
		s.fail(w, r, err)
		return
	}
	s.sessions.setNotice(ac.sess, "The client "+strconv.Quote(name)+" was "+done+".")
	backToDevelopers(w, r)
}

// confirmData is the page asking to confirm an administrator's
// destructive action on a client.
type confirmData struct {
	Client adminClient
	Action adminAction
	Effect string
	Back   string
}

// confirmClientAction asks before rejecting or disabling a client.
func (s *Site) confirmClientAction(w http.ResponseWriter, r *http.Request, ac *adminCtx) {
	id, action := r.PathValue("id"), r.PathValue("action")
	var effect string
	switch action {
	case "reject":
		effect = "The client is deleted; its developer can create a new one."
	case "disable":
		effect = "The client can no longer get tokens, and every token it holds is revoked at once. You can enable it again later."
	default:
		s.renderError(w, r, http.StatusNotFound, "")
		return
	}
	cd, err := s.portal.ClientDetail(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var act adminAction
	for _, a := range clientActions(cd.ID, cd.Status) {
		if strings.HasSuffix(a.URL, "/"+action) {
			act = a
		}
	}
	if act.URL == "" {
		s.renderError(w, r, http.StatusConflict, "This client is "+strings.ToLower(statusText(cd.Status))+": it cannot be "+action+"ed.")
		return
	}
	back := r.URL.Query().Get("back")
	if !strings.HasPrefix(back, "/admin/") || !localPath(back) {
		back = "/admin/clients/" + url.PathEscape(id)
	}
	d := confirmData{Client: adminClient{ID: cd.ID, Name: cd.Name, Status: cd.Status}, Action: act, Effect: effect, Back: back}
	s.render(w, r, http.StatusOK, "admin_confirm", s.adminPage(ac, act.Label+" "+cd.Name+"?", "developers", d))
}

// clientDetailData is the administrator's client page's data.
type clientDetailData struct {
	Client    adminClient
	Developer developerRow
	Detail    *portal.ClientDetail
	Grants    []string
	Events    []auditRow
}

func (s *Site) adminClient(w http.ResponseWriter, r *http.Request, ac *adminCtx) {
	cd, err := s.portal.ClientDetail(r.Context(), r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	n, err := s.loadNames(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := clientDetailData{
		Client: adminClient{ID: cd.ID, Name: cd.Name, APIs: n.apiList(cd.APIIDs), Policy: n.policy(cd.PolicyID),
			Status: cd.Status, Created: cd.CreatedAt, Actions: clientActions(cd.ID, cd.Status)},
		Detail: cd,
		Events: s.auditRows(s.audit.clientEvents(cd.ID, 50)),
	}
	if dev, err := s.portal.GetDeveloper(r.Context(), cd.DeveloperID); err == nil {
		d.Developer = developerRow{ID: dev.ID, Name: dev.Name, Email: dev.Email, Active: dev.Status == portal.DeveloperActive}
	}
	for _, g := range cd.Metadata.GrantTypes {
		d.Grants = append(d.Grants, grantLabel(g))
	}
	s.render(w, r, http.StatusOK, "admin_client", s.adminPage(ac, cd.Name, "developers", d))
}

func (s *Site) deactivateForm(w http.ResponseWriter, r *http.Request, ac *adminCtx) {
	d, err := s.portal.GetDeveloper(r.Context(), r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	row := developerRow{ID: d.ID, Name: d.Name, Email: d.Email, Active: d.Status == portal.DeveloperActive}
	s.render(w, r, http.StatusOK, "admin_deactivate", s.adminPage(ac, "Deactivate "+d.Name, "developers", row))
}

func (s *Site) deactivateDeveloper(w http.ResponseWriter, r *http.Request, ac *adminCtx) {
	id := r.PathValue("id")
	if err := s.portal.DeactivateDeveloper(r.Context(), ac.actor(), id); err != nil {
		s.fail(w, r, err)
		return
	}
	s.sessions.endUser(developerCookie, id)
	s.sessions.setNotice(ac.sess, developerName(r, s, id)+" was deactivated: their clients are disabled and their tokens revoked.")
	backToDevelopers(w, r)
}

func (s *Site) reactivateDeveloper(w http.ResponseWriter, r *http.Request, ac *adminCtx) {
	id := r.PathValue("id")
	if err := s.portal.ReactivateDeveloper(r.Context(), ac.actor(), id); err != nil {
		s.fail(w, r, err)
		return
	}
	s.sessions.setNotice(ac.sess, developerName(r, s, id)+" was reactivated and may log in again. Their clients stay disabled until you enable them.")
	backToDevelopers(w, r)
}

// developerName names a developer in a notice.
func developerName(r *http.Request, s *Site, id string) string {
	if d, err := s.portal.GetDeveloper(r.Context(), id); err == nil {
		return d.Name
	}
	return "The developer"
}
