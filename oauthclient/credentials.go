package oauthclient

import (
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"
)

// Credentials are the client credentials a request presents.
type Credentials struct {
	ClientID string     // the client_id, decoded
	Secret   Plaintext  // the client secret, decoded; empty for a public client
	Method   AuthMethod // how the request presented them
}

// Parameter and header names, as error fields.
const (
	credFieldAuthorization = "Authorization"
	credFieldClientID      = "client_id"
	credFieldClientSecret  = "client_secret"
)

func credError(code ErrorCode, field, reason string) *Error {
	return &Error{Code: code, Field: field, Reason: reason}
}

// CredentialsFromRequest reads the client credentials of a token,
// revocation or introspection request, as RFC 6749 §2.3 allows them:
//
//   - client_secret_basic: an "Authorization: Basic" header whose client ID
//     and secret are each form-urlencoded (RFC 6749 §2.3.1) before base64;
//   - client_secret_post: client_id and client_secret in the
//     application/x-www-form-urlencoded request body, never in the URL;
//   - none: client_id alone in the body, for a public client.
//
// It calls r.ParseForm, which reads the body of a POST, PUT or PATCH
// request. It checks the form of the credentials only; [Authenticator]
// checks them.
//
// Errors are *Error values that name the header or parameter in Field. With
// CodeInvalidRequest: a malformed request or body, a repeated Authorization
// header or parameter, a client_secret in the URL, two authentication
// methods at once (an Authorization header and a client_secret parameter, or
// a client_id parameter that differs from the header's), a Basic header
// that is not base64, lacks the colon or is badly percent-encoded, or an
// empty client ID. With CodeInvalidClient: no credentials at all, or an
// Authorization scheme other than Basic. No error holds any part of the
// secret.
func CredentialsFromRequest(r *http.Request) (Credentials, error) {
	auth := r.Header.Values(credFieldAuthorization)
	if len(auth) > 1 {
		return Credentials{}, credError(CodeInvalidRequest, credFieldAuthorization, "must not be repeated")
	}
	if err := r.ParseForm(); err != nil {
		return Credentials{}, credError(CodeInvalidRequest, "", "malformed query or form body")
	}
	ids, secrets := r.PostForm[credFieldClientID], r.PostForm[credFieldClientSecret]
	switch {
	case len(r.Form[credFieldClientSecret]) > len(secrets):
		return Credentials{}, credError(CodeInvalidRequest, credFieldClientSecret, "must be sent in the request body, not the URL")
	case len(ids) > 1:
		return Credentials{}, credError(CodeInvalidRequest, credFieldClientID, "must not be repeated")
	case len(secrets) > 1:
		return Credentials{}, credError(CodeInvalidRequest, credFieldClientSecret, "must not be repeated")
	}

	if len(auth) == 1 {
		id, secret, err := parseBasicAuth(auth[0])
		switch {
		case err != nil:
			return Credentials{}, err
		case len(secrets) == 1:
			return Credentials{}, credError(CodeInvalidRequest, credFieldClientSecret, "a client must not use more than one authentication method")
		case len(ids) == 1 && ids[0] != id:
			return Credentials{}, credError(CodeInvalidRequest, credFieldClientID, "differs from the client ID of the Authorization header")
		}
		return Credentials{ClientID: id, Secret: NewPlaintext(secret), Method: AuthMethodBasic}, nil
	}

	switch {
	case len(ids) == 0 && len(secrets) == 0:
		return Credentials{}, credError(CodeInvalidClient, credFieldClientID, "no client authentication included")
	case len(ids) == 0, ids[0] == "":
		return Credentials{}, credError(CodeInvalidRequest, credFieldClientID, "missing or empty")
	case len(secrets) == 1:
		return Credentials{ClientID: ids[0], Secret: NewPlaintext(secrets[0]), Method: AuthMethodPost}, nil
	default:
		return Credentials{ClientID: ids[0], Method: AuthMethodNone}, nil
	}
}

// basicStackBytes is the longest Basic payload decoded on the stack;
// longer ones take the allocating path.
const basicStackBytes = 256

// basicDecode decodes standard padded base64, as base64.StdEncoding's
// DecodeString does, into one new string: for payloads of up to
// basicStackBytes the bytes are decoded on the stack, so that the string
// is the only allocation.
func basicDecode(payload string) (string, bool) {
	if len(payload) > basicStackBytes {
		raw, err := base64.StdEncoding.DecodeString(payload)
		return string(raw), err == nil
	}
	var src, dst [basicStackBytes]byte
	n, err := base64.StdEncoding.Decode(dst[:], src[:copy(src[:], payload)])
	return string(dst[:n]), err == nil
}

// parseBasicAuth parses the value of an Authorization header carrying
// client_secret_basic credentials: "Basic " and the base64 of the
// form-urlencoded client ID, a colon and the form-urlencoded secret. Errors
// are *Error values that never hold any part of the header.
func parseBasicAuth(header string) (id, secret string, err error) {
	scheme, payload, _ := strings.Cut(header, " ")
	if !strings.EqualFold(scheme, "Basic") {
		return "", "", credError(CodeInvalidClient, credFieldAuthorization, "unsupported authentication scheme")
	}
	decoded, ok := basicDecode(strings.Trim(payload, " "))
	if !ok {
		return "", "", credError(CodeInvalidRequest, credFieldAuthorization, "credentials are not valid base64")
	}
	rawID, rawSecret, ok := strings.Cut(decoded, ":")
	if !ok {
		return "", "", credError(CodeInvalidRequest, credFieldAuthorization, "credentials lack the colon between client ID and secret")
	}
	id, idErr := url.QueryUnescape(rawID)
	secret, secretErr := url.QueryUnescape(rawSecret)
	switch {
	case idErr != nil:
		return "", "", credError(CodeInvalidRequest, credFieldAuthorization, "client ID is not correctly form-urlencoded")
	case secretErr != nil:
		return "", "", credError(CodeInvalidRequest, credFieldAuthorization, "client secret is not correctly form-urlencoded")
	case id == "":
		return "", "", credError(CodeInvalidRequest, credFieldAuthorization, "empty client ID")
	}
	return id, secret, nil
}
