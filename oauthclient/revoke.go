package oauthclient

import (
	"context"
	"errors"
	"fmt"
)

// RevokeToken revokes a token on behalf of the authenticated client
// clientID, with the semantics of RFC 7009 §2.1 over s:
//
//   - The value is hashed ([HashToken]) and looked up. A token that is
//     unknown, already revoked, or expired and purged is no error: the
//     purpose of the request, that the token is not usable, is met.
//   - A token issued to another client is left active and RevokeToken
//     returns nil, so that a client learns nothing about tokens it does not
//     own (RFC 7009 §2.1 lets the server refuse such a request; answering it
//     like one for an unknown token avoids an existence oracle).
//   - Revoking a refresh token or an authorization code revokes the whole
//     grant ([TokenStore.RevokeGrant]): the access tokens issued from the same
//     authorization go with it. Revoking an access token deletes only that
//     token.
//
// hint is the request's token_type_hint. It may only change the order of
// look-ups; tokens of every kind sit in one index keyed by hash, so there is
// a single look-up and hint changes nothing. An unknown hint is ignored, not
// an error (an RFC 7009 server may answer unsupported_token_type, but need
// not).
//
// It returns an *Error with Code invalid_request (Field "token") for an empty
// value and invalid_client (Field "client_id") for an empty clientID;
// authenticating the client is the caller's job. A store failure other than
// ErrNotFound is returned wrapped, so errors.Is finds it (ctx.Err() among
// them). The token value never appears in an error.
func RevokeToken(ctx context.Context, s TokenStore, clientID, value string, hint TokenKind) error {
	_ = hint // one look-up by hash serves every kind
	switch {
	case value == "":
		return &Error{Code: CodeInvalidRequest, Field: "token", Reason: "is required"}
	case clientID == "":
		return &Error{Code: CodeInvalidClient, Field: "client_id", Reason: "the revoking client must be authenticated"}
	case s == nil:
		return errors.New("oauthclient: RevokeToken: nil TokenStore")
	}
	hash := HashToken(value)
	t, err := s.GetToken(ctx, hash)
	switch {
	case errors.Is(err, ErrNotFound):
		return nil
	case err != nil:
		return fmt.Errorf("oauthclient: revoking a token: %w", err)
	case t == nil || t.ClientID != clientID:
		return nil
	}
	if (t.Kind == KindRefreshToken || t.Kind == KindAuthorizationCode) && t.GrantID != "" {
		if _, err := s.RevokeGrant(ctx, t.ClientID, t.GrantID); err != nil {
			return fmt.Errorf("oauthclient: revoking a token's grant: %w", err)
		}
		return nil
	}
	if err := s.DeleteToken(ctx, hash); err != nil && !errors.Is(err, ErrNotFound) {
		return fmt.Errorf("oauthclient: revoking a token: %w", err)
	}
	return nil
}
