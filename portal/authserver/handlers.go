package authserver

import (
	"errors"
	"net/http"
	"sync"

	"github.com/portaloauth/portaloauth/oauthclient"
)

// TokenHandler returns the token endpoint (RFC 6749 §3.2): POST only,
// [ParseTokenRequest], [Server.Token], [WriteTokenResponse] or
// [Server.WriteError], with the headers of [Server.SecurityHeaders].
func (s *Server) TokenHandler() http.Handler {
	return s.post(func(w http.ResponseWriter, r *http.Request) {
		req, err := parseTokenRequest(w, r, s.maxBody)
		if err != nil {
			s.WriteError(w, r, err)
			return
		}
		resp, err := s.Token(r.Context(), req)
		if err != nil {
			s.WriteError(w, r, err)
			return
		}
		WriteTokenResponse(w, resp)
		*resp = TokenResponse{}
		tokenResponses.Put(resp)
	})
}

// RevocationHandler returns the revocation endpoint (RFC 7009): POST
// only; 200 with an empty body for a revoked, unknown or foreign token.
func (s *Server) RevocationHandler() http.Handler {
	return s.post(func(w http.ResponseWriter, r *http.Request) {
		req, err := parseRevocationRequest(w, r, s.maxBody)
		if err == nil {
			err = s.Revoke(r.Context(), req)
		}
		if err != nil {
			s.WriteError(w, r, err)
			return
		}
		w.WriteHeader(http.StatusOK)
	})
}

// IntrospectionHandler returns the introspection endpoint (RFC 7662):
// POST only, for confidential clients.
func (s *Server) IntrospectionHandler() http.Handler {
	return s.post(func(w http.ResponseWriter, r *http.Request) {
		req, err := parseIntrospectionRequest(w, r, s.maxBody)
		if err != nil {
			s.WriteError(w, r, err)
			return
		}
		in, err := s.Introspect(r.Context(), req)
		if err != nil {
			s.WriteError(w, r, err)
			return
		}
		WriteIntrospection(w, in)
	})
}

// post serves POST with h and answers any other method 405.
func (s *Server) post(h http.HandlerFunc) http.Handler {
	notAllowed := s.MethodNotAllowed(http.MethodPost)
	return s.SecurityHeaders(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			notAllowed(w, r)
			return
		}
		h(w, r)
	}))
}

// MethodNotAllowed returns a handler answering 405 invalid_request with
// the Allow header set to allow (e.g. "GET, HEAD, POST").
func (s *Server) MethodNotAllowed(allow string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Allow", allow)
		s.errors.WriteProblem(w, r, oauthclient.Problem{Status: http.StatusMethodNotAllowed, Code: oauthclient.CodeInvalidRequest,
			Description: "method " + oauthclient.ErrorText(r.Method) + " is not allowed; use " + allow}, nil)
	}
}

// SecurityHeaders wraps h: every response carries
// Content-Security-Policy (default-src 'none', for JSON; an HTML page sets
// its own), X-Content-Type-Options nosniff, X-Frame-Options DENY,
// Referrer-Policy no-referrer and Cache-Control no-store, and a panic in h
// becomes a logged 500 server_error (http.ErrAbortHandler goes on to
// net/http).
func (s *Server) SecurityHeaders(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hdr := w.Header()
		// Canonical keys and shared values: no allocation per request.
		hdr["Content-Security-Policy"] = valueJSONCSP
		hdr["X-Content-Type-Options"] = valueNosniff
		hdr["X-Frame-Options"] = valueDeny
		hdr["Referrer-Policy"] = valueNoReferrer
		hdr["Cache-Control"] = valueNoStore
		rw := recordingWriters.Get().(*recordingWriter)
		rw.ResponseWriter = w
		defer s.recoverPanic(rw, r)
		h.ServeHTTP(rw, r)
	})
}

// recordingWriters hold the writers SecurityHeaders wraps responses in: a
// ResponseWriter is not used once its handler returned, so each can wrap
// the next response.
var recordingWriters = sync.Pool{New: func() any { return new(recordingWriter) }}

func (s *Server) recoverPanic(w *recordingWriter, r *http.Request) {
	v := recover()
	if v == nil {
		*w = recordingWriter{}
		recordingWriters.Put(w)
		return
	}
	if v == http.ErrAbortHandler { //nolint:errorlint // the sentinel is compared as net/http does
		panic(v)
	}
	s.log.ErrorContext(r.Context(), "authserver: recovered panic", "method", r.Method, "path", r.URL.Path, "panic", v)
	if !w.wrote {
		s.WriteError(w, r, errors.New("panic"))
	}
}

// recordingWriter remembers whether the header was written, so that a
// recovered panic answers only if nothing was sent yet.
type recordingWriter struct {
	http.ResponseWriter
	wrote bool
}

func (w *recordingWriter) WriteHeader(code int) {
	w.wrote = true
	w.ResponseWriter.WriteHeader(code)
}

func (w *recordingWriter) Write(p []byte) (int, error) {
	w.wrote = true
	return w.ResponseWriter.Write(p)
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *recordingWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
