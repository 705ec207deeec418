package web

import (
	"context"
	"crypto/subtle"
	"net/http"
	"net/url"
	"strconv"
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

func (s *Site) adminPage(ac *adminCtx, title string, data any) *page {
	return &page{
		Title:  title,
		Menu:   "developers",
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
	// Every username is looked up and every password verified, so that the
	// time taken tells nothing about which usernames exist.
	var hash string
	for name, h := range s.admins {
		if subtle.ConstantTimeCompare([]byte(name), []byte(f.Username)) == 1 {
			hash = h
		}
	}
	if !s.passwords.verify(hash, password) {
		f.fail("form", "The username or the password is wrong.")
		s.renderAccount(w, r, http.StatusUnauthorized, "admin_login", "Administrator log in", true, f)
		return
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
}

func (s *Site) adminDevelopers(w http.ResponseWriter, r *http.Request, ac *adminCtx) {
	list, p, n, err := listPage(s, r, func(offset, limit int) ([]portal.DeveloperClients, error) {
		return s.portal.ListDevelopersWithClients(r.Context(), offset, limit)
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := developersData{Pager: p}
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
	s.render(w, r, http.StatusOK, "admin_developers", s.adminPage(ac, "Developers", d))
}

// backToDevelopers redirects to the Developers page the form was posted
// from.
func backToDevelopers(w http.ResponseWriter, r *http.Request) {
	to := "/admin/developers"
	if n, err := strconv.Atoi(r.PostForm.Get("page")); err == nil && n > 1 && n <= 100000 {
		to += "?page=" + strconv.Itoa(n)
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
	if err := do(r.Context(), ac.actor(), id); err != nil {
		s.fail(w, r, err)
		return
	}
	s.sessions.setNotice(ac.sess, "Client "+id+" "+done+".")
	backToDevelopers(w, r)
}

func (s *Site) deactivateForm(w http.ResponseWriter, r *http.Request, ac *adminCtx) {
	d, err := s.portal.GetDeveloper(r.Context(), r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	row := developerRow{ID: d.ID, Name: d.Name, Email: d.Email, Active: d.Status == portal.DeveloperActive}
	s.render(w, r, http.StatusOK, "admin_deactivate", s.adminPage(ac, "Deactivate "+d.Name, row))
}

func (s *Site) deactivateDeveloper(w http.ResponseWriter, r *http.Request, ac *adminCtx) {
	id := r.PathValue("id")
	if err := s.portal.DeactivateDeveloper(r.Context(), ac.actor(), id); err != nil {
		s.fail(w, r, err)
		return
	}
	s.sessions.endUser(developerCookie, id)
	s.sessions.setNotice(ac.sess, "The developer was deactivated: their clients are disabled and their tokens revoked.")
	backToDevelopers(w, r)
}
