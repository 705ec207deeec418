package registration

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"

	"github.com/portaloauth/portaloauth/oauthclient"
)

// Request is the JSON body of a registration (RFC 7591 §3.1) or of an
// update (RFC 7592 §2.2), as [ParseRequest] reads it.
type Request struct {
	// Metadata is the client metadata, without the members the server
	// manages.
	Metadata oauthclient.Metadata
	// ClientID is the client_id member; "" when absent or not a string.
	// An update must repeat the client's ID; a registration ignores it.
	ClientID string
	// ClientSecret is the client_secret member; nil when absent. An update
	// may repeat one of the client's current secrets; a registration
	// ignores it.
	ClientSecret *oauthclient.Plaintext
}

// managedMembers are the client information members the server manages
// (RFC 7591 §3.2.1, RFC 7592 §3): a request does not set them.
// ParseRequest keeps client_id and client_secret apart and drops the rest.
var managedMembers = []string{
	"client_id", "client_secret", "client_id_issued_at", "client_secret_expires_at",
	"registration_access_token", "registration_client_uri",
}

// maxFieldLen bounds a member name echoed in an error.
const maxFieldLen = 64

// ParseRequest reads a registration or update body: exactly one JSON
// object, each member at most once, the members of RFC 7591 §2 with their
// JSON types, and any other member kept in Metadata.Extra. It does not
// validate the metadata: the portal does when the client is created or
// updated.
//
// Every error is an *oauthclient.Error with CodeInvalidClientMetadata:
// Field names a repeated member or one of the wrong JSON type (for
// instance "redirect_uris" for a string where an array is expected), and
// is empty for a body that is not one JSON object.
func ParseRequest(body []byte) (Request, error) {
	if err := checkObject(body); err != nil {
		return Request{}, err
	}
	var md oauthclient.Metadata
	if err := json.Unmarshal(body, &md); err != nil {
		if len(oauthclient.Errors(err)) > 0 {
			return Request{}, err
		}
		field := ""
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			field = shortField(te.Field)
		}
		return Request{}, oauthclient.NewError(oauthclient.CodeInvalidClientMetadata, field, "has the wrong JSON type")
	}
	var req Request
	for _, k := range managedMembers {
		raw, ok := md.Extra[k]
		if !ok {
			continue
		}
		delete(md.Extra, k)
		var s string
		stringErr := json.Unmarshal(raw, &s)
		switch {
		case k == "client_id" && stringErr == nil:
			req.ClientID = s
		case k == "client_secret":
			secret := oauthclient.NewPlaintext(s) // zero unless a non-empty string
			req.ClientSecret = &secret
		}
	}
	if len(md.Extra) == 0 {
		md.Extra = nil
	}
	req.Metadata = md
	return req, nil
}

// checkObject checks that body is one JSON object with no member twice.
func checkObject(body []byte) error {
	bad := func(field, reason string) error {
		return oauthclient.NewError(oauthclient.CodeInvalidClientMetadata, field, reason)
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return bad("", "the body must be a JSON object")
	}
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return bad("", "the body is not valid JSON")
		}
		key, _ := tok.(string)
		if seen[key] {
			return bad(shortField(key), "must not be repeated")
		}
		seen[key] = true
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return bad("", "the body is not valid JSON")
		}
	}
	if _, err := dec.Token(); err != nil {
		return bad("", "the body is not valid JSON")
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return bad("", "the body must hold one JSON object and nothing after it")
	}
	return nil
}

// shortField bounds a member name to maxFieldLen bytes; the HTTP layer
// makes it printable.
func shortField(k string) string {
	if len(k) > maxFieldLen {
		return k[:maxFieldLen]
	}
	return k
}
