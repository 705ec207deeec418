package oauthclient

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// metaProblem is the code and field of one expected *Error.
type metaProblem struct {
	code  ErrorCode
	field string
}

func metaBad(field string) metaProblem { return metaProblem{CodeInvalidClientMetadata, field} }

func metaBadURI(field string) metaProblem {
	return metaProblem{CodeInvalidRedirectURI, field}
}

// requireProblems checks that err holds exactly the wanted problems, in order.
func requireProblems(t *testing.T, err error, want []metaProblem) {
	t.Helper()
	require.Error(t, err)
	var got []metaProblem
	for _, e := range Errors(err) {
		got = append(got, metaProblem{e.Code, e.Field})
		assert.NotEmpty(t, e.Reason, "field %q", e.Field)
		switch e.Code {
		case CodeInvalidRedirectURI:
			assert.ErrorIs(t, e, ErrInvalidRedirectURI)
		case CodeInvalidClientMetadata:
			assert.ErrorIs(t, e, ErrInvalidClientMetadata)
		}
	}
	require.Equal(t, want, got, "error: %v", err)
}

var metaFullJSON = `{
  "redirect_uris": ["https://app.example/cb", "http://127.0.0.1/cb"],
  "token_endpoint_auth_method": "client_secret_post",
  "grant_types": ["authorization_code", "refresh_token"],
  "response_types": ["code"],
  "client_name": "Example <App> & Co",
  "client_name#ja-Jpan-JP": "アプリ",
  "client_uri": "https://app.example/",
  "logo_uri": "https://app.example/logo.png",
  "scope": "read write",
  "contacts": ["ops@app.example"],
  "tos_uri": "https://app.example/tos",
  "policy_uri": "https://app.example/privacy",
  "software_id": "4NRB1-0XZABZI9E6-5SM3R",
  "software_version": "2.1",
  "jwks_uri": "https://app.example/jwks",
  "x_nested": {"a": [1, 2, {"b": "<tag>"}],  "c": null}
}`

