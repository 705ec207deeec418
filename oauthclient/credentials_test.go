package oauthclient

import (
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// credBasic returns a Basic header value of raw, already form-urlencoded
// "id:secret" text.
func credBasic(raw string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(raw))
}

// credRequest builds a token request: method, URL query, form body and
// Authorization headers.
func credRequest(method, query, body string, auth ...string) *http.Request {
	target := "https://as.example/oauth/token"
	if query != "" {
		target += "?" + query
	}
	r := httptest.NewRequest(method, target, strings.NewReader(body))
	if body != "" {
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for _, a := range auth {
		r.Header.Add("Authorization", a)
	}
	return r
}

func TestCredentialsFromRequest(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		req     *http.Request
		want    Credentials
		wantRaw string // the secret, compared through Reveal
	}{
		{
			name: "basic, RFC 6749 §2.3.1 form-urlencoding",
			req:  credRequest("POST", "", "grant_type=client_credentials", "Basic bXkrY2xpZW50OnAlNDBzcyUyQnclM0FyZCUyNQ=="),
			want: Credentials{ClientID: "my client", Method: AuthMethodBasic}, wantRaw: "p@ss+w:rd%",
		},
		{
			name: "basic, lower-case scheme and extra spaces",
			req:  credRequest("POST", "", "", "basic   "+base64.StdEncoding.EncodeToString([]byte("abc:s3cret"))),
			want: Credentials{ClientID: "abc", Method: AuthMethodBasic}, wantRaw: "s3cret",
		},
		{
			name: "basic, raw colon in secret",
			req:  credRequest("POST", "", "", credBasic("abc:a:b")),
			want: Credentials{ClientID: "abc", Method: AuthMethodBasic}, wantRaw: "a:b",
		},
		{
			name: "basic, empty secret",
			req:  credRequest("POST", "", "", credBasic("abc:")),
			want: Credentials{ClientID: "abc", Method: AuthMethodBasic}, wantRaw: "",
		},
		{
			name: "basic, same client_id in body",
			req:  credRequest("POST", "", "client_id=my+client", "Basic bXkrY2xpZW50OnAlNDBzcyUyQnclM0FyZCUyNQ=="),
			want: Credentials{ClientID: "my client", Method: AuthMethodBasic}, wantRaw: "p@ss+w:rd%",
		},
		{
			name: "basic, GET without body",
			req:  credRequest("GET", "", "", credBasic("abc:def")),
			want: Credentials{ClientID: "abc", Method: AuthMethodBasic}, wantRaw: "def",
		},
		{
			name: "post",
			req:  credRequest("POST", "", "grant_type=client_credentials&client_id=abc&client_secret=s3cr%2Bt+x"),
			want: Credentials{ClientID: "abc", Method: AuthMethodPost}, wantRaw: "s3cr+t x",
		},
		{
			name: "post, empty secret",
			req:  credRequest("POST", "", "client_id=abc&client_secret="),
			want: Credentials{ClientID: "abc", Method: AuthMethodPost}, wantRaw: "",
		},
		{
			name: "public client",
			req:  credRequest("POST", "", "grant_type=authorization_code&code=xyz&client_id=abc"),
			want: Credentials{ClientID: "abc", Method: AuthMethodNone}, wantRaw: "",
		},
		{
			name: "public client, client_id also in the URL",
			req:  credRequest("POST", "client_id=abc", "client_id=abc"),
			want: Credentials{ClientID: "abc", Method: AuthMethodNone}, wantRaw: "",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := CredentialsFromRequest(tt.req)
			require.NoError(t, err)
			assert.Equal(t, tt.want.ClientID, got.ClientID)
			assert.Equal(t, tt.want.Method, got.Method)
			assert.Equal(t, tt.wantRaw, got.Secret.Reveal())
		})
	}
}

