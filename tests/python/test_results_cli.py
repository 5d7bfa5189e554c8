"""End-to-end tests of allocsim's results files and of the run/sweep/report verbs.

Each test drives the built CLI (see conftest.py) in a temporary directory and
reads what it wrote with h5py/pandas: the layout of a results file and the
consistency of its tables, determinism (per seed, and across sweep -j), sweep
--resume after a kill, atomic output when a run is killed, and the exit codes
and messages for bad input.
"""

import os
import re
import signal
import subprocess
import time
from pathlib import Path

import h5py
import numpy as np
import pandas as pd
import pytest
import yaml

try:  # python3-yaml is in scripts/debian-packages.txt, but do not depend on it
    import yaml
except ImportError:  # pragma: no cover
    yaml = None

# ---------------------------------------------------------------------------
# What a results file holds (cli/, io/results/).

TIMESERIES = {"free_pages", "zones", "pcp", "slab", "cpu_caches", "locks", "vmstat",
              "memory", "workload"}
PROC = {"buddyinfo", "pagetypeinfo", "zoneinfo", "vmstat", "extfrag_index",
        "unusable_index", "slabinfo", "vmallocinfo"}
RUN_ATTRS = {"config", "seed", "allocsim_version", "git_revision", "host", "start_time",
             "wall_seconds", "workload", "parameters", "complete"}

# About 20 s of host time for the default workload (the syscalls thread runs
# 1500 iterations per CPU by default, ~0.15 s): long enough to be killed midway.
LONG_RUN = ["--set", "workload.generator.threads.0.iterations=1000000"]

# The sweep used for -j determinism and --resume: 8 points of 0.15-0.5 s each
# (the syscalls thread made ~5x longer than the default), so a sweep killed
# after its second point still has several seconds to go.
SWEEP_ITERATIONS = 8000
SWEEP_FILE = f"""\
set:
  workload.generator.threads.0.iterations: {SWEEP_ITERATIONS}
grid:
  kernel.slab: [slab, slub]
  machine.cpus: [2, 4, 6, 8]
"""
SWEEP_POINTS = [(slab, cpus) for slab in ("slab", "slub") for cpus in (2, 4, 6, 8)]
SWEEP_NAMES = [f"kernel.slab={slab},machine.cpus={cpus}" for slab, cpus in SWEEP_POINTS]

# What must never appear on stderr: an uncaught exception, an HDF5 error
# stack, a crash.
CRASH_MARKERS = ("terminate called", "HDF5-DIAG", "Segmentation fault", "Aborted",
                 "core dumped", "what():", "#000:", "stack trace")


# ---------------------------------------------------------------------------
# Helpers.

def text(value) -> str:
    """An HDF5 string (bytes, numpy.bytes_ or str) as str."""
    if isinstance(value, (bytes, np.bytes_)):
        return value.decode("utf-8")
    return str(value)


def compound_tables(group: h5py.Group) -> dict:
    """Every compound dataset under group, by path relative to it, as a numpy structured array."""
    out = {}

    def visit(name, obj):
        if isinstance(obj, h5py.Dataset) and obj.dtype.names is not None:
            out[name] = obj[()]

    group.visititems(visit)
    return out


def proc_texts(run: h5py.Group) -> dict:
    return {name: text(run["proc"][name][()]) for name in run["proc"]}


def summary_frame(run: h5py.Group) -> pd.DataFrame:
    return pd.DataFrame(run["summary"][()])


def assert_no_crash(stderr: str):
    for marker in CRASH_MARKERS:
        assert marker not in stderr, f"stderr shows a crash ({marker!r}):\n{stderr}"


def assert_tables_identical(a: dict, b: dict, what: str):
    """Two {path: structured array} maps hold the same tables, byte for byte."""
    assert sorted(a) == sorted(b), f"{what}: different tables"
    for path in a:
        assert a[path].dtype == b[path].dtype, f"{what}: {path}: dtypes differ"
        assert a[path].shape == b[path].shape, f"{what}: {path}: row counts differ"
        assert a[path].tobytes() == b[path].tobytes(), f"{what}: {path}: contents differ"


def assert_runs_identical(fa: h5py.File, fb: h5py.File, name: str, what: str):
    """Run `name` has the same tables, /proc texts, config and parameters in both files."""
    ra, rb = fa["runs"][name], fb["runs"][name]
    assert_tables_identical(compound_tables(ra), compound_tables(rb), f"{what}: {name}")
    assert proc_texts(ra) == proc_texts(rb), f"{what}: {name}: /proc reports differ"
    for attr in ("config", "parameters", "seed", "workload", "complete"):
        assert ra.attrs[attr] == rb.attrs[attr], f"{what}: {name}: attribute {attr} differs"


def wait_until(predicate, timeout: float, what: str, proc=None, interval: float = 0.01):
    """Polls predicate() until it holds; fails after timeout s, or at once if proc exits."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if proc is not None and proc.poll() is not None:
            out, err = proc.communicate()
            pytest.fail(f"allocsim exited ({proc.returncode}) before {what}\n"
                        f"stdout:\n{out}\nstderr:\n{err}")
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout} s waiting for {what}")
        time.sleep(interval)


def signal_and_reap(proc, sig) -> int:
    """Sends sig to a process this test started; waits for it; returns its exit status."""
    assert proc.poll() is None, (
        "allocsim finished before the test could signal it; make its workload longer")
    proc.send_signal(sig)
    try:
        proc.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        raise
    return proc.returncode


def part_files(parts: Path) -> list:
    """The complete part files of an interrupted sweep (point-<i>.h5, not the hidden temps)."""
    if not parts.is_dir():
        return []
    return sorted((p for p in parts.iterdir() if re.fullmatch(r"point-\d+\.h5", p.name)),
                  key=lambda p: int(p.stem.split("-")[1]))


def only_hidden_temps(directory: Path, output: str) -> list:
    """Files in directory other than `output`'s hidden temporaries (.<output>.tmp-PID[-N])."""
    pattern = re.compile(re.escape("." + output) + r"\.tmp-\d+(-\d+)?")
    return [p.name for p in directory.iterdir() if not pattern.fullmatch(p.name)]


