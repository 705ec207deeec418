package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/portaloauth/portaloauth/portal"
)

// graceChoices are the grace periods offered for the old secret when
// rotating, in the order shown; the default is the first non-zero one.
var graceChoices = []struct {
	Value string
	Label string
	D     time.Duration
}{
	{"0", "End it now", 0},
	{"1h", "1 hour", time.Hour},
	{"24h", "24 hours", 24 * time.Hour},
	{"168h", "7 days", 7 * 24 * time.Hour},
}

// defaultGrace is the grace period preselected on the rotate page.
const defaultGrace = "24h"

// clientPath is the URL of a client's page, or of one of its actions.
func clientPath(id string, action ...string) string {
	p := "/clients/" + url.PathEscape(id)
	for _, a := range action {
		p += "/" + a
	}
	return p
}

func (s *Site) showClient(w http.ResponseWriter, r *http.Request, dc *devCtx) {
	c, n, ok := s.ownClient(w, r, dc)
	if !ok {
		return
	}
	s.render(w, r, http.StatusOK, "client", s.devPage(dc, c.ClientName, "clients", newClientView(c, n)))
}

// editDetails is the edit form of a stored client.
func (s *Site) editForm(w http.ResponseWriter, r *http.Request, dc *devCtx) {
	c, _, ok := s.ownClient(w, r, dc)
	if !ok {
		return
	}
	d := &detailsData{ClientID: c.ID, Version: c.Version, Name: c.ClientName, Description: c.Description}
	for _, u := range c.RedirectURIs {
		d.Redirects = append(d.Redirects, redirectField{Value: u})
	}
	if len(d.Redirects) == 0 {
		d.Redirects = []redirectField{{}}
	}
	d.CanAdd = len(d.Redirects) < maxRedirectFields
	s.render(w, r, http.StatusOK, "edit", s.devPage(dc, "Edit "+c.ClientName, "clients", d))
}

func (s *Site) editClient(w http.ResponseWriter, r *http.Request, dc *devCtx) {
	form := r.PostForm
	d := &detailsData{
		ClientID:    r.PathValue("id"),
		Name:        form.Get("name"),
		Description: form.Get("description"),
		Redirects:   redirectValues(form["redirect_uri"]),
	}
	version, err := strconv.ParseInt(form.Get("version"), 10, 64)
	if err != nil || version < 1 {
		s.renderError(w, r, http.StatusBadRequest, "The form is missing the client's version. Reload the page and try again.")
		return
	}
	d.Version = version
	if form.Has("add_redirect") {
		if len(d.Redirects) < maxRedirectFields {
			d.Redirects = append(d.Redirects, redirectField{})
		}
		d.CanAdd = len(d.Redirects) < maxRedirectFields
		s.render(w, r, http.StatusOK, "edit", s.devPage(dc, "Edit client", "clients", d))
		return
	}
	d.CanAdd = len(d.Redirects) < maxRedirectFields
	uris, index := redirectURIs(d.Redirects)
	name := strings.TrimSpace(d.Name)
	desc := strings.TrimSpace(d.Description)
	c, err := s.portal.UpdateClient(r.Context(), dc.dev.ID, d.ClientID, portal.UpdateClientRequest{
		Version:      version,
		Name:         &name,
		Description:  &desc,
		RedirectURIs: uris,
	})
	if err != nil {
		if !formError(err, &d.Errors, d.Redirects, index) {
			s.fail(w, r, err)
			return
		}
		s.render(w, r, http.StatusBadRequest, "edit", s.devPage(dc, "Edit client", "clients", d))
		return
	}
	s.sessions.setNotice(dc.sess, "Saved the changes to “"+c.ClientName+"”.")
	http.Redirect(w, r, clientPath(c.ID), http.StatusSeeOther)
}

// rotateData is the rotate page's data.
type rotateData struct {
	Client  clientView
	Choices []graceOption
}

// graceOption is one grace period choice.
type graceOption struct {
	Value   string
	Label   string
	Checked bool
}

func (s *Site) rotateForm(w http.ResponseWriter, r *http.Request, dc *devCtx) {
	c, n, ok := s.ownClient(w, r, dc)
	if !ok {
		return
	}
	d := rotateData{Client: newClientView(c, n)}
	for _, g := range graceChoices {
		d.Choices = append(d.Choices, graceOption{Value: g.Value, Label: g.Label, Checked: g.Value == defaultGrace})
	}
	s.render(w, r, http.StatusOK, "rotate", s.devPage(dc, "Rotate the secret", "clients", d))
}

func (s *Site) rotateSecret(w http.ResponseWriter, r *http.Request, dc *devCtx) {
	grace, ok := time.Duration(0), false
	for _, g := range graceChoices {
		if r.PostForm.Get("grace") == g.Value {
			grace, ok = g.D, true
		}
	}
	if !ok {
		s.renderError(w, r, http.StatusBadRequest, "Choose how long the old secret keeps working.")
		return
	}
	rs, err := s.portal.RotateSecret(r.Context(), dc.dev.ID, r.PathValue("id"), grace)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.sessions.setSecret(dc.sess, rs.Client.ID, rs.Secret)
	http.Redirect(w, r, clientPath(rs.Client.ID, "secret")+"?rotated=1", http.StatusSeeOther)
}

// revokeForm asks before revoking every token of a client.
func (s *Site) revokeForm(w http.ResponseWriter, r *http.Request, dc *devCtx) {
	c, n, ok := s.ownClient(w, r, dc)
	if !ok {
		return
	}
	s.render(w, r, http.StatusOK, "revoke", s.devPage(dc, "Revoke the tokens of "+c.ClientName, "clients", newClientView(c, n)))
}

func (s *Site) revokeTokens(w http.ResponseWriter, r *http.Request, dc *devCtx) {
	id := r.PathValue("id")
	c, err := s.portal.GetClient(r.Context(), dc.dev.ID, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	n, err := s.portal.RevokeTokens(r.Context(), dc.dev.ID, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	msg := "Revoked " + strconv.Itoa(n) + " tokens of “" + c.ClientName + "”."
	if n == 1 {
		msg = "Revoked 1 token of “" + c.ClientName + "”."
	}
	s.sessions.setNotice(dc.sess, msg)
	http.Redirect(w, r, clientPath(id), http.StatusSeeOther)
}

func (s *Site) deleteForm(w http.ResponseWriter, r *http.Request, dc *devCtx) {
	c, n, ok := s.ownClient(w, r, dc)
	if !ok {
		return
	}
	s.render(w, r, http.StatusOK, "delete", s.devPage(dc, "Delete "+c.ClientName, "clients", newClientView(c, n)))
}

func (s *Site) deleteClient(w http.ResponseWriter, r *http.Request, dc *devCtx) {
	c, err := s.portal.GetClient(r.Context(), dc.dev.ID, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.portal.DeleteClient(r.Context(), dc.dev.ID, c.ID); err != nil {
		s.fail(w, r, err)
		return
	}
	s.sessions.setNotice(dc.sess, "The OAuth client “"+c.ClientName+"” was deleted; its tokens no longer work.")
	http.Redirect(w, r, "/clients", http.StatusSeeOther)
}
