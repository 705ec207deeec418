package storemock

import (
	"github.com/portaloauth/portaloauth/oauthclient"
	"github.com/portaloauth/portaloauth/portal"
	"github.com/portaloauth/portaloauth/portal/throttle"
	"github.com/portaloauth/portaloauth/store/cache"
)

var (
	_ oauthclient.ClientGetter    = (*MockClientGetter)(nil)
	_ oauthclient.ClientStore     = (*MockClientStore)(nil)
	_ oauthclient.ClientUpdater   = (*MockClientUpdater)(nil)
	_ oauthclient.TokenStore      = (*MockTokenStore)(nil)
	_ oauthclient.TokenPurger     = (*MockTokenPurger)(nil)
	_ oauthclient.Store           = (*MockOAuthStore)(nil)
	_ portal.DeveloperStore       = (*MockDeveloperStore)(nil)
	_ portal.CatalogueReader      = (*MockCatalogueReader)(nil)
	_ portal.CatalogueAdmin       = (*MockCatalogueAdmin)(nil)
	_ portal.CatalogueStore       = (*MockCatalogueStore)(nil)
	_ portal.LimitedClientCreator = (*MockLimitedClientCreator)(nil)
	_ portal.ChangeFeed           = (*MockChangeFeed)(nil)
	_ portal.ChangeWatcher        = (*MockChangeWatcher)(nil)
	_ portal.Store                = (*MockStore)(nil)
	_ throttle.Store              = (*MockThrottleStore)(nil)
	_ cache.Source                = (*MockCacheSource)(nil)
)
