package oauthclient

import (
	"bytes"
	"encoding/gob"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"log"
	"log/slog"
	"strings"
	"testing"
	"text/template"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// plainTestValue is the secret every rendering below must hide.
const plainTestValue = "sekrit-PLAINTEXT-value-42"

// plainAssertHidden fails if out shows the secret in any usual encoding.
func plainAssertHidden(t *testing.T, out string, msgAndArgs ...any) {
	t.Helper()
	for _, form := range []string{
		plainTestValue,
		"PLAINTEXT",
		hex.EncodeToString([]byte(plainTestValue)),
		strings.ToUpper(hex.EncodeToString([]byte(plainTestValue))),
		fmt.Sprintf("% x", []byte(plainTestValue))[:20],
		fmt.Sprint([]byte(plainTestValue))[:20],
	} {
		assert.NotContains(t, out, form, msgAndArgs...)
	}
}

// Holders of a Plaintext, exported and unexported, direct and nested.
type (
	plainExported struct {
		Name   string
		Secret Plaintext
	}
	plainUnexported struct {
		name   string
		secret Plaintext
	}
	plainMixed struct {
		Name    string
		Secret  Plaintext
		secret  Plaintext
		ptr     *Plaintext
		Ptr     *Plaintext
		iface   any
		Iface   any
		list    []Plaintext
		List    []Plaintext
		byName  map[string]Plaintext
		ByName  map[string]Plaintext
		nested  plainUnexported
		Nested  plainExported
		Wrapped error
	}
	plainEmbedded struct {
		Plaintext
		N int
	}
	plainTagged struct {
		Secret Plaintext `json:"secret,string" xml:"secret,attr"`
	}
)

func plainSubjects() map[string]any {
	p := NewPlaintext(plainTestValue)
	mixed := plainMixed{
		Name: "n", Secret: p, secret: p, ptr: &p, Ptr: &p, iface: p, Iface: p,
		list: []Plaintext{p}, List: []Plaintext{p},
		byName: map[string]Plaintext{"k": p}, ByName: map[string]Plaintext{"k": p},
		nested: plainUnexported{name: "n", secret: p}, Nested: plainExported{Name: "n", Secret: p},
		Wrapped: fmt.Errorf("wrapped: %v", p),
	}
	return map[string]any{
		"value":                        p,
		"pointer":                      &p,
		"exported field":               plainExported{Name: "n", Secret: p},
		"unexported field":             plainUnexported{name: "n", secret: p},
		"pointer to unexported holder": &plainUnexported{name: "n", secret: p},
		"mixed":                        mixed,
		"pointer to mixed":             &mixed,
		"embedded":                     plainEmbedded{Plaintext: p, N: 1},
		"tagged":                       plainTagged{Secret: p},
		"slice":                        []Plaintext{p, p},
		"map value":                    map[string]Plaintext{"k": p},
		"map key":                      map[Plaintext]int{p: 1},
		"any slice":                    []any{p, &p},
		"credentials":                  Credentials{ClientID: "c", Secret: p, Method: AuthMethodBasic},
		"credentials ptr":              &Credentials{ClientID: "c", Secret: p, Method: AuthMethodPost},
	}
}

func TestPlaintextMethods(t *testing.T) {
	t.Parallel()
	p := NewPlaintext(plainTestValue)
	assert.Equal(t, plainTestValue, p.Reveal())
	assert.False(t, p.IsZero())
	assert.Equal(t, "[REDACTED]", p.String())
	assert.Equal(t, "[REDACTED]", p.GoString())
	b, err := p.MarshalJSON()
	require.NoError(t, err)
	assert.JSONEq(t, `"[REDACTED]"`, string(b))
	b, err = p.MarshalText()
	require.NoError(t, err)
	assert.Equal(t, "[REDACTED]", string(b))
	assert.Equal(t, "[REDACTED]", p.LogValue().String())

	for _, zero := range []Plaintext{{}, NewPlaintext("")} {
		assert.True(t, zero.IsZero())
		assert.Empty(t, zero.Reveal())
		assert.Equal(t, "[REDACTED]", zero.String())
	}
}

func TestPlaintextFmt(t *testing.T) {
	t.Parallel()
	verbs := []string{
		"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "% x", "%#x", "%d", "%T", "%p",
		"%t", "%c", "%U", "%e", "%b", "%o", "%10s", "%-30v", "%.3s", "%08x", "%+q", "%#q", "%!", "%z",
	}
	for name, subject := range plainSubjects() {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			for _, verb := range verbs {
				plainAssertHidden(t, fmt.Sprintf(verb, subject), verb)
			}
			plainAssertHidden(t, fmt.Sprint(subject), "Sprint")
			plainAssertHidden(t, fmt.Sprintln(subject, subject), "Sprintln")
			plainAssertHidden(t, fmt.Errorf("failed: %v", subject).Error(), "Errorf")
			plainAssertHidden(t, errors.New(fmt.Sprint(subject)).Error(), "errors.New")

			var buf bytes.Buffer
			log.New(&buf, "", 0).Printf("%v %+v %#v", subject, subject, subject)
			plainAssertHidden(t, buf.String(), "log")

			buf.Reset()
			require.NoError(t, template.Must(template.New("t").Parse("{{.}} {{printf \"%#v\" .}}")).Execute(&buf, subject))
			plainAssertHidden(t, buf.String(), "text/template")
		})
	}
	// The value itself shows the redaction for the usual verbs.
	p := NewPlaintext(plainTestValue)
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d"} {
		assert.Equal(t, "[REDACTED]", fmt.Sprintf(verb, p), verb)
	}
	assert.Equal(t, "{n [REDACTED]}", fmt.Sprintf("%v", plainExported{Name: "n", Secret: p}))
}

