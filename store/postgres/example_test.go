package postgres_test

import (
	"context"
	"log"
	"os"

	"github.com/portaloauth/portaloauth/portal"
	"github.com/portaloauth/portaloauth/store/postgres"
)

// Open a store, migrate its schema (any node may: the migration is
// idempotent and serialised) and hand it to the portal. It needs a
// PostgreSQL server, so it is compiled but not run.
func ExampleOpen() {
	ctx := context.Background()
	s, err := postgres.Open(ctx, os.Getenv("PORTALOAUTH_POSTGRES"))
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()
	if err := s.Migrate(ctx); err != nil {
		log.Fatal(err)
	}
	svc, err := portal.New(portal.Config{Store: s})
	if err != nil {
		log.Fatal(err)
	}
	_ = svc
}
