#!/usr/bin/python3
"""Writes a long ftrace text trace: a recording's trace.txt repeated COPIES
times, each copy's timestamps shifted past the previous copy's, for measuring
the replay's memory and speed on traces far longer than any recording
(docs/recording.md, "Replaying a recording"). Pointers and pfns repeat from
copy to copy, as a long-running kernel reuses them.

usage: bench/replay_big_trace.py RECORDING_DIR COPIES OUT.txt"""
import re
import sys

TS = re.compile(rb" (\d+)\.(\d{6}): ")


def main() -> None:
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    src, copies, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    lines = open(f"{src}/trace.txt", "rb").read().splitlines(keepends=True)
    stamps = [int(m.group(1)) * 1_000_000 + int(m.group(2))
              for m in (TS.search(l) for l in lines if not l.startswith(b"#")) if m]
    span = max(stamps) - min(stamps) + 1000  # microseconds, and a gap of 1 ms
    with open(out, "wb") as f:
        for c in range(copies):
            shift = c * span
            if shift == 0:
                f.writelines(lines)
                continue

            def moved(m: re.Match) -> bytes:
                us = int(m.group(1)) * 1_000_000 + int(m.group(2)) + shift
                return b" %d.%06d: " % (us // 1_000_000, us % 1_000_000)

            f.writelines(TS.sub(moved, l, count=1) for l in lines if not l.startswith(b"#"))


if __name__ == "__main__":
    main()
