"""allocsim.plot: every figure from small CLI-written files, and the command line.

Each figure is drawn to PNG and checked to be a real picture (a few KB, pixels that
vary) and to show the data asked for (the lines, bars or cells it should have).
The CLI (`python3 -m allocsim.plot`) writes a PDF and exits 2 with one line on bad
input.
"""

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[2]
try:
    import allocsim  # noqa: E402,F401
except ImportError as e:  # the package needs the native module _allocsim (build/python)
    pytest.skip(f"the allocsim package does not import: {e}", allow_module_level=True)

import matplotlib  # noqa: E402

matplotlib.use("Agg")
import matplotlib.image  # noqa: E402
from matplotlib.collections import QuadMesh  # noqa: E402

from allocsim import plot  # noqa: E402
from allocsim.results import load  # noqa: E402

PYTHON = sys.executable


@pytest.fixture(scope="module")
def files(cli, tmp_path_factory):
    d = tmp_path_factory.mktemp("plot")
    run = cli
    run("run", "-o", d / "run.h5", "--force", "-q", "--name", "one")
    run("sweep", "--grid", "kernel.slab=slab,slub", "--grid", "machine.cpus=2,4",
        "--grid", "kernel.slab_colouring=true,false", "-o", d / "sweep.h5", "-q")
    return {"run": d / "run.h5", "sweep": d / "sweep.h5"}


def _check_png(fig, path):
    plot.save(fig, path)
    assert path.stat().st_size > 8000
    img = matplotlib.image.imread(str(path))
    assert img.ndim == 3 and img.shape[0] > 300 and img.shape[1] > 300
    rgb = img[..., :3]
    assert rgb.var() > 0.001  # not blank
    # Some colour besides black, white and greys: the data is drawn in colour.
    spread = rgb.max(axis=2) - rgb.min(axis=2)
    assert (spread > 0.2).mean() > 0.001


def test_fragmentation(files, tmp_path):
    res = load(files["run"])
    fig = plot.fragmentation(res)
    ax = fig.axes[0]
    (mesh,) = [c for c in ax.collections if isinstance(c, QuadMesh)]
    fp = res.timeseries("free_pages", "one")
    n_times, n_orders = fp["time_us"].nunique(), fp["order"].nunique()
    cells = np.asarray(mesh.get_array()).reshape(n_orders, n_times)
    # The cells are free blocks summed over zones: the largest order at the first sample.
    first = fp[fp["cycles"] == fp["cycles"].min()]
    top = first[first["order"] == first["order"].max()]["free_blocks"].sum()
    assert cells[-1, 0] == top
    assert "µs" in ax.get_xlabel() and ax.get_ylabel() == "order"
    assert fig.axes[1].get_ylabel().startswith("free blocks")  # the colour bar
    _check_png(fig, tmp_path / "fragmentation.png")
    # A chosen run of a sweep file.
    run = load(files["sweep"]).runs[-1]
    fig = plot.fragmentation(files["sweep"], run=run)
    assert fig.axes[0].get_title(loc="left").replace("\n", "") == run


def test_latency_cdf(files, tmp_path):
    res = load(files["sweep"])
    fig = plot.latency_cdf(res, op="kmalloc")
    ax = fig.axes[0]
    lines = ax.get_lines()
    assert len(lines) == len(res.runs) == 8
    assert ax.get_xscale() == "log"
    for line in lines:
        y = line.get_ydata()
        assert y[-1] == 1.0 and np.all(np.diff(y) >= 0)
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels[0] == "slab=slab, cpus=2, slab_colouring=on"
    _check_png(fig, tmp_path / "latency.png")
    fig = plot.latency_cdf(res, op="free", runs=res.runs[:2])
    assert len(fig.axes[0].get_lines()) == 2
    with pytest.raises(KeyError):
        plot.latency_cdf(res, op="nosuch")


def test_scalability(files, tmp_path):
    res = load(files["sweep"])
    s = res.summary
    fig = plot.scalability(res)
    ax = fig.axes[0]
    lines = ax.get_lines()
    assert [l.get_label() for l in lines] == ["slab", "slub"]
    for line in lines:
        assert list(line.get_xdata()) == [2, 4]
        want = s[s["slab"] == line.get_label()].groupby("cpus")["ops_per_ms"].mean()
        assert np.allclose(line.get_ydata(), want.to_numpy())
    _check_png(fig, tmp_path / "scalability.png")
    fig = plot.scalability(res, lock_wait=True)
    assert len(fig.axes) == 2 and len(fig.axes[1].get_lines()) == 2  # dashed lock wait
    with pytest.raises(ValueError, match="nosuch"):
        plot.scalability(res, y="nosuch")


