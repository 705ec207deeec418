package oauthclient

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// authTestClients is a map-backed ClientGetter that, like a store, returns
// copies.
type authTestClients map[string]*Client

var _ ClientGetter = authTestClients(nil)

func (m authTestClients) GetClient(_ context.Context, id string) (*Client, error) {
	c, ok := m[id]
	if !ok {
		return nil, ErrNotFound
	}
	cp := *c
	return &cp, nil
}

// authFailingClients is a ClientGetter whose store is down.
type authFailingClients struct{ err error }

var _ ClientGetter = authFailingClients{}

func (f authFailingClients) GetClient(context.Context, string) (*Client, error) { return nil, f.err }

var authTestNow = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// The presented secrets of the tests.
const (
	authSecretA = "poa_cs_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	authSecretB = "poa_cs_bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
	authWrong   = "poa_cs_wwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwww"
	authImport  = "an operator's imported secret"
)

// authTestSecret returns a stored secret of s created at the given offset
// from authTestNow and expiring at the other (zero: never).
func authTestSecret(t testing.TB, h *Hasher, id, s string, created, expires time.Duration) Secret {
	sec := Secret{ID: id, Hash: hashMust(t, h, s), Hint: SecretHint(NewPlaintext(s)), CreatedAt: authTestNow.Add(created)}
	if expires != 0 {
		sec.ExpiresAt = authTestNow.Add(expires)
	}
	return sec
}

// authTestFixtures returns the clients of the tests, their fast hashes made
// by h.
func authTestFixtures(t testing.TB, h *Hasher) authTestClients {
	client := func(id string, status Status, method AuthMethod, secrets ...Secret) *Client {
		return &Client{ID: id, Status: status, Metadata: Metadata{TokenEndpointAuthMethod: method}, Secrets: secrets}
	}
	a := authTestSecret(t, h, "a", authSecretA, -time.Hour, 0)
	bcryptA := Secret{ID: "bcrypt", Hash: hashTestBcrypt(t, "$2b$", authSecretA), CreatedAt: authTestNow}
	return authTestClients{
		"basic":        client("basic", StatusActive, AuthMethodBasic, a),
		"default":      client("default", StatusActive, "", a),
		"post":         client("post", StatusActive, AuthMethodPost, a),
		"public":       client("public", StatusActive, AuthMethodNone),
		"disabled":     client("disabled", StatusDisabled, AuthMethodBasic, a),
		"pending":      client("pending", StatusPending, AuthMethodBasic, a),
		"no status":    client("no status", "", AuthMethodBasic, a),
		"jwt":          client("jwt", StatusActive, "private_key_jwt", a),
		"public-x":     client("public-x", StatusDisabled, AuthMethodNone),
		"no secrets":   client("no secrets", StatusActive, AuthMethodBasic),
		"expired":      client("expired", StatusActive, AuthMethodBasic, authTestSecret(t, h, "a", authSecretA, -48*time.Hour, -time.Hour)),
		"expires soon": client("expires soon", StatusActive, AuthMethodBasic, authTestSecret(t, h, "a", authSecretA, -48*time.Hour, time.Nanosecond)),
		"expires now":  client("expires now", StatusActive, AuthMethodBasic, Secret{ID: "a", Hash: hashMust(t, h, authSecretA), ExpiresAt: authTestNow}),
		"corrupt hash": client("corrupt hash", StatusActive, AuthMethodBasic, Secret{ID: "x", Hash: "$sha256$garbage", CreatedAt: authTestNow}),
		"plain stored": client("plain stored", StatusActive, AuthMethodBasic, Secret{ID: "x", Hash: authSecretA, CreatedAt: authTestNow}),
		"bcrypt":       client("bcrypt", StatusActive, AuthMethodBasic, bcryptA),
		// Rotation: A in its grace period, B new.
		"rotating": client("rotating", StatusActive, AuthMethodBasic,
			authTestSecret(t, h, "a", authSecretA, -30*24*time.Hour, time.Hour),
			authTestSecret(t, h, "b", authSecretB, -time.Minute, 0)),
		// Rotation over: A expired, B current.
		"rotated": client("rotated", StatusActive, AuthMethodBasic,
			authTestSecret(t, h, "a", authSecretA, -30*24*time.Hour, -time.Second),
			authTestSecret(t, h, "b", authSecretB, -time.Minute, 0)),
		// Five valid secrets: A is the oldest, beyond the three tried.
		"many": client("many", StatusActive, AuthMethodBasic,
			authTestSecret(t, h, "a", authSecretA, -5*time.Hour, 0),
			authTestSecret(t, h, "1", "poa_cs_1", -4*time.Hour, 0),
			authTestSecret(t, h, "2", "poa_cs_2", -3*time.Hour, 0),
			authTestSecret(t, h, "b", authSecretB, -2*time.Hour, 0),
			authTestSecret(t, h, "3", "poa_cs_3", -1*time.Hour, 0)),
	}
}

