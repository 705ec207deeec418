package oauthclient_test

import (
	"encoding/json"
	"fmt"

	"github.com/portaloauth/portaloauth/oauthclient"
)

// A registration request (RFC 7591) is decoded, validated and normalised:
// defaults are filled in and unknown members are kept.
func ExampleValidateMetadata() {
	body := `{
		"redirect_uris": ["https://app.example.com/callback"],
		"client_name": "Example App",
		"scope": "read  write read",
		"software_statement_hint": {"kind": "example"}
	}`
	var m oauthclient.Metadata
	if err := json.Unmarshal([]byte(body), &m); err != nil {
		fmt.Println(err)
		return
	}
	m, err := oauthclient.ValidateMetadata(m, oauthclient.MetadataOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(m.TokenEndpointAuthMethod, m.GrantTypes, m.ResponseTypes)
	fmt.Printf("%q\n", m.Scope)
	out, _ := json.Marshal(m)
	fmt.Println(string(out))
	// Output:
	// client_secret_basic [authorization_code] [code]
	// "read write"
	// {"redirect_uris":["https://app.example.com/callback"],"token_endpoint_auth_method":"client_secret_basic","grant_types":["authorization_code"],"response_types":["code"],"client_name":"Example App","scope":"read write","software_statement_hint":{"kind":"example"}}
}

// A machine-to-machine client needs no redirect URI.
func ExampleValidateMetadata_clientCredentials() {
	m, err := oauthclient.ValidateMetadata(oauthclient.Metadata{
		GrantTypes: []oauthclient.GrantType{oauthclient.GrantClientCredentials},
		ClientName: "Nightly billing export",
	}, oauthclient.MetadataOptions{})
	fmt.Println(m.GrantTypes, m.ResponseTypes, m.RedirectURIs, err)
	// Output:
	// [client_credentials] [] [] <nil>
}

// Errors lists every problem with its field, for showing each next to its
// form input or as an RFC 7591 error response.
func ExampleErrors() {
	_, err := oauthclient.ValidateMetadata(oauthclient.Metadata{
		RedirectURIs:            []string{"https://app.example.com/cb", "http://app.example.com/cb"},
		TokenEndpointAuthMethod: oauthclient.AuthMethodNone,
		GrantTypes:              []oauthclient.GrantType{oauthclient.GrantAuthorizationCode, oauthclient.GrantImplicit, oauthclient.GrantClientCredentials},
		ClientName:              "Example\nApp",
	}, oauthclient.MetadataOptions{})
	for _, e := range oauthclient.Errors(err) {
		fmt.Println(e.Code, e.Field)
	}
	// Output:
	// invalid_redirect_uri redirect_uris[1]
	// invalid_client_metadata grant_types[1]
	// invalid_client_metadata grant_types[2]
	// invalid_client_metadata client_name
}

// Decoding is strict about types and names the offending member.
func ExampleMetadata_UnmarshalJSON() {
	var m oauthclient.Metadata
	err := json.Unmarshal([]byte(`{"redirect_uris": "https://app.example.com/cb", "contacts": ["ops@example.com", 42]}`), &m)
	for _, e := range oauthclient.Errors(err) {
		fmt.Println(e.Description())
	}

	err = json.Unmarshal([]byte(`{"client_name": "Example", "client_name#fr": "Exemple", "jwks_uri": "https://app.example.com/jwks"}`), &m)
	fmt.Println(err, m.ClientName, len(m.Extra), string(m.Extra["client_name#fr"]))
	// Output:
	// redirect_uris: must be an array of strings, not a JSON string
	// contacts[1]: must be a string, not a JSON number
	// <nil> Example 2 "Exemple"
}

// A portal that lists clients by name and registers web applications only
// says so once, in the options.
func ExampleMetadataOptions() {
	opts := oauthclient.MetadataOptions{
		Redirects:         &oauthclient.RedirectPolicy{HTTPSOnly: true},
		RequireClientName: true,
	}
	_, err := oauthclient.ValidateMetadata(oauthclient.Metadata{
		RedirectURIs: []string{"http://127.0.0.1/cb"},
	}, opts)
	for _, e := range oauthclient.Errors(err) {
		fmt.Println(e.Field+":", e.Reason)
	}
	// Output:
	// redirect_uris[0]: must use https
	// client_name: is required
}
