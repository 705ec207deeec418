package portal_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portaloauth/portaloauth/oauthclient"
	"github.com/portaloauth/portaloauth/portal"
	"github.com/portaloauth/portaloauth/store/memory"
)

func TestNewConfig(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		cfg   portal.Config
		field string // "" means valid
	}{
		{"store only", portal.Config{Store: memory.New()}, ""},
		{"no store", portal.Config{}, "Store"},
		{"negative max secrets", portal.Config{Store: memory.New(), MaxSecrets: -1}, "MaxSecrets"},
		{"max secrets 1", portal.Config{Store: memory.New(), MaxSecrets: 1}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			svc, err := portal.New(tt.cfg)
			if tt.field == "" {
				require.NoError(t, err)
				assert.NotNil(t, svc)
				return
			}
			require.ErrorIs(t, err, portal.ErrInvalidConfig)
			assert.Equal(t, tt.field, fieldOf(t, err))
			assert.Nil(t, svc)
		})
	}
}

// registerCases are the developer registration cases, shared by the test
// and the fuzz target.
var registerCases = []struct {
	name      string
	email     string
	devName   string
	wantEmail string
	wantName  string
	field     string // "" means valid
}{
	{"plain", "ada@example.com", "Ada", "ada@example.com", "Ada", ""},
	{"trimmed, domain lower-cased", "  Ada.L@Example.COM ", " Ada Lovelace ", "Ada.L@example.com", "Ada Lovelace", ""},
	{"plus address", "ada+portal@example.co.uk", "Ada", "ada+portal@example.co.uk", "Ada", ""},
	{"empty email", "", "Ada", "", "", "email"},
	{"spaces only", "   ", "Ada", "", "", "email"},
	{"no at", "ada.example.com", "Ada", "", "", "email"},
	{"display name", "Ada <ada@example.com>", "Ada", "", "", "email"},
	{"two addresses", "ada@example.com, bob@example.com", "Ada", "", "", "email"},
	{"no domain dot", "ada@localhost", "Ada", "", "", "email"},
	{"ip literal", "ada@[127.0.0.1]", "Ada", "", "", "email"},
	{"too long", strings.Repeat("a", 250) + "@example.com", "Ada", "", "", "email"},
	{"invalid utf-8", "ad\xffa@example.com", "Ada", "", "", "email"},
	{"empty name", "ada@example.com", "  ", "", "", "name"},
	{"control in name", "ada@example.com", "Ada\nLovelace", "", "", "name"},
	{"long name", "ada@example.com", strings.Repeat("é", 201), "", "", "name"},
	{"name of 200", "ada@example.com", strings.Repeat("é", 200), "ada@example.com", strings.Repeat("é", 200), ""},
	{"invalid utf-8 name", "ada@example.com", "A\xffda", "", "", "name"},
}

func TestRegisterDeveloper(t *testing.T) {
	t.Parallel()
	for _, tt := range registerCases {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t)
			d, err := f.svc.RegisterDeveloper(t.Context(), portal.NewDeveloper{Email: tt.email, Name: tt.devName})
			if tt.field != "" {
				require.ErrorIs(t, err, portal.ErrInvalidInput)
				assert.Equal(t, tt.field, fieldOf(t, err))
				assert.Nil(t, d)
				assert.Empty(t, f.rec.Events())
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.wantEmail, d.Email)
			assert.Equal(t, tt.wantName, d.Name)
			assert.Equal(t, portal.DeveloperActive, d.Status)
			assert.Equal(t, t0, d.CreatedAt)
			assert.NotEmpty(t, d.ID)

			got, err := f.svc.GetDeveloper(t.Context(), d.ID)
			require.NoError(t, err)
			assert.Equal(t, d.Email, got.Email)
			ev := f.rec.Last(t)
			assert.Equal(t, portal.EventDeveloperRegistered, ev.Type)
			assert.Equal(t, d.ID, ev.DeveloperID)
		})
	}
}

