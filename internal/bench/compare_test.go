package bench

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portaloauth/portaloauth/internal/loadgen"
)

// fakePeer is a module standing in for the peer: it speaks the peer's
// protocol (the first line says where it listens; standard input closing
// stops it) with the standard library only, so that the test builds it
// offline.
const fakePeer = `package main

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
)

func main() {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	fmt.Printf("listening on http://%s\n", ln.Addr())
	go func() { _, _ = io.Copy(io.Discard, os.Stdin); os.Exit(0) }()
	http.HandleFunc("/token", func(w http.ResponseWriter, r *http.Request) {
		if id, secret, ok := r.BasicAuth(); !ok || id != "peer-client" || secret != "peer-secret" {
			http.Error(w, "no", http.StatusUnauthorized)
			return
		}
		_, _ = io.WriteString(w, ` + "`" + `{"access_token":"tok"}` + "`" + `)
	})
	http.HandleFunc("/validate", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer tok" {
			http.Error(w, "no", http.StatusUnauthorized)
		}
	})
	_ = http.Serve(ln, nil)
}
`

// TestPeerProcess builds a module, starts it as the peer, gets tokens from
// it, sends load to both endpoints and stops it.
func TestPeerProcess(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module fakepeer\n\ngo 1.26\n"), 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "main.go"), []byte(fakePeer), 0o600))

	p, err := startPeer(t.Context(), dir)
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(p.url, "http://127.0.0.1:"), p.url)
	require.NoError(t, p.issue(t.Context(), 3))
	assert.Len(t, p.bearers, 3)
	for _, req := range []func(context.Context) (*http.Request, error){p.tokenRequest, p.validateRequest} {
		res, err := loadgen.Run(t.Context(), loadgen.Config{Workers: 2, Duration: 50 * time.Millisecond, NewRequest: req})
		require.NoError(t, err)
		assert.Positive(t, res.Requests)
		assert.Zero(t, res.Failures)
		assert.Positive(t, res.P99)
	}
	p.close()
	_, err = http.Get(p.url + "/validate")
	require.Error(t, err, "the peer still answers after close")
}

func TestStartPeerReportsABuildFailure(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module broken\n\ngo 1.26\n"), 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "main.go"), []byte("package main\nfunc main() { x }\n"), 0o600))
	_, err := startPeer(t.Context(), dir)
	require.ErrorContains(t, err, "building the peer")
}

func TestFindPeer(t *testing.T) {
	t.Parallel()
	dir, err := FindPeer()
	require.NoError(t, err)
	assert.FileExists(t, filepath.Join(dir, "go.mod"))
	assert.FileExists(t, filepath.Join(dir, "main.go"))
}

// TestCeilingAnswersLikeATokenEndpoint: the ceiling refuses what a token
// endpoint refuses and answers a body of the asked length with the token
// response's headers.
func TestCeilingAnswersLikeATokenEndpoint(t *testing.T) {
	t.Parallel()
	c, err := startCeiling(150)
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	for _, tc := range []struct {
		body, auth string
		want       int
	}{
		{tokenBody, "Basic eDp5", http.StatusOK},
		{tokenBody, "", http.StatusUnauthorized},
		{"grant_type=password", "Basic eDp5", http.StatusBadRequest},
	} {
		req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, "http://"+c.Addr+"/token", strings.NewReader(tc.body))
		require.NoError(t, err)
		req.Header.Set("Content-Type", mediaForm)
		if tc.auth != "" {
			req.Header.Set("Authorization", tc.auth)
		}
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		_ = resp.Body.Close()
		assert.Equal(t, tc.want, resp.StatusCode, tc.body)
		if tc.want == http.StatusOK {
			assert.EqualValues(t, 150, resp.ContentLength)
			assert.Equal(t, "no-store", resp.Header.Get("Cache-Control"))
			assert.Equal(t, "no-cache", resp.Header.Get("Pragma"))
		}
	}
}

