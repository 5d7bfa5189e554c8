"""allocsim.plot: every figure's properties, from small CLI-written files.

Beyond "a picture was written", each test checks what a reviewer would: the axis
scales and labels, that every series is drawn and none hides another (its own colour,
marker or dash, data inside the axes), the legend's entries and their order (the
sweep's, written as papers write them: SLUB, not slab=slub), no offset text ("1e9")
on an axis, how runs were combined (only across seeds; refused otherwise) and that
the caption says so, overlays of two files, and that matplotlib's global settings are
left alone. The CLI (`python3 -m allocsim.plot`) writes PDF/SVG, prints the caption,
refuses an existing output without --force, and exits 2 with one line on bad input.
"""

import subprocess
import sys
from pathlib import Path

import matplotlib
import matplotlib.image
import numpy as np
import pytest
from matplotlib.collections import QuadMesh
from matplotlib.colors import LogNorm
from matplotlib.container import ErrorbarContainer
from matplotlib.figure import Figure

from allocsim import plot
from allocsim.results import load

REPO = Path(__file__).resolve().parents[2]
# Sweep order on purpose not alphabetical: SLUB before SLAB.
SLABS = ["slub", "slab"]


@pytest.fixture(scope="module")
def files(cli, tmp_path_factory):
    d = tmp_path_factory.mktemp("plot")
    cli("run", "-o", d / "run.h5", "-q", "--name", "one")
    cli("sweep", "--set", "run.sample_interval=none", "--grid", "kernel.slab=slub,slab",
        "--grid", "machine.cpus=2,4", "--grid", "run.seed=1,2", "-o", d / "seeds.h5", "-q")
    cli("sweep", "--set", "run.sample_interval=none", "--set", "kernel.flavour=linux-2.6",
        "--grid", "kernel.slab=slub,slab", "--grid", "machine.cpus=2,4", "-o", d / "old.h5",
        "-q")
    return {"run": d / "run.h5", "seeds": d / "seeds.h5", "old": d / "old.h5"}


def _no_offset_text(fig):
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            assert axis.get_offset_text().get_text() == "", f"offset text on {ax.get_label()}"


def _legend(ax):
    legend = ax.get_legend()
    assert legend is not None, "no legend"
    return [t.get_text() for t in legend.get_texts()]


def _check_png(fig, path):
    plot.save(fig, path)
    img = matplotlib.image.imread(str(path))
    assert img.ndim == 3 and img.shape[0] > 300 and img.shape[1] > 300
    rgb = img[..., :3]
    assert rgb.var() > 0.001  # not blank
    spread = rgb.max(axis=2) - rgb.min(axis=2)
    assert (spread > 0.2).mean() > 0.001  # the data is drawn in colour


def _visible(line, ax):
    """Every point of a line inside the axes' view limits (so the line is drawn)."""
    x, y = np.asarray(line.get_xdata(), float), np.asarray(line.get_ydata(), float)
    (x0, x1), (y0, y1) = sorted(ax.get_xlim()), sorted(ax.get_ylim())
    return len(x) > 1 and np.all((x >= x0) & (x <= x1) & (y >= y0) & (y <= y1))


# -- latency ----------------------------------------------------------------------------


def test_latency_ccdf(files, tmp_path):
    res = load(files["old"])
    fig = plot.latency_ccdf(res, op="kmalloc")
    ax = fig.axes[0]
    assert (ax.get_xscale(), ax.get_yscale()) == ("log", "log")  # the tail shows
    assert ax.get_xlabel() == "kmalloc latency x (cycles)"
    assert ax.get_ylabel() == "share of operations taking ≥ x"
    lines = ax.get_lines()
    assert len(lines) == len(res.runs) == 4  # every run drawn
    assert len({(l.get_color(), l.get_marker(), l.get_linestyle()) for l in lines}) == 4
    for line in lines:
        assert _visible(line, ax), line.get_label()
        y = line.get_ydata()
        assert y[0] == 1.0 and np.all(np.diff(y) <= 0) and y[-1] > 0
    # The sweep's order, as a paper writes the settings.
    assert _legend(ax) == ["SLUB, 2 CPUs", "SLUB, 4 CPUs", "SLAB, 2 CPUs", "SLAB, 4 CPUs"]
    # The CCDF is the histogram's: the share at or above each bucket's lower bound.
    h = res.latency("kmalloc", res.runs[0]).groupby("lower_cycles")["count"].sum()
    expected = (h[::-1].cumsum()[::-1] / h.sum()).to_numpy()
    assert np.allclose(lines[0].get_ydata()[:-1], expected)
    assert "Complementary CDF of kmalloc latency" in fig.caption
    _no_offset_text(fig)
    _check_png(fig, tmp_path / "latency.png")
    fig = plot.latency_ccdf(res, op="free", runs=res.runs[:2])
    assert len(fig.axes[0].get_lines()) == 2
    with pytest.raises(KeyError):
        plot.latency_ccdf(res, op="nosuch")


