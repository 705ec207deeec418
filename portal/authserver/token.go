package authserver

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/portaloauth/portaloauth/catalogue"
	"github.com/portaloauth/portaloauth/oauthclient"
)

// PKCEMethodS256 is the one PKCE code challenge method accepted (RFC 7636
// §4.2); "plain" is refused (RFC 9700 §2.1.1).
const PKCEMethodS256 = "S256"

// TokenRequest is a token request (RFC 6749 §3.2): the client's
// credentials and the parameters of its grant.
type TokenRequest struct {
	// Client is how the client authenticates; see
	// oauthclient.CredentialsFromRequest.
	Client    oauthclient.Credentials
	GrantType oauthclient.GrantType
	// Code, RedirectURI and CodeVerifier are the parameters of the
	// authorization_code grant (RFC 6749 §4.1.3, RFC 7636 §4.5).
	Code         string
	RedirectURI  string
	CodeVerifier string
	// RefreshToken is the parameter of the refresh_token grant (RFC 6749 §6).
	RefreshToken string
	// Scope is the requested scope of the client_credentials and
	// refresh_token grants; empty: the default.
	Scope string
}

// TokenResponse is the successful token response of RFC 6749 §5.1.
type TokenResponse struct {
	AccessToken  string `json:"access_token"`
	TokenType    string `json:"token_type"`
	ExpiresIn    int64  `json:"expires_in"`
	RefreshToken string `json:"refresh_token,omitempty"`
	Scope        string `json:"scope,omitempty"`
}

// checkGrantType refuses a missing or unsupported grant_type.
func checkGrantType(gt oauthclient.GrantType) error {
	switch gt {
	case oauthclient.GrantAuthorizationCode, oauthclient.GrantClientCredentials, oauthclient.GrantRefreshToken:
		return nil
	case "":
		return oauthError(oauthclient.CodeInvalidRequest, "grant_type", "is required")
	}
	return oauthError(oauthclient.CodeUnsupportedGrantType, "grant_type",
		"must be authorization_code, client_credentials or refresh_token")
}

// Token answers a token request: it authenticates the client and runs its
// grant.
//
//   - client_credentials (RFC 6749 §4.4): an access token without a
//     refresh token, for confidential clients only. It belongs to no
//     grant: no code or refresh token can be replayed to revoke it with
//     others, and revoking it revokes it alone.
//   - authorization_code (RFC 6749 §4.1.3): the code is redeemed once; its
//     redirect_uri and PKCE code_verifier (S256) must match the
//     authorization request. A code presented again revokes every token of
//     its grant.
//   - refresh_token (RFC 6749 §6): rotation; the refresh token is consumed
//     and a new one issued. A consumed one presented again revokes its
//     grant (RFC 9700 §4.14.2).
//
// Every token carries the client's policy; a client whose policy is gone
// or inactive is unauthorized_client. Errors are *oauthclient.Error values
// (invalid_request, invalid_client, invalid_grant, unauthorized_client,
// unsupported_grant_type, invalid_scope) or store failures, which are not.
func (s *Server) Token(ctx context.Context, req TokenRequest) (*TokenResponse, error) {
	if err := checkGrantType(req.GrantType); err != nil {
		return nil, err
	}
	client, err := s.authenticate(ctx, req.Client)
	if err != nil {
		return nil, err
	}
	if !client.HasGrant(req.GrantType) {
		return nil, oauthError(oauthclient.CodeUnauthorizedClient, "grant_type",
			"the client is not registered for the "+string(req.GrantType)+" grant")
	}
	switch req.GrantType {
	case oauthclient.GrantClientCredentials:
		return s.clientCredentials(ctx, client, req)
	case oauthclient.GrantAuthorizationCode:
		return s.authorizationCode(ctx, client, req)
	default:
		return s.refresh(ctx, client, req)
	}
}

func (s *Server) clientCredentials(ctx context.Context, client *oauthclient.Client, req TokenRequest) (*TokenResponse, error) {
	if client.Public() {
		return nil, oauthError(oauthclient.CodeUnauthorizedClient, "grant_type", "a public client cannot use client_credentials")
	}
	scope, err := s.grantScope(ctx, client, req.Scope)
	if err != nil {
		return nil, err
	}
	return s.issue(ctx, client, issued{scope: scope})
}

