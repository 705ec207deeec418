package portal_test

import (
	"fmt"
	"strings"
	"time"

	"github.com/portaloauth/portaloauth/oauthclient"
	"github.com/portaloauth/portaloauth/portal"
	"github.com/portaloauth/portaloauth/store/memory"
)

// A package built over a Service takes its settings from it, so that a
// pepper, a clock or a random source is configured once: the token
// endpoint's Authenticator verifies with the portal's pepper.
func ExampleService_OAuth() {
	hasher := &oauthclient.Hasher{Pepper: []byte("0123456789abcdef0123456789abcdef")}
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	random := strings.NewReader(strings.Repeat("r", 64))
	svc, err := portal.New(portal.Config{Store: memory.New(), OAuth: oauthclient.Config{
		Hasher: hasher, Now: func() time.Time { return now }, Rand: random,
	}})
	if err != nil {
		fmt.Println(err)
		return
	}
	oauth := svc.OAuth()
	token, _, _ := oauthclient.GenerateInitialAccessToken(oauth.Rand)
	fmt.Println(oauth.Hasher == hasher, oauth.Now().Equal(now), oauth.Redirects != nil, svc.Clients() != nil)
	fmt.Println(svc.Authenticator().Hasher == hasher)
	fmt.Println(token.Reveal())
	// Output:
	// true true true true
	// true
	// poa_iat_cnJycnJycnJycnJycnJycnJycnJycnJycnJycnJycnI
}
