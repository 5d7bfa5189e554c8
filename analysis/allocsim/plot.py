"""Figures from allocsim results files, in one consistent style.

Each function takes a :class:`allocsim.Results` (or a path), draws into `ax` (or a new
figure) and returns the matplotlib Figure:

* :func:`fragmentation`: free blocks per buddy order over time (a heatmap);
* :func:`latency_cdf`: the latency CDF of one operation, a line per run;
* :func:`scalability`: throughput (and optionally lock wait) against CPU count;
* :func:`colouring`: cache misses with slab colouring on and off (grouped bars);
* :func:`numa`: the local / remote share of memory accesses (stacked bars).

From the shell::

    python3 -m allocsim.plot OUT.h5 --figure scalability -o fig.pdf [--x cpus --y ops_per_ms --hue slab]

PDF and SVG output is vector (fonts embedded as TrueType); PNG is 300 dpi. The
style (:func:`_style`) sets matplotlib's rcParams when a figure is made.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any, Iterable, Sequence

import matplotlib

if ("matplotlib.pyplot" not in sys.modules and not os.environ.get("MPLBACKEND")
        and not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY")):
    matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.colors import LogNorm, Normalize  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from .results import Results, load  # noqa: E402

__all__ = ["fragmentation", "latency_cdf", "scalability", "colouring", "numa", "save", "main",
           "FIGURES", "PlotError"]

#: Colour-blind-safe qualitative colours (Okabe & Ito), in the order lines take them.
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442",
           "#000000"]
MARKERS = ["o", "s", "^", "D", "v", "P", "X", "*"]

#: Axis labels for well-known summary fields.
LABELS = {
    "cpus": "CPUs",
    "nodes": "NUMA nodes",
    "machine.cpus": "CPUs",
    "machine.nodes": "NUMA nodes",
    "ops_per_ms": "throughput (operations/ms)",
    "lock_wait_cycles": "lock wait (cycles)",
    "l1d_miss_rate": "L1D miss rate",
    "l2_miss_rate": "L2 miss rate",
    "llc_miss_rate": "LLC miss rate",
    "remote_access_share": "remote share of memory accesses",
    "kernel.slab_colouring": "slab colouring",
    "kernel.slab": "object allocator",
    "slab": "object allocator",
    "kernel.pcp": "per-CPU page lists",
    "kernel.mobility_grouping": "mobility grouping",
    "kernel.flavour": "kernel",
    "flavour": "kernel",
    "simulated_ns": "simulated time (ns)",
    "slab_overhead": "slab memory overhead",
    "c2c_transfers": "cache-to-cache transfers",
}


class PlotError(ValueError):
    """Data a figure needs is missing (a column, a run, an operation)."""


def _style() -> None:
    """The figures' look: a serif font at 8-9 pt, thin lines, a light grid, embedded fonts."""
    from cycler import cycler

    matplotlib.rcParams.update({
        "font.family": "serif",
        "font.serif": ["DejaVu Serif", "Times New Roman", "Times", "Liberation Serif"],
        "mathtext.fontset": "dejavuserif",
        "font.size": 8,
        "axes.titlesize": 9,
        "axes.labelsize": 8,
        "xtick.labelsize": 7.5,
        "ytick.labelsize": 7.5,
        "legend.fontsize": 7,
        "legend.frameon": False,
        "lines.linewidth": 1.0,
        "lines.markersize": 3.5,
        "patch.linewidth": 0.5,
        "axes.linewidth": 0.6,
        "axes.grid": True,
        "axes.axisbelow": True,
        "axes.prop_cycle": cycler(color=PALETTE),
        "grid.color": "#e0e0e0",
        "grid.linewidth": 0.4,
        "xtick.major.width": 0.6,
        "ytick.major.width": 0.6,
        "xtick.minor.width": 0.4,
        "ytick.minor.width": 0.4,
        "image.cmap": "viridis",
        "figure.dpi": 100,
        "savefig.dpi": 300,
        "savefig.bbox": "tight",
        "savefig.pad_inches": 0.02,
        "pdf.fonttype": 42,
        "ps.fonttype": 42,
        "svg.fonttype": "path",
    })


