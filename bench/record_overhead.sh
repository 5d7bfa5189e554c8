#!/bin/bash
# The overhead of `allocsim record`: the recorded command's run time with and
# without recording, and the events recorded per second, for the four
# workloads of the recordings in docs/recording.md ("Overhead"). Runs
# alternate (plain, recorded, plain, ...); medians are printed. Needs root.
#
# usage: bench/record_overhead.sh [-n RUNS] [-a ALLOCSIM] [-b BUFFER_SIZE] [WORKLOAD ...]
#   WORKLOAD: perf-messaging fork-exec fs-scan tcp-loopback (default: all four)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
runs=5
allocsim=$here/../build/cli/allocsim
buffer=()
while getopts "n:a:b:" opt; do
  case $opt in
    n) runs=$OPTARG ;;
    a) allocsim=$OPTARG ;;
    b) buffer=(--buffer-size "$OPTARG") ;;
    *) echo "usage: $0 [-n RUNS] [-a ALLOCSIM] [-b BUFFER_SIZE] [WORKLOAD ...]" >&2; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
[ "$(id -u)" = 0 ] || { echo "$0: allocsim record needs root" >&2; exit 2; }
[ -x "$allocsim" ] || { echo "$0: no allocsim at $allocsim (build it, or give -a)" >&2; exit 2; }
command -v perf > /dev/null || echo "$0: perf-messaging needs perf (Debian: linux-perf)" >&2

declare -A command=(
  [perf-messaging]="perf bench sched messaging -g 4 -l 100 > /dev/null"
  [fork-exec]='i=0; while [ $i -lt 2000 ]; do /bin/true; i=$((i+1)); done'
  [fs-scan]="find /usr -type f | head -20000 | xargs -d '\n' cat > /dev/null"
  [tcp-loopback]="/usr/bin/python3 $here/tcp_loopback.py 200"
)
workloads=("$@")
[ ${#workloads[@]} -gt 0 ] || workloads=(perf-messaging fork-exec fs-scan tcp-loopback)

work=$(mktemp -d /tmp/record-overhead.XXXXXX)
trap 'rm -rf "$work"' EXIT

calc() { awk "BEGIN { printf \"%.6f\\n\", $1 }"; }
median() { sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }

# The command, timed from inside (the same in both variants): nanoseconds into $work/t.
timed() {
  printf 't0=$(date +%%s%%N); %s; t1=$(date +%%s%%N); echo $((t1 - t0)) > %s/t' "$1" "$work"
}

# A fs-scan starts from the same state each time: dentries and inodes dropped.
prepare() { [ "$1" != fs-scan ] || { sync; echo 2 > /proc/sys/vm/drop_caches; }; }

field() { sed -n "s/^$1 *\([0-9]*\).*/\1/p" "$2" | head -1; }

printf '%-15s %4s %10s %10s %7s %10s %11s %9s\n' workload runs plain_s recorded_s ratio events events/s trace_MiB
for w in "${workloads[@]}"; do
  [ -n "${command[$w]:-}" ] || { echo "$0: unknown workload $w" >&2; exit 2; }
  : > "$work/plain" ; : > "$work/recorded"; : > "$work/events"; : > "$work/rate"; : > "$work/mib"
  for ((i = 0; i < runs; i++)); do
    prepare "$w"
    /bin/sh -c "$(timed "${command[$w]}")"
    calc "$(cat "$work/t") / 1e9" >> "$work/plain"
    prepare "$w"
    rm -rf "$work/rec"
    "$allocsim" record -o "$work/rec" "${buffer[@]}" -- /bin/sh -c "$(timed "${command[$w]}")" 2> "$work/err" ||
      { cat "$work/err" >&2; exit 1; }
    calc "$(cat "$work/t") / 1e9" >> "$work/recorded"
    m=$work/rec/recording.yaml
    events=$(field "  events:" "$m")
    start=$(sed -n 's/.*start: {.*trace_ns: \([0-9]*\)}.*/\1/p' "$m")
    stop=$(sed -n 's/.*stop: {.*trace_ns: \([0-9]*\)}.*/\1/p' "$m")
    echo "$events" >> "$work/events"
    calc "$events * 1e9 / ($stop - $start)" >> "$work/rate"
    calc "$(field "  bytes:" "$m") / 1048576" >> "$work/mib"
  done
  plain=$(median < "$work/plain")
  recorded=$(median < "$work/recorded")
  printf '%-15s %4d %10.3f %10.3f %7.2f %10d %11.0f %9.1f\n' "$w" "$runs" "$plain" "$recorded" \
    "$(calc "$recorded / $plain")" "$(median < "$work/events")" \
    "$(median < "$work/rate")" "$(median < "$work/mib")"
done
