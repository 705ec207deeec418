package authserver

import (
	"context"
	"encoding/base64"
	"errors"
	"net/url"
	"slices"
	"strings"

	"github.com/portaloauth/portaloauth/oauthclient"
)

// ResponseTypeCode is the one response_type supported: the authorization
// code grant (RFC 6749 §4.1).
const ResponseTypeCode = oauthclient.ResponseTypeCode

// AuthorizeRequest is an authorization request (RFC 6749 §4.1.1 with the
// PKCE parameters of RFC 7636 §4.3).
type AuthorizeRequest struct {
	ClientID            string
	RedirectURI         string
	ResponseType        string
	Scope               string
	State               string
	CodeChallenge       string
	CodeChallengeMethod string
	// Repeated names the parameters sent more than once, which
	// [Server.Authorize] refuses.
	Repeated []string
}

// ParseAuthorizeRequest reads an authorization request from the query (GET)
// or form (POST) parameters. Parameters without a value count as absent
// (RFC 6749 §3.1); it never fails: what is wrong is for [Server.Authorize]
// to judge, which knows whether it may redirect the error.
func ParseAuthorizeRequest(vals url.Values) AuthorizeRequest {
	req := AuthorizeRequest{
		ClientID: vals.Get("client_id"), RedirectURI: vals.Get("redirect_uri"), ResponseType: vals.Get("response_type"),
		Scope: vals.Get("scope"), State: vals.Get("state"),
		CodeChallenge: vals.Get("code_challenge"), CodeChallengeMethod: vals.Get("code_challenge_method"),
	}
	for k, v := range vals {
		if len(v) > 1 {
			req.Repeated = append(req.Repeated, k)
		}
	}
	slices.Sort(req.Repeated)
	return req
}

// Values returns the request's parameters that have a value, in the form
// ParseAuthorizeRequest reads, for a consent form to send again.
func (r AuthorizeRequest) Values() url.Values {
	v := make(url.Values, 7)
	for _, p := range [...][2]string{
		{"client_id", r.ClientID}, {"redirect_uri", r.RedirectURI}, {"response_type", r.ResponseType},
		{"scope", r.Scope}, {"state", r.State}, {"code_challenge", r.CodeChallenge},
		{"code_challenge_method", r.CodeChallengeMethod},
	} {
		if p[1] != "" {
			v.Set(p[0], p[1])
		}
	}
	return v
}

// Authorization is an authorization request the server accepted, waiting
// for the user's consent.
type Authorization struct {
	// Client is the requesting client.
	Client *oauthclient.Client
	// RedirectURI is where the response goes: the registered redirect URI
	// that the request's matched (RFC 9700 §4.1.3).
	RedirectURI string
	// Scope is the scope the code will grant.
	Scope string
	// Request is the request as sent.
	Request AuthorizeRequest

	issuer string
}

// Authorize checks an authorization request: the client (registered,
// active), its redirect URI (exact match, see oauthclient.MatchRedirectURI),
// then response_type "code", the client's registration for the
// authorization_code grant, the PKCE parameters (S256 only; required for
// public clients) and the scope.
//
// On any failure it returns no Authorization and an error the user must
// see, never redirected: an *oauthclient.Error (CodeInvalidRequest naming
// client_id or redirect_uri, wrapping oauthclient.ErrRedirectMismatch for a
// redirect URI the client did not register; or the code of what else is
// wrong with the request), or a store failure. RFC 6749 §4.1.2.1 lets a
// server redirect errors once the redirect URI is established, but anyone
// may register a client whose redirect URI is their own site: redirecting
// an unauthenticated visitor there with error= would make this server an
// open redirector (RFC 9700 §4.11.2). The safer choice is taken: the user
// agent goes to a client's redirect URI only after the signed-in user has
// answered the consent page ([Authorization.CodeURL], or
// [Authorization.ErrorURL] with access_denied or, when the store fails at
// that point, temporarily_unavailable).
func (s *Server) Authorize(ctx context.Context, req AuthorizeRequest) (*Authorization, error) {
	if slices.Contains(req.Repeated, "client_id") || slices.Contains(req.Repeated, "redirect_uri") {
		return nil, oauthError(oauthclient.CodeInvalidRequest, "client_id", "client_id and redirect_uri must not be repeated")
	}
	if req.ClientID == "" {
		return nil, oauthError(oauthclient.CodeInvalidRequest, "client_id", "is required")
	}
	client, err := s.clients.GetClient(ctx, req.ClientID)
	switch {
	case errors.Is(err, oauthclient.ErrNotFound):
		return nil, oauthError(oauthclient.CodeInvalidRequest, "client_id", "is not a registered client")
	case err != nil:
		return nil, err
	case client.Status != oauthclient.StatusActive:
		return nil, oauthError(oauthclient.CodeInvalidRequest, "client_id", "is not an active client")
	}
	redirect, err := s.redirects.Match(req.RedirectURI, client.RedirectURIs)
	if err != nil {
		return nil, &oauthclient.Error{Code: oauthclient.CodeInvalidRequest, Field: "redirect_uri",
			Reason: "is not registered for this client", Err: oauthclient.ErrRedirectMismatch}
	}
	a := &Authorization{Client: client, RedirectURI: redirect, Request: req, issuer: s.issuer}
	if len(req.Repeated) > 0 {
		return nil, oauthError(oauthclient.CodeInvalidRequest, FieldName(req.Repeated[0]), "must not be repeated")
	}
	if err := checkResponseType(client, req.ResponseType); err != nil {
		return nil, err
	}
	if err := checkChallenge(client, req.CodeChallenge, req.CodeChallengeMethod); err != nil {
		return nil, err
	}
	if a.Scope, err = s.grantScope(ctx, client, req.Scope); err != nil {
		return nil, err
	}
	return a, nil
}

