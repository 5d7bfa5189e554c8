"""allocsim.results: Results/load over files written by the CLI.

The files come from the built binary ($ALLOCSIM_BIN, else build/cli/allocsim; the
tests skip without it): a generator run, an exercise run and a 4-point sweep. Each
test checks what the API returns against the HDF5 file itself or against another
part of the file (time series against each other, histograms against the summary,
/proc text against `allocsim report --proc`).
"""

import pickle
import shutil
from pathlib import Path

import h5py
import numpy as np
import pandas as pd
import pytest

REPO = Path(__file__).resolve().parents[2]
try:
    import allocsim  # noqa: E402,F401
except ImportError as e:  # the package needs the native module _allocsim (build/python)
    pytest.skip(f"the allocsim package does not import: {e}", allow_module_level=True)

from allocsim.results import Results, load  # noqa: E402

TIMESERIES = ["free_pages", "zones", "pcp", "slab", "cpu_caches", "locks", "vmstat", "memory",
              "workload"]
PROC = ["buddyinfo", "pagetypeinfo", "zoneinfo", "vmstat", "extfrag_index", "unusable_index",
        "slabinfo", "vmallocinfo"]
RUN_ATTRS = {"config", "seed", "allocsim_version", "git_revision", "host", "start_time",
             "wall_seconds", "workload", "parameters", "complete"}
# Point order (machine.cpus=4 before 2) differs from the sorted order of the names.
SWEEP_NAMES = ["kernel.slab=slab,machine.cpus=4", "kernel.slab=slab,machine.cpus=2",
               "kernel.slab=slub,machine.cpus=4", "kernel.slab=slub,machine.cpus=2"]



@pytest.fixture(scope="module")
def files(cli, tmp_path_factory):
    d = tmp_path_factory.mktemp("results_api")
    cli("run", "-o", d / "run.h5", "--force", "-q", "--name", "single")
    cli("run", "--set", "workload.kind=exercise", "--set", "workload.exercise.ops_per_cpu=200",
        "-o", d / "exercise.h5", "--force", "-q", "--name", "ex")
    cli("sweep", "--grid", "kernel.slab=slab,slub", "--grid", "machine.cpus=4,2",
        "-o", d / "sweep.h5", "-q", "-j", "4")
    return {"run": d / "run.h5", "exercise": d / "exercise.h5", "sweep": d / "sweep.h5"}


@pytest.fixture(scope="module")
def sweep(files):
    return load(files["sweep"])


def test_runs_in_sweep_point_order(files, sweep):
    assert load(files["run"]).runs == ["single"]
    assert sweep.runs == SWEEP_NAMES  # the /sweep order, not sorted
    assert list(sweep.sweep_table["run"]) == SWEEP_NAMES
    assert load(files["run"]).sweep_table is None


def test_attrs_config_parameters(files, sweep):
    single = load(files["run"])
    a = single.attrs("single")
    assert set(a) == RUN_ATTRS
    assert a["complete"] == 1 and a["seed"] == 1 and isinstance(a["wall_seconds"], float)
    assert isinstance(a["config"], str) and single.config("single") == a["config"]
    assert "machine:" in a["config"] and "kernel:" in a["config"]
    assert single.parameters("single") == {}
    p = sweep.parameters(SWEEP_NAMES[0])
    assert p == {"kernel.slab": "slab", "machine.cpus": 4}
    assert type(p["machine.cpus"]) is int
    with h5py.File(files["sweep"], "r") as f:
        assert sweep.config(SWEEP_NAMES[3]) == f["runs"][SWEEP_NAMES[3]].attrs["config"].decode()


