package bench

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/portaloauth/portaloauth/store/cache"
	"github.com/portaloauth/portaloauth/store/postgres"
)

// The gateway on PostgreSQL with and without store/cache, against the
// in-memory store (rows of the side-by-side comparison), and revocation
// propagation between two cached nodes.

// StartGateway serves the fixture on a 127.0.0.1 port, on the store of
// group g (GroupMemory, GroupPostgres or GroupPostgresCached; the
// PostgreSQL ones in a new schema of the database at dsn); stop stops it
// and drops the schema.
func StartGateway(ctx context.Context, g, dsn string) (s *Server, stop func(), err error) {
	if g == GroupMemory {
		s, err := NewServer(ctx)
		if err == nil {
			err = s.Start()
		}
		if err != nil {
			return nil, nil, err
		}
		return s, func() { _ = s.Close() }, nil
	}
	p, err := startPostgresServer(ctx, dsn, postgres.Config{}, postgresConns, g == GroupPostgresCached)
	if err != nil {
		return nil, nil, err
	}
	return p.Server, p.close, nil
}

// storeTargets evaluates the gateway on PostgreSQL, cached, against
// uncached and in-memory, and the propagation.
func (r *Report) storeTargets() []Target {
	rate := func(g string) (float64, bool) {
		row, ok := r.compareRow(g, EndpointGateway)
		if !ok || row.Median().PerSecond() == 0 || row.Failures() > 0 {
			return 0, false
		}
		return row.Median().PerSecond(), true
	}
	mem, okMem := rate(GroupMemory)
	unc, okUnc := rate(GroupPostgres)
	cached, okCached := rate(GroupPostgresCached)
	vsUncached := Target{Name: "gateway on PostgreSQL, cached vs uncached", Want: "≥ " + ratio(TargetCachedVsUncached) + " faster",
		Got: "not measured"}
	if okUnc && okCached {
		x := cached / unc
		vsUncached.Got, vsUncached.Met = ratio(x)+" faster", x >= TargetCachedVsUncached
	}
	vsMemory := Target{Name: "gateway, in-memory vs PostgreSQL cached", Want: "≤ " + ratio(TargetCachedVsMemory) + " faster",
		Got: "not measured"}
	if okMem && okCached {
		x := mem / cached
		vsMemory.Got, vsMemory.Met = ratio(x)+" faster", x <= TargetCachedVsMemory
	}
	prop := Target{Name: "revocation refused by another node, p99", Want: "≤ " + duration(float64(TargetPropagationP99)),
		Got: "not measured"}
	if p := r.Propagate; p != nil {
		prop.Got = fmt.Sprintf("%s (p50 %s, %s revocations)", duration(float64(p.P99)), duration(float64(p.P50)), count(float64(p.N)))
		prop.Met = p.P99 <= TargetPropagationP99
	}
	return []Target{vsUncached, vsMemory, prop}
}

// writePropagation writes the propagation figures.
func (r *Report) writePropagation(b *strings.Builder) {
	p := r.Propagate
	if p == nil {
		return
	}
	b.WriteString("\n#### Revocation propagation between two nodes (store/cache on PostgreSQL, one pool each)\n\n")
	b.WriteString("From the start of the revocation call on node A (its commit included) to node B's first refusal.\n\n")
	b.WriteString("| revocations | p50 | p99 | max |\n| ---: | ---: | ---: | ---: |\n")
	fmt.Fprintf(b, "| %s | %s | %s | %s |\n", count(float64(p.N)), duration(float64(p.P50)),
		duration(float64(p.P99)), duration(float64(p.Max)))
}

// writePropagationSummary writes the summary row of the propagation.
func (r *Report) writePropagationSummary(b *strings.Builder) {
	if p := r.Propagate; p != nil {
		fmt.Fprintf(b, "| revocation refused by another node, p50 / p99 (%s revocations) | %s / %s | | |\n",
			count(float64(p.N)), duration(float64(p.P50)), duration(float64(p.P99)))
	}
}

// newSchema creates a schema of its own in the database at dsn; drop
// drops it.
func newSchema(ctx context.Context, dsn string) (schema string, drop func(), err error) {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	schema = "bench_" + hex.EncodeToString(b)
	if err := pgExec(ctx, dsn, "CREATE SCHEMA "+schema); err != nil {
		return "", nil, fmt.Errorf("bench: PostgreSQL: %w", err)
	}
	return schema, func() {
		dropCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_ = pgExec(dropCtx, dsn, "DROP SCHEMA "+schema+" CASCADE")
	}, nil
}

// cachedNode is one node on PostgreSQL: a pool of its own and a cache
// over it.
type cachedNode struct {
	pg *postgres.Store
	*cache.Store
}

func (n *cachedNode) close() {
	n.Store.Close()
	n.pg.Close()
}

// openCachedNode opens a node on the schema, migrated, its cache
// listening.
func openCachedNode(ctx context.Context, dsn, schema string) (*cachedNode, error) {
	sep := "?"
	if strings.Contains(dsn, "?") {
		sep = "&"
	}
	pg, err := postgres.Open(ctx, dsn+sep+"search_path="+schema)
	if err != nil {
		return nil, err
	}
	if err := pg.Migrate(ctx); err != nil {
		pg.Close()
		return nil, err
	}
	n := &cachedNode{pg: pg, Store: cache.New(pg, cache.Options{})}
	readyCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := n.Ready(readyCtx); err != nil {
		n.close()
		return nil, err
	}
	return n, nil
}
