"""Figures from allocsim results files, in one consistent style.

Each function takes a :class:`allocsim.Results` or a path, or a list of them to overlay
several files (``labels=`` names them; default: the file names), draws into `ax` (or a
new figure) and returns the matplotlib Figure. The figure's ``caption`` attribute is a
caption for it: what is drawn and how runs were combined.

* :func:`fragmentation`: free blocks per buddy order over time (a heatmap; one run);
* :func:`latency_ccdf`: the share of operations that took at least x cycles, a line per
  run (log-log, so the tails where allocators differ show);
* :func:`scalability`: throughput (and lock wait per operation) against CPU count;
* :func:`colouring`: cache misses with slab colouring on and off (grouped bars);
* :func:`numa`: the local / remote share of memory accesses (stacked bars).

Only runs that differ in their seed are averaged into one point or bar (mean, with
error bars from the smallest to the largest run); runs that differ otherwise must be
told apart (``hue=``, ``x=``, separate panels) or the figure refuses with
:class:`PlotError`. Categories keep the order of the sweep. The style is applied with
``matplotlib.rc_context``: global ``matplotlib.rcParams`` are never changed.

From the shell::

    python3 -m allocsim.plot OUT.h5 [MORE.h5 ...] --figure scalability -o fig.pdf [--force]

:func:`save` writes PDF and SVG as vector (fonts embedded as TrueType), PNG at 300 dpi.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any, Sequence

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.colors import LogNorm, Normalize
from matplotlib.figure import Figure

from . import _plot_data as data
from . import _plot_style as style
from ._plot_data import PlotError
from .results import Results, load

__all__ = ["fragmentation", "latency_ccdf", "scalability", "colouring", "numa", "save", "main",
           "FIGURES", "PlotError"]

SOURCE = data.SOURCE


def _axes(ax, width: float = 3.4, height: float = 2.4):
    """`ax` and its figure, or a new figure with one axes."""
    if ax is not None:
        return ax.figure, ax
    return style.new_figure(width, height)


def _finish(fig: Figure, caption: str) -> Figure:
    fig.caption = caption
    return fig


def _wrap(name: str, width: int = 48) -> str:
    """A run name for a title: broken after commas to lines of about `width`."""
    lines, line = [], ""
    for part in name.split(","):
        piece = part if not line else "," + part
        if line and len(line) + len(piece) > width:
            lines.append(line + ",")
            line = part
        else:
            line += piece
    return "\n".join(lines + [line])


def _edges(centres: np.ndarray) -> np.ndarray:
    """Cell edges around sorted sample times (which need not be evenly spaced)."""
    c = np.asarray(centres, dtype=float)
    if len(c) == 1:
        half = max(abs(c[0]) * 0.05, 0.5)
        return np.array([c[0] - half, c[0] + half])
    mids = (c[:-1] + c[1:]) / 2
    return np.concatenate([[c[0] - (mids[0] - c[0])], mids, [c[-1] + (c[-1] - mids[-1])]])


def _series_style(i: int, j: int = 0) -> dict:
    """Series i (of file j when overlaying): a colour and a marker of its own, and a
    line style (and, from the second file on, open markers) per file, so that no
    series hides another."""
    st = dict(color=style.PALETTE[i % len(style.PALETTE)],
              marker=style.MARKERS[i % len(style.MARKERS)],
              linestyle=style.LINESTYLES[(j + i // len(style.PALETTE)) % len(style.LINESTYLES)])
    if j % 2:
        st["markerfacecolor"] = "white"
    return st


def _sources_note(srcs: list) -> str:
    if len(srcs) < 2:
        return ""
    return " Overlaid files: " + "; ".join(f"{s.label} ({s.results.path})" for s in srcs) + "."


# -- fragmentation --------------------------------------------------------------------


@style.styled
def fragmentation(results, run: str | None = None, ax=None) -> Figure:
    """Free blocks per buddy order over time, summed over every zone of every node:
    a heatmap (x: simulated time in µs, y: order, colour: free blocks, log scale).
    `run` defaults to the file's first run. One file only."""
    srcs = data.sources(results)
    if len(srcs) != 1:
        raise PlotError("fragmentation draws one run of one file")
    res = srcs[0].results
    if run is None:
        runs = res.runs
        if not runs:
            raise PlotError(f"{res.path}: no complete runs")
        run = runs[0]
    ts = res.timeseries("free_pages", run)
    if ts.empty:
        raise PlotError(f"run {run!r} has no free_pages samples")
    grid = ts.groupby(["order", "time_us"])["free_blocks"].sum().unstack("time_us").sort_index()
    grid = grid.reindex(columns=sorted(grid.columns)).fillna(0)
    orders = grid.index.to_numpy(dtype=float)
    times = grid.columns.to_numpy(dtype=float)
    counts = grid.to_numpy(dtype=float)

    fig, ax = _axes(ax)
    positive = counts[counts > 0]
    if positive.size:
        norm = LogNorm(vmin=max(positive.min(), 1.0), vmax=max(positive.max(), 1.0 + 1e-9))
    else:
        norm = Normalize(vmin=0, vmax=1)
    shown = np.ma.masked_less_equal(counts, 0) if positive.size else counts
    cmap = matplotlib.colormaps["viridis"].copy()
    cmap.set_bad("#f4f4f4")
    mesh = ax.pcolormesh(_edges(times), _edges(orders), shown, norm=norm, cmap=cmap,
                         shading="flat", rasterized=True)
    cb = fig.colorbar(mesh, ax=ax, pad=0.02)
    cb.set_label("free blocks (all zones)")
    cb.outline.set_linewidth(0.5)
    ax.set_xlabel("simulated time (µs)")
    ax.set_ylabel("order")
    ax.set_yticks(orders)
    ax.set_yticklabels([str(int(o)) for o in orders])
    ax.xaxis.set_major_formatter(style.compact())
    ax.grid(False)
    params = res.parameters(run)
    title = ", ".join(style.setting(k, v) for k, v in params.items()) if params else run
    ax.set_title(_wrap(title), loc="left", fontsize=7)
    return _finish(fig, f"Free blocks of each buddy order over simulated time in run {run} "
                        f"of {res.path}, summed over every zone of every node (colour: log "
                        f"scale; grey: none free).")


