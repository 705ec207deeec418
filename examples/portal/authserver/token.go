package authserver

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/portaloauth/portaloauth/catalogue"
	"github.com/portaloauth/portaloauth/oauthclient"
)

// pkceS256 is the one PKCE code challenge method accepted (RFC 7636 §4.2);
// "plain" is refused (RFC 9700 §2.1.1).
const pkceS256 = "S256"

// tokenResponse is the successful token response of RFC 6749 §5.1.
type tokenResponse struct {
	AccessToken  string `json:"access_token"`
	TokenType    string `json:"token_type"`
	ExpiresIn    int64  `json:"expires_in"`
	RefreshToken string `json:"refresh_token,omitempty"`
	Scope        string `json:"scope,omitempty"`
}

// handleToken is POST /oauth/token.
func (s *Server) handleToken(w http.ResponseWriter, r *http.Request) {
	serveJSON(s, w, r, s.token)
}

// serveJSON answers with what f returns: its value as JSON with status
// 200, or its error.
func serveJSON[T any](s *Server, w http.ResponseWriter, r *http.Request, f func(http.ResponseWriter, *http.Request) (T, error)) {
	v, err := f(w, r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	w.Header()["Pragma"] = valueNoCache
	writeJSON(w, http.StatusOK, v)
}

func (s *Server) token(w http.ResponseWriter, r *http.Request) (*tokenResponse, error) {
	form, err := s.readForm(w, r)
	if err != nil {
		return nil, err
	}
	grantType := oauthclient.GrantType(form.Get("grant_type"))
	switch grantType {
	case oauthclient.GrantAuthorizationCode, oauthclient.GrantClientCredentials, oauthclient.GrantRefreshToken:
	case "":
		return nil, oauthError(oauthclient.CodeInvalidRequest, "grant_type", "is required")
	default:
		return nil, oauthError(oauthclient.CodeUnsupportedGrantType, "grant_type",
			"must be authorization_code, client_credentials or refresh_token")
	}
	client, err := s.authenticate(r)
	if err != nil {
		return nil, err
	}
	if !client.HasGrant(grantType) {
		return nil, oauthError(oauthclient.CodeUnauthorizedClient, "grant_type",
			"the client is not registered for the "+string(grantType)+" grant")
	}
	switch grantType {
	case oauthclient.GrantClientCredentials:
		return s.clientCredentials(r.Context(), client, form)
	case oauthclient.GrantAuthorizationCode:
		return s.authorizationCode(r.Context(), client, form)
	default:
		return s.refresh(r.Context(), client, form)
	}
}

// authenticate authenticates the client of a token, revocation or
// introspection request (RFC 6749 §2.3) by its registered method.
func (s *Server) authenticate(r *http.Request) (*oauthclient.Client, error) {
	creds, err := oauthclient.CredentialsFromRequest(r)
	if err != nil {
		return nil, err
	}
	return s.auth.Authenticate(r.Context(), creds)
}

// clientCredentials is the client_credentials grant (RFC 6749 §4.4): an
// access token without a refresh token, for confidential clients only.
func (s *Server) clientCredentials(ctx context.Context, client *oauthclient.Client, form url.Values) (*tokenResponse, error) {
	if client.Public() {
		return nil, oauthError(oauthclient.CodeUnauthorizedClient, "grant_type", "a public client cannot use client_credentials")
	}
	scope, err := s.grantScope(ctx, client, form.Get("scope"))
	if err != nil {
		return nil, err
	}
	grantID, err := s.randomID()
	if err != nil {
		return nil, err
	}
	return s.issue(ctx, client, issued{grantID: grantID, scope: scope})
}

// authorizationCode redeems an authorization code (RFC 6749 §4.1.3, RFC
// 7636 §4.6). Every check that can fail without consuming the code comes
// first, so that a wrong request leaves a code its client can still
// redeem; a code presented again revokes every token of its grant.
func (s *Server) authorizationCode(ctx context.Context, client *oauthclient.Client, form url.Values) (*tokenResponse, error) {
	code := form.Get("code")
	if code == "" {
		return nil, oauthError(oauthclient.CodeInvalidRequest, "code", "is required")
	}
	hash := oauthclient.HashToken(code)
	tok, err := s.oneTimeToken(ctx, client, hash, oauthclient.KindAuthorizationCode, "code")
	if err != nil {
		return nil, err
	}
	if err := s.checkCodeBinding(client, tok, form); err != nil {
		return nil, err
	}
	if _, err := s.clientPolicy(ctx, client); err != nil {
		return nil, err
	}
	if err := s.consume(ctx, hash, "code"); err != nil {
		return nil, err
	}
	return s.issue(ctx, client, issued{
		grantID: tok.GrantID, subject: tok.Subject, scope: tok.Scope, refreshScope: tok.Scope,
		refresh: client.HasGrant(oauthclient.GrantRefreshToken),
	})
}

// checkCodeBinding checks the redirect_uri and the PKCE code_verifier of
// a token request against what the code remembers.
func (s *Server) checkCodeBinding(client *oauthclient.Client, tok *oauthclient.Token, form url.Values) error {
	details := tok.Code
	if details == nil {
		details = &oauthclient.CodeDetails{}
	}
	redirect := form.Get("redirect_uri")
	switch {
	case details.RedirectURI != "" && redirect != details.RedirectURI:
		return oauthError(oauthclient.CodeInvalidGrant, "redirect_uri", "must be the redirect_uri of the authorization request")
	case details.RedirectURI == "" && redirect != "" && !slices.Equal(client.RedirectURIs, []string{redirect}):
		return oauthError(oauthclient.CodeInvalidGrant, "redirect_uri", "was not part of the authorization request")
	}
	verifier := form.Get("code_verifier")
	switch {
	case details.CodeChallenge == "" && verifier != "":
		return oauthError(oauthclient.CodeInvalidGrant, "code_verifier", "the authorization request had no code_challenge")
	case details.CodeChallenge == "":
		return nil
	case verifier == "":
		return oauthError(oauthclient.CodeInvalidGrant, "code_verifier", "is required: the authorization request had a code_challenge")
	case !validVerifier(verifier):
		return oauthError(oauthclient.CodeInvalidRequest, "code_verifier", "must be 43 to 128 characters of A-Z a-z 0-9 - . _ ~")
	}
	sum := sha256.Sum256([]byte(verifier))
	want := base64.RawURLEncoding.EncodeToString(sum[:])
	if subtle.ConstantTimeCompare([]byte(want), []byte(details.CodeChallenge)) != 1 {
		return oauthError(oauthclient.CodeInvalidGrant, "code_verifier", "does not match the code_challenge")
	}
	return nil
}

// validVerifier reports whether v is a PKCE code verifier or code
// challenge: 43 to 128 unreserved characters (RFC 7636 §4.1).
func validVerifier(v string) bool {
	if len(v) < 43 || len(v) > 128 {
		return false
	}
	for i := range len(v) {
		c := v[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case c == '-', c == '.', c == '_', c == '~':
		default:
			return false
		}
	}
	return true
}

// refresh is the refresh_token grant (RFC 6749 §6) with rotation: the
// refresh token is consumed and a new one issued with the same scope; a
// consumed one presented again revokes its grant (RFC 9700 §4.14.2).
func (s *Server) refresh(ctx context.Context, client *oauthclient.Client, form url.Values) (*tokenResponse, error) {
	value := form.Get("refresh_token")
	if value == "" {
		return nil, oauthError(oauthclient.CodeInvalidRequest, "refresh_token", "is required")
	}
	hash := oauthclient.HashToken(value)
	tok, err := s.oneTimeToken(ctx, client, hash, oauthclient.KindRefreshToken, "refresh_token")
	if err != nil {
		return nil, err
	}
	scope := tok.Scope
	if requested := form.Get("scope"); requested != "" {
		req, err := parseScope(requested)
		if err != nil {
			return nil, err
		}
		have := strings.Fields(tok.Scope)
		for _, sc := range req {
			if !slices.Contains(have, sc) {
				return nil, oauthError(oauthclient.CodeInvalidScope, "scope", "exceeds the scope of the refresh token")
			}
		}
		scope = strings.Join(req, " ")
	}
	if _, err := s.clientPolicy(ctx, client); err != nil {
		return nil, err
	}
	if err := s.consume(ctx, hash, "refresh_token"); err != nil {
		return nil, err
	}
	return s.issue(ctx, client, issued{
		grantID: tok.GrantID, subject: tok.Subject, scope: scope, refreshScope: tok.Scope, refresh: true,
	})
}

// oneTimeToken looks up the code or refresh token with that hash for
// client. A token of another kind or client is as unknown as a missing
// one; one already used revokes its grant.
func (s *Server) oneTimeToken(ctx context.Context, client *oauthclient.Client, hash string,
	kind oauthclient.TokenKind, field string) (*oauthclient.Token, error) {
	invalid := oauthError(oauthclient.CodeInvalidGrant, field, "is invalid, expired or already used")
	tok, err := s.store.GetToken(ctx, hash)
	switch {
	case errors.Is(err, oauthclient.ErrNotFound):
		return nil, invalid
	case err != nil:
		return nil, err
	case tok.Kind != kind || tok.ClientID != client.ID:
		return nil, invalid
	case tok.Consumed:
		if err := s.revokeReplayed(ctx, tok, field); err != nil {
			return nil, err
		}
		return nil, invalid
	case !s.now().Before(tok.ExpiresAt):
		return nil, invalid
	}
	return tok, nil
}

// consume marks a one-time token used; if a concurrent request used it
// first, its grant is revoked.
func (s *Server) consume(ctx context.Context, hash, field string) error {
	tok, err := s.store.ConsumeToken(ctx, hash)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, oauthclient.ErrTokenConsumed) && tok != nil:
		if err := s.revokeReplayed(ctx, tok, field); err != nil {
			return err
		}
	case !errors.Is(err, oauthclient.ErrNotFound) && !errors.Is(err, oauthclient.ErrTokenConsumed):
		return err
	}
	return oauthError(oauthclient.CodeInvalidGrant, field, "is invalid, expired or already used")
}

