"""The look of allocsim's figures, applied through a style context: colours, markers,
fonts, axis labels, how parameter values read in legends, and tick formatters.
Nothing here changes matplotlib's global settings."""

from __future__ import annotations

import functools
from typing import Any

import matplotlib
import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import Formatter

#: Colour-blind-safe qualitative colours (Okabe & Ito), in the order series take them.
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000",
           "#F0E442"]
MARKERS = ["o", "s", "^", "D", "v", "P", "X", "*"]
LINESTYLES = ["-", "--", "-.", ":"]

#: The style every figure is drawn in (a serif font at 7.5-9 pt, thin lines, a light
#: grid), set with ``matplotlib.rc_context`` while a figure is built.
STYLE = {
    "font.family": "serif",
    "font.serif": ["DejaVu Serif", "Times New Roman", "Times", "Liberation Serif"],
    "mathtext.fontset": "dejavuserif",
    "font.size": 8,
    "axes.titlesize": 8,
    "axes.labelsize": 8,
    "xtick.labelsize": 7.5,
    "ytick.labelsize": 7.5,
    "legend.fontsize": 7,
    "legend.title_fontsize": 7,
    "legend.frameon": False,
    "lines.linewidth": 1.0,
    "lines.markersize": 3.5,
    "errorbar.capsize": 2,
    "patch.linewidth": 0.5,
    "axes.linewidth": 0.6,
    "axes.grid": True,
    "axes.axisbelow": True,
    "axes.formatter.useoffset": False,
    "grid.color": "#e0e0e0",
    "grid.linewidth": 0.4,
    "xtick.major.width": 0.6,
    "ytick.major.width": 0.6,
    "xtick.minor.width": 0.4,
    "ytick.minor.width": 0.4,
    "image.cmap": "viridis",
    "figure.dpi": 100,
}

#: What saving needs: embedded TrueType fonts (PDF, PostScript), text as paths (SVG).
SAVE_STYLE = {"pdf.fonttype": 42, "ps.fonttype": 42, "svg.fonttype": "path"}

#: Axis and legend-title labels for well-known summary fields and config keys.
LABELS = {
    "cpus": "CPUs",
    "nodes": "NUMA nodes",
    "machine.cpus": "CPUs",
    "machine.nodes": "NUMA nodes",
    "ops_per_ms": "throughput (operations/ms)",
    "lock_wait_cycles": "lock wait (cycles)",
    "lock_wait_per_op": "lock wait (cycles/operation)",
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
    "run.seed": "seed",
    "seed": "seed",
    "simulated_ns": "simulated time (ns)",
    "slab_overhead": "slab memory overhead",
    "c2c_transfers": "cache-to-cache transfers",
}

_UPPER = {"slab", "slub", "slob"}  # allocator names, written as the papers write them


def label(key: str | None) -> str:
    """An axis or legend-title label for a field or config key."""
    if key is None:
        return ""
    return LABELS.get(key, LABELS.get(key.rsplit(".", 1)[-1], key))


def _number(v: Any) -> str:
    if isinstance(v, (float, np.floating)) and float(v).is_integer():
        return str(int(v))
    return str(v)


def value(key: str | None, v: Any) -> str:
    """A parameter value as a tick label or a legend entry under a titled legend:
    ``SLUB``, ``on``/``off``, ``4``."""
    if isinstance(v, (bool, np.bool_)):
        return "on" if v else "off"
    if isinstance(v, str) and v.lower() in _UPPER:
        return v.upper()
    return _number(v)


def setting(key: str, v: Any) -> str:
    """A parameter value that stands alone (a run's legend entry): ``SLUB``,
    ``4 CPUs``, ``slab colouring off``, ``seed 3``; else the key's last part and the
    value, ``threads=4``."""
    short = key.rsplit(".", 1)[-1]
    if isinstance(v, (bool, np.bool_)):
        return f"{label(key)} {'on' if v else 'off'}"
    if isinstance(v, str) and v.lower() in _UPPER:
        return v.upper()
    if short in ("cpus", "nodes"):
        n = _number(v)
        noun = "CPU" if short == "cpus" else "node"
        return f"{n} {noun}{'' if n == '1' else 's'}"
    if short in ("seed", "flavour"):
        return f"seed {_number(v)}" if short == "seed" else str(v)
    return f"{short}={_number(v)}"


class Compact(Formatter):
    """Tick labels without an offset or an exponent above the axis: from 10 000 up, every
    label of the axis in the same unit of thousands (``20k``, ``1.5M``, ``3G``)."""

    _SCALES = ((1e12, "T"), (1e9, "G"), (1e6, "M"), (1e4, "k"))

    def __init__(self):
        self.div, self.suffix = 1.0, ""

    def set_locs(self, locs):
        super().set_locs(locs)
        top = max((abs(v) for v in locs), default=0.0)
        self.div, self.suffix = 1.0, ""
        for div, suffix in self._SCALES:
            if top >= div:
                self.div, self.suffix = (1e3 if suffix == "k" else div), suffix
                break

    def __call__(self, x, pos=None):
        if x == 0:
            return "0"
        return f"{x / self.div:.4g}{self.suffix}"


def compact() -> Compact:
    """A :class:`Compact` formatter for one axis."""
    return Compact()


def styled(draw):
    """Builds a figure function's figure inside the style context, lays it out, and
    creates its tick labels there too (they are made lazily at the first draw)."""

    @functools.wraps(draw)
    def wrapper(*args, **kwargs):
        with matplotlib.rc_context(STYLE):
            fig = draw(*args, **kwargs)
            fig.draw_without_rendering()
        return fig

    return wrapper


def new_figure(width: float = 3.4, height: float = 2.4, rows: int | None = None,
               cols: int = 1, **subplots) -> tuple:
    """A figure (no pyplot state) and its axes: one, or with `rows`, an array of
    rows x cols."""
    fig = Figure(figsize=(width, height), layout="constrained")
    if rows is None:
        return fig, fig.add_subplot()
    return fig, fig.subplots(rows, cols, squeeze=False, **subplots)
