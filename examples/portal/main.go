// Command portal runs the example developer portal: the web pages where
// developers register OAuth clients for the APIs of a catalogue and
// administrators review them, and the OAuth 2.0 authorization server those
// clients get their tokens from, on one address.
//
//	go run ./examples/portal                      # in memory, demo data, 127.0.0.1:8080
//	PORTALOAUTH_POSTGRES="$DSN" go run ./examples/portal   # on PostgreSQL
//
// Flags:
//
//	-addr        listen address (default 127.0.0.1:8080)
//	-issuer      the public base URL (default http://<addr>)
//	-demo        seed a demo catalogue, developer and initial access token (default true)
//	-demo-token  the demo's initial access token (default: random)
//	-admin       the administrator's username (default admin)
//	-postgres    a PostgreSQL DSN; empty: $PORTALOAUTH_POSTGRES, or else the in-memory store
//	-cache       with -postgres, keep clients, tokens and the catalogue in a
//	             node-local cache that PostgreSQL notifications keep fresh
//	             (see store/cache; default true)
//
// Prefer the environment variable PORTALOAUTH_POSTGRES for the DSN: a flag
// and the password in it are visible to every user of the machine in the
// process list (ps), the environment is not.
//
// The administrator's password comes from the environment variable
// PORTAL_ADMIN_PASSWORD; when it is unset a random one is generated. The
// logins and the token are printed at start-up. The server stops
// gracefully on SIGINT or SIGTERM.
package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/portaloauth/portaloauth/examples/portal/authserver"
	"github.com/portaloauth/portaloauth/examples/portal/web"
	"github.com/portaloauth/portaloauth/oauthclient"
	"github.com/portaloauth/portaloauth/portal"
	"github.com/portaloauth/portaloauth/portal/throttle"
	"github.com/portaloauth/portaloauth/store/cache"
	"github.com/portaloauth/portaloauth/store/memory"
	"github.com/portaloauth/portaloauth/store/postgres"
)

// shutdownTimeout bounds how long in-flight requests may finish after a
// signal.
const shutdownTimeout = 10 * time.Second

// requestTimeout bounds the work of one request: its context ends then,
// so that a slow or unreachable database fails the request (503) within
// the server's WriteTimeout instead of holding it.
const requestTimeout = 15 * time.Second

// EnvPostgres names the environment variable holding the PostgreSQL DSN,
// preferred to the -postgres flag, which ps shows.
const EnvPostgres = "PORTALOAUTH_POSTGRES"

// withDeadline gives every request's context a deadline d from its start.
func withDeadline(h http.Handler, d time.Duration) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), d)
		defer cancel()
		h.ServeHTTP(w, r.WithContext(ctx))
	})
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return // -h printed the usage: not a failure
		}
		fmt.Fprintln(os.Stderr, "portal:", err)
		os.Exit(1)
	}
}

