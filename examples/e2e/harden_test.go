package e2e_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portaloauth/portaloauth/examples/portal/authserver"
	"github.com/portaloauth/portaloauth/oauthclient"
	"github.com/portaloauth/portaloauth/portal/registration"
)

// clientFilterAll lists every client of a fixture.
var clientFilterAll = oauthclient.ClientFilter{Page: oauthclient.Page{Limit: oauthclient.MaxLimit}}

// TestRegistrationRefusesMetadataItCannotHonour: RFC 7591 §2 rules and the
// policy's scopes are enforced at the registration endpoint, before
// anything is stored: invalid_client_metadata naming the member.
func TestRegistrationRefusesMetadataItCannotHonour(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	reports, err := f.server.Registration().NewInitialAccessToken(registration.InitialAccess{
		DeveloperID: f.alice.ID, EntryIDs: []string{entryReports}})
	require.NoError(t, err)
	const base = `"client_name":"Reg","redirect_uris":["https://reg.example.com/cb"],"grant_types":["authorization_code"]`
	tests := []struct {
		name, iat, body string
	}{
		{"a scope the policy does not grant", f.iat, `{` + base + `,"scope":"read admin"}`},
		{"any scope under a policy without scopes", reports.Reveal(), `{` + base + `,"scope":"payments:write admin"}`},
		{"jwks and jwks_uri together", f.iat, `{` + base + `,"jwks":{"keys":[]},"jwks_uri":"https://reg.example.com/jwks"}`},
		{"jwks_uri over http", f.iat, `{` + base + `,"jwks_uri":"http://reg.example.com/jwks"}`},
		{"sector_identifier_uri on loopback", f.iat, `{` + base + `,"sector_identifier_uri":"http://127.0.0.1/s.json"}`},
		{"logo_uri over http", f.iat, `{` + base + `,"logo_uri":"http://reg.example.com/logo.png"}`},
		{"an unverified software_statement", f.iat, `{` + base + `,"software_statement":"eyJhbGciOiJub25lIn0.e30."}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			before, err := f.store.ListClients(t.Context(), clientFilterAll)
			require.NoError(t, err)
			rec := f.serve(jsonRequest(http.MethodPost, authserver.PathRegister, tc.iat, tc.body))
			got := decode[map[string]any](t, rec, http.StatusBadRequest)
			assert.Equal(t, "invalid_client_metadata", got["error"])
			after, err := f.store.ListClients(t.Context(), clientFilterAll)
			require.NoError(t, err)
			assert.Len(t, after, len(before), "nothing stored")
		})
	}
	// The same registration without the refused member succeeds.
	rec := f.serve(jsonRequest(http.MethodPost, authserver.PathRegister, reports.Reveal(), `{`+base+`}`))
	decode[map[string]any](t, rec, http.StatusCreated)
}
