package e2e_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portaloauth/portaloauth/catalogue"
	"github.com/portaloauth/portaloauth/examples/portal/authserver"
	"github.com/portaloauth/portaloauth/oauthclient"
	"github.com/portaloauth/portaloauth/portal"
	"github.com/portaloauth/portaloauth/portal/registration"
	"github.com/portaloauth/portaloauth/store/memory"
)

var errStoreDown = errors.New("store: connection reset by peer")

// faultyStore is the fixture's store with chosen methods failing.
type faultyStore struct {
	*memory.Store
	fail string // the failing method
	err  error  // what it fails with; nil: errStoreDown
	// raceConsume makes ConsumeToken report the token as used by a
	// concurrent request.
	raceConsume bool
}

// check fails the method if it is the failing one.
func (s *faultyStore) check(method string) error {
	if s.fail == method {
		if s.err != nil {
			return s.err
		}
		return errStoreDown
	}
	return nil
}

func (s *faultyStore) GetClient(ctx context.Context, id string) (*oauthclient.Client, error) {
	if err := s.check("GetClient"); err != nil {
		return nil, err
	}
	return s.Store.GetClient(ctx, id)
}

func (s *faultyStore) CreateClient(ctx context.Context, c *oauthclient.Client) error {
	if err := s.check("CreateClient"); err != nil {
		return err
	}
	return s.Store.CreateClient(ctx, c)
}

// CreateClientWithLimits, the service's way of creating a client, fails
// as CreateClient.
func (s *faultyStore) CreateClientWithLimits(ctx context.Context, c *oauthclient.Client, limits []portal.ClientLimit) error {
	if err := s.check("CreateClient"); err != nil {
		return err
	}
	return s.Store.CreateClientWithLimits(ctx, c, limits)
}

func (s *faultyStore) GetToken(ctx context.Context, hash string) (*oauthclient.Token, error) {
	if err := s.check("GetToken"); err != nil {
		return nil, err
	}
	return s.Store.GetToken(ctx, hash)
}

func (s *faultyStore) CreateToken(ctx context.Context, t *oauthclient.Token) error {
	if err := s.check("CreateToken"); err != nil {
		return err
	}
	return s.Store.CreateToken(ctx, t)
}

func (s *faultyStore) ConsumeToken(ctx context.Context, hash string) (*oauthclient.Token, error) {
	tok, err := s.Store.ConsumeToken(ctx, hash)
	if s.raceConsume && err == nil {
		return tok, oauthclient.ErrTokenConsumed
	}
	return tok, err
}

func (s *faultyStore) RevokeGrant(ctx context.Context, clientID, grantID string) (int, error) {
	if err := s.check("RevokeGrant"); err != nil {
		return 0, err
	}
	return s.Store.RevokeGrant(ctx, clientID, grantID)
}

func (s *faultyStore) GetPolicy(ctx context.Context, id string) (*catalogue.Policy, error) {
	if err := s.check("GetPolicy"); err != nil {
		return nil, err
	}
	return s.Store.GetPolicy(ctx, id)
}

// faultyServer is an authorization server over the fixture's data whose
// store fails as st says; its log goes to the buffer.
func (f *fixture) faultyServer(t *testing.T, st *faultyStore, log *bytes.Buffer) http.Handler {
	t.Helper()
	st.Store = f.store
	svc, err := portal.New(portal.Config{Store: st, OAuth: oauthclient.Config{Now: f.clock.Now}})
	require.NoError(t, err)
	srv, err := authserver.New(authserver.Config{
		Portal: svc, Issuer: f.issuer, Users: sessions{}, ConsentKey: consentKey,
		Logger: slog.New(slog.NewTextHandler(log, nil)),
	})
	require.NoError(t, err)
	require.NoError(t, srv.Registration().AddInitialAccessToken(oauthclient.NewPlaintext(f.iat),
		registration.InitialAccess{DeveloperID: f.alice.ID, EntryIDs: []string{entryPayments}}))
	return srv.Handler()
}