# -- latency --------------------------------------------------------------------------


def _ccdf(hist: pd.DataFrame) -> tuple:
    """Step coordinates of a histogram's CCDF: at each bucket's lower bound, the share
    of operations that took at least that long; the last step ends at the top bucket's
    upper bound."""
    h = hist.groupby(["lower_cycles", "upper_cycles"])["count"].sum().reset_index()
    h = h.sort_values("lower_cycles")
    counts = h["count"].to_numpy(dtype=float)
    total = counts.sum()
    at_least = (total - np.concatenate([[0.0], np.cumsum(counts)[:-1]])) / total
    x = np.maximum(h["lower_cycles"].to_numpy(dtype=float), 1.0)
    x = np.append(x, max(float(h["upper_cycles"].iloc[-1]), x[-1]) + 1.0)
    return x, np.append(at_least, at_least[-1])


def _run_labels(res: Results, runs: Sequence[str]) -> dict:
    """Legend entries for runs: the settings that differ between them (``SLUB, 4 CPUs``),
    else the run names."""
    params = {r: res.parameters(r) for r in runs}
    keys: list = []
    for p in params.values():
        keys += [k for k in p if k not in keys]
    varying = [k for k in keys if len({repr(p.get(k)) for p in params.values()}) > 1]
    if len(runs) == 1:  # all of its settings
        varying = keys
    if not varying:
        return {r: r for r in runs}
    labels = {r: ", ".join(style.setting(k, params[r][k]) if k in params[r] else f"{k} unset"
                           for k in varying) for r in runs}
    return labels if len(set(labels.values())) == len(runs) else {r: r for r in runs}


