package oauthclient

import (
	"cmp"
	"context"
	"errors"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// revokeFakeStore is a map-backed TokenStore for the tests of RevokeToken.
type revokeFakeStore struct {
	mu     sync.Mutex
	tokens map[string]*Token // by hash
}

var _ TokenStore = (*revokeFakeStore)(nil)

// with runs fn on the tokens under the lock, unless ctx has ended.
func (s *revokeFakeStore) with(ctx context.Context, fn func(tokens map[string]*Token) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.tokens == nil {
		s.tokens = make(map[string]*Token)
	}
	return fn(s.tokens)
}

func (s *revokeFakeStore) CreateToken(ctx context.Context, t *Token) error {
	return s.with(ctx, func(tokens map[string]*Token) error {
		if _, ok := tokens[t.Hash]; ok {
			return ErrDuplicate
		}
		tokens[t.Hash] = t.Clone()
		return nil
	})
}

func (s *revokeFakeStore) GetToken(ctx context.Context, hash string) (got *Token, err error) {
	err = s.with(ctx, func(tokens map[string]*Token) error {
		t, ok := tokens[hash]
		if !ok {
			return ErrNotFound
		}
		got = t.Clone()
		return nil
	})
	return got, err
}

func (s *revokeFakeStore) ConsumeToken(ctx context.Context, hash string) (before *Token, err error) {
	err = s.with(ctx, func(tokens map[string]*Token) error {
		t, ok := tokens[hash]
		if !ok {
			return ErrNotFound
		}
		before = t.Clone()
		if t.Consumed {
			return ErrTokenConsumed
		}
		t.Consumed = true
		return nil
	})
	return before, err
}

func (s *revokeFakeStore) DeleteToken(ctx context.Context, hash string) error {
	return s.with(ctx, func(tokens map[string]*Token) error {
		if _, ok := tokens[hash]; !ok {
			return ErrNotFound
		}
		delete(tokens, hash)
		return nil
	})
}

func (s *revokeFakeStore) RevokeGrant(ctx context.Context, clientID, grantID string) (int, error) {
	return s.deleteWhere(ctx, func(t *Token) bool { return t.ClientID == clientID && t.GrantID == grantID })
}

func (s *revokeFakeStore) RevokeClientTokens(ctx context.Context, clientID string) (int, error) {
	return s.deleteWhere(ctx, func(t *Token) bool { return t.ClientID == clientID })
}

func (s *revokeFakeStore) deleteWhere(ctx context.Context, match func(*Token) bool) (n int, err error) {
	err = s.with(ctx, func(tokens map[string]*Token) error {
		n = len(tokens)
		maps.DeleteFunc(tokens, func(_ string, t *Token) bool { return match(t) })
		n -= len(tokens)
		return nil
	})
	return n, err
}

func (s *revokeFakeStore) ListTokens(ctx context.Context, f TokenFilter) (out []*Token, err error) {
	err = s.with(ctx, func(tokens map[string]*Token) error {
		for _, t := range tokens {
			if t.ClientID == f.ClientID && (f.GrantID == "" || t.GrantID == f.GrantID) {
				out = append(out, t.Clone())
			}
		}
		return nil
	})
	slices.SortFunc(out, func(a, b *Token) int {
		return cmp.Or(a.IssuedAt.Compare(b.IssuedAt), strings.Compare(a.Hash, b.Hash))
	})
	lo, hi := f.Window(len(out))
	return out[lo:hi], err
}

// hashes returns the hashes the store holds, sorted.
func (s *revokeFakeStore) hashes() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Sorted(maps.Keys(s.tokens))
}

// revokeFixture is a store with two grants of client "app", one of client
// "other" that reuses a grant ID, and a client_credentials token of "app"
// without a grant ID.
type revokeFixture struct {
	store  *revokeFakeStore
	values map[string]string // token name -> value
	hashes map[string]string // token name -> hash
}

