package authserver

import (
	"fmt"
	"log/slog"
	"strings"
)

// The requests and responses of this package carry token values as the
// wire does, as strings. Their renderings through fmt (every verb) and
// log/slog replace each token value, code and code verifier by [REDACTED],
// so that a logged request or response never holds one; the fields
// themselves, and the JSON a response writes, are unchanged.

const redacted = "[REDACTED]"

// hide returns [REDACTED] for a value that is set.
func hide(s string) string {
	if s == "" {
		return ""
	}
	return redacted
}

// format renders v, a redacted copy whose type is the method-less plain
// twin of the type named name, so that %#v still reads "authserver.name{".
func format(f fmt.State, verb rune, v any, name string) {
	if verb == 'v' && f.Flag('#') {
		out := fmt.Sprintf("%#v", v)
		if i := strings.IndexByte(out, '{'); i >= 0 {
			out = "authserver." + name + out[i:]
		}
		_, _ = f.Write([]byte(out))
		return
	}
	_, _ = fmt.Fprintf(f, fmt.FormatString(f, verb), v)
}

type (
	plainTokenRequest         TokenRequest
	plainTokenResponse        TokenResponse
	plainRevocationRequest    RevocationRequest
	plainIntrospectionRequest IntrospectionRequest
)

func (r TokenRequest) redacted() plainTokenRequest {
	p := plainTokenRequest(r)
	p.Code, p.CodeVerifier, p.RefreshToken = hide(p.Code), hide(p.CodeVerifier), hide(p.RefreshToken)
	return p
}

// Format renders r with its code, code verifier and refresh token
// replaced by [REDACTED].
func (r TokenRequest) Format(f fmt.State, verb rune) {
	format(f, verb, r.redacted(), "TokenRequest")
}

// LogValue is r for log/slog, with its token values replaced by [REDACTED].
func (r TokenRequest) LogValue() slog.Value { return slog.AnyValue(r.redacted()) }

func (r TokenResponse) redacted() plainTokenResponse {
	p := plainTokenResponse(r)
	p.AccessToken, p.RefreshToken = hide(p.AccessToken), hide(p.RefreshToken)
	return p
}

// Format renders r with its access and refresh tokens replaced by
// [REDACTED]; WriteTokenResponse writes them.
func (r TokenResponse) Format(f fmt.State, verb rune) {
	format(f, verb, r.redacted(), "TokenResponse")
}

// LogValue is r for log/slog, with its tokens replaced by [REDACTED].
func (r TokenResponse) LogValue() slog.Value { return slog.AnyValue(r.redacted()) }

func (r RevocationRequest) redacted() plainRevocationRequest {
	p := plainRevocationRequest(r)
	p.Token = hide(p.Token)
	return p
}

// Format renders r with its token replaced by [REDACTED].
func (r RevocationRequest) Format(f fmt.State, verb rune) {
	format(f, verb, r.redacted(), "RevocationRequest")
}

// LogValue is r for log/slog, with its token replaced by [REDACTED].
func (r RevocationRequest) LogValue() slog.Value { return slog.AnyValue(r.redacted()) }

func (r IntrospectionRequest) redacted() plainIntrospectionRequest {
	p := plainIntrospectionRequest(r)
	p.Token = hide(p.Token)
	return p
}

// Format renders r with its token replaced by [REDACTED].
func (r IntrospectionRequest) Format(f fmt.State, verb rune) {
	format(f, verb, r.redacted(), "IntrospectionRequest")
}

// LogValue is r for log/slog, with its token replaced by [REDACTED].
func (r IntrospectionRequest) LogValue() slog.Value { return slog.AnyValue(r.redacted()) }
