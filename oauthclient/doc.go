// Package oauthclient is the core of portaloauth: OAuth 2.0 clients and
// their metadata, redirect URI rules, client secrets, client
// authentication, tokens and their revocation, the error taxonomy, and the
// contracts of the stores that keep clients and tokens.
//
// It is pure domain. It does no I/O of its own except through the
// interfaces it is given and the io.Reader it is handed for randomness,
// keeps no state, and takes the current time from a clock function where it
// needs one. Its net/http code is the edge every server built on it shares:
// [CredentialsFromRequest] reads client credentials, and [HTTPStatus] and
// [ErrorWriter] answer errors; the decisions themselves never see an
// *http.Request.
//
// # Clients and metadata
//
// A [Client] is a registered OAuth client: its RFC 7591 [Metadata]
// (redirect URIs, token endpoint authentication method, grant and response
// types, display names and links, scope, contacts, software ID and version,
// and any extension members in Metadata.Extra), the portal binding (the
// owning developer, the catalogue APIs, the policy), a [Status], its
// [Secret] values (hashes only) and a Version for optimistic concurrency.
// Client IDs are random UUIDs ([NewClientID]).
//
// The portal binding (DeveloperID, APIIDs, PolicyID, Description) and the
// RFC 7592 RegistrationTokenHash sit on Client rather than on a portal
// record beside it because a store keeps and changes a client in one
// atomic step: creating it checks its developer, an UpdateClient that
// changes its policy revokes its tokens, deactivating its developer
// disables it, and every change is guarded by the one Version. Split over
// two records, each of those would need a transaction across them in every
// store, and a reader could see one half updated. Code that needs only
// OAuth (client authentication, redirect matching, the token endpoint)
// ignores the binding, which is empty for a client no portal manages.
//
// No rendering of a Client shows a hash: [Client.Format] serves every fmt
// verb and log/slog's text handler, replacing the registration token hash
// by [REDACTED], and [Secret] renders as its ID and hint; the JSON form
// ([Client.MarshalJSON]) leaves both hashes out.
//
// Metadata encodes to and decodes from the JSON of an RFC 7591 registration
// request ([Metadata.MarshalJSON], [Metadata.UnmarshalJSON]). Decoding is
// strict about types and refuses a member named twice; members it does not
// know, language-tagged ones ("client_name#fr") included, are kept in Extra
// and written back, and never override a known field.
//
// [ValidateMetadata] checks metadata before it is stored and returns a
// normalised copy: token_endpoint_auth_method defaults to
// client_secret_basic, grant_types to [authorization_code] and
// response_types to [code], one list being derived from the other when only
// one is given (RFC 7591 §2.1). The implicit and password grants and the
// token response type are refused, as OAuth 2.1 and RFC 9700 require;
// redirect URIs are required only when a grant redirects (authorization
// code), not for client_credentials; a public client (auth method none)
// cannot use client_credentials. Counts and lengths are bounded and display
// strings may hold no control characters. Every problem found is reported,
// each naming its member ("grant_types[1]"), so that a form can show them
// all at once.
//
// A public client must use PKCE (RFC 7636) with the S256 method. Metadata
// has nothing to say about it: the authorization endpoint enforces it on
// every request of a public client, and the token endpoint checks the
// code_verifier against the challenge the code remembers ([CodeDetails]).
//
// # Redirect URIs
//
// [ValidateRedirectURI] checks a redirect URI at registration: absolute,
// no fragment, no user information, no wildcard; https for any host, http
// only for loopback hosts, private-use schemes for native apps (RFC 8252
// §7.1); javascript, data, file and their kind refused; ASCII hosts only.
// [MatchRedirectURI] matches the redirect_uri of an authorization request by
// exact string comparison (RFC 9700 §4.1.3), with the single RFC 8252 §7.3
// exception of any port on an http loopback IP literal. A failed match is
// an error that errors.Is recognises as [ErrRedirectMismatch]; such a
// request must never be redirected. A [RedirectPolicy] holds non-default
// choices, and ValidateMetadata takes one in its [MetadataOptions]. Every
// rule that allows plain http for a loopback host (redirect URIs,
// client_uri and the other web page URIs) and the any-port rule agree on
// what a loopback host is: 127.0.0.0/8 in dotted decimal, [::1] as
// written, or localhost; other spellings of those addresses, such as
// [::ffff:127.0.0.1], are refused.
//
// # Secrets and hashing
//
// [GenerateSecret] returns 256 random bits in base64url with the prefix
// "poa_cs_", which secret scanners can recognise. A secret in the clear is a
// [Plaintext]: it prints, logs and encodes to JSON as "[REDACTED]", and only
// [Plaintext.Reveal] returns it, for the one response that shows it and for
// hashing. [Hasher.NewSecret] generates a secret and returns its stored
// form, a [Secret] with an ID, a creation time, an optional expiry and a
// short display hint ([SecretHint]) that is never enough to guess it.
//
// A [Hasher] stores secrets as self-describing PHC-style strings, so the
// algorithm can change without a migration: a fast SHA-256 (or HMAC-SHA-256
// with a server pepper) for generated high-entropy secrets
// ([Hasher.Hash]), argon2id for secrets a person chose ([Hasher.HashSlow]),
// and verification only for migrated bcrypt and PBKDF2-SHA256 hashes.
// [Hasher.Verify] compares in constant time and reports when a hash should
// be replaced. A client may hold several secrets at once, so that a rotated
// secret keeps working for a grace period.
//
// # Client authentication
//
// [CredentialsFromRequest] reads the [Credentials] of a token, revocation
// or introspection request: client_secret_basic (with the RFC 6749 §2.3.1
// form-urlencoding of ID and secret), client_secret_post, or a client_id
// alone for a public client; two methods at once is invalid_request.
// [Authenticator.Authenticate] checks them against a [ClientGetter]. An
// unknown client, a wrong or expired secret, a disabled or pending client, a
// public client presenting a secret, a confidential client presenting none
// and a method other than the registered one all give the same
// invalid_client error, and an unknown client ID costs what a wrong secret
// does: the client's copy and checks are made on a stand-in record with a
// secret that matches nothing (BenchmarkAuthenticate's wrong-secret and
// unknown-client pair, and store/memory's BenchmarkAuthenticateFailure,
// measure it).
//
// A successful authentication against a hash due for a rehash (an imported
// bcrypt or PBKDF2 hash, weaker argon2id parameters, SHA-256 once a pepper
// is set, a previous pepper) stores the new hash through the store's
// UpdateClient ([ClientUpdater]) with the version it read, so a concurrent
// change is never overwritten. A slow hash becomes argon2id, never a fast
// hash: an imported secret may have been chosen by a person, and the safer
// choice costs one argon2id computation per authentication of that client.
//
// # Tokens and revocation
//
// Tokens are opaque random values. [GenerateToken] returns 256 random bits
// in base64url behind a prefix that tells the kind ("poa_at_" access token,
// "poa_rt_" refresh token, "poa_ac_" authorization code), and
// [GenerateRegistrationToken] an RFC 7592 registration access token
// ("poa_rat_"). A store never sees a value: it keeps a [Token] under the
// value's [HashToken], SHA-256 in base64url, with the owning client, the
// grant that ties a code to the tokens issued from it, the scope and the
// expiry.
//
// [RevokeToken] follows RFC 7009 over a [TokenStore]. The caller must have
// authenticated the client first. An unknown or already revoked token is a
// success. A token of another client stays active and the call succeeds as
// well, so that a client learns nothing about tokens it does not own.
// Revoking a refresh token or an authorization code revokes its grant, the
// access tokens issued from it included; revoking an access token removes
// only that token. token_type_hint may only order look-ups, and with one
// index by hash it changes nothing; an unknown hint is ignored.
// [TokenStore.RevokeClientTokens] revokes every token of a client in one
// call, as deleting or disabling a client requires.
//
// # Store contracts
//
// This package declares the interfaces of the stores that keep its records,
// next to the records: [ClientGetter] (all that authentication needs),
// [ClientStore], [TokenStore], their union [Store], and the optional
// [TokenPurger], found by type assertion. Each method's documentation says
// which error it returns on failure: the sentinels [ErrNotFound],
// [ErrDuplicate], [ErrConflict] and [ErrTokenConsumed], possibly wrapped, and
// ctx.Err() when the context ends first. Stores take and return copies, and
// refuse an update whose Version is stale instead of overwriting.
//
// Implementations live elsewhere: the in-memory store (the embedded
// default), the PostgreSQL store and the node-local cache over it, under
// store/. The storetest package checks any implementation against the
// sentences of these contracts.
//
// # Errors
//
// [Error] is the one error type of the module's library packages (this
// one, catalogue, portal and the stores): an OAuth [ErrorCode]
// (invalid_client, invalid_redirect_uri, invalid_client_metadata, ...)
// and/or the sentinel it stands for (Err), the offending Field, a Reason in
// plain words and the underlying Cause. An *Error unwraps to the sentinel
// of its code (errors.Is(err, [ErrInvalidClient]) holds for every
// invalid_client error), to Err and to Cause. The sentinels are declared
// here, once: package portal re-exports those its use cases return under
// the same names, and package catalogue declares refinements of
// [ErrInvalidInput] and [ErrNotEligible] (catalogue.ErrAPIInactive, ...).
// Store and I/O failures are returned wrapped, never disguised as OAuth
// errors. No error, log line or rendering ever holds a secret or a token
// value.
//
// One mapping answers any error: [CodeOf] gives its OAuth error code,
// [HTTPStatus] its HTTP status, [ProblemOf] both with an error_description
// safe to show, and [WriteError] (or an [ErrorWriter] with a realm and a
// logger) writes the RFC 6749 §5.2 JSON body with the WWW-Authenticate
// challenge of RFC 6749 §5.2 and RFC 6750 §3. The first *Error with a Code
// or sentinel of the table found in the error's tree, in errors.Is order,
// decides; an *Error's own Code comes before its Err and Cause. An error
// the table does not know is a 500 server_error whose detail goes to the
// log only, as does [ErrInvalidConfig], a bug of the deployment. A store
// that cannot answer ([ErrUnavailable], see [Outage]) is an outage, not a
// bug: 503 with Retry-After, logged at WARN (a cancelled request at INFO)
// where a bug is logged at ERROR.
//
//	sentinel                    OAuth error code            HTTP status
//	ErrInvalidRequest           invalid_request             400
//	ErrInvalidClient            invalid_client              401 + WWW-Authenticate: Basic
//	ErrInvalidGrant             invalid_grant               400
//	ErrUnauthorizedClient       unauthorized_client         400
//	ErrUnsupportedGrantType     unsupported_grant_type      400
//	ErrUnsupportedResponseType  unsupported_response_type   400
//	ErrInvalidScope             invalid_scope               400
//	ErrAccessDenied             access_denied               403
//	ErrUnsupportedTokenType     unsupported_token_type      400
//	ErrInvalidRedirectURI       invalid_redirect_uri        400
//	ErrInvalidClientMetadata    invalid_client_metadata     400
//	ErrInvalidToken             invalid_token               401 + WWW-Authenticate: Bearer
//	ErrInsufficientScope        insufficient_scope          403 + WWW-Authenticate: Bearer
//	ErrServerError              server_error                500
//	ErrTemporarilyUnavailable   temporarily_unavailable     503 + Retry-After
//	ErrUnavailable (store down) temporarily_unavailable     503 + Retry-After (logged as an outage)
//	context deadline, cancel    temporarily_unavailable     503 + Retry-After (logged as an outage)
//	ErrNotFound                 invalid_request             404
//	ErrDuplicate                invalid_request             409
//	ErrConflict (stale version) invalid_request             409
//	ErrTokenConsumed            invalid_grant               400
//	ErrRedirectMismatch         invalid_request             400
//	ErrThrottled                invalid_request             429 + Retry-After (the wait of its RetryAfter)
//	ErrDeveloperInactive        access_denied               403
//	ErrNotEligible              access_denied               403
//	ErrPolicyNotOffered         access_denied               403
//	ErrClientLimit              access_denied               403
//	ErrNotPending               invalid_request             409
//	ErrPending                  invalid_request             409
//	ErrPublicClient             invalid_request             409
//	ErrInvalidInput             invalid_request             400
//	ErrInvalidConfig            server_error                500 (logged as a configuration bug)
//	ErrUnknownKey               server_error                500 (wraps ErrInvalidConfig)
//	*http.MaxBytesError         invalid_request             413
//	anything else               server_error                500 (detail logged, never shown)
//
// [Error.Description] is the text for an OAuth error_description, and
// [Errors] lists every *Error joined in one error, as ValidateMetadata and
// Metadata.UnmarshalJSON return them.
package oauthclient