// authTestHashers are the Hasher configurations every rule is checked under.
var authTestHashers = []struct {
	name   string
	hasher *Hasher
	fast   hashAlg // the algorithm of a generated secret's hash
}{
	{name: "sha256", hasher: nil, fast: hashAlgSHA256},
	{name: "hmac-sha256", hasher: &Hasher{Pepper: hashTestPepper, PreviousPeppers: [][]byte{hashTestOldPepper}}, fast: hashAlgHMAC},
}

// authTestAuthenticator authenticates against the fixtures hashed by h, at
// authTestNow.
func authTestAuthenticator(t testing.TB, h *Hasher) *Authenticator {
	return &Authenticator{Clients: authTestFixtures(t, h), Hasher: h, Now: func() time.Time { return authTestNow }}
}

func authCreds(id, secret string, m AuthMethod) Credentials {
	return Credentials{ClientID: id, Secret: NewPlaintext(secret), Method: m}
}

func TestAuthenticateSucceeds(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		creds Credentials
	}{
		{name: "basic", creds: authCreds("basic", authSecretA, AuthMethodBasic)},
		{name: "empty registered method means basic", creds: authCreds("default", authSecretA, AuthMethodBasic)},
		{name: "post", creds: authCreds("post", authSecretA, AuthMethodPost)},
		{name: "public client", creds: authCreds("public", "", AuthMethodNone)},
		{name: "secret expiring after now", creds: authCreds("expires soon", authSecretA, AuthMethodBasic)},
		{name: "old secret in grace period", creds: authCreds("rotating", authSecretA, AuthMethodBasic)},
		{name: "new secret during rotation", creds: authCreds("rotating", authSecretB, AuthMethodBasic)},
		{name: "new secret after rotation", creds: authCreds("rotated", authSecretB, AuthMethodBasic)},
		{name: "one of the newest three secrets", creds: authCreds("many", authSecretB, AuthMethodBasic)},
		{name: "migrated bcrypt hash", creds: authCreds("bcrypt", authSecretA, AuthMethodBasic)},
	}
	for _, hc := range authTestHashers {
		a := authTestAuthenticator(t, hc.hasher)
		for _, tt := range tests {
			t.Run(hc.name+"/"+tt.name, func(t *testing.T) {
				t.Parallel()
				var p hashPresented
				p.secret = tt.creds.Secret.Reveal()
				got, err := a.authenticate(t.Context(), tt.creds, &p)
				require.NoError(t, err)
				require.NotNil(t, got)
				assert.Equal(t, tt.creds.ClientID, got.ID)

				got, err = a.Authenticate(t.Context(), tt.creds)
				require.NoError(t, err)
				assert.Equal(t, tt.creds.ClientID, got.ID)
			})
		}
	}
}

