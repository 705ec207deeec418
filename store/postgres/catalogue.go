package postgres

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/portaloauth/portaloauth/catalogue"
	"github.com/portaloauth/portaloauth/oauthclient"
)

// table describes how one catalogue record type maps to its table, and
// holds the SQL of the contract every catalogue type shares (see
// portal.CatalogueStore).
type table[T any] struct {
	name    string // "API", for errors
	args    func(*T) ([]any, error)
	scan    func(pgx.Row) (*T, error)
	version func(*T) *int64

	insert, update, selectAll, del string
}

// newTable builds the SQL for a table whose columns start with id and end
// with version, the rest in args order.
func newTable[T any](name, tableName string, columns []string,
	args func(*T) ([]any, error), scan func(pgx.Row) (*T, error), version func(*T) *int64,
) *table[T] {
	n := len(columns)
	return &table[T]{
		name: name, args: args, scan: scan, version: version,
		insert: "INSERT INTO " + tableName + " (" + strings.Join(columns, ", ") + ") VALUES (" + placeholders(1, n) + ")",
		update: "WITH u AS (UPDATE " + tableName + " SET " + setList(columns[1:n-1], 2) +
			", version = version + 1 WHERE id = $1 AND version = $" + strconv.Itoa(n) + " RETURNING 1) " +
			"SELECT EXISTS (SELECT 1 FROM u), EXISTS (SELECT 1 FROM " + tableName + " WHERE id = $1)",
		selectAll: "SELECT " + strings.Join(columns, ", ") + " FROM " + tableName,
		del:       "DELETE FROM " + tableName + " WHERE id = $1",
	}
}

func (t *table[T]) create(ctx context.Context, s *Store, v *T) error {
	op := "create " + t.name
	args, err := t.args(v)
	if err != nil {
		return wrapErr(ctx, op, err)
	}
	_, err = s.pool.Exec(ctx, t.insert, args...)
	return wrapErr(ctx, op, err)
}

func (t *table[T]) get(ctx context.Context, s *Store, id string) (*T, error) {
	return queryOne(ctx, s, "get "+t.name, t.scan, t.selectAll+" WHERE id = $1", id)
}

func (t *table[T]) updateVersioned(ctx context.Context, s *Store, v *T) error {
	op := "update " + t.name
	args, err := t.args(v)
	if err != nil {
		return wrapErr(ctx, op, err)
	}
	var updated, exists bool
	if err := s.pool.QueryRow(ctx, t.update, args...).Scan(&updated, &exists); err != nil {
		return wrapErr(ctx, op, err)
	}
	if !updated {
		return versionMiss(op, exists)
	}
	*t.version(v)++
	return nil
}

func (t *table[T]) delete(ctx context.Context, s *Store, id string) error {
	tag, err := s.pool.Exec(ctx, t.del, id)
	if err != nil {
		return wrapErr(ctx, "delete "+t.name, err)
	}
	if tag.RowsAffected() == 0 {
		return errorf("delete "+t.name, oauthclient.ErrNotFound)
	}
	return nil
}

func (t *table[T]) list(ctx context.Context, s *Store) ([]*T, error) {
	return queryAll(ctx, s, "list "+t.name, t.scan, t.selectAll+" ORDER BY created_at, id")
}

var apis = newTable("API", "apis",
	[]string{"id", "name", "auth_mode", "active", "created_at", "version"},
	func(a *catalogue.API) ([]any, error) {
		return []any{a.ID, a.Name, string(a.AuthMode), a.Active, a.CreatedAt, a.Version}, nil
	},
	func(row pgx.Row) (*catalogue.API, error) {
		var a catalogue.API
		var mode string
		if err := row.Scan(&a.ID, &a.Name, &mode, &a.Active, &a.CreatedAt, &a.Version); err != nil {
			return nil, err
		}
		a.AuthMode, a.CreatedAt = catalogue.AuthMode(mode), utc(a.CreatedAt)
		return &a, nil
	},
	func(a *catalogue.API) *int64 { return &a.Version },
)

// accessRight is catalogue.AccessRight as stored: without omitempty, so
// that nil and empty Versions come back as they were.
type accessRight struct {
	APIID    string   `json:"api_id"`
	Versions []string `json:"versions"`
}

var policies = newTable("policy", "policies",
	[]string{"id", "name", "access_rights", "scopes", "active", "created_at", "version"},
	func(p *catalogue.Policy) ([]any, error) {
		var rights []byte // NULL for nil
		if p.AccessRights != nil {
			stored := make([]accessRight, len(p.AccessRights))
			for i, r := range p.AccessRights {
				stored[i] = accessRight(r)
			}
			var err error
			if rights, err = json.Marshal(stored); err != nil {
				return nil, err
			}
		}
		return []any{p.ID, p.Name, rights, p.Scopes, p.Active, p.CreatedAt, p.Version}, nil
	},
	func(row pgx.Row) (*catalogue.Policy, error) {
		var p catalogue.Policy
		var rights []accessRight
		if err := row.Scan(&p.ID, &p.Name, &rights, &p.Scopes, &p.Active, &p.CreatedAt, &p.Version); err != nil {
			return nil, err
		}
		if rights != nil {
			p.AccessRights = make([]catalogue.AccessRight, len(rights))
			for i, r := range rights {
				p.AccessRights[i] = catalogue.AccessRight(r)
			}
		}
		p.CreatedAt = utc(p.CreatedAt)
		return &p, nil
	},
	func(p *catalogue.Policy) *int64 { return &p.Version },
)

