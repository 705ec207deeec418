package cache_test

import (
	"context"
	"testing"
	"time"

	"github.com/portaloauth/portaloauth/oauthclient"
	"github.com/portaloauth/portaloauth/store/cache"
)

// BenchmarkGetToken is a bearer check's token look-up answered by the
// cache, against the in-memory store it sits on here: the cost of the
// cache's hit path (a shard lock, an LRU move, an expiry check, a copy).
func BenchmarkGetToken(b *testing.B) {
	f := newFeed()
	c := cache.New(f, cache.Options{})
	b.Cleanup(c.Close)
	w := <-f.watchers
	w.Listening()
	ctx := context.Background()
	if err := f.Store.CreateClient(ctx, testClient("c1")); err != nil {
		b.Fatal(err)
	}
	tok := testToken("hash", "c1")
	tok.ExpiresAt = time.Now().Add(time.Hour)
	if err := f.Store.CreateToken(ctx, tok); err != nil {
		b.Fatal(err)
	}
	for _, s := range []struct {
		name string
		get  func(context.Context, string) (*oauthclient.Token, error)
	}{{"memory", f.Store.GetToken}, {"cached", c.GetToken}} {
		b.Run(s.name, func(b *testing.B) {
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if _, err := s.get(ctx, "hash"); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}