func TestPlaintextEncodings(t *testing.T) {
	t.Parallel()
	for name, subject := range plainSubjects() {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			b, err := json.Marshal(subject)
			require.NoError(t, err)
			plainAssertHidden(t, string(b), "json")
			b, err = json.MarshalIndent(subject, "", "  ")
			require.NoError(t, err)
			plainAssertHidden(t, string(b), "json indent")

			var buf bytes.Buffer
			enc := json.NewEncoder(&buf)
			enc.SetEscapeHTML(false)
			require.NoError(t, enc.Encode(subject))
			plainAssertHidden(t, buf.String(), "json encoder")

			// xml refuses maps and gob refuses Plaintext (no exported
			// fields): whatever they write, even before failing, must hide
			// the secret.
			b, _ = xml.Marshal(subject)
			plainAssertHidden(t, string(b), "xml")
			buf.Reset()
			_ = gob.NewEncoder(&buf).Encode(subject)
			plainAssertHidden(t, buf.String(), "gob")
		})
	}

	b, err := json.Marshal(plainExported{Name: "n", Secret: NewPlaintext(plainTestValue)})
	require.NoError(t, err)
	assert.JSONEq(t, `{"Name":"n","Secret":"[REDACTED]"}`, string(b))
}

func TestPlaintextSlog(t *testing.T) {
	t.Parallel()
	handlers := map[string]func(*bytes.Buffer) slog.Handler{
		"json": func(b *bytes.Buffer) slog.Handler {
			return slog.NewJSONHandler(b, &slog.HandlerOptions{Level: slog.LevelDebug, AddSource: true})
		},
		"text": func(b *bytes.Buffer) slog.Handler {
			return slog.NewTextHandler(b, &slog.HandlerOptions{Level: slog.LevelDebug})
		},
	}
	for hname, newHandler := range handlers {
		for name, subject := range plainSubjects() {
			t.Run(hname+"/"+name, func(t *testing.T) {
				t.Parallel()
				var buf bytes.Buffer
				logger := slog.New(newHandler(&buf))
				logger.Info("msg", "subject", subject)
				logger.With("with", subject).WithGroup("g").Warn("grouped", slog.Any("any", subject), slog.Group("inner", "v", subject))
				logger.Error(fmt.Sprint(subject), slog.String("s", fmt.Sprintf("%+v", subject)))
				logger.Debug("attrs", slog.Any("s", subject))
				logger.LogAttrs(t.Context(), slog.LevelInfo, "attrs", slog.Any("s", subject))
				plainAssertHidden(t, buf.String())
				assert.Contains(t, buf.String(), "msg")
			})
		}
	}
}
