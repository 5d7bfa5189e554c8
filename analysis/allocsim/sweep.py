"""Parameter sweeps: every point of a grid run in parallel into one results file.

:func:`sweep` is ``allocsim sweep`` from Python. The points (their order, names and
configs), the part files and the merged results file with its ``/sweep`` table come
from the C++ core (``io/run/sweep*``, bound in ``_allocsim``), so the CLI and Python
write the same file; this module only schedules the points:

* locally (``client=None``): in ``jobs`` threads of the calling process. The native
  ``run`` releases the GIL and runs share no state, so the points run in parallel and
  the results do not depend on ``jobs``; no ``if __name__ == "__main__":`` guard is
  needed (scripts, ``python3 -``, notebooks);
* on a Dask cluster (``client=<distributed.Client>``): one task per point; a task runs
  its point into a file in the worker's temporary directory and returns the file's
  bytes, so workers need no shared file system (but they need ``allocsim`` and its
  native module importable). The client writes the parts and merges them.

Without the native module (an analysis-only install, or ``ALLOCSIM_BACKEND=cli``),
:func:`sweep` runs the ``allocsim sweep`` binary instead (:mod:`allocsim.sweep_cli`),
which writes the same file; ``client`` and ``resume`` need the native module.

Like ``allocsim sweep``, each point is written to a part file (``.OUT.parts/``) as it
finishes; an existing ``out`` or an interrupted sweep's parts are kept unless
``overwrite=True`` (``--force``) or ``resume=True`` (``--resume``); Ctrl-C keeps the
finished points and prints how to resume. On a terminal or in a notebook a progress
bar (tqdm) counts the points (:mod:`allocsim._progress`).
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import uuid
import warnings
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

from . import _native
from ._output import check_output
from ._progress import progress_bar
from .config import override_text, to_native_args
from .sweep_cli import sweep_with_cli

__all__ = ["sweep", "run_point", "run_point_to_bytes", "expand", "point_name", "SweepError",
           "PointError"]


class PointError(RuntimeError):
    """A sweep point that failed (the message says why)."""


class SweepError(RuntimeError):
    """Every point of a sweep failed; ``.failed`` lists them (index, run, parameters, error)."""

    def __init__(self, message: str, failed: list):
        super().__init__(message)
        self.failed = failed


# -- the native module ----------------------------------------------------------------


def _native_module():
    """The native extension ``_allocsim``, or None (then the CLI binary is used).
    ``ALLOCSIM_BACKEND=cli`` forces the CLI."""
    mod = _native.module()
    return mod if hasattr(mod, "run") and hasattr(mod, "merge_sweep") else None


def _require_native(what: str):
    native = _native_module()
    if native is None:
        _native.require(what)  # says why
        raise ImportError(f"{what} needs a newer allocsim C++ module (_allocsim): rebuild it")
    return native


# -- points ---------------------------------------------------------------------------


@dataclass
class Point:
    index: int
    name: str
    params: list  # [(key, text)]: the swept keys and this point's values as --set text
    sets: list = field(default_factory=list)  # the overrides, then the params: "KEY=VALUE"
    parameters: str = ""  # the run's "parameters" attribute
    values: dict = field(default_factory=dict)  # key -> the value as given


def point_name(params: Iterable[tuple]) -> str:
    """A point's run name, as the CLI's: "k1=v1,k2=v2" with '/' made '_'; "base" if none."""
    native = _require_native("allocsim.sweep.point_name")
    return native.point_name([(str(k), str(v)) for k, v in params])


def _axes(grid: Mapping[str, Any] | None) -> list:
    """[(key, [value, ...])]: a single value is an axis of one."""
    axes = []
    for key, values in (grid or {}).items():
        if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
            values = [values]
        axes.append((str(key), list(values)))
    return axes


def _extra_points(points: Iterable[Mapping[str, Any]] | None) -> list:
    extra = []
    for p in points or []:
        if not isinstance(p, Mapping):
            raise TypeError("each extra point is a dict of dotted config keys to values")
        extra.append([(str(k), v) for k, v in p.items()])
    return extra


def _texts(assignments) -> list:
    return [(k, override_text(v)) for k, v in assignments]


def _axis_texts(axes: list) -> list:
    return [(k, [override_text(v) for v in vs]) for k, vs in axes]


def _typed(axes: list, extra: list):
    """A point's params (key, text) -> its values as given in Python (for reports)."""
    given = {(k, override_text(v)): v for k, vs in axes for v in vs}
    given.update({(k, override_text(v)): v for p in extra for k, v in p})
    return lambda params: {k: given.get((k, t), t) for k, t in params}