func TestAuthenticateFailsAlike(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		creds Credentials
	}{
		{name: "unknown client", creds: authCreds("nobody", authSecretA, AuthMethodBasic)},
		{name: "unknown client without secret", creds: authCreds("nobody", "", AuthMethodNone)},
		{name: "empty client ID", creds: authCreds("", authSecretA, AuthMethodBasic)},
		{name: "wrong secret", creds: authCreds("basic", authWrong, AuthMethodBasic)},
		{name: "secret of another client's form", creds: authCreds("basic", authSecretB, AuthMethodBasic)},
		{name: "expired secret", creds: authCreds("expired", authSecretA, AuthMethodBasic)},
		{name: "secret expiring now", creds: authCreds("expires now", authSecretA, AuthMethodBasic)},
		{name: "expired secret after rotation", creds: authCreds("rotated", authSecretA, AuthMethodBasic)},
		{name: "secret older than the newest three", creds: authCreds("many", authSecretA, AuthMethodBasic)},
		{name: "disabled client", creds: authCreds("disabled", authSecretA, AuthMethodBasic)},
		{name: "pending client", creds: authCreds("pending", authSecretA, AuthMethodBasic)},
		{name: "client without status", creds: authCreds("no status", authSecretA, AuthMethodBasic)},
		{name: "disabled public client", creds: authCreds("public-x", "", AuthMethodNone)},
		{name: "public client presenting a secret", creds: authCreds("public", authSecretA, AuthMethodBasic)},
		{name: "public client presenting a secret as none", creds: authCreds("public", authSecretA, AuthMethodNone)},
		{name: "confidential client presenting none", creds: authCreds("basic", "", AuthMethodNone)},
		{name: "confidential client with empty basic secret", creds: authCreds("basic", "", AuthMethodBasic)},
		{name: "post used, basic registered", creds: authCreds("basic", authSecretA, AuthMethodPost)},
		{name: "basic used, post registered", creds: authCreds("post", authSecretA, AuthMethodBasic)},
		{name: "post used, default registered", creds: authCreds("default", authSecretA, AuthMethodPost)},
		{name: "no method", creds: authCreds("basic", authSecretA, "")},
		{name: "unsupported registered method", creds: authCreds("jwt", authSecretA, "private_key_jwt")},
		{name: "client without secrets", creds: authCreds("no secrets", authSecretA, AuthMethodBasic)},
		{name: "corrupt stored hash", creds: authCreds("corrupt hash", authSecretA, AuthMethodBasic)},
		{name: "plaintext stored", creds: authCreds("plain stored", authSecretA, AuthMethodBasic)},
		{name: "bcrypt wrong secret", creds: authCreds("bcrypt", authWrong, AuthMethodBasic)},
	}
	want := &Error{Code: CodeInvalidClient, Reason: authFailedReason}
	for _, hc := range authTestHashers {
		a := authTestAuthenticator(t, hc.hasher)
		for _, tt := range tests {
			t.Run(hc.name+"/"+tt.name, func(t *testing.T) {
				t.Parallel()
				got, err := a.Authenticate(t.Context(), tt.creds)
				assert.Nil(t, got)
				require.ErrorIs(t, err, ErrInvalidClient)
				var e *Error
				require.ErrorAs(t, err, &e)
				assert.Equal(t, want, e, "every failure is the same error")
				if s := tt.creds.Secret.Reveal(); s != "" {
					assert.NotContains(t, err.Error(), s)
					assert.NotContains(t, e.Description(), s)
				}
			})
		}
	}
}

