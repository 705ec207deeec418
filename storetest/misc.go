package storetest

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portaloauth/portaloauth/oauthclient"
	"github.com/portaloauth/portaloauth/portal"
)

// scribbleClient changes every field of c that a store could share with
// its own copy: strings, slices, slice elements, the Extra map and its
// values.
func scribbleClient(c *oauthclient.Client) {
	c.ClientName = "scribbled"
	c.RedirectURIs[0] = "https://evil.example/cb"
	c.RedirectURIs = append(c.RedirectURIs, "https://evil.example/2")
	c.GrantTypes[0] = oauthclient.GrantImplicit
	c.ResponseTypes[0] = "token"
	c.Contacts[0] = "evil@example.com"
	c.APIIDs[0] = "evil"
	c.Secrets[0].Hash = "$sha256$evil"
	c.Secrets[0].Hint = "evil"
	if raw := c.Extra["x_tier"]; len(raw) > 1 {
		raw[1] = 'X'
	}
	c.Extra["x_evil"] = []byte(`true`)
	c.Status = oauthclient.StatusActive
}

func scribbleToken(t *oauthclient.Token) {
	t.Scope = "admin"
	t.Consumed = !t.Consumed
	if t.Code != nil {
		t.Code.RedirectURI = "https://evil.example/cb"
		t.Code.CodeChallenge = "evil"
	}
}

var clientCopyTests = []test[oauthclient.Store]{
	{"clients are copies: changing a value passed in or returned changes nothing stored", func(t *testing.T, s oauthclient.Store) {
		dev := newOwner(t, s, at(0))
		c := createClient(t, s, dev.ID, at(1))
		want := c.Clone()
		scribbleClient(c)
		assertClient(t, want, storedClient(t, s, want.ID), "after changing the created value")

		scribbleClient(storedClient(t, s, want.ID))
		assertClient(t, want, storedClient(t, s, want.ID), "after changing a returned value")

		list, err := s.ListClients(t.Context(), oauthclient.ClientFilter{DeveloperID: dev.ID})
		require.NoError(t, err)
		require.Len(t, list, 1)
		scribbleClient(list[0])
		assertClient(t, want, storedClient(t, s, want.ID), "after changing a listed value")

		updated := storedClient(t, s, want.ID)
		updated.ClientName = "Updated"
		require.NoError(t, s.UpdateClient(t.Context(), updated, oauthclient.UpdateOptions{}))
		want = updated.Clone()
		scribbleClient(updated)
		assertClient(t, want, storedClient(t, s, want.ID), "after changing an updated value")
	}},
}

var tokenCopyTests = []test[oauthclient.Store]{
	{"tokens are copies: changing a value passed in or returned changes nothing stored", func(t *testing.T, s oauthclient.Store) {
		c := clientWithTokens(t, s)
		code := createToken(t, s, newCode(c.ID, newID(), at(10)))
		want := code.Clone()
		scribbleToken(code)
		assertTokensExist(t, s, want)

		got, err := s.GetToken(t.Context(), want.Hash)
		require.NoError(t, err)
		scribbleToken(got)
		assertTokensExist(t, s, want)

		list, err := s.ListTokens(t.Context(), oauthclient.TokenFilter{ClientID: c.ID})
		require.NoError(t, err)
		require.Len(t, list, 1)
		scribbleToken(list[0])
		assertTokensExist(t, s, want)

		before, err := s.ConsumeToken(t.Context(), want.Hash)
		require.NoError(t, err)
		scribbleToken(before)
		want.Consumed = true
		assertTokensExist(t, s, want)
	}},
}