func TestCredentialsFromRequestErrors(t *testing.T) {
	t.Parallel()
	const secret = "p@ss+w:rd%zz"
	tests := []struct {
		name  string
		req   *http.Request
		code  ErrorCode
		field string
	}{
		{name: "no credentials", req: credRequest("POST", "", "grant_type=client_credentials"),
			code: CodeInvalidClient, field: "client_id"},
		{name: "client_id in the URL only", req: credRequest("GET", "client_id=abc", ""),
			code: CodeInvalidClient, field: "client_id"},
		{name: "client_secret in the URL", req: credRequest("POST", "client_secret=s3cret", "client_id=abc"),
			code: CodeInvalidRequest, field: "client_secret"},
		{name: "client_secret in the URL and the body", req: credRequest("POST", "client_secret=s3cret", "client_id=abc&client_secret=s3cret"),
			code: CodeInvalidRequest, field: "client_secret"},
		{name: "client_secret in the URL with basic", req: credRequest("POST", "client_secret=s3cret", "", credBasic("abc:s3cret")),
			code: CodeInvalidRequest, field: "client_secret"},
		{name: "two Authorization headers", req: credRequest("POST", "", "", credBasic("abc:s3cret"), credBasic("abc:s3cret")),
			code: CodeInvalidRequest, field: "Authorization"},
		{name: "basic and post", req: credRequest("POST", "", "client_id=abc&client_secret=s3cret", credBasic("abc:s3cret")),
			code: CodeInvalidRequest, field: "client_secret"},
		{name: "basic and post with an empty secret", req: credRequest("POST", "", "client_secret=", credBasic("abc:s3cret")),
			code: CodeInvalidRequest, field: "client_secret"},
		{name: "basic and another client_id", req: credRequest("POST", "", "client_id=xyz", credBasic("abc:s3cret")),
			code: CodeInvalidRequest, field: "client_id"},
		{name: "repeated client_id", req: credRequest("POST", "", "client_id=abc&client_id=abc"),
			code: CodeInvalidRequest, field: "client_id"},
		{name: "repeated client_secret", req: credRequest("POST", "", "client_id=abc&client_secret=a&client_secret=a"),
			code: CodeInvalidRequest, field: "client_secret"},
		{name: "client_secret without client_id", req: credRequest("POST", "", "client_secret=s3cret"),
			code: CodeInvalidRequest, field: "client_id"},
		{name: "empty client_id", req: credRequest("POST", "", "client_id="),
			code: CodeInvalidRequest, field: "client_id"},
		{name: "empty client_id with secret", req: credRequest("POST", "", "client_id=&client_secret=s3cret"),
			code: CodeInvalidRequest, field: "client_id"},
		{name: "malformed body", req: credRequest("POST", "", "client_id=abc&client_secret="+url.PathEscape(secret)[:5]+"%zz"),
			code: CodeInvalidRequest, field: ""},
		{name: "bearer scheme", req: credRequest("POST", "", "", "Bearer "+secret),
			code: CodeInvalidClient, field: "Authorization"},
		{name: "empty Authorization", req: credRequest("POST", "", "", ""),
			code: CodeInvalidClient, field: "Authorization"},
		{name: "Basic without credentials", req: credRequest("POST", "", "", "Basic"),
			code: CodeInvalidRequest, field: "Authorization"},
		{name: "not base64", req: credRequest("POST", "", "", "Basic "+secret),
			code: CodeInvalidRequest, field: "Authorization"},
		{name: "unpadded base64", req: credRequest("POST", "", "", strings.TrimRight(credBasic("abc:"+secret), "=")),
			code: CodeInvalidRequest, field: "Authorization"},
		{name: "missing colon", req: credRequest("POST", "", "", credBasic("abc")),
			code: CodeInvalidRequest, field: "Authorization"},
		{name: "bad percent-encoding in id", req: credRequest("POST", "", "", credBasic("ab%zz:s3cret")),
			code: CodeInvalidRequest, field: "Authorization"},
		{name: "bad percent-encoding in secret", req: credRequest("POST", "", "", credBasic("abc:"+secret)),
			code: CodeInvalidRequest, field: "Authorization"},
		{name: "empty client ID in basic", req: credRequest("POST", "", "", credBasic(":s3cret")),
			code: CodeInvalidRequest, field: "Authorization"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := CredentialsFromRequest(tt.req)
			assert.Equal(t, Credentials{}, got)
			var e *Error
			require.ErrorAs(t, err, &e)
			assert.Equal(t, tt.code, e.Code)
			assert.Equal(t, tt.field, e.Field)
			assert.NotEmpty(t, e.Reason)
			require.ErrorIs(t, err, codeSentinel(tt.code))
			for _, leak := range []string{secret, "s3cret", "%zz", "zz"} {
				assert.NotContains(t, err.Error(), leak)
			}
		})
	}
}

// credBasicCases seed FuzzParseBasic.
var credBasicCases = []string{
	"Basic bXkrY2xpZW50OnAlNDBzcyUyQnclM0FyZCUyNQ==",
	credBasic("abc:def"),
	credBasic("abc:"),
	credBasic(":def"),
	credBasic("abc"),
	credBasic("a%zz:b"),
	credBasic("a:b%2"),
	"Basic",
	"Basic ",
	"basic YWJjOmRlZg==",
	"Bearer abc",
	"",
	"Basic !!!",
	"Basic YWJjOmRlZg",
}

func FuzzParseBasic(f *testing.F) {
	for _, c := range credBasicCases {
		f.Add(c)
	}
	f.Fuzz(func(t *testing.T, header string) {
		id, secret, err := parseBasicAuth(header)
		if err != nil {
			var e *Error
			require.ErrorAs(t, err, &e)
			require.Contains(t, []ErrorCode{CodeInvalidRequest, CodeInvalidClient}, e.Code)
			require.Equal(t, credFieldAuthorization, e.Field)
			return
		}
		require.NotEmpty(t, id)
		// What parses is what a client encoding id and secret would send.
		again, againSecret, err := parseBasicAuth(credBasic(url.QueryEscape(id) + ":" + url.QueryEscape(secret)))
		require.NoError(t, err)
		require.Equal(t, id, again)
		require.Equal(t, secret, againSecret)
	})
}
