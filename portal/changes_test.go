package portal_test

import (
	"bytes"
	"fmt"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/portaloauth/portaloauth/portal"
)

// TestChangeRenderingsHideTokenHashes: %v, %+v, %#v, %s and slog (text
// and JSON) never show the Key of a token change, or of a kind this
// version does not know; they show the IDs of the other kinds.
func TestChangeRenderingsHideTokenHashes(t *testing.T) {
	t.Parallel()
	const key = "c2VjcmV0LWhhc2gtb2YtYS10b2tlbg"
	tests := []struct {
		name   string
		change portal.Change
		shown  bool
	}{
		{"token", portal.Change{Kind: portal.ChangeToken, Key: key}, false},
		{"unknown kind", portal.Change{Kind: 200, Key: key}, false},
		{"zero kind", portal.Change{Key: key}, false},
		{"client tokens", portal.Change{Kind: portal.ChangeClientTokens, Key: key}, true},
		{"client", portal.Change{Kind: portal.ChangeClient, Key: key}, true},
		{"api", portal.Change{Kind: portal.ChangeAPI, Key: key}, true},
		{"policy", portal.Change{Kind: portal.ChangePolicy, Key: key}, true},
		{"entry", portal.Change{Kind: portal.ChangeEntry, Key: key}, true},
		{"failures", portal.Change{Kind: portal.ChangeFailures, Key: key}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var text, js bytes.Buffer
			slog.New(slog.NewTextHandler(&text, nil)).Info("change", "change", tt.change)
			slog.New(slog.NewJSONHandler(&js, nil)).Info("change", "change", tt.change)
			outputs := map[string]string{
				"%v":        fmt.Sprintf("%v", tt.change),
				"%+v":       fmt.Sprintf("%+v", tt.change),
				"%#v":       fmt.Sprintf("%#v", tt.change),
				"%s":        fmt.Sprintf("%s", tt.change),
				"ptr":       fmt.Sprintf("%v", &tt.change),
				"slog text": text.String(),
				"slog json": js.String(),
			}
			for name, out := range outputs {
				if tt.shown {
					assert.Contains(t, out, key, name)
					assert.NotContains(t, out, "[REDACTED]", name)
				} else {
					assert.NotContains(t, out, key, name)
					assert.Contains(t, out, "[REDACTED]", name)
				}
			}
		})
	}
}

func TestChangeRenderingsKeepTheirShape(t *testing.T) {
	t.Parallel()
	c := portal.Change{Kind: portal.ChangeToken, Key: "h"}
	assert.Equal(t, "{2 [REDACTED]}", fmt.Sprintf("%v", c))
	assert.Equal(t, "{Kind:2 Key:[REDACTED]}", fmt.Sprintf("%+v", c))
	assert.Equal(t, `portal.Change{Kind:0x2, Key:"[REDACTED]"}`, fmt.Sprintf("%#v", c))
	c = portal.Change{Kind: portal.ChangeClient, Key: "c1"}
	assert.Equal(t, "{4 c1}", fmt.Sprintf("%v", c))
	assert.Equal(t, `portal.Change{Kind:0x4, Key:"c1"}`, fmt.Sprintf("%#v", c))
	assert.Equal(t, "{1 }", fmt.Sprintf("%v", portal.Change{Kind: portal.ChangeAll}))
}

// A token change names the token by its hash, which no rendering shows.
func ExampleChange_Format() {
	fmt.Println(portal.Change{Kind: portal.ChangeToken, Key: "q8Lz...hash"})
	fmt.Println(portal.Change{Kind: portal.ChangeClient, Key: "c1"})
	// Output:
	// {2 [REDACTED]}
	// {4 c1}
}
