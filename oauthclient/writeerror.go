package oauthclient

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// ErrorWriter answers errors as OAuth error responses. The zero value is
// ready to use: no realm, and server errors logged to slog.Default().
type ErrorWriter struct {
	// Realm is the realm of the WWW-Authenticate challenges; empty: none.
	Realm string
	// Logger receives every server error (status 500) with its detail,
	// which the response never carries; an [ErrInvalidConfig] is logged as
	// a configuration bug. nil: slog.Default().
	Logger *slog.Logger
}

// WriteError answers err with [ErrorWriter]'s zero value.
func WriteError(w http.ResponseWriter, r *http.Request, err error) {
	ErrorWriter{}.WriteError(w, r, err)
}

// WriteError answers err as the JSON error response of RFC 6749 §5.2:
// the status of [HTTPStatus], a body {"error": code, "error_description":
// description} as [ProblemOf] describes it, "Cache-Control: no-store" and
// "Pragma: no-cache". invalid_client answers 401 with a Basic challenge
// (RFC 6749 §5.2), invalid_token and insufficient_scope a Bearer challenge
// naming the error (RFC 6750 §3). A server error is logged with its
// detail; the body says only that the server failed. r may be nil; its
// context is the log record's.
func (ew ErrorWriter) WriteError(w http.ResponseWriter, r *http.Request, err error) {
	ew.WriteProblem(w, r, ProblemOf(err), err)
}

// WriteProblem writes p as [ErrorWriter.WriteError] writes the problem of
// an error, for a caller that adjusted it (a status of its own, say); err
// is what is logged when p.Status is a server error, and may be nil.
func (ew ErrorWriter) WriteProblem(w http.ResponseWriter, r *http.Request, p Problem, err error) {
	if p.Status >= http.StatusInternalServerError {
		ew.log(r, err)
	}
	description := ErrorText(p.Description)
	h := w.Header()
	switch p.Code {
	case CodeInvalidClient:
		h.Set("WWW-Authenticate", ew.challenge("Basic", `charset="UTF-8"`))
	case CodeInvalidToken, CodeInsufficientScope:
		params := []string{`error="` + string(p.Code) + `"`}
		if description != "" {
			params = append(params, `error_description="`+description+`"`)
		}
		h.Set("WWW-Authenticate", ew.challenge("Bearer", params...))
	}
	body := make([]byte, 0, 64+len(description))
	body = append(body, `{"error":"`...)
	body = append(body, ErrorText(string(p.Code))...)
	if description != "" {
		body = append(body, `","error_description":"`...)
		body = append(body, description...)
	}
	body = append(body, "\"}\n"...)
	if p.RetryAfter > 0 {
		h.Set("Retry-After", strconv.FormatInt(int64((p.RetryAfter+time.Second-1)/time.Second), 10))
	}
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	h.Set("Cache-Control", "no-store")
	h.Set("Pragma", "no-cache")
	w.WriteHeader(p.Status)
	_, _ = w.Write(body)
}

// challenge builds a WWW-Authenticate challenge of scheme with the realm
// first, when one is set, then params.
func (ew ErrorWriter) challenge(scheme string, params ...string) string {
	if ew.Realm != "" {
		params = append([]string{`realm="` + ErrorText(ew.Realm) + `"`}, params...)
	}
	return scheme + " " + strings.Join(params, ", ")
}

func (ew ErrorWriter) log(r *http.Request, err error) {
	log := ew.Logger
	if log == nil {
		log = slog.Default()
	}
	ctx := context.Background()
	var attrs []any
	if r != nil {
		ctx = r.Context()
		attrs = append(attrs, "method", r.Method, "path", r.URL.Path)
	}
	attrs = append(attrs, "error", err)
	level, msg := slog.LevelError, "oauthclient: request failed (a bug)"
	switch {
	case errors.Is(err, context.Canceled):
		level, msg = slog.LevelInfo, "oauthclient: request cancelled"
	case Outage(err):
		level, msg = slog.LevelWarn, "oauthclient: store unavailable or too slow (an outage)"
	case errors.Is(err, ErrInvalidConfig):
		msg = "oauthclient: configuration error (a bug of the deployment)"
	}
	log.Log(ctx, level, msg, attrs...)
}

// ErrorText keeps only the characters RFC 6749 §5.2 allows in error and
// error_description (%x20-21 / %x23-5B / %x5D-7E), replacing the others
// with '?'. The result is safe inside a JSON string and a quoted-string
// header parameter (a realm, say).
func ErrorText(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e || r == '"' || r == '\\' {
			return '?'
		}
		return r
	}, s)
}
