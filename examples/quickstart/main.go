// Command quickstart runs the "Portal OAuth Clients" flow with library calls
// on the in-memory store, printing each step: seed the catalogue, register a
// developer, list eligible APIs, create a client, authenticate, rotate, revoke, delete.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"time"

	"github.com/portaloauth/portaloauth/catalogue"
	"github.com/portaloauth/portaloauth/oauthclient"
	"github.com/portaloauth/portaloauth/portal"
	"github.com/portaloauth/portaloauth/store/memory"
)

func main() {
	flag.Usage = func() {
		fmt.Fprintln(flag.CommandLine.Output(), "usage: quickstart\n\nWalks the Portal OAuth Clients flow with library calls only, in memory, and prints each step.")
	}
	flag.Parse() // -h prints the usage and exits 0
	if err := run(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}

func run(w io.Writer) error {
	ctx := context.Background()
	step := func(format string, args ...any) { fmt.Fprintf(w, format+"\n", args...) }
	// A seeded random source and a fixed clock make this output repeatable.
	// A real service leaves Rand and Now nil: crypto/rand and time.Now.
	rnd, now := rand.NewChaCha8([32]byte{'q', 'u', 'i', 'c', 'k'}), time.Date(2025, 1, 1, 12, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	store := memory.New()
	svc, err := portal.New(portal.Config{Store: store, OAuth: oauthclient.Config{Now: clock, Rand: rnd}})
	if err != nil {
		return err
	}
	err = errors.Join(
		svc.AddAPI(ctx, &catalogue.API{ID: "weather", Name: "Weather API", AuthMode: catalogue.AuthOAuth2, Active: true}),
		svc.AddPolicy(ctx, &catalogue.Policy{ID: "weather-free", Name: "Free tier", Active: true,
			AccessRights: []catalogue.AccessRight{{APIID: "weather"}}}),
		svc.AddEntry(ctx, &catalogue.Entry{ID: "weather", APIID: "weather", DisplayName: "Weather",
			PolicyIDs: []string{"weather-free"}, Visible: true}))
	if err != nil {
		return err
	}
	step("1. catalogue: API weather (OAuth 2.0), policy weather-free, entry Weather")
	dev, err := svc.RegisterDeveloper(ctx, portal.NewDeveloper{Email: "ada@example.com", Name: "Ada"})
	if err != nil {
		return err
	}
	step("2. developer registered: %s", dev.Email)

	entries, err := svc.EligibleEntries(ctx, dev.ID)
	for _, e := range entries {
		step("3. select API: %s with policy %s", e.Entry.DisplayName, e.Policies[0].Name)
	}
	nc, err2 := svc.CreateClient(ctx, dev.ID, portal.CreateClientRequest{
		EntryIDs: []string{"weather"},
		Metadata: oauthclient.Metadata{ClientName: "Forecast app", RedirectURIs: []string{"https://app.example.com/cb"}},
	})
	if err = errors.Join(err, err2); err != nil {
		return err
	}
	id := nc.Client.ID
	step("4. client created: %s, secret shown once (%d characters, hint %s)",
		id, len(nc.Secret.Reveal()), oauthclient.SecretHint(nc.Secret))

	auth := svc.Authenticator() // the portal's hasher, clock and random source
	login := func(secret oauthclient.Plaintext) error {
		_, err := auth.Authenticate(ctx, oauthclient.Credentials{ClientID: id, Secret: secret, Method: oauthclient.AuthMethodBasic})
		return err
	}
	_, hash, err := oauthclient.GenerateToken(rnd, oauthclient.KindAccessToken)
	if err = errors.Join(err, login(nc.Secret), store.CreateToken(ctx, &oauthclient.Token{Hash: hash, ClientID: id,
		Kind: oauthclient.KindAccessToken, GrantID: "g1", IssuedAt: now, ExpiresAt: now.Add(time.Hour)})); err != nil {
		return err
	}
	step("5. authenticated with client_secret_basic; access token issued")

	rot, err := svc.RotateSecret(ctx, dev.ID, id, time.Hour)
	if err != nil {
		return err
	}
	step("6. secret rotated: %d active secrets, old one valid for 1h: %t", len(rot.Client.Secrets), login(nc.Secret) == nil)
	n, err := svc.RevokeTokens(ctx, dev.ID, id)
	if err != nil {
		return err
	}
	step("7. tokens revoked: %d", n)
	if err := svc.DeleteClient(ctx, dev.ID, id); err != nil {
		return err
	}
	step("8. client deleted; authenticating now fails: %v", oauthclient.CodeOf(login(rot.Secret)))
	return nil
}
