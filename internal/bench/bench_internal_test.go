package bench

import (
	"bytes"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portaloauth/portaloauth/internal/loadgen"
	"github.com/portaloauth/portaloauth/oauthclient"
)

// TestURLParseMatchAgrees keeps the baseline honest: wherever the report
// compares the two matchers, they decide alike.
func TestURLParseMatchAgrees(t *testing.T) {
	t.Parallel()
	cases := []RedirectCase{
		{Name: "registered https", Requested: "https://app.example.com/oauth/callback", Match: true},
		{Name: "registered with query", Requested: "https://app.example.com/oauth/callback?tenant=eu", Match: true},
		{Name: "private-use scheme", Requested: "com.example.app:/oauth2redirect", Match: true},
		{Name: "trailing slash", Requested: "https://app.example.com/oauth/callback/", Match: false},
		{Name: "other query", Requested: "https://app.example.com/oauth/callback?tenant=us", Match: false},
		{Name: "other loopback address", Requested: "http://127.0.0.2:8080/oauth/callback", Match: false},
		{Name: "https port", Requested: "https://app.example.com:8443/oauth/callback", Match: false},
		{Name: "userinfo", Requested: "https://evil@app.example.com/oauth/callback", Match: false},
	}
	for _, c := range append(cases, RedirectCases...) {
		t.Run(c.Name, func(t *testing.T) {
			t.Parallel()
			_, ours := OurMatch(c.Requested, RedirectRegistered)
			_, base := URLParseMatch(c.Requested, RedirectRegistered)
			assert.Equal(t, c.Match, ours == nil, "MatchRedirectURI: %v", ours)
			assert.Equal(t, c.Match, base == nil, "URLParseMatch: %v", base)
		})
	}
}

func TestEncodeSecretVerifies(t *testing.T) {
	t.Parallel()
	for _, h := range StoredHashes {
		t.Run(string(h), func(t *testing.T) {
			t.Parallel()
			f, err := newAuthFixture(t.Context(), h)
			require.NoError(t, err)
			wrong := f.creds
			wrong.Secret = oauthclient.NewPlaintext(f.creds.Secret.Reveal() + "x")
			_, err = f.auth.Authenticate(t.Context(), wrong)
			require.ErrorIs(t, err, oauthclient.ErrInvalidClient)
		})
	}
	_, err := EncodeSecret("md5", oauthclient.NewPlaintext("secret"))
	require.Error(t, err)
}

func TestScaleRecordsAreReproducible(t *testing.T) {
	t.Parallel()
	c1, creds1, err := scaleClient(42)
	require.NoError(t, err)
	c2, creds2, err := scaleClient(42)
	require.NoError(t, err)
	other, _, err := scaleClient(43)
	require.NoError(t, err)
	assert.Equal(t, c1, c2)
	assert.Equal(t, creds1.Secret.Reveal(), creds2.Secret.Reveal())
	assert.NotEqual(t, c1.ID, other.ID)

	tok1, v1, err := scaleToken(7, c1.ID)
	require.NoError(t, err)
	_, v2, err := scaleToken(7, "")
	require.NoError(t, err)
	assert.Equal(t, v1, v2)
	assert.Equal(t, oauthclient.HashToken(v1), tok1.Hash)

	st, err := newScaleStore(t.Context())
	require.NoError(t, err)
	require.NoError(t, fillClients(t.Context(), st, 40, 44))
	auth := &oauthclient.Authenticator{Clients: st, Now: func() time.Time { return scaleNow }}
	got, err := auth.Authenticate(t.Context(), creds1)
	require.NoError(t, err)
	assert.Equal(t, c1.ID, got.ID)
	require.NoError(t, st.CreateToken(t.Context(), tok1))
	srv, err := scaleAuthServer(st)
	require.NoError(t, err)
	info, err := srv.IntrospectToken(t.Context(), c1.ID, v1)
	require.NoError(t, err)
	assert.True(t, info.Active)
}

