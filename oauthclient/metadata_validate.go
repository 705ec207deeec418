package oauthclient

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits that ValidateMetadata enforces. Lengths are in bytes, but for the
// human-readable texts, which are in characters (Unicode code points).
const (
	metaMaxRedirectURIs = 20
	metaMaxURIBytes     = 2000 // redirect_uris[i], client_uri, logo_uri, tos_uri, policy_uri
	metaMaxTextChars    = 200  // client_name, software_id, software_version
	metaMaxContacts     = 10
	metaMaxContactBytes = 320
	metaMaxScopeBytes   = 1000
	metaMaxExtraMembers = 50
	metaMaxExtraBytes   = 16 << 10 // names and values of all extension members together
)

// MetadataOptions are the choices of [ValidateMetadata]. The zero value
// applies the default rules.
type MetadataOptions struct {
	// Redirects holds the redirect URI rules; nil means the default
	// [RedirectPolicy].
	Redirects *RedirectPolicy

	// RequireClientName refuses metadata without a client_name (empty or
	// only white space), as a portal that lists clients by name needs.
	// RFC 7591 makes the member optional.
	RequireClientName bool
}

// ValidateMetadata checks client metadata against RFC 7591 and the OAuth 2.0
// security best current practice (RFC 9700), and returns a normalised copy
// that shares no slice or map with m. The redirect URIs are checked with p
// (nil means the default [RedirectPolicy]).
//
// Defaults: token_endpoint_auth_method client_secret_basic; with neither
// grant_types nor response_types, grant_types [authorization_code] and
// response_types [code]. When only one of the two lists is given, the other
// is derived from it as RFC 7591 §2.1 relates them: authorization_code goes
// with the response type code, while client_credentials and refresh_token
// need no response type (so grant_types [client_credentials] gives no
// response_types at all).
//
// Rules:
//   - grant_types: authorization_code, client_credentials and refresh_token
//     are supported; implicit and password are refused (removed by OAuth 2.1,
//     RFC 9700 §2.1.2 and §2.4), any other value is refused as unsupported;
//     refresh_token needs authorization_code; a public client
//     (token_endpoint_auth_method none) cannot use client_credentials.
//   - response_types: only code is supported (token is the implicit grant and
//     refused); code is given exactly when authorization_code is.
//   - token_endpoint_auth_method: client_secret_basic, client_secret_post or
//     none.
//   - redirect_uris: required when authorization_code is a grant type, at most
//     20, each at most 2000 bytes, no duplicates, each valid under p
//     (Code invalid_redirect_uri, Field "redirect_uris[i]").
//   - client_name, software_id, software_version: at most 200 characters of
//     valid UTF-8 without control characters or bidirectional overrides.
//   - client_uri, logo_uri, tos_uri, policy_uri: absolute https URIs (http
//     only for a loopback host) with an ASCII host and no user information, at
//     most 2000 bytes. Language-tagged variants in Extra (RFC 7591 §2.2, e.g.
//     "tos_uri#de") follow the rules of their base member.
//   - contacts: at most 10, each non-empty, at most 320 bytes, no control
//     characters.
//   - scope: at most 1000 bytes of space-separated RFC 6749 §3.3 scope
//     tokens.
//   - Extra: at most 50 members and 16 KiB (names and values), each value
//     valid JSON, none named like a known member.
//   - RFC 7591 §2 members kept in Extra: jwks_uri and sector_identifier_uri
//     are absolute https URIs, without the loopback exception, since the
//     server would fetch them; jwks is a JWK Set (an object with a keys
//     array of objects); jwks and jwks_uri are never given together;
//     software_statement is refused, since this package does not verify
//     software statements and storing one would echo claims nobody checked.
//
// Normalisation: the defaults above are filled in; duplicates are removed
// from grant_types, response_types, contacts and scope (they are sets, the
// first occurrence is kept) while a duplicate redirect URI is refused, since
// it usually is a mistake in a form; scope is rewritten with single spaces.
// Nothing else is rewritten: strings are kept byte for byte.
//
// Every problem is one *Error with Code invalid_redirect_uri (redirect_uris)
// or invalid_client_metadata (everything else), Field the RFC member name
// with an index for list elements, e.g. "grant_types[1]", and a Reason in
// plain words. The error is that *Error when there is one problem, and the
// problems joined with [errors.Join] in field order when there are several;
// [Errors] lists them either way. Indexes refer to m as given.
//
// Public clients must also use PKCE (RFC 7636, S256); that is enforced at the
// authorization endpoint, not here.
func ValidateMetadata(m Metadata, opts MetadataOptions) (Metadata, error) {
	v := metaValidator{policy: opts.Redirects}
	out := Metadata{
		ClientName:      m.ClientName,
		ClientURI:       m.ClientURI,
		LogoURI:         m.LogoURI,
		TOSURI:          m.TOSURI,
		PolicyURI:       m.PolicyURI,
		SoftwareID:      m.SoftwareID,
		SoftwareVersion: m.SoftwareVersion,
	}
	out.TokenEndpointAuthMethod = m.TokenEndpointAuthMethod
	if out.TokenEndpointAuthMethod == "" {
		out.TokenEndpointAuthMethod = AuthMethodBasic
	}
	out.GrantTypes = metaEffectiveGrants(m)
	hasCode := slices.Contains(out.GrantTypes, GrantAuthorizationCode)

	out.RedirectURIs = v.redirectURIs(m.RedirectURIs, hasCode)
	v.authMethod(out.TokenEndpointAuthMethod)
	v.grantTypes(m.GrantTypes, out.TokenEndpointAuthMethod, hasCode)
	out.ResponseTypes = v.responseTypes(m, hasCode)
	nameErrs := len(v.errs)
	v.text("client_name", m.ClientName)
	if opts.RequireClientName && len(v.errs) == nameErrs && strings.TrimSpace(m.ClientName) == "" {
		v.fail("client_name", "is required")
	}
	v.webURI("client_uri", m.ClientURI)
	v.webURI("logo_uri", m.LogoURI)
	out.Scope = v.scope(m.Scope)
	out.Contacts = v.contacts(m.Contacts)
	v.webURI("tos_uri", m.TOSURI)
	v.webURI("policy_uri", m.PolicyURI)
	v.text("software_id", m.SoftwareID)
	v.text("software_version", m.SoftwareVersion)
	out.Extra = v.extra(m.Extra)

	if len(v.errs) > 0 {
		return Metadata{}, metaJoin(v.errs)
	}
	return out, nil
}

