// Package portal is the developer portal's use cases for OAuth clients: a
// developer picks an OAuth-protected API from the catalogue, registers an
// OAuth client for it, receives its secret exactly once, and later edits
// it, rotates its secret, revokes its tokens or deletes it; administrators
// see every developer's clients (never their secrets), approve, reject,
// disable and enable clients and deactivate developers.
//
// A [Service], built by [New] from a [Config], runs these use cases over a
// [Store]. It does no I/O of its own: the store, the clock and the
// randomness (Config.OAuth.Now and Config.OAuth.Rand) are injected.
//
// # One configuration
//
// Config.OAuth, an oauthclient.Config, holds what the portal shares with
// every component that handles its clients: the Hasher (and its pepper),
// the redirect URI rules, the clock and the random source. It is given
// once, to [New]; [Service.OAuth] returns it settled (defaults filled in,
// the random source safe for concurrent use) and [Service.Authenticator]
// an Authenticator of the portal's clients built from it.
// portal/authserver and portal/registration take everything from the
// Service they are built on, so a pepper set on the portal and missing at
// the token endpoint cannot happen; a hash made under a pepper the Hasher
// does not hold fails loudly as oauthclient.ErrUnknownKey.
//
// # The flow
//
//  1. [Service.RegisterDeveloper] creates a developer account.
//  2. [Service.EligibleEntries] lists the catalogue entries the developer
//     may create a client for (the "select API" step): those whose API is
//     active and uses OAuth 2.0, that are visible, and that offer at least
//     one active policy (catalogue.Eligible).
//  3. [Service.CreateClient] takes the chosen entries, a policy offered by
//     all of them that grants every chosen API, the app details and the
//     RFC 7591 metadata (validated with oauthclient.ValidateMetadata), and
//     stores the client, with only its secret's hash, in a single store
//     write. The returned [NewClient] carries the plaintext secret: the only
//     time it is ever available. A client for an entry that requires
//     approval is created pending and cannot authenticate until an
//     administrator approves it.
//  4. [Service.ListClients], [Service.GetClient], [Service.UpdateClient],
//     [Service.RotateSecret], [Service.RevokeTokens] and
//     [Service.DeleteClient] manage the developer's clients.
//  5. [Service.ListDevelopersWithClients], [Service.FindDevelopers]
//     (search, and the approval queue), [Service.ClientDetail],
//     [Service.ApproveClient], [Service.RejectClient],
//     [Service.DisableClient], [Service.EnableClient],
//     [Service.DeactivateDeveloper] and [Service.ReactivateDeveloper] are
//     the administrator's views and actions; [Service.Catalogue] lists the
//     catalogue, [Service.AddAPI], [Service.AddPolicy] and
//     [Service.AddEntry] fill it and [Service.UpdateAPI],
//     [Service.UpdatePolicy] and [Service.UpdateEntry] change it
//     (deactivating an API or a policy, hiding an entry), with the
//     catalogue's rules applied and an event for every change.
//
// # Ownership
//
// A developer sees and changes only their own clients. Another developer's
// client is "not found", exactly like a client that does not exist: the
// same error, so nothing leaks its existence. A developer whose account is
// inactive cannot create, update or rotate (ErrDeveloperInactive) but may
// still list, revoke and delete. Administrator methods take the
// administrator's ID only to record it as the actor of the events; checking
// that the caller is an administrator is the caller's job.
//
// # Concurrency
//
// Every client carries a version. [Service.UpdateClient] takes the version
// the caller read: a stale one fails with ErrConflict and changes nothing.
// Secret rotation and the administrator's status changes carry no version
// from the caller; when they lose a race with another writer they re-read
// the client and reapply themselves, a bounded number of times, before
// giving up with ErrConflict. The client limit of a catalogue entry is
// checked by the store in the same atomic step as the insert
// (LimitedClientCreator), so concurrent creations by one developer never
// exceed it.
//
// # Errors
//
// Every error the Service itself detects is an *oauthclient.Error, the
// module's one error type, that wraps one sentinel, names the offending
// field where one applies ("email", "entry_ids[0]", "policy_id", "grace",
// ...), gives a reason in plain words and may carry a cause (the catalogue
// rule that made an entry ineligible). Test them with errors.Is:
//
//   - [ErrNotFound], [ErrConflict] (a stale version, nothing else),
//     [ErrDuplicate], [ErrDeveloperInactive]: the store sentinels;
//   - [ErrNotEligible], [ErrPolicyNotOffered], [ErrClientLimit],
//     [ErrNotPending], [ErrPending], [ErrPublicClient], [ErrInvalidInput],
//     [ErrInvalidConfig].
//
// They are oauthclient's sentinels re-exported under the same names, so
// that code using the portal names them here; portal.ErrNotEligible and
// catalogue.ErrNotEligible are one value. Invalid client metadata comes
// back as oauthclient *Error values with an OAuth code, one per problem,
// joined: oauthclient.Errors flattens them for a form. Other store failures
// are returned as the store gave them. oauthclient.CodeOf and
// oauthclient.HTTPStatus map every error to an OAuth code and an HTTP
// status, for the net/http layer.
//
// # Events
//
// Every change emits an [Event] (client created, updated, secret rotated,
// tokens revoked, deleted, approved, rejected, disabled, enabled; developer
// registered, deactivated and reactivated; catalogue changed) to Config.Observer, after
// the store change succeeded. An event records the actor, the developer
// and client IDs, the time and a detail in plain words; it never holds a
// secret, a hash or a token. [SlogObserver] logs events with log/slog and
// [ObserverFunc] adapts a function.
//
// # Store contracts
//
// The store interfaces are role interfaces declared by the domain package
// that needs them: oauthclient.ClientStore and oauthclient.TokenStore
// (together oauthclient.Store) in package oauthclient, and
// [DeveloperStore], [CatalogueReader] and [CatalogueAdmin] (together
// [CatalogueStore]) here. [Store] composes them all; the Service is given
// one Store and each use case reaches only the roles it needs. Each
// method's documentation says which sentinel it returns; storetest checks
// an implementation against those sentences, role by role (RunClients,
// RunTokens, RunDevelopers, RunCatalogue) or whole (Run). store/memory is
// the in-memory implementation, store/postgres the PostgreSQL one, and
// store/storemock holds generated mocks.
//
// The Service relies on the store's atomic steps and never fakes them with
// several writes: a new client is stored by one CreateClient with its
// secret's hash inside; deleting a client is one DeleteClient, which
// deletes its tokens in the same step; a policy change or a disabling is
// one UpdateClient with UpdateOptions.RevokeTokens; deactivating a
// developer is one DeactivateDeveloper. A failed store call therefore
// leaves nothing half done.
package portal
