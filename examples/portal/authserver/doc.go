// Package authserver is the developer portal's OAuth 2.0 authorization
// server: a thin net/http adapter over the library package
// portal/authserver, which makes every protocol decision, parses the
// requests and writes the responses. This package adds what is the
// portal's own: the consent page, RFC 7591/7592 registration with initial
// access tokens, RFC 8414 metadata, and the routes.
//
// [Server.Register] adds these patterns to an http.ServeMux:
//
//   - GET /.well-known/oauth-authorization-server: RFC 8414 metadata.
//   - GET and POST /oauth/authorize: the authorization code grant with
//     PKCE; a consent page for the logged-in user whose form is protected
//     by a token bound to that user and to the request. Requests whose
//     client or redirect URI cannot be trusted get an error page and are
//     never redirected.
//   - POST /oauth/token, /oauth/revoke, /oauth/introspect: the library's
//     handlers.
//   - POST /oauth/register: RFC 7591 dynamic client registration, authorised
//     by an initial access token ([Server.NewInitialAccessToken]).
//   - GET, PUT and DELETE /oauth/register/{client_id}: RFC 7592 client
//     configuration with the registration access token.
//
// Every other method on these paths is answered 405 with an Allow header.
// Errors are JSON per RFC 6749 §5.2 with the library's status mapping;
// every response carries the library's security headers.
package authserver
