package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/portaloauth/portaloauth/catalogue"
	"github.com/portaloauth/portaloauth/examples/portal/web"
	"github.com/portaloauth/portaloauth/oauthclient"
	"github.com/portaloauth/portaloauth/portal"
	"github.com/portaloauth/portaloauth/portal/registration"
)

// The demo catalogue: three OAuth 2.0 APIs (one offering two policies, one
// whose new clients wait for an administrator's approval) and one API with
// another authentication mode, which the portal must not offer. Payments
// and Weather share no policy, so no one client can have both.
var (
	demoAPIs = []*catalogue.API{
		{ID: "payments", Name: "Payments API", AuthMode: catalogue.AuthOAuth2, Active: true},
		{ID: "weather", Name: "Weather API", AuthMode: catalogue.AuthOAuth2, Active: true},
		{ID: "ledger", Name: "Ledger API", AuthMode: catalogue.AuthOAuth2, Active: true},
		{ID: "orders-legacy", Name: "Orders API (legacy keys)", AuthMode: catalogue.AuthToken, Active: true},
	}
	demoPolicies = []*catalogue.Policy{
		{ID: "payments-read", Name: "Payments read-only", Active: true,
			AccessRights: []catalogue.AccessRight{{APIID: "payments"}}, Scopes: []string{"payments:read"}},
		{ID: "payments-full", Name: "Payments full access", Active: true,
			AccessRights: []catalogue.AccessRight{{APIID: "payments"}}, Scopes: []string{"payments:read", "payments:write"}},
		{ID: "weather-standard", Name: "Weather standard", Active: true,
			AccessRights: []catalogue.AccessRight{{APIID: "weather"}}},
		{ID: "ledger-partner", Name: "Ledger partner", Active: true,
			AccessRights: []catalogue.AccessRight{{APIID: "ledger"}}, Scopes: []string{"ledger:read"}},
		{ID: "orders-keys", Name: "Orders with API keys", Active: true,
			AccessRights: []catalogue.AccessRight{{APIID: "orders-legacy"}}},
	}
	demoEntries = []*catalogue.Entry{
		{ID: "payments", APIID: "payments", DisplayName: "Payments API", Visible: true,
			Description: "Take card payments and issue refunds.",
			PolicyIDs:   []string{"payments-read", "payments-full"}},
		{ID: "weather", APIID: "weather", DisplayName: "Weather API", Visible: true,
			Description: "Forecasts and observations for any place on Earth.",
			PolicyIDs:   []string{"weather-standard"}},
		{ID: "ledger", APIID: "ledger", DisplayName: "Ledger API", Visible: true, RequiresApproval: true,
			Description: "Read-only bookkeeping data for partners. New clients wait for an administrator's approval.",
			PolicyIDs:   []string{"ledger-partner"}},
		{ID: "orders-legacy", APIID: "orders-legacy", DisplayName: "Orders API (legacy keys)", Visible: true,
			Description: "Authenticates with API keys, not OAuth 2.0.",
			PolicyIDs:   []string{"orders-keys"}},
	}
)

// The demo developer.
const (
	demoEmail = "dev@example.com"
	demoName  = "Demo Developer"
)

// demoData is what seedDemo created and the operator needs to know.
type demoData struct {
	DeveloperID        string
	DeveloperEmail     string
	DeveloperPassword  string
	InitialAccessToken oauthclient.Plaintext // for RFC 7591 registrations of the Weather API
}

// seedDemo adds the demo catalogue, the demo developer with a fresh random
// password, and an initial access token (token, or a random one) letting
// that developer register Weather API clients through RFC 7591. On a store
// that already holds the demo (a database), existing records are kept and
// the developer's password is reset.
//
// The demo is seeded through seeder, a service over the same store whose
// events go to the audit log only, so that the start-up log stays a few
// lines.
func seedDemo(ctx context.Context, a *app, seeder *portal.Service, hasher *oauthclient.Hasher, rand io.Reader, token string) (*demoData, error) {
	for _, api := range demoAPIs {
		if err := ignoreDuplicate(seeder.AddAPI(ctx, clone(api))); err != nil {
			return nil, err
		}
	}
	for _, p := range demoPolicies {
		if err := ignoreDuplicate(seeder.AddPolicy(ctx, clone(p))); err != nil {
			return nil, err
		}
	}
	for _, e := range demoEntries {
		if err := ignoreDuplicate(seeder.AddEntry(ctx, clone(e))); err != nil {
			return nil, err
		}
	}

	d := &demoData{DeveloperEmail: demoEmail}
	var err error
	if d.DeveloperPassword, err = randomPassword(rand); err != nil {
		return nil, err
	}
	hash, err := web.HashPassword(hasher, d.DeveloperPassword, rand)
	if err != nil {
		return nil, err
	}
	dev, err := seeder.RegisterDeveloper(ctx, portal.NewDeveloper{Email: demoEmail, Name: demoName, PasswordHash: hash})
	if errors.Is(err, portal.ErrDuplicate) {
		dev, err = resetPassword(ctx, a.Store, demoEmail, hash)
	}
	if err != nil {
		return nil, err
	}
	d.DeveloperID = dev.ID

	access := registration.InitialAccess{DeveloperID: dev.ID, EntryIDs: []string{"weather"}, PolicyID: "weather-standard"}
	if token != "" {
		d.InitialAccessToken = oauthclient.NewPlaintext(token)
		err = a.Auth.Registration().AddInitialAccessToken(d.InitialAccessToken, access)
	} else {
		d.InitialAccessToken, err = a.Auth.Registration().NewInitialAccessToken(access)
	}
	if err != nil {
		return nil, fmt.Errorf("initial access token: %w", err)
	}
	return d, nil
}

// resetPassword gives an existing developer a new password hash.
func resetPassword(ctx context.Context, s portal.DeveloperStore, email, hash string) (*portal.Developer, error) {
	dev, err := s.GetDeveloperByEmail(ctx, email)
	if err != nil {
		return nil, err
	}
	dev.PasswordHash = hash
	if err := s.UpdateDeveloper(ctx, dev); err != nil {
		return nil, err
	}
	return dev, nil
}

func ignoreDuplicate(err error) error {
	if errors.Is(err, portal.ErrDuplicate) {
		return nil
	}
	return err
}

// clone copies a demo record, so that the package-level values are never
// changed by the service (which stamps CreatedAt and Version).
func clone[T any](v *T) *T {
	c := *v
	return &c
}
