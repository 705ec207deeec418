// Package web is the developer portal's web front end: the pages a
// developer uses to sign up, log in and manage OAuth clients, and the pages
// an administrator uses to review every developer's clients.
//
// The pages follow the classic portal's screens: a top menu with OAuth
// Clients; an empty state with Create first OAuth Client; the list of
// OAuth-eligible APIs, each with Select API; Save and continue; the app
// details form; Create; and a page that shows the client secret exactly
// once. Administrators get Portal Management > Developers.
//
// # Security
//
// Passwords are hashed with argon2id ([oauthclient.Hasher.HashSlow]).
// Sessions live in memory, keyed by the SHA-256 of a random 256-bit ID held
// in an HttpOnly, SameSite=Lax cookie (Secure over https); a restart logs
// everyone out, and several portal nodes would need a shared session store.
// SameSite=Lax rather than Strict so that a developer coming back from
// another site through the OAuth consent redirect is still logged in; every
// form carries a CSRF token derived from the session (an HMAC under a
// per-process key), and posts from another origin are refused
// ([http.CrossOriginProtection]). Every response gets security headers from
// [Site.Middleware]; pages are never cached, and a secret is shown once,
// through a one-time server-side flash that the first page view consumes.
package web

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"github.com/portaloauth/portaloauth/portal/throttle"
	"html/template"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/portaloauth/portaloauth/catalogue"
	"github.com/portaloauth/portaloauth/oauthclient"
	"github.com/portaloauth/portaloauth/portal"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Defaults of [Config].
const (
	DefaultMaxBodyBytes = 64 << 10
	DefaultSessionTTL   = 12 * time.Hour
	DefaultPageSize     = 20
)

// Directory is what the pages read besides the portal service: developers
// by email (the login), and the catalogue's APIs and policies (their names).
// A portal.Store is a Directory.
type Directory interface {
	// GetDeveloperByEmail returns the developer whose email equals email
	// ignoring case, or an error wrapping portal.ErrNotFound.
	GetDeveloperByEmail(ctx context.Context, email string) (*portal.Developer, error)
	// ListAPIs returns every API of the catalogue.
	ListAPIs(ctx context.Context) ([]*catalogue.API, error)
	// ListPolicies returns every policy of the catalogue.
	ListPolicies(ctx context.Context) ([]*catalogue.Policy, error)
}

// Admin is an administrator's login.
type Admin struct {
	Username string
	// PasswordHash is the argon2id hash of the password, as
	// [HashPassword] returns it.
	PasswordHash string
}

// Config configures a [Site]. Zero values mean the documented defaults.
type Config struct {
	Portal    *portal.Service     // required
	Directory Directory           // required; usually the portal's Store
	Hasher    *oauthclient.Hasher // password hashing; nil: the default
	Admins    []Admin             // who may log in to the admin pages
	// TokenEndpoint is shown next to a new secret, e.g.
	// "http://127.0.0.1:8080/oauth/token"; empty: not shown.
	TokenEndpoint string
	// AuthorizeEndpoint is shown with a PKCE example to clients that
	// redirect, e.g. "http://127.0.0.1:8080/oauth/authorize"; empty: not
	// shown.
	AuthorizeEndpoint string
	// Audit, if set, is the event log the admin pages show (a client's
	// audit trail, the catalogue's changes); the portal.Service must hand
	// it its events. nil: the pages show no events.
	Audit  *AuditLog
	Now    func() time.Time // nil: time.Now
	Rand   io.Reader        // session IDs, CSRF key, salts; nil: crypto/rand.Reader
	Logger *slog.Logger     // nil: slog.Default()
	// SecureCookies marks cookies Secure even on plain http requests, for a
	// portal behind a TLS-terminating proxy. Requests over TLS always get
	// Secure cookies.
	SecureCookies bool
	MaxBodyBytes  int64         // request body limit; 0: DefaultMaxBodyBytes
	SessionTTL    time.Duration // idle session lifetime; 0: DefaultSessionTTL
	PageSize      int           // rows per list page; 0: DefaultPageSize
	// Throttles keeps failed logins, per account and per remote address,
	// which then wait exponentially longer (see portal/throttle); nil: in
	// this process's memory. Nodes sharing a database pass its store.
	Throttles throttle.Store
}

