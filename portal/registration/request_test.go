package registration

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portaloauth/portaloauth/oauthclient"
)

func TestCheckObject(t *testing.T) {
	t.Parallel()
	for _, ok := range []string{`{}`, ` {"a":1, "b":[1,{"a":2}]} `, `{"a":{"a":1}}`} {
		assert.NoError(t, checkObject([]byte(ok)), ok)
	}
	for _, bad := range []string{``, `[]`, `null`, `"a"`, `{`, `{"a":}`, `{"a":1}x`, `{"a":1}{}`, `{"a":1,"a":2}`, `{"a" 1}`} {
		require.ErrorIs(t, checkObject([]byte(bad)), oauthclient.ErrInvalidClientMetadata, bad)
	}
}

func TestParseRequest(t *testing.T) {
	t.Parallel()
	req, err := ParseRequest([]byte(`{"client_name":"App","redirect_uris":["https://a.example/cb"],"client_id":"c1",
		"client_secret":"s3cret","registration_access_token":"x","client_id_issued_at":1,"logo_uri#ja":"https://a.example/l.png"}`))
	require.NoError(t, err)
	assert.Equal(t, "App", req.Metadata.ClientName)
	assert.Equal(t, []string{"https://a.example/cb"}, req.Metadata.RedirectURIs)
	assert.Equal(t, "c1", req.ClientID)
	require.NotNil(t, req.ClientSecret)
	assert.Equal(t, "s3cret", req.ClientSecret.Reveal())
	assert.Equal(t, []string{"logo_uri#ja"}, keys(req.Metadata.Extra), "server-managed members are not metadata")

	req, err = ParseRequest([]byte(`{"client_name":"App"}`))
	require.NoError(t, err)
	assert.Empty(t, req.ClientID)
	assert.Nil(t, req.ClientSecret, "absent")
	assert.Nil(t, req.Metadata.Extra)

	req, err = ParseRequest([]byte(`{"client_id":7,"client_secret":null}`))
	require.NoError(t, err)
	assert.Empty(t, req.ClientID, "not a string")
	require.NotNil(t, req.ClientSecret, "present, though not a string")
	assert.True(t, req.ClientSecret.IsZero())

	tests := []struct {
		body, field string
	}{
		{`{"client_name":"a","client_name":"b"}`, "client_name"},
		{`{"redirect_uris":"https://a.example/cb"}`, "redirect_uris"},
		{`{"client_name":7}`, "client_name"},
		{`{"` + strings.Repeat("k", 100) + `":1,"` + strings.Repeat("k", 100) + `":2}`, strings.Repeat("k", maxFieldLen)},
		{`[]`, ""},
		{`{"a":1} {}`, ""},
	}
	for _, tc := range tests {
		_, err := ParseRequest([]byte(tc.body))
		require.ErrorIs(t, err, oauthclient.ErrInvalidClientMetadata, tc.body)
		errs := oauthclient.Errors(err)
		require.NotEmpty(t, errs, tc.body)
		assert.Equal(t, tc.field, errs[0].Field, tc.body)
	}
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func FuzzParseRequest(f *testing.F) {
	for _, seed := range []string{`{}`, `{"a":1,"a":2}`, `[]`, `{"a":1}x`, `{"redirect_uris":["https://a/cb"]}`,
		`{"client_id":"c","client_secret":"s","client_name":"n","grant_types":["client_credentials"]}`} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		if err := checkObject(body); err != nil {
			require.ErrorIs(t, err, oauthclient.ErrInvalidClientMetadata)
		}
		req, err := ParseRequest(body)
		if err != nil {
			require.ErrorIs(t, err, oauthclient.ErrInvalidClientMetadata)
			for _, e := range oauthclient.Errors(err) {
				require.LessOrEqual(t, len(e.Field), maxFieldLen+len("[999]"), "a field echoed back is bounded")
			}
			return
		}
		for _, k := range managedMembers {
			require.NotContains(t, req.Metadata.Extra, k, "a server-managed member is never metadata")
		}
	})
}
