"""Every statistic a results file can hold: :func:`stats_schema`.

The same list as ``allocsim stats --json``, generated from the one declaration of
each statistic in the C++ code (its component in the statistics tree, name, unit,
meaning and source) together with where it appears: summary columns, counters rows,
timeseries ``table.column`` and other tables' columns. Names with a placeholder in
angle brackets stand for a family: ``<op>.ops`` is ``kmalloc.ops``, ``free.ops``, ...;
``zone.<ZONE>.numa_hit`` is ``zone.Normal.numa_hit``, ...

The native module ``_allocsim`` answers when it imports; otherwise (analysis-only
installs, or ``ALLOCSIM_BACKEND=cli``) the CLI binary does (``$ALLOCSIM_BIN``, else
``<repo>/build/cli/allocsim``, else ``allocsim`` on PATH).
"""

from __future__ import annotations

import json
import os
import subprocess

import pandas as pd

from . import _native
from ._native import cli_binary

__all__ = ["stats_schema", "STATS_COLUMNS"]

#: The columns of :func:`stats_schema`'s DataFrame, in order.
STATS_COLUMNS = ["component", "name", "type", "unit", "meaning", "source", "summary",
                 "counters", "timeseries", "tables"]


def _native_schema():
    mod = _native.module()  # None when missing or hidden by ALLOCSIM_BACKEND=cli
    return mod.stats_schema() if mod is not None and hasattr(mod, "stats_schema") else None


def _cli_schema() -> list:
    binary = cli_binary()
    if not (binary.is_file() and os.access(binary, os.X_OK)):
        raise FileNotFoundError(
            f"allocsim.stats_schema() needs the native module _allocsim or the allocsim binary "
            f"(not found at {binary}; build it, or set ALLOCSIM_BIN)")
    p = subprocess.run([str(binary), "stats", "--json"], capture_output=True, text=True,
                       stdin=subprocess.DEVNULL, timeout=60)
    if p.returncode != 0:
        raise RuntimeError(f"{binary} stats --json: {p.stderr.strip() or p.returncode}")
    return json.loads(p.stdout)["statistics"]


def stats_schema() -> pd.DataFrame:
    """One row per statistic, grouped by component in the statistics tree's order.

    Columns: ``component`` (e.g. ``page_alloc.zone``), ``name`` (the statistic's
    name in its component), ``type`` (u64, i64, f64, str, or histogram), ``unit``,
    ``meaning``, ``source`` (the Linux counter or function it mirrors, the model
    code that counts it, or a formula), and four list-valued columns saying where it
    appears in a run's results: ``summary`` (columns), ``counters`` (row names),
    ``timeseries`` (``table.column``) and ``tables`` (``tables/exercise.ops``,
    ``latency/<op>.count``, ``events.latency_cycles``). A statistic with all four
    empty is counted but written to no results table.

        >>> s = allocsim.stats_schema()
        >>> s[s.summary.map(len) > 0][["name", "unit"]]
    """
    rows = _native_schema()
    if rows is None:
        rows = _cli_schema()
    frame = pd.DataFrame([{k: r[k] for k in STATS_COLUMNS} for r in rows], columns=STATS_COLUMNS)
    for col in ("summary", "counters", "timeseries", "tables"):
        frame[col] = frame[col].map(list)
    return frame
