package registration

import (
	"context"
	"crypto/subtle"
	"errors"
	"log/slog"
	"net/url"
	"strings"
	"sync"

	"github.com/portaloauth/portaloauth/oauthclient"
	"github.com/portaloauth/portaloauth/portal"
)

// DefaultPath is the registration endpoint's path when Config.Path is
// empty; the client configuration endpoint is DefaultPath/{client_id}.
const DefaultPath = "/oauth/register"

// Config configures a [Registrar]. Issuer is required; the zero value of
// every other field means its documented default.
type Config struct {
	// Issuer is the authorization server's issuer identifier (RFC 8414
	// §2), e.g. "https://auth.example.com": registration_client_uri is
	// Issuer, Path, "/" and the client ID, and Issuer is the realm of the
	// Bearer challenges. A trailing slash is dropped.
	Issuer string
	// Path is the registration endpoint's path; empty: DefaultPath.
	Path string
	// MaxBodyBytes limits request bodies; zero:
	// oauthclient.DefaultMaxBodyBytes.
	MaxBodyBytes int64
	// Logger receives the detail of server failures, never a secret; nil:
	// slog.Default().
	Logger *slog.Logger
}

// Registrar runs RFC 7591 dynamic client registration and RFC 7592 client
// management over a [portal.Service]: the clients it registers are portal
// clients, owned by the developer an initial access token names. It is
// safe for concurrent use.
type Registrar struct {
	portal  *portal.Service
	issuer  string
	path    string
	maxBody int64
	log     *slog.Logger

	mu       sync.RWMutex
	initials map[string]InitialAccess // by oauthclient.HashToken of the token
}

// ErrInvalidConfig is wrapped by every error of [New]: oauthclient's
// sentinel, re-exported, in an *oauthclient.Error that names the field.
var ErrInvalidConfig = oauthclient.ErrInvalidConfig

// New returns a Registrar over svc, which creates, updates and deletes the
// clients and supplies the store, hasher, clock and random source. Its
// errors wrap ErrInvalidConfig.
func New(svc *portal.Service, cfg Config) (*Registrar, error) {
	bad := func(field, reason string) error {
		return oauthclient.Errorf(ErrInvalidConfig, field, reason)
	}
	u, err := url.Parse(cfg.Issuer)
	switch {
	case svc == nil:
		return nil, bad("portal.Service", "is required")
	case cfg.Issuer == "":
		return nil, bad("Issuer", "is required")
	case err != nil || !u.IsAbs() || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http"):
		return nil, bad("Issuer", "must be an absolute http or https URL")
	case u.RawQuery != "" || u.ForceQuery || strings.Contains(cfg.Issuer, "#") || u.User != nil:
		return nil, bad("Issuer", "must have no query, fragment or user information")
	case cfg.Path != "" && (!strings.HasPrefix(cfg.Path, "/") || strings.ContainsAny(cfg.Path, "{}?# ")):
		return nil, bad("Path", `must start with "/" and hold no pattern, query or fragment`)
	case cfg.MaxBodyBytes < 0:
		return nil, bad("MaxBodyBytes", "must not be negative")
	}
	r := &Registrar{
		portal:   svc,
		issuer:   strings.TrimSuffix(cfg.Issuer, "/"),
		path:     strings.TrimSuffix(cfg.Path, "/"),
		maxBody:  cfg.MaxBodyBytes,
		log:      cfg.Logger,
		initials: make(map[string]InitialAccess),
	}
	if r.path == "" {
		r.path = DefaultPath
	}
	if r.log == nil {
		r.log = slog.Default()
	}
	return r, nil
}

// Information is the client information response (RFC 7591 §3.2.1, RFC
// 7592 §3): the client with its metadata, and, right after a
// registration only, its secret and registration access token.
type Information struct {
	Client *oauthclient.Client
	// ClientURI is the client configuration endpoint
	// (registration_client_uri).
	ClientURI string
	// Secret is the client secret; zero except in a registration's
	// response, and for a public client.
	Secret oauthclient.Plaintext
	// RegistrationToken is the registration access token; zero except in
	// a registration's response.
	RegistrationToken oauthclient.Plaintext
}

