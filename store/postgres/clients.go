package postgres

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/portaloauth/portaloauth/oauthclient"
	"github.com/portaloauth/portaloauth/portal"
)

// clientColumns are the clients table's columns in the order of clientArgs
// and scanClient.
var clientColumns = []string{
	"id", "developer_id", "api_ids", "policy_id", "description", "status",
	"redirect_uris", "token_endpoint_auth_method", "grant_types", "response_types",
	"client_name", "client_uri", "logo_uri", "scope", "contacts", "tos_uri",
	"policy_uri", "software_id", "software_version", "extra",
	"registration_token_hash", "created_at", "updated_at", "version",
}

// clientDeveloperArg is the placeholder number of developer_id in
// clientColumns order.
const clientDeveloperArg = 2

// SQL built once from clientColumns.
var (
	// sqlInsertClient inserts a client row ($1..$24 in clientColumns order)
	// unless its developer is inactive, in which case it inserts nothing.
	// The developer's row is locked FOR SHARE, so that a concurrent
	// DeactivateDeveloper either waits for this insert and then disables
	// the client, or commits first and the insert, re-reading the row,
	// inserts nothing. A developer that does not exist passes the check and
	// fails the foreign key (ErrNotFound).
	sqlInsertClient = "WITH dev AS (SELECT status FROM developers WHERE id = $" + strconv.Itoa(clientDeveloperArg) +
		" FOR SHARE) INSERT INTO clients (" + strings.Join(clientColumns, ", ") +
		") SELECT " + placeholders(1, len(clientColumns)) +
		" WHERE NOT EXISTS (SELECT 1 FROM dev WHERE status <> '" + string(portal.DeveloperActive) + "')"

	// sqlUpdateClient replaces the row whose id is $1 and version is $24
	// (the other columns as in clientColumns, version incremented) and
	// reports whether it did and whether the id exists.
	sqlUpdateClient = "WITH u AS (UPDATE clients SET " + setList(clientColumns[1:len(clientColumns)-1], 2) +
		", version = version + 1 WHERE id = $1 AND version = $" + strconv.Itoa(len(clientColumns)) +
		" RETURNING 1) SELECT EXISTS (SELECT 1 FROM u), EXISTS (SELECT 1 FROM clients WHERE id = $1)"

	// sqlSelectClient selects clients with their secrets aggregated into
	// arrays (in position order), one row per client: a client costs one
	// round trip whatever its number of secrets.
	sqlSelectClient = "SELECT c." + strings.Join(clientColumns, ", c.") +
		`, s.ids, s.hashes, s.hints, s.created, s.expires
FROM clients c CROSS JOIN LATERAL (
	SELECT array_agg(id ORDER BY position) AS ids,
	       array_agg(hash ORDER BY position) AS hashes,
	       array_agg(hint ORDER BY position) AS hints,
	       array_agg(created_at ORDER BY position) AS created,
	       array_agg(expires_at ORDER BY position) AS expires
	FROM client_secrets WHERE client_id = c.id) s`
)

const (
	sqlInsertSecrets = `INSERT INTO client_secrets (client_id, position, id, hash, hint, created_at, expires_at)
SELECT $1, s.position, s.id, s.hash, s.hint, s.created_at, s.expires_at
FROM unnest($2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::timestamptz[])
	WITH ORDINALITY AS s(id, hash, hint, created_at, expires_at, position)`
	sqlDeleteSecrets      = `DELETE FROM client_secrets WHERE client_id = $1`
	sqlDeleteClientTokens = `DELETE FROM tokens WHERE client_id = $1`
)

// placeholders returns "$from, ..., $(from+n-1)".
func placeholders(from, n int) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("$" + strconv.Itoa(from+i))
	}
	return b.String()
}

// setList returns "col1 = $from, col2 = $(from+1), ...".
func setList(cols []string, from int) string {
	parts := make([]string, len(cols))
	for i, c := range cols {
		parts[i] = c + " = $" + strconv.Itoa(from+i)
	}
	return strings.Join(parts, ", ")
}

