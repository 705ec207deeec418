package authserver

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	as "github.com/portaloauth/portaloauth/portal/authserver"
)

// consentTTL is how long a consent form may be answered.
const consentTTL = 10 * time.Minute

// consentStyle is the pages' only style; the CSP allows it by its hash.
const consentStyle = `body{font:16px/1.5 system-ui,sans-serif;margin:0;background:#f6f7f9;color:#1d2330}` +
	`main{max-width:32rem;margin:4rem auto;padding:2rem;background:#fff;border-radius:8px;box-shadow:0 1px 4px #0002}` +
	`h1{font-size:1.4rem;margin-top:0}code{background:#eef0f3;padding:0 .25rem;border-radius:3px}` +
	`button{font:inherit;padding:.5rem 1.25rem;margin-right:.5rem;border-radius:4px;border:1px solid #888;cursor:pointer}` +
	`button[value=approve]{background:#1d5fd1;border-color:#1d5fd1;color:#fff}`

var styleSource = func() string {
	sum := sha256.Sum256([]byte(consentStyle))
	return "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
}()

var pages = template.Must(template.New("consent").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Authorize {{.ClientName}}</title><style>{{.Style}}</style></head>
<body><main>
<h1>Authorize {{.ClientName}}</h1>
<p><strong>{{.ClientName}}</strong> asks to use {{range $i, $a := .APIs}}{{if $i}}, {{end}}<strong>{{$a}}</strong>{{else}}your APIs{{end}} on your behalf.</p>
{{if .Scopes}}<p>It asks for:</p><ul>{{range .Scopes}}<li><code>{{.}}</code></li>{{end}}</ul>{{end}}
<p>If you allow it, you will be sent back to <code>{{.Destination}}</code>.</p>
<form method="post" action="{{.Action}}">
{{range .Hidden}}<input type="hidden" name="{{.Name}}" value="{{.Value}}">
{{end}}<button type="submit" name="decision" value="approve">Allow</button>
<button type="submit" name="decision" value="deny">Deny</button>
</form>
</main></body></html>
`))

var errorPage = template.Must(template.New("error").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Authorization error</title><style>{{.Style}}</style></head>
<body><main>
<h1>Authorization error</h1>
<p>{{.Message}}</p>
</main></body></html>
`))

type hiddenField struct{ Name, Value string }

type consentView struct {
	Style       template.CSS
	ClientName  string
	APIs        []string
	Scopes      []string
	Destination string
	Action      string
	Hidden      []hiddenField
}

// authzParams are the authorization request parameters (RFC 6749 §4.1.1,
// RFC 7636 §4.3) that the consent form carries and its token binds.
var authzParams = []string{
	"client_id", "redirect_uri", "response_type", "scope", "state", "code_challenge", "code_challenge_method",
}

// renderConsent shows the consent page for a to user.
func (s *Server) renderConsent(w http.ResponseWriter, r *http.Request, a *as.Authorization, user string) {
	v := consentView{
		Style:       template.CSS(consentStyle),
		ClientName:  a.Client.ClientName,
		Scopes:      strings.Fields(a.Scope),
		Destination: destination(a.RedirectURI),
		Action:      s.authorizePath(),
	}
	if v.ClientName == "" {
		v.ClientName = a.Client.ID
	}
	params := a.Request.Values()
	for _, id := range a.Client.APIIDs {
		name := id
		if api, err := s.catalogue.GetAPI(r.Context(), id); err == nil && api.Name != "" {
			name = api.Name
		}
		v.APIs = append(v.APIs, name)
	}
	for _, p := range authzParams {
		if val := params.Get(p); val != "" {
			v.Hidden = append(v.Hidden, hiddenField{p, val})
		}
	}
	v.Hidden = append(v.Hidden, hiddenField{paramConsentToken, s.consentToken(user, params, s.now())})
	csp := "default-src 'none'; style-src " + styleSource + "; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
	if src := formActionSource(a.RedirectURI); src != "" {
		// Browsers apply form-action to the redirect after the post.
		csp += " " + src
	}
	s.renderPage(w, http.StatusOK, csp, pages, v)
}

// renderError shows the error page.
func (s *Server) renderError(w http.ResponseWriter, status int, message string) {
	csp := "default-src 'none'; style-src " + styleSource + "; base-uri 'none'; frame-ancestors 'none'; form-action 'none'"
	s.renderPage(w, status, csp, errorPage, struct {
		Style   template.CSS
		Message string
	}{template.CSS(consentStyle), message})
}

func (s *Server) renderPage(w http.ResponseWriter, status int, csp string, t *template.Template, data any) {
	var buf bytes.Buffer
	if err := t.Execute(&buf, data); err != nil {
		s.log.Error("authserver: rendering a page", "error", err)
		status, csp = http.StatusInternalServerError, "default-src 'none'; frame-ancestors 'none'"
		buf.Reset()
		buf.WriteString("The server failed to handle the request.\n")
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	} else {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
	}
	w.Header().Set("Content-Security-Policy", csp)
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// destination is what the consent page says the user returns to: the
// redirect URI's scheme and host, or the whole URI for a private-use
// scheme.
func destination(redirect string) string {
	u, err := url.Parse(redirect)
	if err != nil || u.Host == "" {
		return redirect
	}
	return u.Scheme + "://" + u.Host
}

// formActionSource is the CSP source expression that allows the redirect
// to the client: its origin, or its scheme for a private-use scheme.
func formActionSource(redirect string) string {
	u, err := url.Parse(redirect)
	switch {
	case err != nil:
		return ""
	case u.Host != "":
		return u.Scheme + "://" + u.Host
	default:
		return u.Scheme + ":"
	}
}

// consentToken returns the consent form's anti-forgery token, bound to the
// user, to the authorization request and to the time it was issued:
// "<unix seconds>.<base64url HMAC-SHA-256>".
func (s *Server) consentToken(user string, params url.Values, at time.Time) string {
	ts := strconv.FormatInt(at.Unix(), 10)
	return ts + "." + base64.RawURLEncoding.EncodeToString(s.consentMAC(user, params, ts))
}

func (s *Server) consentMAC(user string, params url.Values, ts string) []byte {
	m := hmac.New(sha256.New, s.consentKey)
	// Length prefixes keep the fields apart whatever they contain.
	for _, f := range []string{"authserver consent v1", user, ts, params.Encode()} {
		m.Write([]byte(strconv.Itoa(len(f))))
		m.Write([]byte{':'})
		m.Write([]byte(f))
	}
	return m.Sum(nil)
}

// checkConsentToken reports whether token is a consent token for the user
// and request, issued by this server less than consentTTL ago.
func (s *Server) checkConsentToken(token, user string, params url.Values) bool {
	ts, mac, ok := strings.Cut(token, ".")
	if !ok {
		return false
	}
	issued, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return false
	}
	age := s.now().Sub(time.Unix(issued, 0))
	if age < -time.Minute || age > consentTTL {
		return false
	}
	// The MAC is compared as issued, encoded: a decoder would also take
	// the same bytes with line breaks inserted or other unused trailing
	// bits, and the token must have one form only.
	want := base64.RawURLEncoding.EncodeToString(s.consentMAC(user, params, ts))
	return hmac.Equal([]byte(mac), []byte(want))
}
