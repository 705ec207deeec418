package cache_test

import (
	"context"
	"fmt"
	"log"
	"log/slog"
	"os"

	"github.com/portaloauth/portaloauth/portal"
	"github.com/portaloauth/portaloauth/store/cache"
	"github.com/portaloauth/portaloauth/store/postgres"
)

// A node of a fleet sharing one PostgreSQL database: reads of tokens,
// clients and the catalogue come from memory, and every node hears of each
// revocation, deletion or change within milliseconds.
func ExampleNew() {
	ctx := context.Background()
	dsn := os.Getenv("PORTALOAUTH_TEST_POSTGRES")
	if dsn == "" {
		fmt.Println("set PORTALOAUTH_TEST_POSTGRES to run this example")
		return
	}
	pg, err := postgres.Open(ctx, dsn)
	if err != nil {
		log.Fatal(err)
	}
	defer pg.Close()
	if err := pg.Migrate(ctx); err != nil {
		log.Fatal(err)
	}

	st := cache.New(pg, cache.Options{
		MaxEntries: 50_000,
		WhenLost:   cache.ReadThrough, // the default: while notifications are down, ask the database
	})
	defer st.Close()
	if err := st.Ready(ctx); err != nil { // optional: reads go to the database until then
		log.Fatal(err)
	}

	svc, err := portal.New(portal.Config{Store: st})
	if err != nil {
		log.Fatal(err)
	}
	_ = svc
	fmt.Println("listening:", st.Stats().Listening)
}

// Stats are plain counters, and a slog.LogValuer: Options.Logger gets
// them each time the change feed listens or is lost; log them as often as
// you like.
func ExampleStats() {
	noTime := func(_ []string, a slog.Attr) slog.Attr {
		if a.Key == slog.TimeKey {
			return slog.Attr{}
		}
		return a
	}
	logger := slog.New(slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{ReplaceAttr: noTime}))
	st := cache.Stats{Hits: 9000, Misses: 1000, Invalidations: 12, Entries: 1000, Bytes: 320_000, Listening: true}
	logger.Info("token cache", "stats", st)
	// Output: level=INFO msg="token cache" stats.hits=9000 stats.misses=1000 stats.evictions=0 stats.invalidations=12 stats.reconnects=0 stats.entries=1000 stats.bytes=320000 stats.listening=true
}
