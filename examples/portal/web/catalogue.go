package web

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/portaloauth/portaloauth/catalogue"
	"github.com/portaloauth/portaloauth/oauthclient"
	"github.com/portaloauth/portaloauth/portal"
)

// The administrator's catalogue pages: the product page's prerequisites
// (an OAuth 2.0 API, a policy granting it, a catalogue entry offering the
// policy), created, edited and deactivated here with the library's checks.

// catalogueKind is one of the three record types of the catalogue, as the
// pages name it.
type catalogueKind struct {
	Path  string // in URLs: "apis", "policies", "entries"
	One   string // "API", "policy", "catalogue entry"
	Off   string // the destructive action: "Deactivate", "Hide"
	OffEd string // its past participle, for notices: "deactivated", "hidden"
	On    string // the way back: "Activate", "Show"
	OnEd  string
}

var (
	kindAPI    = catalogueKind{Path: "apis", One: "API", Off: "Deactivate", OffEd: "deactivated", On: "Activate", OnEd: "activated"}
	kindPolicy = catalogueKind{Path: "policies", One: "policy", Off: "Deactivate", OffEd: "deactivated", On: "Activate", OnEd: "activated"}
	kindEntry  = catalogueKind{Path: "entries", One: "catalogue entry", Off: "Hide", OffEd: "hidden", On: "Show", OnEd: "shown"}
)

func kindOf(path string) (catalogueKind, bool) {
	for _, k := range []catalogueKind{kindAPI, kindPolicy, kindEntry} {
		if k.Path == path {
			return k, true
		}
	}
	return catalogueKind{}, false
}

// authModes are the auth modes the API form offers, in order.
var authModes = []struct{ Value, Label string }{
	{string(catalogue.AuthOAuth2), "OAuth 2.0"},
	{string(catalogue.AuthToken), "Authentication token (API key)"},
	{string(catalogue.AuthJWT), "JSON Web Token"},
	{string(catalogue.AuthKeyless), "Open (keyless)"},
}

func authModeLabel(m catalogue.AuthMode) string {
	for _, a := range authModes {
		if a.Value == string(m) {
			return a.Label
		}
	}
	return string(m)
}

// catalogueRow is one API, policy or entry in the catalogue's tables.
type catalogueRow struct {
	ID      string
	Name    string
	Details []string // a few facts, each shown on its own line
	On      bool     // active, or visible
	Version int64
}

// catalogueSection is one table of the Catalogue page.
type catalogueSection struct {
	Kind  catalogueKind
	Title string
	Intro string
	Rows  []catalogueRow
}

// catalogueData is the Catalogue page's data.
type catalogueData struct {
	Sections []catalogueSection
	Events   []auditRow
}

