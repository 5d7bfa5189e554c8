"""Where a run's results go: written whole or not at all, and never over an existing
file unless asked (as ``allocsim run -o OUT`` without and with ``--force``)."""

from __future__ import annotations

import os
import tempfile
from typing import Callable

__all__ = ["write_results", "check_output"]


def check_output(out: "str | os.PathLike", overwrite: bool,
                 hint: str = "pass overwrite=True to replace it") -> str:
    """`out` as an absolute path, after checking it can be written: FileExistsError if
    it exists and not `overwrite`, IsADirectoryError, FileNotFoundError for a missing
    directory."""
    path = os.path.abspath(os.fspath(out))
    if os.path.isdir(path):
        raise IsADirectoryError(f"{os.fspath(out)}: is a directory")
    if os.path.exists(path) and not overwrite:
        raise FileExistsError(f"{os.fspath(out)}: exists ({hint})")
    if not os.path.isdir(os.path.dirname(path)):
        raise FileNotFoundError(f"{os.fspath(out)}: no directory {os.path.dirname(path)!r}")
    return path


def _readable_by_others(path: str) -> None:
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(path, 0o666 & ~umask)


def write_results(out: "str | os.PathLike | None", overwrite: bool,
                  write: Callable[[str], object]) -> str:
    """Calls ``write(path)`` and returns where the results are: with `out`, a hidden
    temporary file beside it, renamed to `out` once written (removed if `write`
    raises); without, a new temporary ``allocsim-*.h5`` that the caller owns."""
    if out is None:
        fd, path = tempfile.mkstemp(prefix="allocsim-", suffix=".h5")
        os.close(fd)
        try:
            write(path)
        except BaseException:
            os.unlink(path)
            raise
        return path
    final = check_output(out, overwrite)
    fd, tmp = tempfile.mkstemp(prefix=f".{os.path.basename(final)}.", suffix=".tmp",
                               dir=os.path.dirname(final))
    os.close(fd)
    try:
        write(tmp)
        _readable_by_others(tmp)
        os.replace(tmp, final)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return final
