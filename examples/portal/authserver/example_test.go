package authserver_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"

	"github.com/portaloauth/portaloauth/catalogue"
	"github.com/portaloauth/portaloauth/examples/portal/authserver"
	"github.com/portaloauth/portaloauth/oauthclient"
	"github.com/portaloauth/portaloauth/portal"
	"github.com/portaloauth/portaloauth/store/memory"
)

// nobody is a UserSessions with no one logged in; a portal passes its
// web pages, which know their session cookies.
type nobody struct{}

func (nobody) CurrentUser(*http.Request) (string, bool) { return "", false }
func (nobody) LoginURL(returnTo string) string {
	return "/login?return_to=" + url.QueryEscape(returnTo)
}

// The server mounts its endpoints on a ServeMux next to the portal's
// pages; a client registered through the portal service gets a token
// with client_credentials.
func Example() {
	ctx := context.Background()
	st := memory.New()
	svc, _ := portal.New(portal.Config{Store: st})
	_ = svc.AddAPI(ctx, &catalogue.API{ID: "payments", Name: "Payments", AuthMode: catalogue.AuthOAuth2, Active: true})
	_ = svc.AddPolicy(ctx, &catalogue.Policy{ID: "gold", Name: "Gold", Active: true, Scopes: []string{"read"},
		AccessRights: []catalogue.AccessRight{{APIID: "payments"}}})
	_ = svc.AddEntry(ctx, &catalogue.Entry{ID: "payments", APIID: "payments", DisplayName: "Payments",
		PolicyIDs: []string{"gold"}, Visible: true})
	dev, _ := svc.RegisterDeveloper(ctx, portal.NewDeveloper{Email: "dev@example.com", Name: "Dev"})
	nc, err := svc.CreateClient(ctx, dev.ID, portal.CreateClientRequest{EntryIDs: []string{"payments"},
		Metadata: oauthclient.Metadata{ClientName: "Batch job", GrantTypes: []oauthclient.GrantType{oauthclient.GrantClientCredentials}}})
	if err != nil {
		fmt.Println(err)
		return
	}

	srv, err := authserver.New(authserver.Config{Portal: svc, Issuer: "https://auth.example.com", Users: nobody{}})
	if err != nil {
		fmt.Println(err)
		return
	}
	mux := http.NewServeMux()
	srv.Register(mux)

	req := httptest.NewRequest(http.MethodPost, authserver.PathToken, strings.NewReader("grant_type=client_credentials&scope=read"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(url.QueryEscape(nc.Client.ID), url.QueryEscape(nc.Secret.Reveal()))
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, req)

	var tok struct {
		AccessToken string `json:"access_token"`
		TokenType   string `json:"token_type"`
		ExpiresIn   int    `json:"expires_in"`
		Scope       string `json:"scope"`
	}
	_ = json.Unmarshal(rec.Body.Bytes(), &tok)
	fmt.Println(rec.Code, rec.Header().Get("Cache-Control"), tok.TokenType, tok.ExpiresIn, tok.Scope)
	fmt.Println(strings.HasPrefix(tok.AccessToken, "poa_at_"))
	// Output:
	// 200 no-store Bearer 3600 read
	// true
}