# ---------------------------------------------------------------------------
# Fixtures: results written once and read by several tests.

@pytest.fixture(scope="module")
def default_run(allocsim, tmp_path_factory):
    """`allocsim run -o out.h5 -q` with the embedded default config."""
    d = tmp_path_factory.mktemp("default_run")
    p = allocsim.check("run", "-o", "out.h5", "-q", cwd=d)
    return d / "out.h5", p


@pytest.fixture(scope="module")
def reference_sweep(allocsim, tmp_path_factory):
    """The 8-point sweep run uninterrupted at -j 1: the reference for -j 2 and --resume."""
    d = tmp_path_factory.mktemp("reference_sweep")
    (d / "sweep.yaml").write_text(SWEEP_FILE)
    p = allocsim.check("sweep", "sweep.yaml", "-j", "1", "-o", "out.h5", cwd=d)
    return d / "out.h5", p


# ---------------------------------------------------------------------------
# 1. A run's results file, read back in Python.

def test_run_results_layout(default_run, allocsim):
    path, _ = default_run
    version = allocsim.check("--version").stdout.split()[-1]
    with h5py.File(path, "r") as f:
        assert f.attrs["allocsim_results"] == 1
        assert list(f) == ["runs"]
        assert list(f["runs"]) == ["default"]  # no config file: the run is 'default'
        run = f["runs/default"]

        assert RUN_ATTRS <= set(run.attrs)
        assert run.attrs["complete"] == 1
        assert run.attrs["seed"] == 1  # run.seed of configs/default.yaml
        assert text(run.attrs["workload"]) == "generator"
        assert text(run.attrs["allocsim_version"]) == version
        assert text(run.attrs["parameters"]) == ""  # only sweep points have parameters
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", text(run.attrs["start_time"]))
        assert 0 < float(run.attrs["wall_seconds"]) < 60
        config = text(run.attrs["config"])
        assert "machine:" in config and "kernel:" in config and "workload:" in config
        if yaml is not None:
            resolved = yaml.safe_load(config)
            assert resolved["machine"]["cpus"] == 8
            assert resolved["machine"]["nodes"] == 2
            assert resolved["kernel"]["slab"] == "slub"

        assert set(run) == {"summary", "counters", "timeseries", "latency", "tables", "proc"}
        assert run["summary"].shape == (1,)
        assert set(run["timeseries"]) == TIMESERIES
        assert len(run["latency"]) > 0
        assert isinstance(run["tables"], h5py.Group) and len(run["tables"]) == 0
        assert set(run["proc"]) == PROC
        for name in PROC:
            ds = run["proc"][name]
            assert ds.shape == () and ds.dtype.kind in "SO", f"proc/{name} is not a scalar string"
            assert text(ds[()]).strip(), f"proc/{name} is empty"

        # Every compound dataset: loads straight into pandas, one unit per field.
        tables = compound_tables(run)
        expected = ({"summary", "counters"} | {f"timeseries/{t}" for t in TIMESERIES}
                    | {f"latency/{op}" for op in run["latency"]})
        assert set(tables) == expected
        for name in tables:
            ds = run[name]
            units = ds.attrs["units"]
            assert len(units) == len(ds.dtype.names), f"{name}: {len(units)} units"
            df = pd.DataFrame(ds[()])
            assert list(df.columns) == list(ds.dtype.names)
            assert len(df) == ds.shape[0] and len(df) > 0, f"{name} is empty"
        for t in TIMESERIES:
            ds = run["timeseries"][t]
            assert ds.dtype.names[:2] == ("cycles", "time_ns")
            assert [text(u) for u in ds.attrs["units"][:2]] == ["cycles", "ns"]

        summary = run["summary"]
        dt = summary.dtype
        assert dt["cpus"].kind in "ui"
        assert dt["fingerprint"].kind in "ui"
        assert dt["l1d_miss_rate"].kind == "f"
        assert dt["simulated_ns"].kind == "f"
        assert dt["workload"].kind in "SUO"
        units = dict(zip(dt.names, (text(u) for u in summary.attrs["units"])))
        assert units["simulated_cycles"] == "cycles"
        assert units["simulated_ns"] == "ns"
        assert units["free_pages"] == "pages"
        s = summary_frame(run).iloc[0]
        assert text(s["workload"]) == "mixed-kernel"
        assert text(s["slab"]) == "slub"
        assert (s["cpus"], s["nodes"], s["seed"]) == (8, 2, 1)
        assert 0.0 <= s["l1d_miss_rate"] <= 1.0
        assert s["ops"] > 0 and s["diagnostics"] == 0


