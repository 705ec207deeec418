package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestTokenThenValidate issues a token with client_secret_basic and
// validates it as a bearer token; a wrong secret and an unknown token are
// refused.
func TestTokenThenValidate(t *testing.T) {
	srv := httptest.NewServer(Handler("id", "secret"))
	defer srv.Close()

	token := func(secret string) *http.Response {
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/token", strings.NewReader("grant_type=client_credentials&scope=read"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.SetBasicAuth("id", secret)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}
	if resp := token("wrong"); resp.StatusCode == http.StatusOK {
		t.Fatal("a wrong secret got a token")
	}
	resp := token("secret")
	defer resp.Body.Close()
	var body struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil || resp.StatusCode != http.StatusOK || body.AccessToken == "" {
		t.Fatalf("token: status %d, %v", resp.StatusCode, err)
	}
	for bearer, want := range map[string]int{body.AccessToken: http.StatusOK, "no-such-token": http.StatusUnauthorized} {
		req, _ := http.NewRequest(http.MethodGet, srv.URL+"/validate", nil)
		req.Header.Set("Authorization", "Bearer "+bearer)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("validate %q: status %d, want %d", bearer, resp.StatusCode, want)
		}
	}
}
