"""allocsim.config and allocsim.sweep.

to_native_args/override_text on every config form; sweep() against `allocsim sweep`
(the same point names, order, /sweep table and summaries); local threads against a
Dask LocalCluster (identical files); threads without a `__main__` guard; failing
points; the native module preferred over the CLI. Sweeps stay at 4 small points (the
default workload on 2-4 CPUs, ~0.2 s each). Without the native module, sweep() runs
the CLI binary ($ALLOCSIM_BIN, else build/cli/allocsim; skipped without it) and the
tests of the native pieces are skipped.
"""

import importlib
import json
import subprocess
import sys
import threading
import types
from pathlib import Path

import h5py
import numpy as np
import pandas as pd
import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
try:
    import allocsim  # noqa: E402,F401
except ImportError as e:  # the package needs the native module _allocsim (build/python)
    pytest.skip(f"the allocsim package does not import: {e}", allow_module_level=True)

sweep_mod = importlib.import_module("allocsim.sweep")  # (allocsim.sweep is also the function)
from allocsim.config import override_text, to_native_args  # noqa: E402
from allocsim.results import load  # noqa: E402
from allocsim.sweep import SweepError, expand, sweep  # noqa: E402

needs_native = pytest.mark.skipif(sweep_mod._native_module() is None,
                                  reason="the native module _allocsim is not built")

GRID = {"kernel.slab": ["slab", "slub"], "machine.cpus": [4, 2]}
NAMES = ["kernel.slab=slab,machine.cpus=4", "kernel.slab=slab,machine.cpus=2",
         "kernel.slab=slub,machine.cpus=4", "kernel.slab=slub,machine.cpus=2"]
# Attributes that differ between two runs of the same point.
VOLATILE = {"wall_seconds", "start_time", "host", "git_revision", "allocsim_version"}



@pytest.fixture(scope="module")
def cli_sweep(cli, tmp_path_factory):
    out = tmp_path_factory.mktemp("cli_sweep") / "cli.h5"
    cli("sweep", "--grid", "kernel.slab=slab,slub", "--grid", "machine.cpus=4,2", "-o", out, "-q")
    return out


@pytest.fixture(scope="module")
def local_sweep(cli, tmp_path_factory):
    out = tmp_path_factory.mktemp("local_sweep") / "local.h5"
    df = sweep(None, GRID, jobs=2, out=out)
    return out, df


@pytest.fixture(scope="module")
def dask_client():
    distributed = pytest.importorskip("distributed")
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       dashboard_address=None)
    client = distributed.Client(cluster)
    yield client
    client.close()
    cluster.close()


def _tables(path):
    """Every dataset of every run (and /sweep) as numpy arrays, with the run attributes
    that do not depend on when or where it ran."""
    out = {}
    with h5py.File(path, "r") as f:
        def visit(name, obj):
            if isinstance(obj, h5py.Dataset):
                out[name] = obj[()]
            elif name.count("/") == 1 and name.startswith("runs/"):
                out[name + "@attrs"] = {k: (v.decode() if isinstance(v, bytes) else v)
                                        for k, v in obj.attrs.items() if k not in VOLATILE}
        f.visititems(visit)
        out["@root"] = dict(f.attrs)
    return out


def _assert_same_files(a, b):
    ta, tb = _tables(a), _tables(b)
    assert sorted(ta) == sorted(tb)
    for k in ta:
        if isinstance(ta[k], np.ndarray):
            assert ta[k].dtype.names == tb[k].dtype.names, k
            assert np.array_equal(ta[k], tb[k]), k
        else:
            assert ta[k] == tb[k], k


# -- config ---------------------------------------------------------------------------


