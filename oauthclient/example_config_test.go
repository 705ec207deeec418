package oauthclient_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"

	"github.com/portaloauth/portaloauth/oauthclient"
	"github.com/portaloauth/portaloauth/store/memory"
)

// One Config, settled once, gives every component the same Hasher (and
// so the same pepper): a secret hashed by one authenticates at the other.
func ExampleConfig() {
	cfg := oauthclient.Config{
		Hasher: &oauthclient.Hasher{Pepper: bytes.Repeat([]byte{7}, 32)},
	}.Settle()
	fmt.Println(cfg.Settle().Hasher == cfg.Hasher, cfg.Redirects != nil, cfg.Now != nil)

	ctx := context.Background()
	store := memory.New()
	plain, secret, _ := cfg.Hasher.NewSecret(cfg.Rand, cfg.Now())
	id, _ := oauthclient.NewClientID(cfg.Rand)
	c := &oauthclient.Client{ID: id,
		Metadata: oauthclient.Metadata{ClientName: "App", TokenEndpointAuthMethod: oauthclient.AuthMethodBasic,
			GrantTypes: []oauthclient.GrantType{oauthclient.GrantClientCredentials}},
		Status: oauthclient.StatusActive, Secrets: []oauthclient.Secret{secret}}
	_ = store.CreateClient(ctx, c)

	creds := oauthclient.Credentials{ClientID: c.ID, Secret: plain, Method: oauthclient.AuthMethodBasic}
	_, err := cfg.Authenticator(store).Authenticate(ctx, creds)
	fmt.Println(err)

	// Without the pepper, the same secret is refused as a configuration bug.
	_, err = oauthclient.Config{}.Authenticator(store).Authenticate(ctx, creds)
	fmt.Println(errors.Is(err, oauthclient.ErrInvalidConfig))
	// Output:
	// true true true
	// <nil>
	// true
}

// An *Error names the offending field and says why; errors.Is finds the
// sentinel it stands for, and ProblemOf what a client may be told.
func ExampleError() {
	err := fmt.Errorf("creating a client: %w",
		oauthclient.Errorf(oauthclient.ErrClientLimit, "entry_ids[0]", "at most 3 clients for this API"))

	var e *oauthclient.Error
	if errors.As(err, &e) {
		fmt.Println(e.Field, "-", e.Reason)
	}
	fmt.Println(errors.Is(err, oauthclient.ErrClientLimit))
	p := oauthclient.ProblemOf(err)
	fmt.Println(p.Status, p.Code, p.Description)
	// Output:
	// entry_ids[0] - at most 3 clients for this API
	// true
	// 403 access_denied entry_ids[0]: at most 3 clients for this API
}

// A store failure is shown to a client as nothing more than a server error.
func ExampleProblemOf() {
	p := oauthclient.ProblemOf(fmt.Errorf("postgres: get client: %w", errors.New("relation \"clients\" does not exist")))
	fmt.Println(p.Status, p.Code, p.Description)
	// Output:
	// 500 server_error the server failed to handle the request
}
