package oauthclient_test

import (
	"errors"
	"fmt"

	"github.com/portaloauth/portaloauth/oauthclient"
)

func ExampleValidateRedirectURI() {
	for _, raw := range []string{
		"https://app.example.com/callback",
		"com.example.app:/oauth2redirect",
		"http://127.0.0.1/callback",
		"http://app.example.com/callback",
		"https://good.example@evil.example/",
		"https://app.example.com/callback#done",
	} {
		err := oauthclient.ValidateRedirectURI(raw)
		var e *oauthclient.Error
		if errors.As(err, &e) {
			fmt.Printf("%s: %s\n", raw, e.Reason)
			continue
		}
		fmt.Printf("%s: ok\n", raw)
	}
	// Output:
	// https://app.example.com/callback: ok
	// com.example.app:/oauth2redirect: ok
	// http://127.0.0.1/callback: ok
	// http://app.example.com/callback: must use https unless the host is a loopback address (127.0.0.1, [::1] or localhost)
	// https://good.example@evil.example/: must not contain user information (user@host)
	// https://app.example.com/callback#done: must not contain a fragment (#)
}

func ExampleMatchRedirectURI() {
	registered := []string{
		"https://app.example.com/callback",
		"http://127.0.0.1/callback",
	}
	for _, requested := range []string{
		"https://app.example.com/callback",
		"https://app.example.com/callback/",
		"http://127.0.0.1:53124/callback", // a native app's ephemeral port
		"",
	} {
		uri, err := oauthclient.MatchRedirectURI(requested, registered)
		if errors.Is(err, oauthclient.ErrRedirectMismatch) {
			fmt.Printf("%q: refused, do not redirect\n", requested)
			continue
		}
		fmt.Printf("%q: redirect to %s\n", requested, uri)
	}
	// Output:
	// "https://app.example.com/callback": redirect to https://app.example.com/callback
	// "https://app.example.com/callback/": refused, do not redirect
	// "http://127.0.0.1:53124/callback": redirect to http://127.0.0.1:53124/callback
	// "": refused, do not redirect
}

func ExampleRedirectPolicy() {
	p := &oauthclient.RedirectPolicy{
		AllowLocalhostAnyPort:     true,
		RequireDottedCustomScheme: true,
	}
	fmt.Println(p.Validate("myapp:/callback") != nil)
	fmt.Println(p.Validate("com.example.app:/callback"))

	uri, err := p.Match("http://localhost:8123/callback", []string{"http://localhost/callback"})
	fmt.Println(uri, err)

	webOnly := &oauthclient.RedirectPolicy{HTTPSOnly: true}
	fmt.Println(webOnly.Validate("http://127.0.0.1/callback"))
	// Output:
	// true
	// <nil>
	// http://localhost:8123/callback <nil>
	// oauthclient: invalid_redirect_uri: redirect_uri: must use https
}