def test_latency_overlay_of_two_files(files):
    fig = plot.latency_ccdf([files["seeds"], files["old"]], labels=["linux-6", "linux-2.6"],
                            runs=["kernel.slab=slab,machine.cpus=4",
                                  "kernel.slab=slab,machine.cpus=4,run.seed=1"])
    ax = fig.axes[0]
    assert _legend(ax) == ["linux-6: SLAB, 4 CPUs, seed 1", "linux-2.6: SLAB, 4 CPUs"]
    styles = [(l.get_color(), l.get_marker(), l.get_linestyle()) for l in ax.get_lines()]
    assert len(set(styles)) == 2
    assert "Overlaid files: linux-6" in fig.caption


# -- scalability ------------------------------------------------------------------------


def test_scalability_means_over_seeds_with_lock_wait_per_op(files, tmp_path):
    res = load(files["seeds"])
    s = res.summary
    fig = plot.scalability(res, lock_wait=True)
    top, bottom = fig.axes
    assert top.get_ylabel() == "throughput\n(operations/ms)"
    assert bottom.get_ylabel() == "lock wait\n(cycles/operation)"
    assert bottom.get_xlabel() == "CPUs" and top.get_yscale() == "linear"
    assert _legend(top) == ["SLUB", "SLAB"]  # the sweep's order
    assert top.get_legend().get_title().get_text() == "object allocator"
    for ax, y in ((top, s["ops_per_ms"]), (bottom, s["lock_wait_cycles"] / s["ops"])):
        bars = [c for c in ax.containers if isinstance(c, ErrorbarContainer)]
        assert len(bars) == 2 and all(c.has_yerr for c in bars)  # min-max over seeds
        for slab, c in zip(SLABS, bars):
            line = c.lines[0]
            assert list(line.get_xdata()) == [2, 4]
            want = y[s["slab"] == slab].groupby(s["cpus"]).mean()
            assert np.allclose(line.get_ydata(), want.to_numpy())
            assert _visible(line, ax)
    assert [t.get_text() for t in bottom.get_xticklabels()] == ["2", "4"]
    _no_offset_text(fig)
    assert all(t.get_text().endswith("k") or t.get_text() == "0"
               for t in top.get_yticklabels() if t.get_text())
    assert "mean of 2 runs (seeds 1, 2)" in fig.caption and "per operation" in fig.caption
    _check_png(fig, tmp_path / "scalability.png")


def test_scalability_refuses_to_average_different_configurations(files):
    with pytest.raises(plot.PlotError, match=r"kernel\.slab.*only runs that differ in their"):
        plot.scalability(files["seeds"], hue=None)
    with pytest.raises(ValueError, match="nosuch"):
        plot.scalability(files["seeds"], y="nosuch")


def test_scalability_overlays_two_sweeps(files):
    fig = plot.scalability([files["seeds"], files["old"]], labels=["linux-6", "linux-2.6"])
    ax = fig.axes[0]
    assert _legend(ax) == ["linux-6: SLUB", "linux-6: SLAB", "linux-2.6: SLUB", "linux-2.6: SLAB"]
    lines = [c.lines[0] for c in ax.containers]
    assert len(lines) == 4 and all(_visible(l, ax) for l in lines)
    assert {l.get_linestyle() for l in lines[:2]} != {l.get_linestyle() for l in lines[2:]}
    assert lines[0].get_color() == lines[2].get_color()  # SLUB is SLUB in both files
    assert "others are single runs" in fig.caption