func TestSampleIndexes(t *testing.T) {
	t.Parallel()
	all := make([]int, 100)
	for i := range all {
		all[i] = i
	}
	for _, c := range []struct {
		pick Pick
		n    int
		want int
	}{
		{PickHot, 100, 100}, {PickUniform, 100, 100},
		{PickHot, 10 * hotSample, hotSample}, {PickUniform, 10 * uniformSample, uniformSample},
	} {
		got := sampleIndexes(c.pick, c.n)
		require.Len(t, got, c.want)
		if c.n == len(all) {
			assert.ElementsMatch(t, all, got)
		}
		for _, i := range got {
			require.True(t, i >= 0 && i < c.n, i)
		}
	}
}

func TestServerAnswersEveryEndpoint(t *testing.T) {
	t.Parallel()
	s, err := NewServer(t.Context())
	require.NoError(t, err)
	require.NoError(t, s.Start())
	t.Cleanup(func() { assert.NoError(t, s.Close()) })
	assert.True(t, strings.HasPrefix(s.URL(), "http://127.0.0.1:"), s.URL())
	for _, e := range []Endpoint{EndpointToken, EndpointIntrospect, EndpointGateway} {
		w := newDiscardWriter()
		req, err := s.Request(t.Context(), e, "")
		require.NoError(t, err)
		s.Handler.ServeHTTP(w, req)
		assert.Equal(t, 200, w.status, e.String())

		res, err := s.Loopback(t.Context(), e, 2, 500*time.Millisecond) // long enough on a loaded machine
		require.NoError(t, err, e.String())
		assert.Positive(t, res.Requests, e.String())
		assert.Zero(t, res.Failures, e.String())
	}
	_, err = s.Request(t.Context(), Endpoint(9), "")
	require.Error(t, err)
}

