"""allocsim.stats_schema(): every statistic a results file can hold, from the native
module or, without it, from `allocsim stats --json`. Checked against what a run
writes (every summary column is declared with the unit it is written with) and
between the two sources; the package without the native module still answers.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import h5py
import pandas as pd
import pytest

REPO = Path(__file__).resolve().parents[2]
import allocsim


def _pattern(name: str) -> re.Pattern:
    """A place name with a family placeholder (`<op>.ops`) as a regular expression."""
    return re.compile("".join(".+" if part.startswith("<") else re.escape(part)
                              for part in re.split(r"(<[^>]+>)", name)) + r"\Z")


def _declared(schema, column: str):
    for _, row in schema.iterrows():
        if any(_pattern(p).match(column) for p in row["summary"]):
            return row
    return None


@pytest.fixture(scope="module")
def run_file(cli, tmp_path_factory):
    out = tmp_path_factory.mktemp("stats") / "run.h5"
    cli("run", "-q", "-o", str(out), "--set", "machine.cpus=2",
        "--set", "workload.generator.duration=100us")
    return out


def test_every_summary_column_of_a_run_is_declared_with_its_unit(run_file):
    schema = allocsim.stats_schema()
    assert list(schema.columns) == allocsim.stats.STATS_COLUMNS
    with h5py.File(run_file, "r") as f:
        summary = f["runs/default/summary"]
        units = [u.decode() for u in summary.attrs["units"]]
        columns = summary.dtype.names
    assert len(columns) > 50
    for column, unit in zip(columns, units):
        row = _declared(schema, column)
        assert row is not None, f"summary column {column} is not in stats_schema()"
        assert row["unit"] == unit, column


def test_the_cli_fallback_gives_the_same_schema(cli, monkeypatch):
    assert allocsim._native.module() is not None, allocsim._native.why_missing()
    native = allocsim.stats_schema()
    monkeypatch.setenv("ALLOCSIM_BACKEND", "cli")
    from_cli = allocsim.stats_schema()
    pd.testing.assert_frame_equal(from_cli, native)
    assert (from_cli["component"] == "page_alloc.zone").sum() >= 11  # every ZoneCounters field


def test_without_the_native_module_the_package_asks_the_cli(allocsim_bin, tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "ALLOCSIM_BACKEND"}
    env["PYTHONPATH"] = str(REPO / "analysis")  # not build/python: no _allocsim
    env["ALLOCSIM_BIN"] = str(allocsim_bin)
    code = ("import importlib.util, allocsim\n"
            "assert importlib.util.find_spec('_allocsim') is None\n"
            "s = allocsim.stats_schema()\n"
            "print(len(s), s.loc[s.name == 'numa_hit', 'unit'].iloc[0])\n")
    p = subprocess.run([sys.executable, "-c", code], env=env, cwd=tmp_path,
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    count, unit = p.stdout.split()
    assert int(count) > 100 and unit == "allocations"
    # No binary either: a clear error, not a crash.
    env["ALLOCSIM_BIN"] = str(tmp_path / "no-such-allocsim")
    p = subprocess.run([sys.executable, "-c", code], env=env, cwd=tmp_path,
                       capture_output=True, text=True, timeout=120)
    assert p.returncode != 0 and "needs the native module _allocsim or the allocsim binary" in p.stderr
