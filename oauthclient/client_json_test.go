package oauthclient

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestClientJSONRoundTrip(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	c := Client{
		ID: "c1",
		Metadata: Metadata{
			ClientName:   "Shop",
			RedirectURIs: []string{"https://shop.example/cb"},
			Extra:        map[string]json.RawMessage{"x_color": json.RawMessage(`"blue"`), "status": json.RawMessage(`"forged"`)},
		},
		DeveloperID: "d1", APIIDs: []string{"a1"}, PolicyID: "p1", Description: "desc",
		Status:                StatusActive,
		Secrets:               []Secret{{ID: "s1", Hash: "$sha256$SECRETHASH", Hint: "poa_cs_…abcd", CreatedAt: at}},
		RegistrationTokenHash: "REGHASH",
		CreatedAt:             at, UpdatedAt: at, Version: 3,
	}
	data, err := json.Marshal(c)
	require.NoError(t, err)
	for _, want := range []string{`"client_id":"c1"`, `"status":"active"`, `"client_name":"Shop"`, `"x_color":"blue"`, `"version":3`, `"hint":"poa_cs_…abcd"`} {
		assert.Contains(t, string(data), want)
	}
	assert.NotContains(t, string(data), "forged", "extension metadata must not override a binding field")
	assert.NotContains(t, string(data), "SECRETHASH")
	assert.NotContains(t, string(data), "REGHASH")

	var back Client
	require.NoError(t, json.Unmarshal(data, &back))
	want := c.Clone()
	want.Secrets[0].Hash = ""
	want.RegistrationTokenHash = ""
	delete(want.Extra, "status")
	assert.Equal(t, want, &back)
}

func TestClientRendersNoHash(t *testing.T) {
	t.Parallel()
	c := Client{ID: "c1", Secrets: []Secret{{ID: "s1", Hash: "$sha256$SECRETHASH", Hint: "h"}}}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		assert.NotContains(t, fmt.Sprintf(verb, c), "SECRETHASH", verb)
	}
	assert.False(t, strings.Contains(c.Secrets[0].String(), "SECRETHASH"))
}
