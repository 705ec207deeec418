package bench

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"runtime"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/portaloauth/portaloauth/oauthclient"
	"github.com/portaloauth/portaloauth/portal"
	"github.com/portaloauth/portaloauth/portal/authserver"
	"github.com/portaloauth/portaloauth/store/memory"
)

// ScaleSizes are the store sizes of the scaling cases.
var ScaleSizes = []int{1_000, 100_000, 1_000_000}

// Pick says which records a scaling case looks up.
type Pick int

const (
	// PickUniform looks up any of the n records, uniformly at random: at
	// 10^6 records most look-ups miss the CPU caches and the TLB, so the
	// figure includes the latency of the machine's memory.
	PickUniform Pick = iota
	// PickHot looks up 1,024 records spread over all n, at random: a
	// working set that stays in the CPU caches, as when a minority of
	// clients make most of the requests. It shows the store's own cost.
	PickHot
)

func (p Pick) String() string {
	if p == PickHot {
		return "hot"
	}
	return "uniform"
}

// Sample sizes of the picks: the records looked up in turn.
const (
	hotSample     = 1 << 10
	uniformSample = 1 << 18
)

// scaleDevelopers is how many developers own the clients of the scaling
// cases, and scaleTokenClients how many clients own the tokens.
const (
	scaleDevelopers   = 1000
	scaleTokenClients = 1000
)

// scaleEpoch is when the scaling cases' records were made, and scaleNow
// when they are used: every token still valid.
var (
	scaleEpoch = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	scaleNow   = scaleEpoch.Add(time.Minute)
)

// Metrics the scaling cases report besides ns/op.
const (
	MetricBytesPerClient = "B/client"
	MetricBytesPerToken  = "B/token"
)

// seqReader is a deterministic io.Reader (SplitMix64): the bytes of
// record i are the same on every run, so that they can be made again
// instead of kept.
type seqReader struct{ x uint64 }

func newSeqReader(i int, stream uint64) *seqReader {
	return &seqReader{x: uint64(i)*0xD1B54A32D192ED03 ^ stream}
}

func (r *seqReader) Read(p []byte) (int, error) {
	for i := range p {
		if i%8 == 0 {
			r.x += 0x9E3779B97F4A7C15
		}
		z := r.x
		z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9
		z = (z ^ (z >> 27)) * 0x94D049BB133111EB
		z ^= z >> 31
		p[i] = byte(z >> (8 * (i % 8)))
	}
	return len(p), nil
}

// Streams of seqReader, one per kind of record.
const (
	streamClient = 0x636c69656e74
	streamToken  = 0x746f6b656e
)

// scaleClient returns client i of a scaling store as the portal creates
// one (two redirect URIs, one generated secret with its SHA-256 hash, an
// API, a policy, a developer of scaleDevelopers) and its credentials.
func scaleClient(i int) (*oauthclient.Client, oauthclient.Credentials, error) {
	r := newSeqReader(i, streamClient)
	id, err := oauthclient.NewClientID(r)
	if err != nil {
		return nil, oauthclient.Credentials{}, err
	}
	created := scaleEpoch.Add(time.Duration(i) * time.Microsecond)
	plain, secret, err := (*oauthclient.Hasher)(nil).NewSecret(r, created)
	if err != nil {
		return nil, oauthclient.Credentials{}, err
	}
	host := "https://app" + strconv.Itoa(i) + ".example.com"
	c := &oauthclient.Client{
		ID: id,
		Metadata: oauthclient.Metadata{
			RedirectURIs:            []string{host + "/oauth/callback", "http://127.0.0.1/oauth/callback"},
			TokenEndpointAuthMethod: oauthclient.AuthMethodBasic,
			GrantTypes:              []oauthclient.GrantType{oauthclient.GrantAuthorizationCode, oauthclient.GrantRefreshToken},
			ResponseTypes:           []string{oauthclient.ResponseTypeCode},
			ClientName:              "App " + strconv.Itoa(i),
		},
		DeveloperID: scaleDeveloperID(i % scaleDevelopers),
		APIIDs:      []string{apiID},
		PolicyID:    "gold",
		Status:      oauthclient.StatusActive,
		Secrets:     []oauthclient.Secret{secret},
		CreatedAt:   created,
		UpdatedAt:   created,
		Version:     1,
	}
	return c, oauthclient.Credentials{ClientID: id, Secret: plain, Method: oauthclient.AuthMethodBasic}, nil
}

