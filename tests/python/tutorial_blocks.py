"""The runnable blocks of docs/tutorial.md, and a runner that executes them in order.

``python3 tutorial_blocks.py DIR`` runs every block once in DIR: a ```sh block in
bash -e, a ```python block in this interpreter (a fresh namespace each, named
``__main__``, as if saved to a file and run: so the Dask block's `__main__` guard
works and its worker processes start from this file), so that the Python blocks pay
for importing pandas and matplotlib once. It stops at the first block that fails,
saying which. A block marked ``<!-- not run by tests/python/test_tutorial.py: WHY -->``
on the line before it is skipped.
"""

import re
import subprocess
import sys
import traceback
from pathlib import Path

TUTORIAL = Path(__file__).resolve().parents[2] / "docs" / "tutorial.md"
FENCE = re.compile(r"^```(\w*)\n(.*?)^```$", re.S | re.M)
SKIP = "<!-- not run by tests/python/test_tutorial.py"


def blocks(text: str) -> list:
    """(language, code, line) of every sh and python block not marked as skipped."""
    out = []
    for m in FENCE.finditer(text):
        lang, code = m.group(1), m.group(2)
        before = text[:m.start()].rstrip().splitlines()
        if lang not in ("sh", "python") or (before and before[-1].startswith(SKIP)):
            continue
        out.append((lang, code, text[:m.start()].count("\n") + 1))
    return out


def run_all(directory: Path) -> int:
    for lang, code, line in blocks(TUTORIAL.read_text()):
        where = f"docs/tutorial.md:{line}"
        print(f"== {where} ({lang})", file=sys.stderr, flush=True)
        if lang == "sh":
            p = subprocess.run(["bash", "-e", "-c", code], cwd=directory,
                               stdin=subprocess.DEVNULL)
            if p.returncode != 0:
                print(f"FAILED: {where}: exit status {p.returncode}", file=sys.stderr)
                return 1
            continue
        try:
            exec(compile(code, where, "exec"), {"__name__": "__main__", "__file__": where})
        except BaseException:
            traceback.print_exc()
            print(f"FAILED: {where}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    import os

    os.chdir(sys.argv[1])
    sys.exit(run_all(Path(sys.argv[1])))
