package oauthclient_test

import (
	"fmt"
	"net/http/httptest"
	"time"

	"github.com/portaloauth/portaloauth/oauthclient"
)

// A throttled attempt carries its wait; the error writer answers it with
// Retry-After, as 429 on its own and as invalid_client at the token
// endpoint.
func ExampleRetryAfterOf() {
	err := fmt.Errorf("login: %w", &oauthclient.Error{Err: oauthclient.ErrThrottled, RetryAfter: 2 * time.Second})
	fmt.Println(oauthclient.RetryAfterOf(err))

	rec := httptest.NewRecorder()
	oauthclient.WriteError(rec, nil, err)
	fmt.Println(rec.Code, rec.Header().Get("Retry-After"))

	rec = httptest.NewRecorder()
	oauthclient.WriteError(rec, nil, &oauthclient.Error{Code: oauthclient.CodeInvalidClient, Err: oauthclient.ErrThrottled,
		Reason: "client authentication failed", RetryAfter: 3 * time.Second})
	fmt.Println(rec.Code, rec.Header().Get("Retry-After"), rec.Body.String())
	// Output:
	// 2s
	// 429 2
	// 401 3 {"error":"invalid_client","error_description":"client authentication failed"}
}
