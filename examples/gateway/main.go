// Command gateway is a small API gateway built with the portaloauth
// middleware: it forwards requests to an upstream API (an
// httputil.ReverseProxy) only when they carry a valid access token whose
// client's policy grants that API.
//
//	go run ./examples/gateway -upstream http://127.0.0.1:9000 -api payments
//
// Flags:
//
//	-addr      where to listen (default 127.0.0.1:8081)
//	-upstream  URL of the API to protect; empty: a built-in echo API
//	-api       catalogue ID of the API the upstream serves (default demo-api)
//	-postgres  a PostgreSQL DSN: read tokens and policies from the database
//	           the portal writes (see store/postgres); empty:
//	           $PORTALOAUTH_POSTGRES, or else in memory. Prefer the variable:
//	           ps shows a flag, and the password in it, to every user
//	-cache     with -postgres, keep tokens and policies in a node-local
//	           cache that PostgreSQL notifications keep fresh (see
//	           store/cache; default true); false: a query per request
//
// On the in-memory store the gateway seeds a demo (an OAuth 2.0 API, a
// policy, a catalogue entry, a developer and a client_credentials client),
// serves the token, revocation and introspection endpoints itself, and
// prints how to get a token and call the API. It stops gracefully on
// SIGINT or SIGTERM.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/portaloauth/portaloauth/internal/demo"
	"github.com/portaloauth/portaloauth/oauthclient"
	"github.com/portaloauth/portaloauth/portal"
	"github.com/portaloauth/portaloauth/portal/authserver"
	"github.com/portaloauth/portaloauth/store/cache"
	"github.com/portaloauth/portaloauth/store/memory"
	"github.com/portaloauth/portaloauth/store/postgres"
)

// demoAPIID is the catalogue ID of the demo's API.
const demoAPIID = "demo-api"

// shutdownTimeout bounds how long in-flight requests may finish after a
// signal.
const shutdownTimeout = 10 * time.Second

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, nil); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return // -h printed the usage: not a failure
		}
		fmt.Fprintln(os.Stderr, "gateway:", err)
		os.Exit(1)
	}
}

// options are the command-line flags.
type options struct {
	addr     string
	upstream string
	apiID    string
	dsn      string
	cache    bool
}

func parseFlags(args []string, out io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("gateway", flag.ContinueOnError)
	fs.SetOutput(out)
	fs.StringVar(&o.addr, "addr", "127.0.0.1:8081", "address to listen on")
	fs.StringVar(&o.upstream, "upstream", "", "URL of the API to protect; empty: a built-in echo API")
	fs.StringVar(&o.apiID, "api", demoAPIID, "catalogue ID of the API the upstream serves")
	fs.StringVar(&o.dsn, "postgres", "", "PostgreSQL `DSN` shared with the portal; empty: the in-memory store with a demo")
	fs.BoolVar(&o.cache, "cache", true, "with -postgres, cache tokens and policies, kept fresh by PostgreSQL notifications")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	if o.dsn == "" {
		o.dsn = os.Getenv(EnvPostgres)
	}
	return o, nil
}

// EnvPostgres names the environment variable holding the PostgreSQL DSN,
// preferred to the -postgres flag, which ps shows.
const EnvPostgres = "PORTALOAUTH_POSTGRES"

// Request bounds: requestTimeout ends a request's context, so that a slow
// database or upstream fails the request (503, 502) instead of holding it;
// the server's own timeouts bound slow clients.
const requestTimeout = 30 * time.Second

// withDeadline gives every request's context a deadline d from its start.
func withDeadline(h http.Handler, d time.Duration) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), d)
		defer cancel()
		h.ServeHTTP(w, r.WithContext(ctx))
	})
}

