package portal_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/portaloauth/portaloauth/catalogue"
	"github.com/portaloauth/portaloauth/oauthclient"
	"github.com/portaloauth/portaloauth/portal"
	"github.com/portaloauth/portaloauth/store/memory"
)

// Example walks the "Portal OAuth Clients" flow on the in-memory store: the
// prerequisites (an OAuth 2.0 API, a policy granting it, a catalogue entry
// offering the policy, a developer), then select API, create the client,
// authenticate with its secret, rotate the secret, revoke the tokens, see
// the administrator's view and delete the client. A seeded random source
// and a fixed clock make the output repeatable; a real service leaves
// Config.Rand and Config.Now nil (crypto/rand and time.Now).
func Example() {
	ctx := context.Background()
	store := memory.New()
	now := time.Date(2025, 3, 14, 9, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	svc, err := portal.New(portal.Config{
		Store: store,
		Observer: portal.ObserverFunc(func(_ context.Context, e portal.Event) {
			if e.ClientID != "" {
				fmt.Println("  event:", e.Type)
			}
		}),
		OAuth: oauthclient.Config{Now: clock, Rand: rand.NewChaCha8([32]byte{'e', 'x', 'a', 'm', 'p', 'l', 'e'})},
	})
	if err != nil {
		log.Fatal(err)
	}

	// Prerequisites: the catalogue and a developer account.
	must(svc.AddAPI(ctx, &catalogue.API{ID: "payments", Name: "Payments API", AuthMode: catalogue.AuthOAuth2, Active: true}))
	must(svc.AddAPI(ctx, &catalogue.API{ID: "legacy", Name: "Legacy API", AuthMode: catalogue.AuthToken, Active: true}))
	must(svc.AddPolicy(ctx, &catalogue.Policy{ID: "payments-std", Name: "Payments standard", Active: true,
		AccessRights: []catalogue.AccessRight{{APIID: "payments"}}}))
	must(svc.AddPolicy(ctx, &catalogue.Policy{ID: "legacy-std", Name: "Legacy standard", Active: true,
		AccessRights: []catalogue.AccessRight{{APIID: "legacy"}}}))
	must(svc.AddEntry(ctx, &catalogue.Entry{ID: "payments", APIID: "payments", DisplayName: "Payments",
		PolicyIDs: []string{"payments-std"}, Visible: true}))
	must(svc.AddEntry(ctx, &catalogue.Entry{ID: "legacy", APIID: "legacy", DisplayName: "Legacy",
		PolicyIDs: []string{"legacy-std"}, Visible: true}))
	dev, err := svc.RegisterDeveloper(ctx, portal.NewDeveloper{Email: "ada@example.com", Name: "Ada"})
	must(err)

	// Select API: only OAuth-eligible entries are offered.
	entries, err := svc.EligibleEntries(ctx, dev.ID)
	must(err)
	for _, e := range entries {
		fmt.Printf("select API: %s (policies: %d)\n", e.Entry.DisplayName, len(e.Policies))
	}

	// App details and Create: the secret is in the result, and nowhere else.
	nc, err := svc.CreateClient(ctx, dev.ID, portal.CreateClientRequest{
		EntryIDs:    []string{entries[0].Entry.ID},
		Description: "Checkout for the shop",
		Metadata: oauthclient.Metadata{
			ClientName:   "Shop",
			RedirectURIs: []string{"https://shop.example.com/callback", "https://shop.example.com/callback2"},
		},
	})
	must(err)
	fmt.Println("client ID:", nc.Client.ID)
	fmt.Println("policy:", nc.Client.PolicyID, "status:", nc.Client.Status)
	fmt.Printf("secret: %d characters, hint %s, printed as %v\n",
		len(nc.Secret.Reveal()), oauthclient.SecretHint(nc.Secret), nc.Secret)

	// A gateway authenticates the client with its ID and secret.
	auth := &oauthclient.Authenticator{Clients: store, Now: clock}
	_, err = auth.Authenticate(ctx, oauthclient.Credentials{
		ClientID: nc.Client.ID, Secret: nc.Secret, Method: oauthclient.AuthMethodBasic})
	fmt.Println("authenticated:", err == nil)

	// Rotate: the old secret keeps working for an hour.
	rot, err := svc.RotateSecret(ctx, dev.ID, nc.Client.ID, time.Hour)
	must(err)
	fmt.Println("secrets after rotation:", len(rot.Client.Secrets))

	n, err := svc.RevokeTokens(ctx, dev.ID, nc.Client.ID)
	must(err)
	fmt.Println("tokens revoked:", n)

	// The administrator's view: hints, never secrets.
	devs, err := svc.ListDevelopersWithClients(ctx, oauthclient.Page{Limit: 10})
	must(err)
	for _, dc := range devs {
		for _, c := range dc.Clients {
			fmt.Printf("admin: %s %s %s %s hints=%s\n", dc.Developer.Email, c.Name,
				strings.Join(c.APIIDs, ","), c.Status, strings.Join(c.SecretHints, " "))
		}
	}

	must(svc.DeleteClient(ctx, dev.ID, nc.Client.ID))
	_, err = svc.GetClient(ctx, dev.ID, nc.Client.ID)
	fmt.Println("deleted:", err != nil)

	// Output:
	// select API: Payments (policies: 1)
	//   event: created
	// client ID: 1d222f18-9725-4327-b089-ecdcdb59f1ae
	// policy: payments-std status: active
	// secret: 50 characters, hint poa_cs_…_gDE, printed as [REDACTED]
	// authenticated: true
	//   event: secret_rotated
	// secrets after rotation: 2
	//   event: tokens_revoked
	// tokens revoked: 0
	// admin: ada@example.com Shop payments active hints=poa_cs_…_gDE poa_cs_…7mxU
	//   event: deleted
	// deleted: true
}

func must(err error) {
	if err != nil {
		log.Fatal(err)
	}
}

// ExampleService_UpdateEntry hides a catalogue entry and then requires
// approval for it: each update checks the catalogue's rules, refuses a
// stale version, and emits an event naming what changed.
func ExampleService_UpdateEntry() {
	ctx := context.Background()
	svc, err := portal.New(portal.Config{
		Store: memory.New(),
		Observer: portal.ObserverFunc(func(_ context.Context, e portal.Event) {
			fmt.Println(e.Actor, e.Detail)
		}),
	})
	must(err)
	must(svc.AddAPI(ctx, &catalogue.API{ID: "payments", Name: "Payments API", AuthMode: catalogue.AuthOAuth2, Active: true}))
	must(svc.AddPolicy(ctx, &catalogue.Policy{ID: "std", Name: "Standard", Active: true,
		AccessRights: []catalogue.AccessRight{{APIID: "payments"}}}))
	must(svc.AddEntry(ctx, &catalogue.Entry{ID: "payments", APIID: "payments", PolicyIDs: []string{"std"}, Visible: true}))

	cat, err := svc.Catalogue(ctx)
	must(err)
	e := cat.Entry("payments")
	e.Visible = false
	must(svc.UpdateEntry(ctx, "admin:ada", e))

	stale := *e
	stale.Version--
	stale.RequiresApproval = true
	fmt.Println(errors.Is(svc.UpdateEntry(ctx, "admin:ada", &stale), portal.ErrConflict))
	// Output:
	//  added api "payments"
	//  added policy "std"
	//  added entry "payments"
	// admin:ada updated entry "payments": visible=false
	// true
}

// ExampleService_FindDevelopers lists the approval queue: the developers
// with clients pending approval, and only those clients.
func ExampleService_FindDevelopers() {
	ctx := context.Background()
	svc, err := portal.New(portal.Config{Store: memory.New()})
	must(err)
	must(svc.AddAPI(ctx, &catalogue.API{ID: "ledger", Name: "Ledger API", AuthMode: catalogue.AuthOAuth2, Active: true}))
	must(svc.AddPolicy(ctx, &catalogue.Policy{ID: "ledger", Name: "Ledger", Active: true,
		AccessRights: []catalogue.AccessRight{{APIID: "ledger"}}}))
	must(svc.AddEntry(ctx, &catalogue.Entry{ID: "ledger", APIID: "ledger", PolicyIDs: []string{"ledger"},
		Visible: true, RequiresApproval: true}))
	dev, err := svc.RegisterDeveloper(ctx, portal.NewDeveloper{Email: "ada@example.com", Name: "Ada"})
	must(err)
	_, err = svc.CreateClient(ctx, dev.ID, portal.CreateClientRequest{
		EntryIDs: []string{"ledger"},
		Metadata: oauthclient.Metadata{ClientName: "Books", GrantTypes: []oauthclient.GrantType{oauthclient.GrantClientCredentials}},
	})
	must(err)

	queue, err := svc.FindDevelopers(ctx, portal.DeveloperQuery{ClientStatus: oauthclient.StatusPending})
	must(err)
	for _, dc := range queue {
		for _, c := range dc.Clients {
			fmt.Println(dc.Developer.Name, c.Name, c.Status)
		}
	}
	// Output: Ada Books pending_approval
}
