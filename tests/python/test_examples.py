"""Every script of examples/ runs with --small and writes its figures.

Each example runs as a subprocess (``sys.executable examples/X.py --small --out
TMP``) with the environment of the tests: conftest.py puts analysis/ and
build/python on PYTHONPATH, which the scripts (and their sweep and Dask worker
processes) inherit. Skipped when the native module _allocsim is not built.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

import _allocsim  # noqa: F401  (a missing native module is a failure, not a skip)
import allocsim  # noqa: F401

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

# script -> the figures it must write (with the default --format pdf)
FIGURES = {
    "colouring_study.py": ["colouring.pdf"],
    "scalability_study.py": ["scalability-objects.pdf", "scalability-pages.pdf"],
    "fragmentation_study.py": ["fragmentation-grouping-on.pdf",
                               "fragmentation-grouping-off.pdf"],
    "numa_study.py": ["numa.pdf"],
    "dask_sweep.py": ["dask-latency.pdf"],
    "stepwise.py": ["stepwise-kmalloc-cdf.pdf"],
    "sheaves_study.py": ["sheaves.pdf"],
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


def test_example_reports_a_bad_output_directory(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    p = subprocess.run([sys.executable, str(EXAMPLES / "numa_study.py"), "--small",
                        "--out", str(blocker / "sub")], cwd=tmp_path, capture_output=True,
                       text=True, timeout=120, stdin=subprocess.DEVNULL)
    assert p.returncode == 1
    assert p.stderr.startswith("numa_study: error:"), p.stderr
    assert "Traceback" not in p.stderr