def test_colouring(files, tmp_path):
    res = load(files["sweep"])
    s = res.summary
    fig = plot.colouring(res)
    ax = fig.axes[0]
    bars = ax.patches
    assert len(bars) == 4  # colouring off/on x slab/slub
    assert [t.get_text() for t in ax.get_xticklabels()] == ["off", "on"]
    heights = sorted(round(b.get_height(), 12) for b in bars)
    want = sorted(round(v, 12) for v in s.groupby(["kernel.slab_colouring", "slab"])
                  ["l1d_miss_rate"].mean())
    assert heights == want
    _check_png(fig, tmp_path / "colouring.png")
    fig = plot.colouring(res, x="machine.cpus", y="llc_miss_rate", hue=None)
    assert len(fig.axes[0].patches) == 2


def test_numa(files, tmp_path):
    res = load(files["sweep"])
    s = res.summary
    fig = plot.numa(res, x="machine.cpus")
    ax = fig.axes[0]
    bars = ax.patches
    assert len(bars) == 4  # local and remote for 2 and 4 CPUs
    local, remote = bars[:2], bars[2:]
    for lo, re_, cpus in zip(local, remote, [2, 4]):
        assert lo.get_height() + re_.get_height() == pytest.approx(1.0)
        share = s[s["machine.cpus"] == cpus]["remote_access_share"].mean()
        assert re_.get_height() == pytest.approx(share)
    _check_png(fig, tmp_path / "numa.png")
    # Without x: the first swept key; for a single run, one bar pair.
    assert len(plot.numa(res).axes[0].patches) == 4
    assert len(plot.numa(files["run"]).axes[0].patches) == 2


def test_figures_draw_into_given_axes(files):
    from matplotlib.figure import Figure

    fig = Figure(figsize=(7, 5))
    axes = fig.subplots(2, 2).ravel()
    res = load(files["sweep"])
    assert plot.scalability(res, ax=axes[0]) is fig
    assert plot.colouring(res, ax=axes[1]) is fig
    assert plot.numa(res, ax=axes[2]) is fig
    assert plot.latency_cdf(res, runs=res.runs[0], ax=axes[3]) is fig
    assert all(a.has_data() for a in axes)


def _cli(*args):
    env = dict(os.environ)
    paths = [str(REPO / "analysis"), str(REPO / "build" / "python")]
    env["PYTHONPATH"] = os.pathsep.join(paths + [env.get("PYTHONPATH", "")])
    env["MPLBACKEND"] = "Agg"
    return subprocess.run([PYTHON, "-m", "allocsim.plot", *map(str, args)], capture_output=True,
                          text=True, env=env, timeout=120)


def test_cli_writes_pdf(files, tmp_path):
    out = tmp_path / "scal.pdf"
    p = _cli(files["sweep"], "--figure", "scalability", "-o", out, "--hue", "kernel.slab")
    assert p.returncode == 0, p.stderr
    data = out.read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 5000
    out = tmp_path / "frag.svg"
    p = _cli(files["sweep"], "--figure", "fragmentation", "--run", load(files["sweep"]).runs[1],
             "-o", out)
    assert p.returncode == 0, p.stderr
    assert b"<svg" in out.read_bytes()[:2000]


def test_cli_bad_figure_exits_2_with_one_line(files, tmp_path):
    out = tmp_path / "x.png"
    p = _cli(files["sweep"], "--figure", "nosuch", "-o", out)
    assert p.returncode == 2
    lines = p.stderr.strip().splitlines()
    assert len(lines) == 1 and "unknown figure 'nosuch'" in lines[0], p.stderr
    assert not out.exists()


@pytest.mark.parametrize("args, message", [
    (["--figure", "scalability", "--y", "nosuch"], "no y column 'nosuch'"),
    (["--figure", "colouring", "--hue", "nosuch"], "no hue column 'nosuch'"),
    (["--figure", "fragmentation", "--run", "nosuch"], "no complete run 'nosuch'"),
    (["--figure", "latency_cdf", "--op", "nosuch"], "no latency histogram 'nosuch'"),
    (["--figure", "numa", "--op", "kmalloc"], "--op does not apply"),
    (["--figure", "numa", "--format", "x"], "unrecognized arguments"),
    (["--figure", "numa", "-o", "x.jpg"], ".pdf, .png or .svg"),
])
def test_main_bad_input_exits_2_with_one_line(files, tmp_path, capsys, args, message):
    out = tmp_path / "x.png"
    if "-o" not in args:
        args = args + ["-o", str(out)]
    with pytest.raises(SystemExit) as e:
        plot.main([str(files["sweep"]), *args])
    assert e.value.code == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], lines
    assert not out.exists() and not (tmp_path / "x.jpg").exists()
