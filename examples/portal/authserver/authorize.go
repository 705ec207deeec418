package authserver

import (
	"context"
	"encoding/base64"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/portaloauth/portaloauth/oauthclient"
)

// Parameters of the consent form beyond those of the authorization
// request.
const (
	paramConsentToken = "consent_token"
	paramDecision     = "decision"
	decisionApprove   = "approve"
	decisionDeny      = "deny"
)

// authzParams are the authorization request parameters (RFC 6749 §4.1.1,
// RFC 7636 §4.3) that the consent form carries and its token binds.
var authzParams = []string{
	"client_id", "redirect_uri", "response_type", "scope", "state", "code_challenge", "code_challenge_method",
}

// authzRequest is a checked authorization request.
type authzRequest struct {
	client   *oauthclient.Client
	params   url.Values // the authzParams sent, each once
	redirect string     // where the response goes: the matched redirect URI
	state    string
	scope    string // the scope to grant
}

// pageError is an authorization error that must not be redirected: the
// client or the redirect URI cannot be trusted, or the consent form is not
// genuine. The user sees an error page.
type pageError struct {
	status  int
	message string // for the user, in plain words
	err     error  // for the log, when status is 500
}

func (e *pageError) Error() string { return "authserver: authorization page error: " + e.message }

func newPageError(status int, message string) *pageError {
	return &pageError{status: status, message: message}
}

// handleAuthorize is GET /oauth/authorize: it checks the request and shows
// the consent page to the logged-in user, or sends them to log in first.
func (s *Server) handleAuthorize(w http.ResponseWriter, r *http.Request) {
	vals, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		s.authorizeError(w, r, nil, newPageError(http.StatusBadRequest, "The authorization request is malformed."))
		return
	}
	req, err := s.authorizationRequest(r.Context(), vals)
	if err != nil {
		s.authorizeError(w, r, req, err)
		return
	}
	user, ok := s.users.CurrentUser(r)
	if !ok {
		http.Redirect(w, r, s.users.LoginURL(r.URL.RequestURI()), http.StatusFound)
		return
	}
	s.renderConsent(w, r, req, user)
}

// handleConsent is POST /oauth/authorize, the consent form: it checks the
// request again and the form's token, then redirects with a code or with
// access_denied.
func (s *Server) handleConsent(w http.ResponseWriter, r *http.Request) {
	form, err := s.readForm(w, r)
	if err != nil {
		status, _, _ := problem(err)
		s.authorizeError(w, r, nil, newPageError(status, "The consent form is malformed."))
		return
	}
	req, err := s.authorizationRequest(r.Context(), form)
	if err != nil {
		s.authorizeError(w, r, req, err)
		return
	}
	user, ok := s.users.CurrentUser(r)
	if !ok {
		back := s.authorizePath() + "?" + req.params.Encode()
		http.Redirect(w, r, s.users.LoginURL(back), http.StatusSeeOther)
		return
	}
	if !s.checkConsentToken(form.Get(paramConsentToken), user, req.params) {
		s.authorizeError(w, r, nil, newPageError(http.StatusForbidden,
			"This consent form has expired or did not come from this site. Go back to the application and start again."))
		return
	}
	switch form.Get(paramDecision) {
	case decisionApprove:
		code, err := s.newCode(r.Context(), req, user)
		if err != nil {
			s.authorizeError(w, r, nil, &pageError{status: http.StatusInternalServerError, err: err})
			return
		}
		s.redirectResponse(w, r, req, url.Values{"code": {code.Reveal()}})
	case decisionDeny:
		s.authorizeError(w, r, req, oauthError(oauthclient.CodeAccessDenied, "", "the user denied the request"))
	default:
		s.authorizeError(w, r, nil, newPageError(http.StatusBadRequest, "The consent form must be answered with Allow or Deny."))
	}
}

// authorizationRequest checks an authorization request. It returns a
// *pageError, and no request, while the client and its redirect URI are
// not established; after that, an OAuth error to send to req.redirect.
func (s *Server) authorizationRequest(ctx context.Context, vals url.Values) (*authzRequest, error) {
	if len(vals["client_id"]) > 1 || len(vals["redirect_uri"]) > 1 {
		return nil, newPageError(http.StatusBadRequest, "The authorization request repeats client_id or redirect_uri.")
	}
	clientID := vals.Get("client_id")
	if clientID == "" {
		return nil, newPageError(http.StatusBadRequest, "The authorization request has no client_id.")
	}
	client, err := s.store.GetClient(ctx, clientID)
	switch {
	case errors.Is(err, oauthclient.ErrNotFound):
		return nil, newPageError(http.StatusBadRequest, "The application that sent you here is not registered.")
	case err != nil:
		return nil, &pageError{status: http.StatusInternalServerError, err: err}
	case client.Status != oauthclient.StatusActive:
		return nil, newPageError(http.StatusBadRequest, "The application that sent you here is not active.")
	}
	redirect, err := s.redirects.Match(vals.Get("redirect_uri"), client.RedirectURIs)
	if err != nil {
		return nil, newPageError(http.StatusBadRequest,
			"The application that sent you here asked to return to an address it has not registered.")
	}
	req := &authzRequest{client: client, redirect: redirect, state: vals.Get("state"), params: url.Values{}}
	for _, p := range authzParams {
		if v := vals.Get(p); v != "" {
			req.params.Set(p, v)
		}
	}
	if err := refuseRepeated(vals); err != nil {
		return req, err
	}
	if err := checkResponseType(client, vals.Get("response_type")); err != nil {
		return req, err
	}
	if err := checkChallenge(client, vals.Get("code_challenge"), vals.Get("code_challenge_method")); err != nil {
		return req, err
	}
	if req.scope, err = s.grantScope(ctx, client, vals.Get("scope")); err != nil {
		if len(oauthclient.Errors(err)) == 0 {
			return nil, &pageError{status: http.StatusInternalServerError, err: err}
		}
		return req, err
	}
	return req, nil
}