// TestAuthenticateWorkIsTheSame checks, by counting hash computations, that
// whenever a secret is presented exactly one fast hash of it is computed,
// whatever the outcome: an unknown client costs what a wrong secret costs.
func TestAuthenticateWorkIsTheSame(t *testing.T) {
	t.Parallel()
	type work = [hashAlgCount]int
	tests := []struct {
		name  string
		creds Credentials
		ok    bool
		slow  hashAlg // a slow hash checked instead of the fast one; 0: none
	}{
		{name: "success", creds: authCreds("basic", authSecretA, AuthMethodBasic), ok: true},
		{name: "success post", creds: authCreds("post", authSecretA, AuthMethodPost), ok: true},
		{name: "success with two secrets", creds: authCreds("rotating", authSecretB, AuthMethodBasic), ok: true},
		{name: "success with five secrets", creds: authCreds("many", authSecretB, AuthMethodBasic), ok: true},
		{name: "unknown client", creds: authCreds("nobody", authSecretA, AuthMethodBasic)},
		{name: "empty client ID", creds: authCreds("", authSecretA, AuthMethodBasic)},
		{name: "wrong secret", creds: authCreds("basic", authWrong, AuthMethodBasic)},
		{name: "wrong secret, two secrets", creds: authCreds("rotating", authWrong, AuthMethodBasic)},
		{name: "wrong secret, five secrets", creds: authCreds("many", authWrong, AuthMethodBasic)},
		{name: "expired secret", creds: authCreds("expired", authSecretA, AuthMethodBasic)},
		{name: "disabled client", creds: authCreds("disabled", authSecretA, AuthMethodBasic)},
		{name: "pending client", creds: authCreds("pending", authSecretA, AuthMethodBasic)},
		{name: "public client presenting a secret", creds: authCreds("public", authSecretA, AuthMethodBasic)},
		{name: "wrong method", creds: authCreds("basic", authSecretA, AuthMethodPost)},
		{name: "unsupported registered method", creds: authCreds("jwt", authSecretA, "private_key_jwt")},
		{name: "no secrets", creds: authCreds("no secrets", authSecretA, AuthMethodBasic)},
		{name: "corrupt stored hash", creds: authCreds("corrupt hash", authSecretA, AuthMethodBasic)},
		{name: "bcrypt", creds: authCreds("bcrypt", authSecretA, AuthMethodBasic), ok: true, slow: hashAlgBcrypt},
		{name: "bcrypt wrong secret", creds: authCreds("bcrypt", authWrong, AuthMethodBasic), slow: hashAlgBcrypt},
	}
	for _, hc := range authTestHashers {
		a := authTestAuthenticator(t, hc.hasher)
		for _, tt := range tests {
			t.Run(hc.name+"/"+tt.name, func(t *testing.T) {
				t.Parallel()
				p := hashPresented{secret: tt.creds.Secret.Reveal()}
				got, err := a.authenticate(t.Context(), tt.creds, &p)
				assert.Equal(t, tt.ok, err == nil, "authenticated: %v", err)
				assert.Equal(t, tt.ok, got != nil)
				var want work
				if tt.slow != 0 {
					want[tt.slow] = 1
				} else {
					want[hc.fast] = 1
				}
				assert.Equal(t, want, p.work)
			})
		}
	}

	// Without a secret nothing is hashed, whatever the outcome.
	a := authTestAuthenticator(t, nil)
	for _, c := range []Credentials{
		authCreds("public", "", AuthMethodNone),
		authCreds("nobody", "", AuthMethodNone),
		authCreds("basic", "", AuthMethodNone),
		authCreds("basic", "", AuthMethodBasic),
		authCreds("public-x", "", AuthMethodNone),
	} {
		var p hashPresented
		_, _ = a.authenticate(t.Context(), c, &p)
		assert.Zero(t, p.totalWork(), c.ClientID)
	}
}

func TestAuthenticateStoreErrors(t *testing.T) {
	t.Parallel()
	errDown := errors.New("database unreachable")
	tests := []struct {
		name    string
		clients ClientGetter
		want    error
	}{
		{name: "store failure", clients: authFailingClients{err: errDown}, want: errDown},
		{name: "cancelled", clients: authFailingClients{err: context.Canceled}, want: context.Canceled},
		{name: "wrapped", clients: authFailingClients{err: errors.Join(errDown, errors.New("detail"))}, want: errDown},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			a := &Authenticator{Clients: tt.clients}
			got, err := a.Authenticate(t.Context(), authCreds("basic", authSecretA, AuthMethodBasic))
			assert.Nil(t, got)
			require.ErrorIs(t, err, tt.want)
			assert.NotErrorIs(t, err, ErrInvalidClient, "a server failure is not invalid_client")
			assert.NotContains(t, err.Error(), authSecretA)
		})
	}

	// A wrapped ErrNotFound is an unknown client.
	a := &Authenticator{Clients: authFailingClients{err: errors.Join(ErrNotFound, errors.New("no row"))}}
	_, err := a.Authenticate(t.Context(), authCreds("basic", authSecretA, AuthMethodBasic))
	require.ErrorIs(t, err, ErrInvalidClient)

	// No ClientGetter is an error, not a panic.
	_, err = (&Authenticator{}).Authenticate(t.Context(), authCreds("basic", authSecretA, AuthMethodBasic))
	require.Error(t, err)
	assert.NotErrorIs(t, err, ErrInvalidClient)
}

