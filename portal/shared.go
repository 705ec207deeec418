package portal

import "github.com/portaloauth/portaloauth/oauthclient"

// The settings a Service shares with the protocol endpoints built on it
// (portal/registration, portal/authserver), so that they cannot differ: a
// pepper, a clock or a random source set once in Config.OAuth applies to
// them as well.

// OAuth returns the Service's oauthclient.Config, settled: the Hasher
// (and so the pepper) secrets are hashed and verified with, the redirect
// URI rules, the clock and the random source, safe for concurrent use.
// Components built on the Service take these from here rather than being
// configured apart.
func (s *Service) OAuth() oauthclient.Config { return s.oauth }

// Authenticator returns an Authenticator of the clients in the Service's
// store, with the Service's Hasher, clock and random source: the one a
// token, revocation or introspection endpoint needs.
func (s *Service) Authenticator() *oauthclient.Authenticator {
	return s.oauth.Authenticator(s.clients)
}

// Clients returns the store of clients and their tokens the Service works
// on.
func (s *Service) Clients() oauthclient.Store { return s.clients }

// CatalogueReader returns the store the Service reads the catalogue from:
// APIs, policies and entries.
func (s *Service) CatalogueReader() CatalogueReader { return s.catalogue }