func TestRegisterDeveloperDuplicateEmail(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	first, err := f.svc.RegisterDeveloper(t.Context(), portal.NewDeveloper{Email: "ada@example.com", Name: "Ada", PasswordHash: "$argon2id$v=19$m=1,t=1,p=1$c2FsdA$aGFzaA"})
	require.NoError(t, err)
	assert.Equal(t, "$argon2id$v=19$m=1,t=1,p=1$c2FsdA$aGFzaA", first.PasswordHash)

	for _, email := range []string{"ada@example.com", "ADA@EXAMPLE.COM", " Ada@Example.com "} {
		d, err := f.svc.RegisterDeveloper(t.Context(), portal.NewDeveloper{Email: email, Name: "Impostor"})
		require.ErrorIs(t, err, portal.ErrDuplicate, email)
		assert.Equal(t, "email", fieldOf(t, err))
		assert.Nil(t, d)
	}
	assert.Len(t, f.rec.Events(), 1)
}

func TestGetDeveloperNotFound(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	_, err := f.svc.GetDeveloper(t.Context(), "nobody")
	require.ErrorIs(t, err, portal.ErrNotFound)
}

// FuzzRegisterDeveloper checks that no email or name makes registration
// panic, that every refusal names its field, and that an accepted email is
// stored normalised: registering it again, in any case, is a duplicate.
func FuzzRegisterDeveloper(f *testing.F) {
	for _, tt := range registerCases {
		f.Add(tt.email, tt.devName)
	}
	f.Fuzz(func(t *testing.T, email, name string) {
		svc, err := portal.New(portal.Config{Store: memory.New()})
		require.NoError(t, err)
		d, err := svc.RegisterDeveloper(t.Context(), portal.NewDeveloper{Email: email, Name: name})
		if err != nil {
			require.ErrorIs(t, err, portal.ErrInvalidInput)
			require.Contains(t, []string{"email", "name"}, fieldOf(t, err))
			return
		}
		require.Equal(t, strings.TrimSpace(d.Email), d.Email)
		require.Contains(t, d.Email, "@")
		_, err = svc.RegisterDeveloper(t.Context(), portal.NewDeveloper{Email: strings.ToUpper(d.Email), Name: "Other"})
		if err != nil && !errors.Is(err, portal.ErrInvalidInput) {
			require.ErrorIs(t, err, portal.ErrDuplicate)
		}
	})
}

// TestServiceSharesOneConfiguration: what the portal hashes with, the
// Authenticator it hands out verifies with; an Authenticator configured
// with another pepper fails loudly, not as a wrong secret.
func TestServiceSharesOneConfiguration(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	hasher := &oauthclient.Hasher{Pepper: []byte("0123456789abcdef0123456789abcdef")}
	svc, err := portal.New(portal.Config{Store: f.store, OAuth: oauthclient.Config{Hasher: hasher, Now: f.clock.Now}})
	require.NoError(t, err)
	oauth := svc.OAuth()
	assert.Same(t, hasher, oauth.Hasher)
	assert.Equal(t, t0, oauth.Now())
	require.NotNil(t, oauth.Redirects)
	require.NotNil(t, oauth.Rand)
	assert.True(t, oauth.Rand == svc.OAuth().Rand, "one random source")

	d, err := svc.RegisterDeveloper(t.Context(), portal.NewDeveloper{Email: "shared@example.com", Name: "Shared"})
	require.NoError(t, err)
	nc, err := svc.CreateClient(t.Context(), d.ID, request())
	require.NoError(t, err)
	creds := oauthclient.Credentials{ClientID: nc.Client.ID, Secret: nc.Secret, Method: oauthclient.AuthMethodBasic}
	got, err := svc.Authenticator().Authenticate(t.Context(), creds)
	require.NoError(t, err)
	assert.Equal(t, nc.Client.ID, got.ID)

	other := oauthclient.Config{Hasher: &oauthclient.Hasher{Pepper: []byte("another pepper, thirty-two bytes")}, Now: f.clock.Now}
	_, err = other.Authenticator(f.store).Authenticate(t.Context(), creds)
	require.ErrorIs(t, err, oauthclient.ErrUnknownKey)
	assert.Equal(t, http.StatusInternalServerError, oauthclient.HTTPStatus(err))
}
