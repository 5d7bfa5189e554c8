"""``python3 -m allocsim ARGS...``: the allocsim command line (run, sweep, report,
validate, ...), the binary found by :func:`allocsim._native.cli_binary` (an installed
package also puts that binary on PATH as ``allocsim``)."""

from __future__ import annotations

import os
import sys

from ._native import cli_binary


def main() -> int:
    cli = cli_binary()
    if cli is None:
        print("allocsim: the command-line program was not found (install allocsim with pip, "
              "build it, or set ALLOCSIM_BIN)", file=sys.stderr)
        return 1
    os.execv(cli, [str(cli), *sys.argv[1:]])
    return 1  # not reached


if __name__ == "__main__":
    sys.exit(main())
