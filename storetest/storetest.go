// Package storetest is the conformance suite of the store contracts: it
// checks that an implementation of the store role interfaces of packages
// oauthclient and portal does what their documentation says, sentence by
// sentence.
//
// An implementation's test is one function:
//
//	func TestConformance(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) portal.Store { return memory.New() })
//	}
//
// [Run] checks a whole [portal.Store]. A store that plays only some roles
// is checked role by role: [RunClients] and [RunTokens] for an
// [oauthclient.Store] (clients and tokens, as a gateway keeping its own
// database needs), [RunDevelopers] for a [portal.DeveloperStore] and
// [RunCatalogue] for a [portal.CatalogueStore].
//
// Each runs one subtest per documented rule, each on a fresh store from
// newStore, and in parallel: newStore must return an empty store that no
// other call's store shares (a new database schema, for instance), and may
// register its clean-up with t.Cleanup. Subtests compare times with
// microsecond precision and in UTC, and treat empty and nil slices alike,
// so that a SQL store passes as well as an in-memory one. IDs are UUIDs.
package storetest

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portaloauth/portaloauth/oauthclient"
	"github.com/portaloauth/portaloauth/portal"
)

// test is one rule of a contract, checked on a fresh store S.
type test[S any] struct {
	name string
	run  func(t *testing.T, s S)
}

// group is the tests of one role, run as one subtest.
type group[S any] struct {
	name  string
	tests []test[S]
}

// Run checks the store newStore returns against every documented rule of
// portal.Store: each role's rules ([RunClients], [RunTokens],
// [RunDevelopers], [RunCatalogue]) and those that span developers, clients
// and tokens, one subtest per rule, grouped by record type.
func Run(t *testing.T, newStore func(t *testing.T) portal.Store) {
	RunClients(t, func(t *testing.T) oauthclient.Store { return newStore(t) })
	RunTokens(t, func(t *testing.T) oauthclient.Store { return newStore(t) })
	RunDevelopers(t, func(t *testing.T) portal.DeveloperStore { return newStore(t) })
	RunCatalogue(t, func(t *testing.T) portal.CatalogueStore { return newStore(t) })
	runGroups(t, newStore, group[portal.Store]{"DeveloperClients", developerClientTests},
		group[portal.Store]{"ClientLimits", limitTests},
		group[portal.Store]{"Rotation", rotationTests})
}

// RunClients checks the rules of [oauthclient.ClientStore]. The store keeps
// tokens too, since deleting a client and UpdateOptions.RevokeTokens delete
// tokens. If it also implements [portal.DeveloperStore], the clients'
// developers are created in it; otherwise any developer ID is taken to
// name a developer kept elsewhere.
func RunClients(t *testing.T, newStore func(t *testing.T) oauthclient.Store) {
	runGroups(t, newStore, group[oauthclient.Store]{"Clients", slices.Concat(clientTests, clientCopyTests, clientContextTests, concurrencyTests)})
}

// RunTokens checks the rules of [oauthclient.TokenStore] and, if the store
// implements it, [oauthclient.TokenPurger]. Developers are treated as in
// [RunClients].
func RunTokens(t *testing.T, newStore func(t *testing.T) oauthclient.Store) {
	runGroups(t, newStore, group[oauthclient.Store]{"Tokens", slices.Concat(tokenTests, tokenCopyTests, tokenContextTests)})
}

// RunDevelopers checks the rules of [portal.DeveloperStore] that concern
// developers alone; [Run] checks how deactivating a developer changes
// their clients and tokens.
func RunDevelopers(t *testing.T, newStore func(t *testing.T) portal.DeveloperStore) {
	runGroups(t, newStore, group[portal.DeveloperStore]{"Developers", slices.Concat(developerTests, developerCopyTests, developerContextTests)})
}

