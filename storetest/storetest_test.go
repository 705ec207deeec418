package storetest_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portaloauth/portaloauth/oauthclient"
	"github.com/portaloauth/portaloauth/portal"
	"github.com/portaloauth/portaloauth/store/memory"
	"github.com/portaloauth/portaloauth/storetest"
)

// The suite must fail on a store that breaks a contract. Each broken store
// below is the memory store with one rule broken; TestRunFailsOnBrokenStores
// runs the suite on each in a child process (Run takes a real *testing.T)
// and checks that the subtests of that rule fail.

// brokenEnv names the broken store a child process runs the suite on.
const brokenEnv = "STORETEST_BROKEN_STORE"

var brokenStores = map[string]struct {
	wrap    func(*memory.Store) portal.Store
	failing []string // subtests that must fail, as go test prints them
}{
	"UpdateClient ignores Version": {
		func(s *memory.Store) portal.Store { return ignoresVersions{s} },
		[]string{"Clients/UpdateClient_returns_ErrConflict_and_changes_nothing_on_a_stale_Version"},
	},
	"UpdateClient ignores RevokeTokens": {
		func(s *memory.Store) portal.Store { return ignoresRevokeTokens{s} },
		[]string{"Clients/UpdateClient_with_RevokeTokens_deletes_the_client's_tokens_only"},
	},
	"DeleteClient leaves the tokens": {
		func(s *memory.Store) portal.Store { return &keepsTokens{Store: s} },
		[]string{"Clients/DeleteClient_deletes_the_client_and_all_its_tokens"},
	},
	"GetClient shares its result": {
		func(s *memory.Store) portal.Store { return &sharesClients{Store: s} },
		[]string{"Clients/clients_are_copies"},
	},
	"DeactivateDeveloper leaves the clients": {
		func(s *memory.Store) portal.Store { return deactivatesOnlyDeveloper{s} },
		[]string{"DeveloperClients/DeactivateDeveloper_disables_their_clients_and_deletes_their_tokens"},
	},
	"ConsumeToken succeeds twice": {
		func(s *memory.Store) portal.Store { return consumesTwice{s} },
		[]string{
			"Tokens/ConsumeToken_returns_ErrTokenConsumed_with_the_token_if_it_was_used",
			"Tokens/ConsumeToken_lets_exactly_one_of_concurrent_callers_succeed",
		},
	},
	"RevokeClientTokens miscounts": {
		func(s *memory.Store) portal.Store { return revokesUncounted{s} },
		[]string{"Tokens/RevokeClientTokens_deletes_the_client's_tokens_only_and_counts"},
	},
	"ListClients ignores Offset": {
		func(s *memory.Store) portal.Store { return ignoresOffset{s} },
		[]string{"Clients/ListClients_skips_Offset_and_returns_at_most_Limit"},
	},
	"ListTokens is unlimited": {
		func(s *memory.Store) portal.Store { return unlimitedTokens{s} },
		[]string{
			"Tokens/ListTokens_returns_DefaultLimit_tokens_for_Limit_0",
			"Tokens/ListTokens_skips_Offset_and_returns_at_most_Limit",
		},
	},
	"ListDevelopers ignores Offset": {
		func(s *memory.Store) portal.Store { return developersFromStart{s} },
		[]string{"Developers/ListDevelopers_returns_developers_oldest_first,_offset_skipped,_at_most_limit"},
	},
	"GetDeveloperByEmail heeds case": {
		func(s *memory.Store) portal.Store { return caseSensitiveEmail{s} },
		[]string{"Developers/GetDeveloperByEmail_ignores_case"},
	},
}

// TestBrokenStore is the child process's test: it runs the suite on the
// broken store brokenEnv names, and fails if the suite catches it. It does
// nothing in an ordinary run.
func TestBrokenStore(t *testing.T) {
	name := os.Getenv(brokenEnv)
	if name == "" {
		return
	}
	b, ok := brokenStores[name]
	require.True(t, ok, "no broken store %q", name)
	if os.Getenv(brokenRolesEnv) == "" {
		storetest.Run(t, func(t *testing.T) portal.Store { return b.wrap(memory.New()) })
		return
	}
	newStore := func(t *testing.T) oauthclient.Store {
		m := memory.New()
		return clientsAndTokens{Store: b.wrap(m), elsewhere: m}
	}
	storetest.RunClients(t, newStore)
	storetest.RunTokens(t, newStore)
}

