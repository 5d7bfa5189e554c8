"""allocsim: a discrete-event SMP/NUMA simulator of the Linux page and object
allocators, from Python.

    sim = allocsim.Simulator("configs/x.yaml", overrides={"kernel.slab": "slub"})
    res = allocsim.run(None, kernel__slab="slab")        # one run -> Results
    res = allocsim.load("out.h5")                         # .summary, .timeseries(...), ...
    df = allocsim.sweep(None, grid={"kernel.slab": ["slab", "slub"]})
    allocsim.stats_schema()                               # every statistic: unit, meaning, where

``pip install .`` in the repository builds the C++ core (the extension module
``allocsim._allocsim`` and the ``allocsim`` binary) and installs it with this package
(docs/tutorial.md). Without the extension (or with ``ALLOCSIM_BACKEND=cli``) the
package still reads and plots results files.
"""

from __future__ import annotations

import os
from typing import Any, Mapping

from . import _native as _native_parts
from ._output import write_results as _write_results
from .config import override_text, to_native_args
from .gfp import GFP, gfp_text
from .results import Results, load
from .stats import stats_schema
from .sweep import sweep

_core = _native_parts.module()

if _core is None:  # an analysis-only install: results files can be loaded and plotted

    class ConfigError(ValueError):
        """A bad config (raised by the native module when it is built)."""

    class AllocatorError(RuntimeError):
        """A bad free (raised by the native module when it is built)."""

    __version__ = "unknown"

    class Simulator:
        """Needs the C++ module: constructing one says how to get it."""

        def __init__(self, *args, **kwargs):
            _native_parts.require("allocsim.Simulator")
else:
    from .simulator import Simulator

    __version__ = _core.version
    ConfigError = _core.ConfigError
    AllocatorError = _core.AllocatorError

__all__ = ["Simulator", "GFP", "ConfigError", "AllocatorError", "Results", "load", "run",
           "sweep", "resolve", "run_name", "stats_schema", "override_text", "gfp_text",
           "slab_designs", "__version__"]


def _merge_overrides(overrides: Mapping[str, Any] | None, kwargs: Mapping[str, Any]) -> dict:
    # Keyword overrides spell dots as double underscores: kernel__slab="slub".
    merged = dict(overrides or {})
    for key, value in kwargs.items():
        merged[key.replace("__", ".")] = value
    return merged


def run_name(config: Any = None) -> str:
    """The name :func:`run` (and ``allocsim run`` without ``--name``) gives a run of
    `config`: the last config file's stem (``workloads/larson.yaml`` gives ``larson``),
    else ``default`` (also for YAML text and dicts)."""
    files = to_native_args(config)["files"]
    return _native_parts.require("allocsim.run_name").default_run_name(files)


def run(config: Any = None, out: "str | os.PathLike | None" = None, seed: int | None = None,
        name: str | None = None, overrides: Mapping[str, Any] | None = None,
        overwrite: bool = False, **kwoverrides: Any) -> Results:
    """Runs one config (a YAML path or text, a dict, or None for the default)
    with overrides given as a dict of dotted keys or as keywords with ``__``
    for dots (``kernel__slab="slub"``). The GIL is released while it runs.

    Results go to ``out`` (a temporary file when None), written whole or not at all;
    an existing ``out`` is an error (FileExistsError) unless ``overwrite=True``, as
    ``allocsim run -o OUT`` without ``--force``. The run is named as ``allocsim run``
    names it (:func:`run_name`) unless ``name`` is given."""
    native = _native_parts.require("allocsim.run")
    args = to_native_args(config, _merge_overrides(overrides, kwoverrides), seed)
    if name is None:
        name = native.default_run_name(args["files"])

    def write(path: str) -> None:
        native.run(args["files"], args["yaml_text"], args["source"], args["sets"], args["seed"],
                   path, name, "")

    return load(_write_results(out, overwrite, write))


def slab_designs() -> list[dict]:
    """The designs ``kernel.slab`` accepts (the C++ registry), each a dict with ``name``,
    ``display_name``, ``proc_slabinfo`` and ``removed_in`` (the Linux release that removed
    it; empty for linux-6.18's SLUB and the research designs, which every flavour runs)."""
    return _native_parts.require("allocsim.slab_designs").slab_designs()


def resolve(config: Any = None, seed: int | None = None,
            overrides: Mapping[str, Any] | None = None, **kwoverrides: Any) -> str:
    """The fully resolved config as YAML text (``allocsim validate``)."""
    args = to_native_args(config, _merge_overrides(overrides, kwoverrides), seed)
    return _native_parts.require("allocsim.resolve").resolve(
        args["files"], args["yaml_text"], args["source"], args["sets"], args["seed"])