def test_run_results_tables_are_consistent(default_run):
    path, _ = default_run
    with h5py.File(path, "r") as f:
        run = f["runs/default"]
        s = summary_frame(run).iloc[0]
        ts = {t: pd.DataFrame(run["timeseries"][t][()]) for t in TIMESERIES}

        # free_pages: the free blocks of an order are 2^order pages each.
        fp = ts["free_pages"]
        assert (fp["free_pages"] == fp["free_blocks"] * (2 ** fp["order"])).all()
        # Per sample and zone, the free pages of all orders sum to the zone's nr_free_pages.
        zones = ts["zones"]
        by_zone = fp.groupby(["cycles", "node", "zone"])["free_pages"].sum()
        nr_free = zones.set_index(["cycles", "node", "zone"])["nr_free_pages"]
        assert nr_free.index.is_unique
        assert sorted(by_zone.index) == sorted(nr_free.index)
        mismatch = by_zone.sort_index() - nr_free.sort_index()
        assert (mismatch == 0).all(), f"free_pages vs zones.nr_free_pages:\n{mismatch[mismatch != 0]}"
        # Every sample covers every zone; the samples are in time order, and many
        # (run.sample_interval 20us over a ~1 ms run).
        per_sample = zones.groupby("cycles").size()
        assert per_sample.nunique() == 1
        assert len(per_sample) >= 10
        assert zones["cycles"].is_monotonic_increasing
        # Rows per sample (docs/results.md): free_pages a row per zone and order
        # 0..10, pcp per zone and CPU, cpu_caches per CPU, memory per node, vmstat
        # one, workload all thirteen operation kinds.
        nzones, cpus, nodes = per_sample.iloc[0], s["cpus"], s["nodes"]
        expected_rows = {"free_pages": nzones * 11, "zones": nzones, "pcp": nzones * cpus,
                         "cpu_caches": cpus, "memory": nodes, "vmstat": 1, "workload": 13}
        for t, n in expected_rows.items():
            counts = ts[t].groupby("cycles").size()
            assert (counts == n).all(), f"timeseries/{t}: rows per sample {set(counts)} != {n}"
            assert list(counts.index) == list(per_sample.index), f"timeseries/{t}: samples"
        # Counters are cumulative: never decrease from one sample to the next.
        def cumulative(table, key, cols):
            groups = [("all", ts[table])] if key is None else ts[table].groupby(key)
            for k, g in groups:
                for c in cols:
                    assert g[c].is_monotonic_increasing, f"timeseries/{table} {k} {c} decreases"
        cumulative("vmstat", None, ["pgalloc", "pgfree", "kswapd_runs"])
        cumulative("workload", "op", ["ops", "op_cycles"])
        cumulative("cpu_caches", "cpu", ["l1d_hits", "l1d_misses", "llc_misses"])
        cumulative("slab", "cache", ["allocs", "frees"])
        cumulative("zones", ["node", "zone"], ["pcp_refills", "pcp_drains"])
        # The last sample is the end of the run, and agrees with the summary.
        end = s["simulated_cycles"]
        for t, df in ts.items():
            assert df["cycles"].max() == end, f"timeseries/{t} does not end at the run's end"
        assert zones[zones["cycles"] == end]["nr_free_pages"].sum() == s["free_pages"]
        vm_end = ts["vmstat"].iloc[-1]
        for col in ("pgalloc", "pgfree", "slab_pages", "diagnostics"):
            assert vm_end[col] == s[col], f"vmstat.{col} at the end != summary {col}"

        # latency/<op>: the histogram counts sum to the summary's <op>.ops, and
        # exactly the ops that ran have a table.
        ran = {c[: -len(".ops")] for c in s.index if c.endswith(".ops") and s[c] > 0}
        assert set(run["latency"]) == ran
        total = 0
        for op in run["latency"]:
            lat = pd.DataFrame(run["latency"][op][()])
            assert list(lat.columns) == ["cpu", "lower_cycles", "upper_cycles", "count"]
            assert (lat["lower_cycles"] <= lat["upper_cycles"]).all()
            assert (lat["count"] > 0).all()
            assert (lat["cpu"] < s["cpus"]).all()
            assert lat["count"].sum() == s[f"{op}.ops"], f"latency/{op}"
            total += int(lat["count"].sum())
        assert total == s["ops"]
        # ... and so does the last sample of timeseries/workload.
        wl = ts["workload"]
        last = wl[wl["cycles"] == end].assign(op=lambda d: d["op"].map(text)).set_index("op")
        for op in ran:
            assert last.loc[op, "ops"] == s[f"{op}.ops"], f"timeseries/workload {op}"

        # counters: the vm.* rows are the summary's page counts.
        counters = pd.DataFrame(run["counters"][()])
        assert list(counters.columns) == ["name", "scope", "value"]
        vm = counters[counters["scope"] == -1].assign(name=lambda d: d["name"].map(text))
        vm = vm.set_index("name")["value"]
        assert vm["vm.pgalloc"] == s["pgalloc"]
        assert vm["vm.pgfree"] == s["pgfree"]


def test_run_latency_summary_matches_histograms(default_run):
    """<op>.p50/p99/p999/max/mean_cycles follow from latency/<op> as docs/results.md says."""
    path, _ = default_run
    with h5py.File(path, "r") as f:
        run = f["runs/default"]
        s = summary_frame(run).iloc[0]
        wl = pd.DataFrame(run["timeseries/workload"][()])
        end = wl[wl["cycles"] == wl["cycles"].max()].assign(op=lambda d: d["op"].map(text))
        end = end.set_index("op")
        for op in run["latency"]:
            lat = pd.DataFrame(run["latency"][op][()])
            # One row per CPU and non-empty bucket, by CPU, then by bucket.
            order = list(zip(lat["cpu"], lat["lower_cycles"]))
            assert order == sorted(order) and len(set(order)) == len(order), op
            # Merged over CPUs: the q-quantile is the sample of rank floor(q(n-1))+1,
            # reported as the upper bound of its bucket, at most max_cycles.
            h = lat.groupby(["lower_cycles", "upper_cycles"])["count"].sum().sort_index()
            n, cum = int(h.sum()), h.cumsum()
            biggest = s[f"{op}.max_cycles"]
            assert h.index[-1][0] <= biggest <= h.index[-1][1], f"{op}.max_cycles"
            for q, col in [(0.5, "p50"), (0.99, "p99"), (0.999, "p999")]:
                rank = int(q * (n - 1)) + 1
                lower, upper = cum[cum >= rank].index[0]
                assert s[f"{op}.{col}_cycles"] == min(upper, biggest), f"{op}.{col}_cycles"
            assert s[f"{op}.p50_cycles"] <= s[f"{op}.p99_cycles"] <= s[f"{op}.p999_cycles"]
            # The mean: the op's cycles (timeseries/workload, at the end) over its count.
            assert end.loc[op, "ops"] == n
            assert s[f"{op}.mean_cycles"] == pytest.approx(end.loc[op, "op_cycles"] / n,
                                                           rel=1e-12)
        assert s["op_cycles"] == end["op_cycles"].sum()


