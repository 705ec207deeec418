package authserver

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var jsonStrings = []string{
	"", "plain", `quote " and backslash \`, "<script>&</script>", "tab\tnew\nline\rcr",
	"\x00\x01\x08\x0c\x1f\x7f", "é ü 日本 😀", "line\u2028para\u2029", "bad \xff utf-8 \xc3", "\xed\xa0\x80",
}

// The hand-written encoder writes what encoding/json writes, byte for byte.
func TestAppendJSONStringMatchesEncodingJSON(t *testing.T) {
	t.Parallel()
	for _, s := range jsonStrings {
		want, err := json.Marshal(s)
		require.NoError(t, err)
		assert.Equal(t, string(want), string(appendJSONString(nil, s)), "%q", s)
	}
}

func FuzzAppendJSONString(f *testing.F) {
	for _, s := range jsonStrings {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, err := json.Marshal(s)
		require.NoError(t, err)
		require.Equal(t, string(want), string(appendJSONString(nil, s)))
	})
}

func TestResponsesMatchEncodingJSON(t *testing.T) {
	t.Parallel()
	type plainIntrospection Introspection // encoding/json's view, without appendJSON
	type plainToken TokenResponse
	for _, in := range []Introspection{
		{},
		{Active: true, ClientID: "c<1>", Scope: "read write", TokenType: "Bearer", ExpiresAt: 1700000000, IssuedAt: -5, Subject: "dev\n1", Issuer: "http://127.0.0.1:8080"},
		{Active: true, ClientID: "c", TokenType: "refresh_token"},
	} {
		want, err := json.Marshal(plainIntrospection(in))
		require.NoError(t, err)
		assert.Equal(t, string(want), string(in.appendJSON(nil)))
	}
	for _, tr := range []TokenResponse{
		{AccessToken: "poa_at_x", TokenType: "Bearer", ExpiresIn: 3600},
		{AccessToken: "a", TokenType: "Bearer", ExpiresIn: 0, RefreshToken: "poa_rt_\"y", Scope: "read"},
	} {
		want, err := json.Marshal(plainToken(tr))
		require.NoError(t, err)
		assert.Equal(t, string(want), string(tr.appendJSON(nil)))
	}
}
