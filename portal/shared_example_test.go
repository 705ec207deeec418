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
// pepper, a clock or a random source is configured once.
func ExampleService_Hasher() {
	hasher := &oauthclient.Hasher{Pepper: []byte("0123456789abcdef0123456789abcdef")}
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	random := strings.NewReader(strings.Repeat("r", 64))
	svc, err := portal.New(portal.Config{Store: memory.New(), Hasher: hasher, Now: func() time.Time { return now }, Rand: random})
	if err != nil {
		fmt.Println(err)
		return
	}
	token, _, _ := oauthclient.GenerateInitialAccessToken(svc.Rand())
	fmt.Println(svc.Hasher() == hasher, svc.Clock()().Equal(now), svc.Redirects() == nil, svc.Clients() != nil)
	fmt.Println(token.Reveal())
	// Output:
	// true true true true
	// poa_iat_cnJycnJycnJycnJycnJycnJycnJycnJycnJycnJycnI
}
