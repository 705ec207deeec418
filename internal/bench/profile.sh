#!/usr/bin/env bash
# Profiles every hot path measured by package bench: for each, a CPU and an
# allocation profile and their `go tool pprof -top` summaries, in one
# directory (default: a new one under /tmp).
#
#   bash internal/bench/profile.sh [directory]
#
# Each case runs for 2 s; the whole script takes about two minutes.
set -euo pipefail

cd "$(dirname "$0")/.."
out="${1:-$(mktemp -d /tmp/portaloauth-profiles.XXXXXX)}"
mkdir -p "$out"
go test -c -o "$out/bench.test" ./internal/bench

# name  benchmark (a -test.bench pattern)
cases=(
	"authenticate          ^BenchmarkAuthenticate$/^sha256$"
	"redirect-exact        ^BenchmarkMatch$/^ours$/^exact$"
	"redirect-loopback     ^BenchmarkMatch$/^ours$/^loopback-port$"
	"token-handler         ^BenchmarkHandler$/^token$"
	"introspect-handler    ^BenchmarkHandler$/^introspect$"
	"gateway-middleware    ^BenchmarkHandler$/^gateway$"
	"store-clients         ^BenchmarkScaleAuthenticate$/^clients=100000$/^uniform$"
	"store-tokens          ^BenchmarkScaleIntrospect$/^tokens=100000$/^uniform$"
)
for c in "${cases[@]}"; do
	read -r name pattern <<<"$c"
	echo "== $name ($pattern)"
	(cd "$out" && ./bench.test -test.run '^$' -test.bench "$pattern" -test.benchtime 2s -test.benchmem \
		-test.cpuprofile "$name.cpu" -test.memprofile "$name.mem" | grep '^Benchmark')
	go tool pprof -top -nodecount 25 "$out/bench.test" "$out/$name.cpu" >"$out/$name.cpu.txt" 2>/dev/null
	go tool pprof -top -nodecount 25 -sample_index alloc_space "$out/bench.test" "$out/$name.mem" >"$out/$name.mem.txt" 2>/dev/null
done

# Lock contention: the same work from one and from two goroutines.
echo "== contention (-cpu 1,2)"
(cd "$out" && ./bench.test -test.run '^$' -test.bench 'Parallel$' -test.cpu 1,2 -test.benchtime 1s -test.benchmem | grep '^Benchmark')

echo "profiles and pprof -top summaries in $out"
