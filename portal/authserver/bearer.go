package authserver

import (
	"context"
	"errors"
	"fmt"

	"github.com/portaloauth/portaloauth/oauthclient"
)

// Errors of CheckToken. They are *oauthclient.Error values, so errors.Is
// finds oauthclient.ErrInvalidToken or oauthclient.ErrInsufficientScope
// too.
var (
	errInvalidToken = oauthclient.NewError(oauthclient.CodeInvalidToken, "", "the access token is not valid")
	errNotGranted   = oauthclient.NewError(oauthclient.CodeInsufficientScope, "", "the token's policy does not grant this API")
	errPolicyOff    = oauthclient.NewError(oauthclient.CodeInsufficientScope, "", "the token's policy is not active")
)

// CheckToken is the gateway's bearer check: it returns the stored access
// token with that value if it may call the API with catalogue ID apiID:
// an access token (not a refresh token or code), neither expired nor
// consumed nor revoked, whose client's policy exists, is active and grants
// the API. Each call reads the store, so a revocation anywhere takes
// effect on the next request.
//
// It returns an *oauthclient.Error with CodeInvalidToken for a token that
// is unknown, expired, revoked, consumed or not an access token, and with
// CodeInsufficientScope when the policy is missing, inactive or does not
// grant the API; any other error is a store failure, wrapped.
func (s *Server) CheckToken(ctx context.Context, token, apiID string) (*oauthclient.Token, error) {
	tok, err := s.clients.GetToken(ctx, oauthclient.HashToken(token))
	switch {
	case errors.Is(err, oauthclient.ErrNotFound):
		return nil, errInvalidToken
	case err != nil:
		return nil, fmt.Errorf("authserver: checking a token: %w", err)
	case tok.Kind != oauthclient.KindAccessToken || !tok.ActiveAt(s.now()):
		return nil, errInvalidToken
	case tok.PolicyID == "":
		return nil, errNotGranted
	}
	policy, err := s.catalogue.GetPolicy(ctx, tok.PolicyID)
	switch {
	case errors.Is(err, oauthclient.ErrNotFound):
		return nil, errNotGranted
	case err != nil:
		return nil, fmt.Errorf("authserver: checking a token's policy: %w", err)
	case !policy.Active:
		return nil, errPolicyOff
	case !policy.Grants(apiID):
		return nil, errNotGranted
	}
	return tok, nil
}