// clientArgs returns c's column values in clientColumns order.
func clientArgs(c *oauthclient.Client) ([]any, error) {
	extra, err := encodeExtra(c.Extra)
	if err != nil {
		return nil, err
	}
	return []any{
		c.ID, nullString(c.DeveloperID), c.APIIDs, c.PolicyID, c.Description, string(c.Status),
		c.RedirectURIs, string(c.TokenEndpointAuthMethod), grantStrings(c.GrantTypes), c.ResponseTypes,
		c.ClientName, c.ClientURI, c.LogoURI, c.Scope, c.Contacts, c.TOSURI,
		c.PolicyURI, c.SoftwareID, c.SoftwareVersion, extra,
		c.RegistrationTokenHash, c.CreatedAt, c.UpdatedAt, c.Version,
	}, nil
}

// scanClient scans one row of sqlSelectClient.
func scanClient(row pgx.Row) (*oauthclient.Client, error) {
	var (
		c                  oauthclient.Client
		developerID        *string
		status, method     string
		grants             []string
		extra              []byte
		ids, hashes, hints []string
		created            []time.Time
		expires            []*time.Time
	)
	err := row.Scan(
		&c.ID, &developerID, &c.APIIDs, &c.PolicyID, &c.Description, &status,
		&c.RedirectURIs, &method, &grants, &c.ResponseTypes,
		&c.ClientName, &c.ClientURI, &c.LogoURI, &c.Scope, &c.Contacts, &c.TOSURI,
		&c.PolicyURI, &c.SoftwareID, &c.SoftwareVersion, &extra,
		&c.RegistrationTokenHash, &c.CreatedAt, &c.UpdatedAt, &c.Version,
		&ids, &hashes, &hints, &created, &expires,
	)
	if err != nil {
		return nil, err
	}
	if developerID != nil {
		c.DeveloperID = *developerID
	}
	c.Status = oauthclient.Status(status)
	c.TokenEndpointAuthMethod = oauthclient.AuthMethod(method)
	if grants != nil {
		c.GrantTypes = make([]oauthclient.GrantType, len(grants))
		for i, g := range grants {
			c.GrantTypes[i] = oauthclient.GrantType(g)
		}
	}
	if c.Extra, err = decodeExtra(extra); err != nil {
		return nil, err
	}
	c.CreatedAt, c.UpdatedAt = utc(c.CreatedAt), utc(c.UpdatedAt)
	if ids != nil {
		c.Secrets = make([]oauthclient.Secret, len(ids))
		for i := range ids {
			c.Secrets[i] = oauthclient.Secret{
				ID: ids[i], Hash: hashes[i], Hint: hints[i],
				CreatedAt: utc(created[i]), ExpiresAt: timeOrZero(expires[i]),
			}
		}
	}
	return &c, nil
}

func grantStrings(gs []oauthclient.GrantType) []string {
	if gs == nil {
		return nil
	}
	out := make([]string, len(gs))
	for i, g := range gs {
		out[i] = string(g)
	}
	return out
}