def test_every_dataset_reachable(files):
    """Everything under each run is reachable through the API, with the same rows."""
    for key in ("run", "sweep", "exercise"):
        res = load(files[key])
        with h5py.File(files[key], "r") as f:
            for run in res.runs:
                g = f["runs"][run]
                s = res.summary.loc[run]
                assert set(g["summary"].dtype.names) <= set(s.index)
                counters = res.counters
                assert (counters["run"] == run).sum() == len(g["counters"])
                for name in g.get("timeseries", {}):
                    ts = res.timeseries(name, run)
                    assert len(ts) == len(g["timeseries"][name])
                    assert list(ts.columns) == ["run", *g["timeseries"][name].dtype.names, "time_us"]
                for op in g.get("latency", {}):
                    assert len(res.latency(op, run)) == len(g["latency"][op])
                for name in g.get("tables", {}):
                    assert len(res.table(name, run)) == len(g["tables"][name])
                if res.attrs(run)["workload"] == "generator":
                    assert sorted(g["proc"]) == sorted(PROC)
                for name in g["proc"]:
                    assert res.proc(run, name) == g["proc"][name][()].decode()
    # Generator runs have every time series; the exercise run has its table instead.
    with h5py.File(files["run"], "r") as f:
        assert sorted(f["runs/single/timeseries"]) == sorted(TIMESERIES)
    ex = load(files["exercise"]).table("exercise")
    assert list(ex["pattern"]) == ["false_sharing", "padded", "random_read", "page_churn",
                                   "kmalloc_churn"]
    assert (ex["ops"] == 200 * 8).all()
    with pytest.raises(KeyError, match="free_pages"):
        load(files["exercise"]).timeseries("free_pages")


def test_strings_are_decoded(files, sweep):
    s = sweep.summary
    assert all(isinstance(v, str) for v in s["slab"])
    ts = sweep.timeseries("zones")
    assert all(isinstance(v, str) for v in ts["zone"])
    assert set(ts["zone"]) <= {"DMA", "DMA32", "Normal", "HighMem", "Movable"}
    assert all(isinstance(v, str) for v in sweep.counters["name"])


def test_summary_one_row_per_run_parameters_typed(sweep):
    s = sweep.summary
    assert list(s.index) == SWEEP_NAMES and s.index.name == "run"
    assert list(s.columns[:2]) == ["kernel.slab", "machine.cpus"]
    assert pd.api.types.is_integer_dtype(s["machine.cpus"])
    assert list(s["kernel.slab"]) == ["slab", "slab", "slub", "slub"]
    assert list(s["machine.cpus"]) == [4, 2, 4, 2]
    # The parameters took effect: they agree with the summary's own fields.
    assert (s["kernel.slab"] == s["slab"]).all()
    assert (s["machine.cpus"] == s["cpus"]).all()
    # Runs may have different fields (the lock classes of SLAB and SLUB): NaN where absent.
    assert "lock_wait_cycles.array_cache.lock" in s.columns
    assert s.loc[SWEEP_NAMES[2], ["lock_wait_cycles.array_cache.lock"]].isna().all()


def test_free_pages_sum_to_zone_free_pages(sweep):
    fp = sweep.timeseries("free_pages")
    # free_pages = free_blocks << order
    assert (fp["free_pages"] == fp["free_blocks"] * (2 ** fp["order"])).all()
    per_zone = fp.groupby(["run", "cycles", "node", "zone"])["free_pages"].sum()
    zones = sweep.timeseries("zones").set_index(["run", "cycles", "node", "zone"])["nr_free_pages"]
    assert len(per_zone) == len(zones) > 0
    pd.testing.assert_series_equal(per_zone.sort_index(), zones.sort_index(), check_names=False,
                                   check_dtype=False)


def test_timeseries_one_run_and_time_us(sweep):
    run = SWEEP_NAMES[1]
    ts = sweep.timeseries("vmstat", run)
    assert set(ts["run"]) == {run}
    assert np.allclose(ts["time_us"], ts["time_ns"] / 1000.0)
    assert ts["cycles"].is_monotonic_increasing
    all_runs = sweep.timeseries("vmstat")
    assert list(dict.fromkeys(all_runs["run"])) == SWEEP_NAMES
    assert len(all_runs) == sum(len(sweep.timeseries("vmstat", r)) for r in SWEEP_NAMES)