# -- bars -----------------------------------------------------------------------------


def test_colouring(files, tmp_path):
    res = load(files["seeds"])
    s = res.summary
    fig = plot.colouring(res, x="machine.cpus", y="llc_miss_rate")
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["2", "4"]
    assert ax.get_xlabel() == "CPUs" and ax.get_ylabel() == "LLC miss rate"
    assert _legend(ax) == ["SLUB", "SLAB"]  # the sweep's order
    bars = ax.patches
    assert len(bars) == 4
    want = [s[(s["slab"] == slab) & (s["cpus"] == c)]["llc_miss_rate"].mean()
            for slab in SLABS for c in (2, 4)]
    assert np.allclose([b.get_height() for b in bars], want)
    assert len([c for c in ax.containers if isinstance(c, ErrorbarContainer)]) == 2
    assert "mean of 2 runs" in fig.caption
    _no_offset_text(fig)
    _check_png(fig, tmp_path / "colouring.png")
    with pytest.raises(plot.PlotError, match="kernel.slab"):
        plot.colouring(res, x="machine.cpus", hue=None)  # would average SLAB and SLUB


def test_numa_gives_each_cpu_count_a_panel(files, tmp_path):
    res = load(files["seeds"])
    s = res.summary
    fig = plot.numa(res, x="kernel.slab")
    assert len(fig.axes) == 2
    assert [a.get_title() for a in fig.axes] == ["2 CPUs", "4 CPUs"]
    for ax, cpus in zip(fig.axes, (2, 4)):
        assert [t.get_text() for t in ax.get_xticklabels()] == ["SLUB", "SLAB"]
        local, remote = ax.patches[:2], ax.patches[2:]
        for lo, re_, slab in zip(local, remote, SLABS):
            assert lo.get_height() + re_.get_height() == pytest.approx(1.0)
            share = s[(s["cpus"] == cpus) & (s["slab"] == slab)]["remote_access_share"].mean()
            assert re_.get_height() == pytest.approx(share)
    assert "one panel per CPU count" in fig.caption and "mean of 2 runs" in fig.caption
    _check_png(fig, tmp_path / "numa.png")
    with pytest.raises(plot.PlotError, match="kernel.slab"):
        plot.numa(res, x="machine.cpus")  # SLAB and SLUB in one bar
    assert len(plot.numa(files["run"]).axes[0].patches) == 2  # one run: one bar pair


# -- heatmap ----------------------------------------------------------------------------


def test_fragmentation(files, tmp_path):
    res = load(files["run"])
    fig = plot.fragmentation(res)
    ax = fig.axes[0]
    (mesh,) = [c for c in ax.collections if isinstance(c, QuadMesh)]
    assert isinstance(mesh.norm, LogNorm)
    fp = res.timeseries("free_pages", "one")
    n_times, n_orders = fp["time_us"].nunique(), fp["order"].nunique()
    cells = np.asarray(mesh.get_array()).reshape(n_orders, n_times)
    first = fp[fp["cycles"] == fp["cycles"].min()]
    top = first[first["order"] == first["order"].max()]["free_blocks"].sum()
    assert cells[-1, 0] == top
    assert ax.get_xlabel() == "simulated time (µs)" and ax.get_ylabel() == "order"
    assert [t.get_text() for t in ax.get_yticklabels()] == [str(o) for o in range(11)]
    assert fig.axes[1].get_ylabel() == "free blocks (all zones)"  # the colour bar
    _no_offset_text(fig)
    _check_png(fig, tmp_path / "fragmentation.png")
    run = load(files["seeds"]).runs[-1]
    fig = plot.fragmentation(files["seeds"], run=run)
    assert fig.axes[0].get_title(loc="left") == "SLAB, 4 CPUs, seed 2"


# -- style, axes, saving ------------------------------------------------------------------