// authorizationCode redeems an authorization code (RFC 6749 §4.1.3, RFC
// 7636 §4.6). Every check that can fail without consuming the code comes
// first, so that a wrong request leaves a code its client can still
// redeem; a code presented again revokes every token of its grant.
func (s *Server) authorizationCode(ctx context.Context, client *oauthclient.Client, req TokenRequest) (*TokenResponse, error) {
	if req.Code == "" {
		return nil, oauthError(oauthclient.CodeInvalidRequest, "code", "is required")
	}
	hash := oauthclient.HashToken(req.Code)
	tok, err := s.oneTimeToken(ctx, client, hash, oauthclient.KindAuthorizationCode, "code")
	if err != nil {
		return nil, err
	}
	if err := checkCodeBinding(client, tok, req); err != nil {
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
func checkCodeBinding(client *oauthclient.Client, tok *oauthclient.Token, req TokenRequest) error {
	details := tok.Code
	if details == nil {
		details = &oauthclient.CodeDetails{}
	}
	redirect := req.RedirectURI
	switch {
	case details.RedirectURI != "" && redirect != details.RedirectURI:
		return oauthError(oauthclient.CodeInvalidGrant, "redirect_uri", "must be the redirect_uri of the authorization request")
	case details.RedirectURI == "" && redirect != "" && !slices.Equal(client.RedirectURIs, []string{redirect}):
		return oauthError(oauthclient.CodeInvalidGrant, "redirect_uri", "was not part of the authorization request")
	}
	verifier := req.CodeVerifier
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

// validVerifier reports whether v is a PKCE code verifier: 43 to 128
// unreserved characters (RFC 7636 §4.1).
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
func (s *Server) refresh(ctx context.Context, client *oauthclient.Client, req TokenRequest) (*TokenResponse, error) {
	if req.RefreshToken == "" {
		return nil, oauthError(oauthclient.CodeInvalidRequest, "refresh_token", "is required")
	}
	hash := oauthclient.HashToken(req.RefreshToken)
	tok, err := s.oneTimeToken(ctx, client, hash, oauthclient.KindRefreshToken, "refresh_token")
	if err != nil {
		return nil, err
	}
	scope := tok.Scope
	if req.Scope != "" {
		requested, err := parseScope(req.Scope)
		if err != nil {
			return nil, err
		}
		have := strings.Fields(tok.Scope)
		for _, sc := range requested {
			if !slices.Contains(have, sc) {
				return nil, oauthError(oauthclient.CodeInvalidScope, "scope", "exceeds the scope of the refresh token")
			}
		}
		scope = strings.Join(requested, " ")
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
	tok, err := s.clients.GetToken(ctx, hash)
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
	tok, err := s.clients.ConsumeToken(ctx, hash)
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
	n, err := s.clients.RevokeGrant(ctx, tok.ClientID, tok.GrantID)
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

// tokenResponses hold the responses [Server.Token] returns: TokenHandler
// gives each back once written; one returned to a caller of Token is
// simply the caller's.
var tokenResponses = sync.Pool{New: func() any { return new(TokenResponse) }}

// issue stores and returns an access token (and a refresh token if asked)
// carrying the client's policy.
func (s *Server) issue(ctx context.Context, client *oauthclient.Client, g issued) (*TokenResponse, error) {
	now := s.now()
	access, err := s.newToken(ctx, client, g, oauthclient.KindAccessToken, g.scope, now, s.accessTTL, nil)
	if err != nil {
		return nil, err
	}
	resp := tokenResponses.Get().(*TokenResponse)
	*resp = TokenResponse{
		AccessToken: access.Reveal(), TokenType: "Bearer", ExpiresIn: int64(s.accessTTL.Seconds()), Scope: g.scope,
	}
	if g.refresh {
		rt, err := s.newToken(ctx, client, g, oauthclient.KindRefreshToken, g.refreshScope, now, s.refreshTTL, nil)
		if err != nil {
			return nil, err
		}
		resp.RefreshToken = rt.Reveal()
	}
	return resp, nil
}

// newToken generates a token of the kind, issued at now and valid for
// ttl, stores its hash and returns its value.
func (s *Server) newToken(ctx context.Context, client *oauthclient.Client, g issued, kind oauthclient.TokenKind,
	scope string, now time.Time, ttl time.Duration, code *oauthclient.CodeDetails) (oauthclient.Plaintext, error) {
	value, hash, err := oauthclient.GenerateToken(s.rand, kind)
	if err != nil {
		return oauthclient.Plaintext{}, fmt.Errorf("authserver: generating a token: %w", err)
	}
	t := &oauthclient.Token{
		Hash: hash, Kind: kind, ClientID: client.ID, GrantID: g.grantID, Subject: g.subject,
		PolicyID: client.PolicyID, Scope: scope, IssuedAt: now, ExpiresAt: now.Add(ttl), Code: code,
	}
	if err := s.clients.CreateToken(ctx, t); err != nil {
		return oauthclient.Plaintext{}, err
	}
	return value, nil
}

// clientPolicy returns the client's policy, or nil if it has none; a
// policy that is gone or inactive makes the client unauthorised.
func (s *Server) clientPolicy(ctx context.Context, client *oauthclient.Client) (*catalogue.Policy, error) {
	if client.PolicyID == "" {
		return nil, nil
	}
	p, err := s.catalogue.GetPolicy(ctx, client.PolicyID)
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
// scope (when empty, it restricts nothing) and its policy's scopes, and
// returns the scope to grant: the requested one, or when none is
// requested, the registered scope the policy allows (RFC 6749 §3.3). A
// policy grants only the scopes it lists (catalogue.Policy.UngrantedScope):
// one without scopes, like a client without a policy, grants none.
func (s *Server) grantScope(ctx context.Context, client *oauthclient.Client, requested string) (string, error) {
	policy, err := s.clientPolicy(ctx, client)
	if err != nil {
		return "", err
	}
	return scopeFor(client, policy, requested)
}

// scopeFor is the scope granted to client under policy (nil: none) for
// the requested scope parameter ("": every scope the client registered
// that the policy allows), or invalid_scope. A requested scope naming each
// scope once comes back as it was sent, without allocating.
func scopeFor(client *oauthclient.Client, policy *catalogue.Policy, requested string) (string, error) {
	anyScope := strings.TrimSpace(client.Scope) == ""
	allowed := func(sc string) bool {
		return (anyScope || hasScope(client.Scope, sc)) && policy.UngrantedScope(sc) == ""
	}
	if requested == "" {
		registered := strings.Fields(client.Scope)
		return strings.Join(slices.DeleteFunc(registered, func(sc string) bool { return !allowed(sc) }), " "), nil
	}
	if err := checkScope(requested); err != nil {
		return "", err
	}
	normal := true // requested names each scope once
	for i := 0; ; {
		sc, rest, more := strings.Cut(requested[i:], " ")
		if !allowed(sc) {
			return "", oauthError(oauthclient.CodeInvalidScope, "scope", "scope "+FieldName(sc)+" is not allowed for this client")
		}
		if normal && hasScope(requested[:i], sc) {
			normal = false
		}
		if !more {
			break
		}
		i = len(requested) - len(rest)
	}
	if normal {
		return requested, nil
	}
	req, _ := parseScope(requested)
	return strings.Join(req, " "), nil
}

// hasScope reports whether the space-separated list names sc.
func hasScope(list, sc string) bool {
	for s := range strings.FieldsSeq(list) {
		if s == sc {
			return true
		}
	}
	return false
}

// checkScope refuses a scope parameter that is not scope tokens separated
// by single spaces (RFC 6749 §3.3) of at most 1024 characters, as
// parseScope does.
func checkScope(scope string) error {
	if len(scope) > 1024 {
		return oauthError(oauthclient.CodeInvalidScope, "scope", "is longer than 1024 characters")
	}
	for sc := range strings.SplitSeq(scope, " ") {
		if sc == "" || strings.ContainsFunc(sc, func(r rune) bool { return r < 0x21 || r > 0x7e || r == '"' || r == '\\' }) {
			return oauthError(oauthclient.CodeInvalidScope, "scope", "must be scope tokens separated by single spaces")
		}
	}
	return nil
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
