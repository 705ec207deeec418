package oauthclient_test

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portaloauth/portaloauth/oauthclient"
)

func TestBearerToken(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		headers []string
		target  string
		want    string
		err     error
	}{
		{name: "bearer", headers: []string{"Bearer abc.DEF-_~+/=="}, want: "abc.DEF-_~+/=="},
		{name: "scheme in lower case", headers: []string{"bearer abc"}, want: "abc"},
		{name: "no header", err: oauthclient.ErrNoBearerToken},
		{name: "token in the query only", target: "/?access_token=abc", err: oauthclient.ErrNoBearerToken},
		{name: "Basic scheme", headers: []string{"Basic dXNlcjpwYXNz"}, err: oauthclient.ErrNoBearerToken},
		{name: "repeated", headers: []string{"Bearer a", "Bearer a"}, err: oauthclient.ErrInvalidRequest},
		{name: "no token", headers: []string{"Bearer"}, err: oauthclient.ErrInvalidToken},
		{name: "empty token", headers: []string{"Bearer "}, err: oauthclient.ErrInvalidToken},
		{name: "token with a space", headers: []string{"Bearer a b"}, err: oauthclient.ErrInvalidToken},
		{name: "token with a quote", headers: []string{`Bearer a"b`}, err: oauthclient.ErrInvalidToken},
		{name: "padding only", headers: []string{"Bearer =="}, err: oauthclient.ErrInvalidToken},
		{name: "padding inside", headers: []string{"Bearer a=b"}, err: oauthclient.ErrInvalidToken},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			target := tc.target
			if target == "" {
				target = "/"
			}
			r := httptest.NewRequest(http.MethodGet, target, nil)
			for _, h := range tc.headers {
				r.Header.Add("Authorization", h)
			}
			got, err := oauthclient.BearerToken(r)
			if tc.err != nil {
				require.ErrorIs(t, err, tc.err)
				assert.Empty(t, got)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestIsToken68(t *testing.T) {
	t.Parallel()
	for _, ok := range []string{"abc", "a-b.c_d~e+f/g", "abc==", "A1"} {
		assert.True(t, oauthclient.IsToken68(ok), ok)
	}
	for _, bad := range []string{"", "=", "a b", "a=b", `a"`, "é", "a,b"} {
		assert.False(t, oauthclient.IsToken68(bad), bad)
	}
}

func FuzzBearerToken(f *testing.F) {
	for _, seed := range []string{"Bearer abc", "bearer a==", "Basic x", "Bearer", "Bearer a b", ""} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, header string) {
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		r.Header["Authorization"] = []string{header}
		tok, err := oauthclient.BearerToken(r)
		if err != nil {
			require.Empty(t, tok)
			return
		}
		require.True(t, oauthclient.IsToken68(tok))
	})
}

func TestLockedReader(t *testing.T) {
	t.Parallel()
	r := oauthclient.LockedReader(bytes.NewReader(make([]byte, 64*8)))
	assert.Same(t, r, oauthclient.LockedReader(r), "not wrapped twice")
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			var b [64]byte
			_, err := io.ReadFull(r, b[:])
			assert.NoError(t, err)
		})
	}
	wg.Wait()
	var b [1]byte
	_, err := r.Read(b[:])
	assert.ErrorIs(t, err, io.EOF, "eight reads of 64 bytes used it all")
	assert.NotNil(t, oauthclient.LockedReader(nil))
}