var developerCopyTests = []test[portal.DeveloperStore]{
	{"developers are copies: changing a value passed in or returned changes nothing stored", func(t *testing.T, s portal.DeveloperStore) {
		d := createDeveloper(t, s, at(1))
		want := *d
		d.Name, d.Status = "scribbled", portal.DeveloperInactive
		assertDeveloper(t, &want, storedDeveloper(t, s, want.ID))

		got := storedDeveloper(t, s, want.ID)
		got.Name, got.Email = "scribbled", "evil@example.com"
		assertDeveloper(t, &want, storedDeveloper(t, s, want.ID))

		got, err := s.GetDeveloperByEmail(t.Context(), want.Email)
		require.NoError(t, err)
		got.Name = "scribbled"
		list, err := s.ListDevelopers(t.Context(), oauthclient.Page{})
		require.NoError(t, err)
		require.Len(t, list, 1)
		list[0].Name = "scribbled"
		assertDeveloper(t, &want, storedDeveloper(t, s, want.ID))
	}},
}

// call is one store method called with a context.
type call[S any] struct {
	name string
	do   func(ctx context.Context, s S) error
}

func ignore(_ any, err error) error { return err }

// checkContext calls each method with an ended context and checks that it
// returns the context's error.
func checkContext[S any](t *testing.T, s S, calls []call[S]) {
	t.Helper()
	ctx := cancelled(t)
	for _, call := range calls {
		assert.ErrorIs(t, call.do(ctx, s), context.Canceled, call.name)
	}
}

func clientCalls(c *oauthclient.Client) []call[oauthclient.Store] {
	newC := newClient(c.DeveloperID, at(50))
	return []call[oauthclient.Store]{
		{"GetClient", func(ctx context.Context, s oauthclient.Store) error { return ignore(s.GetClient(ctx, c.ID)) }},
		{"CreateClient", func(ctx context.Context, s oauthclient.Store) error { return s.CreateClient(ctx, newC) }},
		{"UpdateClient", func(ctx context.Context, s oauthclient.Store) error {
			u := c.Clone()
			u.ClientName = "changed"
			return s.UpdateClient(ctx, u, oauthclient.UpdateOptions{RevokeTokens: true})
		}},
		{"DeleteClient", func(ctx context.Context, s oauthclient.Store) error { return s.DeleteClient(ctx, c.ID) }},
		{"ListClients", func(ctx context.Context, s oauthclient.Store) error {
			return ignore(s.ListClients(ctx, oauthclient.ClientFilter{}))
		}},
	}
}

func tokenCalls(c *oauthclient.Client, tok *oauthclient.Token) []call[oauthclient.Store] {
	newT := newToken(c.ID, newID(), at(50))
	return []call[oauthclient.Store]{
		{"CreateToken", func(ctx context.Context, s oauthclient.Store) error { return s.CreateToken(ctx, newT) }},
		{"GetToken", func(ctx context.Context, s oauthclient.Store) error { return ignore(s.GetToken(ctx, tok.Hash)) }},
		{"ConsumeToken", func(ctx context.Context, s oauthclient.Store) error { return ignore(s.ConsumeToken(ctx, tok.Hash)) }},
		{"DeleteToken", func(ctx context.Context, s oauthclient.Store) error { return s.DeleteToken(ctx, tok.Hash) }},
		{"RevokeGrant", func(ctx context.Context, s oauthclient.Store) error {
			return ignore(s.RevokeGrant(ctx, c.ID, tok.GrantID))
		}},
		{"RevokeClientTokens", func(ctx context.Context, s oauthclient.Store) error { return ignore(s.RevokeClientTokens(ctx, c.ID)) }},
		{"ListTokens", func(ctx context.Context, s oauthclient.Store) error {
			return ignore(s.ListTokens(ctx, oauthclient.TokenFilter{ClientID: c.ID}))
		}},
		{"PurgeExpiredTokens", func(ctx context.Context, s oauthclient.Store) error {
			p, ok := s.(oauthclient.TokenPurger)
			if !ok {
				return ctx.Err()
			}
			return ignore(p.PurgeExpiredTokens(ctx, at(1<<20), 100))
		}},
	}
}