def test_to_native_args_forms(tmp_path, monkeypatch):
    a = tmp_path / "a.yaml"
    b = tmp_path / "b.yaml"
    a.write_text("machine: {cpus: 4}\n")
    b.write_text("kernel: {slab: slab}\n")

    d = to_native_args(None)
    assert d == dict(files=[], yaml_text=None, source="<default>", sets=[], seed=None)

    for form in (str(a), a):
        d = to_native_args(form)
        assert d["files"] == [str(a)] and d["yaml_text"] is None
    monkeypatch.chdir(tmp_path)
    d = to_native_args("a.yaml")  # made absolute, for workers elsewhere
    assert d["files"] == [str(a)]
    d = to_native_args([a, "b.yaml"])
    assert d["files"] == [str(a), str(b)] and d["yaml_text"] is None

    text = "machine:\n  cpus: 2\n"
    d = to_native_args(text)
    assert d["yaml_text"] == text and d["files"] == [] and d["source"] == "<string>"
    assert to_native_args("kernel: {slab: slob}")["yaml_text"] == "kernel: {slab: slob}"

    d = to_native_args({"machine": {"cpus": np.int64(2), "nodes": 1},
                        "kernel": {"slab": "slub", "slab_colouring": False}})
    assert d["source"] == "<dict>" and d["files"] == []
    assert yaml.safe_load(d["yaml_text"]) == {"machine": {"cpus": 2, "nodes": 1},
                                              "kernel": {"slab": "slub", "slab_colouring": False}}

    d = to_native_args(None, {"machine.cpus": 4, "kernel.slab_colouring": False,
                              "run.trace_out": None, "kernel.slab": "slob"}, seed=np.uint64(7))
    assert d["sets"] == ["machine.cpus=4", "kernel.slab_colouring=false", "run.trace_out=none",
                         "kernel.slab=slob"]
    assert d["seed"] == 7 and type(d["seed"]) is int

    with pytest.raises(FileNotFoundError):
        to_native_args("no-such-file.yaml")
    with pytest.raises(FileNotFoundError):
        to_native_args(tmp_path / "missing.yaml")
    with pytest.raises(FileNotFoundError):
        to_native_args([a, tmp_path / "missing.yaml"])
    with pytest.raises(TypeError):
        to_native_args(42)
    with pytest.raises(ValueError):
        to_native_args(None, seed=-1)


def test_override_text():
    assert override_text(True) == "true"
    assert override_text(False) == "false"
    assert override_text(np.bool_(True)) == "true"
    assert override_text(None) == "none"
    assert override_text(4) == "4"
    assert override_text(np.int32(4)) == "4"
    assert override_text(2.5) == "2.5"
    assert override_text("64KiB") == "64KiB"
    assert override_text("slub") == "slub"
    assert override_text([1, 2, "x"]) == '[1, 2, "x"]'
    assert override_text((1, 2)) == "[1, 2]"
    nested = override_text({"size": "32KiB", "ways": 8, "on": True, "x": None})
    assert yaml.safe_load(nested) == {"size": "32KiB", "ways": 8, "on": True, "x": None}
    assert json.loads(override_text([[10, 21], [21, 10]])) == [[10, 21], [21, 10]]


@needs_native
def test_point_names_and_order():
    pts = expand(GRID)
    assert [p.name for p in pts] == NAMES  # the first key varies slowest
    assert pts[1].params == [("kernel.slab", "slab"), ("machine.cpus", "2")]
    assert pts[1].parameters == "kernel.slab=slab\nmachine.cpus=2\n"
    assert pts[1].values == {"kernel.slab": "slab", "machine.cpus": 2}
    pts = expand({"run.trace_out": ["a/b.trace"], "kernel.slab_colouring": [True]},
                 points=[{"machine.cpus": 2}])
    assert [p.name for p in pts] == ["run.trace_out=a_b.trace,kernel.slab_colouring=true",
                                     "machine.cpus=2"]
    assert pts[0].params[0] == ("run.trace_out", "a/b.trace")  # '/' kept in the value
    assert [p.name for p in expand()] == ["base"]
    assert [p.name for p in expand({"kernel.slab": "slob"})] == ["kernel.slab=slob"]
    with pytest.raises(ValueError, match="both named"):
        expand({"machine.cpus": [2, 2]})
    with pytest.raises(ValueError, match="no values"):
        expand({"machine.cpus": []})
    for bad in ("", "machine.cpus=2"):
        with pytest.raises(ValueError, match="bad sweep key"):
            expand({bad: [1]})
        with pytest.raises(ValueError, match="bad sweep key"):
            expand(points=[{bad: 1}])
    pts = expand({"machine.cpus": [2]}, sets=["kernel.slab=slob"])
    assert pts[0].sets == ["kernel.slab=slob", "machine.cpus=2"]


# -- sweeps ---------------------------------------------------------------------------


