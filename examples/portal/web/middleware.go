package web

import (
	"errors"
	"net/http"
	"runtime/debug"
	"strings"
)

// baseCSP is the Content-Security-Policy of every response: nothing inline,
// scripts, styles and images from this origin only, no framing. Pages of
// this package add form-action 'self'; it is left out here because an
// authorization server's consent form redirects to the client's origin.
const baseCSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; " +
	"connect-src 'self'; base-uri 'none'; frame-ancestors 'none'"

// pageCSP is the policy of this package's pages.
const pageCSP = baseCSP + "; form-action 'self'"

// Middleware wraps next, normally a mux holding the portal and the
// authorization server, with what every response needs:
//
//   - security headers (Content-Security-Policy without unsafe-inline and
//     with frame-ancestors 'none', X-Content-Type-Options nosniff,
//     Referrer-Policy no-referrer, X-Frame-Options DENY,
//     Cross-Origin-Opener-Policy same-origin, and Strict-Transport-Security
//     over TLS). They are set before next runs, so a handler that sets its
//     own value of a header replaces it rather than doubling it;
//   - a request body limit of Config.MaxBodyBytes: reading more fails with
//     an *http.MaxBytesError, which this package's pages answer with 413;
//   - recovery from a panic: the stack goes to the log, the client gets a
//     plain 500 page, and the server keeps running.
func (s *Site) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", baseCSP)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		if r.TLS != nil {
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		if r.Body != nil {
			r.Body = http.MaxBytesReader(w, r.Body, s.maxBody)
		}
		rw := &trackingWriter{ResponseWriter: w, site: s, req: r}
		defer func() {
			v := recover()
			if v == nil {
				return
			}
			if err, ok := v.(error); ok && errors.Is(err, http.ErrAbortHandler) {
				panic(v)
			}
			s.log.ErrorContext(r.Context(), "panic serving request",
				"method", r.Method, "path", r.URL.Path, "panic", v, "stack", string(debug.Stack()))
			if !rw.wrote {
				s.renderError(rw, r, http.StatusInternalServerError, "")
			}
		}()
		next.ServeHTTP(rw, r)
	})
}

// trackingWriter remembers whether the response was started, and gives
// the plain-text "404 page not found" and "405 method not allowed" that
// http.ServeMux writes for a request no pattern matches the portal's
// styled error page instead.
type trackingWriter struct {
	http.ResponseWriter
	site    *Site
	req     *http.Request
	wrote   bool
	replace bool // the mux's plain-text error was replaced: drop its body
}

func (t *trackingWriter) WriteHeader(code int) {
	if t.wrote {
		t.ResponseWriter.WriteHeader(code)
		return
	}
	t.wrote = true
	if (code == http.StatusNotFound || code == http.StatusMethodNotAllowed) &&
		strings.HasPrefix(t.Header().Get("Content-Type"), "text/plain") {
		t.replace = true
		t.Header().Del("Content-Length")
		msg := ""
		if code == http.StatusMethodNotAllowed {
			msg = "This address does not take that kind of request."
		}
		t.site.renderError(t.ResponseWriter, t.req, code, msg)
		return
	}
	t.ResponseWriter.WriteHeader(code)
}

func (t *trackingWriter) Write(b []byte) (int, error) {
	if !t.wrote {
		t.WriteHeader(http.StatusOK)
	}
	if t.replace {
		return len(b), nil
	}
	return t.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (t *trackingWriter) Unwrap() http.ResponseWriter { return t.ResponseWriter }

// parseForm parses a posted form and answers 413 for an oversized body and
// 400 for a malformed one. It reports whether the handler may go on.
func (s *Site) parseForm(w http.ResponseWriter, r *http.Request) bool {
	err := r.ParseForm()
	if err == nil {
		return true
	}
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		s.renderError(w, r, http.StatusRequestEntityTooLarge, "The form is too large.")
		return false
	}
	s.renderError(w, r, http.StatusBadRequest, "The form could not be read.")
	return false
}

// checkPost parses a posted form and checks that it comes from this site:
// the origin headers a browser sends (Sec-Fetch-Site, Origin) and the form's
// CSRF token, which must equal want. It answers 403 when either fails.
func (s *Site) checkPost(w http.ResponseWriter, r *http.Request, valid func(*http.Request) bool) bool {
	if !s.parseForm(w, r) {
		return false
	}
	if err := s.cop.Check(r); err != nil || !valid(r) {
		s.renderError(w, r, http.StatusForbidden,
			"The form has expired or did not come from this site. Go back, reload the page and try again.")
		return false
	}
	return true
}
