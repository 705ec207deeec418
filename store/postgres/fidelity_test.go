package postgres

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portaloauth/portaloauth/catalogue"
	"github.com/portaloauth/portaloauth/oauthclient"
	"github.com/portaloauth/portaloauth/portal"
)

// TestFidelity: what the SQL types could alter comes back as it was given:
// extension metadata byte for byte, nil and empty slices, NULL expiries,
// code details, access rights without versions.
func TestFidelity(t *testing.T) {
	t.Parallel()
	s := newTestStore(t)
	ctx := t.Context()

	d := &portal.Developer{ID: "d1", Email: "Ann@Example.com", Name: "Ann", Status: portal.DeveloperActive,
		PasswordHash: "$x$", CreatedAt: t0, UpdatedAt: t0, Version: 1}
	require.NoError(t, s.CreateDeveloper(ctx, d))
	got, err := s.GetDeveloperByEmail(ctx, "ann@EXAMPLE.COM")
	require.NoError(t, err)
	assert.Equal(t, d, got)

	c := &oauthclient.Client{
		ID: "c1",
		Metadata: oauthclient.Metadata{
			RedirectURIs: []string{"https://a/cb", "https://b/cb"}, GrantTypes: []oauthclient.GrantType{"authorization_code"},
			ResponseTypes: []string{}, TokenEndpointAuthMethod: oauthclient.AuthMethodBasic, ClientName: "app",
			Extra: map[string]json.RawMessage{"x_b": json.RawMessage(`{"z": 1, "a": [1, 2]}`), "x_a": json.RawMessage(`"s"`)},
		},
		DeveloperID: "d1", APIIDs: []string{"api1"}, PolicyID: "p1", Status: oauthclient.StatusActive,
		Secrets: []oauthclient.Secret{
			{ID: "s2", Hash: "$h2", Hint: "h2", CreatedAt: t0, ExpiresAt: t0.Add(time.Hour)},
			{ID: "s1", Hash: "$h1", Hint: "h1", CreatedAt: t0},
		},
		RegistrationTokenHash: "rat", CreatedAt: t0, UpdatedAt: t0, Version: 1,
	}
	require.NoError(t, s.CreateClient(ctx, c))
	gc, err := s.GetClient(ctx, "c1")
	require.NoError(t, err)
	assert.Equal(t, c, gc)

	pub := &oauthclient.Client{ID: "c0", Status: oauthclient.StatusActive, CreatedAt: t0, UpdatedAt: t0, Version: 1}
	require.NoError(t, s.CreateClient(ctx, pub))
	gp, err := s.GetClient(ctx, "c0")
	require.NoError(t, err)
	assert.Equal(t, pub, gp)

	tok := &oauthclient.Token{Hash: "h", Kind: oauthclient.KindAuthorizationCode, ClientID: "c1", GrantID: "g",
		IssuedAt: t0, ExpiresAt: t0.Add(time.Minute), Code: &oauthclient.CodeDetails{CodeChallenge: "x", CodeChallengeMethod: "S256"}}
	require.NoError(t, s.CreateToken(ctx, tok))
	gt, err := s.GetToken(ctx, "h")
	require.NoError(t, err)
	assert.Equal(t, tok, gt)

	p := &catalogue.Policy{ID: "p", AccessRights: []catalogue.AccessRight{{APIID: "a", Versions: []string{}}, {APIID: "b"}},
		Scopes: []string{"read"}, Active: true, CreatedAt: t0, Version: 1}
	require.NoError(t, s.CreatePolicy(ctx, p))
	gpol, err := s.GetPolicy(ctx, "p")
	require.NoError(t, err)
	assert.Equal(t, p, gpol)
}