func TestCompareRowMedian(t *testing.T) {
	t.Parallel()
	rate := func(n int64) loadgen.Result { return loadgen.Result{Requests: n, Elapsed: time.Second} }
	row := CompareRow{Rounds: []loadgen.Result{rate(30), rate(10), rate(20)}}
	assert.EqualValues(t, 20, row.Median().Requests)
	assert.Zero(t, CompareRow{}.Median().Requests)
}

func TestRunCalls(t *testing.T) {
	t.Parallel()
	var n atomic.Int64
	res, err := runCalls(t.Context(), 4, 50*time.Millisecond, func(context.Context) error {
		if n.Add(1) == 1 {
			return errors.New("the first call fails")
		}
		return nil
	})
	require.NoError(t, err)
	assert.Positive(t, res.Requests)
	assert.Positive(t, res.Failures)
	assert.Equal(t, 4, res.Workers)
	assert.LessOrEqual(t, res.P50, res.P99)

	_, err = runCalls(t.Context(), 2, 10*time.Millisecond, func(context.Context) error { return errors.New("down") })
	require.ErrorContains(t, err, "down")
}

// TestRequestSourceServesAgain: the reset request is served with 200 time
// after time, as a new one would be.
func TestRequestSourceServesAgain(t *testing.T) {
	t.Parallel()
	s, err := NewServer(t.Context())
	require.NoError(t, err)
	for _, e := range []Endpoint{EndpointToken, EndpointIntrospect, EndpointGateway} {
		src, err := s.newRequestSource(t.Context(), e)
		require.NoError(t, err)
		for range 3 {
			w := newDiscardWriter()
			w.keep = true
			s.Handler.ServeHTTP(w, src.next())
			require.Equal(t, http.StatusOK, w.status, "%v: %s", e, w.body)
		}
	}
}

// TestServeAnswersItsParent serves the fixture and the ceiling as a child
// process would, through pipes, sends requests to them as the report
// does, and ends them by closing their input.
func TestServeAnswersItsParent(t *testing.T) {
	t.Parallel()
	for _, kind := range []string{ServeMemory, ServeCeiling} {
		inR, inW := io.Pipe()
		outR, outW := io.Pipe()
		done := make(chan error, 1)
		go func() { done <- Serve(t.Context(), ServeConfig{Kind: kind, CeilingSize: 120}, inR, outW) }()
		p := &serverProcess{lines: bufio.NewScanner(outR)}
		p.lines.Buffer(nil, 1<<20)
		require.True(t, p.lines.Scan(), kind)
		url, ok := strings.CutPrefix(p.lines.Text(), "listening on ")
		require.True(t, ok, p.lines.Text())
		p.url = url
		if kind == ServeMemory {
			s, err := p.fixture()
			require.NoError(t, err)
			for _, e := range []Endpoint{EndpointToken, EndpointIntrospect, EndpointGateway} {
				res, err := loadgen.Run(t.Context(), loadgen.Config{Workers: 2, Duration: 50 * time.Millisecond,
					NewRequest: func(ctx context.Context) (*http.Request, error) { return s.Request(ctx, e, s.url) }})
				require.NoError(t, err, e.String())
				assert.Zero(t, res.Failures, e.String())
			}
		} else {
			resp, err := http.Post(url+"/token", mediaForm, strings.NewReader(tokenBody))
			require.NoError(t, err)
			_ = resp.Body.Close()
			assert.Equal(t, http.StatusUnauthorized, resp.StatusCode, "no Basic credentials")
		}
		require.NoError(t, inW.Close())
		require.NoError(t, <-done, kind)
	}
	require.Error(t, Serve(t.Context(), ServeConfig{Kind: "nothing"}, strings.NewReader(""), io.Discard))
	require.Error(t, Serve(t.Context(), ServeConfig{Kind: ServePostgres}, strings.NewReader(""), io.Discard), "no DSN")
}
