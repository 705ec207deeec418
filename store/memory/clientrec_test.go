package memory

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portaloauth/portaloauth/oauthclient"
)

// recTestClients are clients whose records must give them back exactly:
// nil and empty lists and maps told apart, strings of every length the
// encoding writes in one or more bytes, times with their location and
// monotonic reading.
func recTestClients() map[string]*oauthclient.Client {
	now := time.Now() // with a monotonic reading
	paris := time.FixedZone("CET", 3600)
	long := strings.Repeat("x", 300) // a two-byte length
	return map[string]*oauthclient.Client{
		"zero":    {},
		"id only": {ID: "c1"},
		"full": {
			ID: "8a1f0c2e-3c1e-4b7a-9d8e-1f2a3b4c5d6e",
			Metadata: oauthclient.Metadata{
				RedirectURIs:            []string{"https://a.example/cb", "http://127.0.0.1/cb"},
				TokenEndpointAuthMethod: oauthclient.AuthMethodPost,
				GrantTypes:              []oauthclient.GrantType{oauthclient.GrantAuthorizationCode, oauthclient.GrantRefreshToken},
				ResponseTypes:           []string{oauthclient.ResponseTypeCode},
				ClientName:              "App", ClientURI: "https://a.example", LogoURI: "https://a.example/logo.png",
				Scope: "read write", Contacts: []string{"ops@a.example", "dev@a.example"}, TOSURI: "https://a.example/tos",
				PolicyURI: "https://a.example/policy", SoftwareID: "sw", SoftwareVersion: "1.2.3",
				Extra: map[string]json.RawMessage{"logo_uri#fr": json.RawMessage(`"https://a.example/fr.png"`), "null": nil, "empty": {}},
			},
			DeveloperID: "dev-1", APIIDs: []string{"payments", "reports"}, PolicyID: "gold", Description: long,
			Status: oauthclient.StatusPending, RegistrationTokenHash: "rat-hash",
			Secrets: []oauthclient.Secret{
				{ID: "s2", Hash: "$sha256$new", Hint: "poa_cs_…abcd", CreatedAt: now},
				{ID: "s1", Hash: "$sha256$old", Hint: "…", CreatedAt: now.Add(-time.Hour).In(paris), ExpiresAt: now.Add(time.Hour).UTC()},
			},
			CreatedAt: now.Add(-time.Hour), UpdatedAt: now.In(paris), Version: 42,
		},
		"empty lists": {
			ID: "c2",
			Metadata: oauthclient.Metadata{RedirectURIs: []string{}, GrantTypes: []oauthclient.GrantType{}, ResponseTypes: []string{},
				Contacts: []string{}, Extra: map[string]json.RawMessage{}},
			APIIDs: []string{}, Secrets: []oauthclient.Secret{},
		},
		"empty strings in lists": {ID: "c3", Metadata: oauthclient.Metadata{RedirectURIs: []string{"", long, ""}}},
		"short lists":            usualClient(),
		"two lists of one": {ID: "c4", Metadata: oauthclient.Metadata{RedirectURIs: []string{"https://a.example/cb"},
			Contacts: []string{"ops@a.example"}}},
		"one list of two": {ID: "c5", APIIDs: []string{"payments", "reports"}},
	}
}

// usualClient has the shape of most clients: a redirect URI, an API, two
// grant types and one secret.
func usualClient() *oauthclient.Client {
	return &oauthclient.Client{
		ID: "c6", Metadata: oauthclient.Metadata{RedirectURIs: []string{"https://a.example/cb"},
			GrantTypes: []oauthclient.GrantType{oauthclient.GrantAuthorizationCode, oauthclient.GrantClientCredentials}},
		APIIDs: []string{"payments"}, Secrets: []oauthclient.Secret{{ID: "s1", Hash: "$sha256$x"}},
	}
}

func TestClientRecDecodesUsualClientInOneAllocation(t *testing.T) {
	// Not parallel: testing.AllocsPerRun counts every goroutine's allocations.
	rec, err := newClientRec(usualClient(), "")
	require.NoError(t, err)
	allocs := testing.AllocsPerRun(100, func() { _ = rec.client() })
	assert.Equal(t, 1.0, allocs)
}