func checkResponseType(client *oauthclient.Client, rt string) error {
	switch {
	case rt == "":
		return oauthError(oauthclient.CodeInvalidRequest, "response_type", "is required")
	case rt != ResponseTypeCode:
		return oauthError(oauthclient.CodeUnsupportedResponseType, "response_type", "must be code")
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
	case method != PKCEMethodS256:
		return oauthError(oauthclient.CodeInvalidRequest, "code_challenge_method", "must be S256")
	}
	if sum, err := base64.RawURLEncoding.DecodeString(challenge); err != nil || len(sum) != 32 {
		return oauthError(oauthclient.CodeInvalidRequest, "code_challenge", "must be the base64url SHA-256 of the code verifier")
	}
	return nil
}

// IssueCode stores an authorization code for a, consented to by the user
// subject, and returns its value: one-time, bound to the redirect URI and
// PKCE challenge of the request, valid for Config.CodeTTL. Send it with
// [Authorization.CodeURL]. Errors are store or random source failures.
func (s *Server) IssueCode(ctx context.Context, a *Authorization, subject string) (oauthclient.Plaintext, error) {
	grantID, err := s.randomID()
	if err != nil {
		return oauthclient.Plaintext{}, err
	}
	details := &oauthclient.CodeDetails{
		RedirectURI:         a.Request.RedirectURI,
		CodeChallenge:       a.Request.CodeChallenge,
		CodeChallengeMethod: a.Request.CodeChallengeMethod,
	}
	return s.newToken(ctx, a.Client, issued{grantID: grantID, subject: subject}, oauthclient.KindAuthorizationCode,
		a.Scope, s.now(), s.codeTTL, details)
}

// CodeURL is the successful authorization response (RFC 6749 §4.1.2): the
// redirect URI with the code, the state and the issuer (RFC 9207).
func (a *Authorization) CodeURL(code oauthclient.Plaintext) string {
	return a.redirect(url.Values{"code": {code.Reveal()}})
}

// ErrorURL is the error response (RFC 6749 §4.1.2.1) for err: the redirect
// URI with error, error_description, the state and the issuer. A store
// that cannot answer (oauthclient.Outage) is sent as
// temporarily_unavailable, and any other err that carries no OAuth error
// code as server_error, both without a description; the caller logs it.
func (a *Authorization) ErrorURL(err error) string {
	p := oauthclient.ProblemOf(err)
	switch {
	case len(oauthclient.Errors(err)) > 0:
	case oauthclient.Outage(err):
		p = oauthclient.Problem{Code: oauthclient.CodeTemporarilyUnavailable}
	case p.Status >= 500:
		p = oauthclient.Problem{Code: oauthclient.CodeServerError}
	}
	params := url.Values{"error": {string(p.Code)}}
	if p.Description != "" {
		params.Set("error_description", p.Description)
	}
	return a.redirect(params)
}

func (a *Authorization) redirect(params url.Values) string {
	if a.Request.State != "" {
		params.Set("state", a.Request.State)
	}
	params.Set("iss", a.issuer)
	sep := "?"
	if strings.Contains(a.RedirectURI, "?") {
		sep = "&"
	}
	return a.RedirectURI + sep + params.Encode()
}