// sampleReport is a report whose figures meet every target but the
// introspection rate and the scaling of uniform picks.
func sampleReport() *Report {
	m := func(ns float64, allocs int64, extra map[string]float64) Measurement {
		return Measurement{N: 1000, NsPerOp: ns, AllocsPerOp: allocs, Extra: extra}
	}
	return &Report{
		Count: 3, BenchTime: "1s",
		Started: time.Date(2026, 11, 28, 1, 0, 0, 0, time.UTC), Elapsed: 95 * time.Second,
		Machine: Machine{CPU: "Test CPU", Cores: 2, GOMAXPROCS: 2, GoVersion: "go1.26", OS: "linux", Arch: "amd64",
			LoadBefore: "0.10 0.20 0.30", LoadAfter: "1.00 0.50 0.40"},
		Auth: []Measurement{m(700, 3, nil), m(1000, 3, nil), m(3e7, 31, nil), m(4e6, 17, nil), m(6e7, 15, nil)},
		Redirect: []RedirectRow{
			{Case: RedirectCases[0], Ours: m(10, 0, nil), Baseline: m(1500, 6, nil)},
			{Case: RedirectCases[2], Ours: m(60, 1, nil), Baseline: m(1600, 6, nil)},
		},
		Loopback: []LoopbackRow{
			{Endpoint: EndpointToken, Result: loadgen.Result{Requests: 100_000, Elapsed: 5 * time.Second, Workers: 8}},
			{Endpoint: EndpointIntrospect, Result: loadgen.Result{Requests: 110_000, Elapsed: 5 * time.Second, Workers: 8}},
		},
		Scale: []ScaleRow{
			{Size: 1000, AuthHot: m(700, 6, nil), AuthUniform: m(700, 6, nil),
				IntrospectHot: m(400, 2, nil), IntrospectUniform: m(400, 2, nil), HeapPerClient: 900, HeapPerToken: 240},
			{Size: 1_000_000, AuthHot: m(1000, 6, nil), AuthUniform: m(3000, 6, nil),
				IntrospectHot: m(590, 2, nil), IntrospectUniform: m(1000, 2, nil), HeapPerClient: 850, HeapPerToken: 190},
		},
		Handlers: []Measurement{m(20_000, 12, nil), m(10_000, 20, nil), m(8_000, 10, nil)},
		Rounds:   3, CompareDuration: 2 * time.Second,
		Compare: []CompareRow{
			sampleRow(GroupCeiling, EndpointToken, "ceiling", 20_000, 21_000, 19_000),
			sampleRow(GroupPeer, EndpointToken, "peer token", 15_000),
			sampleRow(GroupPeer, EndpointIntrospect, "peer validation", 16_000),
			sampleRow(GroupMemory, EndpointToken, "ours token", 18_000),
			sampleRow(GroupMemory, EndpointIntrospect, "ours introspection", 17_000),
			sampleRow(GroupMemory, EndpointGateway, "ours gateway", 19_000),
			sampleRow(GroupPostgres, EndpointGateway, "ours gateway on PostgreSQL", 4_000),
			sampleRow(GroupPostgresCached, EndpointGateway, "ours gateway on PostgreSQL cached", 16_000),
		},
		Propagate: &Propagation{N: 1000, P50: 2 * time.Millisecond, P99: 20 * time.Millisecond, Max: 30 * time.Millisecond},
		Commit: []CommitRow{
			{Workers: 8, Setup: ServePostgresAsFiled, Rounds: sampleRow("", 0, "", 1_000).Rounds},
			{Workers: 8, Setup: ServePostgresSingle, Rounds: sampleRow("", 0, "", 1_500).Rounds},
			{Workers: 8, Setup: ServePostgres, Rounds: sampleRow("", 0, "", 3_000).Rounds},
			{Workers: 8, Setup: ServePostgresCached, Rounds: sampleRow("", 0, "", 4_000).Rounds},
			{Workers: 64, Setup: ServePostgresAsFiled, Rounds: sampleRow("", 0, "", 1_000).Rounds},
			{Workers: 64, Setup: ServePostgresSingle, Rounds: sampleRow("", 0, "", 2_000).Rounds},
			{Workers: 64, Setup: ServePostgres, Rounds: sampleRow("", 0, "", 4_000).Rounds},
			{Workers: 64, Setup: ServePostgresCached, Rounds: sampleRow("", 0, "", 6_000).Rounds},
			{Workers: 8, Store: true, Setup: ServePostgresSingle, Rounds: sampleRow("", 0, "", 2_000).Rounds},
			{Workers: 8, Store: true, Setup: ServePostgres, Rounds: sampleRow("", 0, "", 3_000).Rounds},
			{Workers: 64, Store: true, Setup: ServePostgresSingle, Rounds: sampleRow("", 0, "", 2_000).Rounds},
			{Workers: 64, Store: true, Setup: ServePostgres, Rounds: sampleRow("", 0, "", 12_000).Rounds},
		},
	}
}

// sampleRow is a comparison row with one round per rate (requests in one
// second), with a p50 of 1 ms and a p99 of 5 ms.
func sampleRow(group string, e Endpoint, label string, rates ...int64) CompareRow {
	row := CompareRow{Group: group, Endpoint: e, Label: label}
	for _, n := range rates {
		row.Rounds = append(row.Rounds, loadgen.Result{Requests: n, Elapsed: time.Second, Workers: 8,
			P50: time.Millisecond, P99: 5 * time.Millisecond})
	}
	return row
}

