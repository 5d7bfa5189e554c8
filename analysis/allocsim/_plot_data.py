"""What the figures draw: several results files combined (overlays), and runs grouped
for a point, a bar or a line, with the rule that only runs differing in their seed
are averaged (anything else would mix configurations in one mark)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

import pandas as pd

from .results import Results, _parameter_columns, load

SEEDS = ("run.seed", "seed")
#: Summary fields that say what ran; runs averaged together must agree on them.
IDENTITY = ("workload", "flavour", "slab", "arch", "cpus", "nodes")
SOURCE = "file"  # the column naming a run's results file when several are overlaid


class PlotError(ValueError):
    """Data a figure needs is missing or cannot be drawn as asked."""


@dataclass
class Source:
    results: Results
    label: str


def sources(results: Any, labels: Sequence[str] | None = None) -> list:
    """One or several results files (paths or :class:`Results`) with a label each:
    `labels`, else the file names without ``.h5`` (made unique)."""
    items = list(results) if isinstance(results, (list, tuple)) else [results]
    if not items:
        raise PlotError("no results file given")
    loaded = [r if isinstance(r, Results) else load(r) for r in items]
    if labels is not None:
        if len(labels) != len(loaded):
            raise PlotError(f"{len(labels)} labels for {len(loaded)} results files")
        names = [str(x) for x in labels]
    else:
        names = [Path(r.path).stem for r in loaded]
        if len(set(names)) < len(names):
            names = [os.path.relpath(r.path) for r in loaded]
    return [Source(r, n) for r, n in zip(loaded, names)]


def parameters(srcs: list) -> list:
    """The swept keys of every source, in sweep order, first source first."""
    keys: list = []
    for s in srcs:
        keys += [k for k in _parameter_columns(s.results) if k not in keys]
    return keys


def summary(srcs: list) -> pd.DataFrame:
    """Every source's summary, one row per run: a ``run`` column and, the sources'
    order kept, a ``file`` column with the source's label."""
    frames = []
    for s in srcs:
        f = s.results.summary.reset_index()
        f.insert(0, SOURCE, s.label)
        frames.append(f)
    return pd.concat(frames, ignore_index=True, sort=False)


def require(frame: pd.DataFrame, col: str | None, what: str, srcs: list) -> None:
    if col is None or col in frame.columns:
        return
    params = parameters(srcs)
    others = [c for c in frame.columns if c not in params and c not in (SOURCE, "run")]
    shown = ", ".join(others[:12]) + (", ..." if len(others) > 12 else "")
    raise PlotError(f"no {what} column {col!r} in the summary of "
                    f"{', '.join(s.results.path for s in srcs)} (swept parameters: "
                    f"{', '.join(params) or 'none'}; fields: {shown})")


def in_order(values) -> list:
    """Distinct values in the order they first come (a sweep's order), NaN left out."""
    return list(dict.fromkeys(v for v in values if not (isinstance(v, float) and v != v)))


def sorted_if_numbers(values) -> list:
    vals = in_order(values)
    if vals and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in vals):
        return sorted(vals)
    return vals


def _varying(frame: pd.DataFrame, by: list, columns: list) -> list:
    out = []
    for col in columns:
        if col in by or col not in frame.columns:
            continue
        counts = frame.groupby(by, sort=False, dropna=False)[col].nunique(dropna=False)
        if (counts > 1).any():
            out.append(col)
    return out


def check_averaged(frame: pd.DataFrame, by: list, srcs: list, what: str) -> None:
    """Refuses to put runs that differ in more than their seed into one mark."""
    candidates = [k for k in parameters(srcs) + list(IDENTITY) if k not in SEEDS]
    varying = _varying(frame, by, candidates)
    if varying:
        shown = ", ".join(f"{k} ({', '.join(map(str, in_order(frame[k])))})"
                          for k in varying[:3])
        raise PlotError(f"{what}: runs drawn as one {'point' if by else 'mark'} differ in "
                        f"{shown}; averaging them would mix configurations (only runs that "
                        f"differ in their seed are averaged). Give the key as hue= or x=, "
                        f"or select the runs first")


def aggregate(frame: pd.DataFrame, by: list, y: str) -> pd.DataFrame:
    """Per group: mean, min, max and the number of runs of `y`, groups in order."""
    g = frame.groupby(by, sort=False, dropna=False)[y]
    out = pd.DataFrame({"mean": g.mean(), "min": g.min(), "max": g.max(), "n": g.size()})
    return out.reset_index()


def seeds_note(frame: pd.DataFrame, agg: pd.DataFrame, what: str = "point") -> str:
    """A caption sentence on how runs were combined."""
    n = int(agg["n"].max()) if len(agg) else 1
    if n <= 1:
        return f"One run per {what}."
    seed = next((k for k in ("seed", "run.seed") if k in frame.columns), None)
    seeds = in_order(frame[seed]) if seed else []
    listed = f" (seeds {', '.join(map(str, seeds))})" if 1 < len(seeds) <= 8 else ""
    if int(agg["n"].min()) != n:
        listed = f"; seeds {', '.join(map(str, seeds))}" if 1 < len(seeds) <= 8 else ""
    if int(agg["n"].min()) == n:
        return (f"Each {what} is the mean of {n} runs{listed} that differ only in their "
                f"seed; error bars span the smallest and largest run.")
    return (f"A {what} of several runs that differ only in their seed (up to {n}{listed}) "
            f"is their mean, with error bars from the smallest to the largest run; the "
            f"others are single runs.")