// revokeReplayed revokes the grant of a one-time token presented twice
// (RFC 6749 §4.1.2, RFC 9700 §4.14.2).
func (s *Server) revokeReplayed(ctx context.Context, tok *oauthclient.Token, field string) error {
	n, err := s.store.RevokeGrant(ctx, tok.ClientID, tok.GrantID)
	if err != nil {
		return err
	}
	s.log.WarnContext(ctx, "authserver: one-time token used twice; grant revoked",
		"kind", field, "client_id", tok.ClientID, "grant_id", tok.GrantID, "tokens_revoked", n)
	return nil
}

// issued is what one token response grants.
type issued struct {
	grantID, subject string
	scope            string // of the access token
	refreshScope     string // of the refresh token, if any
	refresh          bool   // issue a refresh token too
}

// issue stores and returns an access token (and a refresh token if asked)
// carrying the client's policy.
func (s *Server) issue(ctx context.Context, client *oauthclient.Client, g issued) (*tokenResponse, error) {
	now := s.now()
	access, err := s.newToken(ctx, client, g, oauthclient.KindAccessToken, g.scope, now.Add(s.accessTTL), nil)
	if err != nil {
		return nil, err
	}
	resp := &tokenResponse{
		AccessToken: access.Reveal(), TokenType: "Bearer", ExpiresIn: int64(s.accessTTL.Seconds()), Scope: g.scope,
	}
	if g.refresh {
		rt, err := s.newToken(ctx, client, g, oauthclient.KindRefreshToken, g.refreshScope, now.Add(s.refreshTTL), nil)
		if err != nil {
			return nil, err
		}
		resp.RefreshToken = rt.Reveal()
	}
	return resp, nil
}

