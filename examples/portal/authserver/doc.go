// Package authserver is an OAuth 2.0 authorization server built on the
// portaloauth SDK with net/http alone: the endpoints a developer portal
// exposes next to its web pages, over a portal.Store and a portal.Service.
//
// # Endpoints
//
// [Server.Register] adds these patterns to an http.ServeMux:
//
//   - GET /.well-known/oauth-authorization-server: RFC 8414 metadata.
//   - GET /oauth/authorize and POST /oauth/authorize: the authorization code
//     grant (RFC 6749 §4.1) with PKCE (RFC 7636, S256 only; required for
//     public clients), a consent page for the logged-in user whose form is
//     protected by a token bound to that user and to the request.
//   - POST /oauth/token: the authorization_code, client_credentials and
//     refresh_token grants; one-time codes (a replayed code revokes its
//     grant) and rotating refresh tokens (a reused one revokes its grant).
//   - POST /oauth/revoke: RFC 7009 token revocation.
//   - POST /oauth/introspect: RFC 7662 token introspection.
//   - POST /oauth/register: RFC 7591 dynamic client registration, authorised
//     by an initial access token ([Server.NewInitialAccessToken]).
//   - GET, PUT and DELETE /oauth/register/{client_id}: RFC 7592 client
//     configuration with the registration access token.
//
// Tokens are opaque random strings; the store keeps only their hashes, the
// owning client, the client's policy, the scope and the expiry.
//
// # Errors
//
// Token, revocation, introspection and registration errors are JSON bodies
// per RFC 6749 §5.2 ({"error": ..., "error_description": ...}); one function
// chooses the HTTP status of each error. Authorization errors go back to the
// client's redirect URI (RFC 6749 §4.1.2.1), except when the client or the
// redirect URI cannot be trusted: then the user sees an error page and is
// never redirected. Malformed input of any kind is a 4xx; a store failure is
// a 500 whose body says nothing more and whose detail goes to the log.
//
// # Security headers
//
// Every response carries Content-Security-Policy (default-src 'none' for
// JSON; frame-ancestors 'none' everywhere), X-Content-Type-Options nosniff,
// X-Frame-Options DENY and Referrer-Policy no-referrer; every endpoint but
// the metadata answers Cache-Control no-store. Request bodies are limited to
// Config.MaxBodyBytes.
package authserver
