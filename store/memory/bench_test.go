package memory_test

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/portaloauth/portaloauth/oauthclient"
	"github.com/portaloauth/portaloauth/portal"
	"github.com/portaloauth/portaloauth/store/memory"
)

// The benchmarks build their stores before the timed loop and report the
// memory a stored client or token takes as B/client and B/token: the live
// heap's growth while the store was filled, divided by the records added.
// Targets: authentication ≤ 2 µs/op whatever the number of clients, ≤ 1 KiB
// per client (2 redirect URIs, 1 secret), ≤ 256 B per token, revoking
// 100,000 of a client's tokens among 1,000,000 ≤ 100 ms.
//
//	go test -run '^$' -bench . -benchtime 2s ./store/memory/

// liveHeap returns the bytes of live heap objects after a collection.
func liveHeap() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// benchRand is a fast deterministic source for IDs, secrets and tokens.
func benchRand() *rand.ChaCha8 { return rand.NewChaCha8([32]byte{7}) }

// developers creates n developers and returns their IDs.
func developers(b *testing.B, s *memory.Store, n int) []string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("00000000-0000-4000-8000-%012d", i)
		d := &portal.Developer{ID: ids[i], Email: "dev" + strconv.Itoa(i) + "@example.com", Status: portal.DeveloperActive, CreatedAt: epoch, Version: 1}
		if err := s.CreateDeveloper(b.Context(), d); err != nil {
			b.Fatal(err)
		}
	}
	return ids
}

// newBenchClient returns a client as the portal creates one: a random ID,
// two redirect URIs, one secret (hashed), and its plaintext secret.
func newBenchClient(b *testing.B, r *rand.ChaCha8, h *oauthclient.Hasher, developerID string, i int, now time.Time) (*oauthclient.Client, oauthclient.Plaintext) {
	id, err := oauthclient.NewClientID(r)
	if err != nil {
		b.Fatal(err)
	}
	plain, secret, err := h.NewSecret(r, now)
	if err != nil {
		b.Fatal(err)
	}
	host := "https://app" + strconv.Itoa(i) + ".example.com"
	return &oauthclient.Client{
		ID: id,
		Metadata: oauthclient.Metadata{
			RedirectURIs:            []string{host + "/callback", host + "/oauth/alt"},
			TokenEndpointAuthMethod: oauthclient.AuthMethodBasic,
			GrantTypes:              []oauthclient.GrantType{oauthclient.GrantAuthorizationCode, oauthclient.GrantRefreshToken},
			ResponseTypes:           []string{oauthclient.ResponseTypeCode},
			ClientName:              "App " + strconv.Itoa(i),
		},
		DeveloperID: developerID,
		APIIDs:      []string{"payments"},
		PolicyID:    "gold",
		Description: "Application number " + strconv.Itoa(i),
		Status:      oauthclient.StatusActive,
		Secrets:     []oauthclient.Secret{secret},
		CreatedAt:   now,
		UpdatedAt:   now,
		Version:     1,
	}, plain
}

// BenchmarkAuthenticate authenticates clients by ID and secret through the
// store (client_secret_basic, SHA-256 secret hashes), picking clients at
// random among 1,024 of n stored ones.
func BenchmarkAuthenticate(b *testing.B) {
	for _, n := range []int{1_000, 1_000_000} {
		b.Run("clients="+strconv.Itoa(n), func(b *testing.B) {
			s := memory.New()
			devs := developers(b, s, 1000)
			r, h := benchRand(), &oauthclient.Hasher{}
			creds := make([]oauthclient.Credentials, 0, 1024)
			before := liveHeap()
			for i := range n {
				c, plain := newBenchClient(b, r, h, devs[i%len(devs)], i, epoch.Add(time.Duration(i)*time.Millisecond))
				if err := s.CreateClient(b.Context(), c); err != nil {
					b.Fatal(err)
				}
				if i%(n/min(n, 1024)) == 0 && len(creds) < cap(creds) {
					creds = append(creds, oauthclient.Credentials{ClientID: c.ID, Secret: plain, Method: oauthclient.AuthMethodBasic})
				}
			}
			perClient := float64(liveHeap()-before) / float64(n)
			rand.New(benchRand()).Shuffle(len(creds), func(i, j int) { creds[i], creds[j] = creds[j], creds[i] })
			auth := &oauthclient.Authenticator{Clients: s, Hasher: h, Now: func() time.Time { return epoch.Add(time.Hour) }}
			ctx := b.Context()
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				if _, err := auth.Authenticate(ctx, creds[i%len(creds)]); err != nil {
					b.Fatal(err)
				}
				i++
			}
			if n >= 100_000 {
				// At 1,000 clients the credentials kept above would weigh.
				b.ReportMetric(perClient, "B/client")
			}
		})
	}
}