func scaleDeveloperID(i int) string { return fmt.Sprintf("00000000-0000-4000-8000-%012d", i) }

// scaleToken returns access token i of a scaling store, as the token
// endpoint issues one for client_credentials, and its value.
func scaleToken(i int, clientID string) (*oauthclient.Token, string, error) {
	r := newSeqReader(i, streamToken)
	value, hash, err := oauthclient.GenerateToken(r, oauthclient.KindAccessToken)
	if err != nil {
		return nil, "", err
	}
	grant, err := oauthclient.NewClientID(r)
	if err != nil {
		return nil, "", err
	}
	issued := scaleEpoch.Add(time.Duration(i) * time.Microsecond)
	return &oauthclient.Token{
		Hash: hash, Kind: oauthclient.KindAccessToken, ClientID: clientID, GrantID: grant[:22],
		PolicyID: "gold", Scope: "read", IssuedAt: issued, ExpiresAt: issued.Add(time.Hour),
	}, value.Reveal(), nil
}

// liveHeap returns the bytes of live heap objects after two collections
// (the second frees what the first left to finalizers and sync.Pools).
func liveHeap() int64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return int64(m.HeapAlloc) //nolint:gosec // a heap is far below 2^63 bytes
}

// perRecord returns the heap's growth since before, divided by n, or 0 if
// it shrank: at a few records, other garbage can outweigh them.
func perRecord(before int64, n int) float64 {
	return max(float64(liveHeap()-before)/float64(n), 0)
}

// sampleIndexes returns the records a scaling case with pick p looks up
// among n: all of them in random order if there are no more than the
// pick's sample, or that many at random.
func sampleIndexes(p Pick, n int) []int {
	want := uniformSample
	if p == PickHot {
		want = hotSample
	}
	r := rand.New(rand.NewPCG(1, 2))
	if n <= want {
		return r.Perm(n)
	}
	idx := make([]int, want)
	for i := range idx {
		idx[i] = r.IntN(n)
	}
	return idx
}

// newScaleStore returns a store with the developers of the scaling
// clients.
func newScaleStore(ctx context.Context) (*memory.Store, error) {
	st := memory.New()
	for i := range scaleDevelopers {
		d := &portal.Developer{ID: scaleDeveloperID(i), Email: "dev" + strconv.Itoa(i) + "@example.com",
			Name: "Dev " + strconv.Itoa(i), Status: portal.DeveloperActive, CreatedAt: scaleEpoch, Version: 1}
		if err := st.CreateDeveloper(ctx, d); err != nil {
			return nil, err
		}
	}
	return st, nil
}

// fillClients adds clients [from, to) to st.
func fillClients(ctx context.Context, st *memory.Store, from, to int) error {
	for i := from; i < to; i++ {
		c, _, err := scaleClient(i)
		if err != nil {
			return err
		}
		if err := st.CreateClient(ctx, c); err != nil {
			return err
		}
	}
	return nil
}

// ClientSet is an in-memory store filled with n clients as the portal
// creates them, for the scaling cases of authentication.
type ClientSet struct {
	Store *memory.Store
	N     int
	// HeapPerClient is the live heap each client takes, in bytes: the
	// heap's growth while the clients were added, divided by N.
	HeapPerClient float64
}

// NewClientSet fills a new store with n clients.
func NewClientSet(ctx context.Context, n int) (*ClientSet, error) {
	st, err := newScaleStore(ctx)
	if err != nil {
		return nil, err
	}
	before := liveHeap()
	if err := fillClients(ctx, st, 0, n); err != nil {
		return nil, err
	}
	return &ClientSet{Store: st, N: n, HeapPerClient: perRecord(before, n)}, nil
}

// Authenticate returns a benchmark of client authentication
// (client_secret_basic, SHA-256 secret hashes) of the set's clients picked
// by p, one per iteration; if parallel, from GOMAXPROCS goroutines at
// once, to show lock contention under `-cpu 1,2`. It reports
// HeapPerClient as B/client.
func (s *ClientSet) Authenticate(p Pick, parallel bool) func(*testing.B) {
	return func(b *testing.B) {
		ctx := b.Context()
		idx := sampleIndexes(p, s.N)
		creds := make([]oauthclient.Credentials, len(idx))
		for k, i := range idx {
			var err error
			if _, creds[k], err = scaleClient(i); err != nil {
				b.Fatal(err)
			}
		}
		auth := &oauthclient.Authenticator{Clients: s.Store, Now: func() time.Time { return scaleNow }}
		loop(b, parallel, len(creds), func(k int) error {
			_, err := auth.Authenticate(ctx, creds[k])
			return err
		})
		b.ReportMetric(s.HeapPerClient, MetricBytesPerClient)
	}
}