// brokenRolesEnv, when set, makes the child process run only the client
// and token suites, on the broken store seen as an oauthclient.Store.
const brokenRolesEnv = "STORETEST_BROKEN_ROLES"

// runBroken runs the suite on the named broken store in a child process
// and checks that it fails where it must and passes elsewhere.
func runBroken(t *testing.T, name string, failing []string, env ...string) {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^TestBrokenStore$", "-test.v", "-test.count=1")
	cmd.Env = append(append(os.Environ(), brokenEnv+"="+name), env...)
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	require.ErrorAs(t, err, &exit, "the suite passed a store where %s:\n%s", name, out)
	for _, sub := range failing {
		assert.Contains(t, string(out), "--- FAIL: TestBrokenStore/"+sub)
	}
	assert.Contains(t, string(out), "--- PASS: TestBrokenStore/", "the other rules still pass")
}

func TestRunFailsOnBrokenStores(t *testing.T) {
	t.Parallel()
	for name, b := range brokenStores {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			runBroken(t, name, b.failing)
		})
	}
}

// The client and token suites alone catch the broken stores of their
// roles, as a team keeping only clients and tokens relies on.
func TestRoleSuitesFailOnBrokenStores(t *testing.T) {
	t.Parallel()
	n := 0
	for name, b := range brokenStores {
		if !slices.ContainsFunc(b.failing, func(sub string) bool {
			return strings.HasPrefix(sub, "Clients/") || strings.HasPrefix(sub, "Tokens/")
		}) {
			continue
		}
		n++
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			runBroken(t, name, b.failing, brokenRolesEnv+"=1")
		})
	}
	require.GreaterOrEqual(t, n, 5, "client and token broken stores")
}

type ignoresVersions struct{ *memory.Store }

func (s ignoresVersions) UpdateClient(ctx context.Context, c *oauthclient.Client, opts oauthclient.UpdateOptions) error {
	if stored, err := s.Store.GetClient(ctx, c.ID); err == nil {
		c.Version = stored.Version
	}
	return s.Store.UpdateClient(ctx, c, opts)
}

type ignoresRevokeTokens struct{ *memory.Store }

func (s ignoresRevokeTokens) UpdateClient(ctx context.Context, c *oauthclient.Client, _ oauthclient.UpdateOptions) error {
	return s.Store.UpdateClient(ctx, c, oauthclient.UpdateOptions{})
}

// keepsTokens still finds the tokens of a deleted client, as a store
// without the cascade would.
type keepsTokens struct {
	*memory.Store
	mu      sync.Mutex
	orphans map[string]*oauthclient.Token
}

func (s *keepsTokens) DeleteClient(ctx context.Context, id string) error {
	tokens, err := s.Store.ListTokens(ctx, oauthclient.TokenFilter{ClientID: id, Page: oauthclient.Page{Limit: oauthclient.MaxLimit}})
	if err != nil {
		return err
	}
	s.mu.Lock()
	if s.orphans == nil {
		s.orphans = make(map[string]*oauthclient.Token)
	}
	for _, t := range tokens {
		s.orphans[t.Hash] = t
	}
	s.mu.Unlock()
	return s.Store.DeleteClient(ctx, id)
}

func (s *keepsTokens) GetToken(ctx context.Context, hash string) (*oauthclient.Token, error) {
	t, err := s.Store.GetToken(ctx, hash)
	if errors.Is(err, oauthclient.ErrNotFound) {
		s.mu.Lock()
		defer s.mu.Unlock()
		if orphan, ok := s.orphans[hash]; ok {
			return orphan.Clone(), nil
		}
	}
	return t, err
}

// sharesClients returns the same *Client while the stored version is
// unchanged.
type sharesClients struct {
	*memory.Store
	mu    sync.Mutex
	cache map[string]*oauthclient.Client
}

func (s *sharesClients) GetClient(ctx context.Context, id string) (*oauthclient.Client, error) {
	c, err := s.Store.GetClient(ctx, id)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if cached, ok := s.cache[id]; ok && cached.Version == c.Version {
		return cached, nil
	}
	if s.cache == nil {
		s.cache = make(map[string]*oauthclient.Client)
	}
	s.cache[id] = c
	return c, nil
}

