#!/usr/bin/env bash
# Host memory scaling (issue 18): peak RSS, wall and CPU time of `allocsim run` on
# the default workload for each CPU count given (default 8 64 256 1024), on 2
# nodes below 64 CPUs and 8 nodes from 64, next to the estimate that run and
# validate check against run.max_host_memory. Arguments after `--` go before
# the --set options of every run, e.g. `-- bench/memory_scaling_short.yaml`
# (a hundredth of the workload). Results: bench/memory_scaling.md.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bin=${ALLOCSIM_BIN:-$here/build/cli/allocsim}
cpus=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do cpus+=("$1"); shift; done
[ $# -gt 0 ] && shift
[ ${#cpus[@]} -eq 0 ] && cpus=(8 64 256 1024)
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
printf '%6s %5s %12s %14s %10s %10s\n' cpus nodes "peak RSS MiB" "estimate MiB" "wall s" "CPU s"
for n in "${cpus[@]}"; do
  nodes=8
  [ "$n" -lt 64 ] && nodes=2
  sets=("$@" --set "machine.cpus=$n" --set "machine.nodes=$nodes")
  # The estimate, from the refusal of a limit below any machine.
  est=$({ "$bin" validate "${sets[@]}" --set run.max_host_memory=1MiB 2>&1 >/dev/null || true; } |
    sed -n 's/.*needs an estimated \([0-9.]*\) \([MG]\)iB.*/\1 \2/p' |
    awk '{ print $2 == "G" ? $1 * 1024 : $1 }')
  /usr/bin/time -f '%M %e %U %S' -o "$dir/time" "$bin" run "${sets[@]}" -q -o "$dir/run.h5" --force >/dev/null
  read -r rss_kib wall user sys <"$dir/time"
  awk -v n="$n" -v k="$nodes" -v r="$rss_kib" -v e="$est" -v w="$wall" -v u="$user" -v s="$sys" \
    'BEGIN { printf "%6d %5d %12.0f %14.0f %10.1f %10.1f\n", n, k, r / 1024, e, w, u + s }'
done
