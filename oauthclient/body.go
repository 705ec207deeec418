package oauthclient

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"strings"
)

// DefaultMaxBodyBytes is the body limit of [ReadBody] when it is given no
// positive limit: 64 KiB.
const DefaultMaxBodyBytes = 64 << 10

// ReadBody reads the body of a request whose Content-Type must be
// mediaType ("application/json", "application/x-www-form-urlencoded"),
// with an optional charset parameter that must then be UTF-8. It reads at
// most limit bytes (zero or less: [DefaultMaxBodyBytes]), and w, when not
// nil, is told to close the connection after a longer body, as
// [http.MaxBytesReader] does.
//
// It returns an *Error with CodeInvalidRequest and Field "Content-Type"
// for a missing, repeated or other media type or charset; an error
// wrapping an *[http.MaxBytesError] for a body longer than limit, which
// an HTTP layer answers with 413; and an *Error with CodeInvalidRequest
// when the body cannot be read.
func ReadBody(w http.ResponseWriter, r *http.Request, mediaType string, limit int64) ([]byte, error) {
	if err := checkMediaType(r, mediaType); err != nil {
		return nil, err
	}
	if limit <= 0 {
		limit = DefaultMaxBodyBytes
	}
	if r.ContentLength > limit {
		return nil, &http.MaxBytesError{Limit: limit}
	}
	if w != nil && r.ContentLength < 0 {
		// A body of unknown length may run on; one whose length was
		// given and is within limit cannot (net/http stops there), and
		// readLimited refuses it if it did.
		r.Body = http.MaxBytesReader(w, r.Body, limit)
	}
	body, err := readLimited(r.Body, limit, r.ContentLength)
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, err
		}
		return nil, &Error{Code: CodeInvalidRequest, Reason: "the request body could not be read"}
	}
	return body, nil
}

// readLimited reads body to its end into one buffer, sized from
// contentLength when it is known, and returns an *http.MaxBytesError once
// more than limit bytes have come.
func readLimited(body io.Reader, limit, contentLength int64) ([]byte, error) {
	size := int64(512)
	if contentLength >= 0 {
		size = contentLength + 1 // room to see the end without growing
	}
	buf := make([]byte, 0, min(size, limit+1))
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := body.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if int64(len(buf)) > limit {
			return nil, &http.MaxBytesError{Limit: limit}
		}
		switch {
		case errors.Is(err, io.EOF):
			return buf, nil
		case err != nil:
			return nil, err
		}
	}
}

// checkMediaType refuses a request whose Content-Type is not want (with an
// optional charset parameter, which must be UTF-8).
func checkMediaType(r *http.Request, want string) error {
	ct := r.Header.Values("Content-Type")
	if len(ct) != 1 {
		return &Error{Code: CodeInvalidRequest, Field: "Content-Type", Reason: "must be " + want}
	}
	if ct[0] == want {
		return nil
	}
	mt, params, err := mime.ParseMediaType(ct[0])
	if err != nil || mt != want {
		return &Error{Code: CodeInvalidRequest, Field: "Content-Type", Reason: "must be " + want}
	}
	if cs, ok := params["charset"]; ok && !strings.EqualFold(cs, "utf-8") {
		return &Error{Code: CodeInvalidRequest, Field: "Content-Type", Reason: "charset must be UTF-8"}
	}
	return nil
}
