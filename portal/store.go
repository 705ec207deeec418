package portal

import (
	"context"
	"time"

	"github.com/portaloauth/portaloauth/catalogue"
	"github.com/portaloauth/portaloauth/oauthclient"
)

// The store sentinels, oauthclient's values re-exported so that one
// errors.Is test works whichever package a store method belongs to.
var (
	ErrNotFound  = oauthclient.ErrNotFound
	ErrDuplicate = oauthclient.ErrDuplicate
	// ErrConflict: a stale version, and nothing else.
	ErrConflict = oauthclient.ErrConflict
	// ErrDeveloperInactive: the developer's account is inactive, so they
	// cannot create or change clients; a Store's CreateClient returns it
	// for a client of an inactive developer.
	ErrDeveloperInactive = oauthclient.ErrDeveloperInactive
)

// DeveloperStatus is a developer account's state.
type DeveloperStatus string

// Developer statuses. An inactive developer cannot create clients, and their
// clients are disabled.
const (
	DeveloperActive   DeveloperStatus = "active"
	DeveloperInactive DeveloperStatus = "inactive"
)

// Developer is a developer-portal account: the owner of OAuth clients.
type Developer struct {
	ID     string          `json:"id"`
	Email  string          `json:"email"` // unique, compared case-insensitively
	Name   string          `json:"name"`
	Status DeveloperStatus `json:"status"`
	// PasswordHash is an optional login credential (a PHC-style string) for
	// portals that keep developer logins here; it is never rendered in JSON.
	PasswordHash string    `json:"-"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
	Version      int64     `json:"version"`
}

// DeveloperStore keeps developers. Methods are safe for concurrent use and
// take and return copies.
type DeveloperStore interface {
	// CreateDeveloper stores d. It returns ErrDuplicate if a developer has
	// d.ID, or an email equal to d.Email ignoring case.
	CreateDeveloper(ctx context.Context, d *Developer) error

	// GetDeveloper returns the developer with that ID, or ErrNotFound.
	GetDeveloper(ctx context.Context, id string) (*Developer, error)

	// GetDeveloperByEmail returns the developer whose email equals email
	// ignoring case, or ErrNotFound.
	GetDeveloperByEmail(ctx context.Context, email string) (*Developer, error)

	// UpdateDeveloper replaces the stored developer with d if the stored
	// Version equals d.Version, then stores and sets d.Version+1. It returns
	// ErrNotFound, ErrConflict (changing nothing) on a stale version, and
	// ErrDuplicate if d.Email is another developer's email ignoring case.
	UpdateDeveloper(ctx context.Context, d *Developer) error

	// ListDevelopers returns developers oldest first (CreatedAt, then ID),
	// in the window p selects (see oauthclient.Page for its defaults and
	// caps).
	ListDevelopers(ctx context.Context, p oauthclient.Page) ([]*Developer, error)

	// DeactivateDeveloper, in one atomic step, sets the developer inactive
	// (incrementing its Version and setting UpdatedAt to at), sets every
	// active or pending client of theirs to disabled (incrementing each
	// Version and setting UpdatedAt to at), and deletes the tokens of all
	// their clients, whatever their status. It returns
	// ErrNotFound if no developer has that ID. Deactivating an inactive
	// developer changes nothing and is no error.
	DeactivateDeveloper(ctx context.Context, id string, at time.Time) error
}

// CatalogueReader looks the API catalogue up: all that choosing entries and
// a policy for a client needs. Each record type has the same contract: Get
// returns ErrNotFound if no record has that ID; List returns every record,
// oldest first (CreatedAt, then ID). Catalogue lists are the only lists
// without an oauthclient.Page: the catalogue is curated by administrators,
// stays small, and is read whole to decide which entries a developer may
// choose.
type CatalogueReader interface {
	GetAPI(ctx context.Context, id string) (*catalogue.API, error)
	ListAPIs(ctx context.Context) ([]*catalogue.API, error)

	GetPolicy(ctx context.Context, id string) (*catalogue.Policy, error)
	ListPolicies(ctx context.Context) ([]*catalogue.Policy, error)

	GetEntry(ctx context.Context, id string) (*catalogue.Entry, error)
	ListEntries(ctx context.Context) ([]*catalogue.Entry, error)
}

// CatalogueAdmin changes the API catalogue. Each record type has the same
// contract: Create returns ErrDuplicate if the ID exists; Update replaces
// the record if the stored Version equals the given one, then stores and
// sets Version+1, and returns ErrNotFound or ErrConflict (changing
// nothing); Delete returns ErrNotFound.
type CatalogueAdmin interface {
	CreateAPI(ctx context.Context, a *catalogue.API) error
	UpdateAPI(ctx context.Context, a *catalogue.API) error
	DeleteAPI(ctx context.Context, id string) error

	CreatePolicy(ctx context.Context, p *catalogue.Policy) error
	UpdatePolicy(ctx context.Context, p *catalogue.Policy) error
	DeletePolicy(ctx context.Context, id string) error

	CreateEntry(ctx context.Context, e *catalogue.Entry) error
	UpdateEntry(ctx context.Context, e *catalogue.Entry) error
	DeleteEntry(ctx context.Context, id string) error
}

// CatalogueStore keeps the API catalogue: its reads and its administration.
type CatalogueStore interface {
	CatalogueReader
	CatalogueAdmin
}

// ClientLimit caps how many clients one developer may hold for one API:
// clients whose APIIDs include APIID.
type ClientLimit struct {
	APIID string
	Max   int // at least 1; a limit of 0 or less is ignored
}

// LimitedClientCreator creates a developer's client within per-API limits.
type LimitedClientCreator interface {
	// CreateClientWithLimits is CreateClient that also counts, in the same
	// atomic step as the insert, the clients of c.DeveloperID bound to each
	// limit's API, and returns ErrClientLimit, storing nothing, if a count
	// has reached its Max. Of concurrent creations for one developer, no
	// more succeed than the limits allow. Limits do not apply to a client
	// without a DeveloperID; with no limits it is CreateClient.
	CreateClientWithLimits(ctx context.Context, c *oauthclient.Client, limits []ClientLimit) error
}

// Store is everything the portal service needs, composed of the role
// interfaces: clients and tokens (oauthclient.ClientStore and
// oauthclient.TokenStore, together oauthclient.Store), developers
// ([DeveloperStore]) and the catalogue ([CatalogueReader],
// [CatalogueAdmin]). store/memory and store/postgres implement it;
// storetest checks an implementation, role by role or whole.
//
// The roles are one store, not several, because some steps span them and
// must be atomic: deleting a client deletes its tokens, deactivating a
// developer disables their clients and deletes those clients' tokens, and
// creating a client checks its developer. In a Store, CreateClient also
// returns ErrDeveloperInactive, storing nothing, when c.DeveloperID names
// an inactive developer, and checks that in the same atomic step as the
// insert: a client created while its developer is being deactivated is
// either refused or disabled by the deactivation, never left active.
type Store interface {
	oauthclient.Store
	DeveloperStore
	CatalogueStore
	LimitedClientCreator
}
