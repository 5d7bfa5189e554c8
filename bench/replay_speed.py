#!/usr/bin/python3
"""Replay speed: replayed trace events per host second, timing on (issue 13 §5).

Replays each recording with `allocsim run DIR -o OUT.h5` (open-loop timing,
sampling and the replay table as by default) REPEAT times and keeps the
fastest run. It also replays a copy of the recording whose trace is cut to
its first line (the same warm start, machine and snapshots), so the setup
(building the machine, the warm start, writing the results) can be told apart
from the replay itself:

  whole run      events / host seconds of the whole `allocsim run`
  replay phase   events / (whole run - run of the one-line trace)

Wall seconds are the process's elapsed time; CPU seconds are its user +
system time (every thread, so the table chunks deflated on the worker thread
count too). On a shared host prefer CPU seconds. Never asserted anywhere:
figures go into bench/replay_speed.md.

usage: bench/replay_speed.py ALLOCSIM RECORDING_DIR... [--repeat N]"""
import os
import re
import resource
import subprocess
import sys
import tempfile
import time


def run(allocsim: str, recording: str, out: str) -> tuple[int, float, float]:
    """(events read, wall s, cpu s) of one `allocsim run`."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    done = subprocess.run([allocsim, "run", recording, "-o", out, "--force"],
                          capture_output=True, text=True)
    wall = time.monotonic() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        sys.exit(f"{recording}: allocsim run failed ({done.returncode}):\n{done.stderr}")
    m = re.search(r"^events read from the trace +(\d+)$", done.stdout, re.M)
    if not m:
        sys.exit(f"{recording}: no 'events read from the trace' line in the summary")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return int(m.group(1)), wall, cpu


def one_line_copy(recording: str, into: str) -> str:
    """The recording with its trace cut to the first event line."""
    copy = os.path.join(into, os.path.basename(os.path.normpath(recording)))
    os.mkdir(copy)
    for name in os.listdir(recording):
        if name != "trace.txt":
            os.symlink(os.path.abspath(os.path.join(recording, name)), os.path.join(copy, name))
    with open(os.path.join(recording, "trace.txt"), "rb") as f, \
            open(os.path.join(copy, "trace.txt"), "wb") as out:
        for line in f:
            out.write(line)
            if not line.startswith(b"#"):
                break
    return copy


def best(allocsim: str, recording: str, out: str, repeat: int) -> tuple[int, float, float]:
    runs = [run(allocsim, recording, out) for _ in range(repeat)]
    return runs[0][0], min(r[1] for r in runs), min(r[2] for r in runs)


def main() -> None:
    args = sys.argv[1:]
    repeat = 3
    if "--repeat" in args:
        i = args.index("--repeat")
        repeat = int(args[i + 1])
        del args[i:i + 2]
    if len(args) < 2:
        sys.exit(__doc__)
    allocsim, recordings = args[0], args[1:]
    print("| recording | events | wall s | CPU s | events/s (wall) | events/s (CPU) "
          "| setup CPU s | replay-phase events/s (CPU) |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory(prefix="allocsim-replay-speed-") as tmp:
        out = os.path.join(tmp, "out.h5")
        for rec in recordings:
            events, wall, cpu = best(allocsim, rec, out, repeat)
            _, _, setup = best(allocsim, one_line_copy(rec, tmp), out, repeat)
            phase = events / (cpu - setup) if cpu > setup else float("nan")
            print(f"| {os.path.basename(os.path.normpath(rec))} | {events} | {wall:.2f} "
                  f"| {cpu:.2f} | {events / wall:,.0f} | {events / cpu:,.0f} | {setup:.2f} "
                  f"| {phase:,.0f} |", flush=True)


if __name__ == "__main__":
    main()