def test_report_prints_stored_proc_text_and_summary(default_run, allocsim):
    path, _ = default_run
    with h5py.File(path, "r") as f:
        stored = proc_texts(f["runs/default"])
        s = summary_frame(f["runs/default"]).iloc[0]
    assert stored["buddyinfo"].startswith("Node 0, zone")
    for name in sorted(PROC):
        p = allocsim.check("report", path, "--proc", name)
        assert p.stdout == stored[name], f"report --proc {name} differs from proc/{name}"
        assert p.stderr == ""
    p = allocsim.check("report", path)
    assert p.stdout.startswith("run 'default': generator workload, seed 1")
    fields = {line.split()[0]: line.split()[1:] for line in p.stdout.splitlines()[2:] if line}
    assert fields["cpus"][0] == "8"
    assert fields["fingerprint"][0] == str(s["fingerprint"])
    assert fields["simulated_cycles"] == [str(s["simulated_cycles"]), "cycles"]


# ---------------------------------------------------------------------------
# 2. Determinism per seed.

def test_same_seed_gives_identical_results(allocsim, tmp_path):
    allocsim.check("run", "--seed", "7", "-o", "a.h5", "-q", cwd=tmp_path)
    allocsim.check("run", "--seed", "7", "-o", "b.h5", "-q", cwd=tmp_path)
    allocsim.check("run", "--set", "run.seed=7", "-o", "c.h5", "-q", cwd=tmp_path)
    allocsim.check("run", "--seed", "8", "-o", "d.h5", "-q", cwd=tmp_path)
    files = {n: h5py.File(tmp_path / f"{n}.h5", "r") for n in "abcd"}
    try:
        runs = {n: f["runs/default"] for n, f in files.items()}
        a = summary_frame(runs["a"])
        assert a.loc[0, "seed"] == 7 and runs["a"].attrs["seed"] == 7
        for other in "bc":
            b = summary_frame(runs[other])
            assert list(a.columns) == list(b.columns)
            for col in a.columns:
                assert a.loc[0, col] == b.loc[0, col], f"run {other}: summary {col} differs"
            # Not only the summary: every table, /proc report and the resolved config.
            assert_runs_identical(files["a"], files[other], "default", f"seed 7, run {other}")
        d = summary_frame(runs["d"])
        assert d.loc[0, "seed"] == 8 and runs["d"].attrs["seed"] == 8
        assert d.loc[0, "fingerprint"] != a.loc[0, "fingerprint"]
        assert runs["d"]["summary"][()].tobytes() != runs["a"]["summary"][()].tobytes()
    finally:
        for f in files.values():
            f.close()


# ---------------------------------------------------------------------------
# 3. Sweeps: results independent of -j; the /sweep table; no parts left.

def test_sweep_results_do_not_depend_on_jobs(reference_sweep, allocsim, tmp_path):
    ref_path, ref_proc = reference_sweep
    (tmp_path / "sweep.yaml").write_text(SWEEP_FILE)
    p = allocsim.check("sweep", "sweep.yaml", "-j", "2", "-o", "out.h5", "-q", cwd=tmp_path)
    assert p.stdout == ""  # -q: no table
    assert ref_proc.stdout.rstrip().endswith("results: out.h5 (8 runs)")
    # The parts are merged and deleted; nothing else is left behind.
    assert sorted(os.listdir(tmp_path)) == ["out.h5", "sweep.yaml"]
    assert sorted(os.listdir(ref_path.parent)) == ["out.h5", "sweep.yaml"]

    with h5py.File(ref_path, "r") as j1, h5py.File(tmp_path / "out.h5", "r") as j2:
        assert j1.attrs["allocsim_results"] == 1 and j2.attrs["allocsim_results"] == 1
        assert sorted(j1["runs"]) == sorted(SWEEP_NAMES)
        assert sorted(j2["runs"]) == sorted(SWEEP_NAMES)
        for name in SWEEP_NAMES:
            assert_runs_identical(j1, j2, name, "-j 1 vs -j 2")

        for f in (j1, j2):
            sweep = f["sweep"]
            assert sweep.dtype.names == ("index", "run", "status", "kernel.slab", "machine.cpus")
            assert len(sweep.attrs["units"]) == len(sweep.dtype.names)
            t = pd.DataFrame(sweep[()])
            assert len(t) == 8
            assert list(t["index"]) == list(range(8))
            assert [text(r) for r in t["run"]] == SWEEP_NAMES  # grid order: last key fastest
            assert {text(s) for s in t["status"]} == {"complete"}
            assert [(text(a), int(b)) for a, b in zip(t["kernel.slab"], t["machine.cpus"])] \
                == SWEEP_POINTS
        assert j1["sweep"][()].tobytes() == j2["sweep"][()].tobytes()

        # Each run is its point: its summary, config and parameters say so.
        for (slab, cpus), name in zip(SWEEP_POINTS, SWEEP_NAMES):
            run = j1["runs"][name]
            s = summary_frame(run).iloc[0]
            assert (text(s["slab"]), s["cpus"]) == (slab, cpus)
            assert text(run.attrs["parameters"]) == f"kernel.slab={slab}\nmachine.cpus={cpus}\n"
            assert run.attrs["complete"] == 1
        fingerprints = {summary_frame(j1["runs"][n]).loc[0, "fingerprint"] for n in SWEEP_NAMES}
        assert len(fingerprints) == 8


def test_sweep_point_equals_a_plain_run(reference_sweep, allocsim, tmp_path):
    """A point of a sweep is the run with the same overrides: the same results."""
    ref_path, _ = reference_sweep
    allocsim.check("run", "--set", f"workload.generator.threads.0.iterations={SWEEP_ITERATIONS}",
                   "--set", "kernel.slab=slub", "--set", "machine.cpus=4",
                   "-o", "single.h5", "-q", cwd=tmp_path)
    name = "kernel.slab=slub,machine.cpus=4"
    with h5py.File(ref_path, "r") as sw, h5py.File(tmp_path / "single.h5", "r") as one:
        a, b = sw["runs"][name], one["runs/default"]
        assert_tables_identical(compound_tables(a), compound_tables(b), "sweep point vs run")
        assert proc_texts(a) == proc_texts(b)
        assert a.attrs["config"] == b.attrs["config"]


