"""Parameter sweeps: every point of a grid run in parallel into one results file.

:func:`sweep` is the Python side of ``allocsim sweep``: the same points, in the same
order, with the same names, and the same file layout (a run per point under
``/runs/<name>`` and the ``/sweep`` table), so :func:`allocsim.load` and the CLI's
``report`` read either. Points run

* locally (``client=None``): in ``jobs`` worker processes (``spawn``ed, so no HDF5 or
  thread state is shared with the caller), each writing its own part file in a
  temporary directory next to ``out``;
* on a Dask cluster (``client=<distributed.Client>``): one task per point; a task
  runs its point into a file in the worker's temporary directory and returns the
  file's bytes, so workers need no shared file system (but they need ``allocsim``
  importable and either the native module ``_allocsim`` or the ``allocsim`` binary).

Then the parts are merged, in point order, into ``out``, written atomically (a
temporary file in the same directory, renamed). A run depends only on its config
and seed, so the file's tables are the same whatever ``jobs`` or the cluster.

Each point runs through :func:`run_point`, which uses the native module
``_allocsim`` when it can be imported and otherwise the CLI binary (``$ALLOCSIM_BIN``,
else ``<repo>/build/cli/allocsim``).
"""

from __future__ import annotations

import importlib
import itertools
import multiprocessing
import os
import shutil
import subprocess
import tempfile
import uuid
import warnings
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

import h5py
import numpy as np

from .config import override_text, to_native_args

__all__ = ["sweep", "run_point", "run_point_to_bytes", "expand", "point_name", "SweepError",
           "PointError"]

#: The results-file layout version (io/results/results_file.hpp kResultsLayout).
RESULTS_LAYOUT = 1
#: The deflate level of tables (io/h5/file.hpp kDeflateLevel).
DEFLATE_LEVEL = 1


class PointError(RuntimeError):
    """A sweep point that failed (the message says why)."""


class SweepError(RuntimeError):
    """Every point of a sweep failed; ``.failed`` lists them (index, run, parameters, error)."""

    def __init__(self, message: str, failed: list):
        super().__init__(message)
        self.failed = failed


# -- points ---------------------------------------------------------------------------


@dataclass
class Point:
    index: int
    name: str
    params: list  # [(key, text)]
    values: dict = field(default_factory=dict)  # key -> the value as given

    @property
    def parameters(self) -> str:
        """The run's ``parameters`` attribute: "key=value" lines."""
        return "".join(f"{k}={v}\n" for k, v in self.params)

    def sets(self, base: Sequence[str]) -> list:
        return list(base) + [f"{k}={v}" for k, v in self.params]


def point_name(params: Sequence[tuple]) -> str:
    """A point's run name, as the CLI's: "k1=v1,k2=v2" with '/' made '_'; "base" if none."""
    if not params:
        return "base"
    return ",".join(f"{k}={v}" for k, v in params).replace("/", "_")


def _check_key(key: Any) -> str:
    key = str(key)
    if not key or "=" in key:
        raise ValueError(f"bad sweep key {key!r}: a dotted config key like 'machine.cpus'")
    return key


def expand(grid: Mapping[str, Any] | None = None,
           points: Iterable[Mapping[str, Any]] | None = None) -> list:
    """The sweep's points, as the CLI expands them: the grid's cartesian product, its
    first key varying slowest, then the extra `points`; one point "base" if neither."""
    axes = []
    for key, values in (grid or {}).items():
        if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
            values = [values]
        values = list(values)
        if not values:
            raise ValueError(f"sweep axis {key!r} has no values")
        axes.append((_check_key(key), values))
    combos = []
    if axes:
        for combo in itertools.product(*(v for _, v in axes)):
            combos.append([(k, v) for (k, _), v in zip(axes, combo)])
    for p in points or []:
        if not isinstance(p, Mapping):
            raise TypeError("each extra point is a dict of dotted config keys to values")
        combos.append([(_check_key(k), v) for k, v in p.items()])
    if not combos:
        combos.append([])
    out, seen = [], {}
    for i, combo in enumerate(combos):
        params = [(k, override_text(v)) for k, v in combo]
        name = point_name(params)
        if name in seen:
            raise ValueError(f"two points are both named {name!r} (the same parameters)")
        seen[name] = i
        out.append(Point(i, name, params, dict(combo)))
    return out


# -- running one point ----------------------------------------------------------------


def _native_module():
    """The native extension ``_allocsim``, or None (then the CLI binary is used).
    ``ALLOCSIM_BACKEND=cli`` forces the CLI."""
    if os.environ.get("ALLOCSIM_BACKEND", "").strip().lower() == "cli":
        return None
    try:
        mod = importlib.import_module("_allocsim")
    except ImportError:
        return None
    return mod if hasattr(mod, "run") else None


