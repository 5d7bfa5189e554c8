"""``python3 -m allocsim ARGS...``: the allocsim command line (run, sweep,
report, validate, ...), found as $ALLOCSIM_BIN, next to this package in a
build tree (build/cli/allocsim), or on PATH."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path


def find_cli() -> str | None:
    env = os.environ.get("ALLOCSIM_BIN")
    if env:
        return env
    repo = Path(__file__).resolve().parents[2]
    for candidate in (repo / "build" / "cli" / "allocsim",):
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    return shutil.which("allocsim")


def main() -> int:
    cli = find_cli()
    if cli is None:
        print("allocsim: the command-line program was not found (build it, or set ALLOCSIM_BIN)",
              file=sys.stderr)
        return 1
    os.execv(cli, [cli, *sys.argv[1:]])
    return 1  # not reached


if __name__ == "__main__":
    sys.exit(main())