def expand(grid: Mapping[str, Any] | None = None,
           points: Iterable[Mapping[str, Any]] | None = None, sets: Iterable[str] = ()) -> list:
    """The sweep's points, as the CLI expands them: the grid's cartesian product, its
    first key varying slowest, then the extra `points`; one point "base" if neither.
    `sets` ("KEY=VALUE") come before each point's own keys in its ``sets``."""
    native = _require_native("allocsim.sweep.expand")
    axes, extra = _axes(grid), _extra_points(points)
    typed = _typed(axes, extra)
    out = []
    for i, p in enumerate(native.expand_sweep(_axis_texts(axes), [_texts(e) for e in extra],
                                              list(sets))):
        params = [tuple(kv) for kv in p["params"]]
        out.append(Point(i, p["name"], params, list(p["sets"]), p["parameters"], typed(params)))
    return out


# -- running one point ----------------------------------------------------------------


def run_point(native_args: dict, out_path: str, name: str, parameters: str) -> dict:
    """Runs one config (``native_args`` from :func:`allocsim.config.to_native_args`) and
    writes exactly one complete run `name`, with the ``parameters`` attribute, to a new
    HDF5 file `out_path` (``_allocsim.run``, the GIL released). Raises (ValueError for a
    bad config) when the point fails."""
    a = native_args
    result = _require_native("running a sweep point").run(
        list(a.get("files") or []), a.get("yaml_text"), a.get("source") or "<default>",
        list(a.get("sets") or []), a.get("seed"), str(out_path), name, parameters)
    return dict(result) if isinstance(result, Mapping) else {"result": result}


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


def _error_of(native_args: dict, part: str, name: str, parameters: str):
    """Runs one point into its part file: None, or why it failed."""
    try:
        run_point(native_args, part, name, parameters)
    except Exception as e:
        return _describe(e)
    return None


# -- scheduling -----------------------------------------------------------------------


def _run_threads(jobs, tasks, parts, errors, pending, bar):
    workers = max(1, min(int(jobs or os.cpu_count() or 1), len(pending)))
    if workers == 1:
        for i in pending:
            args, name, params = tasks[i]
            errors[i] = _error_of(args, parts[i], name, params)
            bar.update()
        return
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="allocsim-sweep") as ex:
        futures = {}
        for i in pending:
            args, name, params = tasks[i]
            futures[ex.submit(_error_of, args, parts[i], name, params)] = i
        try:
            for fut in as_completed(futures):
                errors[futures[fut]] = fut.result()
                bar.update()
        except BaseException:
            ex.shutdown(wait=False, cancel_futures=True)  # points running finish first
            raise


def _run_dask(client, tasks, parts, errors, pending, bar):
    from distributed import as_completed as dask_as_completed

    prefix = f"allocsim-point-{uuid.uuid4().hex[:12]}"
    futures = [client.submit(run_point_to_bytes, *tasks[i], key=f"{prefix}-{i}", pure=False)
               for i in pending]
    index = {f.key: i for i, f in zip(pending, futures)}
    try:
        for fut in dask_as_completed(futures):
            i = index[fut.key]
            try:
                data = fut.result()
                with open(parts[i], "wb") as f:
                    f.write(data)
                errors[i] = None
            except Exception as e:
                errors[i] = _describe(e)
            fut.release()
            bar.update()
    except BaseException:
        client.cancel(futures)
        raise


