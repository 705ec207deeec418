package authserver

import (
	"context"
	"errors"

	"github.com/portaloauth/portaloauth/oauthclient"
)

// RevocationRequest is a revocation request (RFC 7009 §2.1).
type RevocationRequest struct {
	// Client is how the client authenticates; a public client by its
	// client_id alone.
	Client        oauthclient.Credentials
	Token         string
	TokenTypeHint oauthclient.TokenKind
}

// Revoke answers a revocation request with the semantics of
// oauthclient.RevokeToken: a token the client does not own, or an unknown
// one, is left alone and no error, like a revoked one; revoking a refresh
// token revokes its grant. Errors are *oauthclient.Error values
// (invalid_client, invalid_request for a missing token) or store failures.
func (s *Server) Revoke(ctx context.Context, req RevocationRequest) error {
	client, err := s.authenticate(ctx, req.Client)
	if err != nil {
		return err
	}
	if req.Token == "" {
		return oauthError(oauthclient.CodeInvalidRequest, "token", "is required")
	}
	err = oauthclient.RevokeToken(ctx, s.clients, client.ID, req.Token, req.TokenTypeHint)
	if errors.Is(err, oauthclient.ErrNotFound) {
		return nil
	}
	return err
}