// RunCatalogue checks the rules of [portal.CatalogueReader] and
// [portal.CatalogueAdmin] for each record type: the suite writes what it
// reads, so it needs both.
func RunCatalogue(t *testing.T, newStore func(t *testing.T) portal.CatalogueStore) {
	runGroups(t, newStore,
		group[portal.CatalogueStore]{"APIs", apiKind.tests()},
		group[portal.CatalogueStore]{"Policies", policyKind.tests()},
		group[portal.CatalogueStore]{"Entries", entryKind.tests()},
	)
}

// runGroups runs each group as a parallel subtest, and each of its tests as
// a parallel subtest of that on a fresh store.
func runGroups[S any](t *testing.T, newStore func(t *testing.T) S, groups ...group[S]) {
	for _, g := range groups {
		t.Run(g.name, func(t *testing.T) {
			t.Parallel()
			for _, tt := range g.tests {
				t.Run(tt.name, func(t *testing.T) {
					t.Parallel()
					s := newStore(t)
					require.NotNil(t, s, "newStore returned nil")
					tt.run(t, s)
				})
			}
		})
	}
}

// epoch is the time the fixtures are created around: whole seconds, so
// that any store's time precision keeps them.
var epoch = time.Date(2025, time.March, 1, 9, 0, 0, 0, time.UTC)

// at returns epoch plus sec seconds.
func at(sec int) time.Time { return epoch.Add(time.Duration(sec) * time.Second) }

func newID() string { return uuid.NewString() }

