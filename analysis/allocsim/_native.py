"""Where allocsim's compiled parts are: the extension module and the CLI binary.

* The extension module ``_allocsim`` (the C++ simulator): in an installed package,
  ``allocsim._allocsim`` (``pip install .`` builds it); in a build tree, the top-level
  module in ``build/python`` (``PYTHONPATH=$PWD/analysis:$PWD/build/python``).
  ``ALLOCSIM_BACKEND=cli`` hides it, as if the package were an analysis-only install:
  results files can still be read and plotted, and :func:`allocsim.sweep` runs the
  ``allocsim`` binary.
* The ``allocsim`` binary: ``$ALLOCSIM_BIN``; else ``bin/allocsim`` inside the installed
  package; else ``build/cli/allocsim`` of the source tree the package is imported from;
  else an ``allocsim`` executable on ``PATH`` that is a binary (the installed command is
  the same binary; a script of that name is not taken, so nothing can run itself).
"""

from __future__ import annotations

import importlib
import os
import shutil
from pathlib import Path
from types import ModuleType

__all__ = ["module", "require", "why_missing", "cli_binary"]

_PACKAGE = Path(__file__).resolve().parent
_state: dict = {}


def _hidden() -> bool:
    return os.environ.get("ALLOCSIM_BACKEND", "").strip().lower() == "cli"


def _load() -> None:
    errors = []
    for name in ("allocsim._allocsim", "_allocsim"):
        try:
            mod = importlib.import_module(name)
        except ImportError as e:
            errors.append(f"{name}: {e}")
            continue
        _state.update(module=mod, why="")
        return
    _state.update(module=None, why="; ".join(errors))


def module() -> ModuleType | None:
    """The extension module, or None when it is missing or hidden (the environment
    variable is read at each call; the import is tried once)."""
    if _hidden():
        return None
    if "module" not in _state:
        _load()
    return _state["module"]


def why_missing() -> str:
    """Why :func:`module` is None ("" when it is not)."""
    if _hidden():
        return "hidden by ALLOCSIM_BACKEND=cli"
    module()
    return _state["why"]


def require(what: str) -> ModuleType:
    """The extension module; ImportError saying how to get it if it is missing."""
    mod = module()
    if mod is None:
        raise ImportError(f"{what} needs allocsim's C++ module (_allocsim), which is missing "
                          f"({why_missing()}): install allocsim with pip (docs/tutorial.md), "
                          f"or build it (cmake --build build --target _allocsim) and put "
                          f"build/python on PYTHONPATH")
    return mod


def _is_binary(path: str) -> bool:
    """An executable file that is not a script (the console script `allocsim` is one)."""
    try:
        with open(path, "rb") as f:
            return f.read(2) != b"#!"
    except OSError:
        return False


def cli_binary() -> Path | None:
    """The ``allocsim`` command-line binary, or None if there is none."""
    env = os.environ.get("ALLOCSIM_BIN")
    if env:
        return Path(env)
    for candidate in (_PACKAGE / "bin" / "allocsim",
                      _PACKAGE.parents[1] / "build" / "cli" / "allocsim"):
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return candidate
    found = shutil.which("allocsim")
    return Path(found) if found and _is_binary(found) else None
