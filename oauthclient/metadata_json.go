package oauthclient

import (
	"bytes"
	"encoding/json"
	"slices"
)

// The JSON codec of Metadata: RFC 7591 member names, strict decoding,
// extension members kept in Extra.

// metaMembers are the JSON member names of Metadata's fields, in the order
// of the struct, which is the order ValidateMetadata reports problems in.
var metaMembers = [...]string{
	"redirect_uris",
	"token_endpoint_auth_method",
	"grant_types",
	"response_types",
	"client_name",
	"client_uri",
	"logo_uri",
	"scope",
	"contacts",
	"tos_uri",
	"policy_uri",
	"software_id",
	"software_version",
}

// metaKnown reports whether name is the JSON name of a Metadata field.
func metaKnown(name string) bool { return slices.Contains(metaMembers[:], name) }

// metaPlain is Metadata without its JSON methods, for the default encoding of
// the known fields.
type metaPlain Metadata

// MarshalJSON writes the known fields under their RFC 7591 names, empty ones
// left out, followed by the members of Extra in name order. An Extra member
// with the name of a known field is left out: it never overrides the field.
// A nil Extra value is written as null; an Extra value that is not valid JSON
// is an *Error (invalid_client_metadata) naming the member.
func (m Metadata) MarshalJSON() ([]byte, error) {
	known, err := json.Marshal(metaPlain(m))
	if err != nil {
		return nil, err
	}
	if len(m.Extra) == 0 {
		return known, nil
	}
	names := make([]string, 0, len(m.Extra))
	for name := range m.Extra {
		if !metaKnown(name) {
			names = append(names, name)
		}
	}
	slices.Sort(names)

	var b bytes.Buffer
	b.Write(known[:len(known)-1]) // without the closing brace
	for _, name := range names {
		if b.Len() > 1 {
			b.WriteByte(',')
		}
		quoted, err := json.Marshal(name)
		if err != nil {
			return nil, err
		}
		b.Write(quoted)
		b.WriteByte(':')
		value := m.Extra[name]
		if len(value) == 0 {
			b.WriteString("null")
			continue
		}
		if err := json.Compact(&b, value); err != nil {
			return nil, metaError(name, "is not valid JSON")
		}
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// UnmarshalJSON decodes an RFC 7591 client metadata object. It is strict
// about types: a member whose JSON type is not the field's (a string where an
// array of strings is expected, a number in a list of strings) is an *Error
// (invalid_client_metadata) whose Field names the member or element, e.g.
// "redirect_uris" or "contacts[2]". A member named twice is refused too. A
// null member counts as absent, and an empty array as an absent list.
//
// Members this package does not know, language-tagged ones such as
// "client_name#ja-Jpan-JP" (RFC 7591 §2.2) included, are kept in Extra,
// compacted and with <, > and & escaped the way encoding/json writes them,
// so that decoding what MarshalJSON wrote gives the same Metadata.
//
// Every problem is reported, one *Error each, joined with [errors.Join];
// [Errors] lists them. On error m is left unchanged.
func (m *Metadata) UnmarshalJSON(data []byte) error {
	if !json.Valid(data) {
		return metaError("", "is not valid JSON")
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return metaError("", "must be a JSON object")
	}
	var (
		out  Metadata
		errs []error
		seen = make(map[string]bool)
	)
	for dec.More() {
		tok, err := dec.Token()
		name, ok := tok.(string)
		if err != nil || !ok {
			return metaError("", "is not valid JSON")
		}
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return metaError(name, "is not valid JSON")
		}
		if seen[name] {
			errs = append(errs, metaError(name, "appears more than once"))
			continue
		}
		seen[name] = true
		errs = out.decodeMember(name, raw, errs)
	}
	if len(errs) > 0 {
		return metaJoin(errs)
	}
	*m = out
	return nil
}

// decodeMember sets the field named name from raw, or Extra[name] if no
// field has that name, and appends any problem to errs.
func (m *Metadata) decodeMember(name string, raw json.RawMessage, errs []error) []error {
	var err error
	switch name {
	case "redirect_uris":
		m.RedirectURIs, errs = metaDecodeStrings[string](name, raw, errs)
	case "token_endpoint_auth_method":
		m.TokenEndpointAuthMethod, err = metaDecodeString[AuthMethod](name, raw)
	case "grant_types":
		m.GrantTypes, errs = metaDecodeStrings[GrantType](name, raw, errs)
	case "response_types":
		m.ResponseTypes, errs = metaDecodeStrings[string](name, raw, errs)
	case "client_name":
		m.ClientName, err = metaDecodeString[string](name, raw)
	case "client_uri":
		m.ClientURI, err = metaDecodeString[string](name, raw)
	case "logo_uri":
		m.LogoURI, err = metaDecodeString[string](name, raw)
	case "scope":
		m.Scope, err = metaDecodeString[string](name, raw)
	case "contacts":
		m.Contacts, errs = metaDecodeStrings[string](name, raw, errs)
	case "tos_uri":
		m.TOSURI, err = metaDecodeString[string](name, raw)
	case "policy_uri":
		m.PolicyURI, err = metaDecodeString[string](name, raw)
	case "software_id":
		m.SoftwareID, err = metaDecodeString[string](name, raw)
	case "software_version":
		m.SoftwareVersion, err = metaDecodeString[string](name, raw)
	default:
		var compact, escaped bytes.Buffer
		if err := json.Compact(&compact, raw); err != nil {
			return append(errs, metaError(name, "is not valid JSON"))
		}
		json.HTMLEscape(&escaped, compact.Bytes())
		if m.Extra == nil {
			m.Extra = make(map[string]json.RawMessage)
		}
		m.Extra[name] = escaped.Bytes()
	}
	if err != nil {
		errs = append(errs, err)
	}
	return errs
}

// metaDecodeString decodes a JSON string (or null, as "").
func metaDecodeString[S ~string](field string, raw json.RawMessage) (S, error) {
	kind := metaJSONKind(raw)
	switch kind {
	case "null":
		return "", nil
	case "string":
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return "", metaError(field, "is not a valid JSON string")
		}
		return S(s), nil
	default:
		return "", metaError(field, "must be a string, not a JSON "+kind)
	}
}

