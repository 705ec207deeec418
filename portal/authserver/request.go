package authserver

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"unsafe"

	"github.com/portaloauth/portaloauth/oauthclient"
)

// MediaTypeForm is the media type of token, revocation and introspection
// requests.
const MediaTypeForm = "application/x-www-form-urlencoded"

// ParseForm reads an application/x-www-form-urlencoded body of at most
// limit bytes (see oauthclient.ReadBody; zero or less: 64 KiB). It refuses another Content-Type, a
// malformed body or query, and a body parameter sent twice; parameters
// without a value count as absent (RFC 6749 §3.1). As r.ParseForm would,
// it sets r.PostForm to the body's parameters and r.Form to them followed
// by the query's, so that oauthclient.CredentialsFromRequest sees both
// (and refuses a secret in the URL); it returns the body's parameters.
// Errors are *oauthclient.Error values of CodeInvalidRequest naming the
// parameter, or an *http.MaxBytesError.
func ParseForm(r *http.Request, limit int64) (url.Values, error) {
	return parseForm(nil, r, limit)
}

// parseForm is ParseForm; w, when not nil, is told to close the
// connection after a body over the limit (see http.MaxBytesReader).
func parseForm(w http.ResponseWriter, r *http.Request, limit int64) (url.Values, error) {
	body, err := oauthclient.ReadBody(w, r, MediaTypeForm, limit)
	if err != nil {
		return nil, err
	}
	// body is this call's own buffer, never written again: the form's
	// strings can share it instead of a copy.
	form, err := parseQuery(unsafe.String(unsafe.SliceData(body), len(body)))
	if err != nil {
		return nil, oauthError(oauthclient.CodeInvalidRequest, "", "the form body is not well-formed")
	}
	var query url.Values
	if r.URL.RawQuery != "" {
		if query, err = url.ParseQuery(r.URL.RawQuery); err != nil {
			return nil, oauthError(oauthclient.CodeInvalidRequest, "", "the query string is not well-formed")
		}
	}
	if err := refuseRepeated(form); err != nil {
		return nil, err
	}
	for k, v := range form {
		if v[0] == "" {
			delete(form, k)
		}
	}
	all := form
	if len(query) > 0 {
		all = make(url.Values, len(form)+len(query))
		for k, v := range form {
			all[k] = v
		}
		for k, v := range query {
			all[k] = append(all[k], v...)
		}
	}
	r.PostForm, r.Form = form, all
	return form, nil
}

// parseQuery is url.ParseQuery with two allocations for a form whose
// parameters each come once (the map and one array holding every value)
// instead of one per parameter; a parameter that comes again gets an array
// of its own, as with url.ParseQuery.
func parseQuery(s string) (url.Values, error) {
	n := strings.Count(s, "&") + 1
	form := make(url.Values, n)
	values := make([]string, 0, n)
	for s != "" {
		var pair string
		pair, s, _ = strings.Cut(s, "&")
		if strings.Contains(pair, ";") {
			return nil, errSemicolon
		}
		if pair == "" {
			continue
		}
		k, v, _ := strings.Cut(pair, "=")
		k, err := url.QueryUnescape(k)
		if err != nil {
			return nil, err
		}
		if v, err = url.QueryUnescape(v); err != nil {
			return nil, err
		}
		if old, ok := form[k]; ok {
			form[k] = append(old, v) // old's capacity is its length: a new array
			continue
		}
		values = append(values, v)
		form[k] = values[len(values)-1 : len(values) : len(values)]
	}
	return form, nil
}

// errSemicolon refuses a semicolon in a form, as url.ParseQuery does.
var errSemicolon = errors.New("authserver: invalid semicolon separator in query")

// refuseRepeated returns invalid_request naming a parameter that vals holds
// more than once (the first such name in sorted order), or nil.
func refuseRepeated(vals url.Values) error {
	var repeated []string
	for k, v := range vals {
		if len(v) > 1 {
			repeated = append(repeated, k)
		}
	}
	if len(repeated) == 0 {
		return nil
	}
	return oauthError(oauthclient.CodeInvalidRequest, FieldName(slices.Min(repeated)), "must not be repeated")
}

// ParseTokenRequest reads a token request (RFC 6749 §3.2): a form body of
// at most limit bytes (see [ParseForm]), a supported grant_type, and the
// client credentials from the Authorization header or the body but not
// both (see oauthclient.CredentialsFromRequest). Errors are
// *oauthclient.Error values (invalid_request, unsupported_grant_type,
// invalid_client) or an *http.MaxBytesError.
func ParseTokenRequest(r *http.Request, limit int64) (TokenRequest, error) {
	return parseTokenRequest(nil, r, limit)
}

func parseTokenRequest(w http.ResponseWriter, r *http.Request, limit int64) (TokenRequest, error) {
	form, err := parseForm(w, r, limit)
	if err != nil {
		return TokenRequest{}, err
	}
	req := TokenRequest{GrantType: oauthclient.GrantType(form.Get("grant_type"))}
	if err := checkGrantType(req.GrantType); err != nil {
		return TokenRequest{}, err
	}
	if req.Client, err = oauthclient.CredentialsFromRequest(r); err != nil {
		return TokenRequest{}, err
	}
	req.Code, req.RedirectURI, req.CodeVerifier = form.Get("code"), form.Get("redirect_uri"), form.Get("code_verifier")
	req.RefreshToken, req.Scope = form.Get("refresh_token"), form.Get("scope")
	return req, nil
}

// ParseRevocationRequest reads a revocation request (RFC 7009 §2.1) as
// ParseTokenRequest reads a token request.
func ParseRevocationRequest(r *http.Request, limit int64) (RevocationRequest, error) {
	return parseRevocationRequest(nil, r, limit)
}

func parseRevocationRequest(w http.ResponseWriter, r *http.Request, limit int64) (RevocationRequest, error) {
	form, creds, err := parseAuthenticated(w, r, limit)
	if err != nil {
		return RevocationRequest{}, err
	}
	return RevocationRequest{Client: creds, Token: form.Get("token"),
		TokenTypeHint: oauthclient.TokenKind(form.Get("token_type_hint"))}, nil
}

// ParseIntrospectionRequest reads an introspection request (RFC 7662
// §2.1) as ParseTokenRequest reads a token request.
func ParseIntrospectionRequest(r *http.Request, limit int64) (IntrospectionRequest, error) {
	return parseIntrospectionRequest(nil, r, limit)
}

func parseIntrospectionRequest(w http.ResponseWriter, r *http.Request, limit int64) (IntrospectionRequest, error) {
	form, creds, err := parseAuthenticated(w, r, limit)
	if err != nil {
		return IntrospectionRequest{}, err
	}
	return IntrospectionRequest{Client: creds, Token: form.Get("token"),
		TokenTypeHint: oauthclient.TokenKind(form.Get("token_type_hint"))}, nil
}

func parseAuthenticated(w http.ResponseWriter, r *http.Request, limit int64) (url.Values, oauthclient.Credentials, error) {
	form, err := parseForm(w, r, limit)
	if err != nil {
		return nil, oauthclient.Credentials{}, err
	}
	creds, err := oauthclient.CredentialsFromRequest(r)
	return form, creds, err
}
