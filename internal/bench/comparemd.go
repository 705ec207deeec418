package bench

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// compareRow returns the comparison row of group and endpoint.
func (r *Report) compareRow(group string, e Endpoint) (CompareRow, bool) {
	for _, row := range r.Compare {
		if row.Group == group && row.Endpoint == e {
			return row, true
		}
	}
	return CompareRow{}, false
}

// ofCeiling returns row's median rate as a fraction of the ceiling's.
func (r *Report) ofCeiling(row CompareRow) (float64, bool) {
	c, ok := r.compareRow(GroupCeiling, EndpointToken)
	if !ok || c.Median().PerSecond() == 0 {
		return 0, false
	}
	return row.Median().PerSecond() / c.Median().PerSecond(), true
}

// ofPeer returns row's median rate as a fraction of the peer's for the
// same work: its token endpoint for tokens, its bearer validation for
// introspection and the gateway check.
func (r *Report) ofPeer(row CompareRow) (float64, bool) {
	e := EndpointToken
	if row.Endpoint != EndpointToken {
		e = EndpointIntrospect
	}
	p, ok := r.compareRow(GroupPeer, e)
	if !ok || p.Median().PerSecond() == 0 {
		return 0, false
	}
	return row.Median().PerSecond() / p.Median().PerSecond(), true
}

// commitRow returns the token issuance row on PostgreSQL.
func (r *Report) commitRow(workers int, setup string, store bool) (CommitRow, bool) {
	for _, row := range r.Commit {
		if row.Workers == workers && row.Setup == setup && row.Store == store {
			return row, true
		}
	}
	return CommitRow{}, false
}

// commitRatio returns the median rate of the row of setup over that of
// the row of base, with the same clients and issuer.
func (r *Report) commitRatio(workers int, store bool, setup, base string) (x float64, of, to CommitRow, ok bool) {
	of, ok1 := r.commitRow(workers, base, store)
	to, ok2 := r.commitRow(workers, setup, store)
	if !ok1 || !ok2 || of.Median().PerSecond() == 0 {
		return 0, of, to, false
	}
	return to.Median().PerSecond() / of.Median().PerSecond(), of, to, true
}

// percent formats a fraction as a percentage: "87%".
func percent(x float64) string { return strconv.FormatFloat(math.Round(100*x), 'f', 0, 64) + "%" }

// latency formats a latency with three significant digits.
func latency(d time.Duration) string { return duration(float64(d.Nanoseconds())) }

func (r *Report) compareTargets() []Target {
	var out []Target
	for _, c := range []struct {
		group string
		e     Endpoint
		want  float64
	}{
		{GroupMemory, EndpointToken, TargetTokenOfCeiling},
		{GroupMemory, EndpointIntrospect, TargetIntrospectOfCeiling},
		{GroupMemory, EndpointGateway, TargetIntrospectOfCeiling},
	} {
		t := Target{Name: c.e.String() + ", in memory, of the ceiling", Want: "≥ " + percent(c.want), Got: "not measured"}
		if row, ok := r.compareRow(c.group, c.e); ok {
			if x, ok := r.ofCeiling(row); ok {
				t.Got, t.Met = percent(x), x >= c.want && row.Failures() == 0
			}
		}
		out = append(out, t)
	}
	t := Target{Name: "allocations per token request, in process", Want: "≤ " + strconv.Itoa(TargetTokenAllocs), Got: "not measured"}
	if len(r.Handlers) > 0 {
		t.Got, t.Met = strconv.FormatInt(r.Handlers[0].AllocsPerOp, 10), r.Handlers[0].AllocsPerOp <= TargetTokenAllocs
	}
	out = append(out, t)
	for _, w := range []int{8, 64} {
		t := Target{Name: fmt.Sprintf("token requests/s on PostgreSQL, %d clients, as set up now vs as filed", w),
			Want: "≥ " + ratio(TargetGroupedCommits), Got: "not measured"}
		if x, of, to, ok := r.commitRatio(w, false, ServePostgresCached, ServePostgresAsFiled); ok {
			t.Got = fmt.Sprintf("%s (%s/s → %s/s, p99 %s)", ratio(x), count(of.Median().PerSecond()), count(to.Median().PerSecond()), latency(to.Median().P99))
			t.Met = x >= TargetGroupedCommits
		}
		out = append(out, t)
	}
	return out
}

