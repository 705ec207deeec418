package portal

import (
	"io"
	"time"

	"github.com/portaloauth/portaloauth/oauthclient"
)

// The settings a Service shares with the protocol endpoints built on it
// (portal/registration, portal/authserver), so that they cannot differ: a
// pepper, a clock or a random source set once in [Config] applies to them
// as well.

// Clients returns the store of clients and their tokens the Service works
// on.
func (s *Service) Clients() oauthclient.Store { return s.clients }

// Hasher returns the hasher client secrets are hashed and verified with.
func (s *Service) Hasher() *oauthclient.Hasher { return s.hasher }

// Redirects returns the redirect URI policy; nil means the default rules,
// and a nil *RedirectPolicy applies them.
func (s *Service) Redirects() *oauthclient.RedirectPolicy { return s.redirects }

// Clock returns the Service's clock.
func (s *Service) Clock() func() time.Time { return s.now }

// Rand returns the Service's random source, safe for concurrent use.
func (s *Service) Rand() io.Reader { return s.rand }

// CatalogueReader returns the store the Service reads the catalogue from:
// APIs, policies and entries.
func (s *Service) CatalogueReader() CatalogueReader { return s.catalogue }
