"""Where a run's results go when the caller gives no path."""

from __future__ import annotations

import os
import tempfile


def output_path(out: "str | os.PathLike | None") -> str:
    """`out` as a string, or a new temporary .h5 file (kept: the caller owns it)."""
    if out is not None:
        return os.fspath(out)
    fd, path = tempfile.mkstemp(prefix="allocsim-", suffix=".h5")
    os.close(fd)
    return path