// run parses the flags, builds the app, serves until ctx ends, then shuts
// down gracefully.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("portal", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:8080", "listen `address`")
	issuer := fs.String("issuer", "", "public base `URL` of the portal (default http://<addr>)")
	demo := fs.Bool("demo", true, "seed a demo catalogue, developer and initial access token")
	demoToken := fs.String("demo-token", "", "the demo's initial access `token` (default random)")
	adminUser := fs.String("admin", "admin", "the administrator's `username`")
	dsn := fs.String("postgres", "", "PostgreSQL `DSN` (prefer $"+EnvPostgres+", which ps does not show); empty: $"+EnvPostgres+" or the in-memory store")
	useCache := fs.Bool("cache", true, "with -postgres, cache clients, tokens and the catalogue, kept fresh by PostgreSQL notifications")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	logger := slog.New(slog.NewTextHandler(stderr, nil))

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	defer ln.Close()
	base := *issuer
	if base == "" {
		base = "http://" + ln.Addr().String()
	}

	cfg := appConfig{
		Issuer:        base,
		Demo:          *demo,
		DemoToken:     *demoToken,
		AdminUser:     *adminUser,
		AdminPassword: getenv("PORTAL_ADMIN_PASSWORD"),
		Logger:        logger,
	}
	if *dsn == "" {
		*dsn = getenv(EnvPostgres)
	}
	if *dsn != "" {
		pg, err := postgres.Open(ctx, *dsn)
		if err != nil {
			return err
		}
		defer pg.Close()
		if err := pg.Migrate(ctx); err != nil {
			return err
		}
		cached := cache.New(pg, cache.Options{Disabled: !*useCache, Logger: logger})
		defer cached.Close()
		cfg.Store = cached
		cfg.Throttles = cached.Throttles(pg.Throttles())
	}
	a, err := newApp(ctx, cfg)
	if err != nil {
		return err
	}
	a.printLogins(stdout)

	srv := &http.Server{
		Handler:           withDeadline(a.Handler, requestTimeout),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	logger.Info("serving", "url", base)

	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	logger.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// appConfig configures newApp. Zero values mean the documented defaults.
type appConfig struct {
	Issuer        string       // required: the public base URL, e.g. http://127.0.0.1:8080
	Store         portal.Store // nil: a new in-memory store
	Demo          bool         // seed the demo data
	DemoToken     string       // the demo's initial access token; empty: random
	AdminUser     string       // empty: "admin"
	AdminPassword string       // empty: random, printed at start-up
	Now           func() time.Time
	Rand          io.Reader    // nil: crypto/rand.Reader
	Logger        *slog.Logger // nil: slog.Default()
	// Throttles keeps failed client authentications; nil: in memory. On
	// PostgreSQL, the database's, so that every node counts together.
	Throttles throttle.Store
}

// app is the composed portal: the web pages and the authorization server on
// one mux, behind the web package's middleware.
type app struct {
	Handler http.Handler
	Issuer  string
	Store   portal.Store
	Portal  *portal.Service
	Auth    *authserver.Server
	Site    *web.Site

	AdminUser     string
	AdminPassword string
	Demo          *demoData // nil without -demo
}

// newApp builds the portal from cfg and, with cfg.Demo, seeds the demo.
func newApp(ctx context.Context, cfg appConfig) (*app, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Rand == nil {
		cfg.Rand = rand.Reader
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.AdminUser == "" {
		cfg.AdminUser = "admin"
	}
	if cfg.Store == nil {
		cfg.Store = memory.New()
	}
	issuer := strings.TrimSuffix(cfg.Issuer, "/")
	hasher := &oauthclient.Hasher{}
	audit := web.NewAuditLog(0)
	svc, err := portal.New(portal.Config{
		Store:    cfg.Store,
		Observer: web.Observers{portal.SlogObserver{Logger: cfg.Logger}, audit},
		OAuth:    oauthclient.Config{Hasher: hasher, Now: cfg.Now, Rand: cfg.Rand},
	})
	if err != nil {
		return nil, err
	}
	a := &app{Issuer: issuer, Store: cfg.Store, Portal: svc, AdminUser: cfg.AdminUser, AdminPassword: cfg.AdminPassword}
	if a.AdminPassword == "" {
		if a.AdminPassword, err = randomPassword(cfg.Rand); err != nil {
			return nil, err
		}
	}
	adminHash, err := web.HashPassword(hasher, a.AdminPassword, cfg.Rand)
	if err != nil {
		return nil, err
	}
	a.Site, err = web.New(web.Config{
		Portal:            svc,
		Directory:         cfg.Store,
		Hasher:            hasher,
		Admins:            []web.Admin{{Username: cfg.AdminUser, PasswordHash: adminHash}},
		TokenEndpoint:     issuer + authserver.PathToken,
		AuthorizeEndpoint: issuer + authserver.PathAuthorize,
		Audit:             audit,
		Now:               cfg.Now,
		Rand:              cfg.Rand,
		Logger:            cfg.Logger,
		SecureCookies:     strings.HasPrefix(issuer, "https://"),
		Throttles:         cfg.Throttles,
	})
	if err != nil {
		return nil, err
	}
	a.Auth, err = authserver.New(authserver.Config{Portal: svc, Issuer: issuer, Logger: cfg.Logger, Users: a.Site,
		Throttle: throttle.New(throttle.Config{Store: cfg.Throttles, Now: cfg.Now})})
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	a.Site.Register(mux)
	a.Auth.Register(mux)
	a.Handler = a.Site.Middleware(mux)

	if cfg.Demo {
		seeder, err := portal.New(portal.Config{Store: cfg.Store, Observer: audit, OAuth: svc.OAuth()})
		if err != nil {
			return nil, err
		}
		if a.Demo, err = seedDemo(ctx, a, seeder, hasher, cfg.Rand, cfg.DemoToken); err != nil {
			return nil, fmt.Errorf("seeding the demo: %w", err)
		}
	}
	return a, nil
}

// printLogins tells the operator where to go and how to log in.
func (a *app) printLogins(w io.Writer) {
	fmt.Fprintf(w, "Developer portal:  %s/\n", a.Issuer)
	fmt.Fprintf(w, "  administrator:   %s/admin/login  user %q  password %q\n", a.Issuer, a.AdminUser, a.AdminPassword)
	if d := a.Demo; d != nil {
		fmt.Fprintf(w, "  demo developer:  %s/login  email %q  password %q\n", a.Issuer, d.DeveloperEmail, d.DeveloperPassword)
		fmt.Fprintf(w, "  initial access token for POST %s%s:\n    %s\n", a.Issuer, authserver.PathRegister, d.InitialAccessToken.Reveal())
	}
	fmt.Fprintf(w, "  metadata:        %s%s\n", a.Issuer, authserver.PathMetadata)
}

// randomPassword returns 16 random bytes as base64url text.
func randomPassword(r io.Reader) (string, error) {
	b := make([]byte, 16)
	if _, err := io.ReadFull(r, b); err != nil {
		return "", fmt.Errorf("generating a password: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}
