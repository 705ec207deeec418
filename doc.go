// Package portaloauth is an embeddable SDK that gives an API gateway or a
// developer portal the "Portal OAuth Clients" capability: a developer picks
// an OAuth 2.0 API from a catalogue, registers an OAuth client for it, and
// receives a client ID and a client secret that is shown exactly once and
// stored only as a hash. The developer can later edit the client, rotate
// its secret with a grace period, revoke its tokens or delete it;
// administrators see every developer's clients, never their secrets.
// Gateways use the same packages to authenticate clients, match redirect
// URIs and check and revoke tokens.
//
// This package holds documentation only. The work is done by:
//
//   - [github.com/portaloauth/portaloauth/oauthclient]: the core. Client
//     metadata (RFC 7591) and its validation, redirect URI rules and exact
//     matching (RFC 9700, RFC 8252), secret generation and hashing, client
//     authentication, tokens and revocation (RFC 7009), the error taxonomy,
//     and the client and token store contracts.
//   - [github.com/portaloauth/portaloauth/catalogue]: APIs, policies and
//     catalogue entries, and the rules that make an entry OAuth-eligible.
//   - [github.com/portaloauth/portaloauth/portal]: the use cases over store
//     interfaces: developers, the create-client flow, listing, editing,
//     rotation, revocation, deletion, administration and audit events.
//   - [github.com/portaloauth/portaloauth/portal/authserver]: the
//     authorization server as library code: client_credentials,
//     authorization code with PKCE, refresh rotation with reuse detection,
//     RFC 7662 introspection, RFC 7009 revocation and the gateway's bearer
//     check, as typed decisions and as ready http.Handlers.
//   - [github.com/portaloauth/portaloauth/portal/registration]: RFC 7591
//     dynamic client registration and RFC 7592 registration management
//     over portal, with its HTTP handlers.
//   - [github.com/portaloauth/portaloauth/portal/throttle]: slows down
//     guessing (of client secrets, of logins) with capped exponential waits
//     per key, counted in memory or shared by nodes through store/postgres.
//   - [github.com/portaloauth/portaloauth/store/memory]: the in-memory store,
//     the embedded default for tests, examples and single-process use.
//   - [github.com/portaloauth/portaloauth/store/postgres]: the PostgreSQL
//     store for production and for several nodes sharing one state.
//   - [github.com/portaloauth/portaloauth/store/cache]: a node-local cache
//     over store/postgres, kept fresh by PostgreSQL's LISTEN/NOTIFY.
//   - [github.com/portaloauth/portaloauth/storetest]: the conformance suite
//     every store implementation must pass, one call from a test.
//   - [github.com/portaloauth/portaloauth/store/storemock]: generated gomock
//     mocks of every store interface.
//
// The dependencies point one way, with no cycle: oauthclient imports nothing
// of this module; catalogue imports only oauthclient; portal imports both and
// depends on store interfaces only; portal/authserver and
// portal/registration build on portal; the packages under store/ implement
// the interfaces and storetest checks any implementation. No library
// package imports the examples.
//
// # Where the store interfaces live
//
// Each domain package declares the small role interfaces it needs, next to
// the types they store, and one store implementation plays every role:
//
//   - clients: [github.com/portaloauth/portaloauth/oauthclient.ClientStore] (and
//     [github.com/portaloauth/portaloauth/oauthclient.ClientGetter], all that client authentication needs);
//   - tokens: [github.com/portaloauth/portaloauth/oauthclient.TokenStore], with the optional
//     [github.com/portaloauth/portaloauth/oauthclient.TokenPurger]; [github.com/portaloauth/portaloauth/oauthclient.Store] is clients and
//     tokens together;
//   - developers: [github.com/portaloauth/portaloauth/portal.DeveloperStore];
//   - catalogue reads: [github.com/portaloauth/portaloauth/portal.CatalogueReader];
//   - catalogue administration: [github.com/portaloauth/portaloauth/portal.CatalogueAdmin]
//     ([github.com/portaloauth/portaloauth/portal.CatalogueStore] is both).
//
// [github.com/portaloauth/portaloauth/portal.Store] composes them all; it is what a
// [github.com/portaloauth/portaloauth/portal.Service] is given, because some steps span roles and must be
// atomic (deleting a client deletes its tokens, deactivating a developer
// disables their clients). Code that needs less asks for less: a gateway
// checking tokens takes an oauthclient.TokenStore. The conformance suite
// runs per role ([github.com/portaloauth/portaloauth/storetest.RunClients], [github.com/portaloauth/portaloauth/storetest.RunTokens],
// [github.com/portaloauth/portaloauth/storetest.RunDevelopers], [github.com/portaloauth/portaloauth/storetest.RunCatalogue]) or whole
// ([github.com/portaloauth/portaloauth/storetest.Run]), so a store that keeps only clients and tokens is
// proved by the first two. The store sentinels
// ([github.com/portaloauth/portaloauth/oauthclient.ErrNotFound], [github.com/portaloauth/portaloauth/oauthclient.ErrDuplicate],
// [github.com/portaloauth/portaloauth/oauthclient.ErrConflict],
// [github.com/portaloauth/portaloauth/oauthclient.ErrDeveloperInactive]) are declared once in oauthclient and
// re-exported by portal, so one errors.Is test works for every store method.
//
// # One error type
//
// Every library package fails with one error type,
// [github.com/portaloauth/portaloauth/oauthclient.Error] (an OAuth code, the
// offending field, a reason and the sentinel it stands for), and with
// sentinels declared once, in oauthclient. portal re-exports the ones its
// use cases return under the same names (portal.ErrNotEligible is
// oauthclient.ErrNotEligible), and catalogue declares its precise rule
// sentinels as refinements of oauthclient's. That is why catalogue imports
// oauthclient, the one dependency between the two domain packages:
// oauthclient.CodeOf, oauthclient.HTTPStatus and oauthclient.WriteError are
// then the one mapping of any error to an OAuth error code and an HTTP
// status, and the table in oauthclient's documentation lists it.
//
// # A short example
//
//	store := memory.New()
//	svc, _ := portal.New(portal.Config{Store: store})
//	// ... catalogue and developer set up by the portal's administrators ...
//	created, err := svc.CreateClient(ctx, developerID, portal.CreateClientRequest{
//		EntryIDs: []string{"payments"},
//		PolicyID: "payments-standard",
//		Metadata: oauthclient.Metadata{
//			ClientName:   "My shop",
//			RedirectURIs: []string{"https://shop.example/callback"},
//		},
//	})
//	// created.Secret.Reveal() is the only time the secret is available.
//
//	auth := svc.Authenticator() // the portal's hasher (and pepper), clock and randomness
//	client, err := auth.Authenticate(ctx, oauthclient.Credentials{
//		ClientID: created.Client.ID,
//		Secret:   created.Secret,
//		Method:   oauthclient.AuthMethodBasic,
//	})
//
// The examples directory wires everything into net/http: a developer portal
// with its login and consent pages over portal/authserver and
// portal/registration (examples/portal), a reverse proxy behind the bearer
// check (examples/gateway), a gateway's own program with the OAuth
// endpoints mounted beside its API (examples/embed) and a short
// library-only walk through the flow (examples/quickstart).
package portaloauth
