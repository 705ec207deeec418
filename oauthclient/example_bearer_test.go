package oauthclient_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"

	"github.com/portaloauth/portaloauth/oauthclient"
)

// A resource server reads the access token from the Authorization header
// only (RFC 6750 §2.1).
func ExampleBearerToken() {
	for _, header := range []string{"Bearer poa_at_abc", "", "Bearer a b"} {
		r := httptest.NewRequest(http.MethodGet, "/api?access_token=ignored", nil)
		if header != "" {
			r.Header.Set("Authorization", header)
		}
		token, err := oauthclient.BearerToken(r)
		switch {
		case errors.Is(err, oauthclient.ErrNoBearerToken):
			fmt.Println("no token: challenge without an error code")
		case errors.Is(err, oauthclient.ErrInvalidToken):
			fmt.Println("invalid_token")
		default:
			fmt.Println(token)
		}
	}
	// Output:
	// poa_at_abc
	// no token: challenge without an error code
	// invalid_token
}

func ExampleIsToken68() {
	fmt.Println(oauthclient.IsToken68("poa_at_abc-DEF.~+/=="), oauthclient.IsToken68("a b"))
	// Output: true false
}

// A seeded generator, not safe for concurrent use, shared by goroutines.
func ExampleLockedReader() {
	seeded := rand.NewChaCha8([32]byte{1})
	r := oauthclient.LockedReader(seeded)
	value, _, err := oauthclient.GenerateToken(r, oauthclient.KindAccessToken)
	fmt.Println(len(value.Reveal()), err)
	// Output: 50 <nil>
}
