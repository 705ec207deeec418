// Command report runs the comparison benchmarks of package bench in one
// process and writes their figures, ratios and targets as markdown.
//
//	go run ./bench/cmd/report > BENCHMARKS.table.md
//	go run ./bench/cmd/report -update BENCHMARKS.md,README.md
//
// With -update it rewrites the parts of the named markdown files between
// the bench markers (see [bench.Report.Update]) instead.
//
// Progress goes to standard error. The run takes about three minutes on
// two cores: every in-process case runs -count times for -benchtime (the
// median is kept), every loopback case for -duration (at most 30 s), and
// filling the largest stores takes some seconds each. It stops with an
// error after -timeout.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/portaloauth/portaloauth/internal/bench"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "report:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout, stderr io.Writer) error {
	testing.Init()
	fs := flag.NewFlagSet("report", flag.ContinueOnError)
	fs.SetOutput(stderr)
	duration := fs.Duration("duration", bench.DefaultLoopbackDuration, "how long each loopback case sends requests (at most 30s)")
	workers := fs.Int("workers", 0, "concurrent requests of the loopback cases (0: 4 per GOMAXPROCS)")
	sizes := fs.String("sizes", "1000,100000,1000000", "store sizes of the scaling cases, comma-separated")
	benchtime := fs.Duration("benchtime", time.Second, "how long each run of an in-process case lasts")
	count := fs.Int("count", 5, "runs of each in-process case; the median is reported")
	timeout := fs.Duration("timeout", 20*time.Minute, "give up after this long")
	out := fs.String("o", "", "write the markdown to this file instead of standard output")
	update := fs.String("update", "", "comma-separated markdown files whose bench markers to rewrite, instead of writing the markdown")
	rounds := fs.Int("rounds", bench.DefaultRounds, "interleaved rounds of the side-by-side comparison; the median is reported")
	compare := fs.Duration("compare", bench.DefaultCompareDuration, "how long each side-by-side case sends requests in each round (at most 30s)")
	peer := fs.String("peer", "auto", "directory of the peer's module (go-oauth2/oauth2 v4); auto: "+bench.PeerDir+" of this repository; empty: leave the peer out")
	pg := fs.String("postgres", os.Getenv("PORTALOAUTH_TEST_POSTGRES"), "PostgreSQL DSN to measure the store on, in a schema of its own; empty: leave PostgreSQL out")
	revocations := fs.Int("revocations", 1000, "with -postgres, revocations the propagation between two cached nodes measures")
	serve := fs.String("serve", "", "serve one server of the side-by-side comparison until standard input closes (the report starts itself so)")
	ceilingSize := fs.Int("ceiling-size", 0, "with -serve ceiling: the body length")
	sideBySide := fs.Bool("side-by-side", true, "run the side-by-side comparison with the ceiling, the peer and PostgreSQL")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *duration <= 0 || *duration > bench.MaxLoopbackDuration {
		return fmt.Errorf("-duration must be in (0, %v]", bench.MaxLoopbackDuration)
	}
	if *count < 1 || *count > 20 {
		return errors.New("-count must be from 1 to 20")
	}
	if *serve != "" {
		return bench.Serve(context.Background(), bench.ServeConfig{Kind: *serve, Postgres: *pg, CeilingSize: *ceilingSize}, os.Stdin, stdout)
	}
	if *rounds < 1 || *rounds > 20 {
		return errors.New("-rounds must be from 1 to 20")
	}
	if *compare <= 0 || *compare > bench.MaxLoopbackDuration {
		return fmt.Errorf("-compare must be in (0, %v]", bench.MaxLoopbackDuration)
	}
	ns, err := parseSizes(*sizes)
	if err != nil {
		return err
	}
	if err := flag.Set("test.benchtime", benchtime.String()); err != nil {
		return err
	}
	var files []string
	if *update != "" {
		for name := range strings.SplitSeq(*update, ",") {
			name = strings.TrimSpace(name)
			doc, err := os.ReadFile(name)
			if err != nil {
				return err
			}
			if !strings.Contains(string(doc), bench.TableBegin) && !strings.Contains(string(doc), bench.SummaryBegin) {
				return fmt.Errorf("%s: %w", name, bench.ErrNoMarkers)
			}
			files = append(files, name)
		}
	}
	peerDir := *peer
	if *sideBySide && peerDir == "auto" {
		if peerDir, err = bench.FindPeer(); err != nil {
			return err
		}
	}
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	spawn := func(c bench.ServeConfig) *exec.Cmd {
		return exec.Command(exe, "-serve", c.Kind, "-postgres", c.Postgres, "-ceiling-size", strconv.Itoa(c.CeilingSize)) //nolint:gosec // this program
	}
	expired := time.AfterFunc(*timeout, func() {
		fmt.Fprintf(stderr, "report: gave up after %v\n", *timeout)
		os.Exit(2)
	})
	defer expired.Stop()

	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	r, err := bench.Run(ctx, bench.Config{LoopbackDuration: *duration, Workers: *workers, Sizes: ns, Count: *count, Log: stderr,
		Rounds: *rounds, CompareDuration: *compare, Peer: peerDir, Postgres: *pg, SkipCompare: !*sideBySide, Revocations: *revocations, Spawn: spawn})
	if err != nil {
		return err
	}
	switch {
	case len(files) > 0:
		for _, name := range files {
			if err := updateFile(name, r); err != nil {
				return err
			}
			fmt.Fprintln(stderr, "updated", name)
		}
		return nil
	case *out != "":
		f, err := os.Create(*out)
		if err != nil {
			return err
		}
		if err := r.WriteMarkdown(f); err != nil {
			_ = f.Close()
			return err
		}
		return f.Close()
	}
	return r.WriteMarkdown(stdout)
}

// updateFile rewrites the parts of a markdown file between bench markers.
func updateFile(name string, r *bench.Report) error {
	doc, err := os.ReadFile(name)
	if err != nil {
		return err
	}
	updated, err := r.Update(string(doc))
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return os.WriteFile(name, []byte(updated), 0o644) //nolint:gosec // a document in the repository
}

func parseSizes(s string) ([]int, error) {
	var out []int
	for f := range strings.SplitSeq(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 || n > 10_000_000 {
			return nil, errors.New("-sizes must be numbers from 1 to 10,000,000, comma-separated")
		}
		out = append(out, n)
	}
	return out, nil
}
