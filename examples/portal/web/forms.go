package web

import (
	"errors"
	"strconv"
	"strings"

	"github.com/portaloauth/portaloauth/oauthclient"
	"github.com/portaloauth/portaloauth/portal"
)

// maxRedirectFields is how many redirect URL fields a form offers at most.
const maxRedirectFields = 10

// redirectField is one redirect URL field of a form, with its error.
type redirectField struct {
	Value string
	Error string
}

// fieldErrors holds a form's errors by field, in plain words.
type fieldErrors map[string]string

func (e *fieldErrors) add(field, msg string) {
	if *e == nil {
		*e = make(fieldErrors)
	}
	if _, ok := (*e)[field]; !ok {
		(*e)[field] = msg
	}
}

// redirectValues returns the posted redirect URL fields, empty ones kept
// so that the form comes back as typed, at most maxRedirectFields.
func redirectValues(values []string) []redirectField {
	if len(values) > maxRedirectFields {
		values = values[:maxRedirectFields]
	}
	out := make([]redirectField, len(values))
	for i, v := range values {
		out[i].Value = v
	}
	if len(out) == 0 {
		out = append(out, redirectField{})
	}
	return out
}

// redirectURIs returns the non-empty redirect URLs, trimmed, and for each
// the index of its field.
func redirectURIs(fields []redirectField) (uris []string, index []int) {
	uris = []string{}
	for i, f := range fields {
		if v := strings.TrimSpace(f.Value); v != "" {
			uris = append(uris, v)
			index = append(index, i)
		}
	}
	return uris, index
}

// formError reports whether err is about what the developer typed or chose
// (rather than a failure of the server), and if so files each problem under
// its form field: "name", "description", "policy", "entries", "grants",
// "redirects" or "form"; a problem with the i-th redirect URL goes to
// redirects[index[i]].Error.
func formError(err error, errs *fieldErrors, redirects []redirectField, index []int) bool {
	oes := oauthclient.Errors(err)
	for _, oe := range oes {
		switch {
		case oe.Code != "", errors.Is(oe, portal.ErrInvalidInput), errors.Is(oe, portal.ErrPolicyNotOffered):
			// Invalid metadata (an OAuth code) or a bad field.
			fileError(oe.Field, plainWords(oe.Field, oe.Reason), errs, redirects, index)
		case errors.Is(oe, portal.ErrNotEligible):
			msg := "This API does not accept OAuth clients any more. Go back and select another."
			if oe.Reason != "" && oe.Field == "entry_ids" {
				msg = sentence("", oe.Reason)
			}
			errs.add("entries", msg)
		case errors.Is(oe, portal.ErrClientLimit):
			errs.add("entries", sentence("", oe.Reason))
		default:
			return false
		}
	}
	return len(oes) > 0
}

// plainWords says a metadata problem in the words of the form rather than
// of RFC 7591, where they differ.
func plainWords(field, reason string) string {
	switch {
	case field == "redirect_uris" && strings.HasPrefix(reason, "at least one is required"):
		return "At least one redirect URL is required for sign-in with a browser."
	case field == "client_name" && strings.HasPrefix(reason, "is longer than"):
		return "App name must be at most 200 characters."
	}
	return sentence(fieldLabel(field), reason)
}

// fileError puts one message under its form field.
func fileError(field, msg string, errs *fieldErrors, redirects []redirectField, index []int) {
	base, rest, indexed := strings.Cut(field, "[")
	switch base {
	case "client_name", "name":
		errs.add("name", msg)
	case "description":
		errs.add("description", msg)
	case "policy_id":
		errs.add("policy", msg)
	case "entry_ids":
		errs.add("entries", msg)
	case "grant_types", "response_types", "token_endpoint_auth_method":
		errs.add("app_type", msg)
	case "redirect_uris", "redirect_uri":
		if indexed {
			n, err := strconv.Atoi(strings.TrimSuffix(rest, "]"))
			if err == nil && n >= 0 && n < len(index) && index[n] < len(redirects) {
				if redirects[index[n]].Error == "" {
					redirects[index[n]].Error = msg
				}
				return
			}
		}
		errs.add("redirects", msg)
	default:
		errs.add("form", msg)
	}
}