// errInvalidToken is what a request gets whose initial or registration
// access token is missing, unknown or not valid for the client: the same
// answer whatever the reason, so that nothing tells clients apart.
func errInvalidToken(which string) error {
	return oauthclient.NewError(oauthclient.CodeInvalidToken, "", "the "+which+" is not valid")
}

// Register registers a client (RFC 7591 §3) for the developer the initial
// access token names, on its catalogue entries and policy, and returns its
// information with the secret and the registration access token: the only
// time they are available.
//
// Errors are *oauthclient.Error values: invalid_token for an unknown
// initial access token or one whose developer is gone; access_denied
// when the developer is inactive or the token's entries, policy or client
// limits no longer allow a client; invalid_client_metadata and
// invalid_redirect_uri (joined, one per problem) for metadata the portal
// refuses. Any other error is a server failure.
func (r *Registrar) Register(ctx context.Context, initialAccessToken oauthclient.Plaintext, req Request) (*Information, error) {
	ia, ok := r.initialAccess(initialAccessToken)
	if !ok {
		return nil, errInvalidToken("initial access token")
	}
	nc, err := r.portal.CreateClient(ctx, ia.DeveloperID, portal.CreateClientRequest{
		EntryIDs: ia.EntryIDs, PolicyID: ia.PolicyID, Metadata: req.Metadata, IssueRegistrationToken: true,
	})
	if err != nil {
		return nil, portalError(err, "initial access token")
	}
	return &Information{Client: nc.Client, ClientURI: r.clientURI(nc.Client.ID), Secret: nc.Secret,
		RegistrationToken: nc.RegistrationToken}, nil
}

// Read returns the client's information (RFC 7592 §2.1), never its
// secret, with a new registration access token: RFC 7592 §3 requires the
// token in every client information response, and only its hash is
// stored, so it is rotated and the one presented stops working (as RFC
// 7592 §2.1 allows). It returns an invalid_token *oauthclient.Error unless
// token is the client's registration access token, and for a client an
// administrator disabled.
func (r *Registrar) Read(ctx context.Context, clientID string, token oauthclient.Plaintext) (*Information, error) {
	c, err := r.registered(ctx, clientID, token)
	if err != nil {
		return nil, err
	}
	return r.information(ctx, c)
}

// information is the client information response for c, with a new
// registration access token stored in place of the old one, with c's
// version: a concurrent change makes it fail with ErrConflict.
func (r *Registrar) information(ctx context.Context, c *oauthclient.Client) (*Information, error) {
	plain, hash, err := oauthclient.GenerateRegistrationToken(r.portal.OAuth().Rand)
	if err != nil {
		return nil, err
	}
	next := c.Clone()
	next.RegistrationTokenHash = hash
	if err := r.portal.Clients().UpdateClient(ctx, next, oauthclient.UpdateOptions{}); err != nil {
		if errors.Is(err, oauthclient.ErrConflict) {
			return nil, &oauthclient.Error{Code: oauthclient.CodeInvalidRequest, Err: oauthclient.ErrConflict,
				Reason: "the client changed meanwhile; try again"}
		}
		return nil, err
	}
	return &Information{Client: next, ClientURI: r.clientURI(next.ID), RegistrationToken: plain}, nil
}

// Update replaces the client's metadata with req's (RFC 7592 §2.2): a
// member left out is removed. The response carries a new registration
// access token, as Read's does. req.ClientID must be the client's ID and
// req.ClientSecret, if set, one of its current secrets.
//
// Errors are *oauthclient.Error values: invalid_token unless token is the
// client's registration access token; invalid_request (Field "client_id"
// or "client_secret") for the members above; invalid_client_metadata and
// invalid_redirect_uri for metadata the portal refuses, a change of
// token_endpoint_auth_method included; access_denied when the owner is
// inactive; invalid_request wrapping oauthclient.ErrConflict when the
// client changed meanwhile.
func (r *Registrar) Update(ctx context.Context, clientID string, token oauthclient.Plaintext, req Request) (*Information, error) {
	c, err := r.registered(ctx, clientID, token)
	if err != nil {
		return nil, err
	}
	return r.update(ctx, c, req)
}

