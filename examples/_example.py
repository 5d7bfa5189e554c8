"""What every example shares: its options and importing allocsim."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def start(name: str, doc: str, argv=None, extra_imports=()):
    """Parses --small, --out and --format; imports allocsim (and allocsim.plot
    and `extra_imports`). Returns (args, out_dir, allocsim), or exits with 1
    and one line saying how to make allocsim importable."""
    ap = argparse.ArgumentParser(prog=name, description=doc.splitlines()[0])
    ap.add_argument("--small", action="store_true", help="tiny sizes (seconds; for tests)")
    ap.add_argument("--out", default="allocsim-examples", help="directory for results and figures")
    ap.add_argument("--format", default="pdf", choices=["pdf", "png", "svg"], help="figure format")
    args = ap.parse_args(argv)
    try:
        for module in extra_imports:
            __import__(module)
        import allocsim
        import allocsim.plot  # noqa: F401
    except ImportError as e:
        print(f"{name}: cannot import {e.name} ({e}); install allocsim with "
              "bash scripts/setup.sh (docs/tutorial.md)", file=sys.stderr)
        raise SystemExit(1)
    return args, Path(args.out), allocsim
