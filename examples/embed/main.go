// Command embed is a gateway team's program with portaloauth embedded: the
// API it served before and, beside it on one plain http.ServeMux, the
// token, revocation and introspection endpoints and the bearer check for
// the clients a developer portal registers. It imports no example code.
//
//	go run ./examples/embed   # on 127.0.0.1:8082, in memory, with one demo client
//
// In production the portal.Service is built over the store the portal
// writes (store/postgres), and the demo client is not needed.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"time"

	"github.com/portaloauth/portaloauth/internal/demo"
	"github.com/portaloauth/portaloauth/portal"
	"github.com/portaloauth/portaloauth/portal/authserver"
	"github.com/portaloauth/portaloauth/store/memory"
)

// newMux is the whole integration: the existing handler and the OAuth
// endpoints on one ServeMux.
func newMux(svc *portal.Service, issuer string) (*http.ServeMux, error) {
	oauth, err := authserver.New(authserver.Config{Portal: svc, Issuer: issuer})
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /health", func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "ok\n") })
	mux.Handle("POST /oauth/token", oauth.TokenHandler())
	mux.Handle("POST /oauth/revoke", oauth.RevocationHandler())
	mux.Handle("POST /oauth/introspect", oauth.IntrospectionHandler())
	mux.Handle("/payments/", oauth.RequireToken(http.HandlerFunc(payments), "payments"))
	return mux, nil
}

// payments is the API the gateway protects; it sees who calls.
func payments(w http.ResponseWriter, r *http.Request) {
	tok, _ := authserver.TokenFromContext(r.Context())
	fmt.Fprintf(w, "payments for client %s, scope %q\n", tok.ClientID, tok.Scope)
}

func main() {
	addr := flag.String("addr", "127.0.0.1:8082", "listen `address`")
	flag.Parse() // -h prints the usage and exits 0
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, *addr, os.Stdout, nil); err != nil {
		fmt.Fprintln(os.Stderr, "embed:", err)
		os.Exit(1)
	}
}

// run serves until ctx ends; ready, if not nil, gets the address once the
// server accepts requests.
func run(ctx context.Context, addr string, out io.Writer, ready func(addr string)) error {
	svc, err := portal.New(portal.Config{Store: memory.New()})
	if err != nil {
		return err
	}
	nc, err := demo.Seed(ctx, svc, demo.Options{APIID: "payments", APIName: "Payments"})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	base := "http://" + ln.Addr().String()
	mux, err := newMux(svc, base)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "gateway on %s\ndemo client: %s\nget a token:   curl -s -u '%s:%s' -d grant_type=client_credentials %s/oauth/token\n"+
		"call the API: curl -s -H 'Authorization: Bearer TOKEN' %s/payments/\n",
		base, nc.Client.ID, nc.Client.ID, nc.Secret.Reveal(), base, base)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { <-ctx.Done(); _ = srv.Close() }()
	if ready != nil {
		ready(ln.Addr().String())
	}
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
