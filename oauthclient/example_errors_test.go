package oauthclient_test

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/portaloauth/portaloauth/oauthclient"
)

// Any error maps to an OAuth error code and an HTTP status: an
// *oauthclient.Error by its code or sentinel, a wrapped sentinel by the
// sentinel, anything else as a server error.
func ExampleCodeOf() {
	for _, err := range []error{
		oauthclient.NewError(oauthclient.CodeInvalidClient, "", "client authentication failed"),
		fmt.Errorf("store: client %q: %w", "c1", oauthclient.ErrConflict),
		oauthclient.Errorf(oauthclient.ErrClientLimit, "entry_ids[0]", "at most 3 clients"),
		errors.New("connection refused"),
	} {
		fmt.Println(oauthclient.CodeOf(err), oauthclient.HTTPStatus(err))
	}
	// Output:
	// invalid_client 401
	// invalid_request 409
	// access_denied 403
	// server_error 500
}

// WriteError answers an error as RFC 6749 §5.2 asks, with the challenge
// invalid_client needs.
func ExampleErrorWriter_WriteError() {
	ew := oauthclient.ErrorWriter{Realm: "https://as.example"}
	rec := httptest.NewRecorder()
	ew.WriteError(rec, httptest.NewRequest(http.MethodPost, "/oauth/token", nil),
		oauthclient.NewError(oauthclient.CodeInvalidClient, "", "client authentication failed"))
	fmt.Println(rec.Code)
	fmt.Println(rec.Header().Get("WWW-Authenticate"))
	fmt.Print(rec.Body.String())
	// Output:
	// 401
	// Basic realm="https://as.example", charset="UTF-8"
	// {"error":"invalid_client","error_description":"client authentication failed"}
}
