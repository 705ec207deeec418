package authserver

import (
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/portaloauth/portaloauth/oauthclient"
	as "github.com/portaloauth/portaloauth/portal/authserver"
)

// Metadata is the authorization server metadata of RFC 8414 §2 that this
// server publishes.
type Metadata struct {
	Issuer                                 string   `json:"issuer"`
	AuthorizationEndpoint                  string   `json:"authorization_endpoint"`
	TokenEndpoint                          string   `json:"token_endpoint"`
	RegistrationEndpoint                   string   `json:"registration_endpoint"`
	RevocationEndpoint                     string   `json:"revocation_endpoint"`
	IntrospectionEndpoint                  string   `json:"introspection_endpoint"`
	ResponseTypesSupported                 []string `json:"response_types_supported"`
	ResponseModesSupported                 []string `json:"response_modes_supported"`
	GrantTypesSupported                    []string `json:"grant_types_supported"`
	CodeChallengeMethodsSupported          []string `json:"code_challenge_methods_supported"`
	TokenEndpointAuthMethodsSupported      []string `json:"token_endpoint_auth_methods_supported"`
	RevocationEndpointAuthMethodsSupported []string `json:"revocation_endpoint_auth_methods_supported"`
	// IntrospectionEndpointAuthMethodsSupported leaves out "none": only a
	// confidential client may introspect (RFC 7662 §4).
	IntrospectionEndpointAuthMethodsSupported []string `json:"introspection_endpoint_auth_methods_supported"`
	// AuthorizationResponseIssParameterSupported: authorization responses
	// carry "iss" (RFC 9207).
	AuthorizationResponseIssParameterSupported bool `json:"authorization_response_iss_parameter_supported"`
}

// Metadata returns the server's RFC 8414 metadata.
func (s *Server) Metadata() Metadata {
	all := []string{string(oauthclient.AuthMethodBasic), string(oauthclient.AuthMethodPost), string(oauthclient.AuthMethodNone)}
	return Metadata{
		Issuer:                                     s.issuer,
		AuthorizationEndpoint:                      s.issuer + PathAuthorize,
		TokenEndpoint:                              s.issuer + PathToken,
		RegistrationEndpoint:                       s.issuer + PathRegister,
		RevocationEndpoint:                         s.issuer + PathRevoke,
		IntrospectionEndpoint:                      s.issuer + PathIntrospect,
		ResponseTypesSupported:                     []string{oauthclient.ResponseTypeCode},
		ResponseModesSupported:                     []string{"query"},
		GrantTypesSupported:                        []string{string(oauthclient.GrantAuthorizationCode), string(oauthclient.GrantClientCredentials), string(oauthclient.GrantRefreshToken)},
		CodeChallengeMethodsSupported:              []string{as.PKCEMethodS256},
		TokenEndpointAuthMethodsSupported:          all,
		RevocationEndpointAuthMethodsSupported:     all,
		IntrospectionEndpointAuthMethodsSupported:  all[:2],
		AuthorizationResponseIssParameterSupported: true,
	}
}

func (s *Server) buildMetadata() ([]byte, error) {
	b, err := json.Marshal(s.Metadata())
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// handleMetadata serves the RFC 8414 document, which holds no secret and
// may be cached.
func (s *Server) handleMetadata(w http.ResponseWriter, _ *http.Request) {
	h := w.Header()
	h.Set("Cache-Control", "public, max-age=3600")
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(len(s.metadata)))
	_, _ = w.Write(s.metadata)
}