func TestStoreFailuresAreServerErrorsWithoutDetail(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		fail    string
		request func(t *testing.T, f *fixture) *http.Request
		html    bool
	}{
		{name: "client look-up at the token endpoint", fail: "GetClient", request: func(_ *testing.T, f *fixture) *http.Request {
			return tokenReq(f.conf, ccForm())
		}},
		{name: "token write", fail: "CreateToken", request: func(_ *testing.T, f *fixture) *http.Request {
			return tokenReq(f.conf, ccForm())
		}},
		{name: "policy look-up", fail: "GetPolicy", request: func(_ *testing.T, f *fixture) *http.Request {
			return tokenReq(f.conf, ccForm())
		}},
		{name: "code look-up", fail: "GetToken", request: func(t *testing.T, f *fixture) *http.Request {
			return tokenReq(f.conf, codeForm(confCode(t, f)))
		}},
		{name: "grant revocation after a replay", fail: "RevokeGrant", request: func(t *testing.T, f *fixture) *http.Request {
			code := confCode(t, f)
			decode[tokenResponse](t, f.serve(tokenReq(f.conf, codeForm(code))), http.StatusOK)
			return tokenReq(f.conf, codeForm(code))
		}},
		{name: "introspection look-up", fail: "GetToken", request: func(_ *testing.T, f *fixture) *http.Request {
			return basicRequest(authserver.PathIntrospect, f.conf, url.Values{"token": {"poa_at_x"}})
		}},
		{name: "revocation look-up", fail: "GetToken", request: func(_ *testing.T, f *fixture) *http.Request {
			return basicRequest(authserver.PathRevoke, f.conf, url.Values{"token": {"poa_at_x"}})
		}},
		{name: "registration", fail: "CreateClient", request: func(_ *testing.T, f *fixture) *http.Request {
			return jsonRequest(http.MethodPost, authserver.PathRegister, f.iat, regBody)
		}},
		{name: "client configuration look-up", fail: "GetClient", request: func(_ *testing.T, f *fixture) *http.Request {
			return jsonRequest(http.MethodGet, authserver.PathRegister+"/"+f.conf.ID, "poa_rat_x", "")
		}},
		{name: "authorization request", fail: "GetClient", html: true, request: func(_ *testing.T, f *fixture) *http.Request {
			return authorizeGet(f, confQuery(f, nil))
		}},
		{name: "authorization scope check", fail: "GetPolicy", html: true, request: func(_ *testing.T, f *fixture) *http.Request {
			return authorizeGet(f, confQuery(f, nil))
		}},
		{name: "code write at consent", fail: "CreateToken", html: true, request: func(t *testing.T, f *fixture) *http.Request {
			return consentPost(consent(t, f, nil), f.alice.ID)
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t)
			req := tc.request(t, f)
			var log bytes.Buffer
			rec := httptest.NewRecorder()
			f.faultyServer(t, &faultyStore{fail: tc.fail}, &log).ServeHTTP(rec, req)

			assert.Equal(t, http.StatusInternalServerError, rec.Code, rec.Body.String())
			assert.NotContains(t, rec.Body.String(), errStoreDown.Error(), "the detail stays in the log")
			assert.Contains(t, log.String(), errStoreDown.Error())
			assert.Contains(t, log.String(), "level=ERROR", "a bug is logged as one")
			assert.Empty(t, rec.Header().Get("Retry-After"))
			assertSecurityHeaders(t, rec)
			if tc.html {
				assert.Contains(t, rec.Header().Get("Content-Type"), "text/html")
				assert.Empty(t, rec.Header().Get("Location"))
			} else {
				assert.JSONEq(t, `{"error":"server_error","error_description":"the server failed to handle the request"}`, rec.Body.String())
			}
		})
		// The same failure as an outage: the store is unavailable.
		t.Run(tc.name+" (outage)", func(t *testing.T) {
			t.Parallel()
			f := newFixture(t)
			req := tc.request(t, f)
			var log bytes.Buffer
			rec := httptest.NewRecorder()
			down := fmt.Errorf("postgres: query: %w: %w", oauthclient.ErrUnavailable, errStoreDown)
			f.faultyServer(t, &faultyStore{fail: tc.fail, err: down}, &log).ServeHTTP(rec, req)

			assert.NotContains(t, rec.Body.String(), errStoreDown.Error(), "the detail stays in the log")
			assert.Contains(t, log.String(), errStoreDown.Error())
			assert.Contains(t, log.String(), "level=WARN", "an outage is logged below ERROR")
			assert.NotContains(t, log.String(), "level=ERROR")
			assertSecurityHeaders(t, rec)
			switch {
			case tc.fail == "CreateToken" && tc.html:
				// The user consented: the client learns of the outage.
				require.Equal(t, http.StatusSeeOther, rec.Code, rec.Body.String())
				loc, err := url.Parse(rec.Header().Get("Location"))
				require.NoError(t, err)
				assert.Equal(t, "temporarily_unavailable", loc.Query().Get("error"))
			case tc.html:
				assert.Equal(t, http.StatusServiceUnavailable, rec.Code, rec.Body.String())
				assert.Equal(t, "5", rec.Header().Get("Retry-After"))
				assert.Contains(t, rec.Header().Get("Content-Type"), "text/html")
				assert.Empty(t, rec.Header().Get("Location"))
			default:
				assert.Equal(t, http.StatusServiceUnavailable, rec.Code, rec.Body.String())
				assert.Equal(t, "5", rec.Header().Get("Retry-After"))
				assert.JSONEq(t, `{"error":"temporarily_unavailable","error_description":"the server cannot handle the request now; try again later"}`, rec.Body.String())
			}
		})
	}
}

func TestConcurrentRedemptionRevokesTheGrant(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	code := confCode(t, f)
	var log bytes.Buffer
	rec := httptest.NewRecorder()
	f.faultyServer(t, &faultyStore{raceConsume: true}, &log).ServeHTTP(rec, tokenReq(f.conf, codeForm(code)))
	assert.Equal(t, http.StatusBadRequest, rec.Code)
	assert.Contains(t, rec.Body.String(), `"error":"invalid_grant"`)
	assert.Empty(t, tokensOf(t, f, f.conf.ID), "the code lost the race: its grant is revoked")
	assert.Contains(t, log.String(), "grant revoked")
	assert.NotContains(t, log.String(), code, "no code in the log")
}
