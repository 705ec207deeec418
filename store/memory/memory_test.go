package memory_test

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portaloauth/portaloauth/oauthclient"
	"github.com/portaloauth/portaloauth/portal"
	"github.com/portaloauth/portaloauth/store/memory"
	"github.com/portaloauth/portaloauth/storetest"
)

func TestConformance(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T) portal.Store { return memory.New() })
}

var epoch = time.Date(2025, time.March, 1, 9, 0, 0, 0, time.UTC)

func addDeveloper(t *testing.T, s *memory.Store, id, email string) *portal.Developer {
	t.Helper()
	d := &portal.Developer{ID: id, Email: email, Status: portal.DeveloperActive, CreatedAt: epoch, Version: 1}
	require.NoError(t, s.CreateDeveloper(t.Context(), d))
	return d
}

func addClient(t *testing.T, s *memory.Store, id, developerID string, created time.Time) *oauthclient.Client {
	t.Helper()
	c := &oauthclient.Client{ID: id, DeveloperID: developerID, Status: oauthclient.StatusActive, CreatedAt: created, Version: 1}
	require.NoError(t, s.CreateClient(t.Context(), c))
	return c
}

func addToken(t *testing.T, s *memory.Store, hash, clientID, grantID string, issued time.Time) *oauthclient.Token {
	t.Helper()
	tok := &oauthclient.Token{Hash: hash, Kind: oauthclient.KindAccessToken, ClientID: clientID, GrantID: grantID, IssuedAt: issued, ExpiresAt: issued.Add(time.Hour)}
	require.NoError(t, s.CreateToken(t.Context(), tok))
	return tok
}

func TestEmailsIgnoreUnicodeCase(t *testing.T) {
	t.Parallel()
	tests := []struct{ stored, other string }{
		{"Ärger@example.com", "äRGER@EXAMPLE.COM"},
		{"straße@example.com", "STRAẞE@example.com"},
		{"σοφία@example.com", "ΣΟΦΊΑ@example.com"},
		{"kelvin@example.com", "\u212aelvin@example.com"},
	}
	for _, tt := range tests {
		t.Run(tt.stored, func(t *testing.T) {
			t.Parallel()
			s := memory.New()
			d := addDeveloper(t, s, "d1", tt.stored)
			got, err := s.GetDeveloperByEmail(t.Context(), tt.other)
			require.NoError(t, err)
			assert.Equal(t, d.ID, got.ID)
			require.ErrorIs(t, s.CreateDeveloper(t.Context(), &portal.Developer{ID: "d2", Email: tt.other}), oauthclient.ErrDuplicate)
		})
	}
	s := memory.New()
	addDeveloper(t, s, "d1", "strasse@example.com")
	require.NoError(t, s.CreateDeveloper(t.Context(), &portal.Developer{ID: "d2", Email: "straße@example.com"}),
		"simple case folding does not expand ß to ss")
}

func TestTokenHashesOfAnyForm(t *testing.T) {
	t.Parallel()
	s := memory.New()
	c := addClient(t, s, "c1", "", epoch)
	// A hash in another form, and the HashToken-form hash whose 32 bytes
	// are that form's SHA-256: two tokens, never one.
	odd := "legacy:1234"
	sum := sha256.Sum256([]byte(odd))
	twin := base64.RawURLEncoding.EncodeToString(sum[:])
	grant := "g"
	a := addToken(t, s, odd, c.ID, grant, epoch)
	b := addToken(t, s, twin, c.ID, grant, epoch.Add(time.Second))
	short := addToken(t, s, "x", c.ID, "", epoch.Add(2*time.Second))

	for _, want := range []*oauthclient.Token{a, b, short} {
		got, err := s.GetToken(t.Context(), want.Hash)
		require.NoError(t, err)
		assert.Equal(t, want, got)
	}
	list, err := s.ListTokens(t.Context(), oauthclient.TokenFilter{ClientID: c.ID})
	require.NoError(t, err)
	assert.Equal(t, []*oauthclient.Token{a, b, short}, list)

	_, err = s.ConsumeToken(t.Context(), odd)
	require.NoError(t, err)
	got, err := s.GetToken(t.Context(), twin)
	require.NoError(t, err)
	assert.False(t, got.Consumed, "consuming one form leaves the other")
	require.NoError(t, s.DeleteToken(t.Context(), twin))
	_, err = s.GetToken(t.Context(), odd)
	require.NoError(t, err)

	// No token has an empty hash, not even the one of the SHA-256 of "".
	empty := sha256.Sum256(nil)
	addToken(t, s, base64.RawURLEncoding.EncodeToString(empty[:]), c.ID, "", epoch)
	_, err = s.GetToken(t.Context(), "")
	require.ErrorIs(t, err, oauthclient.ErrNotFound)
	err = s.CreateToken(t.Context(), &oauthclient.Token{ClientID: c.ID})
	require.Error(t, err)
	require.NotErrorIs(t, err, oauthclient.ErrDuplicate)
}

func TestRevokeGrantEmptyNamesNoGrant(t *testing.T) {
	t.Parallel()
	s := memory.New()
	c := addClient(t, s, "c1", "", epoch)
	tok := addToken(t, s, oauthclient.HashToken("a"), c.ID, "", epoch)
	n, err := s.RevokeGrant(t.Context(), c.ID, "")
	require.NoError(t, err)
	assert.Zero(t, n)
	_, err = s.GetToken(t.Context(), tok.Hash)
	require.NoError(t, err)
}