// update is Update once the registration access token is checked.
func (r *Registrar) update(ctx context.Context, c *oauthclient.Client, req Request) (*Information, error) {
	if req.ClientID != c.ID {
		return nil, oauthclient.NewError(oauthclient.CodeInvalidRequest, "client_id", "must be the client's client_id")
	}
	if req.ClientSecret != nil && !r.currentSecret(c, *req.ClientSecret) {
		return nil, oauthclient.NewError(oauthclient.CodeInvalidRequest, "client_secret", "must be the client's current secret")
	}
	updated, err := r.portal.UpdateClient(ctx, c.DeveloperID, c.ID, portal.UpdateClientRequest{
		Version: c.Version, Metadata: &req.Metadata,
	})
	if err != nil {
		return nil, portalError(err, "registration access token")
	}
	return r.information(ctx, updated)
}

// Delete deletes the client and all its tokens at once (RFC 7592 §2.3).
// It returns an invalid_token *oauthclient.Error unless token is the
// client's registration access token.
func (r *Registrar) Delete(ctx context.Context, clientID string, token oauthclient.Plaintext) error {
	c, err := r.registered(ctx, clientID, token)
	if err != nil {
		return err
	}
	if err := r.portal.DeleteClient(ctx, c.DeveloperID, c.ID); err != nil {
		return portalError(err, "registration access token")
	}
	return nil
}

// invalidRegistrationToken is the digest compared when no client has the
// requested ID, so that an unknown client costs what a wrong token does.
var invalidRegistrationToken = oauthclient.HashToken("")

// registered returns the client with that ID if token is its registration
// access token; anything else, an unknown client included, is
// invalid_token.
func (r *Registrar) registered(ctx context.Context, clientID string, token oauthclient.Plaintext) (*oauthclient.Client, error) {
	hash := oauthclient.HashToken(token.Reveal())
	c, err := r.portal.Clients().GetClient(ctx, clientID)
	want := invalidRegistrationToken
	switch {
	case err == nil && c.RegistrationTokenHash != "":
		want = c.RegistrationTokenHash
	case err != nil && !errors.Is(err, oauthclient.ErrNotFound):
		return nil, err
	}
	if subtle.ConstantTimeCompare([]byte(hash), []byte(want)) != 1 || c == nil || c.RegistrationTokenHash == "" || token.IsZero() {
		return nil, errInvalidToken("registration access token")
	}
	if c.Status == oauthclient.StatusDisabled {
		// An administrator disabled it: the client may not read, change
		// (and so re-enable) or delete itself until they enable it.
		return nil, errInvalidToken("registration access token")
	}
	return c, nil
}

// currentSecret reports whether secret is one of the client's secrets
// valid now.
func (r *Registrar) currentSecret(c *oauthclient.Client, secret oauthclient.Plaintext) bool {
	if secret.IsZero() {
		return false
	}
	now := r.portal.OAuth().Now()
	for _, sec := range c.Secrets {
		if !sec.ValidAt(now) {
			continue
		}
		if _, err := r.portal.OAuth().Hasher.Verify(sec.Hash, secret); err == nil {
			return true
		}
	}
	return false
}

// clientURI is the client configuration endpoint of the client.
func (r *Registrar) clientURI(id string) string {
	return r.issuer + r.path + "/" + url.PathEscape(id)
}

// portalError is what the portal refuses as a registration client is
// told it: a developer or client that is gone (ErrNotFound) means the
// token is no longer valid; the portal's other refusals are
// *oauthclient.Error values already (access_denied for its rules), and
// store failures pass unchanged. token names the request's credential.
func portalError(err error, token string) error {
	if errors.Is(err, oauthclient.ErrNotFound) && !errors.Is(err, portal.ErrNotEligible) {
		return errInvalidToken(token)
	}
	return err
}
