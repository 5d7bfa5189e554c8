"""Every script of examples/ runs with --small and writes its figures.

Each example runs as a subprocess (``sys.executable examples/X.py --small --out
TMP``) that imports the installed allocsim package, as its sweep and Dask worker
processes do.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

import allocsim

# The test command installs the package with its native module: a missing one
# is a failure here, never a silent skip.
assert allocsim._native.module() is not None, allocsim._native.why_missing()

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

# script -> the figures it must write (with the default --format pdf)
FIGURES = {
    "colouring_study.py": ["colouring.pdf"],
    "scalability_study.py": ["scalability-objects.pdf", "scalability-pages.pdf"],
    "fragmentation_study.py": ["fragmentation-grouping-on.pdf",
                               "fragmentation-grouping-off.pdf"],
    "numa_study.py": ["numa.pdf"],
    "dask_sweep.py": ["dask-latency.pdf"],
    "stepwise.py": ["stepwise-kmalloc-ccdf.pdf"],
}


def test_every_example_is_listed():
    assert sorted(p.name for p in EXAMPLES.glob("[!_]*.py")) == sorted(FIGURES)


@pytest.mark.parametrize("script", sorted(FIGURES))
def test_example_runs_small(script, tmp_path):
    if script == "dask_sweep.py":
        pytest.importorskip("distributed", reason="Dask distributed is not installed")
    env = dict(os.environ, MPLBACKEND="Agg")
    out = tmp_path / "out"
    p = subprocess.run([sys.executable, str(EXAMPLES / script), "--small", "--out", str(out)],
                       cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120,
                       stdin=subprocess.DEVNULL)
    assert p.returncode == 0, (f"{script} exited {p.returncode}\n"
                               f"stdout:\n{p.stdout}\nstderr:\n{p.stderr}")
    assert p.stdout.strip(), f"{script} printed nothing"
    for name in FIGURES[script]:
        fig = out / name
        assert fig.is_file(), f"{script} did not write {name} (wrote: {sorted(os.listdir(out))})"
        assert fig.stat().st_size > 0, f"{script} wrote an empty {name}"
    assert list(out.glob("*.h5")), f"{script} wrote no results file"
    if script in CLAIMS:
        CLAIMS[script](out)


def _scalability_claims(out):
    """What the docstring of scalability_study.py says --small shows."""
    for name, key, cached, uncached in (("objects", "slab", ["slab", "slub"], ["slob"]),
                                        ("pages", "kernel.pcp", [True], [False])):
        s = allocsim.load(out / f"scalability-{name}.h5").summary
        ops = s.pivot_table(index="cpus", columns=key, values="ops_per_ms")
        wait = (s.assign(w=s["lock_wait_cycles"] / s["ops"])
                .pivot_table(index="cpus", columns=key, values="w"))
        for v in cached:  # grows close to linearly; a few cycles of lock wait per operation
            assert 3.1 <= ops.loc[4, v] / ops.loc[1, v] <= 4.0, (name, v, ops[v])
            assert wait[v].max() < 5, (name, v, wait[v])
        for v in uncached:  # falls to a seventh or less; ~1000 cycles, then several 1000
            assert ops.loc[2, v] <= ops.loc[1, v] / 7 and ops.loc[4, v] <= ops.loc[1, v] / 7
            assert 500 <= wait.loc[2, v] < 2000 and wait.loc[4, v] >= 3000, (name, v, wait[v])


def _fragmentation_claims(out):
    """fragmentation_study.py --small: the grouping-on run does fragment."""
    res = allocsim.load(out / "fragmentation.h5")
    s = res.summary
    on = res.runs[0]
    assert res.parameters(on) == {"kernel.mobility_grouping": True}
    assert s.loc[on, "kswapd_runs"] > 0
    fp = res.timeseries("free_pages", on)
    high = fp[fp["order"] == 10].groupby("time_us")["free_blocks"].sum()
    early = high[high.index <= 2000]
    assert high.iloc[0] >= 10 and early.iloc[-1] <= 2, high  # down to one or two in 2 ms
    later = fp[(fp["order"] >= 8) & (fp["time_us"] > 2000)].groupby("time_us")["free_blocks"]
    assert later.sum().max() <= 10  # orders 8-10 stay nearly empty
    assert s.loc[on, "unusable_index_order9"] > 10 * s.loc[on, "unusable_index_order3"]


CLAIMS = {"scalability_study.py": _scalability_claims,
          "fragmentation_study.py": _fragmentation_claims}


def test_example_reports_a_bad_output_directory(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    p = subprocess.run([sys.executable, str(EXAMPLES / "numa_study.py"), "--small",
                        "--out", str(blocker / "sub")], cwd=tmp_path, capture_output=True,
                       text=True, timeout=120, stdin=subprocess.DEVNULL)
    assert p.returncode == 1
    assert p.stderr.startswith("numa_study: error:"), p.stderr
    assert "Traceback" not in p.stderr
