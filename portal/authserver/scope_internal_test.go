package authserver

import (
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/portaloauth/portaloauth/catalogue"
	"github.com/portaloauth/portaloauth/oauthclient"
)

// scopeForReference is how scopes were granted before scopeFor learnt to
// avoid allocating: split, check, deduplicate, join.
func scopeForReference(client *oauthclient.Client, policy *catalogue.Policy, requested string) (string, error) {
	registered := strings.Fields(client.Scope)
	allowed := func(sc string) bool {
		return (len(registered) == 0 || slices.Contains(registered, sc)) && policy.UngrantedScope(sc) == ""
	}
	if requested == "" {
		return strings.Join(slices.DeleteFunc(registered, func(sc string) bool { return !allowed(sc) }), " "), nil
	}
	req, err := parseScope(requested)
	if err != nil {
		return "", err
	}
	for _, sc := range req {
		if !allowed(sc) {
			return "", oauthError(oauthclient.CodeInvalidScope, "scope", "scope "+FieldName(sc)+" is not allowed for this client")
		}
	}
	return strings.Join(req, " "), nil
}

func TestScopeForAgreesWithReference(t *testing.T) {
	t.Parallel()
	clientScopes := []string{"", " ", "read", "read write", "read  write admin"}
	policies := []*catalogue.Policy{nil, {}, {Scopes: []string{"read"}}, {Scopes: []string{"read", "write"}}}
	requests := []string{"", "read", "write", "read write", "write read", "read read", "read write read",
		"admin", "read admin", " read", "read ", "read  write", "re\"ad", strings.Repeat("r", 1025), "read\twrite"}
	for _, cs := range clientScopes {
		for _, p := range policies {
			for _, req := range requests {
				c := &oauthclient.Client{Metadata: oauthclient.Metadata{Scope: cs}}
				want, wantErr := scopeForReference(c, p, req)
				got, err := scopeFor(c, p, req)
				assert.Equal(t, want, got, "client %q, policy %v, request %q", cs, p, req)
				assert.Equal(t, wantErr, err, "client %q, policy %v, request %q", cs, p, req)
			}
		}
	}
}

// BenchmarkScopeFor grants a requested scope that names each scope once:
// no allocation.
func BenchmarkScopeFor(b *testing.B) {
	c := &oauthclient.Client{Metadata: oauthclient.Metadata{Scope: "read write"}}
	p := &catalogue.Policy{Scopes: []string{"read", "write"}}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := scopeFor(c, p, "read write"); err != nil {
			b.Fatal(err)
		}
	}
}

func TestParseQueryAgreesWithURL(t *testing.T) {
	t.Parallel()
	for _, in := range []string{"", "a=1", "a=1&b=2", "a=1&a=2", "a", "a=", "=1", "&&a=1&", "a=%41&b=+x+", "a=%zz",
		"a=1;b=2", "%zz=1", "grant_type=client_credentials&scope=read", "a=1&b=2&a=3&c"} {
		want, wantErr := url.ParseQuery(in)
		got, err := parseQuery(in)
		if wantErr != nil {
			assert.Error(t, err, in)
			continue
		}
		assert.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
}
