// Package demo seeds a portal with one OAuth 2.0 API, a policy granting it,
// a catalogue entry, a developer and a client_credentials client: the
// starting point of the example programs that run without a portal of
// their own, and of the benchmarks. It is not public API.
package demo

import (
	"context"
	"errors"
	"fmt"

	"github.com/portaloauth/portaloauth/catalogue"
	"github.com/portaloauth/portaloauth/oauthclient"
	"github.com/portaloauth/portaloauth/portal"
)

// Options name what Seed creates; the zero value of a field means its
// default.
type Options struct {
	APIID    string   // the API's catalogue ID, also the entry's; "demo-api"
	APIName  string   // "Demo API"
	PolicyID string   // "demo-policy"
	Scopes   []string // the policy's scopes; read and write
	// ClientScope is the client's registered scope; "read".
	ClientScope string
	// Email is the developer's; "dev@example.com".
	Email string
}

// Seed adds the API, its policy and entry, a developer and a confidential
// client_credentials client to the portal, and returns the client with its
// secret.
func Seed(ctx context.Context, svc *portal.Service, o Options) (*portal.NewClient, error) {
	o = o.withDefaults()
	err := errors.Join(
		svc.AddAPI(ctx, &catalogue.API{ID: o.APIID, Name: o.APIName, AuthMode: catalogue.AuthOAuth2, Active: true}),
		svc.AddPolicy(ctx, &catalogue.Policy{ID: o.PolicyID, Name: o.APIName + " policy", Active: true,
			AccessRights: []catalogue.AccessRight{{APIID: o.APIID}}, Scopes: o.Scopes}),
		svc.AddEntry(ctx, &catalogue.Entry{ID: o.APIID, APIID: o.APIID, DisplayName: o.APIName,
			PolicyIDs: []string{o.PolicyID}, Visible: true}))
	if err != nil {
		return nil, fmt.Errorf("demo: seeding the catalogue: %w", err)
	}
	dev, err := svc.RegisterDeveloper(ctx, portal.NewDeveloper{Email: o.Email, Name: "Demo Developer"})
	if err != nil {
		return nil, fmt.Errorf("demo: registering the developer: %w", err)
	}
	nc, err := svc.CreateClient(ctx, dev.ID, portal.CreateClientRequest{EntryIDs: []string{o.APIID},
		Metadata: oauthclient.Metadata{ClientName: "Demo client", Scope: o.ClientScope,
			GrantTypes: []oauthclient.GrantType{oauthclient.GrantClientCredentials}}})
	if err != nil {
		return nil, fmt.Errorf("demo: creating the client: %w", err)
	}
	return nc, nil
}

func (o Options) withDefaults() Options {
	def := func(v *string, d string) {
		if *v == "" {
			*v = d
		}
	}
	def(&o.APIID, "demo-api")
	def(&o.APIName, "Demo API")
	def(&o.PolicyID, "demo-policy")
	def(&o.ClientScope, "read")
	def(&o.Email, "dev@example.com")
	if o.Scopes == nil {
		o.Scopes = []string{"read", "write"}
	}
	return o
}