def allocsim_binary() -> Path:
    """The CLI binary: ``$ALLOCSIM_BIN``, else ``<repo>/build/cli/allocsim``, else on PATH."""
    env = os.environ.get("ALLOCSIM_BIN")
    if env:
        return Path(env)
    built = Path(__file__).resolve().parents[2] / "build" / "cli" / "allocsim"
    if built.is_file():
        return built
    found = shutil.which("allocsim")
    return Path(found) if found else built


def _set_text_attr(obj: h5py.HLObject, name: str, text: str) -> None:
    """A string attribute as the C++ writer makes them: fixed length, null-padded, UTF-8."""
    data = text.encode("utf-8")
    if name in obj.attrs:
        del obj.attrs[name]
    obj.attrs.create(name, np.array(data, dtype=f"S{max(len(data), 1)}"),
                     dtype=h5py.string_dtype("utf-8", max(len(data), 1)))


def _absolute_trace(yaml_text: str) -> str:
    """`yaml_text` with a relative ``workload.trace`` made absolute (relative to the
    working directory, as for a YAML string), since the CLI fallback reads the text
    from a temporary file and would resolve it against that file's directory."""
    try:
        import yaml

        tree = yaml.safe_load(yaml_text)
        trace = tree["workload"]["trace"]
    except Exception:
        return yaml_text
    if not isinstance(trace, str) or trace == "none" or os.path.isabs(trace):
        return yaml_text
    tree["workload"]["trace"] = os.path.abspath(trace)
    return yaml.safe_dump(tree, sort_keys=False, default_flow_style=False)


def _run_cli(native_args: dict, out_path: str, name: str, parameters: str) -> dict:
    binary = allocsim_binary()
    if not (binary.is_file() and os.access(binary, os.X_OK)):
        raise FileNotFoundError(
            f"cannot run a point: no native module _allocsim and no allocsim binary at {binary} "
            f"(build it, or set ALLOCSIM_BIN)")
    with tempfile.TemporaryDirectory(prefix="allocsim-point-") as tmp:
        files = list(native_args.get("files") or [])
        yaml_text = native_args.get("yaml_text")
        config_file = None
        if yaml_text is not None:
            config_file = os.path.join(tmp, "config.yaml")
            with open(config_file, "w", encoding="utf-8") as f:
                f.write(_absolute_trace(yaml_text))
            files = [config_file]
        cmd = [str(binary), "run", *files]
        for s in native_args.get("sets") or []:
            cmd += ["--set", s]
        if native_args.get("seed") is not None:
            cmd += ["--seed", str(int(native_args["seed"]))]
        cmd += ["-o", out_path, "--force", "--name", name, "-q"]
        p = subprocess.run(cmd, capture_output=True, text=True, stdin=subprocess.DEVNULL)
        if p.returncode != 0:
            msg = (p.stderr.strip() or p.stdout.strip() or f"exit status {p.returncode}")
            msg = msg.removeprefix("allocsim: error: ").removeprefix("allocsim: ")
            if config_file:
                msg = msg.replace(config_file, native_args.get("source") or "<string>")
            # Exit status 2: bad config or options (the native module's ConfigError).
            raise (ValueError if p.returncode == 2 else PointError)(msg)
    if parameters:
        with h5py.File(out_path, "r+") as f:
            _set_text_attr(f[f"runs/{name}"], "parameters", parameters)
    return {"name": name, "path": out_path, "backend": "cli"}


def run_point(native_args: dict, out_path: str, name: str, parameters: str) -> dict:
    """Runs one config (``native_args`` from :func:`allocsim.config.to_native_args`) and
    writes exactly one complete run `name`, with the ``parameters`` attribute, to a new
    HDF5 file `out_path`. Uses ``_allocsim.run`` when the native module imports, else
    ``allocsim run``. Raises (ValueError for a bad config) when the point fails."""
    native = _native_module()
    a = native_args
    if native is not None:
        result = native.run(list(a.get("files") or []), a.get("yaml_text"),
                            a.get("source") or "<default>", list(a.get("sets") or []),
                            a.get("seed"), str(out_path), name, parameters)
        return dict(result) if isinstance(result, Mapping) else {"result": result}
    return _run_cli(native_args, str(out_path), name, parameters)


def run_point_to_bytes(native_args: dict, name: str, parameters: str) -> bytes:
    """:func:`run_point` into the worker's temporary directory; returns the file's bytes
    (for Dask workers that share no file system with the client)."""
    with tempfile.TemporaryDirectory(prefix="allocsim-point-") as tmp:
        path = os.path.join(tmp, "point.h5")
        try:
            run_point(native_args, path, name, parameters)
        except Exception as e:  # the native module's exceptions need not unpickle elsewhere
            raise PointError(_describe(e)) from None
        with open(path, "rb") as f:
            return f.read()