func TestClientRecRoundTrip(t *testing.T) {
	t.Parallel()
	for name, c := range recTestClients() {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			want := c.Clone()
			rec, err := newClientRec(c, c.DeveloperID)
			require.NoError(t, err)
			assert.Equal(t, c.ID, rec.id())
			got := rec.client()
			assert.Equal(t, want, got)
			assert.Equal(t, want, c, "encoding leaves the client alone")

			// The client handed out is the caller's: changing it changes
			// nothing stored, and its lists have no room to grow into
			// each other.
			for _, l := range [][]string{got.RedirectURIs, got.ResponseTypes, got.Contacts, got.APIIDs} {
				assert.Equal(t, len(l), cap(l))
				for i := range l {
					l[i] = "changed"
				}
			}
			for i := range got.GrantTypes {
				got.GrantTypes[i] = "changed"
			}
			for i := range got.Secrets {
				got.Secrets[i].Hash = "changed"
			}
			for k, v := range got.Extra {
				if len(v) > 0 {
					v[0] = '!'
				}
				got.Extra[k+"+"] = nil
			}
			assert.Equal(t, want, rec.client())
		})
	}
}

func TestClientRecSecretsShareEnc(t *testing.T) {
	t.Parallel()
	c := recTestClients()["full"]
	rec, err := newClientRec(c, c.DeveloperID)
	require.NoError(t, err)
	for _, s := range rec.secrets {
		for _, str := range []string{s.ID, s.Hash, s.Hint} {
			assert.True(t, strings.Contains(rec.enc, str), "%q is in enc", str)
		}
	}
}

// TestClientRecSet: a record updated in place keeps its secrets in its own
// inline array, not in the record it was copied from.
func TestClientRecSet(t *testing.T) {
	t.Parallel()
	for name, c := range recTestClients() {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			from, err := newClientRec(c, c.DeveloperID)
			require.NoError(t, err)
			var r clientRec
			r.set(from)
			assert.Equal(t, c, r.client())
			if len(r.secrets) > 0 {
				inline := len(c.Secrets) == 1
				assert.Equal(t, inline, &r.secrets[0] == &r.inline[0], "one secret lives inline")
				assert.Equal(t, inline, &r.secrets[0] != &from.secrets[0], "inline secrets are the record's own")
			}
		})
	}
	one := recTestClients()["full"]
	one.Secrets = one.Secrets[:1]
	from, err := newClientRec(one, "")
	require.NoError(t, err)
	var r clientRec
	r.set(from)
	assert.Same(t, &r.inline[0], &r.secrets[0])
	assert.Equal(t, one.Secrets, r.client().Secrets)
}

func FuzzClientRec(f *testing.F) {
	for _, c := range recTestClients() {
		var secret, extraKey string
		if len(c.Secrets) > 0 {
			secret = c.Secrets[0].Hash
		}
		for k := range c.Extra {
			extraKey = k
		}
		f.Add(c.ID, c.ClientName, strings.Join(c.RedirectURIs, "\n"), secret, extraKey, c.Version)
	}
	f.Fuzz(func(t *testing.T, id, name, uris, secret, extraKey string, version int64) {
		c := &oauthclient.Client{
			ID: id, Metadata: oauthclient.Metadata{ClientName: name, RedirectURIs: strings.Split(uris, "\n")},
			Secrets: []oauthclient.Secret{{ID: id, Hash: secret, Hint: name}}, Version: version,
		}
		if extraKey != "" {
			c.Extra = map[string]json.RawMessage{extraKey: json.RawMessage(secret)}
		}
		rec, err := newClientRec(c, "")
		require.NoError(t, err)
		assert.Equal(t, c, rec.client())
	})
}

func BenchmarkClientRecDecode(b *testing.B) {
	c := recTestClients()["full"]
	rec, err := newClientRec(c, c.DeveloperID)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		_ = rec.client()
	}
}
