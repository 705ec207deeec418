package authserver

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/portaloauth/portaloauth/oauthclient"
	as "github.com/portaloauth/portaloauth/portal/authserver"
)

// Parameters of the consent form beyond those of the authorization
// request.
const (
	paramConsentToken = "consent_token"
	paramDecision     = "decision"
	decisionApprove   = "approve"
	decisionDeny      = "deny"
)

// handleAuthorize is GET /oauth/authorize: the library checks the
// request; this shows the consent page to the logged-in user, or sends
// them to log in first.
func (s *Server) handleAuthorize(w http.ResponseWriter, r *http.Request) {
	vals, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		s.renderError(w, http.StatusBadRequest, "The authorization request is malformed.")
		return
	}
	a, err := s.Authorize(r.Context(), as.ParseAuthorizeRequest(vals))
	if err != nil {
		s.authorizeError(w, r, a, err)
		return
	}
	user, ok := s.users.CurrentUser(r)
	if !ok {
		http.Redirect(w, r, s.users.LoginURL(r.URL.RequestURI()), http.StatusFound)
		return
	}
	s.renderConsent(w, r, a, user)
}

// handleConsent is POST /oauth/authorize, the consent form: the request is
// checked again with the form's token, then the user is sent back with a
// code or with access_denied.
func (s *Server) handleConsent(w http.ResponseWriter, r *http.Request) {
	form, err := as.ParseForm(r, s.maxBody)
	if err != nil {
		s.renderError(w, oauthclient.HTTPStatus(err), "The consent form is malformed.")
		return
	}
	a, err := s.Authorize(r.Context(), as.ParseAuthorizeRequest(form))
	if err != nil {
		s.authorizeError(w, r, a, err)
		return
	}
	params := a.Request.Values()
	user, ok := s.users.CurrentUser(r)
	if !ok {
		http.Redirect(w, r, s.users.LoginURL(s.authorizePath()+"?"+params.Encode()), http.StatusSeeOther)
		return
	}
	if !s.checkConsentToken(form.Get(paramConsentToken), user, params) {
		s.renderError(w, http.StatusForbidden,
			"This consent form has expired or did not come from this site. Go back to the application and start again.")
		return
	}
	switch form.Get(paramDecision) {
	case decisionApprove:
		code, err := s.IssueCode(r.Context(), a, user)
		if err != nil {
			if !oauthclient.Outage(err) {
				a = nil // a bug: the user sees the error page, the client nothing
			}
			s.authorizeError(w, r, a, err)
			return
		}
		w.Header().Set("Location", a.CodeURL(code))
		w.WriteHeader(http.StatusSeeOther)
	case decisionDeny:
		s.authorizeError(w, r, a, oauthclient.NewError(oauthclient.CodeAccessDenied, "", "the user denied the request"))
	default:
		s.renderError(w, http.StatusBadRequest, "The consent form must be answered with Allow or Deny.")
	}
}

// authorizeError answers a failed authorization request: with the error
// page when there is no Authorization to redirect to (every failure before
// the user answered the consent page), else with a redirect to the client.
// Server failures are logged: an outage at WARN, a bug at ERROR.
func (s *Server) authorizeError(w http.ResponseWriter, r *http.Request, a *as.Authorization, err error) {
	switch {
	case len(oauthclient.Errors(err)) > 0:
	case oauthclient.Outage(err):
		s.log.WarnContext(r.Context(), "authserver: authorization failed: store unavailable (an outage)", "method", r.Method, "error", err)
	default:
		s.log.ErrorContext(r.Context(), "authserver: authorization failed (a bug)", "method", r.Method, "error", err)
	}
	if a != nil {
		status := http.StatusFound
		if r.Method == http.MethodPost {
			status = http.StatusSeeOther
		}
		w.Header().Set("Location", a.ErrorURL(err))
		w.WriteHeader(status)
		return
	}
	var oe *oauthclient.Error
	switch {
	case errors.Is(err, oauthclient.ErrRedirectMismatch):
		s.renderError(w, http.StatusBadRequest,
			"The application that sent you here asked to return to an address it has not registered.")
	case errors.As(err, &oe):
		s.renderError(w, http.StatusBadRequest, "The authorization request cannot be used: "+oe.Description()+".")
	case oauthclient.Outage(err):
		w.Header().Set("Retry-After", strconv.Itoa(int(oauthclient.DefaultRetryAfter/time.Second)))
		s.renderError(w, http.StatusServiceUnavailable, "The server cannot handle the request now. Try again in a moment.")
	default:
		s.renderError(w, http.StatusInternalServerError, "The server failed to handle the request. Try again later.")
	}
}

// authorizePath is the path the consent form posts to.
func (s *Server) authorizePath() string {
	u, err := url.Parse(s.issuer)
	if err != nil {
		return PathAuthorize
	}
	return u.Path + PathAuthorize
}