var entries = newTable("entry", "catalogue_entries",
	[]string{"id", "api_id", "display_name", "description", "policy_ids", "visible",
		"requires_approval", "client_limit", "created_at", "version"},
	func(e *catalogue.Entry) ([]any, error) {
		return []any{e.ID, e.APIID, e.DisplayName, e.Description, e.PolicyIDs, e.Visible,
			e.RequiresApproval, e.ClientLimit, e.CreatedAt, e.Version}, nil
	},
	func(row pgx.Row) (*catalogue.Entry, error) {
		var e catalogue.Entry
		if err := row.Scan(&e.ID, &e.APIID, &e.DisplayName, &e.Description, &e.PolicyIDs, &e.Visible,
			&e.RequiresApproval, &e.ClientLimit, &e.CreatedAt, &e.Version); err != nil {
			return nil, err
		}
		e.CreatedAt = utc(e.CreatedAt)
		return &e, nil
	},
	func(e *catalogue.Entry) *int64 { return &e.Version },
)

// CreateAPI stores a. It returns oauthclient.ErrDuplicate if the ID exists.
func (s *Store) CreateAPI(ctx context.Context, a *catalogue.API) error {
	return apis.create(ctx, s, a)
}

// GetAPI returns the API with that ID, or oauthclient.ErrNotFound.
func (s *Store) GetAPI(ctx context.Context, id string) (*catalogue.API, error) {
	return apis.get(ctx, s, id)
}

// UpdateAPI replaces the API if the stored version is a.Version, then sets
// a.Version+1. It returns oauthclient.ErrNotFound or oauthclient.ErrConflict.
func (s *Store) UpdateAPI(ctx context.Context, a *catalogue.API) error {
	return apis.updateVersioned(ctx, s, a)
}

// DeleteAPI deletes the API. It returns oauthclient.ErrNotFound if none has
// that ID.
func (s *Store) DeleteAPI(ctx context.Context, id string) error { return apis.delete(ctx, s, id) }

// ListAPIs returns every API, oldest first (CreatedAt, then ID).
func (s *Store) ListAPIs(ctx context.Context) ([]*catalogue.API, error) { return apis.list(ctx, s) }

// CreatePolicy stores p. It returns oauthclient.ErrDuplicate if the ID
// exists.
func (s *Store) CreatePolicy(ctx context.Context, p *catalogue.Policy) error {
	return policies.create(ctx, s, p)
}

// GetPolicy returns the policy with that ID, or oauthclient.ErrNotFound.
func (s *Store) GetPolicy(ctx context.Context, id string) (*catalogue.Policy, error) {
	return policies.get(ctx, s, id)
}

// UpdatePolicy replaces the policy if the stored version is p.Version, then
// sets p.Version+1. It returns oauthclient.ErrNotFound or
// oauthclient.ErrConflict.
func (s *Store) UpdatePolicy(ctx context.Context, p *catalogue.Policy) error {
	return policies.updateVersioned(ctx, s, p)
}

// DeletePolicy deletes the policy. It returns oauthclient.ErrNotFound if
// none has that ID.
func (s *Store) DeletePolicy(ctx context.Context, id string) error {
	return policies.delete(ctx, s, id)
}

// ListPolicies returns every policy, oldest first (CreatedAt, then ID).
func (s *Store) ListPolicies(ctx context.Context) ([]*catalogue.Policy, error) {
	return policies.list(ctx, s)
}

// CreateEntry stores e. It returns oauthclient.ErrDuplicate if the ID
// exists.
func (s *Store) CreateEntry(ctx context.Context, e *catalogue.Entry) error {
	return entries.create(ctx, s, e)
}

// GetEntry returns the entry with that ID, or oauthclient.ErrNotFound.
func (s *Store) GetEntry(ctx context.Context, id string) (*catalogue.Entry, error) {
	return entries.get(ctx, s, id)
}

// UpdateEntry replaces the entry if the stored version is e.Version, then
// sets e.Version+1. It returns oauthclient.ErrNotFound or
// oauthclient.ErrConflict.
func (s *Store) UpdateEntry(ctx context.Context, e *catalogue.Entry) error {
	return entries.updateVersioned(ctx, s, e)
}

// DeleteEntry deletes the entry. It returns oauthclient.ErrNotFound if none
// has that ID.
func (s *Store) DeleteEntry(ctx context.Context, id string) error {
	return entries.delete(ctx, s, id)
}

// ListEntries returns every entry, oldest first (CreatedAt, then ID).
func (s *Store) ListEntries(ctx context.Context) ([]*catalogue.Entry, error) {
	return entries.list(ctx, s)
}