// metaDecodeStrings decodes a JSON array of strings (or null, or [], as nil).
func metaDecodeStrings[S ~string](field string, raw json.RawMessage, errs []error) ([]S, []error) {
	kind := metaJSONKind(raw)
	switch kind {
	case "null":
		return nil, errs
	case "array":
	default:
		return nil, append(errs, metaError(field, "must be an array of strings, not a JSON "+kind))
	}
	var elems []json.RawMessage
	if err := json.Unmarshal(raw, &elems); err != nil {
		return nil, append(errs, metaError(field, "is not a valid JSON array"))
	}
	if len(elems) == 0 {
		return nil, errs
	}
	out := make([]S, len(elems))
	for i, elem := range elems {
		elemField := metaIndex(field, i)
		if kind := metaJSONKind(elem); kind != "string" {
			errs = append(errs, metaError(elemField, "must be a string, not a JSON "+kind))
			continue
		}
		var s string
		if err := json.Unmarshal(elem, &s); err != nil {
			errs = append(errs, metaError(elemField, "is not a valid JSON string"))
			continue
		}
		out[i] = S(s)
	}
	return out, errs
}

// metaJSONKind names the JSON type of a valid JSON value.
func metaJSONKind(raw []byte) string {
	raw = bytes.TrimLeft(raw, " \t\r\n")
	if len(raw) == 0 {
		return "nothing"
	}
	switch raw[0] {
	case '"':
		return "string"
	case '[':
		return "array"
	case '{':
		return "object"
	case 't', 'f':
		return "boolean"
	case 'n':
		return "null"
	default:
		return "number"
	}
}