def test_sweep_matches_cli_sweep(cli, cli_sweep, local_sweep):
    out, df = local_sweep
    assert list(df.index) == NAMES
    assert df.attrs["path"] == str(out) and df.attrs["failed"] == []
    assert list(df.columns[:2]) == ["kernel.slab", "machine.cpus"]
    assert list(df["machine.cpus"]) == [4, 2, 4, 2] and list(df["cpus"]) == [4, 2, 4, 2]
    cli_res, py_res = load(cli_sweep), load(out)
    assert py_res.runs == cli_res.runs == NAMES
    pd.testing.assert_frame_equal(py_res.sweep_table, cli_res.sweep_table)
    pd.testing.assert_frame_equal(df, cli_res.summary)
    for r in NAMES:
        assert py_res.attrs(r)["parameters"] == cli_res.attrs(r)["parameters"]
    _assert_same_files(out, cli_sweep)  # every table of every run, and /sweep
    with h5py.File(out, "r") as f:
        assert f.attrs["allocsim_results"] == 1 and f.attrs["allocsim_results"].dtype == np.uint64
    # The CLI reads the Python-written file.
    text = cli("report", out, "--run", NAMES[3])
    assert "machine.cpus=2" in text


def test_cli_backend_matches_default_backend(local_sweep, tmp_path, monkeypatch):
    """ALLOCSIM_BACKEND=cli (the fallback when _allocsim is missing) writes the same file
    as the default backend (the native module when built), attribute types included."""
    out, df = local_sweep
    monkeypatch.setenv("ALLOCSIM_BACKEND", "cli")
    cli_out = tmp_path / "cli-backend.h5"
    pd.testing.assert_frame_equal(sweep(None, GRID, jobs=2, out=cli_out), df)
    _assert_same_files(cli_out, out)
    with h5py.File(out, "r") as a, h5py.File(cli_out, "r") as b:
        for r in NAMES:
            ta = a["runs"][r].attrs.get_id("parameters").get_type()
            tb = b["runs"][r].attrs.get_id("parameters").get_type()
            assert (tb.get_size(), tb.get_cset(), tb.get_strpad(), tb.is_variable_str()) == \
                (ta.get_size(), ta.get_cset(), ta.get_strpad(), ta.is_variable_str())


def test_cli_backend_failures(cli, tmp_path, monkeypatch):
    """Without the native module: a point that fails as it runs is reported with its
    message and the others kept; a bad config raises ValueError and writes nothing."""
    monkeypatch.setenv("ALLOCSIM_BACKEND", "cli")
    bad = REPO / "tests" / "data" / "traces" / "malformed.ftrace.txt"
    with pytest.warns(RuntimeWarning, match="malformed"):
        df = sweep({"machine": {"cpus": 2}}, {"workload.trace": ["none", bad]}, jobs=2,
                   out=tmp_path / "f.h5")
    assert list(df.index) == ["workload.trace=none"]
    (failed,) = df.attrs["failed"]
    assert failed["index"] == 1 and failed["parameters"] == {"workload.trace": bad}
    assert f"{bad}:4:" in failed["error"]
    assert list(load(tmp_path / "f.h5").sweep_table["status"]) == ["complete", "failed"]
    with pytest.raises(ValueError, match="nosuch"):
        sweep(None, {"kernel.slab": ["slub", "nosuch"]}, out=tmp_path / "v.h5")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["f.h5"]


@needs_native
def test_local_and_dask_sweeps_identical(local_sweep, dask_client, tmp_path):
    out, df = local_sweep
    dask_out = tmp_path / "dask.h5"
    ddf = sweep(None, GRID, client=dask_client, out=dask_out)
    pd.testing.assert_frame_equal(ddf, df)
    pd.testing.assert_frame_equal(load(dask_out).sweep_table, load(out).sweep_table)
    _assert_same_files(dask_out, out)
    # One job, run in the caller's process: the same again.
    one = sweep(None, GRID, jobs=1, out=tmp_path / "one.h5")
    pd.testing.assert_frame_equal(one, df)
    # Nothing left behind next to the outputs but the outputs.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dask.h5", "one.h5"]


@needs_native
def test_failing_point_reported_others_kept(cli, dask_client, tmp_path):
    grid = {"kernel.slab": ["slub", "nosuch"], "machine.cpus": [2]}
    for client in (None, dask_client):
        out = tmp_path / f"fail-{client is None}.h5"
        with pytest.warns(RuntimeWarning, match="nosuch"):
            df = sweep(None, grid, jobs=2, client=client, out=out)
        assert list(df.index) == ["kernel.slab=slub,machine.cpus=2"]
        (failed,) = df.attrs["failed"]
        assert failed["run"] == "kernel.slab=nosuch,machine.cpus=2" and failed["index"] == 1
        assert failed["parameters"] == {"kernel.slab": "nosuch", "machine.cpus": 2}
        assert "nosuch" in failed["error"]
        res = load(out)
        assert res.runs == ["kernel.slab=slub,machine.cpus=2"]
        t = res.sweep_table
        assert list(t["status"]) == ["complete", "failed"]
        assert list(t["kernel.slab"]) == ["slub", "nosuch"]
    # Every point failing: an error, and no file.
    with pytest.raises(SweepError, match="nosuch") as e:
        sweep(None, {"kernel.slab": ["nosuch"]}, out=tmp_path / "none.h5")
    assert e.value.failed[0]["parameters"] == {"kernel.slab": "nosuch"}
    assert not (tmp_path / "none.h5").exists()


