package web

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/portaloauth/portaloauth/oauthclient"
	"github.com/portaloauth/portaloauth/portal"
)

// page is what every template gets.
type page struct {
	Title  string
	Menu   string // the active top menu item: "home", "clients", "developers"
	User   string // the developer's name, or the admin's username
	Admin  bool   // an admin page
	CSRF   string // the token every form of the page carries
	Notice string // a one-time message
	Data   any    // the page's own data
}

var funcs = template.FuncMap{
	"date": func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.UTC().Format("2 Jan 2006 15:04 UTC")
	},
	"join":        strings.Join,
	"statusLabel": statusText,
	"inc":         func(i int) int { return i + 1 },
	"lower":       strings.ToLower,
	"input":       newInput,
	"optional":    func(in input) input { in.Optional = true; return in },
	"fe":          func(id, msg string) fieldError { return fieldError{ID: id, Msg: msg} },
	"describe":    describedBy,
}

// fieldError is a field's error message with the ID its field's
// aria-describedby names.
type fieldError struct{ ID, Msg string }

// describedBy returns the value of an aria-describedby attribute: the IDs
// of those of a hint and an error that are present ("" if none).
func describedBy(hintID, hint, errID, errMsg string) string {
	var ids []string
	if hint != "" {
		ids = append(ids, hintID)
	}
	if errMsg != "" {
		ids = append(ids, errID)
	}
	return strings.Join(ids, " ")
}

// statusText names a client status in words.
func statusText(st oauthclient.Status) string {
	switch st {
	case oauthclient.StatusActive:
		return "Active"
	case oauthclient.StatusDisabled:
		return "Disabled"
	case oauthclient.StatusPending:
		return "Pending approval"
	}
	return string(st)
}

// input is a labelled text field of a form, with its error.
type input struct {
	Name, Label, Type, Value, Error, Autocomplete, Hint string
	Optional                                            bool
}

// newInput builds an input for the "input" template: name, label, type,
// value, error, autocomplete, then an optional hint.
func newInput(name, label, typ, value, errMsg, autocomplete string, hint ...string) input {
	in := input{Name: name, Label: label, Type: typ, Value: value, Error: errMsg, Autocomplete: autocomplete}
	if len(hint) > 0 {
		in.Hint = hint[0]
	}
	return in
}

// parsePages parses each page template together with the layout.
func parsePages() (map[string]*template.Template, error) {
	names, err := templateFS.ReadDir("templates")
	if err != nil {
		return nil, fmt.Errorf("web: templates: %w", err)
	}
	pages := make(map[string]*template.Template, len(names))
	for _, n := range names {
		name := n.Name()
		if name == "layout.html" || name == "partials.html" {
			continue
		}
		t, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFS,
			"templates/layout.html", "templates/partials.html", path.Join("templates", name))
		if err != nil {
			return nil, fmt.Errorf("web: template %s: %w", name, err)
		}
		pages[strings.TrimSuffix(name, ".html")] = t
	}
	return pages, nil
}

// render writes a page with status code. Pages are never cached: they are
// per user, and some show a secret.
func (s *Site) render(w http.ResponseWriter, r *http.Request, code int, name string, p *page) {
	t := s.pages[name]
	if t == nil {
		s.log.ErrorContext(r.Context(), "no such template", "template", name)
		code, t, p = http.StatusInternalServerError, s.pages["error"], &page{Title: "Something went wrong", Data: errorData{Code: http.StatusInternalServerError}}
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, p); err != nil {
		s.log.ErrorContext(r.Context(), "rendering a page", "template", name, "err", err)
		buf.Reset()
		code = http.StatusInternalServerError
		buf.WriteString("<!doctype html><title>Error</title><p>Something went wrong.</p>")
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Security-Policy", pageCSP)
	w.WriteHeader(code)
	_, _ = w.Write(buf.Bytes())
}

// errorData is the error page's data.
type errorData struct {
	Code    int
	Message string
}

// renderError writes the error page. An empty message gets the status's
// standard words.
func (s *Site) renderError(w http.ResponseWriter, r *http.Request, code int, msg string) {
	if msg == "" {
		switch code {
		case http.StatusNotFound:
			msg = "There is nothing here, or it is not yours."
		case http.StatusInternalServerError:
			msg = "Something went wrong on our side. Please try again later."
		default:
			msg = http.StatusText(code)
		}
	}
	s.render(w, r, code, "error", &page{Title: http.StatusText(code), Data: errorData{Code: code, Message: msg}})
}

// fail answers a failed service call: the status its error stands for, and
// for an unexpected error a 500 whose detail goes to the log only.
func (s *Site) fail(w http.ResponseWriter, r *http.Request, err error) {
	code, msg := errorStatus(err)
	if code == http.StatusInternalServerError {
		s.log.ErrorContext(r.Context(), "request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	s.renderError(w, r, code, msg)
}

// errorStatus maps an error of the portal service to the HTTP status
// oauthclient.HTTPStatus gives it and a message in plain words.
func errorStatus(err error) (int, string) {
	status := oauthclient.HTTPStatus(err)
	if status >= http.StatusInternalServerError {
		return http.StatusInternalServerError, ""
	}
	switch {
	case errors.Is(err, portal.ErrConflict):
		return status, "Someone changed this at the same time. Reload the page and try again."
	case errors.Is(err, portal.ErrDeveloperInactive):
		return status, "This developer account is deactivated."
	case errors.Is(err, portal.ErrNotPending):
		return status, "This client is not waiting for approval any more."
	case errors.Is(err, portal.ErrPending):
		return status, "This client is still waiting for approval."
	case errors.Is(err, portal.ErrPublicClient):
		return status, "This client is public: it has no secret."
	case errors.Is(err, portal.ErrInvalidInput):
		return status, reasonOf(err)
	}
	return status, ""
}

// reasonOf returns "Field reason." of an *oauthclient.Error, for a message
// shown to the user.
func reasonOf(err error) string {
	var oe *oauthclient.Error
	if errors.As(err, &oe) && oe.Reason != "" {
		return sentence(fieldLabel(oe.Field), oe.Reason)
	}
	return "The request is not valid."
}

// sentence joins a label and a reason into one sentence: "App name is
// required."
func sentence(label, reason string) string {
	s := reason
	if label != "" {
		s = label + " " + reason
	}
	if s == "" {
		return s
	}
	s = strings.ToUpper(s[:1]) + s[1:]
	if !strings.HasSuffix(s, ".") {
		s += "."
	}
	return s
}

// fieldLabel names a service field in the words of the form.
func fieldLabel(field string) string {
	base, _, _ := strings.Cut(field, "[")
	switch base {
	case "client_name", "name":
		return "app name"
	case "redirect_uris", "redirect_uri":
		return "redirect URL"
	case "description":
		return "description"
	case "policy_id":
		return "policy"
	case "entry_ids":
		return "API"
	case "email":
		return "email"
	case "grant_types":
		return "grant types"
	case "grace":
		return "grace period"
	}
	return strings.ReplaceAll(base, "_", " ")
}
