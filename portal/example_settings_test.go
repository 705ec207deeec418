package portal_test

import (
	"context"
	"fmt"

	"github.com/portaloauth/portaloauth/catalogue"
	"github.com/portaloauth/portaloauth/portal"
	"github.com/portaloauth/portaloauth/store/memory"
)

// The protocol endpoints read the policies that tokens carry from the
// catalogue the Service reads.
func ExampleService_CatalogueReader() {
	ctx := context.Background()
	svc, _ := portal.New(portal.Config{Store: memory.New()})
	_ = svc.AddAPI(ctx, &catalogue.API{ID: "payments", Name: "Payments", AuthMode: catalogue.AuthOAuth2, Active: true})
	_ = svc.AddPolicy(ctx, &catalogue.Policy{ID: "gold", Name: "Gold", Active: true,
		AccessRights: []catalogue.AccessRight{{APIID: "payments"}}})
	p, err := svc.CatalogueReader().GetPolicy(ctx, "gold")
	fmt.Println(p.Grants("payments"), err)
	// Output: true <nil>
}