def _merge(native, out: str, pts: list, sources: list) -> list:
    """The parts into `out`, atomically (a temporary file renamed); per point, whether
    its run is in."""
    fd, tmp = tempfile.mkstemp(prefix=f".{os.path.basename(out)}.", suffix=".tmp",
                               dir=os.path.dirname(out))
    os.close(fd)
    try:
        complete = native.merge_sweep(tmp, [(p.name, p.params) for p in pts], sources)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, out)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return complete


def _interrupted(out: str, parts_dir: str, done: int, total: int) -> None:
    """Says, on standard error, what an interrupted sweep kept and how to go on."""
    print(f"\nallocsim.sweep interrupted: {done} of {total} points are complete in "
          f"{parts_dir}/ (points still running finish first).\nResume with the same "
          f"arguments and resume=True: allocsim.sweep(..., out={out!r}, resume=True)",
          file=sys.stderr, flush=True)


def _sweep_native(native, base, grid, points, jobs, client, out, resume, progress):
    """Runs the points here (threads) or on Dask and merges them: (points, errors)."""
    pts = expand(grid, points, base["sets"])
    tasks = [(dict(base, sets=p.sets), p.name, p.parameters) for p in pts]
    parts_dir = native.sweep_parts_dir(out)
    done = [""] * len(pts)
    if resume:
        earlier = out if os.path.exists(out) else ""
        done = native.finished_points([(p.name, p.params) for p in pts], parts_dir, earlier)
    else:
        shutil.rmtree(parts_dir, ignore_errors=True)  # overwrite=True (or a new sweep)
    os.makedirs(parts_dir, exist_ok=True)
    parts = [native.sweep_part_path(parts_dir, p.index) for p in pts]
    errors: list = [None if d else "not run" for d in done]
    pending = [i for i, d in enumerate(done) if not d]
    try:
        with progress_bar(len(pending), "allocsim sweep", progress) as bar:
            if client is None:
                _run_threads(jobs, tasks, parts, errors, pending, bar)
            else:
                _run_dask(client, tasks, parts, errors, pending, bar)
    except KeyboardInterrupt:
        complete = sum(1 for i, e in enumerate(errors) if e is None)
        _interrupted(out, parts_dir, complete, len(pts))
        raise
    if all(errors):
        shutil.rmtree(parts_dir, ignore_errors=True)
        return pts, errors
    sources = [(parts[i] if not done[i] else done[i]) if e is None else ""
               for i, e in enumerate(errors)]
    complete = _merge(native, out, pts, sources)
    for i, ok in enumerate(complete):
        if not ok and errors[i] is None:
            errors[i] = "its part file holds no complete run"
    if all(complete):
        shutil.rmtree(parts_dir, ignore_errors=True)
    return pts, errors


def _sweep_without_native(base, grid, points, jobs, out):
    axes, extra = _axes(grid), _extra_points(points)
    rows, errors = sweep_with_cli(base, _axis_texts(axes), [_texts(p) for p in extra], jobs, out)
    typed = _typed(axes, extra)
    return [Point(i, name, params, values=typed(params)) for i, name, params in rows], errors


def _check_out(out, overwrite: bool, resume: bool, parts_dir: str | None) -> str:
    """The absolute output path, after refusing what ``allocsim sweep`` refuses."""
    if overwrite and resume:
        raise ValueError("overwrite=True and resume=True exclude each other")
    path = check_output(out, overwrite or resume, "pass overwrite=True to replace it, or "
                                                   "resume=True to add its missing points")
    if parts_dir and os.path.exists(parts_dir) and not (overwrite or resume):
        raise FileExistsError(f"{os.fspath(out)}: an interrupted sweep left its points in "
                              f"{parts_dir} (pass resume=True to complete it, or "
                              f"overwrite=True to start over)")
    return path


# -- sweep ----------------------------------------------------------------------------