func TestUpdateClientMovesOwnerAndOrder(t *testing.T) {
	t.Parallel()
	s := memory.New()
	ctx := t.Context()
	addDeveloper(t, s, "alice", "alice@example.com")
	addDeveloper(t, s, "bob", "bob@example.com")
	c1 := addClient(t, s, "c1", "alice", epoch.Add(1*time.Second))
	addClient(t, s, "c2", "alice", epoch.Add(2*time.Second))

	ids := func(developerID string) []string {
		list, err := s.ListClients(ctx, oauthclient.ClientFilter{DeveloperID: developerID})
		require.NoError(t, err)
		var out []string
		for _, c := range list {
			out = append(out, c.ID)
		}
		return out
	}

	c1.DeveloperID = "nobody"
	require.ErrorIs(t, s.UpdateClient(ctx, c1, oauthclient.UpdateOptions{}), oauthclient.ErrNotFound)
	assert.EqualValues(t, 1, c1.Version)
	assert.Equal(t, []string{"c1", "c2"}, ids("alice"))

	c1.DeveloperID = "bob"
	c1.CreatedAt = epoch.Add(3 * time.Second)
	require.NoError(t, s.UpdateClient(ctx, c1, oauthclient.UpdateOptions{}))
	assert.Equal(t, []string{"c2"}, ids("alice"))
	assert.Equal(t, []string{"c1"}, ids("bob"))
	assert.Equal(t, []string{"c2", "c1"}, ids(""))

	c1.DeveloperID = ""
	require.NoError(t, s.UpdateClient(ctx, c1, oauthclient.UpdateOptions{}))
	assert.Empty(t, ids("bob"))
	assert.Equal(t, []string{"c2", "c1"}, ids(""))
	require.NoError(t, s.DeactivateDeveloper(ctx, "bob", epoch))
	got, err := s.GetClient(ctx, "c1")
	require.NoError(t, err)
	assert.Equal(t, oauthclient.StatusActive, got.Status, "no longer bob's client")
}

func TestDeactivateDeveloperDeletesEveryClientsTokens(t *testing.T) {
	t.Parallel()
	s := memory.New()
	addDeveloper(t, s, "alice", "alice@example.com")
	c := addClient(t, s, "c1", "alice", epoch)
	tok := addToken(t, s, oauthclient.HashToken("a"), c.ID, "g", epoch)
	c.Status = oauthclient.StatusDisabled
	require.NoError(t, s.UpdateClient(t.Context(), c, oauthclient.UpdateOptions{}))
	require.NoError(t, s.DeactivateDeveloper(t.Context(), "alice", epoch.Add(time.Hour)))
	_, err := s.GetToken(t.Context(), tok.Hash)
	require.ErrorIs(t, err, oauthclient.ErrNotFound, "a disabled client's tokens go too")
	got, err := s.GetClient(t.Context(), c.ID)
	require.NoError(t, err)
	assert.Equal(t, c.Version, got.Version, "an already disabled client is not updated")
}

// TestPurgeManyTokens purges in small batches among many tokens, so that
// the scan resumes, wraps around the table and meets tombstones.
func TestPurgeManyTokens(t *testing.T) {
	t.Parallel()
	s := memory.New()
	ctx := t.Context()
	clients := []string{"c1", "c2", "c3"}
	for _, id := range clients {
		addClient(t, s, id, "", epoch)
	}
	now := epoch.Add(24 * time.Hour)
	var live []string
	expired := 0
	for i := range 3000 {
		tok := &oauthclient.Token{
			Hash: oauthclient.HashToken(strconv.Itoa(i)), ClientID: clients[i%3], GrantID: "g" + strconv.Itoa(i%50),
			IssuedAt: epoch, ExpiresAt: now.Add(time.Duration(i%4-2) * time.Minute),
		}
		require.NoError(t, s.CreateToken(ctx, tok))
		if tok.ExpiresAt.Before(now) {
			expired++
		} else {
			live = append(live, tok.Hash)
		}
	}
	const batch = 37
	total := 0
	for {
		n, err := s.PurgeExpiredTokens(ctx, now, batch)
		require.NoError(t, err)
		require.LessOrEqual(t, n, batch)
		total += n
		if n < batch {
			break
		}
	}
	assert.Equal(t, expired, total)
	for _, h := range live {
		_, err := s.GetToken(ctx, h)
		require.NoError(t, err)
	}
	remaining := 0
	for _, id := range clients {
		n, err := s.RevokeClientTokens(ctx, id)
		require.NoError(t, err)
		remaining += n
	}
	assert.Equal(t, len(live), remaining, "the client lists hold exactly the live tokens")
	n, err := s.PurgeExpiredTokens(ctx, now, 0)
	require.NoError(t, err)
	assert.Zero(t, n)
}

func TestCancelledContext(t *testing.T) {
	t.Parallel()
	s := memory.New()
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := s.PurgeExpiredTokens(ctx, epoch, 10)
	require.ErrorIs(t, err, context.Canceled)
}