# ---------------------------------------------------------------------------
# 4. --resume after a sweep is killed midway.

def test_sweep_resume_after_kill(reference_sweep, allocsim, tmp_path, reap):
    ref_path, _ = reference_sweep
    (tmp_path / "sweep.yaml").write_text(SWEEP_FILE)
    parts = tmp_path / ".out.h5.parts"
    out = tmp_path / "out.h5"

    proc = allocsim.start("sweep", "sweep.yaml", "-j", "1", "-o", "out.h5", "-q", cwd=tmp_path)
    reap(proc)
    wait_until(lambda: len(part_files(parts)) >= 2, 60, "two complete points", proc=proc)
    assert signal_and_reap(proc, signal.SIGKILL) == -signal.SIGKILL
    assert not out.exists(), "a killed sweep must not leave its output file"
    done = part_files(parts)
    k = len(done)
    assert 2 <= k < 8, f"{k} points complete when killed"
    # Each part is one complete run: the point of its index.
    before = {}
    for part in done:
        index = int(part.stem.split("-")[1])
        with h5py.File(part, "r") as f:
            assert list(f["runs"]) == [SWEEP_NAMES[index]]
            run = f["runs"][SWEEP_NAMES[index]]
            assert run.attrs["complete"] == 1
            before[SWEEP_NAMES[index]] = (float(run.attrs["wall_seconds"]),
                                          text(run.attrs["start_time"]))
    part_bytes = {p.name: p.read_bytes() for p in done}

    # Without --resume (or --force) the interrupted sweep is not overwritten.
    p = allocsim.run("sweep", "sweep.yaml", "-j", "1", "-o", "out.h5", cwd=tmp_path, timeout=30)
    assert p.returncode == 2, p.stderr
    assert "--resume" in p.stderr and ".out.h5.parts" in p.stderr
    assert len(p.stderr.strip().splitlines()) == 1
    assert_no_crash(p.stderr)
    assert {q.name: q.read_bytes() for q in part_files(parts)} == part_bytes
    assert not out.exists()

    p = allocsim.check("sweep", "sweep.yaml", "-j", "1", "-o", "out.h5", "--resume", cwd=tmp_path)
    assert f"resuming: {k} of 8 points already complete" in p.stdout
    rows = {line.split()[0]: line for line in p.stdout.splitlines()
            if line.split() and line.split()[0] in SWEEP_NAMES}
    assert sorted(rows) == sorted(SWEEP_NAMES)
    resumed = {n for n, line in rows.items() if line.rstrip().endswith("(resumed)")}
    assert resumed == set(before), "the table's (resumed) points are not the complete parts"
    for n in set(SWEEP_NAMES) - resumed:
        assert re.search(r"\s\d+\s+\d+\.\d+\s+\d+\.\d+\s+\d+$", rows[n]), f"not run: {rows[n]}"
    assert "results: out.h5 (8 runs)" in p.stdout
    assert not parts.exists(), "the parts dir must go once the sweep is complete"
    # Only the killed sweep's own temporary (.out.h5.tmp-PID) may remain.
    assert sorted(only_hidden_temps(tmp_path, "out.h5")) == ["out.h5", "sweep.yaml"]

    with h5py.File(out, "r") as f, h5py.File(ref_path, "r") as ref:
        assert sorted(f["runs"]) == sorted(SWEEP_NAMES)
        # The complete points were copied, not run again: same wall time, same start.
        for name, (wall, start) in before.items():
            run = f["runs"][name]
            assert (float(run.attrs["wall_seconds"]), text(run.attrs["start_time"])) \
                == (wall, start), f"{name} ran again"
        # Interrupted and resumed, the sweep has exactly the uninterrupted results.
        for name in SWEEP_NAMES:
            assert_runs_identical(f, ref, name, "resumed vs uninterrupted")
        assert f["sweep"][()].tobytes() == ref["sweep"][()].tobytes()

    # A complete output: without --resume, refused (and untouched) ...
    done_bytes = out.read_bytes()
    p = allocsim.run("sweep", "sweep.yaml", "-j", "1", "-o", "out.h5", cwd=tmp_path, timeout=30)
    assert p.returncode == 2 and "--resume" in p.stderr and "--force" in p.stderr, p.stderr
    assert out.read_bytes() == done_bytes
    assert not parts.exists()
    # ... with --resume, nothing left to run: every point comes from the file.
    p = allocsim.check("sweep", "sweep.yaml", "-j", "1", "-o", "out.h5", "--resume",
                       cwd=tmp_path, timeout=30)
    assert "resuming: 8 of 8 points already complete" in p.stdout
    assert sum(line.rstrip().endswith("(resumed)") for line in p.stdout.splitlines()) == 8
    with h5py.File(out, "r") as f, h5py.File(ref_path, "r") as ref:
        for name in SWEEP_NAMES:
            assert_runs_identical(f, ref, name, "resumed twice vs uninterrupted")
    assert not parts.exists()


# ---------------------------------------------------------------------------
# 5. A killed run leaves no output file.

@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM, signal.SIGINT],
                         ids=["SIGKILL", "SIGTERM", "SIGINT"])
def test_killed_run_leaves_no_output(allocsim, tmp_path, reap, sig):
    proc = allocsim.start("run", *LONG_RUN, "-o", "out.h5", "-q", cwd=tmp_path)
    reap(proc)
    temp = tmp_path / f".out.h5.tmp-{proc.pid}"
    # The temp file appears before the simulation starts (and the signal
    # handlers are installed with it); then let it simulate for a while.
    wait_until(temp.exists, 30, "the run's temporary output", proc=proc)
    time.sleep(1.0)
    status = signal_and_reap(proc, sig)
    assert status == -sig, f"expected death by signal {sig}, got exit status {status}"
    assert not (tmp_path / "out.h5").exists()
    left = sorted(os.listdir(tmp_path))
    if sig == signal.SIGKILL:
        assert set(left) <= {temp.name}, f"left behind: {left}"
        # A stale temp of a dead process does not get in the way of the next run.
        allocsim.check("run", "-o", "out.h5", "-q", cwd=tmp_path)
        with h5py.File(tmp_path / "out.h5", "r") as f:
            assert f["runs/default"].attrs["complete"] == 1
    else:
        assert left == [], f"left behind after {sig.name}: {left}"