// encodeExtra writes extension metadata as one JSON object, each value
// byte for byte as given (members in key order), or nil (NULL) for a nil
// map. The column is json, not jsonb, so the text comes back unchanged.
func encodeExtra(m map[string]json.RawMessage) ([]byte, error) {
	if m == nil {
		return nil, nil
	}
	var b bytes.Buffer
	b.WriteByte('{')
	for i, k := range slices.Sorted(maps.Keys(m)) {
		if i > 0 {
			b.WriteByte(',')
		}
		key, err := json.Marshal(k)
		if err != nil {
			return nil, err
		}
		b.Write(key)
		b.WriteByte(':')
		v := m[k]
		if len(v) == 0 {
			v = json.RawMessage("null")
		}
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// decodeExtra reverses encodeExtra.
func decodeExtra(b []byte) (map[string]json.RawMessage, error) {
	if b == nil {
		return nil, nil
	}
	m := map[string]json.RawMessage{}
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	return m, nil
}

// secretArgs returns c's secrets as the arrays sqlInsertSecrets takes after
// the client ID.
func secretArgs(secrets []oauthclient.Secret) []any {
	ids := make([]string, len(secrets))
	hashes := make([]string, len(secrets))
	hints := make([]string, len(secrets))
	created := make([]time.Time, len(secrets))
	expires := make([]*time.Time, len(secrets))
	for i, s := range secrets {
		ids[i], hashes[i], hints[i] = s.ID, s.Hash, s.Hint
		created[i], expires[i] = s.CreatedAt, nullTime(s.ExpiresAt)
	}
	return []any{ids, hashes, hints, created, expires}
}

// queueSecrets queues, on b, the statement that stores c's secrets, if it
// has any.
func queueSecrets(b *pgx.Batch, c *oauthclient.Client) {
	if len(c.Secrets) == 0 {
		return
	}
	b.Queue(sqlInsertSecrets, append([]any{c.ID}, secretArgs(c.Secrets)...)...)
}

// GetClient returns the client with that ID, secrets included, or
// oauthclient.ErrNotFound. It costs one round trip.
func (s *Store) GetClient(ctx context.Context, id string) (*oauthclient.Client, error) {
	return queryOne(ctx, s, "get client", scanClient, sqlSelectClient+" WHERE c.id = $1", id)
}

// CreateClient stores c with its secrets. It returns
// oauthclient.ErrDuplicate if a client has c.ID, oauthclient.ErrNotFound
// if c.DeveloperID is set and names no developer, and
// oauthclient.ErrDeveloperInactive, storing nothing, if that developer is
// inactive.
//
// The client row and the secrets' row go in one batch: one round trip, run
// by the server as one implicit transaction, so that a failure of either
// statement (or of the connection) leaves neither.
func (s *Store) CreateClient(ctx context.Context, c *oauthclient.Client) error {
	const op = "create client"
	args, err := clientArgs(c)
	if err != nil {
		return wrapErr(ctx, op, err)
	}
	var b pgx.Batch
	b.Queue(sqlInsertClient, args...)
	queueSecrets(&b, c)
	br := s.pool.SendBatch(ctx, &b)
	tag, err := br.Exec()
	if err == nil && tag.RowsAffected() == 0 {
		// The developer is inactive. The secrets that follow in the batch
		// fail their foreign key, which rolls the implicit transaction
		// back; there is nothing to commit either way.
		_ = br.Close()
		return fmt.Errorf("postgres: %s: developer %q is inactive: %w", op, c.DeveloperID, oauthclient.ErrDeveloperInactive)
	}
	if err != nil {
		_ = br.Close()
		return wrapErr(ctx, op, err)
	}
	return wrapErr(ctx, op, br.Close())
}

// sqlLockDeveloper locks the developer's row against concurrent limited
// creations for the transaction (FOR NO KEY UPDATE: foreign key checks
// still pass) and returns its status.
const sqlLockDeveloper = `SELECT status FROM developers WHERE id = $1 FOR NO KEY UPDATE`

// sqlLimitReached counts, for each limit ($2 API IDs, $3 maxima), the
// clients of developer $1 bound to its API, and returns the first limit
// reached, if any. It runs after sqlLockDeveloper, as its own statement, so
// that its snapshot sees every client committed before the lock was given.
const sqlLimitReached = `SELECT lim.api_id, n FROM unnest($2::text[], $3::int[]) WITH ORDINALITY AS lim(api_id, max, ord)
CROSS JOIN LATERAL (SELECT count(*) AS n FROM clients c WHERE c.developer_id = $1 AND lim.api_id = ANY (c.api_ids)) cnt
WHERE lim.max > 0 AND n >= lim.max ORDER BY lim.ord LIMIT 1`

// CreateClientWithLimits is CreateClient that also returns
// portal.ErrClientLimit, storing nothing, if the developer already holds a
// limit's Max clients bound to its API. The developer's row is locked for
// the transaction, so that concurrent limited creations for one developer
// count one after the other.
func (s *Store) CreateClientWithLimits(ctx context.Context, c *oauthclient.Client, limits []portal.ClientLimit) error {
	if c.DeveloperID == "" || !slices.ContainsFunc(limits, func(l portal.ClientLimit) bool { return l.Max > 0 }) {
		return s.CreateClient(ctx, c)
	}
	const op = "create client"
	args, err := clientArgs(c)
	if err != nil {
		return wrapErr(ctx, op, err)
	}
	apis := make([]string, len(limits))
	maxima := make([]int32, len(limits))
	for i, l := range limits {
		apis[i], maxima[i] = l.APIID, int32(min(max(l.Max, 0), 1<<31-1))
	}
	var refused error
	err = s.inTx(ctx, op, func(tx pgx.Tx) error {
		var status string
		if err := tx.QueryRow(ctx, sqlLockDeveloper, c.DeveloperID).Scan(&status); err != nil {
			return err // no developer: pgx.ErrNoRows, ErrNotFound
		}
		if status != string(portal.DeveloperActive) {
			refused = fmt.Errorf("postgres: %s: developer %q is inactive: %w", op, c.DeveloperID, oauthclient.ErrDeveloperInactive)
			return nil
		}
		var api string
		var n int64
		switch err := tx.QueryRow(ctx, sqlLimitReached, c.DeveloperID, apis, maxima).Scan(&api, &n); {
		case err == nil:
			refused = fmt.Errorf("postgres: %s: developer %q holds %d clients for API %q: %w",
				op, c.DeveloperID, n, api, portal.ErrClientLimit)
			return nil
		case !errors.Is(err, pgx.ErrNoRows):
			return err
		}
		var b pgx.Batch
		b.Queue(sqlInsertClient, args...)
		queueSecrets(&b, c)
		return sendBatch(ctx, tx, &b)
	})
	if err != nil {
		return err
	}
	return refused
}

// UpdateClient replaces the client and its secrets if the stored version is
// c.Version, and with opts.RevokeTokens deletes its tokens, all in one
// transaction; it then sets c.Version+1. It returns oauthclient.ErrNotFound
// or oauthclient.ErrConflict (changing nothing).
func (s *Store) UpdateClient(ctx context.Context, c *oauthclient.Client, opts oauthclient.UpdateOptions) error {
	const op = "update client"
	args, err := clientArgs(c)
	if err != nil {
		return wrapErr(ctx, op, err)
	}
	var updated, exists bool
	err = s.inTx(ctx, op, func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, sqlUpdateClient, args...).Scan(&updated, &exists); err != nil {
			return err
		}
		if !updated {
			return nil // nothing changed; the transaction commits nothing
		}
		var b pgx.Batch
		b.Queue(sqlDeleteSecrets, c.ID)
		queueSecrets(&b, c)
		if opts.RevokeTokens {
			b.Queue(sqlDeleteClientTokens, c.ID)
		}
		return sendBatch(ctx, tx, &b)
	})
	if err != nil {
		return err
	}
	if !updated {
		return versionMiss(op, exists)
	}
	c.Version++
	return nil
}