func TestTargets(t *testing.T) {
	t.Parallel()
	got := map[string]Target{}
	for _, tg := range sampleReport().Targets() {
		got[tg.Name] = tg
	}
	want := map[string]bool{
		"authenticate vs bcrypt-10":                                             true,
		"authenticate vs PBKDF2-SHA256 25,000":                                  true,
		"redirect exact match vs url.Parse":                                     true,
		"token (client_credentials) over loopback":                              true,
		"introspection over loopback":                                           false,
		"authenticate, hot set of 1,024 clients, 10^3 → 10^6":                   true,
		"authenticate, uniform over all clients, 10^3 → 10^6":                   false,
		"introspect, hot set of 1,024 tokens, 10^3 → 10^6":                      true,
		"introspect, uniform over all tokens, 10^3 → 10^6":                      false,
		"heap per client at 10^6":                                               true,
		"heap per token at 10^6":                                                true,
		"token (client_credentials), in memory, of the ceiling":                 true,
		"introspection, in memory, of the ceiling":                              false,
		"gateway middleware, in memory, of the ceiling":                         true,
		"allocations per token request, in process":                             true,
		"token requests/s on PostgreSQL, 8 clients, as set up now vs as filed":  false,
		"token requests/s on PostgreSQL, 64 clients, as set up now vs as filed": true,
		"gateway on PostgreSQL, cached vs uncached":                             false,
		"gateway, in-memory vs PostgreSQL cached":                               true,
		"revocation refused by another node, p99":                               true,
	}
	require.Len(t, got, len(want))
	for name, met := range want {
		require.Contains(t, got, name)
		assert.Equal(t, met, got[name].Met, "%s: %+v", name, got[name])
	}
	assert.Equal(t, "85,700× faster", got["authenticate vs bcrypt-10"].Got)
	assert.Equal(t, "22,000/s", got["introspection over loopback"].Got)
	assert.Equal(t, "1.43× (700 ns → 1.00 µs)", got["authenticate, hot set of 1,024 clients, 10^3 → 10^6"].Got)
	assert.Equal(t, "90%", got["token (client_credentials), in memory, of the ceiling"].Got)
	assert.Equal(t, "6.00× (1,000/s → 6,000/s, p99 5.00 ms)", got["token requests/s on PostgreSQL, 64 clients, as set up now vs as filed"].Got)
	assert.Equal(t, "4.00× faster", got["gateway on PostgreSQL, cached vs uncached"].Got)
	assert.Equal(t, "1.19× faster", got["gateway, in-memory vs PostgreSQL cached"].Got)
	assert.Equal(t, "20.0 ms (p50 2.00 ms, 1,000 revocations)", got["revocation refused by another node, p99"].Got)

	empty := (&Report{}).Targets()
	for _, tg := range empty {
		assert.False(t, tg.Met, tg.Name)
		assert.Equal(t, "not measured", tg.Got, tg.Name)
	}
}

func TestWriteMarkdown(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	require.NoError(t, sampleReport().WriteMarkdown(&buf))
	out := buf.String()
	for _, want := range []string{
		"Measured 2026-11-28 01:00 UTC in 1m35s on Test CPU, 2 cores (GOMAXPROCS 2), go1.26 linux/amd64; load average 0.10 0.20 0.30 before, 1.00 0.50 0.40 after.",
		"Each in-process figure is the median of 3 runs of 1s.",
		"| bcrypt, cost 10 | 60.0 ms | 15 | 85,700× |",
		"| exact | 10.0 ns | 0 | 1.50 µs | 6 | 150× |",
		"| token (client_credentials) | 20,000 | 100,000 | 0 |",
		"| operation | n = 10^3 | n = 10^6 | slowdown |",
		"| introspect, hot set of 1,024 tokens | 400 ns | 590 ns | 1.48× |",
		"| heap per token | 240 B | 190 B | |",
		"| introspection over loopback | ≥ 25,000/s | 22,000/s | no |",
		"| token (client_credentials) | 20.0 µs | 12 | 0 B |",
		"median of 3 interleaved rounds of 2s",
		"| ceiling | 20,000 | 1.00 ms | 5.00 ms | 100% | – | 0 |",
		"| peer token | 15,000 | 1.00 ms | 5.00 ms | 75% | – | 0 |",
		"| ours token | 18,000 | 1.00 ms | 5.00 ms | 90% | 120% | 0 |",
		"| ours gateway | 19,000 | 1.00 ms | 5.00 ms | 95% | 119% | 0 |",
		"| token endpoint, loopback HTTP | 8 | as filed | 1,000/s | 1.00 ms / 5.00 ms | – | – |",
		"| token endpoint, loopback HTTP | 64 | now: grouped commits + store/cache | 6,000/s | 1.00 ms / 5.00 ms | 3.00× | 6.00× |",
		"| `Store.CreateToken` | 8 | grouped commits | 3,000/s | 1.00 ms / 5.00 ms | 1.50× | – |",
		"| token requests/s on PostgreSQL, 64 clients, as set up now vs as filed | ≥ 5.00× | 6.00× (1,000/s → 6,000/s, p99 5.00 ms) | yes |",
		"| 1,000 | 2.00 ms | 20.0 ms | 30.0 ms |",
		"| allocations per token request, in process | ≤ 15 | 12 | yes |",
	} {
		assert.Contains(t, out, want)
	}
	assert.Error(t, sampleReport().WriteMarkdown(failingWriter{}))
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, io.ErrClosedPipe }

