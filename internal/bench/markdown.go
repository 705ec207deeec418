package bench

import (
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
)

// Target is one performance target and what a report measured of it.
type Target struct {
	Name string // what is measured
	Want string // the target
	Got  string // the measured figure; "not measured" if the report lacks it
	Met  bool
}

// The targets.
const (
	TargetBcryptRatio       = 1000   // authenticate vs bcrypt-10: at least this many times faster
	TargetPBKDF2Ratio       = 100    // authenticate vs PBKDF2-25,000
	TargetRedirectRatio     = 5      // exact redirect match vs url.Parse
	TargetTokensPerSecond   = 15_000 // client_credentials tokens over loopback
	TargetIntrospectsPerSec = 25_000 // introspections over loopback
	TargetScaleSlowdown     = 1.5    // time per op at the largest size vs the smallest, at most
	TargetBytesPerClient    = 1024   // live heap per stored client, at most
	TargetBytesPerToken     = 256    // live heap per stored token, at most

	TargetTokenOfCeiling      = 0.85 // in-memory token endpoint vs the ceiling, at least
	TargetIntrospectOfCeiling = 0.90 // in-memory introspection and gateway check vs the ceiling, at least
	TargetTokenAllocs         = 15   // allocations per token request served in process, at most
	TargetGroupedCommits      = 5    // grouped vs a commit per token on PostgreSQL, at least
	TargetCachedVsUncached    = 5    // gateway on PostgreSQL, store/cache vs uncached: at least this many times faster
	TargetCachedVsMemory      = 1.5  // gateway, in-memory vs PostgreSQL + store/cache: at most this many times faster
)

func (r *Report) auth(h StoredHash) (Measurement, bool) {
	for i, m := range r.Auth {
		if i < len(StoredHashes) && StoredHashes[i] == h {
			return m, true
		}
	}
	return Measurement{}, false
}

func (r *Report) loopback(e Endpoint) (LoopbackRow, bool) {
	for _, row := range r.Loopback {
		if row.Endpoint == e {
			return row, true
		}
	}
	return LoopbackRow{}, false
}

// Targets evaluates the report against the targets.
func (r *Report) Targets() []Target {
	var out []Target
	ours, okOurs := r.auth(HashSHA256)
	for _, c := range []struct {
		h     StoredHash
		ratio float64
		label string
	}{
		{HashBcrypt, TargetBcryptRatio, "bcrypt-10"},
		{HashPBKDF2, TargetPBKDF2Ratio, "PBKDF2-SHA256 25,000"},
	} {
		t := Target{Name: "authenticate vs " + c.label, Want: "≥ " + ratio(c.ratio) + " faster", Got: "not measured"}
		if base, ok := r.auth(c.h); ok && okOurs {
			x := base.NsPerOp / ours.NsPerOp
			t.Got, t.Met = ratio(x)+" faster", x >= c.ratio
		}
		out = append(out, t)
	}

	t := Target{Name: "redirect exact match vs url.Parse", Want: "≥ " + ratio(TargetRedirectRatio) + " faster, 0 allocs", Got: "not measured"}
	for _, row := range r.Redirect {
		if row.Case.Name == "exact" {
			x := row.Baseline.NsPerOp / row.Ours.NsPerOp
			t.Got = fmt.Sprintf("%s faster, %d allocs", ratio(x), row.Ours.AllocsPerOp)
			t.Met = x >= TargetRedirectRatio && row.Ours.AllocsPerOp == 0
		}
	}
	out = append(out, t)

	for _, c := range []struct {
		e    Endpoint
		want float64
	}{{EndpointToken, TargetTokensPerSecond}, {EndpointIntrospect, TargetIntrospectsPerSec}} {
		t := Target{Name: c.e.String() + " over loopback", Want: "≥ " + count(c.want) + "/s", Got: "not measured"}
		if row, ok := r.loopback(c.e); ok {
			t.Got, t.Met = count(row.Result.PerSecond())+"/s", row.Result.PerSecond() >= c.want && row.Result.Failures == 0
			if row.Result.Failures > 0 {
				t.Got += fmt.Sprintf(", %d failures", row.Result.Failures)
			}
		}
		out = append(out, t)
	}

	out = append(out, r.compareTargets()...)
	out = append(out, r.storeTargets()...)

	if len(r.Scale) >= 2 {
		first, last := r.Scale[0], r.Scale[len(r.Scale)-1]
		span := size(first.Size) + " → " + size(last.Size)
		for _, c := range scaleOps {
			x := c.get(last).NsPerOp / c.get(first).NsPerOp
			out = append(out, Target{Name: c.name + ", " + span, Want: "≤ " + ratio(TargetScaleSlowdown) + " slower",
				Got: ratio(x) + " (" + duration(c.get(first).NsPerOp) + " → " + duration(c.get(last).NsPerOp) + ")",
				Met: x <= TargetScaleSlowdown})
		}
	}
	if n := len(r.Scale); n > 0 {
		last := r.Scale[n-1]
		for _, c := range []struct {
			name      string
			got, want float64
		}{
			{"heap per client", last.HeapPerClient, TargetBytesPerClient},
			{"heap per token", last.HeapPerToken, TargetBytesPerToken},
		} {
			out = append(out, Target{Name: c.name + " at " + size(last.Size), Want: "≤ " + byteSize(c.want),
				Got: byteSize(c.got), Met: c.got > 0 && c.got <= c.want})
		}
	}
	return out
}