def _describe(e: BaseException) -> str:
    msg = str(e) or type(e).__name__
    return msg if isinstance(e, (ValueError, PointError)) else f"{type(e).__name__}: {msg}"


def _local_task(native_args: dict, out_path: str, name: str, parameters: str):
    """One point in a local worker: ("complete", None) or ("failed", message)."""
    try:
        run_point(native_args, out_path, name, parameters)
    except Exception as e:
        return "failed", _describe(e)
    return "complete", None


# -- the results file -----------------------------------------------------------------


def _sweep_table(points: list, status: list) -> np.ndarray:
    keys: list = []
    for p in points:
        keys += [k for k, _ in p.params if k not in keys]
    rows = []
    for p, st in zip(points, status):
        values = dict(p.params)
        rows.append((p.index, p.name, st, *(values.get(k, "") for k in keys)))
    names = ["index", "run", "status", *keys]
    dtypes = [np.dtype("<u8")]
    for c in range(1, len(names)):
        longest = max((len(str(r[c]).encode("utf-8")) for r in rows), default=0)
        dtypes.append(h5py.string_dtype("utf-8", max(longest, 1)))
    arr = np.zeros(len(rows), dtype=np.dtype(list(zip(names, dtypes))))
    for i, r in enumerate(rows):
        arr[i] = (r[0], *(str(v).encode("utf-8") for v in r[1:]))
    return arr


