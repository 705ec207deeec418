package authserver

import (
	"net/http"
	"net/url"
	"slices"

	"github.com/portaloauth/portaloauth/oauthclient"
)

// mediaForm is the media type of the token, revocation, introspection and
// consent requests.
const mediaForm = "application/x-www-form-urlencoded"

// readForm reads an application/x-www-form-urlencoded body. It refuses a
// parameter sent twice and drops parameters without a value (RFC 6749
// §3.1). As r.ParseForm would, it sets r.PostForm to the body's parameters
// and r.Form to them followed by the query's, so that
// oauthclient.CredentialsFromRequest sees both (and refuses a secret in the
// URL); the endpoints themselves read the body's parameters only.
func (s *Server) readForm(w http.ResponseWriter, r *http.Request) (url.Values, error) {
	body, err := oauthclient.ReadBody(w, r, mediaForm, s.maxBody)
	if err != nil {
		return nil, err
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return nil, oauthError(oauthclient.CodeInvalidRequest, "", "the form body is not well-formed")
	}
	query, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, oauthError(oauthclient.CodeInvalidRequest, "", "the query string is not well-formed")
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
	return oauthError(oauthclient.CodeInvalidRequest, fieldName(slices.Min(repeated)), "must not be repeated")
}

// fieldName makes a parameter name short enough to echo in an error: at
// most 64 bytes (oauthclient.ProblemOf keeps only printable ASCII).
func fieldName(k string) string {
	if len(k) > 64 {
		k = k[:64]
	}
	return k
}