func TestValidateMetadataDefaultsAndNormalisation(t *testing.T) {
	t.Parallel()
	cb := []string{"https://app.example/cb"}
	tests := []struct {
		name string
		in   Metadata
		want Metadata
	}{
		{"all defaults",
			Metadata{RedirectURIs: cb},
			Metadata{RedirectURIs: cb, TokenEndpointAuthMethod: AuthMethodBasic,
				GrantTypes: []GrantType{GrantAuthorizationCode}, ResponseTypes: []string{"code"}}},
		{"grant types derived from response type code",
			Metadata{RedirectURIs: cb, ResponseTypes: []string{"code"}},
			Metadata{RedirectURIs: cb, TokenEndpointAuthMethod: AuthMethodBasic,
				GrantTypes: []GrantType{GrantAuthorizationCode}, ResponseTypes: []string{"code"}}},
		{"response type derived from authorization_code",
			Metadata{RedirectURIs: cb, GrantTypes: []GrantType{GrantAuthorizationCode, GrantRefreshToken}},
			Metadata{RedirectURIs: cb, TokenEndpointAuthMethod: AuthMethodBasic,
				GrantTypes: []GrantType{GrantAuthorizationCode, GrantRefreshToken}, ResponseTypes: []string{"code"}}},
		{"client_credentials: no response type, no redirect URI",
			Metadata{GrantTypes: []GrantType{GrantClientCredentials}},
			Metadata{TokenEndpointAuthMethod: AuthMethodBasic, GrantTypes: []GrantType{GrantClientCredentials}}},
		{"client_credentials may keep redirect URIs",
			Metadata{RedirectURIs: cb, GrantTypes: []GrantType{GrantClientCredentials}, TokenEndpointAuthMethod: AuthMethodPost},
			Metadata{RedirectURIs: cb, TokenEndpointAuthMethod: AuthMethodPost, GrantTypes: []GrantType{GrantClientCredentials}}},
		{"public client with authorization code",
			Metadata{RedirectURIs: []string{"com.example.app:/cb"}, TokenEndpointAuthMethod: AuthMethodNone},
			Metadata{RedirectURIs: []string{"com.example.app:/cb"}, TokenEndpointAuthMethod: AuthMethodNone,
				GrantTypes: []GrantType{GrantAuthorizationCode}, ResponseTypes: []string{"code"}}},
		{"duplicate grant and response types removed",
			Metadata{RedirectURIs: cb, GrantTypes: []GrantType{GrantAuthorizationCode, GrantRefreshToken, GrantAuthorizationCode},
				ResponseTypes: []string{"code", "code"}},
			Metadata{RedirectURIs: cb, TokenEndpointAuthMethod: AuthMethodBasic,
				GrantTypes: []GrantType{GrantAuthorizationCode, GrantRefreshToken}, ResponseTypes: []string{"code"}}},
		{"scope: single spaces, duplicates removed, order kept",
			Metadata{GrantTypes: []GrantType{GrantClientCredentials}, Scope: "  write read  write  admin:all "},
			Metadata{TokenEndpointAuthMethod: AuthMethodBasic, GrantTypes: []GrantType{GrantClientCredentials},
				Scope: "write read admin:all"}},
		{"contacts: duplicates removed",
			Metadata{GrantTypes: []GrantType{GrantClientCredentials}, Contacts: []string{"a@x.example", "b@x.example", "a@x.example"}},
			Metadata{TokenEndpointAuthMethod: AuthMethodBasic, GrantTypes: []GrantType{GrantClientCredentials},
				Contacts: []string{"a@x.example", "b@x.example"}}},
		{"text and URIs kept byte for byte",
			Metadata{GrantTypes: []GrantType{GrantClientCredentials}, ClientName: " Ünïcode name ", ClientURI: "HTTPS://App.Example/Ä?q=1#top",
				LogoURI: "http://localhost:8080/logo.png", TOSURI: "http://[::1]/tos", PolicyURI: "http://127.0.0.2/p"},
			Metadata{TokenEndpointAuthMethod: AuthMethodBasic, GrantTypes: []GrantType{GrantClientCredentials},
				ClientName: " Ünïcode name ", ClientURI: "HTTPS://App.Example/Ä?q=1#top",
				LogoURI: "http://localhost:8080/logo.png", TOSURI: "http://[::1]/tos", PolicyURI: "http://127.0.0.2/p"}},
		{"extension members kept",
			Metadata{GrantTypes: []GrantType{GrantClientCredentials}, Extra: map[string]json.RawMessage{
				"jwks_uri": json.RawMessage(`"https://x.example/jwks"`), "client_name#fr": json.RawMessage(`"Appli"`),
				"tos_uri#de-DE": json.RawMessage(`"https://x.example/agb"`), "scope#en": json.RawMessage(`7`), "nil": nil,
				"sector_identifier_uri": json.RawMessage(`"https://x.example/sector.json"`)}},
			Metadata{TokenEndpointAuthMethod: AuthMethodBasic, GrantTypes: []GrantType{GrantClientCredentials},
				Extra: map[string]json.RawMessage{
					"jwks_uri": json.RawMessage(`"https://x.example/jwks"`), "client_name#fr": json.RawMessage(`"Appli"`),
					"tos_uri#de-DE": json.RawMessage(`"https://x.example/agb"`), "scope#en": json.RawMessage(`7`), "nil": nil,
					"sector_identifier_uri": json.RawMessage(`"https://x.example/sector.json"`)}}},
		{"a JWK Set kept",
			Metadata{GrantTypes: []GrantType{GrantClientCredentials}, Extra: map[string]json.RawMessage{
				"jwks": json.RawMessage(`{"keys":[{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}]}`)}},
			Metadata{TokenEndpointAuthMethod: AuthMethodBasic, GrantTypes: []GrantType{GrantClientCredentials},
				Extra: map[string]json.RawMessage{
					"jwks": json.RawMessage(`{"keys":[{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}]}`)}}},
		{"limits reached, not exceeded",
			Metadata{GrantTypes: []GrantType{GrantClientCredentials}, ClientName: strings.Repeat("n", 200),
				SoftwareID: strings.Repeat("i", 200), SoftwareVersion: strings.Repeat("v", 200),
				ClientURI: "https://x.example/" + strings.Repeat("p", 2000-len("https://x.example/")),
				Scope:     strings.Repeat("s", 1000), Contacts: metaNumbered("c", 10, 320)},
			Metadata{TokenEndpointAuthMethod: AuthMethodBasic, GrantTypes: []GrantType{GrantClientCredentials},
				ClientName: strings.Repeat("n", 200), SoftwareID: strings.Repeat("i", 200), SoftwareVersion: strings.Repeat("v", 200),
				ClientURI: "https://x.example/" + strings.Repeat("p", 2000-len("https://x.example/")),
				Scope:     strings.Repeat("s", 1000), Contacts: metaNumbered("c", 10, 320)}},
		{"twenty redirect URIs",
			Metadata{RedirectURIs: metaRedirects(20)},
			Metadata{RedirectURIs: metaRedirects(20), TokenEndpointAuthMethod: AuthMethodBasic,
				GrantTypes: []GrantType{GrantAuthorizationCode}, ResponseTypes: []string{"code"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := ValidateMetadata(tt.in, MetadataOptions{})
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)

			again, err := ValidateMetadata(got, MetadataOptions{})
			require.NoError(t, err, "a normalised copy validates")
			assert.Equal(t, got, again, "validation is idempotent")
		})
	}
}