// metaEffectiveGrants returns the supported grant types of m without
// duplicates, or the ones derived from the response types, or the default.
func metaEffectiveGrants(m Metadata) []GrantType {
	var grants []GrantType
	switch {
	case len(m.GrantTypes) > 0:
		for _, g := range m.GrantTypes {
			switch g {
			case GrantAuthorizationCode, GrantClientCredentials, GrantRefreshToken:
				if !slices.Contains(grants, g) {
					grants = append(grants, g)
				}
			}
		}
	case len(m.ResponseTypes) > 0:
		if slices.Contains(m.ResponseTypes, ResponseTypeCode) {
			grants = []GrantType{GrantAuthorizationCode}
		}
	default:
		grants = []GrantType{GrantAuthorizationCode}
	}
	return grants
}

// metaValidator collects the problems ValidateMetadata finds, in order.
type metaValidator struct {
	policy *RedirectPolicy
	errs   []error
}

func (v *metaValidator) fail(field, reason string) {
	v.errs = append(v.errs, metaError(field, reason))
}

func (v *metaValidator) redirectURIs(uris []string, required bool) []string {
	if len(uris) == 0 {
		if required {
			v.errs = append(v.errs, &Error{Code: CodeInvalidRedirectURI, Field: "redirect_uris",
				Reason: "at least one is required for the authorization_code grant type"})
		}
		return nil
	}
	if len(uris) > metaMaxRedirectURIs {
		v.errs = append(v.errs, &Error{Code: CodeInvalidRedirectURI, Field: "redirect_uris",
			Reason: "at most " + strconv.Itoa(metaMaxRedirectURIs) + " are allowed"})
		uris = uris[:metaMaxRedirectURIs]
	}
	for i, uri := range uris {
		field := metaIndex("redirect_uris", i)
		switch j := slices.Index(uris[:i], uri); {
		case len(uri) > metaMaxURIBytes:
			v.errs = append(v.errs, &Error{Code: CodeInvalidRedirectURI, Field: field,
				Reason: "is longer than " + strconv.Itoa(metaMaxURIBytes) + " bytes"})
		case j >= 0:
			v.errs = append(v.errs, &Error{Code: CodeInvalidRedirectURI, Field: field,
				Reason: "duplicates " + metaIndex("redirect_uris", j)})
		default:
			if err := v.policy.Validate(uri); err != nil {
				v.errs = append(v.errs, metaRedirectError(field, err))
			}
		}
	}
	return slices.Clone(uris)
}