// Site is the portal's web front end. It implements the authorization
// server's view of who is logged in (CurrentUser, LoginURL).
type Site struct {
	portal    *portal.Service
	dir       Directory
	passwords passwords
	admins    map[string]string // username → hash
	tokenURL  string
	authURL   string
	audit     *AuditLog
	now       func() time.Time
	log       *slog.Logger
	// Failed logins: per account (5 free) and per remote address (20
	// free, since many people may share one address).
	accountThrottle, addressThrottle *throttle.Throttle
	secure                           bool
	maxBody                          int64
	pageSize                         int
	sessions                         *sessions
	csrfKey                          []byte
	cop                              *http.CrossOriginProtection
	pages                            map[string]*template.Template
	static                           http.Handler
}

// New returns a Site for cfg. It fails when Portal or Directory is missing,
// an admin has no username or no password hash, or the templates do not
// parse.
func New(cfg Config) (*Site, error) {
	if cfg.Portal == nil {
		return nil, errors.New("web: Config.Portal is required")
	}
	if cfg.Directory == nil {
		return nil, errors.New("web: Config.Directory is required")
	}
	s := &Site{
		portal:   cfg.Portal,
		dir:      cfg.Directory,
		admins:   make(map[string]string, len(cfg.Admins)),
		tokenURL: cfg.TokenEndpoint,
		authURL:  cfg.AuthorizeEndpoint,
		audit:    cfg.Audit,
		now:      cfg.Now,
		log:      cfg.Logger,
		secure:   cfg.SecureCookies,
		maxBody:  cfg.MaxBodyBytes,
		pageSize: cfg.PageSize,
		cop:      http.NewCrossOriginProtection(),
	}
	for _, a := range cfg.Admins {
		if a.Username == "" || a.PasswordHash == "" {
			return nil, errors.New("web: every Admin needs a Username and a PasswordHash")
		}
		s.admins[a.Username] = a.PasswordHash
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	s.accountThrottle = throttle.New(throttle.Config{Store: cfg.Throttles, Now: s.now})
	s.addressThrottle = throttle.New(throttle.Config{Store: cfg.Throttles, Free: 20, Now: s.now})
	if s.maxBody <= 0 {
		s.maxBody = DefaultMaxBodyBytes
	}
	if s.pageSize <= 0 {
		s.pageSize = DefaultPageSize
	}
	ttl := cfg.SessionTTL
	if ttl <= 0 {
		ttl = DefaultSessionTTL
	}
	rnd := oauthclient.LockedReader(cfg.Rand)
	s.csrfKey = make([]byte, 32)
	if _, err := io.ReadFull(rnd, s.csrfKey); err != nil {
		return nil, fmt.Errorf("web: reading the CSRF key: %w", err)
	}
	var err error
	if s.passwords, err = newPasswords(cfg.Hasher, rnd); err != nil {
		return nil, err
	}
	s.sessions = newSessions(s.now, rnd, ttl)
	if s.pages, err = parsePages(); err != nil {
		return nil, err
	}
	sub, err := fs.Sub(staticFS, "static")
	if err != nil {
		return nil, fmt.Errorf("web: static files: %w", err)
	}
	s.static = http.StripPrefix("/static/", http.FileServerFS(sub))
	return s, nil
}

// Register adds the portal's pages to mux.
func (s *Site) Register(mux *http.ServeMux) {
	mux.Handle("GET /static/", s.cacheStatic(s.static))

	mux.HandleFunc("GET /{$}", s.home)
	mux.HandleFunc("GET /signup", s.signupForm)
	mux.HandleFunc("POST /signup", s.signup)
	mux.HandleFunc("GET /login", s.loginForm)
	mux.HandleFunc("POST /login", s.login)
	mux.HandleFunc("POST /logout", s.developer(s.logout))

	mux.HandleFunc("GET /clients", s.developer(s.listClients))
	mux.HandleFunc("GET /clients/new", s.developer(s.selectAPIs))
	mux.HandleFunc("GET /clients/new/details", s.developer(s.detailsForm))
	mux.HandleFunc("POST /clients", s.developer(s.createClient))
	mux.HandleFunc("GET /clients/{id}", s.developer(s.showClient))
	mux.HandleFunc("GET /clients/{id}/secret", s.developer(s.showSecret))
	mux.HandleFunc("GET /clients/{id}/edit", s.developer(s.editForm))
	mux.HandleFunc("POST /clients/{id}/edit", s.developer(s.editClient))
	mux.HandleFunc("GET /clients/{id}/rotate", s.developer(s.rotateForm))
	mux.HandleFunc("POST /clients/{id}/rotate", s.developer(s.rotateSecret))
	mux.HandleFunc("GET /clients/{id}/revoke", s.developer(s.revokeForm))
	mux.HandleFunc("POST /clients/{id}/revoke", s.developer(s.revokeTokens))
	mux.HandleFunc("GET /clients/{id}/delete", s.developer(s.deleteForm))
	mux.HandleFunc("POST /clients/{id}/delete", s.developer(s.deleteClient))

	mux.HandleFunc("GET /admin/login", s.adminLoginForm)
	mux.HandleFunc("POST /admin/login", s.adminLogin)
	mux.HandleFunc("POST /admin/logout", s.admin(s.adminLogout))
	mux.HandleFunc("GET /admin/{$}", s.admin(s.adminHome))
	mux.HandleFunc("GET /admin/developers", s.admin(s.adminDevelopers))
	mux.HandleFunc("GET /admin/developers/{id}/deactivate", s.admin(s.deactivateForm))
	mux.HandleFunc("POST /admin/developers/{id}/deactivate", s.admin(s.deactivateDeveloper))
	mux.HandleFunc("POST /admin/developers/{id}/reactivate", s.admin(s.reactivateDeveloper))
	mux.HandleFunc("GET /admin/approvals", s.admin(s.adminApprovals))
	mux.HandleFunc("GET /admin/clients/{id}", s.admin(s.adminClient))
	mux.HandleFunc("GET /admin/clients/{id}/{action}", s.admin(s.confirmClientAction))
	mux.HandleFunc("POST /admin/clients/{id}/{action}", s.admin(s.adminClientAction))

	mux.HandleFunc("GET /admin/catalogue", s.admin(s.adminCatalogue))
	mux.HandleFunc("GET /admin/catalogue/{kind}/new", s.admin(s.recordFormPage))
	mux.HandleFunc("POST /admin/catalogue/{kind}", s.admin(s.saveRecord))
	mux.HandleFunc("GET /admin/catalogue/{kind}/{id}/edit", s.admin(s.recordFormPage))
	mux.HandleFunc("POST /admin/catalogue/{kind}/{id}/edit", s.admin(s.saveRecord))
	mux.HandleFunc("GET /admin/catalogue/{kind}/{id}/deactivate", s.admin(s.toggleForm))
	mux.HandleFunc("POST /admin/catalogue/{kind}/{id}/{action}", s.admin(s.toggleRecord))
}

// CurrentUser returns the ID of the developer logged in on r, if any: a
// valid session of an active developer.
func (s *Site) CurrentUser(r *http.Request) (developerID string, ok bool) {
	sess := s.sessions.get(r, developerCookie)
	if sess == nil {
		return "", false
	}
	d, err := s.portal.GetDeveloper(r.Context(), sess.userID)
	if err != nil || d.Status != portal.DeveloperActive {
		return "", false
	}
	return d.ID, true
}

// LoginURL returns the login page's URL that comes back to returnTo, a
// local path such as "/oauth/authorize?...", after logging in.
func (s *Site) LoginURL(returnTo string) string {
	if !localPath(returnTo) {
		return "/login"
	}
	return "/login?return_to=" + url.QueryEscape(returnTo)
}

// cacheStatic lets browsers cache the embedded style sheet and script.
func (s *Site) cacheStatic(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		h.ServeHTTP(w, r)
	})
}

// localPath reports whether p is a path on this site, safe to redirect to:
// it starts with one "/" and names no other host.
func localPath(p string) bool {
	if p == "" || p[0] != '/' || len(p) > 2000 {
		return false
	}
	if len(p) > 1 && (p[1] == '/' || p[1] == '\\') {
		return false
	}
	return !strings.ContainsAny(p, "\\\r\n\t\x00")
}
