package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// syncBuffer is an io.Writer safe for the gateway's goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// gateway is a gateway started by startGateway.
type gateway struct {
	base string     // its URL
	out  syncBuffer // what it printed
	stop func()     // sends the signal and waits for a graceful stop
}

// startGateway runs the gateway with args on a loopback port until stop
// is called or t ends.
func startGateway(t *testing.T, args ...string) *gateway {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	g := &gateway{}
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"-addr", "127.0.0.1:0"}, args...), &g.out, func(addr string) { ready <- addr })
	}()
	select {
	case addr := <-ready:
		g.base = "http://" + addr
	case err := <-done:
		cancel()
		t.Fatalf("the gateway stopped: %v\n%s", err, g.out.String())
	case <-time.After(20 * time.Second):
		cancel()
		t.Fatal("the gateway did not start")
	}
	g.stop = func() {
		t.Helper()
		cancel()
		select {
		case err := <-done:
			require.NoError(t, err, "a signal stops the gateway gracefully")
		case <-time.After(15 * time.Second):
			t.Fatal("the gateway did not stop")
		}
	}
	return g
}

func TestGatewayDemo(t *testing.T) {
	t.Parallel()
	g := startGateway(t)
	base := g.base

	printed := g.out.String()
	id := regexp.MustCompile(`client_id:\s+(\S+)`).FindStringSubmatch(printed)
	secret := regexp.MustCompile(`client_secret:\s+(\S+)`).FindStringSubmatch(printed)
	require.Len(t, id, 2, printed)
	require.Len(t, secret, 2, printed)
	assert.Contains(t, printed, "curl -s -u '"+id[1]+":"+secret[1]+"' -d grant_type=client_credentials "+base+"/oauth/token")

	post := func(path string, form url.Values) *http.Response {
		req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, base+path, strings.NewReader(form.Encode()))
		require.NoError(t, err)
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.SetBasicAuth(id[1], secret[1])
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		return resp
	}
	callAPI := func(token string) (int, string) {
		req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, base+"/hello", nil)
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("X-Portal-Client-Id", "spoofed")
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		return resp.StatusCode, string(body)
	}

	resp := post("/oauth/token", url.Values{"grant_type": {"client_credentials"}})
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&tok))
	require.NoError(t, resp.Body.Close())
	require.Equal(t, http.StatusOK, resp.StatusCode)

	status, body := callAPI(tok.AccessToken)
	require.Equal(t, http.StatusOK, status, body)
	assert.Contains(t, body, "GET /hello, client "+id[1], "the upstream learns the caller from the gateway, not from the request")
	assert.NotContains(t, body, "spoofed")

	resp = post("/oauth/revoke", url.Values{"token": {tok.AccessToken}})
	require.NoError(t, resp.Body.Close())
	require.Equal(t, http.StatusOK, resp.StatusCode)
	status, _ = callAPI(tok.AccessToken)
	assert.Equal(t, http.StatusUnauthorized, status)
	g.stop()
}

func TestGatewayFlags(t *testing.T) {
	t.Parallel()
	for name, args := range map[string][]string{
		"unknown flag":        {"-nope"},
		"extra argument":      {"extra"},
		"relative upstream":   {"-addr", "127.0.0.1:0", "-upstream", "/relative"},
		"ftp upstream":        {"-addr", "127.0.0.1:0", "-upstream", "ftp://example.com"},
		"unusable addr":       {"-addr", "256.0.0.1:99999"},
		"upstream with space": {"-addr", "127.0.0.1:0", "-upstream", "http://exa mple.com"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			err := run(t.Context(), args, io.Discard, func(string) { t.Error("the gateway started") })
			assert.Error(t, err)
		})
	}
}

// TestDSNFromEnvironment: the DSN may come from $PORTALOAUTH_POSTGRES,
// which ps does not show; -postgres, when given, wins.
func TestDSNFromEnvironment(t *testing.T) {
	t.Setenv(EnvPostgres, "postgres://from-env/db")
	o, err := parseFlags(nil, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, "postgres://from-env/db", o.dsn)
	o, err = parseFlags([]string{"-postgres", "postgres://from-flag/db"}, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, "postgres://from-flag/db", o.dsn)
}

// TestRequestsHaveADeadline: every request's context ends requestTimeout
// after it starts, so a hanging store or upstream cannot hold it.
func TestRequestsHaveADeadline(t *testing.T) {
	t.Parallel()
	var deadline time.Time
	var ok bool
	h := withDeadline(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		deadline, ok = r.Context().Deadline()
	}), requestTimeout)
	start := time.Now()
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/", nil))
	require.True(t, ok, "the request context has a deadline")
	assert.WithinRange(t, deadline, start.Add(requestTimeout), time.Now().Add(requestTimeout))
}
