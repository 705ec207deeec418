// Package registration is OAuth 2.0 dynamic client registration (RFC 7591)
// and client registration management (RFC 7592) over a [portal.Service]:
// a client registers itself with an initial access token, and reads,
// updates or deletes its registration with the registration access token
// it got. The clients it registers are ordinary portal clients, owned by
// the developer the initial access token names, so the portal's rules
// (catalogue eligibility, policies, client limits, metadata validation,
// approval) apply to them as to clients created in the portal's pages.
//
// # Setting up
//
// [New] builds a [Registrar] from a *portal.Service and a [Config] whose
// Issuer is required. The Registrar takes the store, the hasher, the
// clock and the random source from the portal, so a setting made there
// applies here too.
//
// Initial access tokens say who may register and what for
// ([InitialAccess]: the owning developer, the catalogue entries, the
// policy). [Registrar.NewInitialAccessToken] generates one;
// [Registrar.AddInitialAccessToken] adds one an operator chose. Only their
// hashes are kept, in memory.
//
// # Decisions
//
// The protocol decisions take typed requests and do no HTTP:
//
//   - [ParseRequest] reads a JSON body into a [Request]: one JSON object,
//     each member once, the RFC 7591 members with their JSON types; the
//     server-managed members (client_id, client_secret, ...) are kept
//     apart from the metadata.
//   - [Registrar.Register] registers a client (RFC 7591 §3.1).
//   - [Registrar.Read], [Registrar.Update] and [Registrar.Delete] manage
//     it (RFC 7592 §2), each checking the registration access token in
//     constant time; an unknown client costs what a wrong token does and
//     is answered alike.
//
// A success is an [Information], the client information response (RFC
// 7591 §3.2.1) whose [Information.JSON] shows the secret in clear right
// after a registration, and never again.
//
// Where the RFCs leave a choice, the safer one is taken:
//
//   - Every client information response carries registration_client_uri
//     and a registration_access_token (RFC 7592 §3). Only the token's
//     hash is stored, so Read and Update issue a new one, which replaces
//     the one presented (RFC 7592 §2.1 allows the rotation): a leaked
//     token stops working at its owner's next call.
//   - A client an administrator disabled cannot read, update (and so
//     change or re-enable) or delete itself: its registration access token
//     is answered invalid_token until the administrator enables it.
//   - A request without credentials gets a Bearer challenge without an
//     error code (RFC 6750 §3.1); a wrong or malformed one invalid_token.
//   - An update that changes the redirect URIs of a client of an API whose
//     catalogue entry requires approval sends it back for approval
//     (portal.Service.UpdateClient decides), its tokens revoked: an
//     approval covers the redirect URIs it saw.
//
// # Errors
//
// Every refusal is an *oauthclient.Error: invalid_token for a missing,
// unknown or foreign initial or registration access token;
// invalid_client_metadata and invalid_redirect_uri (joined, one per
// problem) for metadata; invalid_request for a body or update member that
// is not acceptable; access_denied when the portal no longer allows the
// registration (inactive developer, entry not eligible, policy not
// offered, client limit). Any other error is a failure of the server (the
// store) and is returned as it is.
//
// # HTTP
//
// [Registrar.RegistrationHandler] (POST) and
// [Registrar.ConfigurationHandler] (GET, PUT, DELETE, with the client ID
// as the pattern's {client_id}) are ready http.Handlers; [Registrar.Handler]
// mounts both under Config.Path. They read the Bearer token (RFC 6750
// §2.1) and, before the body, check it; a body must be application/json of
// at most Config.MaxBodyBytes. Responses are JSON with Cache-Control
// no-store; errors are RFC 7591 §3.2.2 JSON bodies with the status the
// error calls for (401 with a Bearer challenge for invalid_token, 403,
// 400, 413 for a body too large, 405 with Allow), and a server failure is
// a 500 that says nothing more while its detail goes to Config.Logger.
// Security headers for the whole server (Content-Security-Policy, ...) are
// the mounting server's.
package registration