func TestFormats(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ got, want string }{
		{duration(9.87), "9.87 ns"}, {duration(123.4), "123 ns"}, {duration(1234), "1.23 µs"},
		{duration(45_600_000), "45.6 ms"}, {duration(2.5e9), "2.50 s"},
		{ratio(1), "1.00×"}, {ratio(12.34), "12.3×"}, {ratio(123_456), "123,000×"},
		{count(1234567), "1,234,567"}, {count(999), "999"},
		{byteSize(200), "200 B"}, {byteSize(2048), "2.00 KiB"},
		{size(1000), "10^3"}, {size(1_000_000), "10^6"}, {size(2000), "2,000"}, {size(10), "10"},
	} {
		assert.Equal(t, c.want, c.got)
	}
}

func TestWriteSummary(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	require.NoError(t, sampleReport().WriteSummary(&buf))
	out := buf.String()
	for _, want := range []string{
		"| authenticate a client (generated secret, SHA-256) | 700 ns | bcrypt-10 60.0 ms; PBKDF2-SHA256 25,000 4.00 ms | 85,700×; 5,710× |",
		"| match a redirect URI (exact, 5 registered) | 10.0 ns, 0 allocs | url.Parse per candidate 1.50 µs | 150× |",
		"| introspection, loopback HTTP, 8 workers | 22,000/s | | |",
		"| authenticate among n = 10^6, hot set / uniform | 1.00 µs / 3.00 µs | n = 10^3: 700 ns / 700 ns | 1.43× / 4.29× |",
		"| introspect among n = 10^6, hot set / uniform | 590 ns / 1.00 µs | n = 10^3: 400 ns / 400 ns | 1.48× / 2.50× |",
		"| heap per client / per token, n = 10^6 | 850 B / 190 B | | |",
		"| ours introspection, side by side | 17,000/s | bare net/http ceiling; go-oauth2 v4 | 85%; 106% |",
		"| token requests on PostgreSQL, 8 clients, grouped commits + store/cache (p99) | 4,000/s (5.00 ms) | as filed: 1,000/s (5.00 ms) | 4.00× |",
		"| token requests on PostgreSQL, 64 clients, grouped commits, uncached (p99) | 4,000/s (5.00 ms) | a commit per token: 2,000/s (5.00 ms) | 2.00× |",
	} {
		assert.Contains(t, out, want)
	}
}

func TestUpdate(t *testing.T) {
	t.Parallel()
	r := sampleReport()
	doc := "# Title\n\nintro\n" + SummaryBegin + "\nold summary\n" + SummaryEnd + "\n\ntext\n" + TableBegin + "\nold\n" + TableEnd + "\nend\n"
	got, err := r.Update(doc)
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(got, "# Title\n\nintro\n"+SummaryBegin+"\n| measured |"), got)
	assert.True(t, strings.HasSuffix(got, TableEnd+"\nend\n"), got)
	assert.NotContains(t, got, "old")
	assert.Contains(t, got, "\n\ntext\n"+TableBegin+"\nMeasured ")
	again, err := r.Update(got)
	require.NoError(t, err)
	assert.Equal(t, got, again, "updating twice changes nothing more")

	only, err := r.Update("a " + TableBegin + TableEnd + " b")
	require.NoError(t, err)
	assert.Contains(t, only, "#### Targets")

	_, err = r.Update("no markers")
	require.ErrorIs(t, err, ErrNoMarkers)
	_, err = r.Update(TableBegin + " unterminated")
	require.Error(t, err)
}

func TestMeasureMedianReportsAFailedCase(t *testing.T) {
	t.Parallel()
	_, err := measureMedian("Broken", func(b *testing.B) { b.Fatal("broken") }, 3)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "BenchmarkBroken$")
}