@style.styled
def latency_ccdf(results, op: str = "kmalloc", runs: Sequence[str] | str | None = None,
                 ax=None, labels: Sequence[str] | None = None) -> Figure:
    """The complementary CDF of `op`'s latency over all CPUs (from the latency
    histograms), a line per run (every run by default; `runs` selects in every file):
    x the latency in cycles, y the share of operations that took at least that long,
    both log scales, so that the tail, where allocators differ, is as visible as the
    median. Each line has its own colour, marker and dash."""
    srcs = data.sources(results, labels)
    wanted = [runs] if isinstance(runs, str) else runs
    series = []  # (source index, label, histogram)
    for j, s in enumerate(srcs):
        names = s.results.runs if wanted is None else [r for r in wanted if r in s.results.runs]
        if not names:
            continue
        hist = s.results.latency(op, names)
        names = [r for r in names if r in set(hist["run"])]
        run_labels = _run_labels(s.results, names)
        for r in names:
            text = run_labels[r] if len(srcs) == 1 else f"{s.label}: {run_labels[r]}"
            series.append((j, text, hist[hist["run"] == r]))
    if not series:
        where = ", ".join(s.results.path for s in srcs)
        raise PlotError(f"operation {op!r} never ran in {where}"
                        + (f" (runs {', '.join(wanted)})" if wanted else ""))
    # A legend under the axes, an entry a line, when it would cover the lines.
    below = len(series) > 4 or max(len(text) for _, text, _ in series) > 24
    fig, ax = _axes(ax, height=2.4 + (0.13 * len(series) if below else 0))
    lowest = 1.0
    for i, (j, text, hist) in enumerate(series):
        x, y = _ccdf(hist)
        lowest = min(lowest, y.min())
        every = max(1, len(x) // 6)
        ax.step(x, y, where="post", label=text, markevery=(i % every, every),
                **_series_style(i, j))
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_ylim(lowest / 2, 1.3)
    ax.set_xlabel(f"{op} latency x (cycles)")
    ax.set_ylabel("share of operations taking ≥ x")
    if below:
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.22), ncol=1, fontsize=6)
    elif len(series) > 1:
        ax.legend(loc="lower left", fontsize=6)
    else:
        ax.set_title(_wrap(series[0][1]), loc="left", fontsize=7)
    caption = (f"Complementary CDF of {op} latency over all CPUs, one line per run: the "
               f"share of {op} operations that took at least x cycles (log scales, from the "
               f"runs' latency histograms).")
    return _finish(fig, caption + _sources_note(srcs))


# -- lines and bars of summary fields ---------------------------------------------------


def _frame(results, labels, columns: dict):
    """The combined summary, checked to have `columns` ({col: what})."""
    srcs = data.sources(results, labels)
    s = data.summary(srcs)
    for col, what in columns.items():
        data.require(s, col, what, srcs)
    return srcs, s


def _series_keys(s: pd.DataFrame, hue: str | None, srcs: list) -> list:
    """The (file, hue value) of each line or bar colour, in the sweep's order."""
    cols = [SOURCE] + ([hue] if hue else [])
    return list(dict.fromkeys(map(tuple, s[cols].itertuples(index=False, name=None))))


def _series_label(key: tuple, hue: str | None, srcs: list) -> str:
    parts = [key[0]] if len(srcs) > 1 else []
    if hue is not None:
        parts.append(style.value(hue, key[1]))
    return ": ".join(parts) if parts else ""


def _int_ticks(ax, values) -> None:
    vals = data.sorted_if_numbers(values)
    if 0 < len(vals) <= 12 and all(float(v).is_integer() for v in vals):
        ax.set_xticks([float(v) for v in vals])
        ax.set_xticklabels([style.value(None, float(v)) for v in vals])