func developerCalls(d *portal.Developer) []call[portal.DeveloperStore] {
	newD := newDeveloper(at(50))
	return []call[portal.DeveloperStore]{
		{"CreateDeveloper", func(ctx context.Context, s portal.DeveloperStore) error { return s.CreateDeveloper(ctx, newD) }},
		{"GetDeveloper", func(ctx context.Context, s portal.DeveloperStore) error { return ignore(s.GetDeveloper(ctx, d.ID)) }},
		{"GetDeveloperByEmail", func(ctx context.Context, s portal.DeveloperStore) error {
			return ignore(s.GetDeveloperByEmail(ctx, d.Email))
		}},
		{"UpdateDeveloper", func(ctx context.Context, s portal.DeveloperStore) error {
			u := *d
			u.Name = "changed"
			return s.UpdateDeveloper(ctx, &u)
		}},
		{"ListDevelopers", func(ctx context.Context, s portal.DeveloperStore) error {
			return ignore(s.ListDevelopers(ctx, oauthclient.Page{}))
		}},
		{"DeactivateDeveloper", func(ctx context.Context, s portal.DeveloperStore) error {
			return s.DeactivateDeveloper(ctx, d.ID, at(60))
		}},
	}
}

// contextTest is the rule every method follows when its context has ended.
const contextTest = "every method returns the context's error when it has ended, changing nothing"

var clientContextTests = []test[oauthclient.Store]{
	{contextTest, func(t *testing.T, s oauthclient.Store) {
		c := createClient(t, s, newOwner(t, s, at(1)).ID, at(2))
		tok := createToken(t, s, newCode(c.ID, newID(), at(3)))
		checkContext(t, s, clientCalls(c))
		assertClient(t, c, storedClient(t, s, c.ID))
		assertTokensExist(t, s, tok)
		list, err := s.ListClients(t.Context(), oauthclient.ClientFilter{})
		require.NoError(t, err)
		assert.Len(t, list, 1, "no client created")
	}},
}

var tokenContextTests = []test[oauthclient.Store]{
	{contextTest, func(t *testing.T, s oauthclient.Store) {
		c := clientWithTokens(t, s)
		tok := createToken(t, s, newCode(c.ID, newID(), at(3)))
		checkContext(t, s, tokenCalls(c, tok))
		assertClient(t, c, storedClient(t, s, c.ID))
		assertTokensExist(t, s, tok)
		list, err := s.ListTokens(t.Context(), oauthclient.TokenFilter{ClientID: c.ID})
		require.NoError(t, err)
		assert.Len(t, list, 1, "no token created")
	}},
}

var developerContextTests = []test[portal.DeveloperStore]{
	{contextTest, func(t *testing.T, s portal.DeveloperStore) {
		d := createDeveloper(t, s, at(1))
		checkContext(t, s, developerCalls(d))
		assertDeveloper(t, d, storedDeveloper(t, s, d.ID))
		devs, err := s.ListDevelopers(t.Context(), oauthclient.Page{})
		require.NoError(t, err)
		assert.Len(t, devs, 1, "no developer created")
	}},
}

