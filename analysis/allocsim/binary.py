"""Where the ``allocsim`` command-line binary is, for the paths that run it instead
of the native module (analysis-only installs, ``ALLOCSIM_BACKEND=cli``)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

__all__ = ["allocsim_binary"]


def allocsim_binary() -> Path:
    """The CLI binary: ``$ALLOCSIM_BIN``, else ``<repo>/build/cli/allocsim``, else on PATH."""
    env = os.environ.get("ALLOCSIM_BIN")
    if env:
        return Path(env)
    built = Path(__file__).resolve().parents[2] / "build" / "cli" / "allocsim"
    if built.is_file():
        return built
    found = shutil.which("allocsim")
    return Path(found) if found else built
