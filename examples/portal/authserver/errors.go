package authserver

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/portaloauth/portaloauth/oauthclient"
	"github.com/portaloauth/portaloauth/portal"
)

// Error codes of other RFCs than those oauthclient names.
const (
	// codeInvalidToken: a bearer token (initial or registration access
	// token) is missing, unknown or not valid here (RFC 6750 §3.1).
	codeInvalidToken oauthclient.ErrorCode = "invalid_token"
	// codeUnsupportedResponseType: response_type is not "code" (RFC 6749
	// §4.1.2.1).
	codeUnsupportedResponseType oauthclient.ErrorCode = "unsupported_response_type"
	// codeServerError: the server failed; the detail is in the log.
	codeServerError oauthclient.ErrorCode = "server_error"
)

// statusError gives an error a status that its code alone does not tell
// (405, 415): problem honours it.
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

// problem is the one mapping from an error to what a client is told: the
// HTTP status, the OAuth error code and a description in plain words. Any
// error it does not know is a 500 "server_error" whose detail stays in the
// log.
func problem(err error) (status int, code oauthclient.ErrorCode, description string) {
	var tooBig *http.MaxBytesError
	var se *statusError
	var pe *portal.Error
	switch {
	case errors.As(err, &tooBig):
		return http.StatusRequestEntityTooLarge, oauthclient.CodeInvalidRequest,
			"the request body is larger than " + strconv.FormatInt(tooBig.Limit, 10) + " bytes"
	case errors.As(err, &se):
		_, code, description = problem(se.err)
		return se.status, code, description
	case oauthclient.CodeOf(err) != "":
		code, description = oauthDescription(err)
		switch code {
		case oauthclient.CodeInvalidClient, codeInvalidToken:
			return http.StatusUnauthorized, code, description
		case oauthclient.CodeAccessDenied:
			return http.StatusForbidden, code, description
		case codeServerError:
			return http.StatusInternalServerError, code, description
		}
		return http.StatusBadRequest, code, description
	case errors.Is(err, portal.ErrDeveloperInactive), errors.Is(err, portal.ErrNotEligible),
		errors.Is(err, portal.ErrPolicyNotOffered), errors.Is(err, portal.ErrClientLimit):
		// The initial access token's developer or catalogue entries no
		// longer allow a new client.
		description = "registration is not allowed"
		if errors.As(err, &pe) {
			description = portalDescription(pe)
		}
		return http.StatusForbidden, oauthclient.CodeAccessDenied, description
	case errors.Is(err, portal.ErrInvalidInput):
		description = "invalid input"
		if errors.As(err, &pe) {
			description = portalDescription(pe)
		}
		return http.StatusBadRequest, oauthclient.CodeInvalidClientMetadata, description
	case errors.Is(err, oauthclient.ErrConflict):
		return http.StatusConflict, oauthclient.CodeInvalidRequest, "the client changed meanwhile; read it again and retry"
	case errors.Is(err, oauthclient.ErrDuplicate):
		return http.StatusConflict, oauthclient.CodeInvalidRequest, "the record exists already"
	case errors.Is(err, oauthclient.ErrNotFound):
		return http.StatusNotFound, oauthclient.CodeInvalidRequest, "not found"
	}
	return http.StatusInternalServerError, codeServerError, "the server failed to handle the request"
}

// oauthDescription returns the code of the first *oauthclient.Error in err
// and the descriptions of all of them (ValidateMetadata joins one per
// problem).
func oauthDescription(err error) (oauthclient.ErrorCode, string) {
	errs := oauthclient.Errors(err)
	if len(errs) == 0 {
		return oauthclient.CodeOf(err), ""
	}
	parts := make([]string, 0, len(errs))
	for _, e := range errs {
		if d := e.Description(); d != "" {
			parts = append(parts, d)
		}
	}
	return errs[0].Code, strings.Join(parts, "; ")
}

func portalDescription(e *portal.Error) string {
	switch {
	case e.Field != "" && e.Reason != "":
		return e.Field + ": " + e.Reason
	case e.Reason != "":
		return e.Reason
	case e.Err != nil:
		return strings.TrimPrefix(e.Err.Error(), "portal: ")
	}
	return "registration is not allowed"
}

// errorBody is the JSON error response of RFC 6749 §5.2.
type errorBody struct {
	Error       oauthclient.ErrorCode `json:"error"`
	Description string                `json:"error_description,omitempty"`
}

// writeError answers err as a JSON error. A 5xx is logged with the error's
// detail, which the body never carries; invalid_client answers 401 with a
// Basic challenge (RFC 6749 §5.2), invalid_token with a Bearer one (RFC
// 6750 §3).
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	status, code, description := problem(err)
	if status >= http.StatusInternalServerError {
		s.log.ErrorContext(r.Context(), "authserver: request failed", "method", r.Method, "path", r.URL.Path, "error", err)
	}
	switch code {
	case oauthclient.CodeInvalidClient:
		w.Header().Set("WWW-Authenticate", `Basic realm="`+quoteSafe(s.issuer)+`", charset="UTF-8"`)
	case codeInvalidToken:
		w.Header().Set("WWW-Authenticate", `Bearer realm="`+quoteSafe(s.issuer)+`", error="invalid_token", error_description="`+
			quoteSafe(description)+`"`)
	}
	w.Header()["Pragma"] = valueNoCache
	writeJSON(w, status, errorBody{Error: code, Description: errorText(description)})
}

// errorText keeps only the characters RFC 6749 §5.2 allows in
// error_description (%x20-21 / %x23-5B / %x5D-7E), replacing the others
// with '?'.
func errorText(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e || r == '"' || r == '\\' {
			return '?'
		}
		return r
	}, s)
}

// quoteSafe prepares s for a quoted-string in a header.
func quoteSafe(s string) string { return errorText(s) }

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
