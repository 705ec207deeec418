// Package storemock holds gomock mocks of every store interface, generated
// with go.uber.org/mock's mockgen in typed mode: those of package
// oauthclient (MockClientGetter, MockClientStore, MockClientUpdater,
// MockTokenStore, MockTokenPurger and MockOAuthStore for
// oauthclient.Store), of package portal (MockDeveloperStore,
// MockCatalogueReader, MockCatalogueAdmin, MockCatalogueStore,
// MockLimitedClientCreator, MockChangeFeed, MockChangeWatcher and
// MockStore for portal.Store), of package portal/throttle
// (MockThrottleStore for throttle.Store) and of package store/cache
// (MockCacheSource for cache.Source). Use them to make a store fail where
// a test needs it:
//
//	ctrl := gomock.NewController(t)
//	s := storemock.NewMockStore(ctrl)
//	s.EXPECT().GetClient(gomock.Any(), "c1").Return(nil, portal.ErrNotFound)
//
// Regenerate with go generate ./store/storemock/.
package storemock

//go:generate go tool mockgen -typed -write_package_comment=false -package storemock -destination oauthclient_mock.go -mock_names ClientGetter=MockClientGetter,ClientStore=MockClientStore,ClientUpdater=MockClientUpdater,TokenStore=MockTokenStore,TokenPurger=MockTokenPurger,Store=MockOAuthStore github.com/portaloauth/portaloauth/oauthclient ClientGetter,ClientStore,ClientUpdater,TokenStore,TokenPurger,Store
//go:generate go tool mockgen -typed -write_package_comment=false -package storemock -destination portal_mock.go -mock_names DeveloperStore=MockDeveloperStore,CatalogueReader=MockCatalogueReader,CatalogueAdmin=MockCatalogueAdmin,CatalogueStore=MockCatalogueStore,LimitedClientCreator=MockLimitedClientCreator,ChangeFeed=MockChangeFeed,ChangeWatcher=MockChangeWatcher,Store=MockStore github.com/portaloauth/portaloauth/portal DeveloperStore,CatalogueReader,CatalogueAdmin,CatalogueStore,LimitedClientCreator,ChangeFeed,ChangeWatcher,Store
//go:generate go tool mockgen -typed -write_package_comment=false -package storemock -destination throttle_mock.go -mock_names Store=MockThrottleStore github.com/portaloauth/portaloauth/portal/throttle Store
//go:generate go tool mockgen -typed -write_package_comment=false -package storemock -destination cache_mock.go -mock_names Source=MockCacheSource github.com/portaloauth/portaloauth/store/cache Source
