package storemock

import (
	"github.com/portaloauth/portaloauth/oauthclient"
	"github.com/portaloauth/portaloauth/portal"
)

var (
	_ oauthclient.ClientGetter = (*MockClientGetter)(nil)
	_ oauthclient.ClientStore  = (*MockClientStore)(nil)
	_ oauthclient.TokenStore   = (*MockTokenStore)(nil)
	_ oauthclient.TokenPurger  = (*MockTokenPurger)(nil)
	_ oauthclient.Store        = (*MockOAuthStore)(nil)
	_ portal.DeveloperStore    = (*MockDeveloperStore)(nil)
	_ portal.CatalogueReader   = (*MockCatalogueReader)(nil)
	_ portal.CatalogueAdmin    = (*MockCatalogueAdmin)(nil)
	_ portal.CatalogueStore    = (*MockCatalogueStore)(nil)
	_ portal.Store             = (*MockStore)(nil)
)