# ---------------------------------------------------------------------------
# 6. Bad input: exit 2, one clear line on stderr, nothing written.

BAD_INPUT = {
    "unknown-set-key": (["run", "-q", "--set", "kernel.slabb=slub"],
                        [r"kernel\.slabb", r"did you mean 'slab'"]),
    "bad-set-value": (["run", "-q", "--set", "kernel.slab=foo"],
                      [r"kernel\.slab", r"'foo'", r"slab, slub, slob or magazine"]),
    "set-without-value": (["run", "-q", "--set", "kernel.slab"], [r"KEY=VALUE"]),
    "bad-seed": (["run", "-q", "--seed", "abc"], [r"--seed"]),
    "unknown-option": (["run", "-q", "--bogus"], [r"--bogus"]),
    "missing-config": (["run", "-q", "nosuch.yaml"], [r"nosuch\.yaml"]),
    "slash-in-name": (["run", "-q", "--name", "a/b", "-o", "x.h5"], [r"a/b"]),
    "output-is-dir": (["run", "-q", "-o", "."], [r"directory"]),
    "report-missing-file": (["report", "nosuch.h5"], [r"nosuch\.h5: no such file$"]),
    "report-kmem-and-proc": (["report", "a.h5", "--kmem", "--proc", "slabinfo"],
                             [r"--kmem and --proc"]),
    "sweep-bad-set": (["sweep", "--set", "machine.cpus=x", "--grid", "kernel.slab=slab"],
                      [r"^allocsim: error: --set machine\.cpus: "]),
    "sweep-bad-seed": (["sweep", "--seed", "-1"], [r"--seed"]),
    "sweep-seed-and-seed-axis": (["sweep", "--seed", "2", "--grid", "run.seed=1,2"],
                                 [r"--seed", r"run\.seed"]),
    "report-two-files": (["report", "a.h5", "b.h5"], [r"one results file"]),
    "grid-without-values": (["sweep", "--grid", "badoption"], [r"badoption", r"KEY=V1"]),
    "grid-unknown-key": (["sweep", "--grid", "kernel.slabb=slab,slub"],
                         [r"kernel\.slabb", r"did you mean"]),
    "grid-bad-value": (["sweep", "--grid", "kernel.slab=slab,foo"], [r"'foo'"]),
    "grid-duplicate-point": (["sweep", "--grid", "machine.cpus=2,2"], [r"machine\.cpus=2"]),
    "sweep-zero-jobs": (["sweep", "--grid", "machine.cpus=2,4", "-j", "0"], [r"-j"]),
    "sweep-resume-and-force": (["sweep", "--grid", "machine.cpus=2,4", "--resume", "--force"],
                               [r"--resume", r"--force"]),
    "sweep-missing-file": (["sweep", "nosuch.yaml"], [r"nosuch\.yaml"]),
    "unknown-command": (["frobnicate"], [r"frobnicate"]),
}


@pytest.mark.parametrize("case", list(BAD_INPUT))
def test_bad_input_exits_2(allocsim, tmp_path, case):
    args, patterns = BAD_INPUT[case]
    p = allocsim.run(*args, cwd=tmp_path, timeout=30)
    assert p.returncode == 2, f"exit {p.returncode}\nstderr:\n{p.stderr}"
    assert_no_crash(p.stderr)
    lines = p.stderr.strip().splitlines()
    assert len(lines) == 1, f"expected one line on stderr:\n{p.stderr}"
    assert lines[0].startswith("allocsim: error: ")
    for pattern in patterns:
        assert re.search(pattern, lines[0]), f"{pattern!r} not in: {lines[0]}"
    assert p.stdout == ""
    # Nothing written: no output, no temporary, no sweep parts.
    assert os.listdir(tmp_path) == []


def test_unwritable_output_fails_before_simulating(allocsim, tmp_path):
    # The workload takes ~20 s: failing within the timeout means it never started.
    start = time.monotonic()
    p = allocsim.run("run", *LONG_RUN, "-o", "/nonexistent-dir/x.h5", cwd=tmp_path, timeout=10)
    assert p.returncode == 2
    assert time.monotonic() - start < 5
    assert p.stderr.strip() == "allocsim: error: /nonexistent-dir/x.h5: cannot write: " \
                               "No such file or directory"
    assert p.stdout == ""
    # The same for a sweep, before any point runs.
    p = allocsim.run("sweep", "--grid", "machine.cpus=2,4", "-o", "/nonexistent-dir/x.h5",
                     cwd=tmp_path, timeout=10)
    assert p.returncode == 2
    assert "/nonexistent-dir/x.h5: cannot write" in p.stderr
    assert_no_crash(p.stderr)
    assert os.listdir(tmp_path) == []


def test_existing_output_needs_force(allocsim, tmp_path):
    allocsim.check("run", "-o", "out.h5", "-q", cwd=tmp_path)
    out = tmp_path / "out.h5"
    original = out.read_bytes()

    p = allocsim.run("run", "-o", "out.h5", "-q", "--seed", "5", cwd=tmp_path, timeout=30)
    assert p.returncode == 2
    assert p.stderr.strip() == "allocsim: error: out.h5: exists (use --force to overwrite it)"
    assert out.read_bytes() == original
    assert os.listdir(tmp_path) == ["out.h5"]

    p = allocsim.run("sweep", "--grid", "machine.cpus=2,4", "-o", "out.h5", cwd=tmp_path,
                     timeout=30)
    assert p.returncode == 2 and "--force" in p.stderr, p.stderr
    assert_no_crash(p.stderr)
    assert out.read_bytes() == original
    assert os.listdir(tmp_path) == ["out.h5"]

    allocsim.check("run", "-o", "out.h5", "-q", "--seed", "5", "--force", cwd=tmp_path)
    assert out.read_bytes() != original
    assert os.listdir(tmp_path) == ["out.h5"]
    with h5py.File(out, "r") as f:
        assert list(f["runs"]) == ["default"]
        assert f["runs/default"].attrs["seed"] == 5
        assert f["runs/default"].attrs["complete"] == 1