func newRevokeFixture(t *testing.T) *revokeFixture {
	t.Helper()
	f := &revokeFixture{store: &revokeFakeStore{}, values: map[string]string{}, hashes: map[string]string{}}
	now := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	add := func(name string, kind TokenKind, clientID, grantID string, consumed bool) {
		value, hash, err := GenerateToken(nil, kind)
		require.NoError(t, err)
		f.values[name] = value.Reveal()
		f.hashes[name] = hash
		require.NoError(t, f.store.CreateToken(t.Context(), &Token{
			Hash: hash, Kind: kind, ClientID: clientID, GrantID: grantID,
			IssuedAt: now, ExpiresAt: now.Add(time.Hour), Consumed: consumed,
		}))
	}
	add("g1.code", KindAuthorizationCode, "app", "g1", true)
	add("g1.access", KindAccessToken, "app", "g1", false)
	add("g1.access2", KindAccessToken, "app", "g1", false)
	add("g1.refresh", KindRefreshToken, "app", "g1", false)
	add("g2.access", KindAccessToken, "app", "g2", false)
	add("g2.refresh", KindRefreshToken, "app", "g2", true)
	add("other.access", KindAccessToken, "other", "g1", false)
	add("other.refresh", KindRefreshToken, "other", "g1", false)
	add("cc.access", KindAccessToken, "app", "", false)
	add("cc.refresh", KindRefreshToken, "app", "", false)
	return f
}

// remaining returns the names of the tokens still stored, sorted.
func (f *revokeFixture) remaining() []string {
	byHash := map[string]string{}
	for name, h := range f.hashes {
		byHash[h] = name
	}
	var out []string
	for _, h := range f.store.hashes() {
		out = append(out, byHash[h])
	}
	slices.Sort(out)
	return out
}

func (f *revokeFixture) allBut(gone ...string) []string {
	var out []string
	for name := range f.hashes {
		if !slices.Contains(gone, name) {
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return out
}

func TestRevokeToken(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		clientID string
		token    string // fixture name; the value is looked up
		value    string // used when token is ""
		hint     TokenKind
		gone     []string
	}{
		{name: "access token: only that token", clientID: "app", token: "g1.access", hint: KindAccessToken,
			gone: []string{"g1.access"}},
		{name: "refresh token: the whole grant", clientID: "app", token: "g1.refresh", hint: KindRefreshToken,
			gone: []string{"g1.code", "g1.access", "g1.access2", "g1.refresh"}},
		{name: "consumed refresh token: the whole grant", clientID: "app", token: "g2.refresh",
			gone: []string{"g2.access", "g2.refresh"}},
		{name: "authorization code: the whole grant", clientID: "app", token: "g1.code",
			gone: []string{"g1.code", "g1.access", "g1.access2", "g1.refresh"}},
		{name: "refresh token without a grant ID: only that token", clientID: "app", token: "cc.refresh",
			gone: []string{"cc.refresh"}},
		{name: "client_credentials access token", clientID: "app", token: "cc.access", gone: []string{"cc.access"}},
		{name: "wrong hint changes nothing", clientID: "app", token: "g1.refresh", hint: KindAccessToken,
			gone: []string{"g1.code", "g1.access", "g1.access2", "g1.refresh"}},
		{name: "unknown hint is ignored", clientID: "app", token: "g1.access", hint: "id_token",
			gone: []string{"g1.access"}},
		{name: "other client's refresh token with the same grant ID", clientID: "other", token: "other.refresh",
			gone: []string{"other.access", "other.refresh"}},
		{name: "another client's token stays active", clientID: "app", token: "other.access"},
		{name: "another client's refresh token leaves its grant", clientID: "app", token: "other.refresh"},
		{name: "unknown client cannot revoke", clientID: "nobody", token: "g1.refresh"},
		{name: "unknown token", clientID: "app", value: "poa_at_doesnotexist"},
		{name: "a hash is not a token", clientID: "app", value: "hash-of-g1.access"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newRevokeFixture(t)
			value := tt.value
			if tt.token != "" {
				value = f.values[tt.token]
			}
			if value == "hash-of-g1.access" {
				value = f.hashes["g1.access"]
			}
			require.NoError(t, RevokeToken(t.Context(), f.store, tt.clientID, value, tt.hint))
			assert.Equal(t, f.allBut(tt.gone...), f.remaining())

			require.NoError(t, RevokeToken(t.Context(), f.store, tt.clientID, value, tt.hint), "revoking again is a success")
			assert.Equal(t, f.allBut(tt.gone...), f.remaining())
		})
	}
}