// metaRedirectError renames the field of a RedirectPolicy.Validate error.
func metaRedirectError(field string, err error) *Error {
	var e *Error
	if !errors.As(err, &e) {
		return &Error{Code: CodeInvalidRedirectURI, Field: field, Reason: "is not a valid redirect URI", Err: err}
	}
	return &Error{Code: CodeInvalidRedirectURI, Field: field, Reason: e.Reason, Err: e.Err}
}

func (v *metaValidator) authMethod(m AuthMethod) {
	switch m {
	case AuthMethodBasic, AuthMethodPost, AuthMethodNone:
	default:
		v.fail("token_endpoint_auth_method",
			"is not supported; use client_secret_basic, client_secret_post or none")
	}
}

func (v *metaValidator) grantTypes(grants []GrantType, method AuthMethod, hasCode bool) {
	for i, g := range grants {
		field := metaIndex("grant_types", i)
		switch g {
		case GrantAuthorizationCode:
		case GrantClientCredentials:
			if method.Public() {
				v.fail(field, "a public client (token_endpoint_auth_method none) has no secret, so it cannot use client_credentials")
			}
		case GrantRefreshToken:
			if !hasCode {
				v.fail(field, "refresh_token needs the authorization_code grant type; client_credentials clients get no refresh tokens (RFC 6749 §4.4.3)")
			}
		case GrantImplicit:
			v.fail(field, "the implicit grant is removed by OAuth 2.1 and must not be used (RFC 9700 §2.1.2); use authorization_code with PKCE")
		case GrantPassword:
			v.fail(field, "the resource owner password credentials grant is removed by OAuth 2.1 and must not be used (RFC 9700 §2.4)")
		default:
			v.fail(field, "is not supported; use authorization_code, client_credentials or refresh_token")
		}
	}
}

func (v *metaValidator) responseTypes(m Metadata, hasCode bool) []string {
	if len(m.ResponseTypes) == 0 {
		if hasCode {
			return []string{ResponseTypeCode}
		}
		return nil
	}
	grantsGiven := len(m.GrantTypes) > 0
	var out []string
	for i, r := range m.ResponseTypes {
		field := metaIndex("response_types", i)
		switch {
		case slices.Contains(out, r):
		case r == ResponseTypeCode:
			if grantsGiven && !hasCode {
				v.fail(field, "code needs the authorization_code grant type (RFC 7591 §2.1)")
			}
			out = append(out, r)
		case r == "token":
			v.fail(field, "token is the implicit grant, removed by OAuth 2.1 and must not be used (RFC 9700 §2.1.2); use code with PKCE")
		default:
			v.fail(field, "is not supported; use code")
		}
	}
	if hasCode && !slices.Contains(out, ResponseTypeCode) {
		v.fail("response_types", "must include code because grant_types includes authorization_code (RFC 7591 §2.1)")
	}
	return out
}

// text checks a human-readable string.
func (v *metaValidator) text(field, s string) {
	if utf8.RuneCountInString(s) > metaMaxTextChars {
		v.fail(field, "is longer than "+strconv.Itoa(metaMaxTextChars)+" characters")
		return
	}
	if reason := metaBadText(s); reason != "" {
		v.fail(field, reason)
	}
}