def _draw_lines(ax, s, x, y, hue, srcs) -> tuple:
    """A line per (file, hue value): the mean of each x's runs, with error bars from the
    smallest to the largest when there are several. Returns the aggregated points and
    the legend's (handles, labels) in the sweep's order."""
    agg = data.aggregate(s, [SOURCE] + ([hue] if hue else []) + [x], y)
    hues = data.in_order(s[hue]) if hue else [None]
    files = [src.label for src in srcs]
    handles, labels = [], []
    for key in _series_keys(s, hue, srcs):
        part = agg[(agg[SOURCE] == key[0]) & ((agg[hue] == key[1]) if hue else True)]
        part = part.sort_values(x)
        xs = part[x].to_numpy(dtype=float)
        mean = part["mean"].to_numpy(dtype=float)
        err = None
        if (part["n"] > 1).any():
            err = np.vstack([mean - part["min"].to_numpy(dtype=float),
                             part["max"].to_numpy(dtype=float) - mean])
        st = _series_style(hues.index(key[1] if hue else None), files.index(key[0]))
        handles.append(ax.errorbar(xs, mean, yerr=err, **st))
        labels.append(_series_label(key, hue, srcs) or style.label(y))
    return agg, handles, labels


@style.styled
def scalability(results, x: str = "cpus", y: str = "ops_per_ms", hue: str | None = "slab",
                ax=None, lock_wait: bool = False,
                labels: Sequence[str] | None = None) -> Figure:
    """`y` (throughput by default) against `x` (the CPU count), a line per value of
    `hue` (and per file when overlaying), in the sweep's order. Runs with the same x
    and hue are averaged only if they differ in nothing but their seed (mean, error
    bars from the smallest to the largest). ``lock_wait=True`` adds a panel below:
    the lock wait per operation (``lock_wait_cycles / ops``), comparable between runs
    of any length."""
    need = {x: "x", y: "y", hue: "hue"}
    if lock_wait:
        need.update({"lock_wait_cycles": "lock wait", "ops": "operations"})
    srcs, s = _frame(results, labels, need)
    by = [SOURCE] + ([hue] if hue else []) + [x]
    data.check_averaged(s, by, srcs, "scalability")
    if lock_wait:
        s = s.assign(lock_wait_per_op=s["lock_wait_cycles"] / s["ops"].where(s["ops"] > 0))
        if ax is not None:
            raise PlotError("scalability(lock_wait=True) draws two panels: give no ax")
        fig, axes = style.new_figure(3.4, 3.6, rows=2, sharex=True)
        top, bottom = axes[0, 0], axes[1, 0]
    else:
        fig, top = _axes(ax)
        bottom = None
    agg, handles, entries = _draw_lines(top, s, x, y, hue, srcs)
    stacked = (lambda text: text.replace(" (", "\n(")) if bottom is not None else str
    top.set_ylabel(stacked(style.label(y)))
    top.set_ylim(bottom=0)
    top.yaxis.set_major_formatter(style.compact())
    panels = [top]
    if bottom is not None:
        _draw_lines(bottom, s, x, "lock_wait_per_op", hue, srcs)
        bottom.set_ylabel(stacked(style.label("lock_wait_per_op")))
        fig.align_ylabels([top, bottom])
        bottom.set_ylim(bottom=0)
        bottom.yaxis.set_major_formatter(style.compact())
        panels.append(bottom)
    panels[-1].set_xlabel(style.label(x))
    _int_ticks(panels[-1], s[x])
    if hue is not None or len(srcs) > 1:
        _legend_above(top, handles, entries, style.label(hue) if hue else None)
    what = f"{style.label(y)} against {style.label(x)}"
    if hue:
        what += f", one line per {style.label(hue)}"
    caption = what[0].upper() + what[1:] + "."
    if lock_wait:
        caption += (" Below: time spent waiting for spinlocks per operation (lock wait "
                    "cycles of all CPUs divided by the operations done).")
    caption += " " + data.seeds_note(s, agg) + _sources_note(srcs)
    return _finish(fig, caption)


def _legend_above(ax, handles, labels, title) -> None:
    """The legend above the axes, entries in the given order, a row of up to three
    (two when the entries are long)."""
    ncol = min(len(labels), 3 if max(map(len, labels), default=0) <= 12 else 2)
    ax.legend(handles, labels, title=title, loc="lower center", bbox_to_anchor=(0.5, 1.01),
              ncol=ncol, borderaxespad=0.0, columnspacing=1.2, handlelength=2.2)