def _results(results: Results | str | os.PathLike) -> Results:
    return results if isinstance(results, Results) else load(results)


def _axes(ax, size=(3.4, 2.4)):
    """`ax` and its figure, or a new styled figure with one axes (no pyplot state)."""
    _style()
    if ax is not None:
        return ax.figure, ax
    fig = Figure(figsize=size, layout="constrained")
    return fig, fig.add_subplot()


def _label(col: str) -> str:
    return LABELS.get(col, col)


def _require(frame: pd.DataFrame, col: str | None, what: str, results: Results) -> None:
    if col is None or col in frame.columns:
        return
    params = _parameter_columns(results)
    others = [c for c in frame.columns if c not in params]
    shown = ", ".join(others[:12]) + (", ..." if len(others) > 12 else "")
    raise PlotError(f"no {what} column {col!r} in the summary of {results.path} "
                    f"(swept parameters: {', '.join(params) or 'none'}; fields: {shown})")


def _parameter_columns(results: Results) -> list:
    table = results.sweep_table
    if table is not None:
        return [c for c in table.columns if c not in ("index", "run", "status")]
    keys: list = []
    for r in results.runs:
        keys += [k for k in results.parameters(r) if k not in keys]
    return keys


def _value_text(v: Any) -> str:
    if isinstance(v, (bool, np.bool_)):
        return "on" if v else "off"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def _ordered(values: Iterable) -> list:
    """Distinct values, sorted when they compare (numbers, text), else as they come."""
    uniq = list(dict.fromkeys(v for v in values if not (isinstance(v, float) and np.isnan(v))))
    try:
        return sorted(uniq)
    except TypeError:
        return uniq


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


def _run_labels(results: Results, runs: Sequence[str]) -> dict:
    """Short legend labels for sweep runs: the parameters that differ between `runs`,
    keys shortened to their last component ("slab=slub, cpus=4"); else the run names."""
    params = {r: results.parameters(r) for r in runs}
    keys: list = []
    for p in params.values():
        keys += [k for k in p if k not in keys]
    varying = [k for k in keys if len({repr(p.get(k)) for p in params.values()}) > 1]
    if not varying or len(runs) < 2:
        return {r: r for r in runs}
    short = {k: k.rsplit(".", 1)[-1] for k in varying}
    if len(set(short.values())) < len(short):
        short = {k: k for k in varying}
    labels = {r: ", ".join(f"{short[k]}={_value_text(params[r].get(k, '-'))}" for k in varying)
              for r in runs}
    return labels if len(set(labels.values())) == len(runs) else {r: r for r in runs}


def _edges(centres: np.ndarray) -> np.ndarray:
    """Cell edges around sorted sample times (which need not be evenly spaced)."""
    c = np.asarray(centres, dtype=float)
    if len(c) == 1:
        half = max(abs(c[0]) * 0.05, 0.5)
        return np.array([c[0] - half, c[0] + half])
    mids = (c[:-1] + c[1:]) / 2
    return np.concatenate([[c[0] - (mids[0] - c[0])], mids, [c[-1] + (c[-1] - mids[-1])]])


# -- figures --------------------------------------------------------------------------


def fragmentation(results, run: str | None = None, ax=None) -> Figure:
    """Free blocks per buddy order over time, summed over every zone of every node:
    a heatmap (x: simulated time in µs, y: order, colour: free blocks, log scale).
    `run` defaults to the file's first run."""
    res = _results(results)
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
    data = np.ma.masked_less_equal(counts, 0) if positive.size else counts
    cmap = matplotlib.colormaps["viridis"].copy()
    cmap.set_bad("#f4f4f4")
    mesh = ax.pcolormesh(_edges(times), _edges(orders), data, norm=norm, cmap=cmap,
                         shading="flat", rasterized=True)
    cb = fig.colorbar(mesh, ax=ax, pad=0.02)
    cb.set_label("free blocks (all zones)")
    cb.outline.set_linewidth(0.5)
    ax.set_xlabel("simulated time (µs)")
    ax.set_ylabel("order")
    ax.set_yticks(orders)
    ax.set_yticklabels([str(int(o)) for o in orders])
    ax.grid(False)
    ax.set_title(_wrap(run), loc="left", fontsize=7)
    return fig


