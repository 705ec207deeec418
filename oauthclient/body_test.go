package oauthclient

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestReadBody(t *testing.T) {
	t.Parallel()
	const body = `{"client_name":"a"}`
	tests := []struct {
		name         string
		contentTypes []string
		body         string
		limit        int64
		field        string // "" for no *Error
		tooBig       bool
	}{
		{name: "exact type", contentTypes: []string{"application/json"}, body: body},
		{name: "UTF-8 charset", contentTypes: []string{"application/json; charset=UTF-8"}, body: body},
		{name: "upper-case type", contentTypes: []string{"Application/JSON"}, body: body},
		{name: "no content type", body: body, field: "Content-Type"},
		{name: "two content types", contentTypes: []string{"application/json", "application/json"}, body: body, field: "Content-Type"},
		{name: "form", contentTypes: []string{"application/x-www-form-urlencoded"}, body: body, field: "Content-Type"},
		{name: "other charset", contentTypes: []string{"application/json; charset=latin1"}, body: body, field: "Content-Type"},
		{name: "malformed type", contentTypes: []string{"application/json; ="}, body: body, field: "Content-Type"},
		{name: "at the limit", contentTypes: []string{"application/json"}, body: body, limit: int64(len(body))},
		{name: "over the limit", contentTypes: []string{"application/json"}, body: body, limit: int64(len(body)) - 1, tooBig: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := httptest.NewRequest(http.MethodPost, "/register", strings.NewReader(tc.body))
			for _, ct := range tc.contentTypes {
				r.Header.Add("Content-Type", ct)
			}
			got, err := ReadBody(httptest.NewRecorder(), r, "application/json", tc.limit)
			switch {
			case tc.tooBig:
				var tooBig *http.MaxBytesError
				require.ErrorAs(t, err, &tooBig)
				assert.Equal(t, tc.limit, tooBig.Limit)
			case tc.field != "":
				require.ErrorIs(t, err, ErrInvalidRequest)
				var e *Error
				require.ErrorAs(t, err, &e)
				assert.Equal(t, tc.field, e.Field)
			default:
				require.NoError(t, err)
				assert.Equal(t, tc.body, string(got))
			}
		})
	}
}

func TestReadBodyLimits(t *testing.T) {
	t.Parallel()
	big := strings.Repeat("a", DefaultMaxBodyBytes+1)
	r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(big))
	r.Header.Set("Content-Type", "application/json")
	_, err := ReadBody(nil, r, "application/json", 0)
	var tooBig *http.MaxBytesError
	require.ErrorAs(t, err, &tooBig, "zero means the default limit")

	r = httptest.NewRequest(http.MethodPost, "/", strings.NewReader(big))
	r.Header.Set("Content-Type", "application/json")
	r.ContentLength = -1 // unknown length: the reader stops it
	_, err = ReadBody(httptest.NewRecorder(), r, "application/json", 10)
	require.ErrorAs(t, err, &tooBig)

	r = httptest.NewRequest(http.MethodPost, "/", iotest.ErrReader(errors.New("connection reset")))
	r.Header.Set("Content-Type", "application/json")
	_, err = ReadBody(httptest.NewRecorder(), r, "application/json", 10)
	require.ErrorIs(t, err, ErrInvalidRequest)
	assert.NotContains(t, err.Error(), "connection reset")
}

func TestReadLimited(t *testing.T) {
	t.Parallel()
	body := strings.Repeat("x", 1000)
	for _, c := range []struct {
		name          string
		limit, length int64 // length: the Content-Length given, -1 unknown
		n             int   // bytes sent
		tooBig        bool
	}{
		{"known, under", 2000, 1000, 1000, false},
		{"known, exactly the limit", 1000, 1000, 1000, false},
		{"unknown, under", 2000, -1, 1000, false},
		{"unknown, exactly the limit", 1000, -1, 1000, false},
		{"unknown, over", 999, -1, 1000, true},
		{"understated length, over", 500, 10, 1000, true},
		{"overstated length", 2000, 1500, 1000, false},
		{"empty", 10, 0, 0, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			got, err := readLimited(iotest.OneByteReader(strings.NewReader(body[:c.n])), c.limit, c.length)
			if c.tooBig {
				var tooBig *http.MaxBytesError
				require.ErrorAs(t, err, &tooBig)
				assert.Equal(t, c.limit, tooBig.Limit)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, body[:c.n], string(got))
		})
	}
	_, err := readLimited(iotest.ErrReader(io.ErrUnexpectedEOF), 10, -1)
	require.ErrorIs(t, err, io.ErrUnexpectedEOF)
}