def test_latency_totals_equal_summary_ops(sweep):
    s = sweep.summary
    ops = [c[: -len(".ops")] for c in s.columns if c.endswith(".ops")]
    ran = 0
    for op in ops:
        h = sweep.latency(op)
        assert list(h.columns) == ["run", "cpu", "lower_cycles", "upper_cycles", "count"]
        totals = h.groupby("run")["count"].sum().reindex(SWEEP_NAMES, fill_value=0)
        assert (totals.to_numpy() == s[f"{op}.ops"].to_numpy()).all(), op
        ran += bool(len(h))
    assert ran >= 5  # kmalloc, free, alloc_pages, vmalloc, ... ran
    assert sweep.latency("sleep").empty  # a known operation that never ran: no rows
    with pytest.raises(KeyError, match="kmalloc"):
        sweep.latency("no_such_op")


def test_latency_cdf_monotone_and_matches_quantiles(sweep):
    s = sweep.summary
    cdf = sweep.latency_cdf("kmalloc")
    assert list(cdf.columns) == ["run", "cycles", "cdf"]
    assert list(dict.fromkeys(cdf["run"])) == SWEEP_NAMES
    for run, part in cdf.groupby("run", sort=False):
        assert part["cycles"].is_monotonic_increasing and part["cycles"].is_unique
        assert part["cdf"].is_monotonic_increasing
        assert 0 < part["cdf"].iloc[0] and part["cdf"].iloc[-1] == 1.0
        # The summary's quantiles are the upper bound of the first bucket reaching them.
        total = int(s.loc[run, "kmalloc.ops"])
        for q, col in ((0.5, "kmalloc.p50_cycles"), (0.99, "kmalloc.p99_cycles")):
            target = int(q * (total - 1)) + 1
            reached = part[np.rint(part["cdf"] * total) >= target]["cycles"].iloc[0]
            assert min(int(reached), int(s.loc[run, "kmalloc.max_cycles"])) == s.loc[run, col]


def test_proc_equals_cli_report(cli, files, sweep):
    run = SWEEP_NAMES[2]
    for name in ("buddyinfo", "slabinfo"):
        text = sweep.proc(run, name)
        assert text == cli("report", files["sweep"], "--run", run, "--proc", name)
    assert load(files["run"]).proc("single", "buddyinfo") == cli("report", files["run"], "--proc",
                                                                 "buddyinfo")
    assert sweep.proc(run, "buddyinfo").startswith("Node 0, zone")
    with pytest.raises(KeyError, match="buddyinfo"):
        sweep.proc(run, "nosuch")


def test_unknown_names_raise_keyerror_naming_the_choices(sweep):
    with pytest.raises(KeyError) as e:
        sweep.attrs("nosuch")
    assert "nosuch" in str(e.value) and all(r in str(e.value) for r in SWEEP_NAMES)
    for call in (lambda: sweep.proc("nosuch", "buddyinfo"), lambda: sweep.config("nosuch"),
                 lambda: sweep.timeseries("zones", run="nosuch"),
                 lambda: sweep.latency("kmalloc", run="nosuch")):
        with pytest.raises(KeyError, match=SWEEP_NAMES[0]):
            call()
    with pytest.raises(KeyError) as e:
        sweep.timeseries("nosuch")
    assert all(t in str(e.value) for t in TIMESERIES)
    with pytest.raises(FileNotFoundError):
        load("/nonexistent/x.h5")


def test_results_pickle_and_hold_no_file_open(files, sweep, tmp_path):
    again = pickle.loads(pickle.dumps(sweep))
    assert isinstance(again, Results) and again.path == sweep.path
    pd.testing.assert_frame_equal(again.summary, sweep.summary)
    # Nothing stays open: the file can be opened for writing, and replaced under the object.
    path = tmp_path / "swap.h5"
    shutil.copy(files["sweep"], path)
    res = load(path)
    assert res.runs == SWEEP_NAMES
    _ = res.summary, res.timeseries("zones"), res.latency_cdf("free")
    with h5py.File(path, "r+") as f:
        f.attrs["touched"] = 1
    shutil.copy(files["run"], path)
    assert res.runs == ["single"]