def test_sweep_config_overrides_seed_points(cli, tmp_path):
    out = tmp_path / "o.h5"
    df = sweep({"machine": {"cpus": 2}}, {"kernel.slab": ["slab"]},
               overrides={"kernel.slab_colouring": False}, seed=7, out=out,
               points=[{"kernel.slab": "slub", "machine.cpus": 4}])
    assert list(df.index) == ["kernel.slab=slab", "kernel.slab=slub,machine.cpus=4"]
    assert list(df["slab"]) == ["slab", "slub"] and list(df["cpus"]) == [2, 4]
    assert (df["seed"] == 7).all()
    res = load(out)
    assert "slab_colouring: false" in res.config(df.index[0])
    # Only the point's own keys are its parameters (not the overrides).
    assert res.parameters(df.index[0]) == {"kernel.slab": "slab"}
    assert list(res.sweep_table.columns) == ["index", "run", "status", "kernel.slab",
                                             "machine.cpus"]
    assert list(res.sweep_table["machine.cpus"]) == ["", "4"]
    # A YAML string config, and the default output file (kept; the caller removes it).
    df = sweep("machine:\n  cpus: 2\n", {"kernel.slab": ["slob"]})
    path = Path(df.attrs["path"])
    try:
        assert path.is_file() and list(df["slab"]) == ["slob"] and list(df["cpus"]) == [2]
    finally:
        path.unlink()


@needs_native
def test_native_module_preferred(cli, tmp_path, monkeypatch):
    """With _allocsim importable its run() runs the points (here wrapped to record its calls)."""
    real = allocsim._native.module()
    calls = []

    def recording_run(files, yaml_text, source, sets, seed, out, name, parameters):
        calls.append(dict(files=files, yaml_text=yaml_text, source=source, sets=sets, seed=seed,
                          out=out, name=name, parameters=parameters))
        return real.run(files, yaml_text, source, sets, seed, out, name, parameters)

    fake = types.ModuleType("_allocsim")
    fake.__dict__.update({k: v for k, v in vars(real).items() if not k.startswith("__")})
    fake.run = recording_run
    monkeypatch.setitem(allocsim._native._state, "module", fake)
    monkeypatch.delenv("ALLOCSIM_BACKEND", raising=False)
    df = sweep({"machine": {"cpus": 2}}, {"kernel.slab": ["slob"]}, jobs=1, seed=3,
               overrides={"kernel.slab_colouring": True}, out=tmp_path / "n.h5")
    assert list(df.index) == ["kernel.slab=slob"] and list(df["seed"]) == [3]
    (c,) = calls
    assert c["files"] == [] and c["source"] == "<dict>" and "cpus: 2" in c["yaml_text"]
    assert c["sets"] == ["kernel.slab_colouring=true", "kernel.slab=slob"]
    assert c["seed"] == 3 and c["name"] == "kernel.slab=slob"
    assert c["parameters"] == "kernel.slab=slob\n"
    # ALLOCSIM_BACKEND=cli forces the binary (allocsim sweep), with the same results.
    monkeypatch.setenv("ALLOCSIM_BACKEND", "cli")
    cli_df = sweep({"machine": {"cpus": 2}}, {"kernel.slab": ["slob"]}, jobs=1, seed=3,
                   overrides={"kernel.slab_colouring": True}, out=tmp_path / "c.h5")
    assert len(calls) == 1
    pd.testing.assert_frame_equal(cli_df, df)
    _assert_same_files(tmp_path / "c.h5", tmp_path / "n.h5")


def test_seed_and_a_seed_axis_exclude_each_other(tmp_path):
    for grid, points in (({"run.seed": [1, 2]}, None), (None, [{"run.seed": 3}])):
        with pytest.raises(ValueError, match="run.seed"):
            sweep(None, grid, points=points, seed=5, out=tmp_path / "s.h5")
    assert list(tmp_path.iterdir()) == []


# -- threads --------------------------------------------------------------------------