func TestRevokeTokenBadRequest(t *testing.T) {
	t.Parallel()
	f := newRevokeFixture(t)
	tests := []struct {
		name     string
		clientID string
		value    string
		code     ErrorCode
		sentinel error
		field    string
	}{
		{"no token", "app", "", CodeInvalidRequest, ErrInvalidRequest, "token"},
		{"no client", "", f.values["g1.access"], CodeInvalidClient, ErrInvalidClient, "client_id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := RevokeToken(t.Context(), f.store, tt.clientID, tt.value, "")
			require.ErrorIs(t, err, tt.sentinel)
			var e *Error
			require.ErrorAs(t, err, &e)
			assert.Equal(t, tt.code, e.Code)
			assert.Equal(t, tt.field, e.Field)
		})
	}
	assert.Equal(t, f.allBut(), f.remaining(), "nothing revoked")
}

func TestRevokeTokenNilStore(t *testing.T) {
	t.Parallel()
	assert.Error(t, RevokeToken(t.Context(), nil, "app", "poa_at_x", ""))
}

// revokeFailingStore wraps a store and fails one method with err.
type revokeFailingStore struct {
	TokenStore
	method string
	err    error
}

var _ TokenStore = (*revokeFailingStore)(nil)

func (s *revokeFailingStore) GetToken(ctx context.Context, hash string) (*Token, error) {
	if s.method == "GetToken" {
		return nil, s.err
	}
	return s.TokenStore.GetToken(ctx, hash)
}

func (s *revokeFailingStore) DeleteToken(ctx context.Context, hash string) error {
	if s.method == "DeleteToken" {
		return s.err
	}
	return s.TokenStore.DeleteToken(ctx, hash)
}

func (s *revokeFailingStore) RevokeGrant(ctx context.Context, clientID, grantID string) (int, error) {
	if s.method == "RevokeGrant" {
		return 0, s.err
	}
	return s.TokenStore.RevokeGrant(ctx, clientID, grantID)
}

func TestRevokeTokenStoreErrors(t *testing.T) {
	t.Parallel()
	boom := errors.New("connection reset")
	tests := []struct {
		name   string
		method string
		err    error
		token  string
		want   error // nil: success
	}{
		{"lookup fails", "GetToken", boom, "g1.access", boom},
		{"lookup: not found wrapped", "GetToken", errors.Join(errors.New("ctx"), ErrNotFound), "g1.access", nil},
		{"delete fails", "DeleteToken", boom, "g1.access", boom},
		{"delete: token gone meanwhile", "DeleteToken", ErrNotFound, "g1.access", nil},
		{"revoke grant fails", "RevokeGrant", boom, "g1.refresh", boom},
		{"revoke grant of a code fails", "RevokeGrant", boom, "g1.code", boom},
		{"access token never revokes the grant", "RevokeGrant", boom, "g1.access", nil},
		{"refresh token never deletes alone", "DeleteToken", boom, "g1.refresh", nil},
		{"deadline", "GetToken", context.DeadlineExceeded, "g1.access", context.DeadlineExceeded},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newRevokeFixture(t)
			s := &revokeFailingStore{TokenStore: f.store, method: tt.method, err: tt.err}
			err := RevokeToken(t.Context(), s, "app", f.values[tt.token], "")
			if tt.want == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, tt.want)
			assert.NotContains(t, err.Error(), f.values[tt.token], "the token value never appears in an error")
			assert.NotContains(t, err.Error(), f.hashes[tt.token])
		})
	}
}

func TestRevokeTokenCanceledContext(t *testing.T) {
	t.Parallel()
	f := newRevokeFixture(t)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	err := RevokeToken(ctx, f.store, "app", f.values["g1.refresh"], KindRefreshToken)
	require.ErrorIs(t, err, context.Canceled)
	assert.Equal(t, f.allBut(), f.remaining())
}