def test_counters(sweep):
    c = sweep.counters
    assert list(c.columns) == ["run", "name", "scope", "value"]
    assert set(c["run"]) == set(SWEEP_NAMES)
    vm = c[(c["name"] == "vm.pgalloc")].set_index("run")["value"]
    assert (vm.reindex(SWEEP_NAMES).to_numpy() == sweep.summary["pgalloc"].to_numpy()).all()


# -- strings, xarray -----------------------------------------------------------------


def _no_bytes(frame: pd.DataFrame, what: str):
    for col in frame.columns:
        kinds = {type(v) for v in frame[col].tolist()}
        assert not kinds & {bytes, np.bytes_}, f"{what}: column {col} holds bytes"


def test_strings_read_back_as_str(files):
    for key, path in files.items():
        res = load(path)
        _no_bytes(res.summary, f"{key} summary")
        _no_bytes(res.counters, f"{key} counters")
        if res.sweep_table is not None:
            _no_bytes(res.sweep_table, f"{key} /sweep")
        for run in res.runs:
            for name, value in res.attrs(run).items():
                assert not isinstance(value, (bytes, np.bytes_)), f"{key} {run} @{name}"
        if key != "exercise":
            for name in TIMESERIES:
                _no_bytes(res.timeseries(name), f"{key} {name}")
            assert isinstance(res.proc(res.runs[0], "slabinfo"), str)
    assert set(load(files["run"]).units("timeseries/zones").values()) >= {"pages", ""}


def test_to_xarray_summary_and_timeseries(files, sweep):
    xr = pytest.importorskip("xarray")
    ds = sweep.to_xarray()
    # The sweep's grid as dimensions, in sweep order, with the values as coordinates.
    assert list(ds.sizes) == ["kernel.slab", "machine.cpus"]
    assert list(ds["kernel.slab"].values) == ["slab", "slub"]
    assert sorted(ds["machine.cpus"].values) == [2, 4]
    s = sweep.summary
    for name in SWEEP_NAMES:
        slab, cpus = (kv.split("=")[1] for kv in name.split(","))
        point = ds.sel({"kernel.slab": slab, "machine.cpus": int(cpus)})
        assert point["run"].item() == name
        assert point["ops_per_ms"].item() == s.loc[name, "ops_per_ms"]
        assert isinstance(point["workload"].item(), str)
    assert ds["ops_per_ms"].attrs["units"] == "1/ms"
    # A single run: the dimension is the run.
    assert list(load(files["run"]).to_xarray().sizes) == ["run"]

    ts = sweep.to_xarray("free_pages")
    assert list(ts.sizes) == ["run", "sample", "node", "zone", "order"]
    fp = sweep.timeseries("free_pages")
    run = SWEEP_NAMES[0]
    part = fp[fp["run"] == run]
    first = part[part["cycles"] == part["cycles"].min()]
    row = first.iloc[0]
    value = ts["free_blocks"].sel(run=run, sample=0, node=row["node"], zone=row["zone"],
                                  order=row["order"]).item()
    assert value == row["free_blocks"]
    assert ts["time_us"].sel(run=run, sample=0).item() == row["time_us"]
    assert ts["free_blocks"].attrs["units"] == "blocks"
    assert isinstance(ts, xr.Dataset)


def test_timeseries_groups_open_with_xarray_h5netcdf(files):
    xr = pytest.importorskip("xarray")
    pytest.importorskip("h5netcdf")
    path = files["run"]
    with h5py.File(path, "r") as f:
        tables = {name: f["runs/single/timeseries"][name][()] for name in TIMESERIES}
    with xr.open_dataset(path, group="runs/single/timeseries", engine="h5netcdf") as ds:
        assert sorted(ds.variables) == sorted(TIMESERIES)
        for name, table in tables.items():
            assert ds[name].dims == (name,) and ds[name].shape == table.shape
            assert np.array_equal(ds[name].values, table)
    for group in ("runs/single", "runs/single/latency"):
        with xr.open_dataset(path, group=group, engine="h5netcdf") as ds:
            assert ds.variables
