package bench

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/portaloauth/portaloauth/oauthclient"
)

// Propagation is how long a revocation on one node takes to be refused
// by another, each node a cache over its own pool on one database.
type Propagation struct {
	N             int // revocations measured
	P50, P99, Max time.Duration
}

// TargetPropagationP99 is the propagation target: at most this at the
// 99th percentile.
const TargetPropagationP99 = 50 * time.Millisecond

// MeasurePropagation starts two cached nodes, a and b, on a new schema of
// the database at dsn and, n times: issues an access token on a, has b
// cache it, revokes it on a, and reads it on b until b refuses it. Each
// figure runs from the start of the revocation call on a (so it includes
// a's commit) to b's first refusal.
func MeasurePropagation(ctx context.Context, dsn string, n int) (Propagation, error) {
	schema, drop, err := newSchema(ctx, dsn)
	if err != nil {
		return Propagation{}, err
	}
	defer drop()
	a, err := openCachedNode(ctx, dsn, schema)
	if err != nil {
		return Propagation{}, err
	}
	defer a.close()
	b, err := openCachedNode(ctx, dsn, schema)
	if err != nil {
		return Propagation{}, err
	}
	defer b.close()
	now := time.Now().UTC()
	c := &oauthclient.Client{ID: "propagation", Status: oauthclient.StatusActive, CreatedAt: now, UpdatedAt: now, Version: 1,
		Metadata: oauthclient.Metadata{TokenEndpointAuthMethod: oauthclient.AuthMethodNone, ClientName: "Propagation"}}
	if err := a.CreateClient(ctx, c); err != nil {
		return Propagation{}, err
	}
	lat := make([]time.Duration, 0, n)
	for i := range n {
		hash := "propagation-" + strconv.Itoa(i)
		tok := &oauthclient.Token{Hash: hash, Kind: oauthclient.KindAccessToken, ClientID: c.ID,
			IssuedAt: now, ExpiresAt: now.Add(time.Hour)}
		if err := a.CreateToken(ctx, tok); err != nil {
			return Propagation{}, err
		}
		for range 2 {
			if _, err := b.GetToken(ctx, hash); err != nil {
				return Propagation{}, err
			}
		}
		start := time.Now()
		if err := a.DeleteToken(ctx, hash); err != nil {
			return Propagation{}, err
		}
		for {
			_, err := b.GetToken(ctx, hash)
			if errors.Is(err, oauthclient.ErrNotFound) {
				break
			}
			if err != nil {
				return Propagation{}, err
			}
			if time.Since(start) > 10*time.Second {
				return Propagation{}, fmt.Errorf("bench: revocation %d not refused by the other node after 10s", i)
			}
			// Leave the CPUs to the database and the listener: a busy
			// loop here would delay the very notification it waits for.
			time.Sleep(pollInterval)
		}
		lat = append(lat, time.Since(start))
	}
	slices.Sort(lat)
	return Propagation{N: n, P50: percentile(lat, 50), P99: percentile(lat, 99), Max: lat[len(lat)-1]}, nil
}

// pollInterval is how often the other node is asked while a revocation
// propagates: the figures' resolution.
const pollInterval = 100 * time.Microsecond

// percentile returns the p-th percentile of sorted (nearest rank).
func percentile(sorted []time.Duration, p int) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := (len(sorted)*p + 99) / 100
	return sorted[max(i-1, 0)]
}
