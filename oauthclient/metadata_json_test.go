package oauthclient

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMetadataUnmarshalKnownAndExtra(t *testing.T) {
	t.Parallel()
	var m Metadata
	require.NoError(t, json.Unmarshal([]byte(metaFullJSON), &m))

	assert.Equal(t, []string{"https://app.example/cb", "http://127.0.0.1/cb"}, m.RedirectURIs)
	assert.Equal(t, AuthMethodPost, m.TokenEndpointAuthMethod)
	assert.Equal(t, []GrantType{GrantAuthorizationCode, GrantRefreshToken}, m.GrantTypes)
	assert.Equal(t, []string{"code"}, m.ResponseTypes)
	assert.Equal(t, "Example <App> & Co", m.ClientName)
	assert.Equal(t, "https://app.example/", m.ClientURI)
	assert.Equal(t, "https://app.example/logo.png", m.LogoURI)
	assert.Equal(t, "read write", m.Scope)
	assert.Equal(t, []string{"ops@app.example"}, m.Contacts)
	assert.Equal(t, "https://app.example/tos", m.TOSURI)
	assert.Equal(t, "https://app.example/privacy", m.PolicyURI)
	assert.Equal(t, "4NRB1-0XZABZI9E6-5SM3R", m.SoftwareID)
	assert.Equal(t, "2.1", m.SoftwareVersion)
	assert.Equal(t, map[string]json.RawMessage{
		"client_name#ja-Jpan-JP": json.RawMessage(`"アプリ"`),
		"jwks_uri":               json.RawMessage(`"https://app.example/jwks"`),
		"x_nested":               json.RawMessage(`{"a":[1,2,{"b":"\u003ctag\u003e"}],"c":null}`),
	}, m.Extra)

	_, err := ValidateMetadata(m, MetadataOptions{})
	require.NoError(t, err)
}

func TestMetadataJSONRoundTrip(t *testing.T) {
	t.Parallel()
	for name, input := range map[string]string{
		"full":    metaFullJSON,
		"empty":   `{}`,
		"nulls":   `{"client_name":null,"redirect_uris":null,"x":null}`,
		"escapes": `{"client_name":"a\u0000b\"c\\","x\u005fy":"\u2028<>&","z":1e400}`,
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var m1, m2 Metadata
			require.NoError(t, json.Unmarshal([]byte(input), &m1))
			b1, err := json.Marshal(m1)
			require.NoError(t, err)
			require.NoError(t, json.Unmarshal(b1, &m2))
			assert.Equal(t, m1, m2)
			b2, err := json.Marshal(m2)
			require.NoError(t, err)
			assert.Equal(t, string(b1), string(b2))
		})
	}
}

func TestMetadataUnmarshalNullAndEmptyAreAbsent(t *testing.T) {
	t.Parallel()
	var m Metadata
	require.NoError(t, json.Unmarshal([]byte(`{"redirect_uris":[],"grant_types":null,"client_name":null,"scope":""}`), &m))
	assert.Equal(t, Metadata{}, m)
}

func TestMetadataUnmarshalErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		input string
		want  []metaProblem
	}{
		{"array is a string", `{"redirect_uris":"https://app.example/cb"}`, []metaProblem{metaBad("redirect_uris")}},
		{"array is an object", `{"grant_types":{"a":1}}`, []metaProblem{metaBad("grant_types")}},
		{"element is a number", `{"contacts":["a@b.example",7]}`, []metaProblem{metaBad("contacts[1]")}},
		{"element is null", `{"response_types":[null]}`, []metaProblem{metaBad("response_types[0]")}},
		{"element is an array", `{"redirect_uris":[["https://a.example"]]}`, []metaProblem{metaBad("redirect_uris[0]")}},
		{"string is a number", `{"client_name":5}`, []metaProblem{metaBad("client_name")}},
		{"string is a boolean", `{"token_endpoint_auth_method":true}`, []metaProblem{metaBad("token_endpoint_auth_method")}},
		{"string is an array", `{"scope":["read"]}`, []metaProblem{metaBad("scope")}},
		{"duplicate member", `{"client_name":"a","client_name":"b"}`, []metaProblem{metaBad("client_name")}},
		{"duplicate through an escape", `{"client_name":"a","client\u005fname":"b"}`, []metaProblem{metaBad("client_name")}},
		{"duplicate extension member", `{"x":1,"x":2}`, []metaProblem{metaBad("x")}},
		{"every problem in document order", `{"software_id":1,"redirect_uris":[1,"ok",false],"scope":{}}`,
			[]metaProblem{metaBad("software_id"), metaBad("redirect_uris[0]"), metaBad("redirect_uris[2]"), metaBad("scope")}},
		{"not an object: array", `[]`, []metaProblem{metaBad("")}},
		{"not an object: string", `"x"`, []metaProblem{metaBad("")}},
		{"not an object: null", `null`, []metaProblem{metaBad("")}},
		{"not JSON", `{"a":`, []metaProblem{metaBad("")}},
		{"trailing data", `{} {}`, []metaProblem{metaBad("")}},
		{"empty", ``, []metaProblem{metaBad("")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m := Metadata{ClientName: "unchanged"}
			err := m.UnmarshalJSON([]byte(tt.input))
			requireProblems(t, err, tt.want)
			assert.Equal(t, Metadata{ClientName: "unchanged"}, m, "m must be left unchanged on error")
		})
	}
}

