"""allocsim: a discrete-event SMP/NUMA simulator of the Linux page and object
allocators, from Python.

    sim = allocsim.Simulator("configs/x.yaml", overrides={"kernel.slab": "slub"})
    res = allocsim.run(None, kernel__slab="slab")        # one run -> Results
    res = allocsim.load("out.h5")                         # .summary, .timeseries(...), ...
    df = allocsim.sweep(None, grid={"kernel.slab": ["slab", "slub"]})
    allocsim.stats_schema()                               # every statistic: unit, meaning, where

The C++ core is the extension module ``_allocsim`` (built into build/python);
set PYTHONPATH=analysis:build/python, or see docs/tutorial.md.
"""

from __future__ import annotations

import os
from typing import Any, Mapping

from .config import override_text, to_native_args
from .gfp import GFP, gfp_text
from .results import Results, load
from .stats import stats_schema
from .sweep import sweep

try:  # the C++ core; without it, results files can still be loaded and plotted
    import _allocsim
except ImportError as _missing:  # pragma: no cover - exercised without a build
    _allocsim = None
    _why = str(_missing)

    class ConfigError(ValueError):
        """A bad config (raised by the native module when it is built)."""

    class AllocatorError(RuntimeError):
        """A bad free (raised by the native module when it is built)."""

    __version__ = "unknown"

    def _native():
        raise ImportError("the allocsim C++ module (_allocsim) is not built or not on "
                          f"PYTHONPATH (build/python): {_why}")

    class Simulator:
        """Needs the C++ module: constructing one says how to get it."""

        def __init__(self, *args, **kwargs):
            _native()
else:
    from .simulator import Simulator

    __version__ = _allocsim.version
    ConfigError = _allocsim.ConfigError
    AllocatorError = _allocsim.AllocatorError

    def _native():
        return _allocsim

from .simulator_paths import output_path as _output_path

__all__ = ["Simulator", "GFP", "ConfigError", "AllocatorError", "Results", "load", "run",
           "sweep", "resolve", "stats_schema", "override_text", "gfp_text", "__version__"]


def _merge_overrides(overrides: Mapping[str, Any] | None, kwargs: Mapping[str, Any]) -> dict:
    # Keyword overrides spell dots as double underscores: kernel__slab="slub".
    merged = dict(overrides or {})
    for key, value in kwargs.items():
        merged[key.replace("__", ".")] = value
    return merged


def run(config: Any = None, out: "str | os.PathLike | None" = None, seed: int | None = None,
        name: str = "run", overrides: Mapping[str, Any] | None = None,
        **kwoverrides: Any) -> Results:
    """Runs one config (a YAML path or text, a dict, or None for the default)
    with overrides given as a dict of dotted keys or as keywords with ``__``
    for dots (``kernel__slab="slub"``). The GIL is released while it runs.
    Results go to ``out`` (a temporary file when None)."""
    args = to_native_args(config, _merge_overrides(overrides, kwoverrides), seed)
    path = _output_path(out)
    _native().run(args["files"], args["yaml_text"], args["source"], args["sets"], args["seed"],
                  path, name, "")
    return load(path)


def resolve(config: Any = None, seed: int | None = None,
            overrides: Mapping[str, Any] | None = None, **kwoverrides: Any) -> str:
    """The fully resolved config as YAML text (``allocsim validate``)."""
    args = to_native_args(config, _merge_overrides(overrides, kwoverrides), seed)
    return _native().resolve(args["files"], args["yaml_text"], args["source"], args["sets"],
                             args["seed"])
