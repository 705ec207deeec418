package oauthclient

import (
	"crypto/rand"
	"strconv"
	"testing"
	"time"
)

// authBenchClients returns n active client_secret_basic clients, each with
// one generated secret hashed by h, and their credentials.
func authBenchClients(b *testing.B, h *Hasher, n int) (authTestClients, []Credentials) {
	b.Helper()
	clients := make(authTestClients, n)
	creds := make([]Credentials, 0, n)
	now := time.Now()
	for i := range n {
		plain, sec, err := h.NewSecret(rand.Reader, now)
		if err != nil {
			b.Fatal(err)
		}
		id, err := NewClientID(rand.Reader)
		if err != nil {
			b.Fatal(err)
		}
		clients[id] = &Client{ID: id, Status: StatusActive, Secrets: []Secret{sec},
			Metadata: Metadata{TokenEndpointAuthMethod: AuthMethodBasic, ClientName: "client " + strconv.Itoa(i)}}
		creds = append(creds, Credentials{ClientID: id, Secret: plain, Method: AuthMethodBasic})
	}
	return clients, creds
}

// authBenchRun authenticates creds in turn; want says whether they should
// authenticate.
func authBenchRun(b *testing.B, a *Authenticator, creds []Credentials, want bool) {
	b.ReportAllocs()
	ctx := b.Context()
	i := 0
	for b.Loop() {
		c, err := a.Authenticate(ctx, creds[i])
		if (err == nil) != want || (c != nil) != want {
			b.Fatalf("authenticated %v, error %v", c != nil, err)
		}
		if i++; i == len(creds) {
			i = 0
		}
	}
}

func BenchmarkAuthenticate(b *testing.B) {
	for _, hc := range []struct {
		name   string
		hasher *Hasher
	}{
		{name: "sha256", hasher: nil},
		{name: "hmac-sha256", hasher: hashBenchPeppered},
	} {
		for _, n := range []int{1, 100_000} {
			clients, creds := authBenchClients(b, hc.hasher, n)
			a := &Authenticator{Clients: clients, Hasher: hc.hasher}
			b.Run(hc.name+"/clients="+strconv.Itoa(n), func(b *testing.B) {
				authBenchRun(b, a, creds, true)
			})
			if n == 1 {
				wrong := []Credentials{creds[0]}
				wrong[0].Secret = hashBenchSecret(b)
				unknown := []Credentials{creds[0]}
				unknown[0].ClientID = "00000000-0000-4000-8000-000000000000"
				b.Run(hc.name+"/wrong-secret", func(b *testing.B) { authBenchRun(b, a, wrong, false) })
				b.Run(hc.name+"/unknown-client", func(b *testing.B) { authBenchRun(b, a, unknown, false) })
			}
		}
	}
}

// BenchmarkAuthenticateBaseline does the work of BenchmarkAuthenticate for
// one client whose generated 256-bit secret is stored as a bcrypt (cost 10)
// or PBKDF2-SHA256 (25,000 iterations) hash instead.
func BenchmarkAuthenticateBaseline(b *testing.B) {
	secret := hashBenchSecret(b)
	for _, c := range []struct {
		name    string
		encoded string
	}{
		{name: "bcrypt-10", encoded: hashBenchBcrypt(b, secret.Reveal(), 10)},
		{name: "pbkdf2-25000", encoded: hashBenchPBKDF2(b, secret.Reveal(), 25000)},
	} {
		clients := authTestClients{"c": {ID: "c", Status: StatusActive,
			Metadata: Metadata{TokenEndpointAuthMethod: AuthMethodBasic},
			Secrets:  []Secret{{ID: "s", Hash: c.encoded, CreatedAt: time.Now()}}}}
		a := &Authenticator{Clients: clients}
		b.Run(c.name, func(b *testing.B) {
			authBenchRun(b, a, []Credentials{{ClientID: "c", Secret: secret, Method: AuthMethodBasic}}, true)
		})
	}
}
