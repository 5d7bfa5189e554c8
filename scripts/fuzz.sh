#!/usr/bin/env bash
# Runs every libFuzzer harness of build-fuzz (scripts/setup.sh fuzz): first
# over its regression cases (tests/fuzz/regressions/<harness>/: every input
# that ever crashed it), then for RUNS new inputs grown from a seed corpus that
# is made afresh from configs/, workloads/ and tests/data/. Extra arguments go
# to libFuzzer (scripts/fuzz-campaign.sh passes -max_total_time).
# Usage: scripts/fuzz.sh [RUNS [LIBFUZZER OPTION ...]]
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$here"
runs=${1:-5000}
shift || true
bin=build-fuzz/tests/fuzz
work=build-fuzz/corpus

# seed HARNESS: the harness's seed corpus in $work/HARNESS/seed.
seed() {
  local h=$1 dir=$work/$1/seed f i=0
  rm -rf "$dir"
  mkdir -p "$dir" "$work/$h/found"
  case $h in
    fuzz_config)
      cp configs/*.yaml workloads/*.yaml "$dir"/
      # A document and --set strings (the harness splits at "#--set" lines).
      printf 'machine: {cpus: 4}\n#--set\nkernel.slab=slab\n#--set\nmachine.nodes=1\n' >"$dir/sets"
      ;;
    fuzz_sweep)
      for f in configs/*.yaml; do
        printf 'base: %s\nset: {run.seed: 3}\ngrid:\n  kernel.slab: [slab, slub]\n  machine.cpus: [1, 2]\npoints:\n  - {kernel.flavour: linux-2.6}\n' \
          "$f" >"$dir/$(basename "$f")"
      done
      ;;
    fuzz_distribution)
      # Every distribution and table the shipped files use, as count, size and time.
      grep -ohE '(uniform|exponential|lognormal|pareto|table)\([^)]*\)' configs/*.yaml workloads/*.yaml |
        sort -u | while read -r d; do
        for q in 0 1 2; do printf "\\x0$q%s" "$d" >"$dir/$((i++))-$q"; done
      done
      ;;
    fuzz_trace_*)
      # The first byte picks skip_bad_lines; big traces are cut to keep runs fast.
      for f in tests/data/traces/*; do
        [ -f "$f" ] || continue
        { printf '\x00'; head -c 16384 "$f"; } >"$dir/$(basename "$f")"
      done
      ;;
  esac
}

# The config and sweep harnesses load whole configs (milliseconds each); the
# readers of traces and distributions are a hundred times faster: ten times
# the inputs for them.
runs_of() {
  case $1 in
    fuzz_config | fuzz_sweep) echo "$runs" ;;
    *) ((runs < 0)) && echo "$runs" || echo $((runs * 10)) ;;
  esac
}

status=0
for exe in "$bin"/fuzz_*; do
  h=$(basename "$exe")
  seed "$h"
  regressions=tests/fuzz/regressions/$h
  if compgen -G "$regressions/*" >/dev/null; then
    "$exe" -timeout=25 "$regressions"/* >"$work/$h/regressions.log" 2>&1 ||
      { echo "fuzz: $h fails a regression case (see $work/$h/regressions.log)"; status=1; continue; }
  fi
  mkdir -p build-fuzz/crashes
  if "$exe" -runs="$(runs_of "$h")" -timeout=25 -rss_limit_mb=2048 -max_len=65536 \
    -artifact_prefix="build-fuzz/crashes/$h-" "$@" "$work/$h/found" "$work/$h/seed" \
    >"$work/$h/run.log" 2>&1; then
    done_line=$(grep -aE '^Done [0-9]+ runs' "$work/$h/run.log" | tail -1)
    echo "fuzz: $h: ${done_line:-done}, clean ($(find "$regressions" -type f 2>/dev/null | wc -l) regression cases)"
  else
    echo "fuzz: $h FOUND A CRASH: $(grep -a -m1 -E 'ERROR|Test unit written' "$work/$h/run.log")"
    echo "      keep the input as a case in $regressions/ (log: $work/$h/run.log)"
    status=1
  fi
done
exit $status
