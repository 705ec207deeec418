package catalogue_test

import (
	"errors"
	"fmt"

	"github.com/portaloauth/portaloauth/catalogue"
	"github.com/portaloauth/portaloauth/oauthclient"
)

// An entry is offered in the "select API" step only if it is OAuth-eligible;
// the policies a developer may then choose are its offered policies.
func ExampleEligible() {
	api := &catalogue.API{ID: "payments", Name: "Payments", AuthMode: catalogue.AuthOAuth2, Active: true}
	policies := []*catalogue.Policy{
		{ID: "gold", Active: true, AccessRights: []catalogue.AccessRight{{APIID: "payments"}}},
		{ID: "legacy", Active: false, AccessRights: []catalogue.AccessRight{{APIID: "payments"}}},
	}
	entry := &catalogue.Entry{ID: "payments-v1", APIID: "payments", PolicyIDs: []string{"gold", "legacy"}, Visible: true}

	if err := catalogue.ValidateEntry(entry, api, policies); err != nil {
		fmt.Println("invalid:", err)
		return
	}
	fmt.Println("eligible:", catalogue.Eligible(entry, api, policies) == nil)
	for _, p := range catalogue.OfferedPolicies(entry, policies) {
		fmt.Println("offered:", p.ID)
	}

	api.AuthMode = catalogue.AuthJWT
	err := catalogue.Eligible(entry, api, policies)
	fmt.Println(errors.Is(err, catalogue.ErrNotEligible), errors.Is(err, catalogue.ErrNotOAuth))
	for _, e := range oauthclient.Errors(err) {
		fmt.Println(e.Description())
	}
	// Output:
	// eligible: true
	// offered: gold
	// true true
	// api_id: API "payments" of entry "payments-v1" authenticates with "jwt", not OAuth 2.0
}

// ValidateEntry reports every broken rule; errors.Is tells them apart.
func ExampleValidateEntry() {
	api := &catalogue.API{ID: "payments", AuthMode: catalogue.AuthOAuth2, Active: true}
	policies := []*catalogue.Policy{
		{ID: "orders-only", Active: true, AccessRights: []catalogue.AccessRight{{APIID: "orders"}}},
	}
	entry := &catalogue.Entry{ID: "payments-v1", APIID: "payments", PolicyIDs: []string{"orders-only", "missing"}}

	err := catalogue.ValidateEntry(entry, api, policies)
	fmt.Println(errors.Is(err, catalogue.ErrPolicyNotGranting), errors.Is(err, catalogue.ErrUnknownPolicy))
	for _, e := range oauthclient.Errors(err) {
		fmt.Println(e.Description())
	}
	// Output:
	// true true
	// policy_ids[0]: policy "orders-only" offered by entry "payments-v1" does not grant access to API "payments"
	// policy_ids[1]: policy "missing" offered by entry "payments-v1" not found
}
