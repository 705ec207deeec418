package portal_test

import (
	"testing"
	"time"

	"github.com/portaloauth/portaloauth/portal"
)

// BenchmarkCreateClient measures the whole create step on the in-memory
// store: the developer and catalogue checks, metadata validation, client ID
// and secret generation from crypto/rand, secret hashing and the store
// write. Target: at most 50 µs/op. It runs on the real clock, as a
// service does, so that clients are created in time order.
func BenchmarkCreateClient(b *testing.B) {
	f := newFixture(b)
	d := f.developer(b)
	svc, err := portal.New(portal.Config{Store: f.store})
	if err != nil {
		b.Fatal(err)
	}
	req := request()
	ctx := b.Context()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := svc.CreateClient(ctx, d.ID, req); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRotateSecret measures a rotation with a grace period on one
// client: read, new secret and hash, pruning, and the versioned write.
func BenchmarkRotateSecret(b *testing.B) {
	f := newFixture(b)
	d := f.developer(b)
	nc := f.client(b, d.ID)
	ctx := b.Context()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := f.svc.RotateSecret(ctx, d.ID, nc.Client.ID, time.Hour); err != nil {
			b.Fatal(err)
		}
	}
}
