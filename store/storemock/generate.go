// Package storemock holds gomock mocks of every store interface, generated
// with go.uber.org/mock's mockgen in typed mode: those of package
// oauthclient (MockClientGetter, MockClientStore, MockTokenStore,
// MockTokenPurger and MockOAuthStore for oauthclient.Store) and of package
// portal (MockDeveloperStore, MockCatalogueReader, MockCatalogueAdmin,
// MockCatalogueStore and MockStore for portal.Store). Use them to make a store fail where a test needs it:
//
//	ctrl := gomock.NewController(t)
//	s := storemock.NewMockStore(ctrl)
//	s.EXPECT().GetClient(gomock.Any(), "c1").Return(nil, portal.ErrNotFound)
//
// Regenerate with go generate ./store/storemock/.
package storemock

//go:generate go tool mockgen -typed -write_package_comment=false -package storemock -destination oauthclient_mock.go -mock_names ClientGetter=MockClientGetter,ClientStore=MockClientStore,TokenStore=MockTokenStore,TokenPurger=MockTokenPurger,Store=MockOAuthStore github.com/portaloauth/portaloauth/oauthclient ClientGetter,ClientStore,TokenStore,TokenPurger,Store
//go:generate go tool mockgen -typed -write_package_comment=false -package storemock -destination portal_mock.go -mock_names DeveloperStore=MockDeveloperStore,CatalogueReader=MockCatalogueReader,CatalogueAdmin=MockCatalogueAdmin,CatalogueStore=MockCatalogueStore,Store=MockStore github.com/portaloauth/portaloauth/portal DeveloperStore,CatalogueReader,CatalogueAdmin,CatalogueStore,Store
