#!/usr/bin/env bash
# Sweep scaling: the same 8-point sweep (2 allocators x 4 CPU counts of the
# threadtest benchmark, about a second per point) at -j 1 and at -j 2; prints
# both wall times and the speed-up, and checks the two files hold the same runs.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bin=${ALLOCSIM_BIN:-$here/build/cli/allocsim}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
printf 'base: %s\n' "$here/workloads/threadtest.yaml" > "$dir/sweep.yaml"
grid=("$dir/sweep.yaml" --grid kernel.slab=slab,slub --grid machine.cpus=2,4,6,8 -q --force)
t0=$(date +%s.%N)
"$bin" sweep "${grid[@]}" -j 1 -o "$dir/j1.h5"
t1=$(date +%s.%N)
"$bin" sweep "${grid[@]}" -j 2 -o "$dir/j2.h5"
t2=$(date +%s.%N)
awk -v a="$t0" -v b="$t1" -v c="$t2" 'BEGIN {
  j1 = b - a; j2 = c - b
  printf "8 points: -j 1 %.2f s, -j 2 %.2f s, speed-up %.2fx\n", j1, j2, j1 / j2 }'
"$bin" report "$dir/j1.h5" | tail -n +2 | sort > "$dir/j1.runs"
"$bin" report "$dir/j2.h5" | tail -n +2 | sort > "$dir/j2.runs"
cmp "$dir/j1.runs" "$dir/j2.runs" && echo "same runs in both files"
