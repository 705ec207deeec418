package authserver

import (
	"encoding/json"
	"net/http"
	"strconv"
	"sync"
)

// Header values set on responses. They are shared: headers are replaced
// with Set or by assignment, never changed in place.
var (
	valueJSONCSP    = []string{jsonCSP}
	valueNosniff    = []string{"nosniff"}
	valueDeny       = []string{"DENY"}
	valueNoReferrer = []string{"no-referrer"}
	valueNoStore    = []string{"no-store"}
	valueNoCache    = []string{"no-cache"}
	valueJSON       = []string{"application/json; charset=utf-8"}
)

// jsonCSP is the Content-Security-Policy of the JSON endpoints.
const jsonCSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"

// WriteTokenResponse writes a successful token response (RFC 6749 §5.1):
// status 200, JSON, Cache-Control no-store and Pragma no-cache.
func WriteTokenResponse(w http.ResponseWriter, resp *TokenResponse) {
	writeNoStore(w, resp)
}

// WriteIntrospection writes an introspection response (RFC 7662 §2.2):
// status 200, JSON, Cache-Control no-store and Pragma no-cache.
func WriteIntrospection(w http.ResponseWriter, in Introspection) {
	writeNoStore(w, in)
}

func writeNoStore(w http.ResponseWriter, v jsonAppender) {
	h := w.Header()
	h["Cache-Control"] = valueNoStore
	h["Pragma"] = valueNoCache
	writeJSON(w, http.StatusOK, v)
}

// bodyBuffers hold the buffers JSON bodies are written from: Write copies
// them out, so that each can serve the next response.
var bodyBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 512); return &b }}

// maxPooledBody is the largest buffer kept for another response.
const maxPooledBody = 4 << 10

// cachedLengths bounds the Content-Length values made once.
const cachedLengths = 1 << 10

// contentLengths are the Content-Length values of bodies shorter than
// cachedLengths, made once.
var contentLengths = sync.OnceValue(func() [][]string {
	v := make([][]string, cachedLengths)
	for i := range v {
		v[i] = []string{strconv.Itoa(i)}
	}
	return v
})

// contentLength is the Content-Length header value for n bytes; the
// slice must not be changed.
func contentLength(n int) []string {
	if n < cachedLengths {
		return contentLengths()[n]
	}
	return []string{strconv.Itoa(n)}
}

// writeJSON writes v as the JSON body with the given status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	var body []byte
	if a, ok := v.(jsonAppender); ok {
		buf := bodyBuffers.Get().(*[]byte)
		body = a.appendJSON((*buf)[:0])
		defer func() {
			if cap(body) <= maxPooledBody {
				*buf = body[:0]
				bodyBuffers.Put(buf)
			}
		}()
	} else {
		var err error
		if body, err = json.Marshal(v); err != nil {
			status, body = http.StatusInternalServerError, []byte(`{"error":"server_error"}`)
		}
	}
	body = append(body, '\n')
	hdr := w.Header()
	hdr["Content-Type"] = valueJSON
	hdr["Content-Length"] = contentLength(len(body))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// WriteError answers err as a JSON error (RFC 6749 §5.2) with the status,
// code and description of oauthclient.ProblemOf, through an
// oauthclient.ErrorWriter whose realm is the issuer: invalid_client
// answers 401 with a Basic challenge, invalid_token a Bearer one. A server
// error is logged with its detail, which the body never carries.
func (s *Server) WriteError(w http.ResponseWriter, r *http.Request, err error) {
	s.errors.WriteError(w, r, err)
}
