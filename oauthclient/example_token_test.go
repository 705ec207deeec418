package oauthclient_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/portaloauth/portaloauth/oauthclient"
)

func ExampleGenerateToken() {
	// Production code passes crypto/rand.Reader (or nil); a fixed reader
	// makes the output reproducible.
	random := strings.NewReader("0123456789abcdef0123456789abcdef")
	value, hash, err := oauthclient.GenerateToken(random, oauthclient.KindAccessToken)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(value)          // redacted everywhere...
	fmt.Println(value.Reveal()) // ...except when revealed, to send it to the client once
	fmt.Println(hash)           // what the store keeps
	fmt.Println(hash == oauthclient.HashToken(value.Reveal()))
	// Output:
	// [REDACTED]
	// poa_at_MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY
	// NtxSAz2X7TwEEXfE2k_gPa3HrWZPLlmOKznoG-jve_w
	// true
}

func ExampleHashToken() {
	// A presented bearer token is looked up by its hash.
	fmt.Println(oauthclient.HashToken("poa_at_MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY"))
	// Output:
	// NtxSAz2X7TwEEXfE2k_gPa3HrWZPLlmOKznoG-jve_w
}

func ExampleRevokeToken() {
	ctx := context.Background()
	store := &exampleTokenStore{tokens: map[string]*oauthclient.Token{}}
	now := time.Now()
	issue := func(kind oauthclient.TokenKind) string {
		value, hash, _ := oauthclient.GenerateToken(nil, kind)
		_ = store.CreateToken(ctx, &oauthclient.Token{Hash: hash, Kind: kind, ClientID: "app", GrantID: "grant-1",
			IssuedAt: now, ExpiresAt: now.Add(time.Hour)})
		return value.Reveal()
	}
	access := issue(oauthclient.KindAccessToken)
	refresh := issue(oauthclient.KindRefreshToken)

	// Another client cannot revoke app's tokens, and learns nothing: no error.
	fmt.Println(oauthclient.RevokeToken(ctx, store, "intruder", access, oauthclient.KindAccessToken), len(store.tokens))
	// Revoking the refresh token revokes its grant: the access token too.
	fmt.Println(oauthclient.RevokeToken(ctx, store, "app", refresh, oauthclient.KindRefreshToken), len(store.tokens))
	// A token already revoked is no error either.
	fmt.Println(oauthclient.RevokeToken(ctx, store, "app", access, ""), len(store.tokens))
	// Output:
	// <nil> 2
	// <nil> 0
	// <nil> 0
}

// exampleTokenStore is a minimal map-backed TokenStore.
type exampleTokenStore struct {
	mu     sync.Mutex
	tokens map[string]*oauthclient.Token
}

func (s *exampleTokenStore) CreateToken(_ context.Context, t *oauthclient.Token) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tokens[t.Hash] = t.Clone()
	return nil
}

func (s *exampleTokenStore) GetToken(_ context.Context, hash string) (*oauthclient.Token, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if t, ok := s.tokens[hash]; ok {
		return t.Clone(), nil
	}
	return nil, oauthclient.ErrNotFound
}

func (s *exampleTokenStore) ConsumeToken(context.Context, string) (*oauthclient.Token, error) {
	return nil, oauthclient.ErrNotFound // not needed here
}

func (s *exampleTokenStore) DeleteToken(_ context.Context, hash string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.tokens[hash]; !ok {
		return oauthclient.ErrNotFound
	}
	delete(s.tokens, hash)
	return nil
}

func (s *exampleTokenStore) RevokeGrant(_ context.Context, clientID, grantID string) (int, error) {
	return s.deleteWhere(func(t *oauthclient.Token) bool { return t.ClientID == clientID && t.GrantID == grantID }), nil
}

func (s *exampleTokenStore) RevokeClientTokens(_ context.Context, clientID string) (int, error) {
	return s.deleteWhere(func(t *oauthclient.Token) bool { return t.ClientID == clientID }), nil
}

func (s *exampleTokenStore) ListTokens(context.Context, oauthclient.TokenFilter) ([]*oauthclient.Token, error) {
	return nil, nil // not needed here
}

func (s *exampleTokenStore) deleteWhere(match func(*oauthclient.Token) bool) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for hash, t := range s.tokens {
		if match(t) {
			delete(s.tokens, hash)
			n++
		}
	}
	return n
}

var _ oauthclient.TokenStore = (*exampleTokenStore)(nil)

func ExampleReadRandom() {
	// nil (crypto/rand) in production; a fixed reader here.
	var id [6]byte
	if err := oauthclient.ReadRandom(strings.NewReader("grant-0001"), id[:]); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%s\n", id[:])
	// Output:
	// grant-
}