func (s *Site) adminCatalogue(w http.ResponseWriter, r *http.Request, ac *adminCtx) {
	cat, err := s.portal.Catalogue(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	apis := catalogueSection{Kind: kindAPI, Title: "APIs",
		Intro: "1. An API behind the gateway. Developers can register OAuth clients only for an API whose authentication mode is OAuth 2.0."}
	policies := catalogueSection{Kind: kindPolicy, Title: "Policies",
		Intro: "2. A policy grants access to APIs, optionally limited to some scopes."}
	entries := catalogueSection{Kind: kindEntry, Title: "Catalogue entries",
		Intro: "3. An entry publishes an API on the Select API page with the policies developers may choose."}
	for _, a := range cat.APIs {
		apis.Rows = append(apis.Rows, catalogueRow{ID: a.ID, Name: a.Name, On: a.Active, Version: a.Version,
			Details: []string{authModeLabel(a.AuthMode)}})
	}
	for _, p := range cat.Policies {
		var apis []string
		for _, ar := range p.AccessRights {
			apis = append(apis, apiName(cat, ar.APIID))
		}
		row := catalogueRow{ID: p.ID, Name: p.Name, On: p.Active, Version: p.Version,
			Details: []string{"Access to " + orNone(strings.Join(apis, ", "))}}
		if len(p.Scopes) > 0 {
			row.Details = append(row.Details, "Scopes: "+strings.Join(p.Scopes, " "))
		}
		policies.Rows = append(policies.Rows, row)
	}
	for _, e := range cat.Entries {
		var pols []string
		for _, id := range e.PolicyIDs {
			pols = append(pols, policyName(cat, id))
		}
		row := catalogueRow{ID: e.ID, Name: entryName(cat, e), On: e.Visible, Version: e.Version,
			Details: []string{"Publishes " + apiName(cat, e.APIID), "Policies: " + orNone(strings.Join(pols, ", "))}}
		if e.RequiresApproval {
			row.Details = append(row.Details, "New clients need approval")
		}
		if e.ClientLimit > 0 {
			row.Details = append(row.Details, "At most "+strconv.Itoa(e.ClientLimit)+" clients per developer")
		}
		entries.Rows = append(entries.Rows, row)
	}
	d := catalogueData{Sections: []catalogueSection{apis, policies, entries}, Events: s.auditRows(s.audit.catalogueEvents(10))}
	s.render(w, r, http.StatusOK, "admin_catalogue", s.adminPage(ac, "Catalogue", "catalogue", d))
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

func apiName(cat *portal.Catalogue, id string) string {
	if a := cat.API(id); a != nil {
		return a.Name
	}
	return id
}

func policyName(cat *portal.Catalogue, id string) string {
	if p := cat.Policy(id); p != nil {
		return p.Name
	}
	return id
}

func entryName(cat *portal.Catalogue, e *catalogue.Entry) string {
	if e.DisplayName != "" {
		return e.DisplayName
	}
	return apiName(cat, e.APIID)
}

// option is a choice of a select, a radio group or a checkbox group.
type option struct {
	Value, Label string
	Checked      bool
}

// recordForm is the data of the API, policy and entry forms.
type recordForm struct {
	Kind    catalogueKind
	New     bool
	Action  string
	Version int64
	Values  map[string]string // text fields by name
	On      bool              // active, or visible
	Flag    bool              // entries: requires approval
	Choices []option          // auth modes, APIs granted, or policies offered
	APIs    []option          // entries: the API published
	Errors  fieldErrors
}

func newRecordForm(k catalogueKind, id string) *recordForm {
	f := &recordForm{Kind: k, New: id == "", Values: map[string]string{}}
	f.Action = "/admin/catalogue/" + k.Path
	if id != "" {
		f.Action += "/" + url.PathEscape(id) + "/edit"
	}
	return f
}

// kindAndCatalogue reads the kind of record the path names, and the
// catalogue; it answers 404 for an unknown kind.
func (s *Site) kindAndCatalogue(w http.ResponseWriter, r *http.Request) (catalogueKind, *portal.Catalogue, bool) {
	k, ok := kindOf(r.PathValue("kind"))
	if !ok {
		s.renderError(w, r, http.StatusNotFound, "")
		return k, nil, false
	}
	cat, err := s.portal.Catalogue(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return k, nil, false
	}
	return k, cat, true
}

// recordFormPage shows the form to add (no id) or edit a record.
func (s *Site) recordFormPage(w http.ResponseWriter, r *http.Request, ac *adminCtx) {
	k, cat, ok := s.kindAndCatalogue(w, r)
	if !ok {
		return
	}
	id := r.PathValue("id")
	f := newRecordForm(k, id)
	f.On = true
	switch k {
	case kindAPI:
		a := &catalogue.API{AuthMode: catalogue.AuthOAuth2, Active: true}
		if id != "" {
			if a = cat.API(id); a == nil {
				s.renderError(w, r, http.StatusNotFound, "")
				return
			}
		}
		fillAPIForm(f, a)
	case kindPolicy:
		p := &catalogue.Policy{Active: true}
		if id != "" {
			if p = cat.Policy(id); p == nil {
				s.renderError(w, r, http.StatusNotFound, "")
				return
			}
		}
		fillPolicyForm(f, cat, p)
	case kindEntry:
		e := &catalogue.Entry{Visible: true}
		if id != "" {
			if e = cat.Entry(id); e == nil {
				s.renderError(w, r, http.StatusNotFound, "")
				return
			}
		}
		fillEntryForm(f, cat, e)
	}
	s.renderRecordForm(w, r, ac, http.StatusOK, f)
}

func (s *Site) renderRecordForm(w http.ResponseWriter, r *http.Request, ac *adminCtx, code int, f *recordForm) {
	title := "New " + f.Kind.One
	if !f.New {
		title = "Edit " + f.Kind.One
	}
	s.render(w, r, code, "admin_record", s.adminPage(ac, title, "catalogue", f))
}

func fillAPIForm(f *recordForm, a *catalogue.API) {
	f.Values["id"], f.Values["name"], f.On, f.Version = a.ID, a.Name, a.Active, a.Version
	for _, m := range authModes {
		f.Choices = append(f.Choices, option{Value: m.Value, Label: m.Label, Checked: m.Value == string(a.AuthMode)})
	}
}

func fillPolicyForm(f *recordForm, cat *portal.Catalogue, p *catalogue.Policy) {
	f.Values["id"], f.Values["name"], f.On, f.Version = p.ID, p.Name, p.Active, p.Version
	f.Values["scopes"] = strings.Join(p.Scopes, " ")
	for _, a := range cat.APIs {
		label := a.Name
		if a.AuthMode != catalogue.AuthOAuth2 {
			label += " (" + authModeLabel(a.AuthMode) + ")"
		}
		f.Choices = append(f.Choices, option{Value: a.ID, Label: label, Checked: p.Grants(a.ID)})
	}
}

func fillEntryForm(f *recordForm, cat *portal.Catalogue, e *catalogue.Entry) {
	f.Values["id"], f.Values["display_name"], f.Values["description"] = e.ID, e.DisplayName, e.Description
	f.On, f.Flag, f.Version = e.Visible, e.RequiresApproval, e.Version
	if e.ClientLimit > 0 {
		f.Values["client_limit"] = strconv.Itoa(e.ClientLimit)
	}
	for _, a := range cat.APIs {
		f.APIs = append(f.APIs, option{Value: a.ID, Label: a.Name + " · " + authModeLabel(a.AuthMode), Checked: a.ID == e.APIID})
	}
	for _, p := range cat.Policies {
		label := p.Name
		if !p.Active {
			label += " (inactive)"
		}
		f.Choices = append(f.Choices, option{Value: p.ID, Label: label, Checked: slices.Contains(e.PolicyIDs, p.ID)})
	}
}

// saveRecord adds (no id in the path) or updates a record from its form.
func (s *Site) saveRecord(w http.ResponseWriter, r *http.Request, ac *adminCtx) {
	k, cat, ok := s.kindAndCatalogue(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	var err error
	form := r.PostForm
	id := r.PathValue("id")
	f := newRecordForm(k, id)
	if id == "" {
		id = strings.TrimSpace(form.Get("id"))
	} else if f.Version, err = strconv.ParseInt(form.Get("version"), 10, 64); err != nil || f.Version < 1 {
		s.renderError(w, r, http.StatusBadRequest, "The form is missing the record's version. Reload the page and try again.")
		return
	}
	on := form.Get("on") == "1"
	var offered []string // the entry's policy IDs, which catalogue rule errors index
	switch k {
	case kindAPI:
		a := &catalogue.API{ID: id, Name: strings.TrimSpace(form.Get("name")),
			AuthMode: catalogue.AuthMode(form.Get("auth_mode")), Active: on, Version: f.Version}
		fillAPIForm(f, a)
		if f.New {
			err = s.portal.AddAPI(ctx, a)
		} else {
			err = s.portal.UpdateAPI(ctx, ac.actor(), a)
		}
	case kindPolicy:
		p := &catalogue.Policy{ID: id, Name: strings.TrimSpace(form.Get("name")),
			Scopes: strings.Fields(strings.ReplaceAll(form.Get("scopes"), ",", " ")), Active: on, Version: f.Version}
		for _, a := range form["api"] {
			p.AccessRights = append(p.AccessRights, catalogue.AccessRight{APIID: a})
		}
		fillPolicyForm(f, cat, p)
		f.Values["scopes"] = form.Get("scopes")
		if f.New {
			err = s.portal.AddPolicy(ctx, p)
		} else {
			err = s.portal.UpdatePolicy(ctx, ac.actor(), p)
		}
	case kindEntry:
		e := &catalogue.Entry{ID: id, APIID: form.Get("api_id"), DisplayName: strings.TrimSpace(form.Get("display_name")),
			Description: strings.TrimSpace(form.Get("description")), PolicyIDs: form["policy"],
			Visible: on, RequiresApproval: form.Get("approval") == "1", Version: f.Version}
		offered = e.PolicyIDs
		fillEntryForm(f, cat, e)
		f.Values["client_limit"] = form.Get("client_limit")
		if v := strings.TrimSpace(form.Get("client_limit")); v != "" {
			n, perr := strconv.Atoi(v)
			if perr != nil || n < 0 || n > 100000 {
				f.Errors.add("client_limit", "Client limit must be a whole number from 0 to 100000; leave it empty for no limit.")
				s.renderRecordForm(w, r, ac, http.StatusBadRequest, f)
				return
			}
			e.ClientLimit = n
		}
		if e.DisplayName == "" {
			e.DisplayName = apiName(cat, e.APIID)
		}
		if f.New {
			err = s.portal.AddEntry(ctx, e)
		} else {
			err = s.portal.UpdateEntry(ctx, ac.actor(), e)
		}
	}
	if err != nil {
		if !catalogueFormError(err, &f.Errors, cat, offered) {
			s.fail(w, r, err)
			return
		}
		s.renderRecordForm(w, r, ac, http.StatusBadRequest, f)
		return
	}
	verb := "updated"
	if f.New {
		verb = "added"
	}
	name := f.Values["name"]
	if k == kindEntry {
		name = form.Get("display_name")
		if name == "" {
			name = apiName(cat, form.Get("api_id"))
		}
	}
	s.sessions.setNotice(ac.sess, capitalise(k.One)+" "+strconv.Quote(strings.TrimSpace(name))+" "+verb+".")
	http.Redirect(w, r, "/admin/catalogue#"+k.Path, http.StatusSeeOther)
}

func capitalise(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// catalogueFormError files an error of a catalogue change under its form
// field, in plain words, and reports whether it was about the input.
// offered are the entry's policy IDs, which the catalogue rules' fields
// ("policy_ids[1]") index.
func catalogueFormError(err error, errs *fieldErrors, cat *portal.Catalogue, offered []string) bool {
	if errors.Is(err, catalogue.ErrInvalidEntry) {
		for _, ce := range oauthclient.Errors(err) {
			msg, field := ce.Reason, "form"
			if policyID, ok := offeredPolicy(ce.Field, offered); ok {
				field = "policy"
				name := strconv.Quote(policyName(cat, policyID))
				switch {
				case errors.Is(ce, catalogue.ErrPolicyNotGranting):
					msg = "The policy " + name + " does not grant access to this API: add the API to the policy's access rights first"
				case errors.Is(ce, catalogue.ErrUnknownPolicy):
					msg = "The policy " + name + " does not exist"
				default:
					msg = "The policy " + name + " is offered twice"
				}
			} else if errors.Is(ce, catalogue.ErrUnknownAPI) {
				field = "api_id"
			}
			errs.add(field, sentence("", msg))
		}
		return true
	}
	field, reason, ok := errorField(err)
	switch {
	case errors.Is(err, portal.ErrConflict):
		errs.add("form", "Someone changed this record at the same time. Reload the page to see their change, then edit again.")
		return true
	case errors.Is(err, portal.ErrDuplicate):
		errs.add("id", "An item with this ID exists already: choose another ID.")
		return true
	case !ok || !(errors.Is(err, portal.ErrInvalidInput) || errors.Is(err, portal.ErrNotFound)):
		return false
	}
	base, _, _ := strings.Cut(field, "[")
	switch base {
	case "access_rights":
		if errors.Is(err, portal.ErrNotFound) {
			reason = "The chosen API does not exist any more: reload the page and choose again."
		}
		errs.add("api", sentence("", reason))
	case "scopes":
		errs.add("scopes", sentence("each scope", reason))
	case "auth_mode":
		errs.add("auth_mode", sentence("authentication mode", reason))
	case "api_id":
		if errors.Is(err, portal.ErrNotFound) {
			reason = "The chosen API does not exist any more: reload the page and choose again."
		}
		errs.add("api_id", sentence("", reason))
	case "display_name":
		errs.add("display_name", sentence("display name", reason))
	case "id", "name", "description":
		errs.add(base, sentence(base, reason))
	default:
		errs.add("form", sentence(fieldLabel(field), reason))
	}
	return true
}

// offeredPolicy returns the policy ID a field "policy_ids[i]" of a
// catalogue rule names.
func offeredPolicy(field string, offered []string) (string, bool) {
	index, ok := strings.CutPrefix(field, "policy_ids[")
	if !ok {
		return "", false
	}
	i, err := strconv.Atoi(strings.TrimSuffix(index, "]"))
	if err != nil || i < 0 || i >= len(offered) {
		return "", false
	}
	return offered[i], true
}

// errorField returns the field and reason of the service's error.
func errorField(err error) (field, reason string, ok bool) {
	var pe *oauthclient.Error
	if errors.As(err, &pe) {
		return pe.Field, pe.Reason, true
	}
	return "", "", false
}

// toggleData is the confirmation page of deactivating or hiding a record.
type toggleData struct {
	Kind    catalogueKind
	ID      string
	Name    string
	Version int64
	Effect  string
}

// toggleForm asks to confirm deactivating an API or a policy, or hiding an
// entry: it tells what that does to developers.
func (s *Site) toggleForm(w http.ResponseWriter, r *http.Request, ac *adminCtx) {
	k, cat, ok := s.kindAndCatalogue(w, r)
	if !ok {
		return
	}
	id := r.PathValue("id")
	d := toggleData{Kind: k, ID: id}
	switch k {
	case kindAPI:
		a := cat.API(id)
		if a == nil {
			s.renderError(w, r, http.StatusNotFound, "")
			return
		}
		d.Name, d.Version = a.Name, a.Version
		d.Effect = "Developers can no longer create clients for it; its catalogue entries are no longer offered."
	case kindPolicy:
		p := cat.Policy(id)
		if p == nil {
			s.renderError(w, r, http.StatusNotFound, "")
			return
		}
		d.Name, d.Version = p.Name, p.Version
		d.Effect = "Developers can no longer choose it for new clients. An entry offering no other active policy is no longer offered."
	case kindEntry:
		e := cat.Entry(id)
		if e == nil {
			s.renderError(w, r, http.StatusNotFound, "")
			return
		}
		d.Name, d.Version = entryName(cat, e), e.Version
		d.Effect = "It leaves the Select API page: developers can no longer create clients for it. Existing clients keep working."
	}
	s.render(w, r, http.StatusOK, "admin_toggle", s.adminPage(ac, k.Off+" "+d.Name, "catalogue", d))
}

// toggleRecord deactivates or activates an API or a policy, or hides or
// shows an entry, at the version the page showed.
func (s *Site) toggleRecord(w http.ResponseWriter, r *http.Request, ac *adminCtx) {
	on := r.PathValue("action") == "activate"
	if !on && r.PathValue("action") != "deactivate" {
		s.renderError(w, r, http.StatusNotFound, "")
		return
	}
	k, cat, ok := s.kindAndCatalogue(w, r)
	if !ok {
		return
	}
	version, err := strconv.ParseInt(r.PostForm.Get("version"), 10, 64)
	if err != nil || version < 1 {
		s.renderError(w, r, http.StatusBadRequest, "The form is missing the record's version. Reload the page and try again.")
		return
	}
	ctx := r.Context()
	id, name := r.PathValue("id"), ""
	switch k {
	case kindAPI:
		a := cat.API(id)
		if a == nil {
			err = portal.ErrNotFound
			break
		}
		c := *a
		c.Active, c.Version, name = on, version, a.Name
		err = s.portal.UpdateAPI(ctx, ac.actor(), &c)
	case kindPolicy:
		p := cat.Policy(id)
		if p == nil {
			err = portal.ErrNotFound
			break
		}
		c := *p
		c.Active, c.Version, name = on, version, p.Name
		err = s.portal.UpdatePolicy(ctx, ac.actor(), &c)
	case kindEntry:
		e := cat.Entry(id)
		if e == nil {
			err = portal.ErrNotFound
			break
		}
		c := *e
		c.Visible, c.Version, name = on, version, entryName(cat, e)
		err = s.portal.UpdateEntry(ctx, ac.actor(), &c)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	done := k.OffEd
	if on {
		done = k.OnEd
	}
	s.sessions.setNotice(ac.sess, capitalise(k.One)+" "+strconv.Quote(name)+" "+done+".")
	http.Redirect(w, r, "/admin/catalogue#"+k.Path, http.StatusSeeOther)
}
