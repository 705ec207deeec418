package oauthclient

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fullClient returns a client with every field set, hashes included.
func fullClient() Client {
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	return Client{
		ID: "c1",
		Metadata: Metadata{
			RedirectURIs:            []string{"https://shop.example/cb"},
			TokenEndpointAuthMethod: AuthMethodBasic,
			GrantTypes:              []GrantType{GrantAuthorizationCode},
			ResponseTypes:           []string{ResponseTypeCode},
			ClientName:              "Shop",
			ClientURI:               "https://shop.example",
			LogoURI:                 "https://shop.example/logo.png",
			Scope:                   "read",
			Contacts:                []string{"ops@shop.example"},
			TOSURI:                  "https://shop.example/tos",
			PolicyURI:               "https://shop.example/privacy",
			SoftwareID:              "shop",
			SoftwareVersion:         "1.0",
			Extra:                   map[string]json.RawMessage{"x_tier": json.RawMessage(`"gold"`)},
		},
		DeveloperID: "d1",
		APIIDs:      []string{"a1"},
		PolicyID:    "p1",
		Description: "An application",
		Status:      StatusActive,
		Secrets: []Secret{
			{ID: "s1", Hash: "$sha256$SECRETHASHONEaaaaaaaaaaaaaaaa", Hint: "poa_cs_…abcd", CreatedAt: at, ExpiresAt: at.Add(time.Hour)},
			{ID: "s2", Hash: "$argon2id$v=19$m=65536,t=1,p=4$c2FsdA$SECRETHASHTWObbbbbbbbbbbbb", Hint: "poa_cs_…efgh", CreatedAt: at, ExpiresAt: at.Add(2 * time.Hour)},
		},
		RegistrationTokenHash: "REGISTRATIONTOKENHASHcccccccccccc",
		CreatedAt:             at,
		UpdatedAt:             at,
		Version:               3,
	}
}

// requireAllSet fails if a field of v, an exported struct, is zero,
// looking into nested structs and the elements of slices of structs: a
// field added to Client must be set in fullClient to be checked below.
func requireAllSet(t *testing.T, v reflect.Value, path string) {
	t.Helper()
	if v.Kind() != reflect.Struct || v.Type() == reflect.TypeFor[time.Time]() {
		require.False(t, v.IsZero(), "%s is not set: set it in fullClient", path)
		return
	}
	for i := range v.NumField() {
		f, name := v.Field(i), path+"."+v.Type().Field(i).Name
		requireAllSet(t, f, name)
		if f.Kind() == reflect.Slice && f.Type().Elem().Kind() == reflect.Struct {
			for j := range f.Len() {
				requireAllSet(t, f.Index(j), fmt.Sprintf("%s[%d]", name, j))
			}
		}
	}
}

// hashMaterial is what must never appear in a rendering of c: each hash,
// its last segment (the digest) alone, and their hex forms.
func hashMaterial(c Client) []string {
	var hashes []string
	for _, s := range c.Secrets {
		hashes = append(hashes, s.Hash)
	}
	hashes = append(hashes, c.RegistrationTokenHash)
	var out []string
	for _, h := range hashes {
		digest := h[strings.LastIndex(h, "$")+1:]
		for _, m := range []string{h, digest} {
			out = append(out, m, hex.EncodeToString([]byte(m)), strings.ToUpper(hex.EncodeToString([]byte(m))))
		}
	}
	return out
}

func TestClientRenderingsShowNoHash(t *testing.T) {
	t.Parallel()
	c := fullClient()
	requireAllSet(t, reflect.ValueOf(c), "Client")
	forbidden := hashMaterial(c)

	renderings := map[string]string{}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "% x", "%10.3v"} {
		renderings[verb] = fmt.Sprintf(verb, c)
		renderings[verb+" pointer"] = fmt.Sprintf(verb, &c)
		renderings[verb+" in a slice"] = fmt.Sprintf(verb, []*Client{&c})
		renderings[verb+" in a struct"] = fmt.Sprintf(verb, struct{ C Client }{c})
		renderings[verb+" secret"] = fmt.Sprintf(verb, c.Secrets[0])
	}
	renderings["Errorf"] = fmt.Errorf("failed on %v", &c).Error()
	for _, v := range []any{c, &c} {
		data, err := json.Marshal(v)
		require.NoError(t, err)
		renderings[fmt.Sprintf("json %T", v)] = string(data)
	}
	handlers := map[string]func(*bytes.Buffer) slog.Handler{
		"slog json": func(b *bytes.Buffer) slog.Handler { return slog.NewJSONHandler(b, nil) },
		"slog text": func(b *bytes.Buffer) slog.Handler { return slog.NewTextHandler(b, nil) },
	}
	for name, newHandler := range handlers {
		var buf bytes.Buffer
		log := slog.New(newHandler(&buf))
		log.Info("client", "value", c, "pointer", &c, slog.Group("g", "secrets", c.Secrets))
		log.Info("client", slog.Any("any", c), slog.String("sprint", fmt.Sprint(c)))
		renderings[name] = buf.String()
	}

	for name, out := range renderings {
		for _, m := range forbidden {
			assert.NotContains(t, out, m, "%s shows hash material", name)
		}
	}
	// The renderings still show the rest: they are not empty placeholders.
	for _, name := range []string{"%+v", "%#v", "json oauthclient.Client", "slog text", "slog json"} {
		out := renderings[name]
		for _, want := range []string{"c1", "Shop", "d1", "poa_cs_…abcd"} {
			assert.Contains(t, out, want, name)
		}
	}
	assert.Contains(t, renderings["%+v"], "RegistrationTokenHash:"+redacted, "a set registration token hash shows as redacted")
	assert.True(t, strings.HasPrefix(renderings["%#v"], "oauthclient.Client{"), renderings["%#v"])
}