// DeleteClient deletes the client; its secrets and tokens go with it in the
// same statement (ON DELETE CASCADE). It returns oauthclient.ErrNotFound if
// no client has that ID.
func (s *Store) DeleteClient(ctx context.Context, id string) error {
	tag, err := s.pool.Exec(ctx, `DELETE FROM clients WHERE id = $1`, id)
	if err != nil {
		return wrapErr(ctx, "delete client", err)
	}
	if tag.RowsAffected() == 0 {
		return errorf("delete client", oauthclient.ErrNotFound)
	}
	return nil
}

// ListClients returns the clients matching f, oldest first (CreatedAt, then
// ID), in one round trip.
func (s *Store) ListClients(ctx context.Context, f oauthclient.ClientFilter) ([]*oauthclient.Client, error) {
	offset, limit := offsetLimit(f.Page)
	if f.DeveloperID == "" {
		return queryAll(ctx, s, "list clients", scanClient, sqlSelectClient+
			" ORDER BY c.created_at, c.id OFFSET $1 LIMIT $2", offset, limit)
	}
	return queryAll(ctx, s, "list clients", scanClient, sqlSelectClient+
		" WHERE c.developer_id = $1 ORDER BY c.created_at, c.id OFFSET $2 LIMIT $3", f.DeveloperID, offset, limit)
}

// sendBatch sends b, if it holds anything, and returns the first error.
func sendBatch(ctx context.Context, tx pgx.Tx, b *pgx.Batch) error {
	if b.Len() == 0 {
		return nil
	}
	return tx.SendBatch(ctx, b).Close()
}