def _write_table(parent: h5py.Group, name: str, arr: np.ndarray, units: list) -> None:
    """A compound dataset as the C++ writer makes them (chunked, shuffle + deflate at
    io/h5 kDeflateLevel, a "units" attribute)."""
    row = max(arr.dtype.itemsize, 1)
    chunk = int(min(max(len(arr), 1), max(1, (1 << 20) // row), 4096))
    d = parent.create_dataset(name, data=arr, maxshape=(None,), chunks=(chunk,), shuffle=True,
                              compression="gzip", compression_opts=DEFLATE_LEVEL,
                              track_times=False)
    longest = max([len(u.encode()) for u in units] + [1])
    d.attrs.create("units", np.array([u.encode() for u in units], dtype=f"S{longest}"),
                   dtype=h5py.string_dtype("utf-8", longest))


def _merge(out: str, points: list, parts: list, status: list) -> None:
    """The complete parts, in point order, into `out` (atomically), with /sweep."""
    out_dir = os.path.dirname(os.path.abspath(out))
    fd, tmp = tempfile.mkstemp(prefix=f".{os.path.basename(out)}.", suffix=".tmp", dir=out_dir)
    os.close(fd)
    try:
        with h5py.File(tmp, "w") as dst:
            dst.attrs.create("allocsim_results", np.uint64(RESULTS_LAYOUT), dtype="<u8")
            runs = dst.create_group("runs")
            for i, (p, part) in enumerate(zip(points, parts)):
                if status[i] != "complete":
                    continue
                with h5py.File(part, "r") as src:
                    g = src.get(f"runs/{p.name}")
                    if not isinstance(g, h5py.Group) or int(g.attrs.get("complete", 0)) != 1:
                        status[i] = "failed"
                        continue
                    src.copy(g, runs, name=p.name)
            table = _sweep_table(points, status)
            units = ["1"] + [""] * (len(table.dtype) - 1)
            _write_table(dst, "sweep", table, units)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, out)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


# -- sweep ----------------------------------------------------------------------------


def _run_local(jobs, tasks, parts, status, errors):
    workers = max(1, min(int(jobs or os.cpu_count() or 1), len(tasks)))
    if workers == 1:
        for i, (args, name, params) in enumerate(tasks):
            status[i], errors[i] = _local_task(args, parts[i], name, params)
        return
    ex = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"))
    try:
        futures = {ex.submit(_local_task, args, parts[i], name, params): i
                   for i, (args, name, params) in enumerate(tasks)}
        for fut in as_completed(futures):
            i = futures[fut]
            try:
                status[i], errors[i] = fut.result()
            except BrokenProcessPool as e:
                # Workers are spawned: they import the caller's __main__ again.
                status[i], errors[i] = "failed", (
                    "a worker process died or could not start (a script that calls "
                    "allocsim.sweep with jobs > 1 must call it under "
                    "`if __name__ == \"__main__\":`): " + _describe(e))
            except Exception as e:
                status[i], errors[i] = "failed", _describe(e)
    except BaseException:
        ex.shutdown(wait=False, cancel_futures=True)
        raise
    ex.shutdown(wait=True)


def _run_dask(client, tasks, parts, status, errors):
    from distributed import as_completed as dask_as_completed

    prefix = f"allocsim-point-{uuid.uuid4().hex[:12]}"
    futures = [client.submit(run_point_to_bytes, args, name, params, key=f"{prefix}-{i}",
                             pure=False)
               for i, (args, name, params) in enumerate(tasks)]
    index = {f.key: i for i, f in enumerate(futures)}
    try:
        for fut in dask_as_completed(futures):
            i = index[fut.key]
            try:
                data = fut.result()
                with open(parts[i], "wb") as f:
                    f.write(data)
                status[i], errors[i] = "complete", None
            except Exception as e:
                status[i], errors[i] = "failed", _describe(e)
            fut.release()
    except BaseException:
        client.cancel(futures)
        raise


def sweep(config: Any = None, grid: Mapping[str, Any] | None = None, jobs: int | None = None,
          client: Any = None, out: str | os.PathLike | None = None,
          overrides: Mapping[str, Any] | None = None, seed: int | None = None,
          points: Iterable[Mapping[str, Any]] | None = None):
    """Runs every point of `grid` over `config` and returns the results' summary.

    config:    as for :func:`allocsim.run` (None, path(s), YAML text or dict).
    grid:      dotted config keys to lists of values, e.g.
               ``{"kernel.slab": ["slab", "slub"], "machine.cpus": [2, 4]}``; the
               cartesian product, the first key varying slowest (as ``allocsim sweep``).
               Each point is named "kernel.slab=slab,machine.cpus=2" ('/' made '_').
    points:    extra points (dicts of dotted keys to values) after the grid's.
    overrides: dotted keys to values applied to every point (before the point's own).
    seed:      the run seed of every point (default: the config's ``run.seed``).
    jobs:      local worker processes (default: the host's CPUs); ignored with `client`.
               They are spawned, so a script must call sweep() under
               ``if __name__ == "__main__":`` (as with any multiprocessing code).
    client:    a ``distributed.Client``: one Dask task per point.
    out:       the results file (replaced atomically). Default: a new temporary file
               (``allocsim-sweep-*.h5`` in the temporary directory), which is kept: its
               path is in the returned frame's ``attrs["path"]``; delete it when done.

    Returns ``allocsim.load(out).summary``: one row per complete point (index: run name),
    the swept parameters first as typed columns. ``attrs["path"]`` is the file and
    ``attrs["failed"]`` the failed points (index, run, parameters, error), each also
    reported with ``warnings.warn``; failed points are "failed" in the file's /sweep
    table. Raises :class:`SweepError` (and writes nothing) if every point fails.
    """
    from .results import load

    base = to_native_args(config, overrides, seed)
    pts = expand(grid, points)
    temporary = out is None
    if temporary:
        fd, out = tempfile.mkstemp(prefix="allocsim-sweep-", suffix=".h5")
        os.close(fd)
    out = os.path.abspath(os.fspath(out))
    out_dir = os.path.dirname(out)
    if not os.path.isdir(out_dir):
        raise FileNotFoundError(f"{out}: no directory {out_dir!r}")

    tasks = [(dict(base, sets=p.sets(base["sets"])), p.name, p.parameters) for p in pts]
    status = ["pending"] * len(pts)
    errors: list = [None] * len(pts)
    parts_dir = tempfile.mkdtemp(prefix=f".{os.path.basename(out)}.parts-", dir=out_dir)
    try:
        parts = [os.path.join(parts_dir, f"point-{p.index}.h5") for p in pts]
        if client is None:
            _run_local(jobs, tasks, parts, status, errors)
        else:
            _run_dask(client, tasks, parts, status, errors)
        failed = [dict(index=p.index, run=p.name, parameters=dict(p.values), error=errors[i])
                  for i, p in enumerate(pts) if status[i] != "complete"]
        if len(failed) == len(pts):
            raise SweepError(f"every point of the sweep failed; {failed[0]['run']}: "
                             f"{failed[0]['error']}", failed)
        _merge(out, pts, parts, status)
    except BaseException:
        if temporary and os.path.exists(out):
            os.unlink(out)  # the empty placeholder
        raise
    finally:
        shutil.rmtree(parts_dir, ignore_errors=True)
    # The merge may find a part without its complete run: failed too.
    failed = [dict(index=p.index, run=p.name, parameters=dict(p.values),
                   error=errors[i] or "its part file holds no complete run")
              for i, p in enumerate(pts) if status[i] != "complete"]
    for f in failed:
        warnings.warn(f"allocsim sweep: point {f['run']} failed: {f['error']}", RuntimeWarning,
                      stacklevel=2)
    summary = load(out).summary
    summary.attrs["path"] = out
    summary.attrs["failed"] = failed
    return summary
