package bench

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"time"
)

// What a server process serves (see [Serve]).
const (
	ServeCeiling        = "ceiling"         // the bare net/http handler
	ServeMemory         = "memory"          // the fixture in memory
	ServePostgres       = "postgres"        // the fixture on PostgreSQL, grouped token commits
	ServePostgresSingle = "postgres-single" // the fixture on PostgreSQL, a commit per token
	ServePostgresCached = "postgres-cached" // the fixture on PostgreSQL behind store/cache, pgx's default pool, as the examples set it up
	// ServePostgresAsFiled is the fixture on PostgreSQL set up as the
	// examples set it up before grouped commits and store/cache: a commit
	// per token, no cache, pgx's default pool (4 connections on 2 cores).
	ServePostgresAsFiled = "postgres-as-filed"
)

// ServeConfig says what [Serve] serves.
type ServeConfig struct {
	Kind        string // one of the Serve constants
	Postgres    string // the DSN, for the PostgreSQL kinds
	CeilingSize int    // the ceiling's body length
}

// fixtureLine is what a server process of the fixture tells its parent
// after where it listens: what requests to send it.
type fixtureLine struct {
	BasicAuth string   `json:"basic_auth"`
	Tokens    []string `json:"tokens"`
}

// Serve serves cfg.Kind on a 127.0.0.1 port until in ends or ctx does,
// writing to out a line "listening on http://ADDR" and then, for the
// fixture, a line of JSON with the client's Authorization header and the
// access tokens issued. The report runs every server it compares in a
// process of its own this way, as the peer runs, so that each server
// competes with the load generator for the CPU on the same terms.
func Serve(ctx context.Context, cfg ServeConfig, in io.Reader, out io.Writer) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() { // the parent closing our input ends us
		_, _ = io.Copy(io.Discard, in)
		cancel()
	}()
	var url string
	var line *fixtureLine
	switch cfg.Kind {
	case ServeCeiling:
		c, err := startCeiling(cfg.CeilingSize)
		if err != nil {
			return err
		}
		defer func() { _ = c.Close() }()
		url = "http://" + c.Addr
	case ServeMemory, ServePostgres, ServePostgresSingle, ServePostgresCached, ServePostgresAsFiled:
		var s *Server
		if cfg.Kind == ServeMemory {
			var err error
			if s, err = NewServer(ctx); err != nil {
				return err
			}
			if err := s.Start(); err != nil {
				return err
			}
		} else {
			if cfg.Postgres == "" {
				return errors.New("bench: serving on PostgreSQL needs a DSN")
			}
			p, err := startPostgresKind(ctx, cfg.Postgres, cfg.Kind)
			if err != nil {
				return err
			}
			defer p.close()
			s = p.Server
		}
		defer func() { _ = s.Close() }()
		url = s.url
		line = &fixtureLine{BasicAuth: s.basicAuth, Tokens: s.tokens}
	default:
		return fmt.Errorf("bench: nothing to serve called %q", cfg.Kind)
	}
	if _, err := fmt.Fprintf(out, "listening on %s\n", url); err != nil {
		return err
	}
	if line != nil {
		if err := json.NewEncoder(out).Encode(line); err != nil {
			return err
		}
	}
	<-ctx.Done()
	return nil
}

// serverProcess is a child process serving one server.
type serverProcess struct {
	cmd   *exec.Cmd
	stdin io.WriteCloser
	url   string
	lines *bufio.Scanner
}

// startProcess starts cmd and reads where it listens from its first line.
func startProcess(cmd *exec.Cmd, what string) (*serverProcess, error) {
	p := &serverProcess{cmd: cmd}
	cmd.Stderr = os.Stderr
	var err error
	if p.stdin, err = cmd.StdinPipe(); err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("bench: starting %s: %w", what, err)
	}
	p.lines = bufio.NewScanner(stdout)
	p.lines.Buffer(nil, 1<<20)
	first := make(chan string, 1)
	go func() {
		if p.lines.Scan() {
			first <- p.lines.Text()
		}
		close(first)
	}()
	select {
	case l, ok := <-first:
		url, found := strings.CutPrefix(l, "listening on ")
		if !ok || !found {
			p.close()
			return nil, fmt.Errorf("bench: %s said %q instead of where it listens", what, l)
		}
		p.url = url
	case <-time.After(60 * time.Second):
		p.close()
		return nil, fmt.Errorf("bench: %s did not start within 60 s", what)
	}
	return p, nil
}

// fixture reads the fixture's line and returns a Server that sends
// requests to the process.
func (p *serverProcess) fixture() (*Server, error) {
	if !p.lines.Scan() {
		return nil, fmt.Errorf("bench: the server process ended: %w", p.lines.Err())
	}
	var line fixtureLine
	if err := json.Unmarshal(p.lines.Bytes(), &line); err != nil || len(line.Tokens) == 0 {
		return nil, fmt.Errorf("bench: the server process sent no fixture: %w", err)
	}
	s := &Server{basicAuth: line.BasicAuth, tokens: line.Tokens, url: p.url}
	for _, t := range line.Tokens {
		s.bearers = append(s.bearers, "Bearer "+t)
	}
	go func() { // keep reading, so that the process never blocks writing
		for p.lines.Scan() {
		}
	}()
	return s, nil
}

// close ends the process: its standard input closes, then, if it has not
// ended within 10 s, it is killed.
func (p *serverProcess) close() { stopProcess(p.stdin, p.cmd) }

// stopProcess ends a child that stops when its standard input closes: it
// closes stdin, then, if the child has not ended within 10 s, kills it.
func stopProcess(stdin io.Closer, cmd *exec.Cmd) {
	_ = stdin.Close()
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		_ = cmd.Process.Kill()
		<-done
	}
}