def _bars(ax, s, x, y, hue, srcs) -> pd.DataFrame:
    groups = data.in_order(s[x])
    keys = _series_keys(s, hue, srcs)
    agg = data.aggregate(s, [SOURCE] + ([hue] if hue else []) + [x], y)
    width = 0.8 / len(keys)
    for j, key in enumerate(keys):
        part = agg[(agg[SOURCE] == key[0]) & ((agg[hue] == key[1]) if hue else True)]
        rows = {g: part[part[x] == g] for g in groups}
        heights = [float(r["mean"].iloc[0]) if len(r) else np.nan for r in rows.values()]
        pos = np.arange(len(groups)) - 0.4 + width * (j + 0.5)
        err = None
        if (part["n"] > 1).any():
            lo = [h - float(r["min"].iloc[0]) if len(r) else 0 for h, r in zip(heights,
                                                                                rows.values())]
            hi = [float(r["max"].iloc[0]) - h if len(r) else 0 for h, r in zip(heights,
                                                                                rows.values())]
            err = np.vstack([lo, hi])
        ax.bar(pos, heights, width * 0.92, yerr=err, color=style.PALETTE[j % len(style.PALETTE)],
               edgecolor="black", linewidth=0.4, ecolor="black",
               hatch=["", "////", "....", "xxxx"][(j // len(style.PALETTE)) % 4],
               label=_series_label(key, hue, srcs) or style.label(y))
    ax.set_xticks(np.arange(len(groups)))
    ax.set_xticklabels([style.value(x, g) for g in groups])
    return agg


@style.styled
def colouring(results, x: str = "kernel.slab_colouring", y: str = "l1d_miss_rate",
              hue: str | None = "slab", ax=None, labels: Sequence[str] | None = None) -> Figure:
    """Grouped bars of `y` (the L1D miss rate by default) for each value of `x` (slab
    colouring on/off, or a colour count), a bar per value of `hue` (and per file when
    overlaying) in each group, in the sweep's order. Runs are averaged only across
    seeds (mean; error bars from the smallest to the largest)."""
    srcs, s = _frame(results, labels, {x: "x", y: "y", hue: "hue"})
    data.check_averaged(s, [SOURCE] + ([hue] if hue else []) + [x], srcs, "colouring")
    fig, ax = _axes(ax)
    agg = _bars(ax, s, x, y, hue, srcs)
    ax.set_xlabel(style.label(x))
    ax.set_ylabel(style.label(y))
    ax.yaxis.set_major_formatter(style.compact())
    ax.grid(False, axis="x")
    if hue is not None or len(srcs) > 1:  # above the axes, clear of the bars
        handles, entries = ax.get_legend_handles_labels()  # bars only: in drawing order
        _legend_above(ax, handles, entries, style.label(hue) if hue else None)
    caption = (f"{style.label(y)[0].upper() + style.label(y)[1:]} by {style.label(x)}"
               + (f", one bar per {style.label(hue)}" if hue else "") + ". "
               + data.seeds_note(s, agg, "bar") + _sources_note(srcs))
    return _finish(fig, caption)


def _numa_panels(s: pd.DataFrame, x: str, srcs: list) -> list:
    """The panels of the NUMA figure: one per file and per CPU count when the runs of
    one bar would otherwise have different CPU counts."""
    keys = [SOURCE] if len(srcs) > 1 else []
    if "cpus" in s.columns and x != "cpus" and \
            (s.groupby([SOURCE, x], sort=False)["cpus"].nunique() > 1).any():
        keys.append("cpus")
    return keys


@style.styled
def numa(results, x: str | None = None, ax=None, labels: Sequence[str] | None = None) -> Figure:
    """Stacked bars of the local and remote shares of memory accesses
    (``remote_access_share``) for each value of `x` (default: the first swept
    parameter; a bar per run when the files are not sweeps), in the sweep's order.
    Runs with different CPU counts are never averaged into one bar: they get a panel
    each (as does each file when overlaying); other differences are refused. Runs that
    differ only in their seed are averaged (mean; error bars from the smallest to the
    largest remote share)."""
    srcs = data.sources(results, labels)
    s = data.summary(srcs)
    data.require(s, "remote_access_share", "remote share", srcs)
    if x is None:
        params = [p for p in data.parameters(srcs) if p not in data.SEEDS and p in s.columns]
        x = params[0] if params else "run"
    data.require(s, x, "x", srcs)
    facets = _numa_panels(s, x, srcs)
    data.check_averaged(s, [SOURCE, *facets, x], srcs, "numa")
    panels = list(dict.fromkeys(map(tuple, s[facets].itertuples(index=False, name=None)))) \
        if facets else [()]
    if ax is not None and len(panels) > 1:
        raise PlotError(f"numa: the runs need {len(panels)} panels ({', '.join(facets)} "
                        f"differ): give no ax")
    if ax is not None:
        fig, axes = ax.figure, [ax]
    else:
        fig, grid = style.new_figure(min(3.4 * len(panels), 7.0), 2.4, rows=1,
                                     cols=len(panels), sharey=True)
        axes = list(grid[0])
    agg_all = []
    for k, (panel, pax) in enumerate(zip(panels, axes)):
        part = s
        for col, v in zip(facets, panel):
            part = part[part[col] == v]
        agg = data.aggregate(part, [x], "remote_access_share")
        agg_all.append(agg)
        remote = agg["mean"].to_numpy(dtype=float)
        pos = np.arange(len(agg))
        err = None
        if (agg["n"] > 1).any():
            err = np.vstack([remote - agg["min"].to_numpy(dtype=float),
                             agg["max"].to_numpy(dtype=float) - remote])
        pax.bar(pos, 1.0 - remote, 0.7, color=style.PALETTE[0], edgecolor="black",
                linewidth=0.4, label="local", yerr=None if err is None else err[::-1],
                ecolor="black")  # at the boundary: local = 1 - remote
        pax.bar(pos, remote, 0.7, bottom=1.0 - remote, color=style.PALETTE[1],
                edgecolor="black", linewidth=0.4, hatch="////", label="remote")
        ticks = [style.value(x, v) for v in agg[x]]
        long = max(map(len, ticks), default=0) > 8
        pax.set_xticks(pos)
        pax.set_xticklabels(ticks, rotation=30 if long else 0, ha="right" if long else "center")
        pax.set_xlabel(style.label(x) if x != "run" else "run")
        pax.set_ylim(0, 1.0)
        pax.grid(False, axis="x")
        if panel:
            pax.set_title(", ".join(style.setting(c, v) if c != SOURCE else str(v)
                                    for c, v in zip(facets, panel)), fontsize=7)
        if k == 0:
            pax.set_ylabel("share of memory accesses")
    axes[-1].legend(loc="lower right", bbox_to_anchor=(1.0, 1.0 if not facets else 1.08),
                    ncol=2, borderaxespad=0.2)
    caption = (f"Local and remote (hatched) shares of the memory accesses (DRAM reads) for "
               f"each {style.label(x) if x != 'run' else 'run'}")
    if facets:
        caption += "; one panel per " + " and ".join(
            "CPU count" if f == "cpus" else "file" for f in facets)
    caption += ". " + data.seeds_note(s, pd.concat(agg_all), "bar") + _sources_note(srcs)
    return _finish(fig, caption)


FIGURES = {
    "fragmentation": fragmentation,
    "latency_ccdf": latency_ccdf,
    "scalability": scalability,
    "colouring": colouring,
    "numa": numa,
}

FORMATS = ("pdf", "png", "svg")


def save(fig: Figure, path: str | os.PathLike) -> None:
    """Writes `fig` to `path`: .pdf and .svg as vector graphics (TrueType fonts
    embedded in PDF), .png at 300 dpi; trimmed to the drawing."""
    fmt = os.path.splitext(os.fspath(path))[1].lstrip(".").lower()
    if fmt not in FORMATS:
        raise PlotError(f"cannot write {os.fspath(path)!r}: the output is .pdf, .png or .svg")
    with matplotlib.rc_context(style.SAVE_STYLE):
        fig.savefig(path, format=fmt, dpi=300, bbox_inches="tight", pad_inches=0.02)


# -- command line ---------------------------------------------------------------------


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, exit status 2
        self.exit(2, f"{self.prog}: error: {message}\n")


# The options each figure takes (beyond the files, --figure, -o and --label).
_OPTIONS = {
    "fragmentation": {"run"},
    "latency_ccdf": {"run", "op"},
    "scalability": {"x", "y", "hue", "lock_wait"},
    "colouring": {"x", "y", "hue"},
    "numa": {"x"},
}


def _kwargs(a, p) -> dict:
    kwargs: dict = {}
    if a.figure == "fragmentation" and a.run:
        if len(a.run) > 1:
            p.error("fragmentation draws one run (give --run once)")
        kwargs["run"] = a.run[0]
    if a.figure == "latency_ccdf":
        if a.run:
            kwargs["runs"] = a.run
        if a.op:
            kwargs["op"] = a.op
    for k in ("x", "y", "hue"):
        if getattr(a, k) is not None:
            v = getattr(a, k)
            kwargs[k] = None if (k == "hue" and v.lower() == "none") else v
    if a.lock_wait:
        kwargs["lock_wait"] = True
    if a.label and a.figure != "fragmentation":
        kwargs["labels"] = a.label
    return kwargs


def main(argv: Sequence[str] | None = None) -> int:
    p = _Parser(prog="python3 -m allocsim.plot",
                description="Draws a figure from allocsim results files (several: overlaid) "
                            "and prints its caption.")
    p.add_argument("results", nargs="+", help="results files (allocsim run -o / sweep)")
    p.add_argument("--figure", required=True, metavar="NAME",
                   help="one of: " + ", ".join(FIGURES))
    p.add_argument("-o", "--output", required=True, metavar="FILE",
                   help="output file: .pdf, .svg (vector) or .png")
    p.add_argument("--force", action="store_true", help="overwrite an existing output file")
    p.add_argument("--label", action="append", metavar="NAME",
                   help="the legend name of each results file, in order (default: file names)")
    p.add_argument("--run", action="append", metavar="NAME",
                   help="run to draw (fragmentation: one; latency_ccdf: repeatable)")
    p.add_argument("--op", help="operation for latency_ccdf (default kmalloc)")
    p.add_argument("--x", help="x column (a summary field or swept key)")
    p.add_argument("--y", help="y column (scalability, colouring)")
    p.add_argument("--hue", help="column giving a line/bar per value ('none': one)")
    p.add_argument("--lock-wait", action="store_true",
                   help="scalability: add the lock wait per operation")
    a = p.parse_args(argv)

    if a.figure not in FIGURES:
        p.error(f"unknown figure {a.figure!r} (choose from {', '.join(FIGURES)})")
    fmt = os.path.splitext(a.output)[1].lstrip(".").lower()
    if fmt not in FORMATS:
        p.error(f"output {a.output!r}: the file name must end in .pdf, .png or .svg")
    if os.path.exists(a.output) and not a.force:
        p.error(f"{a.output}: exists (use --force to overwrite it)")
    given = {k for k in ("run", "op", "x", "y", "hue") if getattr(a, k) is not None}
    given |= {"lock_wait"} if a.lock_wait else set()
    extra = given - _OPTIONS[a.figure]
    if extra:
        p.error(f"--{sorted(extra)[0].replace('_', '-')} does not apply to figure {a.figure}")
    if a.figure == "fragmentation" and len(a.results) > 1:
        p.error("fragmentation draws one run of one file")
    kwargs = _kwargs(a, p)
    try:
        files: Any = [load(f) for f in a.results]
        fig = FIGURES[a.figure](files if len(files) > 1 else files[0], **kwargs)
        save(fig, a.output)
    except KeyError as e:
        p.error(str(e.args[0]) if e.args else str(e))
    except (ValueError, OSError) as e:
        p.error(str(e))
    print(fig.caption)
    return 0


if __name__ == "__main__":
    sys.exit(main())
