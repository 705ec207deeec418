// Command report runs the comparison benchmarks of package bench in one
// process and writes their figures, ratios and targets as markdown.
//
//	go run ./bench/cmd/report > BENCHMARKS.table.md
//
// Progress goes to standard error. The run takes about two minutes on two
// cores: every in-process case runs for -benchtime, every loopback case
// for -duration (at most 30 s), and filling the largest stores takes
// some seconds each. It stops with an error after -timeout.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/portaloauth/portaloauth/bench"
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
	benchtime := fs.Duration("benchtime", time.Second, "how long each in-process case runs")
	timeout := fs.Duration("timeout", 10*time.Minute, "give up after this long")
	out := fs.String("o", "", "write the markdown to this file instead of standard output")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *duration <= 0 || *duration > bench.MaxLoopbackDuration {
		return fmt.Errorf("-duration must be in (0, %v]", bench.MaxLoopbackDuration)
	}
	ns, err := parseSizes(*sizes)
	if err != nil {
		return err
	}
	if err := flag.Set("test.benchtime", benchtime.String()); err != nil {
		return err
	}
	expired := time.AfterFunc(*timeout, func() {
		fmt.Fprintf(stderr, "report: gave up after %v\n", *timeout)
		os.Exit(2)
	})
	defer expired.Stop()

	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	r, err := bench.Run(ctx, bench.Config{LoopbackDuration: *duration, Workers: *workers, Sizes: ns, Log: stderr})
	if err != nil {
		return err
	}
	if *out == "" {
		return r.WriteMarkdown(stdout)
	}
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