// newToken generates a token of the kind, stores its hash and returns its
// value.
func (s *Server) newToken(ctx context.Context, client *oauthclient.Client, g issued, kind oauthclient.TokenKind,
	scope string, expires time.Time, code *oauthclient.CodeDetails) (oauthclient.Plaintext, error) {
	value, hash, err := oauthclient.GenerateToken(s.rand, kind)
	if err != nil {
		return oauthclient.Plaintext{}, fmt.Errorf("authserver: generating a token: %w", err)
	}
	t := &oauthclient.Token{
		Hash: hash, Kind: kind, ClientID: client.ID, GrantID: g.grantID, Subject: g.subject,
		PolicyID: client.PolicyID, Scope: scope, IssuedAt: s.now(), ExpiresAt: expires, Code: code,
	}
	if err := s.store.CreateToken(ctx, t); err != nil {
		return oauthclient.Plaintext{}, err
	}
	return value, nil
}

// randomID returns 16 random bytes as base64url, for grant IDs.
func (s *Server) randomID() (string, error) {
	var b [16]byte
	if _, err := io.ReadFull(s.rand, b[:]); err != nil {
		return "", fmt.Errorf("authserver: random ID: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b[:]), nil
}

// clientPolicy returns the client's policy, or nil if it has none; a
// policy that is gone or inactive makes the client unauthorised.
func (s *Server) clientPolicy(ctx context.Context, client *oauthclient.Client) (*catalogue.Policy, error) {
	if client.PolicyID == "" {
		return nil, nil
	}
	p, err := s.store.GetPolicy(ctx, client.PolicyID)
	switch {
	case errors.Is(err, oauthclient.ErrNotFound):
		return nil, oauthError(oauthclient.CodeUnauthorizedClient, "", "the client's policy no longer exists")
	case err != nil:
		return nil, err
	case !p.Active:
		return nil, oauthError(oauthclient.CodeUnauthorizedClient, "", "the client's policy is not active")
	}
	return p, nil
}

// grantScope checks a requested scope against the client's registered
// scope and its policy's scopes (each, when empty, restricts nothing) and
// returns the scope to grant: the requested one, or when none is
// requested, the registered scope the policy allows (RFC 6749 §3.3).
func (s *Server) grantScope(ctx context.Context, client *oauthclient.Client, requested string) (string, error) {
	policy, err := s.clientPolicy(ctx, client)
	if err != nil {
		return "", err
	}
	registered := strings.Fields(client.Scope)
	allowed := func(sc string) bool {
		return (len(registered) == 0 || slices.Contains(registered, sc)) &&
			(policy == nil || len(policy.Scopes) == 0 || slices.Contains(policy.Scopes, sc))
	}
	if requested == "" {
		return strings.Join(slices.DeleteFunc(registered, func(sc string) bool { return !allowed(sc) }), " "), nil
	}
	req, err := parseScope(requested)
	if err != nil {
		return "", err
	}
	for _, sc := range req {
		if !allowed(sc) {
			return "", oauthError(oauthclient.CodeInvalidScope, "scope", "scope "+fieldName(sc)+" is not allowed for this client")
		}
	}
	return strings.Join(req, " "), nil
}

// parseScope splits a scope parameter (RFC 6749 §3.3) into its tokens,
// dropping repeats.
func parseScope(scope string) ([]string, error) {
	if len(scope) > 1024 {
		return nil, oauthError(oauthclient.CodeInvalidScope, "scope", "is longer than 1024 characters")
	}
	var out []string
	for sc := range strings.SplitSeq(scope, " ") {
		if sc == "" || strings.ContainsFunc(sc, func(r rune) bool { return r < 0x21 || r > 0x7e || r == '"' || r == '\\' }) {
			return nil, oauthError(oauthclient.CodeInvalidScope, "scope", "must be scope tokens separated by single spaces")
		}
		if !slices.Contains(out, sc) {
			out = append(out, sc)
		}
	}
	return out, nil
}
