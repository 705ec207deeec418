// Package authserver is the OAuth 2.0 authorization server of portaloauth
// as library code: the grants, introspection, revocation and the bearer
// check a gateway embeds, for the clients a [portal.Service] registers.
//
//	srv, err := authserver.New(authserver.Config{Portal: svc, Issuer: "https://auth.example.com"})
//	mux.Handle("POST /oauth/token", srv.TokenHandler())
//	mux.Handle("POST /oauth/revoke", srv.RevocationHandler())
//	mux.Handle("POST /oauth/introspect", srv.IntrospectionHandler())
//	mux.Handle("/api/payments/", srv.RequireToken(paymentsAPI, "payments"))
//
// # Configuration
//
// A [Server] is built from a *portal.Service ([Config].Portal): it works on
// the portal's store and takes its hasher (and pepper), redirect URI
// policy, clock and random source, so that registration and the token
// endpoint cannot disagree. [Config] adds the issuer, token lifetimes, the
// request body limit and a logger.
//
// # Decisions
//
// The protocol decisions take a typed request and return a typed response
// or an error, and do not depend on net/http:
//
//   - [Server.Token]: client_credentials (RFC 6749 §4.4); authorization_code
//     (§4.1.3) with PKCE (RFC 7636, S256 only; required for public
//     clients), one-time codes whose replay revokes their grant; refresh
//     (§6) with rotation and reuse detection (RFC 9700 §4.14.2).
//   - [Server.Authorize] checks an authorization request (client, exact
//     redirect URI match, response_type, PKCE, scope) and
//     [Server.IssueCode] issues the code once the user consented; the
//     login and consent pages are the embedding application's.
//   - [Server.Introspect]: RFC 7662, for confidential clients, about their
//     own tokens only.
//   - [Server.Revoke]: RFC 7009 with client authentication and ownership.
//   - [Server.CheckToken]: the gateway's check that an access token is live
//     and that its client's policy grants the API (RFC 6750).
//
// Tokens are opaque random strings; the store keeps only their hashes, the
// owning client, the client's policy, the scope and the expiry.
//
// # HTTP edge
//
// Parsing and writing are library code too, exact about what they accept:
// [ParseTokenRequest], [ParseRevocationRequest] and
// [ParseIntrospectionRequest] refuse another content type, a repeated
// parameter, a body over the limit, and client credentials both in the
// Authorization header and the body; [WriteTokenResponse],
// [WriteIntrospection] and [Server.WriteError] write the responses, errors
// as RFC 6749 §5.2 JSON with a WWW-Authenticate challenge for
// invalid_client and invalid_token. [Server.TokenHandler],
// [Server.RevocationHandler] and [Server.IntrospectionHandler] are the
// endpoints ready to mount; [Server.RequireToken] is the bearer middleware
// (RFC 6750 §2.1 and §3).
//
// # Errors
//
// Errors a client may see are *oauthclient.Error values with an OAuth error
// code; anything else (a store failure) is a 500 server_error (503 at the
// bearer check) whose detail goes to the log only. The status and code of
// an error are oauthclient.ProblemOf's, the module's one mapping.
//
// # Security headers
//
// The handlers set Content-Security-Policy default-src 'none',
// X-Content-Type-Options nosniff, X-Frame-Options DENY, Referrer-Policy
// no-referrer and Cache-Control no-store; [Server.SecurityHeaders] does the
// same for an application's own endpoints.
package authserver
