package portal

import "github.com/portaloauth/portaloauth/oauthclient"

// DefaultMaxSecrets is how many secrets a client may hold at once when
// Config.MaxSecrets is zero: the current one and the one in its grace
// period.
const DefaultMaxSecrets = 2

// maxRetries bounds how often an administrator action or a secret rotation
// re-reads a client and reapplies its change after losing a race with
// another writer (ErrConflict).
const maxRetries = 8

// Config configures a [Service]. The zero value of every field but Store
// means the documented default.
type Config struct {
	// Store keeps clients, tokens, developers and the catalogue; required.
	// It is one store rather than one per role because some use cases
	// need steps that span roles to be atomic (see [Store]).
	Store Store
	// OAuth is what the Service shares with every component built on it
	// (portal/authserver, portal/registration, a gateway's Authenticator):
	// the Hasher and its pepper, the redirect URI rules, the clock and the
	// random source of client IDs, developer IDs, secrets and tokens. Its
	// zero value is the default; a random source that is not safe for
	// concurrent use (a seeded generator in tests) is fine. [Service.OAuth]
	// gives it back settled, so that those components cannot be given
	// another one.
	OAuth      oauthclient.Config
	MaxSecrets int      // active secrets per client; 0: DefaultMaxSecrets
	Observer   Observer // receives an Event for every change; nil: none
}

// Service runs the portal's use cases over a [Store]: developers, the
// create-client flow, the developer's client management, the
// administrator's views and actions, and catalogue administration. It is
// safe for concurrent use.
type Service struct {
	// The store by role: each use case reaches only the roles it needs.
	clients        oauthclient.Store // clients and their tokens
	developers     DeveloperStore
	catalogue      CatalogueReader
	catalogueAdmin CatalogueAdmin
	limited        LimitedClientCreator // creating a developer's client

	oauth      oauthclient.Config // settled: every field set
	maxSecrets int
	observer   Observer
}

// New returns a Service for cfg. It returns an *oauthclient.Error wrapping
// ErrInvalidConfig, naming the field, when Store is nil or MaxSecrets is
// negative.
func New(cfg Config) (*Service, error) {
	if cfg.Store == nil {
		return nil, newError(ErrInvalidConfig, "Store", "is required")
	}
	if cfg.MaxSecrets < 0 {
		return nil, newError(ErrInvalidConfig, "MaxSecrets", "must not be negative")
	}
	s := &Service{
		clients:        cfg.Store,
		developers:     cfg.Store,
		catalogue:      cfg.Store,
		catalogueAdmin: cfg.Store,
		limited:        cfg.Store,
		oauth:          cfg.OAuth.Settle(),
		maxSecrets:     cfg.MaxSecrets,
		observer:       cfg.Observer,
	}
	if s.maxSecrets == 0 {
		s.maxSecrets = DefaultMaxSecrets
	}
	return s, nil
}