func TestAuthenticateDefaults(t *testing.T) {
	t.Parallel()
	// Nil Hasher: SHA-256; nil Now: the wall clock.
	clients := authTestClients{
		"c": {ID: "c", Status: StatusActive, Secrets: []Secret{
			authTestSecret(t, nil, "old", authSecretA, -time.Hour, 0),
		}},
		"gone": {ID: "gone", Status: StatusActive, Secrets: []Secret{
			{ID: "old", Hash: hashMust(t, nil, authSecretA), ExpiresAt: time.Now().Add(-time.Minute)},
		}},
		"later": {ID: "later", Status: StatusActive, Secrets: []Secret{
			{ID: "old", Hash: hashMust(t, nil, authSecretA), ExpiresAt: time.Now().Add(time.Hour)},
		}},
	}
	a := &Authenticator{Clients: clients}
	_, err := a.Authenticate(t.Context(), authCreds("c", authSecretA, AuthMethodBasic))
	require.NoError(t, err)
	_, err = a.Authenticate(t.Context(), authCreds("later", authSecretA, AuthMethodBasic))
	require.NoError(t, err)
	_, err = a.Authenticate(t.Context(), authCreds("gone", authSecretA, AuthMethodBasic))
	require.ErrorIs(t, err, ErrInvalidClient)
}

func TestAuthenticateDoesNotAllocateMuch(t *testing.T) {
	// Not parallel: testing.AllocsPerRun counts every goroutine's allocations.
	for _, hc := range authTestHashers {
		a := authTestAuthenticator(t, hc.hasher)
		creds := authCreds("rotating", authSecretB, AuthMethodBasic)
		ctx := t.Context()
		allocs := testing.AllocsPerRun(100, func() {
			if _, err := a.Authenticate(ctx, creds); err != nil {
				t.Fatal(err)
			}
		})
		// One: the copy the ClientGetter returns.
		assert.LessOrEqual(t, allocs, 1.0, hc.name)
	}
}

func TestAuthNewestValid(t *testing.T) {
	t.Parallel()
	at := func(h int) time.Time { return authTestNow.Add(time.Duration(h) * time.Hour) }
	valid := func(created int) Secret { return Secret{CreatedAt: at(created)} }
	expired := func(created int) Secret { return Secret{CreatedAt: at(created), ExpiresAt: at(-1)} }
	tests := []struct {
		name    string
		secrets []Secret
		want    [authMaxSecretsTried]int
	}{
		{name: "none", secrets: nil, want: [3]int{-1, -1, -1}},
		{name: "one", secrets: []Secret{valid(-1)}, want: [3]int{0, -1, -1}},
		{name: "expired skipped", secrets: []Secret{expired(-9), valid(-1)}, want: [3]int{1, -1, -1}},
		{name: "all expired", secrets: []Secret{expired(-9), expired(-8)}, want: [3]int{-1, -1, -1}},
		{name: "newest first", secrets: []Secret{valid(-3), valid(-1), valid(-2)}, want: [3]int{1, 2, 0}},
		{name: "oldest dropped", secrets: []Secret{valid(-5), valid(-1), valid(-2), valid(-4), valid(-3)}, want: [3]int{1, 2, 4}},
		{name: "ties: later index first", secrets: []Secret{valid(-1), valid(-1), valid(-1), valid(-1)}, want: [3]int{3, 2, 1}},
		{name: "zero times", secrets: []Secret{{}, {}}, want: [3]int{1, 0, -1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, authNewestValid(tt.secrets, authTestNow))
		})
	}
}
