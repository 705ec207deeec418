package portal

import (
	"io"
	"time"

	"github.com/portaloauth/portaloauth/oauthclient"
)

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
	Store     Store
	Hasher    *oauthclient.Hasher         // nil: the default hasher
	Redirects *oauthclient.RedirectPolicy // nil: the default redirect URI rules
	Now       func() time.Time            // nil: time.Now
	// Rand is the source of client IDs, developer IDs, secrets and
	// registration tokens. nil: crypto/rand.Reader. The Service serialises
	// its reads, so a reader that is not safe for concurrent use (a seeded
	// generator in tests) is fine.
	Rand       io.Reader
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

	hasher     *oauthclient.Hasher
	redirects  *oauthclient.RedirectPolicy
	now        func() time.Time
	rand       io.Reader
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
		hasher:         cfg.Hasher,
		redirects:      cfg.Redirects,
		now:            cfg.Now,
		rand:           oauthclient.LockedReader(cfg.Rand),
		maxSecrets:     cfg.MaxSecrets,
		observer:       cfg.Observer,
	}
	if s.hasher == nil {
		s.hasher = &oauthclient.Hasher{}
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.maxSecrets == 0 {
		s.maxSecrets = DefaultMaxSecrets
	}
	return s, nil
}