type deactivatesOnlyDeveloper struct{ *memory.Store }

func (s deactivatesOnlyDeveloper) DeactivateDeveloper(ctx context.Context, id string, at time.Time) error {
	d, err := s.Store.GetDeveloper(ctx, id)
	if err != nil || d.Status == portal.DeveloperInactive {
		return err
	}
	d.Status, d.UpdatedAt = portal.DeveloperInactive, at
	return s.Store.UpdateDeveloper(ctx, d)
}

type caseSensitiveEmail struct{ *memory.Store }

func (s caseSensitiveEmail) GetDeveloperByEmail(ctx context.Context, email string) (*portal.Developer, error) {
	d, err := s.Store.GetDeveloperByEmail(ctx, email)
	if err == nil && d.Email != email {
		return nil, oauthclient.ErrNotFound
	}
	return d, err
}

// consumesTwice lets a one-time token be used again.
type consumesTwice struct{ *memory.Store }

func (s consumesTwice) ConsumeToken(ctx context.Context, hash string) (*oauthclient.Token, error) {
	t, err := s.Store.ConsumeToken(ctx, hash)
	if errors.Is(err, oauthclient.ErrTokenConsumed) {
		t.Consumed = false
		return t, nil
	}
	return t, err
}

// revokesUncounted deletes the tokens but reports none.
type revokesUncounted struct{ *memory.Store }

func (s revokesUncounted) RevokeClientTokens(ctx context.Context, clientID string) (int, error) {
	_, err := s.Store.RevokeClientTokens(ctx, clientID)
	return 0, err
}

// ignoresOffset always returns the first page.
type ignoresOffset struct{ *memory.Store }

func (s ignoresOffset) ListClients(ctx context.Context, f oauthclient.ClientFilter) ([]*oauthclient.Client, error) {
	f.Offset = 0
	return s.Store.ListClients(ctx, f)
}

// developersFromStart always returns the first developers.
type developersFromStart struct{ *memory.Store }

func (s developersFromStart) ListDevelopers(ctx context.Context, p oauthclient.Page) ([]*portal.Developer, error) {
	p.Offset = 0
	return s.Store.ListDevelopers(ctx, p)
}

// unlimitedTokens returns every token of the client whatever the limit.
type unlimitedTokens struct{ *memory.Store }

func (s unlimitedTokens) ListTokens(ctx context.Context, f oauthclient.TokenFilter) ([]*oauthclient.Token, error) {
	var all []*oauthclient.Token
	for offset := 0; ; offset += oauthclient.MaxLimit {
		f := f
		f.Offset, f.Limit = offset, oauthclient.MaxLimit
		page, err := s.Store.ListTokens(ctx, f)
		if err != nil {
			return nil, err
		}
		all = append(all, page...)
		if len(page) < oauthclient.MaxLimit {
			return all, nil
		}
	}
}

// TestClientsAndTokensOnly proves a store that keeps clients and tokens
// only, its developers living elsewhere, with the suites of those roles.
func TestClientsAndTokensOnly(t *testing.T) {
	t.Parallel()
	newStore := func(t *testing.T) oauthclient.Store {
		m := memory.New()
		return clientsAndTokens{Store: m, elsewhere: m}
	}
	_, keepsDevelopers := newStore(t).(portal.DeveloperStore)
	require.False(t, keepsDevelopers)
	storetest.RunClients(t, newStore)
	storetest.RunTokens(t, newStore)
}

// clientsAndTokens is a store of clients and tokens only: any developer ID
// names a developer kept elsewhere. The memory store beneath checks
// developers, so this one registers each owner there first.
type clientsAndTokens struct {
	oauthclient.Store
	elsewhere portal.DeveloperStore
}

func (s clientsAndTokens) CreateClient(ctx context.Context, c *oauthclient.Client) error {
	if c.DeveloperID != "" {
		d := &portal.Developer{ID: c.DeveloperID, Email: c.DeveloperID + "@example.com", Status: portal.DeveloperActive, Version: 1}
		if err := s.elsewhere.CreateDeveloper(ctx, d); err != nil && !errors.Is(err, oauthclient.ErrDuplicate) {
			return err
		}
	}
	return s.Store.CreateClient(ctx, c)
}