// hashOf is oauthclient.HashToken: SHA-256, base64url without padding.
func hashOf(value string) string {
	sum := sha256.Sum256([]byte(value))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

func newHash() string { return hashOf(newID()) }

// newDeveloper returns an active developer created at created.
func newDeveloper(created time.Time) *portal.Developer {
	id := newID()
	return &portal.Developer{
		ID:           id,
		Email:        "dev-" + id + "@example.com",
		Name:         "Developer " + id[:8],
		Status:       portal.DeveloperActive,
		PasswordHash: "$argon2id$v=19$m=65536,t=1,p=4$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo",
		CreatedAt:    created,
		UpdatedAt:    created,
		Version:      1,
	}
}

// newClient returns an active confidential client of the developer (empty:
// none), created at created, with every field set.
func newClient(developerID string, created time.Time) *oauthclient.Client {
	id := newID()
	return &oauthclient.Client{
		ID: id,
		Metadata: oauthclient.Metadata{
			RedirectURIs:            []string{"https://app.example.com/callback", "https://app.example.com/alt"},
			TokenEndpointAuthMethod: oauthclient.AuthMethodBasic,
			GrantTypes:              []oauthclient.GrantType{oauthclient.GrantAuthorizationCode, oauthclient.GrantRefreshToken},
			ResponseTypes:           []string{oauthclient.ResponseTypeCode},
			ClientName:              "App " + id[:8],
			ClientURI:               "https://app.example.com",
			LogoURI:                 "https://app.example.com/logo.png",
			Scope:                   "read write",
			Contacts:                []string{"ops@example.com"},
			TOSURI:                  "https://app.example.com/tos",
			PolicyURI:               "https://app.example.com/privacy",
			SoftwareID:              "app",
			SoftwareVersion:         "1.0",
			Extra:                   map[string]json.RawMessage{"x_tier": json.RawMessage(`"gold"`)},
		},
		DeveloperID: developerID,
		APIIDs:      []string{"payments", "orders"},
		PolicyID:    "gold",
		Description: "An application",
		Status:      oauthclient.StatusActive,
		Secrets: []oauthclient.Secret{
			{ID: newID(), Hash: "$sha256$" + hashOf("old"+id), Hint: "poa_cs_…old1", CreatedAt: created, ExpiresAt: created.Add(24 * time.Hour)},
			{ID: newID(), Hash: "$sha256$" + hashOf("new"+id), Hint: "poa_cs_…new2", CreatedAt: created},
		},
		RegistrationTokenHash: hashOf("registration" + id),
		CreatedAt:             created,
		UpdatedAt:             created,
		Version:               1,
	}
}

// newToken returns an access token of the client and grant issued at
// issued, valid for an hour.
func newToken(clientID, grantID string, issued time.Time) *oauthclient.Token {
	return &oauthclient.Token{
		Hash:      newHash(),
		Kind:      oauthclient.KindAccessToken,
		ClientID:  clientID,
		GrantID:   grantID,
		Subject:   "user-42",
		PolicyID:  "gold",
		Scope:     "read",
		IssuedAt:  issued,
		ExpiresAt: issued.Add(time.Hour),
	}
}

// newCode returns an unused authorization code of the client and grant.
func newCode(clientID, grantID string, issued time.Time) *oauthclient.Token {
	t := newToken(clientID, grantID, issued)
	t.Kind = oauthclient.KindAuthorizationCode
	t.ExpiresAt = issued.Add(time.Minute)
	t.Code = &oauthclient.CodeDetails{
		RedirectURI:         "https://app.example.com/callback",
		CodeChallenge:       "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
		CodeChallengeMethod: "S256",
	}
	return t
}

func createDeveloper(t *testing.T, s portal.DeveloperStore, created time.Time) *portal.Developer {
	t.Helper()
	d := newDeveloper(created)
	require.NoError(t, s.CreateDeveloper(t.Context(), d), "CreateDeveloper")
	return d
}

// newOwner returns an active developer, created at created, to own
// clients: stored in s if s keeps developers too, otherwise one kept
// elsewhere that only its ID links to.
func newOwner(t *testing.T, s oauthclient.ClientStore, created time.Time) *portal.Developer {
	t.Helper()
	if ds, ok := s.(portal.DeveloperStore); ok {
		return createDeveloper(t, ds, created)
	}
	return newDeveloper(created)
}

func createClient(t *testing.T, s oauthclient.ClientStore, developerID string, created time.Time) *oauthclient.Client {
	t.Helper()
	c := newClient(developerID, created)
	require.NoError(t, s.CreateClient(t.Context(), c), "CreateClient")
	return c
}

func createToken(t *testing.T, s oauthclient.TokenStore, tok *oauthclient.Token) *oauthclient.Token {
	t.Helper()
	require.NoError(t, s.CreateToken(t.Context(), tok), "CreateToken")
	return tok
}

// createTokens creates n access tokens of the client and grant, issued a
// second apart from first.
func createTokens(t *testing.T, s oauthclient.TokenStore, clientID, grantID string, first, n int) []*oauthclient.Token {
	t.Helper()
	out := make([]*oauthclient.Token, n)
	for i := range out {
		out[i] = createToken(t, s, newToken(clientID, grantID, at(first+i)))
	}
	return out
}

// normTime drops the location, the monotonic reading and what is finer
// than a microsecond.
func normTime(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return t.UTC().Round(0).Truncate(time.Microsecond)
}

func nilIfEmpty[S ~[]E, E any](s S) S {
	if len(s) == 0 {
		return nil
	}
	return s
}

func normClient(c *oauthclient.Client) *oauthclient.Client {
	if c == nil {
		return nil
	}
	c = c.Clone()
	c.RedirectURIs = nilIfEmpty(c.RedirectURIs)
	c.GrantTypes = nilIfEmpty(c.GrantTypes)
	c.ResponseTypes = nilIfEmpty(c.ResponseTypes)
	c.Contacts = nilIfEmpty(c.Contacts)
	c.APIIDs = nilIfEmpty(c.APIIDs)
	c.Secrets = nilIfEmpty(c.Secrets)
	for i := range c.Secrets {
		c.Secrets[i].CreatedAt = normTime(c.Secrets[i].CreatedAt)
		c.Secrets[i].ExpiresAt = normTime(c.Secrets[i].ExpiresAt)
	}
	if len(c.Extra) == 0 {
		c.Extra = nil
	}
	for k, v := range c.Extra {
		if compact, err := json.Marshal(v); err == nil { // JSON stores may respace it
			c.Extra[k] = compact
		}
	}
	c.CreatedAt = normTime(c.CreatedAt)
	c.UpdatedAt = normTime(c.UpdatedAt)
	return c
}

func normToken(t *oauthclient.Token) *oauthclient.Token {
	if t == nil {
		return nil
	}
	t = t.Clone()
	t.IssuedAt = normTime(t.IssuedAt)
	t.ExpiresAt = normTime(t.ExpiresAt)
	return t
}

func normDeveloper(d *portal.Developer) *portal.Developer {
	if d == nil {
		return nil
	}
	c := *d
	c.CreatedAt = normTime(c.CreatedAt)
	c.UpdatedAt = normTime(c.UpdatedAt)
	return &c
}

// Equality assertions on normalised values.

func assertClient(t *testing.T, want, got *oauthclient.Client, msgAndArgs ...any) bool {
	t.Helper()
	return assert.Equal(t, normClient(want), normClient(got), msgAndArgs...)
}

func assertToken(t *testing.T, want, got *oauthclient.Token, msgAndArgs ...any) bool {
	t.Helper()
	return assert.Equal(t, normToken(want), normToken(got), msgAndArgs...)
}

func assertDeveloper(t *testing.T, want, got *portal.Developer, msgAndArgs ...any) bool {
	t.Helper()
	return assert.Equal(t, normDeveloper(want), normDeveloper(got), msgAndArgs...)
}

// storedClient returns the stored client with that ID, failing the test if
// there is none.
func storedClient(t *testing.T, s oauthclient.ClientGetter, id string) *oauthclient.Client {
	t.Helper()
	c, err := s.GetClient(t.Context(), id)
	require.NoError(t, err, "GetClient")
	return c
}

func storedDeveloper(t *testing.T, s portal.DeveloperStore, id string) *portal.Developer {
	t.Helper()
	d, err := s.GetDeveloper(t.Context(), id)
	require.NoError(t, err, "GetDeveloper")
	return d
}

// assertTokensExist checks that every token is stored as given.
func assertTokensExist(t *testing.T, s oauthclient.TokenStore, tokens ...*oauthclient.Token) {
	t.Helper()
	for i, want := range tokens {
		got, err := s.GetToken(t.Context(), want.Hash)
		if assert.NoError(t, err, "token %d", i) {
			assertToken(t, want, got, "token %d", i)
		}
	}
}

// assertTokensGone checks that no token is stored any more.
func assertTokensGone(t *testing.T, s oauthclient.TokenStore, tokens ...*oauthclient.Token) {
	t.Helper()
	for i, tok := range tokens {
		_, err := s.GetToken(t.Context(), tok.Hash)
		assert.ErrorIs(t, err, oauthclient.ErrNotFound, "token %d", i)
	}
}

// keysOf returns the keys of records, in order.
func keysOf[T any](xs []*T, key func(*T) string) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = key(x)
	}
	return out
}

func clientIDs(cs []*oauthclient.Client) []string {
	return keysOf(cs, func(c *oauthclient.Client) string { return c.ID })
}

func tokenHashes(ts []*oauthclient.Token) []string {
	return keysOf(ts, func(t *oauthclient.Token) string { return t.Hash })
}

func developerIDs(ds []*portal.Developer) []string {
	return keysOf(ds, func(d *portal.Developer) string { return d.ID })
}

// sortedBy returns keys ordered by (times[i], keys[i]), the order of every
// List method.
func sortedBy(times []time.Time, keys []string) []string {
	idx := make([]int, len(keys))
	for i := range idx {
		idx[i] = i
	}
	slices.SortFunc(idx, func(a, b int) int {
		if c := times[a].Compare(times[b]); c != 0 {
			return c
		}
		switch {
		case keys[a] < keys[b]:
			return -1
		case keys[a] > keys[b]:
			return 1
		}
		return 0
	})
	out := make([]string, len(keys))
	for i, j := range idx {
		out[i] = keys[j]
	}
	return out
}

// cancelled returns a context that has ended.
func cancelled(t *testing.T) context.Context {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	return ctx
}