// loop runs op on 0, 1, ... n-1, 0, ... until b is done, from one
// goroutine or, if parallel, from GOMAXPROCS of them each starting at
// another place, and fails b at op's first error.
func loop(b *testing.B, parallel bool, n int, op func(k int) error) {
	b.ReportAllocs()
	if !parallel {
		k := 0
		for b.Loop() {
			if err := op(k); err != nil {
				b.Fatal(err)
			}
			if k++; k == n {
				k = 0
			}
		}
		return
	}
	var start atomic.Int64
	b.ResetTimer() // RunParallel runs the whole function for each b.N: leave the setup out
	b.RunParallel(func(pb *testing.PB) {
		k := int(start.Add(7919)) % n
		for pb.Next() {
			if err := op(k); err != nil {
				b.Error(err)
				return
			}
			if k++; k == n {
				k = 0
			}
		}
	})
}

// TokenSet is an in-memory store filled with n access tokens of 1,000
// clients, as the token endpoint issues them for client_credentials, for
// the scaling cases of introspection.
type TokenSet struct {
	Store *memory.Store
	N     int
	// HeapPerToken is the live heap each token takes, in bytes: the heap's
	// growth while the tokens were added, divided by N.
	HeapPerToken float64

	clientIDs []string
	srv       *authserver.Server
}

// NewTokenSet fills a new store with 1,000 clients and n tokens.
func NewTokenSet(ctx context.Context, n int) (*TokenSet, error) {
	st, err := newScaleStore(ctx)
	if err != nil {
		return nil, err
	}
	if err := fillClients(ctx, st, 0, scaleTokenClients); err != nil {
		return nil, err
	}
	s := &TokenSet{Store: st, N: n, clientIDs: make([]string, scaleTokenClients)}
	for i := range s.clientIDs {
		c, _, err := scaleClient(i)
		if err != nil {
			return nil, err
		}
		s.clientIDs[i] = c.ID
	}
	before := liveHeap()
	for i := range n {
		t, _, err := scaleToken(i, s.clientIDs[i%scaleTokenClients])
		if err != nil {
			return nil, err
		}
		if err := st.CreateToken(ctx, t); err != nil {
			return nil, err
		}
	}
	s.HeapPerToken = perRecord(before, n)
	if s.srv, err = scaleAuthServer(st); err != nil {
		return nil, err
	}
	return s, nil
}

// Introspect returns a benchmark of token introspection
// ([authserver.Server.IntrospectToken]: hash, store look-up, checks, once the
// client is authenticated) of the set's tokens picked by p, one per
// iteration; if parallel, from GOMAXPROCS goroutines at once. It reports
// HeapPerToken as B/token.
func (s *TokenSet) Introspect(p Pick, parallel bool) func(*testing.B) {
	return func(b *testing.B) {
		ctx := b.Context()
		idx := sampleIndexes(p, s.N)
		type lookup struct{ clientID, value string }
		lookups := make([]lookup, len(idx))
		for k, i := range idx {
			_, value, err := scaleToken(i, "")
			if err != nil {
				b.Fatal(err)
			}
			lookups[k] = lookup{clientID: s.clientIDs[i%scaleTokenClients], value: value}
		}
		loop(b, parallel, len(lookups), func(k int) error {
			info, err := s.srv.IntrospectToken(ctx, lookups[k].clientID, lookups[k].value)
			if err == nil && !info.Active {
				err = errors.New("bench: a stored token is not active")
			}
			return err
		})
		b.ReportMetric(s.HeapPerToken, MetricBytesPerToken)
	}
}

// scaleAuthServer returns an authorization server over st whose clock
// stands at scaleNow.
func scaleAuthServer(st *memory.Store) (*authserver.Server, error) {
	now := func() time.Time { return scaleNow }
	svc, err := portal.New(portal.Config{Store: st, OAuth: oauthclient.Config{Now: now}})
	if err != nil {
		return nil, err
	}
	return authserver.New(authserver.Config{Portal: svc, Issuer: "http://127.0.0.1", Logger: slog.New(slog.DiscardHandler)})
}