def test_report_unknown_run_or_proc(default_run, allocsim):
    path, _ = default_run
    for args, patterns in [
        (["--run", "nosuch"], [r"no complete run 'nosuch'", r"runs: default"]),
        (["--proc", "nosuch"], [r"'nosuch'", r"buddyinfo"]),
        (["--compare", "default"], [r"two run names"]),
        (["--compare", "default", "nosuch"], [r"'nosuch'"]),
    ]:
        p = allocsim.run("report", path, *args, timeout=30)
        assert p.returncode == 2, f"report {args}: exit {p.returncode}: {p.stderr}"
        assert_no_crash(p.stderr)
        assert len(p.stderr.strip().splitlines()) == 1
        for pattern in patterns:
            assert re.search(pattern, p.stderr), f"report {args}: {pattern!r} not in {p.stderr}"
        assert p.stdout == ""


def test_report_on_a_file_that_is_not_hdf5(allocsim, tmp_path):
    (tmp_path / "junk.h5").write_text("not an HDF5 file\n")
    p = allocsim.run("report", "junk.h5", cwd=tmp_path, timeout=30)
    assert p.returncode == 2
    assert_no_crash(p.stderr)
    assert len(p.stderr.strip().splitlines()) == 1 and "junk.h5" in p.stderr


def test_negative_seed_is_rejected(allocsim, tmp_path):
    p = allocsim.run("run", "-q", "--seed", "-1", cwd=tmp_path, timeout=30)
    assert p.returncode == 2, f"exit {p.returncode}; stdout: {p.stdout.splitlines()[:1]}"
    assert "seed" in p.stderr


def test_sweep_resume_on_a_bad_output_leaves_no_parts_dir(allocsim, tmp_path):
    junk = tmp_path / "junk.h5"
    junk.write_text("not an HDF5 file\n")
    p = allocsim.run("sweep", "--grid", "machine.cpus=2,4", "-o", "junk.h5", "--resume", "-q",
                     cwd=tmp_path, timeout=60)
    assert p.returncode == 2  # bad input: not a results file
    assert_no_crash(p.stderr)
    assert "junk.h5" in p.stderr
    assert junk.read_text() == "not an HDF5 file\n"
    assert sorted(os.listdir(tmp_path)) == ["junk.h5"], "left behind by a failed sweep"


# ---------------------------------------------------------------------------
# 7. report --compare.

def _format_cell(value) -> str:
    """A summary value as `allocsim report` prints it (%.6g for floats)."""
    if isinstance(value, (bytes, np.bytes_)):
        return text(value)
    if isinstance(value, (float, np.floating)):
        return "%.6g" % value
    return str(int(value))


def test_report_compare_two_runs(allocsim, tmp_path):
    allocsim.check("sweep", "--grid", "kernel.slab=slab,slub", "-j", "2", "-o", "two.h5", "-q",
                   cwd=tmp_path)
    a_name, b_name = "kernel.slab=slab", "kernel.slab=slub"
    p = allocsim.check("report", "two.h5", cwd=tmp_path)
    assert p.stdout.splitlines() == ["two.h5: 2 runs", f"  {a_name}", f"  {b_name}"]
    p = allocsim.run("report", "two.h5", "--proc", "buddyinfo", cwd=tmp_path, timeout=30)
    assert p.returncode == 2 and "--run" in p.stderr

    p = allocsim.check("report", "two.h5", "--compare", a_name, b_name, cwd=tmp_path)
    lines = p.stdout.splitlines()
    assert lines[:3] == [f"a: {a_name}", f"b: {b_name}", ""]  # the full names, never cut
    lines = lines[3:]
    assert lines[0].split() == ["field", "a", "b", "b/a", "unit"]
    with h5py.File(tmp_path / "two.h5", "r") as f:
        a = f["runs"][a_name]["summary"]
        b = f["runs"][b_name]["summary"]
        units = dict(zip(a.dtype.names, (text(u) for u in a.attrs["units"])))
        units.update(zip(b.dtype.names, (text(u) for u in b.attrs["units"])))
        a_row, b_row = a[()][0], b[()][0]
        a_fields, b_fields = list(a.dtype.names), list(b.dtype.names)
    # SLAB and SLUB have different lock classes, so some fields are in one run only.
    b_only = [n for n in b_fields if n not in a_fields]
    a_only = [n for n in a_fields if n not in b_fields]
    assert a_only and b_only
    rows = {}
    for line in lines[1:]:
        field = line.split()[0]
        assert field not in rows, f"{field} printed twice"
        rows[field] = line.split()[1:]
    # A's fields in A's order, then those only B has.
    assert list(rows) == a_fields + b_only
    unit = lambda field: [units[field]] if units[field] else []  # noqa: E731
    compared = 0
    for field in a_fields + b_only:
        cells = rows[field]
        if field in a_only:
            assert cells == [_format_cell(a_row[field]), "-"] + unit(field), field
            continue
        if field in b_only:
            assert cells == ["-", _format_cell(b_row[field])] + unit(field), field
            continue
        x, y = a_row[field], b_row[field]
        assert cells[:2] == [_format_cell(x), _format_cell(y)], field
        if isinstance(x, (bytes, np.bytes_)):
            assert len(cells) == 2, f"{field}: a string has no ratio: {cells}"
            continue
        if field in ("seed", "fingerprint"):  # identifiers: no ratio
            assert cells == [_format_cell(x), _format_cell(y)] + unit(field), field
            continue
        x, y = float(x), float(y)
        expected = ("=" if y == 0 else "inf") if x == 0 else "%.3f" % (y / x)
        assert cells[2] == expected, f"{field}: b/a {cells[2]} != {expected}"
        assert cells[3:] == unit(field), field
        compared += 1
    assert rows["slab"] == ["slab", "slub"]
    assert rows["cpus"][2] == "1.000"
    assert compared > 100
    assert any(rows[f][2] not in ("1.000", "=") for f in rows if len(rows[f]) > 2), \
        "SLAB and SLUB runs should differ somewhere"


