// Command peer serves go-oauth2/oauth2 v4, configured as its README
// configures it (memory token and client stores, the default manager and
// server), as the peer the benchmark report measures portaloauth against.
// It lives in a module of its own so that portaloauth's module does not
// depend on it.
//
//	go -C internal/peer run . -addr 127.0.0.1:0
//
// It prints "listening on http://ADDR" as its first line once it serves:
//
//   - POST /token: the token endpoint (client_credentials, client
//     authentication with HTTP Basic, the server's default);
//   - GET /validate: bearer token validation (Server.ValidationBearerToken),
//     answering the token's client, scope and remaining lifetime as JSON, as
//     the README's example server does at /test.
//
// It stops on SIGINT, SIGTERM, or when its standard input closes, so that a
// parent that dies never leaves it running.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/go-oauth2/oauth2/v4/errors"
	"github.com/go-oauth2/oauth2/v4/manage"
	"github.com/go-oauth2/oauth2/v4/models"
	"github.com/go-oauth2/oauth2/v4/server"
	"github.com/go-oauth2/oauth2/v4/store"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "address to listen on")
	clientID := flag.String("client-id", "peer-client", "the one client's ID")
	clientSecret := flag.String("client-secret", "peer-secret", "the one client's secret")
	flag.Parse()
	if err := run(*addr, *clientID, *clientSecret); err != nil {
		log.Fatal(err)
	}
}

// Handler returns the peer's endpoints for one client.
func Handler(clientID, clientSecret string) http.Handler {
	manager := manage.NewDefaultManager()
	manager.MustTokenStorage(store.NewMemoryTokenStore())
	clientStore := store.NewClientStore()
	_ = clientStore.Set(clientID, &models.Client{ID: clientID, Secret: clientSecret, Domain: "http://localhost"})
	manager.MapClientStorage(clientStore)

	srv := server.NewDefaultServer(manager)
	srv.SetInternalErrorHandler(func(err error) *errors.Response {
		log.Println("internal error:", err)
		return nil
	})

	mux := http.NewServeMux()
	mux.HandleFunc("/token", func(w http.ResponseWriter, r *http.Request) {
		_ = srv.HandleTokenRequest(w, r)
	})
	mux.HandleFunc("/validate", func(w http.ResponseWriter, r *http.Request) {
		token, err := srv.ValidationBearerToken(r)
		if err != nil {
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{
			"active":     true,
			"client_id":  token.GetClientID(),
			"scope":      token.GetScope(),
			"expires_in": int64(time.Until(token.GetAccessCreateAt().Add(token.GetAccessExpiresIn())).Seconds()),
		})
	})
	return mux
}

func run(addr, clientID, clientSecret string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	hs := &http.Server{Handler: Handler(clientID, clientSecret), ReadHeaderTimeout: 10 * time.Second}
	fmt.Printf("listening on http://%s\n", ln.Addr())

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() { // the parent closing our standard input ends us too
		_, _ = io.Copy(io.Discard, os.Stdin)
		stop()
	}()
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = hs.Shutdown(shutdown)
	}()
	if err := hs.Serve(ln); err != http.ErrServerClosed {
		return err
	}
	return nil
}
