package oauthclient

import (
	"encoding/base64"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// basicDecodeCases are payloads on both sides of basicStackBytes, valid
// and not.
var basicDecodeCases = []string{
	"",
	"YWJjOmRlZg==",
	"YWJjOmRlZg",
	"!!!",
	base64.StdEncoding.EncodeToString([]byte("id:" + strings.Repeat("s", 188))), // 256 characters
	base64.StdEncoding.EncodeToString([]byte("id:" + strings.Repeat("s", 192))), // 260 characters
	base64.StdEncoding.EncodeToString([]byte("id:"+strings.Repeat("s", 400))) + "!",
}

// TestBasicDecodeIsDecodeString: decoding on the stack changes nothing
// but the allocations.
func TestBasicDecodeIsDecodeString(t *testing.T) {
	t.Parallel()
	for _, c := range basicDecodeCases {
		want, err := base64.StdEncoding.DecodeString(c)
		got, ok := basicDecode(c)
		assert.Equal(t, err == nil, ok, "%q", c)
		if ok {
			assert.Equal(t, string(want), got, "%q", c)
		}
	}
}

func FuzzBasicDecode(f *testing.F) {
	for _, c := range basicDecodeCases {
		f.Add(c)
	}
	f.Fuzz(func(t *testing.T, payload string) {
		want, err := base64.StdEncoding.DecodeString(payload)
		got, ok := basicDecode(payload)
		if assert.Equal(t, err == nil, ok) && ok {
			assert.Equal(t, string(want), got)
		}
	})
}
