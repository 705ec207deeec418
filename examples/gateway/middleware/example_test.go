package middleware_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/portaloauth/portaloauth/catalogue"
	"github.com/portaloauth/portaloauth/examples/gateway/middleware"
	"github.com/portaloauth/portaloauth/oauthclient"
	"github.com/portaloauth/portaloauth/store/memory"
)

// A gateway protects its upstream with the authorization server's store:
// a request needs a live access token whose policy grants the API.
func ExampleNew() {
	ctx := context.Background()
	st := memory.New() // in production: the store the authorization server writes
	_ = st.CreateAPI(ctx, &catalogue.API{ID: "payments", Name: "Payments", AuthMode: catalogue.AuthOAuth2, Active: true})
	_ = st.CreatePolicy(ctx, &catalogue.Policy{ID: "gold", Name: "Gold", Active: true,
		AccessRights: []catalogue.AccessRight{{APIID: "payments"}}})
	_ = st.CreateClient(ctx, &oauthclient.Client{ID: "client-1", PolicyID: "gold", Status: oauthclient.StatusActive, Version: 1})
	const access = "poa_at_example-access-token"
	_ = st.CreateToken(ctx, &oauthclient.Token{Hash: oauthclient.HashToken(access), Kind: oauthclient.KindAccessToken,
		ClientID: "client-1", GrantID: "g1", PolicyID: "gold", ExpiresAt: time.Now().Add(time.Hour)})

	upstream := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tok, _ := middleware.TokenFromContext(r.Context())
		_, _ = io.WriteString(w, "hello, "+tok.ClientID)
	})
	gateway := middleware.New(middleware.Config{Tokens: st, Catalogue: st, APIID: "payments"})(upstream)

	call := func(authorization string) {
		req := httptest.NewRequest(http.MethodGet, "/payments", nil)
		if authorization != "" {
			req.Header.Set("Authorization", authorization)
		}
		rec := httptest.NewRecorder()
		gateway.ServeHTTP(rec, req)
		fmt.Println(rec.Code, strings.TrimSpace(rec.Body.String()))
	}
	call("Bearer " + access)
	call("")
	_ = st.DeleteToken(ctx, oauthclient.HashToken(access)) // revoked
	call("Bearer " + access)
	// Output:
	// 200 hello, client-1
	// 401 {"error_description":"a bearer token is required"}
	// 401 {"error":"invalid_token","error_description":"the access token is not valid"}
}