// metaNumbered returns n distinct strings of exactly size bytes.
func metaNumbered(prefix string, n, size int) []string {
	out := make([]string, n)
	for i := range out {
		s := fmt.Sprintf("%s%d", prefix, i)
		out[i] = s + strings.Repeat("x", size-len(s))
	}
	return out
}

// metaRedirects returns n distinct valid redirect URIs.
func metaRedirects(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("https://app.example/cb%d", i)
	}
	return out
}

func TestValidateMetadataErrors(t *testing.T) {
	t.Parallel()
	cb := []string{"https://app.example/cb"}
	cc := []GrantType{GrantClientCredentials}
	tests := []struct {
		name string
		in   Metadata
		want []metaProblem
	}{
		// redirect_uris
		{"redirect URI required by default", Metadata{}, []metaProblem{metaBadURI("redirect_uris")}},
		{"redirect URI required for authorization_code",
			Metadata{GrantTypes: []GrantType{GrantAuthorizationCode, GrantClientCredentials}}, []metaProblem{metaBadURI("redirect_uris")}},
		{"redirect URI required when derived from response type",
			Metadata{ResponseTypes: []string{"code"}}, []metaProblem{metaBadURI("redirect_uris")}},
		{"invalid redirect URI named by index",
			Metadata{RedirectURIs: []string{"https://app.example/cb", "http://evil.example/cb", "https://app.example/cb#frag"}},
			[]metaProblem{metaBadURI("redirect_uris[1]"), metaBadURI("redirect_uris[2]")}},
		{"empty redirect URI", Metadata{RedirectURIs: []string{""}}, []metaProblem{metaBadURI("redirect_uris[0]")}},
		{"dangerous scheme", Metadata{RedirectURIs: []string{"javascript:alert(1)"}}, []metaProblem{metaBadURI("redirect_uris[0]")}},
		{"redirect URIs validated for client_credentials too",
			Metadata{GrantTypes: cc, RedirectURIs: []string{"http://evil.example/cb"}}, []metaProblem{metaBadURI("redirect_uris[0]")}},
		{"duplicate redirect URI",
			Metadata{RedirectURIs: []string{"https://app.example/a", "https://app.example/b", "https://app.example/a"}},
			[]metaProblem{metaBadURI("redirect_uris[2]")}},
		{"too many redirect URIs", Metadata{RedirectURIs: metaRedirects(21)}, []metaProblem{metaBadURI("redirect_uris")}},
		{"redirect URI too long",
			Metadata{RedirectURIs: []string{"https://app.example/" + strings.Repeat("a", 2000-len("https://app.example/")+1)}},
			[]metaProblem{metaBadURI("redirect_uris[0]")}},

		// token_endpoint_auth_method
		{"unknown auth method", Metadata{RedirectURIs: cb, TokenEndpointAuthMethod: "private_key_jwt"},
			[]metaProblem{metaBad("token_endpoint_auth_method")}},
		{"auth method is case-sensitive", Metadata{RedirectURIs: cb, TokenEndpointAuthMethod: "Client_Secret_Basic"},
			[]metaProblem{metaBad("token_endpoint_auth_method")}},

		// grant_types
		{"implicit refused", Metadata{RedirectURIs: cb, GrantTypes: []GrantType{GrantAuthorizationCode, GrantImplicit}},
			[]metaProblem{metaBad("grant_types[1]")}},
		{"password refused", Metadata{GrantTypes: []GrantType{GrantPassword, GrantClientCredentials}},
			[]metaProblem{metaBad("grant_types[0]")}},
		{"unknown grant refused", Metadata{GrantTypes: []GrantType{GrantClientCredentials, "urn:ietf:params:oauth:grant-type:device_code"}},
			[]metaProblem{metaBad("grant_types[1]")}},
		{"empty grant refused", Metadata{GrantTypes: []GrantType{""}}, []metaProblem{metaBad("grant_types[0]")}},
		{"grant is case-sensitive", Metadata{GrantTypes: []GrantType{"Client_Credentials"}}, []metaProblem{metaBad("grant_types[0]")}},
		{"refresh_token alone refused", Metadata{GrantTypes: []GrantType{GrantRefreshToken}}, []metaProblem{metaBad("grant_types[0]")}},
		{"refresh_token with client_credentials refused", Metadata{GrantTypes: []GrantType{GrantClientCredentials, GrantRefreshToken}},
			[]metaProblem{metaBad("grant_types[1]")}},
		{"public client cannot use client_credentials", Metadata{TokenEndpointAuthMethod: AuthMethodNone, GrantTypes: cc},
			[]metaProblem{metaBad("grant_types[0]")}},

		// response_types
		{"token response type refused", Metadata{RedirectURIs: cb, ResponseTypes: []string{"code", "token"}},
			[]metaProblem{metaBad("response_types[1]")}},
		{"token alone refused", Metadata{ResponseTypes: []string{"token"}}, []metaProblem{metaBad("response_types[0]")}},
		{"unknown response type refused", Metadata{RedirectURIs: cb, ResponseTypes: []string{"code", "code id_token"}},
			[]metaProblem{metaBad("response_types[1]")}},
		{"code without authorization_code", Metadata{GrantTypes: cc, ResponseTypes: []string{"code"}},
			[]metaProblem{metaBad("response_types[0]")}},
		{"authorization_code without code", Metadata{RedirectURIs: cb, GrantTypes: []GrantType{GrantAuthorizationCode},
			ResponseTypes: []string{"none"}}, []metaProblem{metaBad("response_types[0]"), metaBad("response_types")}},

		// human-readable text
		{"client_name too long", Metadata{GrantTypes: cc, ClientName: strings.Repeat("n", 201)}, []metaProblem{metaBad("client_name")}},
		{"client_name control character", Metadata{GrantTypes: cc, ClientName: "App\nName"}, []metaProblem{metaBad("client_name")}},
		{"client_name NUL", Metadata{GrantTypes: cc, ClientName: "App\x00"}, []metaProblem{metaBad("client_name")}},
		{"client_name C1 control", Metadata{GrantTypes: cc, ClientName: "App\u0085"}, []metaProblem{metaBad("client_name")}},
		{"client_name bidi override", Metadata{GrantTypes: cc, ClientName: "App\u202Egnp.exe"}, []metaProblem{metaBad("client_name")}},
		{"client_name invalid UTF-8", Metadata{GrantTypes: cc, ClientName: "App\xff"}, []metaProblem{metaBad("client_name")}},
		{"software_id too long", Metadata{GrantTypes: cc, SoftwareID: strings.Repeat("i", 201)}, []metaProblem{metaBad("software_id")}},
		{"software_version tab", Metadata{GrantTypes: cc, SoftwareVersion: "1\t2"}, []metaProblem{metaBad("software_version")}},

		// web URIs
		{"client_uri relative", Metadata{GrantTypes: cc, ClientURI: "/about"}, []metaProblem{metaBad("client_uri")}},
		{"client_uri http", Metadata{GrantTypes: cc, ClientURI: "http://app.example/"}, []metaProblem{metaBad("client_uri")}},
		{"logo_uri data", Metadata{GrantTypes: cc, LogoURI: "data:image/png;base64,AAAA"}, []metaProblem{metaBad("logo_uri")}},
		{"logo_uri javascript", Metadata{GrantTypes: cc, LogoURI: "javascript:alert(1)"}, []metaProblem{metaBad("logo_uri")}},
		{"tos_uri userinfo", Metadata{GrantTypes: cc, TOSURI: "https://good.example@evil.example/tos"}, []metaProblem{metaBad("tos_uri")}},
		{"tos_uri no host", Metadata{GrantTypes: cc, TOSURI: "https:///tos"}, []metaProblem{metaBad("tos_uri")}},
		{"tos_uri port only", Metadata{GrantTypes: cc, TOSURI: "https://:443/tos"}, []metaProblem{metaBad("tos_uri")}},
		{"tos_uri opaque", Metadata{GrantTypes: cc, TOSURI: "https:app.example"}, []metaProblem{metaBad("tos_uri")}},
		{"policy_uri unicode host", Metadata{GrantTypes: cc, PolicyURI: "https://аpp.example/p"}, []metaProblem{metaBad("policy_uri")}},
		{"policy_uri http not loopback", Metadata{GrantTypes: cc, PolicyURI: "http://127.example/p"}, []metaProblem{metaBad("policy_uri")}},
		{"policy_uri unparseable", Metadata{GrantTypes: cc, PolicyURI: "https://app.example/%zz"}, []metaProblem{metaBad("policy_uri")}},
		{"policy_uri control character", Metadata{GrantTypes: cc, PolicyURI: "https://app.example/\x7f"}, []metaProblem{metaBad("policy_uri")}},
		{"client_uri too long", Metadata{GrantTypes: cc, ClientURI: "https://x.example/" + strings.Repeat("p", 2001-len("https://x.example/"))},
			[]metaProblem{metaBad("client_uri")}},

		// contacts
		{"too many contacts", Metadata{GrantTypes: cc, Contacts: metaNumbered("c", 11, 10)}, []metaProblem{metaBad("contacts")}},
		{"contact too long", Metadata{GrantTypes: cc, Contacts: []string{"ok@x.example", strings.Repeat("c", 321)}},
			[]metaProblem{metaBad("contacts[1]")}},
		{"empty contact", Metadata{GrantTypes: cc, Contacts: []string{""}}, []metaProblem{metaBad("contacts[0]")}},
		{"contact control character", Metadata{GrantTypes: cc, Contacts: []string{"a@x.example\r\nBcc: b@x.example"}},
			[]metaProblem{metaBad("contacts[0]")}},

		// scope
		{"scope too long", Metadata{GrantTypes: cc, Scope: strings.Repeat("s", 1001)}, []metaProblem{metaBad("scope")}},
		{"scope with a quote", Metadata{GrantTypes: cc, Scope: `read "write"`}, []metaProblem{metaBad("scope")}},
		{"scope with a backslash and a tab", Metadata{GrantTypes: cc, Scope: "a\\b read\twrite"},
			[]metaProblem{metaBad("scope"), metaBad("scope")}},
		{"scope with non-ASCII", Metadata{GrantTypes: cc, Scope: "lire écrire"}, []metaProblem{metaBad("scope")}},

		// Extra
		{"known name in Extra", Metadata{GrantTypes: cc, Extra: map[string]json.RawMessage{"client_name": json.RawMessage(`"x"`)}},
			[]metaProblem{metaBad("client_name")}},
		{"invalid JSON in Extra", Metadata{GrantTypes: cc, Extra: map[string]json.RawMessage{"x": json.RawMessage(`{`)}},
			[]metaProblem{metaBad("x")}},
		{"invalid UTF-8 name in Extra", Metadata{GrantTypes: cc, Extra: map[string]json.RawMessage{"x\xff": json.RawMessage(`1`)}},
			[]metaProblem{metaBad("x\xff")}},
		{"too many extension members", Metadata{GrantTypes: cc, Extra: metaExtra(51, 2)}, []metaProblem{metaBad("")}},
		{"extension members too large", Metadata{GrantTypes: cc, Extra: metaExtra(2, 8<<10)}, []metaProblem{metaBad("")}},
		{"localised name checked like client_name", Metadata{GrantTypes: cc, Extra: map[string]json.RawMessage{
			"client_name#fr": json.RawMessage(`"a\u0007"`)}}, []metaProblem{metaBad("client_name#fr")}},
		{"localised URI checked like tos_uri", Metadata{GrantTypes: cc, Extra: map[string]json.RawMessage{
			"tos_uri#de": json.RawMessage(`"http://evil.example/"`)}}, []metaProblem{metaBad("tos_uri#de")}},
		{"localised member must be a string", Metadata{GrantTypes: cc, Extra: map[string]json.RawMessage{
			"logo_uri#en": json.RawMessage(`["https://x.example/l.png"]`)}}, []metaProblem{metaBad("logo_uri#en")}},
		{"localised member with a bad tag", Metadata{GrantTypes: cc, Extra: map[string]json.RawMessage{
			"client_name#en_US": json.RawMessage(`"x"`), "client_name#": json.RawMessage(`"x"`),
			"client_name#abcdefghi": json.RawMessage(`"x"`)}},
			[]metaProblem{metaBad("client_name#"), metaBad("client_name#abcdefghi"), metaBad("client_name#en_US")}},

		// RFC 7591 §2 members kept in Extra
		{"jwks and jwks_uri together", Metadata{GrantTypes: cc, Extra: map[string]json.RawMessage{
			"jwks": json.RawMessage(`{"keys":[]}`), "jwks_uri": json.RawMessage(`"https://x.example/jwks"`)}},
			[]metaProblem{metaBad("jwks_uri")}},
		{"jwks_uri over http", Metadata{GrantTypes: cc, Extra: map[string]json.RawMessage{
			"jwks_uri": json.RawMessage(`"http://x.example/jwks"`)}}, []metaProblem{metaBad("jwks_uri")}},
		{"jwks_uri on loopback http", Metadata{GrantTypes: cc, Extra: map[string]json.RawMessage{
			"jwks_uri": json.RawMessage(`"http://127.0.0.1/jwks"`)}}, []metaProblem{metaBad("jwks_uri")}},
		{"jwks_uri relative", Metadata{GrantTypes: cc, Extra: map[string]json.RawMessage{
			"jwks_uri": json.RawMessage(`"/jwks"`)}}, []metaProblem{metaBad("jwks_uri")}},
		{"jwks_uri not a string", Metadata{GrantTypes: cc, Extra: map[string]json.RawMessage{
			"jwks_uri": json.RawMessage(`{"u":"https://x.example"}`)}}, []metaProblem{metaBad("jwks_uri")}},
		{"jwks_uri javascript", Metadata{GrantTypes: cc, Extra: map[string]json.RawMessage{
			"jwks_uri": json.RawMessage(`"javascript:alert(1)"`)}}, []metaProblem{metaBad("jwks_uri")}},
		{"sector_identifier_uri over http", Metadata{GrantTypes: cc, Extra: map[string]json.RawMessage{
			"sector_identifier_uri": json.RawMessage(`"http://x.example/s.json"`)}}, []metaProblem{metaBad("sector_identifier_uri")}},
		{"sector_identifier_uri with user information", Metadata{GrantTypes: cc, Extra: map[string]json.RawMessage{
			"sector_identifier_uri": json.RawMessage(`"https://u:p@x.example/s.json"`)}}, []metaProblem{metaBad("sector_identifier_uri")}},
		{"jwks not a key set", Metadata{GrantTypes: cc, Extra: map[string]json.RawMessage{
			"jwks": json.RawMessage(`["k"]`)}}, []metaProblem{metaBad("jwks")}},
		{"jwks keys not objects", Metadata{GrantTypes: cc, Extra: map[string]json.RawMessage{
			"jwks": json.RawMessage(`{"keys":["k"]}`)}}, []metaProblem{metaBad("jwks")}},
		{"software_statement", Metadata{GrantTypes: cc, Extra: map[string]json.RawMessage{
			"software_statement": json.RawMessage(`"eyJhbGciOiJub25lIn0.eyJzb2Z0d2FyZV9pZCI6IngifQ."`)}},
			[]metaProblem{metaBad("software_statement")}},
		{"client_uri over http", Metadata{GrantTypes: cc, ClientURI: "http://x.example/"}, []metaProblem{metaBad("client_uri")}},
		{"logo_uri relative", Metadata{GrantTypes: cc, LogoURI: "/logo.png"}, []metaProblem{metaBad("logo_uri")}},
		{"policy_uri data", Metadata{GrantTypes: cc, PolicyURI: "data:text/html,x"}, []metaProblem{metaBad("policy_uri")}},

		// several problems, reported in field order
		{"field order", Metadata{
			Extra:                   map[string]json.RawMessage{"b": json.RawMessage(`{`), "a": json.RawMessage(`[`)},
			SoftwareVersion:         "\x00",
			Contacts:                []string{""},
			Scope:                   `"`,
			ClientName:              "\x01",
			ResponseTypes:           []string{"token"},
			GrantTypes:              []GrantType{GrantImplicit, GrantPassword, GrantAuthorizationCode},
			TokenEndpointAuthMethod: "tls_client_auth",
			RedirectURIs:            []string{"https://app.example/cb", "https://app.example/cb"},
		}, []metaProblem{
			metaBadURI("redirect_uris[1]"),
			metaBad("token_endpoint_auth_method"),
			metaBad("grant_types[0]"), metaBad("grant_types[1]"),
			metaBad("response_types[0]"), metaBad("response_types"),
			metaBad("client_name"),
			metaBad("scope"),
			metaBad("contacts[0]"),
			metaBad("software_version"),
			metaBad("a"), metaBad("b"),
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := ValidateMetadata(tt.in, MetadataOptions{})
			requireProblems(t, err, tt.want)
			assert.Equal(t, Metadata{}, got, "no metadata on error")
			if len(tt.want) == 1 {
				var e *Error
				require.ErrorAs(t, err, &e)
				assert.Same(t, Errors(err)[0], e, "a single problem is returned as the *Error itself")
			}
		})
	}
}

