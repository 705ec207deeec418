package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2/clientcredentials"
)

// The program runs, prints how to use it, and serves what it printed: a
// client of golang.org/x/oauth2 gets a token that opens the payments API
// until it is revoked, beside the unchanged health check.
func TestEmbed(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(t.Context())
	var out bytes.Buffer // written before ready is called, read after
	addrs := make(chan string, 1)
	done := make(chan error, 1)
	go func() { done <- run(ctx, "127.0.0.1:0", &out, func(a string) { addrs <- a }) }()
	var base string
	select {
	case a := <-addrs:
		base = "http://" + a
	case err := <-done:
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cancel()
		assert.NoError(t, <-done, "stops cleanly")
	})

	m := regexp.MustCompile(`curl -s -u '([^:]+):([^']+)' -d grant_type=client_credentials (\S+)/oauth/token`).FindStringSubmatch(out.String())
	require.Len(t, m, 4, out.String())
	assert.Contains(t, out.String(), "gateway on "+base+"\n")
	assert.Equal(t, base, m[3])

	conf := clientcredentials.Config{ClientID: m[1], ClientSecret: m[2], TokenURL: base + "/oauth/token", Scopes: []string{"read"}}
	tok, err := conf.Token(ctx)
	require.NoError(t, err)

	call := func(path, token string) (int, string) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+path, nil)
		require.NoError(t, err)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		return resp.StatusCode, string(body)
	}
	status, body := call("/payments/balance", tok.AccessToken)
	assert.Equal(t, http.StatusOK, status)
	assert.Equal(t, "payments for client "+m[1]+`, scope "read"`+"\n", body)
	status, _ = call("/payments/balance", "")
	assert.Equal(t, http.StatusUnauthorized, status)
	status, body = call("/health", "")
	assert.Equal(t, http.StatusOK, status)
	assert.Equal(t, "ok\n", body)

	form := func(path string, vals url.Values) string {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+path, strings.NewReader(vals.Encode()))
		require.NoError(t, err)
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.SetBasicAuth(url.QueryEscape(m[1]), url.QueryEscape(m[2]))
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		require.Equal(t, http.StatusOK, resp.StatusCode, string(b))
		return string(b)
	}
	assert.Contains(t, form("/oauth/introspect", url.Values{"token": {tok.AccessToken}}), `"active":true`)
	form("/oauth/revoke", url.Values{"token": {tok.AccessToken}})
	assert.JSONEq(t, `{"active":false}`, form("/oauth/introspect", url.Values{"token": {tok.AccessToken}}))
	status, _ = call("/payments/balance", tok.AccessToken)
	assert.Equal(t, http.StatusUnauthorized, status, "revoked: refused on the next request")
}
