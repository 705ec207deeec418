package registration

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portaloauth/portaloauth/oauthclient"
)

func TestInitialAccessTokens(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	r := f.reg
	ok := InitialAccess{DeveloperID: "d", EntryIDs: []string{"e"}}
	for name, add := range map[string]func() error{
		"short":       func() error { return r.AddInitialAccessToken(oauthclient.NewPlaintext("short"), ok) },
		"not token68": func() error { return r.AddInitialAccessToken(oauthclient.NewPlaintext("with space 0123456789"), ok) },
		"no developer": func() error {
			return r.AddInitialAccessToken(oauthclient.NewPlaintext("0123456789abcdef"), InitialAccess{EntryIDs: []string{"e"}})
		},
		"no entry": func() error {
			return r.AddInitialAccessToken(oauthclient.NewPlaintext("0123456789abcdef"), InitialAccess{DeveloperID: "d"})
		},
		"new without developer": func() error {
			_, err := r.NewInitialAccessToken(InitialAccess{EntryIDs: []string{"e"}})
			return err
		},
	} {
		assert.Error(t, add(), name)
	}

	entries := []string{"entry"}
	tok, err := r.NewInitialAccessToken(InitialAccess{DeveloperID: "dev-1", EntryIDs: entries, PolicyID: "policy"})
	require.NoError(t, err)
	entries[0] = "changed"
	assert.True(t, strings.HasPrefix(tok.Reveal(), "poa_iat_"))
	ia, found := r.initialAccess(tok)
	require.True(t, found)
	assert.Equal(t, InitialAccess{DeveloperID: "dev-1", EntryIDs: []string{"entry"}, PolicyID: "policy"}, ia, "a copy was kept")
	for k := range r.initials {
		assert.NotContains(t, k, tok.Reveal(), "only the hash is kept")
	}

	chosen := oauthclient.NewPlaintext("an-operator-chosen-token")
	require.NoError(t, r.AddInitialAccessToken(chosen, InitialAccess{DeveloperID: "dev-2", EntryIDs: []string{"e"}}))
	require.NoError(t, r.AddInitialAccessToken(chosen, InitialAccess{DeveloperID: "dev-3", EntryIDs: []string{"e"}}))
	ia, found = r.initialAccess(chosen)
	require.True(t, found)
	assert.Equal(t, "dev-3", ia.DeveloperID, "adding again replaces")
	_, found = r.initialAccess(oauthclient.Plaintext{})
	assert.False(t, found)
}