// writeCompare writes the side-by-side tables.
func (r *Report) writeCompare(b *strings.Builder) {
	if len(r.Handlers) == 3 {
		b.WriteString("\n#### Handlers served in process (no network)\n\n| endpoint | time per request | allocs/op | B/op |\n| --- | ---: | ---: | ---: |\n")
		for i, e := range []Endpoint{EndpointToken, EndpointIntrospect, EndpointGateway} {
			m := r.Handlers[i]
			fmt.Fprintf(b, "| %v | %s | %d | %s |\n", e, duration(m.NsPerOp), m.AllocsPerOp, byteSize(float64(m.BytesPerOp)))
		}
	}
	if len(r.Compare) > 0 {
		workers := r.Compare[0].Median().Workers
		fmt.Fprintf(b, "\n#### Side by side over loopback HTTP: one load generator, keep-alive, %d workers, client_secret_basic; median of %d interleaved rounds of %v\n\n",
			workers, r.Rounds, r.CompareDuration)
		b.WriteString("| server: endpoint | requests/s | p50 | p99 | of the ceiling | of go-oauth2 | failures |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n")
		for _, row := range r.Compare {
			m := row.Median()
			ofC, ofP := "–", "–"
			if x, ok := r.ofCeiling(row); ok {
				ofC = percent(x)
			}
			if row.Group != GroupCeiling && row.Group != GroupPeer {
				if x, ok := r.ofPeer(row); ok {
					ofP = percent(x)
				}
			}
			fmt.Fprintf(b, "| %s | %s | %s | %s | %s | %s | %d |\n", row.Label, count(m.PerSecond()),
				latency(m.P50), latency(m.P99), ofC, ofP, row.Failures())
		}
		b.WriteString("\nThe ceiling is a bare `net/http` handler that parses the same form, reads the Basic credentials and writes a JSON body " +
			"as long as portaloauth's token response with the same headers; go-oauth2/oauth2 v4 runs as its README configures it " +
			"(memory token and client stores), in a process of its own; its bearer validation is compared with introspection and the gateway check.\n")
	}
	if len(r.Commit) > 0 {
		b.WriteString("\n#### Token issuance on PostgreSQL: as filed, a commit per token, grouped commits, and grouped with store/cache (synchronous_commit as the server has it)\n\n")
		b.WriteString("| issued by | clients | store set up as | tokens/s | p50 / p99 | vs a commit per token | vs as filed |\n| --- | ---: | --- | ---: | ---: | ---: | ---: |\n")
		for _, c := range commitCases {
			for _, setup := range commitSetups {
				row, ok := r.commitRow(c.workers, setup, c.store)
				if !ok {
					continue
				}
				m := row.Median()
				vsSingle, vsFiled := "–", "–"
				if x, _, _, ok := r.commitRatio(c.workers, c.store, setup, ServePostgresSingle); ok && setup != ServePostgresSingle && setup != ServePostgresAsFiled {
					vsSingle = ratio(x)
				}
				if x, _, _, ok := r.commitRatio(c.workers, c.store, setup, ServePostgresAsFiled); ok && setup != ServePostgresAsFiled {
					vsFiled = ratio(x)
				}
				fmt.Fprintf(b, "| %s | %d | %s | %s/s | %s / %s | %s | %s |\n", c.label(), c.workers, setupLabel(setup),
					count(m.PerSecond()), latency(m.P50), latency(m.P99), vsSingle, vsFiled)
			}
		}
		fmt.Fprintf(b, "\n*As filed* is the store as the examples set it up before grouped commits and store/cache: a commit per token, "+
			"no cache, pgx's default pool (max(4, CPUs) connections); *now* is as they set it up today: grouped commits behind "+
			"store/cache on pgx's default pool. The other two use a pool of %d connections and no cache, so that they differ "+
			"only in how tokens are committed.\n", postgresConns)
	}
}

// setupLabel names a PostgreSQL set-up in the token issuance table.
func setupLabel(setup string) string {
	switch setup {
	case ServePostgresAsFiled:
		return "as filed"
	case ServePostgresSingle:
		return "a commit per token"
	case ServePostgres:
		return "grouped commits"
	case ServePostgresCached:
		return "now: grouped commits + store/cache"
	}
	return setup
}

// writeCompareSummary writes the side-by-side rows of the summary.
func (r *Report) writeCompareSummary(b *strings.Builder) {
	for _, row := range r.Compare {
		if row.Group != GroupMemory && row.Group != GroupPostgres && row.Group != GroupPostgresCached {
			continue
		}
		var vs, ratios []string
		if x, ok := r.ofCeiling(row); ok {
			vs, ratios = append(vs, "bare net/http ceiling"), append(ratios, percent(x))
		}
		if x, ok := r.ofPeer(row); ok {
			vs, ratios = append(vs, "go-oauth2 v4"), append(ratios, percent(x))
		}
		fmt.Fprintf(b, "| %s, side by side | %s/s | %s | %s |\n", row.Label, count(row.Median().PerSecond()),
			strings.Join(vs, "; "), strings.Join(ratios, "; "))
	}
	for _, w := range []int{8, 64} {
		if x, of, to, ok := r.commitRatio(w, false, ServePostgresCached, ServePostgresAsFiled); ok {
			fmt.Fprintf(b, "| token requests on PostgreSQL, %d clients, grouped commits + store/cache (p99) | %s/s (%s) | as filed: %s/s (%s) | %s |\n",
				w, count(to.Median().PerSecond()), latency(to.Median().P99), count(of.Median().PerSecond()), latency(of.Median().P99), ratio(x))
		}
		if x, of, to, ok := r.commitRatio(w, false, ServePostgres, ServePostgresSingle); ok {
			fmt.Fprintf(b, "| token requests on PostgreSQL, %d clients, grouped commits, uncached (p99) | %s/s (%s) | a commit per token: %s/s (%s) | %s |\n",
				w, count(to.Median().PerSecond()), latency(to.Median().P99), count(of.Median().PerSecond()), latency(of.Median().P99), ratio(x))
		}
	}
}

// commitCases are the rows of the PostgreSQL token issuance table.
var commitCases = []commitCase{{8, false}, {64, false}, {8, true}, {64, true}}

type commitCase struct {
	workers int
	store   bool
}

func (c commitCase) label() string {
	if c.store {
		return "`Store.CreateToken`"
	}
	return "token endpoint, loopback HTTP"
}
