package authserver

import (
	"context"
	"errors"

	"github.com/portaloauth/portaloauth/oauthclient"
)

// IntrospectionRequest is an introspection request (RFC 7662 §2.1).
type IntrospectionRequest struct {
	// Client is how the asking client authenticates; only a confidential
	// client may introspect.
	Client        oauthclient.Credentials
	Token         string
	TokenTypeHint oauthclient.TokenKind // ignored: one look-up serves every kind
}

// Introspection is the introspection response of RFC 7662 §2.2.
type Introspection struct {
	Active    bool   `json:"active"`
	ClientID  string `json:"client_id,omitempty"`
	Scope     string `json:"scope,omitempty"`
	TokenType string `json:"token_type,omitempty"` // "Bearer" for an access token, "refresh_token" for a refresh token
	ExpiresAt int64  `json:"exp,omitempty"`
	IssuedAt  int64  `json:"iat,omitempty"`
	Subject   string `json:"sub,omitempty"`
	Issuer    string `json:"iss,omitempty"`
}

// Introspect answers an introspection request. Only a confidential client
// may ask, and only about its own tokens: any other token, and a revoked,
// consumed, expired or unknown one, is inactive. Errors are
// *oauthclient.Error values (invalid_client, also for a public client;
// invalid_request for a missing token) or store failures.
func (s *Server) Introspect(ctx context.Context, req IntrospectionRequest) (Introspection, error) {
	client, err := s.authenticate(ctx, req.Client)
	if err != nil {
		return Introspection{}, err
	}
	if client.Public() {
		return Introspection{}, oauthError(oauthclient.CodeInvalidClient, "", "a public client cannot introspect tokens")
	}
	if req.Token == "" {
		return Introspection{}, oauthError(oauthclient.CodeInvalidRequest, "token", "is required")
	}
	return s.IntrospectToken(ctx, client.ID, req.Token)
}

// IntrospectToken describes token as the client with ID clientID may see
// it, the client being authenticated already: active with its details if
// the client owns it and it is an access or refresh token neither consumed
// nor expired, inactive otherwise. Errors are store failures only.
func (s *Server) IntrospectToken(ctx context.Context, clientID, token string) (Introspection, error) {
	tok, err := s.clients.GetToken(ctx, oauthclient.HashToken(token))
	switch {
	case errors.Is(err, oauthclient.ErrNotFound):
		return Introspection{}, nil
	case err != nil:
		return Introspection{}, err
	case tok.ClientID != clientID || !tok.ActiveAt(s.now()):
		return Introspection{}, nil
	}
	out := Introspection{
		Active: true, ClientID: tok.ClientID, Scope: tok.Scope, Subject: tok.Subject, Issuer: s.issuer,
		ExpiresAt: tok.ExpiresAt.Unix(), IssuedAt: tok.IssuedAt.Unix(),
	}
	switch tok.Kind {
	case oauthclient.KindAccessToken:
		out.TokenType = "Bearer"
	case oauthclient.KindRefreshToken:
		out.TokenType = string(oauthclient.KindRefreshToken)
	default:
		return Introspection{}, nil
	}
	return out, nil
}
