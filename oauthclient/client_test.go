package oauthclient

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func cloneTestClient() *Client {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	return &Client{
		ID: "c1",
		Metadata: Metadata{
			RedirectURIs:  []string{"https://a.example/cb", "https://b.example/cb"},
			GrantTypes:    []GrantType{GrantAuthorizationCode, GrantRefreshToken},
			ResponseTypes: []string{ResponseTypeCode},
			Contacts:      []string{"ops@example.com"},
			ClientName:    "App",
			Extra:         map[string]json.RawMessage{"x": json.RawMessage(`1`)},
		},
		APIIDs:  []string{"payments", "reports"},
		Secrets: []Secret{{ID: "s1", Hash: "$sha256$x", CreatedAt: now}},
	}
}

func TestCloneIsDeep(t *testing.T) {
	t.Parallel()
	orig := cloneTestClient()
	want := cloneTestClient()
	c := orig.Clone()
	require.Equal(t, want, c)

	c.RedirectURIs[0] = "changed"
	c.GrantTypes[0] = GrantClientCredentials
	c.ResponseTypes[0] = "changed"
	c.Contacts[0] = "changed"
	c.APIIDs[0] = "changed"
	c.Secrets[0].Hash = "changed"
	c.Extra["x"][0] = '2'
	c.Extra["y"] = nil
	assert.Equal(t, want, orig, "changing the clone's elements leaves the original alone")

	// Appending to one of the clone's slices leaves its others alone.
	c = orig.Clone()
	c.RedirectURIs = append(c.RedirectURIs, "appended")
	c.ResponseTypes = append(c.ResponseTypes, "appended")
	c.Contacts = append(c.Contacts, "appended")
	assert.Equal(t, want.ResponseTypes, c.ResponseTypes[:1])
	assert.Equal(t, want.Contacts, c.Contacts[:1])
	assert.Equal(t, want.APIIDs, c.APIIDs)
	assert.Equal(t, want, orig)
}

func TestCloneKeepsNilAndEmpty(t *testing.T) {
	t.Parallel()
	for _, c := range []*Client{
		{ID: "nil slices"},
		{ID: "empty slices", Metadata: Metadata{RedirectURIs: []string{}, GrantTypes: []GrantType{}, ResponseTypes: []string{},
			Contacts: []string{}, Extra: map[string]json.RawMessage{}}, APIIDs: []string{}, Secrets: []Secret{}},
		{ID: "some empty", Metadata: Metadata{RedirectURIs: []string{"https://a.example/cb"}, Contacts: []string{}}, APIIDs: []string{"p"}},
	} {
		t.Run(c.ID, func(t *testing.T) {
			t.Parallel()
			got := c.Clone()
			assert.Equal(t, c, got) // Equal tells nil from empty
			for _, pair := range [][2][]string{
				{c.RedirectURIs, got.RedirectURIs}, {c.ResponseTypes, got.ResponseTypes},
				{c.Contacts, got.Contacts}, {c.APIIDs, got.APIIDs},
			} {
				assert.Equal(t, pair[0] == nil, pair[1] == nil)
				assert.Zero(t, cap(pair[1])-len(pair[1]), "no room to append into a neighbour")
			}
		})
	}
	var nilClient *Client
	assert.Nil(t, nilClient.Clone())
}

func BenchmarkClone(b *testing.B) {
	c := cloneTestClient()
	b.ReportAllocs()
	for b.Loop() {
		_ = c.Clone()
	}
}