// metaExtra returns n extension members whose values take size bytes each.
func metaExtra(n, size int) map[string]json.RawMessage {
	out := make(map[string]json.RawMessage, n)
	for i := range n {
		out[fmt.Sprintf("x%d", i)] = json.RawMessage(`"` + strings.Repeat("v", size-2) + `"`)
	}
	return out
}

func TestValidateMetadataRedirectErrorKeepsReasonAndSentinel(t *testing.T) {
	t.Parallel()
	_, err := ValidateMetadata(Metadata{RedirectURIs: []string{"https://app.example/cb#frag"}}, MetadataOptions{})
	var e *Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, "redirect_uris[0]", e.Field)
	assert.Equal(t, CodeInvalidRedirectURI, e.Code)

	direct := (*RedirectPolicy)(nil).Validate("https://app.example/cb#frag")
	var want *Error
	require.ErrorAs(t, direct, &want)
	assert.Equal(t, want.Reason, e.Reason)
	assert.Equal(t, want.Err, e.Err)
}

func TestValidateMetadataCopies(t *testing.T) {
	t.Parallel()
	in := Metadata{
		RedirectURIs:  []string{"https://app.example/cb"},
		GrantTypes:    []GrantType{GrantAuthorizationCode},
		ResponseTypes: []string{"code"},
		Contacts:      []string{"a@x.example"},
		Extra:         map[string]json.RawMessage{"x": json.RawMessage(`[1]`)},
	}
	out, err := ValidateMetadata(in, MetadataOptions{})
	require.NoError(t, err)
	out.RedirectURIs[0] = "changed"
	out.GrantTypes[0] = "changed"
	out.ResponseTypes[0] = "changed"
	out.Contacts[0] = "changed"
	out.Extra["x"][1] = '2'
	out.Extra["y"] = nil
	assert.Equal(t, "https://app.example/cb", in.RedirectURIs[0])
	assert.Equal(t, GrantAuthorizationCode, in.GrantTypes[0])
	assert.Equal(t, "code", in.ResponseTypes[0])
	assert.Equal(t, "a@x.example", in.Contacts[0])
	assert.Equal(t, map[string]json.RawMessage{"x": json.RawMessage(`[1]`)}, in.Extra)
}

// TestMetadataTextCountsCharacters: the 200 limit of a client name counts
// characters, not bytes: 84 Japanese characters (252 bytes) are fine.
func TestMetadataTextCountsCharacters(t *testing.T) {
	t.Parallel()
	name := strings.Repeat("決", 84)
	_, err := ValidateMetadata(Metadata{ClientName: name, GrantTypes: []GrantType{GrantClientCredentials}}, MetadataOptions{})
	require.NoError(t, err)

	_, err = ValidateMetadata(Metadata{ClientName: strings.Repeat("決", 201), GrantTypes: []GrantType{GrantClientCredentials}}, MetadataOptions{})
	errs := Errors(err)
	require.Len(t, errs, 1)
	assert.Equal(t, "client_name", errs[0].Field)
	assert.Equal(t, "is longer than 200 characters", errs[0].Reason)
}