// BenchmarkAuthenticateFailure is the pair behind the claim that an
// unknown client ID costs what a wrong secret does: the same 1,000 stored
// clients, presented with a wrong secret or with an ID no client has.
func BenchmarkAuthenticateFailure(b *testing.B) {
	s := memory.New()
	devs := developers(b, s, 10)
	r, h := benchRand(), &oauthclient.Hasher{}
	var creds []oauthclient.Credentials
	for i := range 1000 {
		c, _ := newBenchClient(b, r, h, devs[i%len(devs)], i, epoch.Add(time.Duration(i)*time.Millisecond))
		if err := s.CreateClient(b.Context(), c); err != nil {
			b.Fatal(err)
		}
		if i%10 == 0 {
			creds = append(creds, oauthclient.Credentials{ClientID: c.ID, Method: oauthclient.AuthMethodBasic})
		}
	}
	wrong, err := oauthclient.GenerateSecret(r)
	if err != nil {
		b.Fatal(err)
	}
	auth := &oauthclient.Authenticator{Clients: s, Hasher: h, Now: func() time.Time { return epoch.Add(time.Hour) }}
	for _, tc := range []struct {
		name string
		id   func(i int) string
	}{
		{"wrong-secret", func(i int) string { return creds[i].ClientID }},
		{"unknown-client", func(i int) string { return "00000000-0000-4000-8000-" + fmt.Sprintf("%012d", i) }},
	} {
		b.Run(tc.name, func(b *testing.B) {
			presented := make([]oauthclient.Credentials, len(creds))
			for i := range presented {
				presented[i] = oauthclient.Credentials{ClientID: tc.id(i), Secret: wrong, Method: oauthclient.AuthMethodBasic}
			}
			ctx := b.Context()
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				if _, err := auth.Authenticate(ctx, presented[i%len(presented)]); err == nil {
					b.Fatal("authenticated")
				}
				i++
			}
		})
	}
}

// BenchmarkCreateClient creates a client as the portal does: a random ID,
// a secret generated and hashed, and the store write.
func BenchmarkCreateClient(b *testing.B) {
	s := memory.New()
	devs := developers(b, s, 1000)
	r, h := benchRand(), &oauthclient.Hasher{}
	ctx := b.Context()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		c, _ := newBenchClient(b, r, h, devs[i%len(devs)], i, epoch.Add(time.Duration(i)*time.Millisecond))
		if err := s.CreateClient(ctx, c); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// benchTokenHash is the hash of the i-th benchmark token.
func benchTokenHash(i int) string {
	return oauthclient.HashToken(oauthclient.PrefixAccessToken + "bench-" + strconv.Itoa(i))
}

// newBenchToken returns the i-th benchmark token, an access token of an
// authorization code grant: its own grant ID, a subject, a policy and a
// scope.
func newBenchToken(b *testing.B, r *rand.ChaCha8, clientID string, i int) *oauthclient.Token {
	grant, err := oauthclient.NewClientID(r)
	if err != nil {
		b.Fatal(err)
	}
	now := epoch.Add(time.Duration(i) * time.Millisecond)
	return &oauthclient.Token{
		Hash:      benchTokenHash(i),
		Kind:      oauthclient.KindAccessToken,
		ClientID:  clientID,
		GrantID:   grant,
		Subject:   "user-" + strconv.Itoa(i%100_000),
		PolicyID:  "gold",
		Scope:     "read write",
		IssuedAt:  now,
		ExpiresAt: now.Add(time.Hour),
	}
}

// tokenStore returns a store with clients clients and n tokens spread
// over them, and the live heap per token: what the store keeps of each.
func tokenStore(b *testing.B, clients, n int) (*memory.Store, float64) {
	s := memory.New()
	ids := make([]string, clients)
	for i := range ids {
		ids[i] = fmt.Sprintf("10000000-0000-4000-8000-%012d", i)
		if err := s.CreateClient(b.Context(), &oauthclient.Client{ID: ids[i], Status: oauthclient.StatusActive, CreatedAt: epoch, Version: 1}); err != nil {
			b.Fatal(err)
		}
	}
	r := benchRand()
	before := liveHeap()
	for i := range n {
		if err := s.CreateToken(b.Context(), newBenchToken(b, r, ids[i%clients], i)); err != nil {
			b.Fatal(err)
		}
	}
	return s, float64(liveHeap()-before) / float64(n)
}

// BenchmarkGetToken looks tokens up by hash at random among n stored ones.
func BenchmarkGetToken(b *testing.B) {
	for _, n := range []int{1_000, 100_000, 1_000_000} {
		b.Run("tokens="+strconv.Itoa(n), func(b *testing.B) {
			s, perToken := tokenStore(b, 1000, n)
			hashes := make([]string, n)
			for i := range hashes {
				hashes[i] = benchTokenHash(i)
			}
			rand.New(benchRand()).Shuffle(len(hashes), func(i, j int) { hashes[i], hashes[j] = hashes[j], hashes[i] })
			ctx := b.Context()
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				if _, err := s.GetToken(ctx, hashes[i%len(hashes)]); err != nil {
					b.Fatal(err)
				}
				i++
			}
			b.ReportMetric(perToken, "B/token")
		})
	}
}

// BenchmarkRevokeClientTokens revokes every token of a client that has
// 100,000 of the 1,000,000 stored tokens. Each round re-creates them,
// untimed.
func BenchmarkRevokeClientTokens(b *testing.B) {
	const total, mine = 1_000_000, 100_000
	s, _ := tokenStore(b, 1000, total-mine)
	const clientID = "20000000-0000-4000-8000-000000000000"
	if err := s.CreateClient(b.Context(), &oauthclient.Client{ID: clientID, Status: oauthclient.StatusActive, CreatedAt: epoch, Version: 1}); err != nil {
		b.Fatal(err)
	}
	r := benchRand()
	tokens := make([]*oauthclient.Token, mine)
	for i := range tokens {
		tokens[i] = newBenchToken(b, r, clientID, total+i)
	}
	ctx := b.Context()
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		for _, t := range tokens {
			if err := s.CreateToken(ctx, t); err != nil {
				b.Fatal(err)
			}
		}
		b.StartTimer()
		n, err := s.RevokeClientTokens(ctx, clientID)
		if err != nil || n != mine {
			b.Fatalf("revoked %d tokens (%v), want %d", n, err, mine)
		}
	}
}
