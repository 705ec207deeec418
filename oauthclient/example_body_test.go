package oauthclient_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/portaloauth/portaloauth/oauthclient"
)

func ExampleReadBody() {
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := oauthclient.ReadBody(w, r, "application/json", 1024)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(string(body))
	})
	for _, contentType := range []string{"application/json; charset=utf-8", "text/plain"} {
		r := httptest.NewRequest(http.MethodPost, "/register", strings.NewReader(`{"client_name":"App"}`))
		r.Header.Set("Content-Type", contentType)
		handler.ServeHTTP(httptest.NewRecorder(), r)
	}
	// Output:
	// {"client_name":"App"}
	// oauthclient: invalid_request: Content-Type: must be application/json
}

func ExampleGenerateInitialAccessToken() {
	// A fixed reader makes the output reproducible; production code
	// passes nil (crypto/rand).
	random := strings.NewReader("0123456789abcdef0123456789abcdef")
	value, hash, err := oauthclient.GenerateInitialAccessToken(random)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(value.Reveal())
	fmt.Println(hash == oauthclient.HashToken(value.Reveal()))
	// Output:
	// poa_iat_MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY
	// true
}