// metaBadText says what is wrong with s as display text, or "".
func metaBadText(s string) string {
	if !utf8.ValidString(s) {
		return "is not valid UTF-8"
	}
	for _, r := range s {
		if unicode.IsControl(r) || r >= 0x202A && r <= 0x202E || r >= 0x2066 && r <= 0x2069 {
			return "contains a control or bidirectional formatting character"
		}
	}
	return ""
}

// webURI checks the URI of a web page or image shown to users.
func (v *metaValidator) webURI(field, s string) {
	if s == "" {
		return
	}
	if len(s) > metaMaxURIBytes {
		v.fail(field, "is longer than "+strconv.Itoa(metaMaxURIBytes)+" bytes")
		return
	}
	if reason := metaBadWebURI(s); reason != "" {
		v.fail(field, reason)
	}
}

// metaBadWebURI says what is wrong with s as a web page URI, or "".
func metaBadWebURI(s string) string {
	if reason := metaBadText(s); reason != "" {
		return reason
	}
	u, err := url.Parse(s)
	if err != nil {
		return "is not a valid URI"
	}
	host := u.Hostname()
	if u.Scheme != "https" && u.Scheme != "http" || u.Opaque != "" || host == "" {
		return "must be an absolute https URI"
	}
	if u.User != nil {
		return "must not contain user information"
	}
	for i := range len(host) {
		if host[i] >= utf8.RuneSelf {
			return "host must be ASCII (write an internationalised name in its xn-- form)"
		}
	}
	if u.Scheme == "http" && !isLoopbackHost(host) {
		return "must use https; http is allowed only for a loopback host"
	}
	return ""
}

func (v *metaValidator) contacts(contacts []string) []string {
	if len(contacts) > metaMaxContacts {
		v.fail("contacts", "at most "+strconv.Itoa(metaMaxContacts)+" are allowed")
		contacts = contacts[:metaMaxContacts]
	}
	var out []string
	for i, c := range contacts {
		field := metaIndex("contacts", i)
		switch {
		case c == "":
			v.fail(field, "must not be empty")
		case len(c) > metaMaxContactBytes:
			v.fail(field, "is longer than "+strconv.Itoa(metaMaxContactBytes)+" bytes")
		case metaBadText(c) != "":
			v.fail(field, metaBadText(c))
		case !slices.Contains(out, c):
			out = append(out, c)
		}
	}
	return out
}

// scope checks an RFC 6749 §3.3 scope and returns it with single spaces and
// without duplicate tokens.
func (v *metaValidator) scope(scope string) string {
	if len(scope) > metaMaxScopeBytes {
		v.fail("scope", "is longer than "+strconv.Itoa(metaMaxScopeBytes)+" bytes")
		return ""
	}
	var tokens []string
	n := 0
	for tok := range strings.SplitSeq(scope, " ") {
		if tok == "" {
			continue
		}
		n++
		if !metaScopeToken(tok) {
			v.fail("scope", "scope token "+strconv.Itoa(n)+" has a character RFC 6749 §3.3 does not allow (space-separated printable ASCII without \" and \\)")
			continue
		}
		if !slices.Contains(tokens, tok) {
			tokens = append(tokens, tok)
		}
	}
	return strings.Join(tokens, " ")
}

// metaScopeToken reports whether tok is made of NQCHAR (RFC 6749 §A.4):
// %x21 / %x23-5B / %x5D-7E.
func metaScopeToken(tok string) bool {
	for i := range len(tok) {
		c := tok[i]
		if c < 0x21 || c > 0x7E || c == '"' || c == '\\' {
			return false
		}
	}
	return true
}

