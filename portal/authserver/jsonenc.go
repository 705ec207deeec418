package authserver

import (
	"strconv"
	"unicode/utf8"
)

// The responses of the token and introspection endpoints are written by
// hand: they are the hot path, and encoding/json's reflection was a tenth
// of an introspection request's cost. jsonenc_test.go checks the output
// against encoding/json.

// jsonAppender is a response that writes its own JSON.
type jsonAppender interface {
	appendJSON(b []byte) []byte
}

// jsonObject appends the members of one JSON object.
type jsonObject struct {
	b     []byte
	first bool
}

func newJSONObject(b []byte) *jsonObject { return &jsonObject{b: append(b, '{'), first: true} }

func (o *jsonObject) key(k string) {
	if !o.first {
		o.b = append(o.b, ',')
	}
	o.first = false
	o.b = appendJSONString(o.b, k)
	o.b = append(o.b, ':')
}

func (o *jsonObject) str(k, v string) {
	o.key(k)
	o.b = appendJSONString(o.b, v)
}

// strOmitEmpty is str for a member tagged omitempty.
func (o *jsonObject) strOmitEmpty(k, v string) {
	if v != "" {
		o.str(k, v)
	}
}

func (o *jsonObject) int(k string, v int64) {
	o.key(k)
	o.b = strconv.AppendInt(o.b, v, 10)
}

// intOmitEmpty is int for a member tagged omitempty.
func (o *jsonObject) intOmitEmpty(k string, v int64) {
	if v != 0 {
		o.int(k, v)
	}
}

func (o *jsonObject) bool(k string, v bool) {
	o.key(k)
	o.b = strconv.AppendBool(o.b, v)
}

func (o *jsonObject) end() []byte { return append(o.b, '}') }

// appendJSONString appends s as a JSON string, escaped as encoding/json
// escapes it: quotes, backslashes, control characters, <, > and &, U+2028
// and U+2029; invalid UTF-8 becomes U+FFFD.
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xf])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

func (in Introspection) appendJSON(b []byte) []byte {
	o := newJSONObject(b)
	o.bool("active", in.Active)
	o.strOmitEmpty("client_id", in.ClientID)
	o.strOmitEmpty("scope", in.Scope)
	o.strOmitEmpty("token_type", in.TokenType)
	o.intOmitEmpty("exp", in.ExpiresAt)
	o.intOmitEmpty("iat", in.IssuedAt)
	o.strOmitEmpty("sub", in.Subject)
	o.strOmitEmpty("iss", in.Issuer)
	return o.end()
}

func (t *TokenResponse) appendJSON(b []byte) []byte {
	o := newJSONObject(b)
	o.str("access_token", t.AccessToken)
	o.str("token_type", t.TokenType)
	o.int("expires_in", t.ExpiresIn)
	o.strOmitEmpty("refresh_token", t.RefreshToken)
	o.strOmitEmpty("scope", t.Scope)
	return o.end()
}

var (
	_ jsonAppender = Introspection{}
	_ jsonAppender = (*TokenResponse)(nil)
)