def latency_cdf(results, op: str = "kmalloc", runs: Sequence[str] | str | None = None,
                ax=None) -> Figure:
    """The CDF of `op`'s latency (from the histograms, over all CPUs), a line per run
    (every run by default); x: cycles, log scale."""
    res = _results(results)
    cdf = res.latency_cdf(op, runs)
    if cdf.empty:
        raise PlotError(f"operation {op!r} never ran in {res.path}")
    names = list(dict.fromkeys(cdf["run"]))
    labels = _run_labels(res, names)
    below = len(names) > 4  # a legend under the axes, one run a line
    fig, ax = _axes(ax, size=(3.4, 2.4 + (0.13 * len(names) if below else 0)))
    for i, r in enumerate(names):
        part = cdf[cdf["run"] == r]
        x = np.maximum(part["cycles"].to_numpy(dtype=float), 1.0)
        y = part["cdf"].to_numpy(dtype=float)
        ax.step(np.concatenate([[x[0]], x]), np.concatenate([[0.0], y]), where="post",
                label=labels[r], color=PALETTE[i % len(PALETTE)],
                linestyle=["-", "--", ":", "-."][(i // len(PALETTE)) % 4])
    ax.set_xscale("log")
    ax.set_ylim(0, 1.02)
    ax.set_xlabel(f"{op} latency (cycles)")
    ax.set_ylabel("cumulative share of operations")
    if below:
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.22), ncol=1, fontsize=6)
    elif len(names) > 1:
        ax.legend(loc="lower right", fontsize=6)
    else:
        ax.set_title(_wrap(names[0]), loc="left", fontsize=7)
    return fig


def _lines(ax, frame: pd.DataFrame, x: str, y: str, hue: str | None, style: str = "-",
           label_suffix: str = "", markers: bool = True) -> None:
    groups = [(None, frame)] if hue is None else [
        (h, frame[frame[hue] == h]) for h in _ordered(frame[hue])]
    for i, (h, part) in enumerate(groups):
        line = part.groupby(x)[y].mean().sort_index()
        label = (_value_text(h) if h is not None else _label(y)) + label_suffix
        ax.plot(line.index.to_numpy(), line.to_numpy(dtype=float), linestyle=style,
                marker=MARKERS[i % len(MARKERS)] if markers else None,
                color=PALETTE[i % len(PALETTE)], label=label)


def _int_ticks(ax, values) -> None:
    vals = _ordered(values)
    if 0 < len(vals) <= 12 and all(float(v).is_integer() for v in vals):
        ax.set_xticks([float(v) for v in vals])
        ax.set_xticklabels([_value_text(float(v)) for v in vals])


def scalability(results, x: str = "cpus", y: str = "ops_per_ms", hue: str | None = "slab",
                ax=None, lock_wait: bool = False) -> Figure:
    """`y` (throughput by default) against `x` (the CPU count), a line per value of
    `hue`; runs with the same x and hue are averaged. ``lock_wait=True`` adds the
    total lock wait (``lock_wait_cycles``) as dashed lines on a right-hand axis."""
    res = _results(results)
    s = res.summary
    for col, what in ((x, "x"), (y, "y"), (hue, "hue")):
        _require(s, col, what, res)
    if lock_wait:
        _require(s, "lock_wait_cycles", "lock wait", res)
    fig, ax = _axes(ax)
    _lines(ax, s, x, y, hue)
    ax.set_xlabel(_label(x))
    ax.set_ylabel(_label(y))
    ax.set_ylim(bottom=0)
    _int_ticks(ax, s[x])
    handles, labels = ax.get_legend_handles_labels()
    legend_ax = ax
    if lock_wait:
        twin = legend_ax = ax.twinx()  # drawn over ax: the legend goes on it
        twin.grid(False)
        _lines(twin, s, x, "lock_wait_cycles", hue, style="--", label_suffix=" (lock wait)",
               markers=False)
        twin.set_ylabel(_label("lock_wait_cycles") + ", dashed")
        twin.set_ylim(bottom=0)
        h2, l2 = twin.get_legend_handles_labels()
        handles, labels = handles + h2, labels + l2
    if hue is not None or lock_wait:
        legend_ax.legend(handles, labels, title=_label(hue) if hue else None, title_fontsize=7)
    return fig


def colouring(results, x: str = "kernel.slab_colouring", y: str = "l1d_miss_rate",
              hue: str | None = "slab", ax=None) -> Figure:
    """Grouped bars of `y` (the L1D miss rate by default) for each value of `x` (slab
    colouring on/off, or a colour count), a bar per value of `hue` in each group;
    runs with the same x and hue are averaged."""
    res = _results(results)
    s = res.summary
    for col, what in ((x, "x"), (y, "y"), (hue, "hue")):
        _require(s, col, what, res)
    fig, ax = _axes(ax)
    groups = _ordered(s[x])
    hues = [None] if hue is None else _ordered(s[hue])
    width = 0.8 / len(hues)
    for j, h in enumerate(hues):
        part = s if h is None else s[s[hue] == h]
        means = part.groupby(x)[y].mean()
        heights = [float(means.get(g, np.nan)) for g in groups]
        pos = np.arange(len(groups)) - 0.4 + width * (j + 0.5)
        ax.bar(pos, heights, width * 0.92, color=PALETTE[j % len(PALETTE)],
               edgecolor="black", linewidth=0.4,
               label=_value_text(h) if h is not None else _label(y))
    ax.set_xticks(np.arange(len(groups)))
    ax.set_xticklabels([_value_text(g) for g in groups])
    ax.set_xlabel(_label(x))
    ax.set_ylabel(_label(y))
    ax.grid(False, axis="x")
    if hue is not None:  # above the axes, clear of the bars
        ax.legend(loc="lower right", bbox_to_anchor=(1.0, 1.0), ncol=min(len(hues), 4),
                  borderaxespad=0.2)
    return fig


def numa(results, x: str | None = None, ax=None) -> Figure:
    """Stacked bars of the local and remote shares of memory accesses
    (``remote_access_share``) for each value of `x` (default: the first swept
    parameter; a bar per run when the file is not a sweep). Runs with the same x
    are averaged."""
    res = _results(results)
    s = res.summary
    _require(s, "remote_access_share", "remote share", res)
    if x is None:
        params = _parameter_columns(res)
        x = params[0] if params and params[0] in s.columns else None
    _require(s, x, "x", res)
    if x is None:
        remote = s["remote_access_share"].astype(float)
        labels = list(s.index)
    else:
        remote = s.groupby(x)["remote_access_share"].mean()
        order = _ordered(s[x])
        remote = remote.reindex(order)
        labels = [_value_text(v) for v in order]
    remote = remote.to_numpy(dtype=float)
    fig, ax = _axes(ax)
    pos = np.arange(len(labels))
    ax.bar(pos, 1.0 - remote, 0.7, color=PALETTE[0], edgecolor="black", linewidth=0.4,
           label="local")
    ax.bar(pos, remote, 0.7, bottom=1.0 - remote, color=PALETTE[1], edgecolor="black",
           linewidth=0.4, label="remote")
    ax.set_xticks(pos)
    ax.set_xticklabels(labels, rotation=0 if max(map(len, labels), default=0) <= 8 else 30,
                       ha="center" if max(map(len, labels), default=0) <= 8 else "right")
    ax.set_xlabel(_label(x) if x else "run")
    ax.set_ylabel("share of memory accesses")
    ax.set_ylim(0, 1.0)
    ax.grid(False, axis="x")
    ax.legend(loc="lower right", bbox_to_anchor=(1.0, 1.0), ncol=2, borderaxespad=0.2)
    return fig


FIGURES = {
    "fragmentation": fragmentation,
    "latency_cdf": latency_cdf,
    "scalability": scalability,
    "colouring": colouring,
    "numa": numa,
}

FORMATS = ("pdf", "png", "svg")


def save(fig: Figure, path: str | os.PathLike) -> None:
    """Writes `fig` to `path` (.pdf, .svg: vector; .png: 300 dpi)."""
    fmt = os.path.splitext(os.fspath(path))[1].lstrip(".").lower()
    if fmt not in FORMATS:
        raise PlotError(f"cannot write {os.fspath(path)!r}: the output is .pdf, .png or .svg")
    fig.savefig(path, format=fmt)


# -- command line ---------------------------------------------------------------------


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, exit status 2
        self.exit(2, f"{self.prog}: error: {message}\n")


# The options each figure takes (beyond the file, --figure and -o).
_OPTIONS = {
    "fragmentation": {"run"},
    "latency_cdf": {"run", "op"},
    "scalability": {"x", "y", "hue"},
    "colouring": {"x", "y", "hue"},
    "numa": {"x"},
}


def main(argv: Sequence[str] | None = None) -> int:
    p = _Parser(prog="python3 -m allocsim.plot",
                description="Draws a figure from an allocsim results file.")
    p.add_argument("results", help="results file (allocsim run -o / allocsim sweep)")
    p.add_argument("--figure", required=True, metavar="NAME",
                   help="one of: " + ", ".join(FIGURES))
    p.add_argument("-o", "--output", required=True, metavar="FILE",
                   help="output file: .pdf, .svg (vector) or .png")
    p.add_argument("--run", action="append", metavar="NAME",
                   help="run to draw (fragmentation: one; latency_cdf: repeatable)")
    p.add_argument("--op", help="operation for latency_cdf (default kmalloc)")
    p.add_argument("--x", help="x column (a summary field or swept key)")
    p.add_argument("--y", help="y column (scalability, colouring)")
    p.add_argument("--hue", help="column giving a line/bar per value ('none': one)")
    a = p.parse_args(argv)

    if a.figure not in FIGURES:
        p.error(f"unknown figure {a.figure!r} (choose from {', '.join(FIGURES)})")
    fmt = os.path.splitext(a.output)[1].lstrip(".").lower()
    if fmt not in FORMATS:
        p.error(f"output {a.output!r}: the file name must end in .pdf, .png or .svg")
    given = {k for k in ("run", "op", "x", "y", "hue") if getattr(a, k) is not None}
    extra = given - _OPTIONS[a.figure]
    if extra:
        p.error(f"--{sorted(extra)[0]} does not apply to figure {a.figure}")
    kwargs: dict = {}
    if a.figure == "fragmentation" and a.run:
        if len(a.run) > 1:
            p.error("fragmentation draws one run (give --run once)")
        kwargs["run"] = a.run[0]
    if a.figure == "latency_cdf":
        if a.run:
            kwargs["runs"] = a.run
        if a.op:
            kwargs["op"] = a.op
    for k in ("x", "y", "hue"):
        if getattr(a, k) is not None:
            v = getattr(a, k)
            kwargs[k] = None if (k == "hue" and v.lower() == "none") else v
    try:
        res = load(a.results)
        fig = FIGURES[a.figure](res, **kwargs)
        save(fig, a.output)
    except KeyError as e:
        p.error(str(e.args[0]) if e.args else str(e))
    except (ValueError, OSError) as e:
        p.error(str(e))
    return 0


if __name__ == "__main__":
    sys.exit(main())