// extra checks the extension members and returns a deep copy of them.
func (v *metaValidator) extra(extra map[string]json.RawMessage) map[string]json.RawMessage {
	if len(extra) == 0 {
		return nil
	}
	names := make([]string, 0, len(extra))
	size := 0
	for name, value := range extra {
		names = append(names, name)
		size += len(name) + len(value)
	}
	slices.Sort(names)
	if len(extra) > metaMaxExtraMembers {
		v.fail("", "at most "+strconv.Itoa(metaMaxExtraMembers)+" extension members are allowed")
	}
	if size > metaMaxExtraBytes {
		v.fail("", "extension members may take at most "+strconv.Itoa(metaMaxExtraBytes)+" bytes")
	}
	out := make(map[string]json.RawMessage, len(extra))
	for _, name := range names {
		value := extra[name]
		out[name] = bytes.Clone(value)
		switch {
		case metaKnown(name):
			v.fail(name, "is a standard member: set the field, not Extra")
		case !utf8.ValidString(name):
			v.fail(name, "name is not valid UTF-8")
		case len(value) > 0 && !json.Valid(value):
			v.fail(name, "is not valid JSON")
		default:
			v.localized(name, value)
			v.standardExtra(name, value)
		}
	}
	if _, ok := extra["jwks"]; ok {
		if _, ok := extra["jwks_uri"]; ok {
			v.fail("jwks_uri", "must not be given together with jwks (RFC 7591 §2)")
		}
	}
	return out
}

// standardExtra checks the RFC 7591 §2 members this package keeps in Extra
// rather than in a field of its own.
func (v *metaValidator) standardExtra(name string, value json.RawMessage) {
	switch name {
	case "software_statement":
		v.fail(name, "is not accepted: this server does not verify software statements, so it cannot trust their claims")
	case "jwks_uri", "sector_identifier_uri":
		var s string
		if metaJSONKind(value) != "string" || json.Unmarshal(value, &s) != nil {
			v.fail(name, "must be a string")
			return
		}
		v.fetchedURI(name, s)
	case "jwks":
		var set struct {
			Keys []json.RawMessage `json:"keys"`
		}
		if metaJSONKind(value) != "object" || json.Unmarshal(value, &set) != nil || set.Keys == nil {
			v.fail(name, "must be a JSON Web Key Set: an object with a keys array (RFC 7517 §5)")
			return
		}
		for _, k := range set.Keys {
			if metaJSONKind(k) != "object" {
				v.fail(name, "every member of keys must be a JSON Web Key object")
				return
			}
		}
	}
}

// fetchedURI checks the URI of a document the server would fetch
// (jwks_uri, sector_identifier_uri): as webURI, and https only, even for a
// loopback host, since a fetch of a loopback URL would reach the server's
// own machine.
func (v *metaValidator) fetchedURI(field, s string) {
	if s == "" {
		v.fail(field, "must not be empty")
		return
	}
	n := len(v.errs)
	v.webURI(field, s)
	if len(v.errs) == n && !strings.HasPrefix(s, "https:") {
		v.fail(field, "must be an absolute https URI")
	}
}

// localized checks a language-tagged member (RFC 7591 §2.2) of a
// human-readable field by the rules of that field.
func (v *metaValidator) localized(name string, value json.RawMessage) {
	base, tag, ok := strings.Cut(name, "#")
	if !ok {
		return
	}
	var check func(field, s string)
	switch base {
	case "client_name":
		check = v.text
	case "client_uri", "logo_uri", "tos_uri", "policy_uri":
		check = v.webURI
	default:
		return
	}
	if !metaLanguageTag(tag) {
		v.fail(name, "the language tag is not a BCP 47 tag")
		return
	}
	var s string
	if metaJSONKind(value) != "string" || json.Unmarshal(value, &s) != nil {
		v.fail(name, "must be a string")
		return
	}
	check(name, s)
}

// metaLanguageTag reports whether tag looks like a BCP 47 language tag:
// subtags of 1 to 8 ASCII letters or digits separated by hyphens.
func metaLanguageTag(tag string) bool {
	if tag == "" {
		return false
	}
	for sub := range strings.SplitSeq(tag, "-") {
		if sub == "" || len(sub) > 8 {
			return false
		}
		for i := range len(sub) {
			c := sub[i] | 0x20
			if (c < 'a' || c > 'z') && (sub[i] < '0' || sub[i] > '9') {
				return false
			}
		}
	}
	return true
}