def sweep(config: Any = None, grid: Mapping[str, Any] | None = None, jobs: int | None = None,
          client: Any = None, out: str | os.PathLike | None = None,
          overrides: Mapping[str, Any] | None = None, seed: int | None = None,
          points: Iterable[Mapping[str, Any]] | None = None, overwrite: bool = False,
          resume: bool = False, progress: bool | None = None):
    """Runs every point of `grid` over `config` and returns the results' summary.

    config:    as for :func:`allocsim.run` (None, path(s), YAML text or dict).
    grid:      dotted config keys to lists of values, e.g.
               ``{"kernel.slab": ["slab", "slub"], "machine.cpus": [2, 4]}``; the
               cartesian product, the first key varying slowest (as ``allocsim sweep``).
               Each point is named "kernel.slab=slab,machine.cpus=2" ('/' made '_').
    points:    extra points (dicts of dotted keys to values) after the grid's.
    overrides: dotted keys to values applied to every point (before the point's own).
    seed:      the run seed of every point (default: the config's ``run.seed``); not
               together with a ``run.seed`` axis or point.
    jobs:      points run at once, in threads of this process (default: the host's
               CPUs); ignored with `client`. No ``__main__`` guard is needed.
    client:    a ``distributed.Client``: one Dask task per point.
    out:       the results file. Default: a new temporary file (``allocsim-sweep-*.h5``
               in the temporary directory), which is kept: its path is in the returned
               frame's ``attrs["path"]``; delete it when done. An existing `out`, or the
               parts an interrupted sweep into it left, is an error (FileExistsError)
               unless `overwrite` or `resume`, as for ``allocsim sweep``.
    overwrite: replace `out` and discard an interrupted sweep's parts (``--force``).
    resume:    complete an interrupted or partly failed sweep into `out`: the points
               whose run is in its part file or in `out` are kept, the others run
               (``--resume``; the native module only).
    progress:  a progress bar of the points (tqdm): True, False, or None (default) for
               one on a terminal or in a notebook only.

    Returns ``allocsim.load(out).summary``: one row per complete point (index: run name),
    the swept parameters first as typed columns. ``attrs["path"]`` is the file and
    ``attrs["failed"]`` the failed points (index, run, parameters, error), each also
    reported with ``warnings.warn``; failed points are "failed" in the file's /sweep
    table and their part files are kept for ``resume=True``. Raises
    :class:`SweepError` (and writes nothing) if every point fails. Ctrl-C
    (KeyboardInterrupt) keeps the finished points and prints how to resume.
    Without the native module the ``allocsim sweep`` binary runs the sweep
    (:mod:`allocsim.sweep_cli`): the same file, but a bad config in any point raises
    ValueError before anything runs.
    """
    from .results import load

    base = to_native_args(config, overrides, seed)
    swept = [k for k, _ in _axes(grid)] + [k for p in _extra_points(points) for k, _ in p]
    if seed is not None and "run.seed" in swept:
        raise ValueError("seed= and a run.seed axis or point exclude each other")
    native = _native_module() if client is None else _require_native("a sweep on Dask")
    if resume and native is None:
        _require_native("allocsim.sweep(resume=True)")
    temporary = out is None
    if temporary:
        if resume:
            raise ValueError("resume=True needs out= (the file of the sweep to complete)")
        fd, out = tempfile.mkstemp(prefix="allocsim-sweep-", suffix=".h5")
        os.close(fd)
        out = os.path.abspath(out)
    else:
        parts_dir = native.sweep_parts_dir(os.path.abspath(os.fspath(out))) if native else None
        out = _check_out(out, overwrite, resume, parts_dir)
    try:
        if native is not None:
            pts, errors = _sweep_native(native, base, grid, points, jobs, client, out, resume,
                                        progress)
        else:
            pts, errors = _sweep_without_native(base, grid, points, jobs, out)
        failed = [dict(index=p.index, run=p.name, parameters=dict(p.values), error=errors[i])
                  for i, p in enumerate(pts) if errors[i] is not None]
        if len(failed) == len(pts):
            raise SweepError(f"every point of the sweep failed; {failed[0]['run']}: "
                             f"{failed[0]['error']}", failed)
    except BaseException:
        if temporary and os.path.exists(out) and os.path.getsize(out) == 0:
            os.unlink(out)  # the empty placeholder
        raise
    for f in failed:
        warnings.warn(f"allocsim sweep: point {f['run']} failed: {f['error']}", RuntimeWarning,
                      stacklevel=2)
    summary = load(out).summary
    summary.attrs["path"] = out
    summary.attrs["failed"] = failed
    return summary