@needs_native
def test_runs_in_threads_equal_sequential_runs(tmp_path):
    """Simulations in concurrent threads (the GIL released) share no state: each file is
    the one the same run writes alone, even for the same config running twice at once."""
    native = allocsim._native.module()
    configs = {"a": ["kernel.slab=slab", "machine.cpus=4"], "b": ["kernel.slab=slub"],
               "c": ["kernel.slab=slab", "machine.cpus=4"]}

    def run(name, sets, out):
        native.run([], None, "<default>", sets, None, str(out), name, "")

    for name, sets in configs.items():
        run(name, sets, tmp_path / f"seq-{name}.h5")
    threads = [threading.Thread(target=run, args=(name, sets, tmp_path / f"thr-{name}.h5"))
               for name, sets in configs.items()]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for name in configs:
        _assert_same_files(tmp_path / f"thr-{name}.h5", tmp_path / f"seq-{name}.h5")


@needs_native
def test_threaded_sweep_without_main_guard(local_sweep, tmp_path):
    """sweep(jobs=2) from a script without `if __name__ == "__main__":`, and from
    `python3 -` (stdin), completes and equals the sequential sweep."""
    out, _ = local_sweep
    sequential = tmp_path / "sequential.h5"
    sweep(None, GRID, jobs=1, out=sequential)
    _assert_same_files(out, sequential)
    script = ("import allocsim\n"
              f"df = allocsim.sweep(None, {GRID!r}, jobs=2, out=OUT)\n"
              "assert df.attrs['failed'] == [], df.attrs['failed']\n"
              "print(len(df))\n")
    runs = {"script": tmp_path / "script.py", "stdin": None}
    for how, path in runs.items():
        target = tmp_path / f"{how}.h5"
        text = f"OUT = {str(target)!r}\n" + script
        if path is not None:
            path.write_text(text)
        p = subprocess.run(["/usr/bin/python3", str(path) if path else "-"],
                           input=None if path else text, capture_output=True, text=True,
                           cwd=tmp_path, timeout=120)
        assert p.returncode == 0, f"{how}: {p.stderr}"
        assert p.stdout.strip() == "4"
        _assert_same_files(target, sequential)


# -- existing outputs, interrupts, resume, progress --------------------------------------


@needs_native
def test_interrupt_keeps_points_and_resume_completes(local_sweep, tmp_path, monkeypatch,
                                                     capsys):
    """Like allocsim sweep: Ctrl-C keeps the finished points and says how to resume; an
    existing output or interrupted sweep is kept unless resume=True or overwrite=True;
    resume runs only the missing points and gives the uninterrupted file. No progress
    bar when standard error is not a terminal; one when asked."""
    ref, df = local_sweep
    out = tmp_path / "r.h5"
    parts = tmp_path / ".r.h5.parts"
    real = sweep_mod._error_of
    calls = []

    def interrupted_at_the_third(args, part, name, params):
        calls.append(name)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return real(args, part, name, params)

    monkeypatch.setattr(sweep_mod, "_error_of", interrupted_at_the_third)
    with pytest.raises(KeyboardInterrupt):
        sweep(None, GRID, jobs=1, out=out)
    err = capsys.readouterr().err
    assert "allocsim.sweep interrupted: 2 of 4 points are complete in" in err
    assert f"allocsim.sweep(..., out={str(out)!r}, resume=True)" in err
    assert not out.exists() and sorted(p.name for p in parts.iterdir()) == [
        "point-0.h5", "point-1.h5"]
    with pytest.raises(FileExistsError, match="resume=True"):
        sweep(None, GRID, jobs=1, out=out)
    with pytest.raises(ValueError, match="exclude"):
        sweep(None, GRID, out=out, resume=True, overwrite=True)

    calls.clear()
    resumed = sweep(None, GRID, jobs=1, out=out, resume=True)
    assert calls == NAMES[2:]
    assert capsys.readouterr().err == ""  # no bar: stderr is not a terminal
    pd.testing.assert_frame_equal(resumed, load(ref).summary)
    _assert_same_files(out, ref)
    assert not parts.exists()

    with pytest.raises(FileExistsError, match="overwrite=True"):
        sweep(None, GRID, jobs=1, out=out)
    calls.clear()
    sweep(None, {"kernel.slab": ["slob"], "machine.cpus": [2]}, out=out, overwrite=True,
          progress=True)
    assert calls == ["kernel.slab=slob,machine.cpus=2"]
    assert "allocsim sweep" in capsys.readouterr().err  # the bar, asked for
    assert load(out).runs == ["kernel.slab=slob,machine.cpus=2"]