// run runs the gateway until ctx ends. ready, if not nil, is called with
// the listening address once the gateway accepts requests.
func run(ctx context.Context, args []string, out io.Writer, ready func(addr string)) error {
	o, err := parseFlags(args, out)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(out, nil))
	ln, err := net.Listen("tcp", o.addr)
	if err != nil {
		return err
	}
	base := "http://" + ln.Addr().String()

	st, inMemory, closeStore, err := openStore(ctx, o, log)
	if err != nil {
		_ = ln.Close()
		return err
	}
	defer closeStore()

	target, stopUpstream, err := upstream(o.upstream)
	if err != nil {
		_ = ln.Close()
		return err
	}
	defer stopUpstream()

	svc, err := portal.New(portal.Config{Store: st})
	if err != nil {
		_ = ln.Close()
		return err
	}
	as, err := authserver.New(authserver.Config{Portal: svc, Issuer: base, Logger: log})
	if err != nil {
		_ = ln.Close()
		return err
	}
	mux := http.NewServeMux()
	mux.Handle("/", as.RequireToken(newProxy(target), o.apiID))
	if inMemory {
		nc, err := demo.Seed(ctx, svc, demo.Options{APIID: demoAPIID})
		if err != nil {
			_ = ln.Close()
			return err
		}
		mux.Handle(pathToken, as.TokenHandler())
		mux.Handle(pathRevoke, as.RevocationHandler())
		mux.Handle(pathIntrospect, as.IntrospectionHandler())
		printDemo(out, base, demoCredentials{clientID: nc.Client.ID, secret: nc.Secret})
	}

	srv := &http.Server{
		Handler:           withDeadline(mux, requestTimeout),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      requestTimeout + 5*time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	fmt.Fprintf(out, "gateway on %s protects %s as API %q\n", base, target, o.apiID)
	if ready != nil {
		ready(ln.Addr().String())
	}

	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return err
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// openStore returns the store tokens and policies are read from, whether
// it is the in-memory store that the demo seeds, and how to close it.
//
// With -postgres the gateway reads the database that the portal and every
// other gateway node share, so a token revoked anywhere is refused here on
// the next request: with the cache (the default), as soon as the
// database's notification reaches this node, within milliseconds; while
// the notifications are down the gateway reads the database directly. No
// demo is seeded then; tokens come from the portal's authorization
// server. The gateway migrates the schema too, so that whichever starts
// first may.
func openStore(ctx context.Context, o options, log *slog.Logger) (portal.Store, bool, func(), error) {
	if o.dsn == "" {
		return memory.New(), true, func() {}, nil
	}
	pg, err := postgres.Open(ctx, o.dsn)
	if err != nil {
		return nil, false, nil, err
	}
	if err := pg.Migrate(ctx); err != nil {
		pg.Close()
		return nil, false, nil, err
	}
	cached := cache.New(pg, cache.Options{Disabled: !o.cache, Logger: log})
	return cached, false, func() { cached.Close(); pg.Close() }, nil
}

// upstream returns the URL of the API to protect: the flag's, or a
// built-in echo API on a loopback port, which the returned func stops.
func upstream(raw string) (*url.URL, func(), error) {
	if raw != "" {
		u, err := url.Parse(raw)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, nil, fmt.Errorf("-upstream must be an http or https URL, not %q", raw)
		}
		return u, func() {}, nil
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, nil, err
	}
	srv := &http.Server{Handler: http.HandlerFunc(echo), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	return &url.URL{Scheme: "http", Host: ln.Addr().String()}, func() { _ = srv.Close() }, nil
}

// echo is the built-in upstream API: it says who called what.
func echo(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	fmt.Fprintf(w, "hello from the upstream API: %s %s, client %s, scope %q\n",
		r.Method, r.URL.Path, r.Header.Get(headerClientID), r.Header.Get(headerScope))
}

// Headers the gateway sets on requests it forwards, after deleting any
// the caller sent.
const (
	headerClientID = "X-Portal-Client-Id"
	headerSubject  = "X-Portal-Subject"
	headerScope    = "X-Portal-Scope"
)

// newProxy forwards to target; the upstream sees who called, never the
// access token.
func newProxy(target *url.URL) *httputil.ReverseProxy {
	return &httputil.ReverseProxy{Rewrite: func(pr *httputil.ProxyRequest) {
		pr.SetURL(target)
		pr.SetXForwarded()
		h := pr.Out.Header
		h.Del("Authorization")
		h.Del(headerClientID)
		h.Del(headerSubject)
		h.Del(headerScope)
		if tok, ok := authserver.TokenFromContext(pr.In.Context()); ok {
			h.Set(headerClientID, tok.ClientID)
			if tok.Subject != "" {
				h.Set(headerSubject, tok.Subject)
			}
			if tok.Scope != "" {
				h.Set(headerScope, tok.Scope)
			}
		}
	}}
}

// demoCredentials are the demo client's.
type demoCredentials struct {
	clientID string
	secret   oauthclient.Plaintext
}

// Paths of the demo's authorization server endpoints.
const (
	pathToken      = "/oauth/token"
	pathRevoke     = "/oauth/revoke"
	pathIntrospect = "/oauth/introspect"
)

func printDemo(out io.Writer, base string, c demoCredentials) {
	fmt.Fprintf(out, `demo client (in memory; it is gone when the gateway stops):
  client_id:     %s
  client_secret: %s
get an access token:
  curl -s -u '%s:%s' -d grant_type=client_credentials %s%s
call the API with it:
  curl -i -H 'Authorization: Bearer ACCESS_TOKEN' %s/hello
revoke it, and the next call is refused:
  curl -s -u '%s:%s' -d token=ACCESS_TOKEN %s%s
`, c.clientID, c.secret.Reveal(), c.clientID, c.secret.Reveal(), base, pathToken,
		base, c.clientID, c.secret.Reveal(), base, pathRevoke)
}