var concurrencyTests = []test[oauthclient.Store]{
	{"of 50 concurrent updates with the same Version exactly one wins", func(t *testing.T, s oauthclient.Store) {
		c := clientWithTokens(t, s)
		const writers = 50
		errs := make([]error, writers)
		start := make(chan struct{})
		var wg sync.WaitGroup
		for i := range writers {
			wg.Go(func() {
				u := c.Clone()
				u.Description = "writer " + strconv.Itoa(i)
				<-start
				errs[i] = s.UpdateClient(t.Context(), u, oauthclient.UpdateOptions{})
			})
		}
		close(start)
		wg.Wait()
		winner := -1
		for i, err := range errs {
			switch {
			case err == nil:
				assert.Equal(t, -1, winner, "writers %d and %d both won", winner, i)
				winner = i
			default:
				assert.ErrorIs(t, err, oauthclient.ErrConflict, "writer %d", i)
			}
		}
		require.NotEqual(t, -1, winner, "no writer won")
		stored := storedClient(t, s, c.ID)
		assert.Equal(t, c.Version+1, stored.Version)
		assert.Equal(t, "writer "+strconv.Itoa(winner), stored.Description, "the winner's update is stored")
	}},
	{"concurrent read-modify-write retries lose no update", func(t *testing.T, s oauthclient.Store) {
		c := clientWithTokens(t, s)
		c.Description = "0"
		c.Contacts = nil
		require.NoError(t, s.UpdateClient(t.Context(), c, oauthclient.UpdateOptions{}))
		const writers, each = 8, 10
		var wg sync.WaitGroup
		errs := make([]error, writers)
		for w := range writers {
			wg.Go(func() { errs[w] = incrementLoop(t.Context(), s, c.ID, w, each) })
		}
		wg.Wait()
		for w, err := range errs {
			require.NoError(t, err, "writer %d", w)
		}
		stored := storedClient(t, s, c.ID)
		assert.Equal(t, c.Version+writers*each, stored.Version, "one version per successful update")
		assert.Equal(t, strconv.Itoa(writers*each), stored.Description, "every increment kept")
		assert.Len(t, stored.Contacts, writers*each, "every writer's additions kept")
	}},
	{"concurrent creates, reads, revocations and deletes keep the indexes whole", func(t *testing.T, s oauthclient.Store) {
		dev := newOwner(t, s, at(0))
		const clients = 8
		var wg sync.WaitGroup
		errs := make([]error, clients)
		for i := range clients {
			wg.Go(func() { errs[i] = churn(t.Context(), s, dev.ID, i) })
		}
		wg.Wait()
		for i, err := range errs {
			require.NoError(t, err, "client %d", i)
		}
		list, err := s.ListClients(t.Context(), oauthclient.ClientFilter{DeveloperID: dev.ID})
		require.NoError(t, err)
		assert.Len(t, list, clients/2, "the odd clients were deleted")
		for _, c := range list {
			tokens, err := s.ListTokens(t.Context(), oauthclient.TokenFilter{ClientID: c.ID})
			require.NoError(t, err)
			assert.Len(t, tokens, 5, "client %s keeps the tokens created after its revocation", c.ID)
		}
	}},
}

// incrementLoop increments the client's Description, a counter, n times,
// retrying each read-modify-write on ErrConflict.
func incrementLoop(ctx context.Context, s oauthclient.Store, id string, writer, n int) error {
	for i := 0; i < n; {
		c, err := s.GetClient(ctx, id)
		if err != nil {
			return err
		}
		v, err := strconv.Atoi(c.Description)
		if err != nil {
			return err
		}
		c.Description = strconv.Itoa(v + 1)
		c.Contacts = append(c.Contacts, "writer"+strconv.Itoa(writer)+"-"+strconv.Itoa(i)+"@example.com")
		switch err := s.UpdateClient(ctx, c, oauthclient.UpdateOptions{}); {
		case err == nil:
			i++
		case !errors.Is(err, oauthclient.ErrConflict):
			return err
		}
	}
	return nil
}

// churn creates a client with tokens, revokes them, creates more, and
// deletes the client if i is odd.
func churn(ctx context.Context, s oauthclient.Store, developerID string, i int) error {
	c := newClient(developerID, at(i))
	if err := s.CreateClient(ctx, c); err != nil {
		return err
	}
	grant := newID()
	for j := range 10 {
		if err := s.CreateToken(ctx, newToken(c.ID, grant, at(j))); err != nil {
			return err
		}
	}
	if n, err := s.RevokeClientTokens(ctx, c.ID); err != nil || n != 10 {
		return errors.Join(err, errors.New("revoked "+strconv.Itoa(n)+" tokens, want 10"))
	}
	for j := range 5 {
		if err := s.CreateToken(ctx, newToken(c.ID, grant, at(20+j))); err != nil {
			return err
		}
	}
	if i%2 == 1 {
		return s.DeleteClient(ctx, c.ID)
	}
	_, err := s.GetClient(ctx, c.ID)
	return err
}