func checkResponseType(client *oauthclient.Client, rt string) error {
	switch {
	case rt == "":
		return oauthError(oauthclient.CodeInvalidRequest, "response_type", "is required")
	case rt != oauthclient.ResponseTypeCode:
		return oauthError(codeUnsupportedResponseType, "response_type", "must be code")
	case !client.HasGrant(oauthclient.GrantAuthorizationCode):
		return oauthError(oauthclient.CodeUnauthorizedClient, "response_type",
			"the client is not registered for the authorization_code grant")
	}
	return nil
}

// checkChallenge applies the PKCE rules: S256 only, required for public
// clients (RFC 7636, RFC 9700 §2.1.1).
func checkChallenge(client *oauthclient.Client, challenge, method string) error {
	switch {
	case challenge == "" && method != "":
		return oauthError(oauthclient.CodeInvalidRequest, "code_challenge", "is required with code_challenge_method")
	case challenge == "" && client.Public():
		return oauthError(oauthclient.CodeInvalidRequest, "code_challenge", "is required for public clients (PKCE with S256)")
	case challenge == "":
		return nil
	case method != pkceS256:
		return oauthError(oauthclient.CodeInvalidRequest, "code_challenge_method", "must be S256")
	}
	if sum, err := base64.RawURLEncoding.DecodeString(challenge); err != nil || len(sum) != 32 {
		return oauthError(oauthclient.CodeInvalidRequest, "code_challenge", "must be the base64url SHA-256 of the code verifier")
	}
	return nil
}

// newCode stores an authorization code for the request and the user.
func (s *Server) newCode(ctx context.Context, req *authzRequest, user string) (oauthclient.Plaintext, error) {
	grantID, err := s.randomID()
	if err != nil {
		return oauthclient.Plaintext{}, err
	}
	details := &oauthclient.CodeDetails{
		RedirectURI:         req.params.Get("redirect_uri"),
		CodeChallenge:       req.params.Get("code_challenge"),
		CodeChallengeMethod: req.params.Get("code_challenge_method"),
	}
	return s.newToken(ctx, req.client, issued{grantID: grantID, subject: user}, oauthclient.KindAuthorizationCode,
		req.scope, s.now().Add(s.codeTTL), details)
}

// authorizeError answers a failed authorization request: a *pageError with
// the error page, any other error with a redirect to the client
// (RFC 6749 §4.1.2.1).
func (s *Server) authorizeError(w http.ResponseWriter, r *http.Request, req *authzRequest, err error) {
	var pe *pageError
	if !errors.As(err, &pe) && req == nil {
		pe = &pageError{status: http.StatusInternalServerError, err: err}
	}
	if pe != nil {
		message := pe.message
		if pe.status >= http.StatusInternalServerError {
			s.log.ErrorContext(r.Context(), "authserver: authorization failed", "method", r.Method, "error", pe.err)
			message = "The server failed to handle the request. Try again later."
		}
		s.renderError(w, pe.status, message)
		return
	}
	p := oauthclient.ProblemOf(err)
	if len(oauthclient.Errors(err)) == 0 {
		s.log.ErrorContext(r.Context(), "authserver: authorization failed", "method", r.Method, "error", err)
		p = oauthclient.ProblemOf(oauthclient.ErrServerError)
	}
	params := url.Values{"error": {string(p.Code)}}
	if p.Description != "" {
		params.Set("error_description", p.Description)
	}
	s.redirectResponse(w, r, req, params)
}

// redirectResponse sends the user back to the client with params, the
// state and the issuer (RFC 9207).
func (s *Server) redirectResponse(w http.ResponseWriter, r *http.Request, req *authzRequest, params url.Values) {
	if req.state != "" {
		params.Set("state", req.state)
	}
	params.Set("iss", s.issuer)
	sep := "?"
	if strings.Contains(req.redirect, "?") {
		sep = "&"
	}
	status := http.StatusFound
	if r.Method == http.MethodPost {
		status = http.StatusSeeOther
	}
	w.Header().Set("Location", req.redirect+sep+params.Encode())
	w.WriteHeader(status)
}

// authorizePath is the path the consent form posts to.
func (s *Server) authorizePath() string {
	u, err := url.Parse(s.issuer)
	if err != nil {
		return PathAuthorize
	}
	return u.Path + PathAuthorize
}