# ---------------------------------------------------------------------------
# 8. sweep takes configs and --set like run; errors and interrupts say where
#    and how to go on; report --kmem; machine's usage.

def test_sweep_takes_configs_and_set_like_run(allocsim, tmp_path):
    (tmp_path / "two.yaml").write_text("machine:\n  cpus: 2\n")
    allocsim.check("sweep", "two.yaml", "--set", "machine.nodes=1", "--seed", "4", "--grid",
                   "kernel.slab=slab,slub", "-o", "cfg.h5", "-q", cwd=tmp_path)
    with h5py.File(tmp_path / "cfg.h5", "r") as f:
        assert list(f["runs"]) == ["kernel.slab=slab", "kernel.slab=slub"]
        for name in f["runs"]:
            config = yaml.safe_load(text(f["runs"][name].attrs["config"]))
            assert (config["machine"]["cpus"], config["machine"]["nodes"]) == (2, 1)
            assert f["runs"][name].attrs["seed"] == 4
    # Without -o a sweep of configs writes sweep.h5 (a sweep file's stem otherwise).
    allocsim.check("sweep", "two.yaml", "--grid", "kernel.slab=slob", "-q", cwd=tmp_path)
    assert (tmp_path / "sweep.h5").is_file()


def test_sweep_file_errors_name_the_file_line_and_key(allocsim, tmp_path):
    (tmp_path / "s.yaml").write_text("set:\n  machine.cpus: 2\ngrid:\n"
                                     "  kernel.slab: [slab, slb]\n")
    p = allocsim.run("sweep", "s.yaml", cwd=tmp_path, timeout=30)
    assert p.returncode == 2
    assert p.stderr.startswith("allocsim: error: s.yaml:4:23: kernel.slab: unknown value 'slb'")
    assert "--set" not in p.stderr
    (tmp_path / "s.yaml").write_text("grid:\n  kernel.slab: [slab]\nmachine:\n  cpus: 2\n")
    p = allocsim.run("sweep", "s.yaml", cwd=tmp_path, timeout=30)
    assert p.returncode == 2 and p.stderr.startswith("allocsim: error: s.yaml:3:1: machine: ")
    assert sorted(os.listdir(tmp_path)) == ["s.yaml"]


def test_interrupted_sweep_prints_the_resume_command(allocsim, tmp_path, reap):
    (tmp_path / "sweep.yaml").write_text(SWEEP_FILE)
    args = ["sweep", "sweep.yaml", "-j", "1", "-o", "out.h5", "-q", "--set", "run.seed=1"]
    proc = allocsim.start(*args, cwd=tmp_path)
    reap(proc)
    wait_until(lambda: part_files(tmp_path / ".out.h5.parts"), 60, "a complete point", proc=proc)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == -signal.SIGINT
    assert_no_crash(err)
    resume = "allocsim sweep sweep.yaml -j 1 -o out.h5 -q --set run.seed=1 --resume"
    assert f"resume with: {resume}\n" in err, err
    assert "./.out.h5.parts/" in err
    allocsim.check(*resume.split()[1:], cwd=tmp_path)
    with h5py.File(tmp_path / "out.h5", "r") as f:
        assert sorted(f["runs"]) == sorted(SWEEP_NAMES)


def test_report_kmem_of_a_replayed_trace(allocsim, tmp_path):
    trace = Path(__file__).resolve().parents[1] / "data" / "traces" / "raw-6.x-pS.ftrace.txt"
    allocsim.check("run", "--set", f"workload.trace={trace}", "-o", "replay.h5", "-q",
                   cwd=tmp_path)
    p = allocsim.check("report", "replay.h5", "--kmem", cwd=tmp_path)
    out = p.stdout
    assert out.startswith("run 'default': raw-6.x-pS.ftrace.txt replayed on linux-6, slub\n")
    # One kmalloc of 2312 bytes in a 4096-byte object: 43.6 % internal fragmentation.
    assert re.search(r"bytes requested\s+2312\n", out)
    assert re.search(r"bytes allocated, simulated slub\s+4096  \(internal fragmentation "
                     r"43\.6 %\)", out)
    assert re.search(r"mem_cgroup_css_alloc\+0xd8/0x5b4\s+1\s+2312\s+4096\s+4096\s+43\.6", out)
    # Two mm_page_alloc events, one of them failed in the trace; the other order 0, movable.
    assert re.search(r"allocation requests\s+2\n\s+failed in the trace\s+1\n", out)
    assert re.search(r"order\s+Movable\n\s+0\s+1\n", out)
    # A run that replayed nothing has no kmem statistics.
    allocsim.check("run", "--set", "machine.cpus=2", "-o", "gen.h5", "-q", cwd=tmp_path)
    p = allocsim.run("report", "gen.h5", "--kmem", cwd=tmp_path, timeout=30)
    assert p.returncode == 2 and "not a trace replay" in p.stderr


def test_machine_usage(allocsim):
    p = allocsim.run("machine", timeout=30)
    assert p.returncode == 2 and p.stdout == ""
    assert p.stderr.startswith("usage: allocsim machine import [options]")
    for args in (["help", "machine"], ["machine", "--help"], ["machine", "import", "--help"]):
        p = allocsim.check(*args)
        for option in ("--zoneinfo", "--distance-dir", "--min-free-kbytes", "--cpuinfo",
                       "--output", "--force"):
            assert option in p.stdout, f"allocsim {' '.join(args)}: no {option}"
