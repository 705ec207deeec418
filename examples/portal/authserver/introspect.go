package authserver

import (
	"context"
	"errors"
	"net/http"

	"github.com/portaloauth/portaloauth/oauthclient"
)

// handleRevoke is POST /oauth/revoke (RFC 7009). The client authenticates
// (a public client by its client_id); a token it does not own, or an
// unknown one, is answered 200 like a revoked one, and left alone.
func (s *Server) handleRevoke(w http.ResponseWriter, r *http.Request) {
	if err := s.revoke(w, r); err != nil {
		s.writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusOK)
}

func (s *Server) revoke(w http.ResponseWriter, r *http.Request) error {
	form, err := s.readForm(w, r)
	if err != nil {
		return err
	}
	client, err := s.authenticate(r)
	if err != nil {
		return err
	}
	token := form.Get("token")
	if token == "" {
		return oauthError(oauthclient.CodeInvalidRequest, "token", "is required")
	}
	err = oauthclient.RevokeToken(r.Context(), s.store, client.ID, token, oauthclient.TokenKind(form.Get("token_type_hint")))
	if errors.Is(err, oauthclient.ErrNotFound) {
		return nil
	}
	return err
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

// handleIntrospect is POST /oauth/introspect (RFC 7662). Only a
// confidential client may ask, and only about its own tokens: any other
// token, and a revoked, consumed, expired or unknown one, is
// {"active":false}.
func (s *Server) handleIntrospect(w http.ResponseWriter, r *http.Request) {
	serveJSON(s, w, r, s.introspect)
}

func (s *Server) introspect(w http.ResponseWriter, r *http.Request) (Introspection, error) {
	form, err := s.readForm(w, r)
	if err != nil {
		return Introspection{}, err
	}
	client, err := s.authenticate(r)
	if err != nil {
		return Introspection{}, err
	}
	if client.Public() {
		return Introspection{}, oauthError(oauthclient.CodeInvalidClient, "", "a public client cannot introspect tokens")
	}
	token := form.Get("token")
	if token == "" {
		return Introspection{}, oauthError(oauthclient.CodeInvalidRequest, "token", "is required")
	}
	return s.Introspect(r.Context(), client.ID, token)
}

// Introspect describes token as the client with ID clientID may see it:
// active with its details if the client owns it and it is an access or
// refresh token neither consumed nor expired, inactive otherwise. Errors
// are store failures only.
func (s *Server) Introspect(ctx context.Context, clientID, token string) (Introspection, error) {
	tok, err := s.store.GetToken(ctx, oauthclient.HashToken(token))
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