func TestMetadataUnmarshalThroughEncodingJSONKeepsTypedError(t *testing.T) {
	t.Parallel()
	var m Metadata
	err := json.Unmarshal([]byte(`{"redirect_uris":"https://app.example/cb"}`), &m)
	var e *Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, "redirect_uris", e.Field)
	assert.ErrorIs(t, err, ErrInvalidClientMetadata)
}

func TestMetadataMarshal(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		m    Metadata
		want string
	}{
		{"empty", Metadata{}, `{}`},
		{"known fields only", Metadata{ClientName: "A", GrantTypes: []GrantType{GrantClientCredentials}},
			`{"grant_types":["client_credentials"],"client_name":"A"}`},
		{"extra after known, sorted", Metadata{ClientName: "A", Extra: map[string]json.RawMessage{
			"z": json.RawMessage(`1`), "b": json.RawMessage(`{ "k" : [ true ] }`)}},
			`{"client_name":"A","b":{"k":[true]},"z":1}`},
		{"extra only", Metadata{Extra: map[string]json.RawMessage{"a": json.RawMessage(`"x"`)}}, `{"a":"x"}`},
		{"nil extra value is null", Metadata{Extra: map[string]json.RawMessage{"a": nil}}, `{"a":null}`},
		{"known name in extra never overrides", Metadata{ClientName: "good", Extra: map[string]json.RawMessage{
			"client_name": json.RawMessage(`"evil"`), "redirect_uris": json.RawMessage(`["https://evil.example"]`)}},
			`{"client_name":"good"}`},
		{"known name in extra with the field empty is still dropped", Metadata{Extra: map[string]json.RawMessage{
			"scope": json.RawMessage(`"admin"`)}}, `{}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := json.Marshal(tt.m)
			require.NoError(t, err)
			assert.JSONEq(t, tt.want, string(got))
			direct, err := tt.m.MarshalJSON()
			require.NoError(t, err)
			assert.Equal(t, string(got), string(direct), "compact without encoding/json's help")
		})
	}
}

func TestMetadataMarshalInvalidExtra(t *testing.T) {
	t.Parallel()
	m := Metadata{Extra: map[string]json.RawMessage{"ok": json.RawMessage(`1`), "broken": json.RawMessage(`{"a":`)}}
	_, err := m.MarshalJSON()
	var e *Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, "broken", e.Field)
	assert.ErrorIs(t, err, ErrInvalidClientMetadata)
}

// TestMetadataMembersMatchStructTags keeps metaMembers in step with the
// fields of Metadata, in order.
func TestMetadataMembersMatchStructTags(t *testing.T) {
	t.Parallel()
	var tags []string
	typ := reflect.TypeFor[Metadata]()
	for i := range typ.NumField() {
		name, _, _ := strings.Cut(typ.Field(i).Tag.Get("json"), ",")
		if name != "-" {
			tags = append(tags, name)
		}
	}
	assert.Equal(t, tags, metaMembers[:])
}

// FuzzMetadataJSON decodes arbitrary bytes as client metadata, validates
// them, and checks that encoding and decoding again is stable. No input may
// panic.
func FuzzMetadataJSON(f *testing.F) {
	f.Add([]byte(metaFullJSON))
	for _, seed := range []string{
		`{}`, `null`, `[]`, `"x"`, `{"a":`, `{} {}`,
		`{"redirect_uris":"https://app.example/cb"}`,
		`{"contacts":["a@b.example",7]}`,
		`{"client_name":"a","client\u005fname":"b"}`,
		`{"client_name":"a\u0000b\"c\\","x\u005fy":"\u2028<>&","z":1e400}`,
		`{"grant_types":["client_credentials"],"token_endpoint_auth_method":"none"}`,
		`{"grant_types":["implicit","password"],"response_types":["token"]}`,
		`{"redirect_uris":["https://a.example/cb","https://a.example/cb"],"scope":"a  b a"}`,
		`{"client_name#fr":"\u0007","tos_uri#de":"http://evil.example"}`,
		"{\"client_name\":\"\xff\",\"\xfe\":\"\xfd\"}",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var m1 Metadata
		if err := m1.UnmarshalJSON(data); err != nil {
			require.NotEmpty(t, Errors(err), "a decoding error is an *Error: %v", err)
			return
		}
		normal, verr := ValidateMetadata(m1, MetadataOptions{})
		if verr != nil {
			require.NotEmpty(t, Errors(verr), "a validation error is made of *Error: %v", verr)
		}

		b1, err := json.Marshal(m1)
		require.NoError(t, err, "decoded metadata must encode")
		var m2 Metadata
		require.NoError(t, json.Unmarshal(b1, &m2), "encoded metadata must decode: %s", b1)
		require.Equal(t, m1, m2, "round trip through %s", b1)
		b2, err := json.Marshal(m2)
		require.NoError(t, err)
		require.Equal(t, string(b1), string(b2))

		if verr == nil {
			again, err := ValidateMetadata(normal, MetadataOptions{})
			require.NoError(t, err, "the normalised copy validates")
			require.Equal(t, normal, again, "validation is idempotent")
			b3, err := json.Marshal(normal)
			require.NoError(t, err)
			var m3 Metadata
			require.NoError(t, json.Unmarshal(b3, &m3))
			require.Equal(t, normal, m3)
		}
	})
}
