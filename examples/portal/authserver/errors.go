package authserver

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"

	"github.com/portaloauth/portaloauth/oauthclient"
	"github.com/portaloauth/portaloauth/portal"
)

// The error codes of other RFCs, under the names this package used
// before oauthclient declared them.
const (
	codeInvalidToken            = oauthclient.CodeInvalidToken
	codeUnsupportedResponseType = oauthclient.CodeUnsupportedResponseType
	codeServerError             = oauthclient.CodeServerError
)

// statusError gives an error a status that its code alone does not tell
// (405): problem honours it.
type statusError struct {
	status int
	err    error
}

func (e *statusError) Error() string { return e.err.Error() }
func (e *statusError) Unwrap() error { return e.err }

// oauthError is a shorthand for an *oauthclient.Error.
func oauthError(code oauthclient.ErrorCode, field, reason string) error {
	return oauthclient.NewError(code, field, reason)
}

// problem is what a client is told: oauthclient.ProblemOf, with a
// statusError's status, and the portal's invalid input answered as
// invalid_client_metadata (it comes from registration requests only).
func problem(err error) (status int, code oauthclient.ErrorCode, description string) {
	p := oauthclient.ProblemOf(err)
	var se *statusError
	if errors.As(err, &se) {
		p.Status = se.status
	}
	if p.Code == oauthclient.CodeInvalidRequest && errors.Is(err, portal.ErrInvalidInput) {
		p.Code = oauthclient.CodeInvalidClientMetadata
	}
	return p.Status, p.Code, p.Description
}

// writeError answers err as a JSON error (RFC 6749 §5.2), with the
// challenges of oauthclient.ErrorWriter; a 5xx is logged with the error's
// detail, which the body never carries.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	var p oauthclient.Problem
	p.Status, p.Code, p.Description = problem(err)
	oauthclient.ErrorWriter{Realm: s.issuer, Logger: s.log}.WriteProblem(w, r, p, err)
}

// writeJSON writes v as the JSON body with the given status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	var body []byte
	if a, ok := v.(jsonAppender); ok {
		body = a.appendJSON(make([]byte, 0, 256))
	} else {
		var err error
		if body, err = json.Marshal(v); err != nil {
			status, body = http.StatusInternalServerError, []byte(`{"error":"server_error"}`)
		}
	}
	body = append(body, '\n')
	hdr := w.Header()
	hdr["Content-Type"] = valueJSON
	hdr["Content-Length"] = []string{strconv.Itoa(len(body))}
	w.WriteHeader(status)
	_, _ = w.Write(body)
}