def test_figures_leave_matplotlib_settings_alone(files, tmp_path):
    before = dict(matplotlib.rcParams)
    for fig in (plot.latency_ccdf(files["old"]), plot.numa(files["seeds"], x="kernel.slab"),
                plot.colouring(files["seeds"], x="machine.cpus"),
                plot.fragmentation(files["run"]),
                plot.scalability(files["seeds"], lock_wait=True)):
        # ... yet drawn in the figures' style.
        tick = fig.axes[0].get_yticklabels()[0]
        assert tick.get_fontfamily() == ["serif"] and tick.get_fontsize() == 7.5
    plot.save(fig, tmp_path / "x.pdf")
    assert dict(matplotlib.rcParams) == before
    pdf = (tmp_path / "x.pdf").read_bytes()
    assert b"/FontFile2" in pdf and b"/Type3" not in pdf  # embedded TrueType


def test_figures_draw_into_given_axes(files):
    fig = Figure(figsize=(7, 5))
    axes = fig.subplots(2, 2).ravel()
    assert plot.scalability(files["seeds"], ax=axes[0]) is fig
    assert plot.colouring(files["seeds"], x="machine.cpus", ax=axes[1]) is fig
    assert plot.numa(files["run"], ax=axes[2]) is fig
    assert plot.latency_ccdf(files["seeds"], runs=load(files["seeds"]).runs[0],
                             ax=axes[3]) is fig
    assert all(a.has_data() for a in axes)
    with pytest.raises(plot.PlotError, match="panels"):
        plot.numa(files["seeds"], x="kernel.slab", ax=axes[2])


# -- command line -------------------------------------------------------------------------


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "allocsim.plot", *map(str, args)],
                          capture_output=True, text=True, timeout=120)


def test_cli_writes_pdf_and_prints_the_caption_of_an_overlay(files, tmp_path):
    out = tmp_path / "scal.pdf"
    p = _cli(files["seeds"], files["old"], "--figure", "scalability", "-o", out, "--lock-wait",
             "--label", "linux-6", "--label", "linux-2.6")
    assert p.returncode == 0, p.stderr
    assert p.stdout.startswith("Throughput (operations/ms) against CPUs")
    assert "Overlaid files: linux-6" in p.stdout
    data = out.read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 5000


def test_main_refuses_an_existing_output_without_force(files, tmp_path, capsys):
    svg = tmp_path / "frag.svg"
    args = [str(files["seeds"]), "--figure", "fragmentation", "--run",
            load(files["seeds"]).runs[1], "-o", str(svg)]
    assert plot.main(args) == 0
    assert capsys.readouterr().out.startswith("Free blocks of each buddy order")
    data = svg.read_bytes()
    assert b"<svg" in data[:2000]
    with pytest.raises(SystemExit) as e:
        plot.main(args)
    assert e.value.code == 2 and "exists (use --force" in capsys.readouterr().err
    assert svg.read_bytes() == data
    assert plot.main(args[:4] + [load(files["seeds"]).runs[0]] + args[5:] + ["--force"]) == 0
    assert svg.read_bytes() != data


@pytest.mark.parametrize("args, message", [
    (["--figure", "nosuch"], "unknown figure 'nosuch'"),
    (["--figure", "scalability", "--y", "nosuch"], "no y column 'nosuch'"),
    (["--figure", "colouring", "--x", "machine.cpus", "--hue", "nosuch"], "no hue column 'nosuch'"),
    (["--figure", "fragmentation", "--run", "nosuch"], "no complete run 'nosuch'"),
    (["--figure", "latency_ccdf", "--op", "nosuch"], "no latency histogram 'nosuch'"),
    (["--figure", "numa", "--op", "kmalloc"], "--op does not apply"),
    (["--figure", "numa", "--x", "machine.cpus"], "averaging them would mix"),
    (["--figure", "numa", "--format", "x"], "unrecognized arguments"),
    (["--figure", "numa", "-o", "x.jpg"], ".pdf, .png or .svg"),
])
def test_main_bad_input_exits_2_with_one_line(files, tmp_path, capsys, args, message):
    out = tmp_path / "x.png"
    if "-o" not in args:
        args = args + ["-o", str(out)]
    with pytest.raises(SystemExit) as e:
        plot.main([str(files["seeds"]), *args])
    assert e.value.code == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], lines
    assert not out.exists() and not (tmp_path / "x.jpg").exists()
