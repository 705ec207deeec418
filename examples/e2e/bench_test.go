package e2e_test

import (
	"context"
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/portaloauth/portaloauth/examples/portal/authserver"
	"github.com/portaloauth/portaloauth/internal/loadgen"
)

// basicAuth is the client_secret_basic header of the client.
func basicAuth(c testClient) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(url.QueryEscape(c.ID)+":"+url.QueryEscape(c.secret)))
}

// benchHandler sends a form POST with Basic credentials through the
// handler b.N times, requiring 200, and reports requests per second.
func benchHandler(b *testing.B, h http.Handler, path, auth, body string) {
	b.Helper()
	b.ReportAllocs()
	for b.Loop() {
		req, err := http.NewRequestWithContext(b.Context(), http.MethodPost, path, strings.NewReader(body))
		if err != nil {
			b.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Authorization", auth)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
}

// BenchmarkTokenClientCredentials is a client_credentials token request
// through the whole handler: body parsing, client authentication, policy
// and scope checks, token generation and storage, the JSON response.
func BenchmarkTokenClientCredentials(b *testing.B) {
	f := newFixture(b)
	f.clock.tick = time.Microsecond // distinct issue times, as in production
	benchHandler(b, f.handler, authserver.PathToken, basicAuth(f.conf), "grant_type=client_credentials&scope=read")
}

// BenchmarkIntrospectHandler is an introspection request for a valid
// token through the whole handler.
func BenchmarkIntrospectHandler(b *testing.B) {
	f := newFixture(b)
	tok := f.clientCredentials(b, f.conf)
	benchHandler(b, f.handler, authserver.PathIntrospect, basicAuth(f.conf), "token="+tok.AccessToken)
}

// BenchmarkIntrospect is the introspection of a valid token behind the
// endpoint, once its client is authenticated: hash, look-up, checks.
func BenchmarkIntrospect(b *testing.B) {
	f := newFixture(b)
	tok := f.clientCredentials(b, f.conf)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		info, err := f.server.IntrospectToken(ctx, f.conf.ID, tok.AccessToken)
		if err != nil || !info.Active {
			b.Fatal(info, err)
		}
	}
}

// BenchmarkGateway is a request through the gateway middleware with a
// valid access token.
func BenchmarkGateway(b *testing.B) {
	f := newFixture(b)
	tok := f.clientCredentials(b, f.conf)
	b.ReportAllocs()
	for b.Loop() {
		if rec := f.callAPI(apiPayments, tok.AccessToken); rec.Code != http.StatusOK {
			b.Fatal(rec.Code)
		}
	}
}

// BenchmarkLoopbackClientCredentials measures client_credentials token
// requests per second over real loopback connections (keep-alive, 4
// workers per CPU), in rounds of 200 ms.
func BenchmarkLoopbackClientCredentials(b *testing.B) {
	f := newFixture(b, withServer)
	f.clock.tick = time.Microsecond
	auth, body, target := basicAuth(f.conf), "grant_type=client_credentials&scope=read", f.issuer+authserver.PathToken
	cfg := loadgen.Config{
		Duration: 200 * time.Millisecond,
		NewRequest: func(ctx context.Context) (*http.Request, error) {
			req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, strings.NewReader(body))
			if err != nil {
				return nil, err
			}
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Authorization", auth)
			return req, nil
		},
	}
	var total loadgen.Result
	b.ReportAllocs()
	for b.Loop() {
		res, err := loadgen.Run(b.Context(), cfg)
		if err != nil {
			b.Fatal(err)
		}
		total.Requests += res.Requests
		total.Failures += res.Failures
		total.Elapsed += res.Elapsed
	}
	b.ReportMetric(total.PerSecond(), "req/s")
	b.ReportMetric(float64(total.Failures), "failures")
}