// scaleOps are the rows of the scaling table: per operation, the hot set
// and then the uniform picks (WriteSummary reads them in pairs).
var scaleOps = []struct {
	name string
	get  func(ScaleRow) Measurement
}{
	{"authenticate, hot set of 1,024 clients", func(s ScaleRow) Measurement { return s.AuthHot }},
	{"authenticate, uniform over all clients", func(s ScaleRow) Measurement { return s.AuthUniform }},
	{"introspect, hot set of 1,024 tokens", func(s ScaleRow) Measurement { return s.IntrospectHot }},
	{"introspect, uniform over all tokens", func(s ScaleRow) Measurement { return s.IntrospectUniform }},
}

// hashLabels describe the stored hashes in the table.
var hashLabels = map[StoredHash]string{
	HashSHA256: "SHA-256 (the default for generated secrets)",
	HashHMAC:   "HMAC-SHA-256 with a pepper",
	HashArgon2: "argon2id, 19 MiB, 2 passes (for secrets of unknown entropy)",
	HashPBKDF2: "PBKDF2-SHA256, 25,000 iterations",
	HashBcrypt: "bcrypt, cost 10",
}

// WriteMarkdown writes the report as markdown tables.
func (r *Report) WriteMarkdown(w io.Writer) error {
	var b strings.Builder
	m := r.Machine
	fmt.Fprintf(&b, "Measured %s in %v on %s, %d cores (GOMAXPROCS %d), %s %s/%s; load average %s before, %s after.\n",
		r.Started.UTC().Format("2006-01-02 15:04 MST"), r.Elapsed.Round(time.Second), m.CPU, m.Cores, m.GOMAXPROCS,
		m.GoVersion, m.OS, m.Arch, m.LoadBefore, m.LoadAfter)
	if r.Count > 0 {
		fmt.Fprintf(&b, "Each in-process figure is the median of %d runs of %s.\n", r.Count, r.BenchTime)
	}

	b.WriteString("\n#### Client authentication: a generated 256-bit secret, in-memory store\n\n")
	b.WriteString("| secret stored as | time per authentication | allocs/op | SHA-256 is faster by |\n| --- | ---: | ---: | ---: |\n")
	ours, okOurs := r.auth(HashSHA256)
	for i, a := range r.Auth {
		x := "–"
		if okOurs {
			x = ratio(a.NsPerOp / ours.NsPerOp)
		}
		fmt.Fprintf(&b, "| %s | %s | %d | %s |\n", hashLabels[StoredHashes[i]], duration(a.NsPerOp), a.AllocsPerOp, x)
	}

	fmt.Fprintf(&b, "\n#### Redirect URI matching: %d registered URIs\n\n", len(RedirectRegistered))
	b.WriteString("| case | MatchRedirectURI | allocs/op | url.Parse per candidate | allocs/op | MatchRedirectURI is faster by |\n")
	b.WriteString("| --- | ---: | ---: | ---: | ---: | ---: |\n")
	for _, row := range r.Redirect {
		fmt.Fprintf(&b, "| %s | %s | %d | %s | %d | %s |\n", row.Case.Name, duration(row.Ours.NsPerOp), row.Ours.AllocsPerOp,
			duration(row.Baseline.NsPerOp), row.Baseline.AllocsPerOp, ratio(row.Baseline.NsPerOp/row.Ours.NsPerOp))
	}

	if len(r.Loopback) > 0 {
		res := r.Loopback[0].Result
		fmt.Fprintf(&b, "\n#### Over loopback HTTP: example handlers, keep-alive, %d workers, %v per endpoint\n\n",
			res.Workers, res.Elapsed.Round(time.Second))
		b.WriteString("| endpoint | requests/s | requests | failures |\n| --- | ---: | ---: | ---: |\n")
		for _, row := range r.Loopback {
			fmt.Fprintf(&b, "| %v | %s | %s | %d |\n", row.Endpoint, count(row.Result.PerSecond()),
				count(float64(row.Result.Requests)), row.Result.Failures)
		}
	}

	r.writeCompare(&b)
	r.writePropagation(&b)

	if len(r.Scale) > 0 {
		b.WriteString("\n#### Scaling: in-memory store, n records\n\n| operation |")
		for _, row := range r.Scale {
			b.WriteString(" n = " + size(row.Size) + " |")
		}
		b.WriteString(" slowdown |\n| --- |" + strings.Repeat(" ---: |", len(r.Scale)+1) + "\n")
		first, last := r.Scale[0], r.Scale[len(r.Scale)-1]
		for _, c := range scaleOps {
			b.WriteString("| " + c.name + " |")
			for _, row := range r.Scale {
				b.WriteString(" " + duration(c.get(row).NsPerOp) + " |")
			}
			b.WriteString(" " + ratio(c.get(last).NsPerOp/c.get(first).NsPerOp) + " |\n")
		}
		for _, c := range []struct {
			name string
			get  func(ScaleRow) float64
		}{
			{"heap per client", func(s ScaleRow) float64 { return s.HeapPerClient }},
			{"heap per token", func(s ScaleRow) float64 { return s.HeapPerToken }},
		} {
			b.WriteString("| " + c.name + " |")
			for _, row := range r.Scale {
				b.WriteString(" " + byteSize(c.get(row)) + " |")
			}
			b.WriteString(" |\n")
		}
	}

	b.WriteString("\n#### Targets\n\n| target | wanted | measured | met |\n| --- | --- | --- | --- |\n")
	for _, t := range r.Targets() {
		met := "no"
		if t.Met {
			met = "yes"
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", t.Name, t.Want, t.Got, met)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// duration formats nanoseconds with three significant digits.
func duration(ns float64) string {
	switch {
	case ns < 1e3:
		return sig3(ns) + " ns"
	case ns < 1e6:
		return sig3(ns/1e3) + " µs"
	case ns < 1e9:
		return sig3(ns/1e6) + " ms"
	}
	return sig3(ns/1e9) + " s"
}

// sig3 formats v with three significant digits (all of the integer part
// from 1,000 on).
func sig3(v float64) string {
	switch {
	case v >= 100:
		return strconv.FormatFloat(math.Round(v), 'f', 0, 64)
	case v >= 10:
		return strconv.FormatFloat(v, 'f', 1, 64)
	}
	return strconv.FormatFloat(v, 'f', 2, 64)
}

// ratio formats a ratio: "1.23×", "48.1×", "152,000×".
func ratio(x float64) string {
	if x >= 1000 {
		return count(roundSig(x, 3)) + "×"
	}
	return sig3(x) + "×"
}

// roundSig rounds x to n significant digits.
func roundSig(x float64, n int) float64 {
	if x == 0 {
		return 0
	}
	p := math.Pow(10, float64(n)-math.Ceil(math.Log10(math.Abs(x))))
	return math.Round(x*p) / p
}

// count formats a count with thousands separators.
func count(v float64) string {
	s := strconv.FormatFloat(math.Round(v), 'f', 0, 64)
	var out []byte
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 && s[i-1] != '-' {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	return string(out)
}

// byteSize formats a byte count.
func byteSize(v float64) string {
	if v >= 1024 {
		return sig3(v/1024) + " KiB"
	}
	return count(v) + " B"
}

// size formats a store size: "10^6" for a power of ten, else the count.
func size(n int) string {
	p := 0
	for v := n; v >= 10 && v%10 == 0; v /= 10 {
		p++
	}
	if p >= 3 && n == int(math.Pow10(p)) {
		return "10^" + strconv.Itoa(p)
	}
	return count(float64(n))
}

// WriteSummary writes the headline figures as one compact markdown table.
func (r *Report) WriteSummary(w io.Writer) error {
	var b strings.Builder
	b.WriteString("| measured | portaloauth | compared with | ratio |\n| --- | ---: | --- | ---: |\n")
	if ours, ok := r.auth(HashSHA256); ok {
		var base, ratios []string
		for _, c := range []struct {
			h     StoredHash
			label string
		}{{HashBcrypt, "bcrypt-10"}, {HashPBKDF2, "PBKDF2-SHA256 25,000"}} {
			if m, ok := r.auth(c.h); ok {
				base = append(base, c.label+" "+duration(m.NsPerOp))
				ratios = append(ratios, ratio(m.NsPerOp/ours.NsPerOp))
			}
		}
		fmt.Fprintf(&b, "| authenticate a client (generated secret, SHA-256) | %s | %s | %s |\n",
			duration(ours.NsPerOp), strings.Join(base, "; "), strings.Join(ratios, "; "))
	}
	for _, row := range r.Redirect {
		if row.Case.Name == "exact" {
			fmt.Fprintf(&b, "| match a redirect URI (exact, %d registered) | %s, %d allocs | url.Parse per candidate %s | %s |\n",
				len(RedirectRegistered), duration(row.Ours.NsPerOp), row.Ours.AllocsPerOp,
				duration(row.Baseline.NsPerOp), ratio(row.Baseline.NsPerOp/row.Ours.NsPerOp))
		}
	}
	for _, row := range r.Loopback {
		fmt.Fprintf(&b, "| %v, loopback HTTP, %d workers | %s/s | | |\n", row.Endpoint, row.Result.Workers, count(row.Result.PerSecond()))
	}
	r.writeCompareSummary(&b)
	r.writePropagationSummary(&b)
	if n := len(r.Scale); n >= 2 {
		first, last := r.Scale[0], r.Scale[n-1]
		for i, op := range []string{"authenticate", "introspect"} {
			hot, uniform := scaleOps[2*i].get, scaleOps[2*i+1].get
			fmt.Fprintf(&b, "| %s among n = %s, hot set / uniform | %s / %s | n = %s: %s / %s | %s / %s |\n",
				op, size(last.Size), duration(hot(last).NsPerOp), duration(uniform(last).NsPerOp),
				size(first.Size), duration(hot(first).NsPerOp), duration(uniform(first).NsPerOp),
				ratio(hot(last).NsPerOp/hot(first).NsPerOp), ratio(uniform(last).NsPerOp/uniform(first).NsPerOp))
		}
		fmt.Fprintf(&b, "| heap per client / per token, n = %s | %s / %s | | |\n",
			size(last.Size), byteSize(last.HeapPerClient), byteSize(last.HeapPerToken))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// Markers delimit the parts of a markdown file that [Update] rewrites.
const (
	TableBegin   = "<!-- bench:table -->"
	TableEnd     = "<!-- /bench:table -->"
	SummaryBegin = "<!-- bench:summary -->"
	SummaryEnd   = "<!-- /bench:summary -->"
)

// ErrNoMarkers is returned by Update for a document without any pair of
// markers.
var ErrNoMarkers = errors.New("bench: no bench markers in the document")

// Update returns doc with the text between TableBegin and TableEnd
// replaced by the report's tables and the text between SummaryBegin and
// SummaryEnd by its summary. Either pair may be absent, not both.
func (r *Report) Update(doc string) (string, error) {
	found := false
	for _, part := range []struct {
		begin, end string
		write      func(io.Writer) error
	}{
		{TableBegin, TableEnd, r.WriteMarkdown},
		{SummaryBegin, SummaryEnd, r.WriteSummary},
	} {
		before, rest, ok := strings.Cut(doc, part.begin)
		if !ok {
			continue
		}
		_, after, ok := strings.Cut(rest, part.end)
		if !ok {
			return "", fmt.Errorf("bench: %q without %q", part.begin, part.end)
		}
		var b strings.Builder
		if err := part.write(&b); err != nil {
			return "", err
		}
		doc = before + part.begin + "\n" + b.String() + part.end + after
		found = true
	}
	if !found {
		return "", ErrNoMarkers
	}
	return doc, nil
}
