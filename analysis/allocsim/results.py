"""Reading allocsim results files (HDF5) into pandas.

A results file (written by ``allocsim run -o``, ``allocsim sweep``, :func:`allocsim.run`
or :func:`allocsim.sweep`) holds one group per run under ``/runs/<name>``::

    /runs/<name>            attributes config, seed, allocsim_version, git_revision, host,
                            start_time, wall_seconds, workload, parameters, complete
        summary             one row: the run's headline numbers
        counters            (name, scope, value): every statistics counter
        timeseries/<name>   free_pages, zones, pcp, slab, slab_sheaves (linux-6.18 caches
                            with sheaves), cpu_caches, locks, vmstat, memory, workload:
                            sampled over the run (cycles, time_ns, ...)
        latency/<op>        (cpu, lower_cycles, upper_cycles, count): latency histograms
        tables/<name>       exercise or replay: per-pattern / per-event rows
        proc/<name>         end-of-run /proc reports as text (buddyinfo, slabinfo, ...)
    /sweep                  (sweep files) index, run, status and one column per swept key

:class:`Results` opens the file for each access and keeps nothing open, so it can be
pickled (and sent to Dask workers) and the file can be replaced under it. Every string
comes back as ``str``. :meth:`Results.to_xarray` gives the summary (a sweep's grid as
dimensions) or a time series as an ``xarray.Dataset``.
"""

from __future__ import annotations

import os
import re
from typing import Any, Iterable

import h5py
import numpy as np
import pandas as pd

__all__ = ["Results", "load"]

_INT = re.compile(r"[-+]?\d+")
_LATENCY_COLUMNS = {"run": object, "cpu": "uint64", "lower_cycles": "uint64",
                    "upper_cycles": "uint64", "count": "uint64"}
_FLOAT = re.compile(r"[-+]?(\d+\.\d*|\.\d+|\d+)([eE][-+]?\d+)?")

#: The columns that tell a time series' rows of one sample apart (docs/results.md).
TIMESERIES_INDEX = {
    "free_pages": ["node", "zone", "order"],
    "zones": ["node", "zone"],
    "pcp": ["cpu", "node", "zone"],
    "slab": ["cache"],
    "slab_sheaves": ["cache"],
    "cpu_caches": ["cpu"],
    "locks": ["class"],
    "vmstat": [],
    "memory": ["node"],
    "workload": ["op"],
}
_TIME_COLUMNS = ("cycles", "time_ns", "time_us")


def _text(value: Any) -> str:
    if isinstance(value, (bytes, np.bytes_)):
        return bytes(value).decode("utf-8", "replace")
    return str(value)


def _attr_value(value: Any) -> Any:
    """An attribute as plain Python: strings decoded, numpy scalars unwrapped."""
    if isinstance(value, (bytes, np.bytes_)):
        return _text(value)
    if isinstance(value, np.ndarray):
        if value.dtype.kind == "S":
            return [_text(v) for v in value.tolist()]
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    return value


def _typed(text: str) -> Any:
    """A parameter value as int, float or bool when it looks like one, else the text."""
    t = text.strip()
    if _INT.fullmatch(t):
        return int(t)
    if _FLOAT.fullmatch(t):
        return float(t)
    if t.lower() in ("true", "false"):
        return t.lower() == "true"
    return text


def parse_parameters(text: str, typed: bool = True) -> dict:
    """The ``parameters`` attribute ("key=value" lines) as a dict."""
    out: dict = {}
    for line in text.splitlines():
        if not line.strip():
            continue
        key, sep, value = line.partition("=")
        if not sep:
            continue
        out[key] = _typed(value) if typed else value
    return out


def _frame(arr: np.ndarray) -> pd.DataFrame:
    """A compound dataset as a DataFrame, fixed-length strings decoded to str."""
    cols = {}
    if arr.dtype.names is None:
        raise TypeError("not a table (a compound dataset)")
    for name in arr.dtype.names:
        col = arr[name]
        if col.dtype.kind == "S":
            cols[name] = np.char.decode(col, "utf-8", "replace").astype(object)
        elif col.dtype.kind == "O":  # variable-length strings
            cols[name] = np.array([_text(v) for v in col.tolist()], dtype=object)
        else:
            cols[name] = col
    return pd.DataFrame(cols, columns=list(arr.dtype.names))


def _column_typed(values: list) -> list:
    """Values of one parameter column: typed only if every present value has the same
    kind (int, float or bool), so a column never mixes numbers and text."""
    present = [v for v in values if v is not None]
    typed = [_typed(v) for v in present]
    kinds = {type(v) for v in typed}
    if kinds == {int, float}:
        kinds = {float}
    if len(kinds) == 1 and kinds <= {int, float, bool}:
        kind = kinds.pop()
        return [None if v is None else kind(_typed(v)) for v in values]
    return values


def load(path: str | os.PathLike) -> "Results":
    """The results file at `path` (checked to be an allocsim results file)."""
    return Results(path)


class Results:
    """An allocsim results file: runs, summaries, time series, latency histograms.

    Nothing is read until asked for, and the file is opened and closed on each access.
    """

    def __init__(self, path: str | os.PathLike):
        self.path = os.path.abspath(os.fspath(path))
        if not os.path.isfile(self.path):
            raise FileNotFoundError(f"no results file {self.path!r}")
        with self._open() as f:
            if "allocsim_results" not in f.attrs and "runs" not in f:
                raise ValueError(f"{self.path}: not an allocsim results file")

    def __repr__(self) -> str:
        try:
            n = len(self.runs)
        except Exception:  # pragma: no cover - repr never fails
            n = "?"
        return f"Results({self.path!r}, runs={n})"

    def __getstate__(self):
        return {"path": self.path}

    def __setstate__(self, state):
        self.path = state["path"]

    def _open(self) -> h5py.File:
        return h5py.File(self.path, "r")

    # -- runs ---------------------------------------------------------------------

    @staticmethod
    def _complete(f: h5py.File, name: str) -> bool:
        g = f.get(f"runs/{name}")
        return isinstance(g, h5py.Group) and int(g.attrs.get("complete", 0)) == 1

    def _runs(self, f: h5py.File) -> list[str]:
        if "runs" not in f:
            return []
        complete = [n for n in f["runs"] if self._complete(f, n)]
        if "sweep" not in f:
            return sorted(complete)
        order = [_text(r) for r in f["sweep"]["run"]]
        done = set(complete)
        out = [r for r in order if r in done]
        listed = set(out)
        return out + sorted(r for r in complete if r not in listed)

    @property
    def runs(self) -> list[str]:
        """The complete runs: in the sweep's point order for a sweep file, else sorted."""
        with self._open() as f:
            return self._runs(f)

    def _check_run(self, f: h5py.File, run: str) -> h5py.Group:
        if not isinstance(run, str) or not self._complete(f, run):
            runs = self._runs(f)
            raise KeyError(f"{self.path}: no complete run {run!r} (runs: {', '.join(runs) or 'none'})")
        return f[f"runs/{run}"]

    def _select(self, f: h5py.File, run: str | Iterable[str] | None) -> list[str]:
        if run is None:
            return self._runs(f)
        names = [run] if isinstance(run, str) else list(run)
        for r in names:
            self._check_run(f, r)
        return names

    def attrs(self, run: str) -> dict:
        """The run's attributes, decoded (config, seed, parameters, wall_seconds, ...)."""
        with self._open() as f:
            g = self._check_run(f, run)
            return {k: _attr_value(v) for k, v in g.attrs.items()}

    def config(self, run: str) -> str:
        """The run's resolved config (YAML text: every key explicit)."""
        return self.attrs(run).get("config", "")

    def parameters(self, run: str) -> dict:
        """The run's sweep parameters (key -> int/float/bool/str; empty if not a sweep point)."""
        return parse_parameters(str(self.attrs(run).get("parameters", "")))

    def proc(self, run: str, name: str) -> str:
        """An end-of-run /proc report, e.g. ``proc(run, "buddyinfo")``."""
        with self._open() as f:
            g = self._check_run(f, run)
            d = g.get(f"proc/{name}")
            if not isinstance(d, h5py.Dataset):
                have = sorted(g["proc"]) if "proc" in g else []
                raise KeyError(f"run {run!r} has no proc report {name!r} (it has: {', '.join(have)})")
            return _text(d[()])

    # -- tables -------------------------------------------------------------------

    @property
    def summary(self) -> pd.DataFrame:
        """One row per run (index: the run name): the swept parameters first (typed), then
        the run's summary fields. Runs of one file may have different fields (e.g. lock
        classes); a field a run lacks is NaN there."""
        rows, params = [], []
        with self._open() as f:
            runs = self._runs(f)
            for r in runs:
                g = f[f"runs/{r}"]
                rows.append(_frame(g["summary"][()]).iloc[:1])
                params.append(parse_parameters(_text(g.attrs.get("parameters", b"")), typed=False))
        if not runs:
            return pd.DataFrame(index=pd.Index([], name="run"))
        s = pd.concat(rows, ignore_index=True, sort=False)
        s.index = pd.Index(runs, name="run")
        keys: list[str] = []
        for p in params:
            keys += [k for k in p if k not in keys]
        if keys:
            cols = {}
            for k in keys:
                values = _column_typed([p.get(k) for p in params])
                col = pd.Series(values, index=s.index, dtype=object)
                if all(v is not None for v in values):
                    col = pd.Series(values, index=s.index)
                name = k if k not in s.columns else f"{k} (parameter)"
                cols[name] = col
            s = pd.concat([pd.DataFrame(cols, index=s.index), s], axis=1)
        return s

    @property
    def sweep_table(self) -> pd.DataFrame | None:
        """The ``/sweep`` table of a sweep file (index, run, status, one column per key),
        or None for a file that is not a sweep."""
        with self._open() as f:
            if "sweep" not in f:
                return None
            return _frame(f["sweep"][()])

    def _concat(self, f: h5py.File, runs: list[str], path: str) -> list[pd.DataFrame]:
        frames = []
        for r in runs:
            d = f[f"runs/{r}"].get(path)
            if not isinstance(d, h5py.Dataset):
                continue
            df = _frame(d[()])
            df.insert(0, "run", r)
            frames.append(df)
        return frames

    @staticmethod
    def _join(frames: list[pd.DataFrame]) -> pd.DataFrame:
        if len(frames) == 1:
            return frames[0]
        return pd.concat(frames, ignore_index=True, sort=False)

    @property
    def counters(self) -> pd.DataFrame:
        """Every run's statistics counters: run, name, scope (CPU, node or zone index;
        -1 for machine-wide), value."""
        with self._open() as f:
            frames = self._concat(f, self._runs(f), "counters")
        if not frames:
            return pd.DataFrame({"run": [], "name": [], "scope": [], "value": []})
        return self._join(frames).reset_index(drop=True)

    def _group_names(self, f: h5py.File, runs: list[str], group: str) -> list[str]:
        names: list[str] = []
        for r in runs:
            g = f[f"runs/{r}"].get(group)
            if isinstance(g, h5py.Group):
                names += [n for n in g if n not in names]
        return sorted(names)

    def _group_table(self, group: str, name: str, run, what: str,
                     empty: dict | None = None) -> pd.DataFrame:
        with self._open() as f:
            runs = self._select(f, run)
            frames = self._concat(f, runs, f"{group}/{name}")
            if frames:
                return self._join(frames).reset_index(drop=True)
            have = self._group_names(f, runs, group)
        if empty is not None:  # known, but nothing recorded (an operation that never ran)
            return pd.DataFrame({c: pd.Series([], dtype=t) for c, t in empty.items()})
        where = f"run {run!r}" if isinstance(run, str) else "these runs"
        raise KeyError(f"no {what} {name!r} in {where} (there are: {', '.join(have) or 'none'})")

    def timeseries(self, name: str, run: str | list[str] | None = None) -> pd.DataFrame:
        """The time series `name` (free_pages, zones, pcp, slab, cpu_caches, locks,
        vmstat, memory, workload) of one run, or of every run with a ``run`` column;
        with a ``time_us`` column added (time_ns / 1000)."""
        df = self._group_table("timeseries", name, run, "time series")
        if "time_ns" in df.columns:
            df["time_us"] = df["time_ns"] / 1000.0
        return df

    def latency(self, op: str, run: str | list[str] | None = None) -> pd.DataFrame:
        """The latency histogram of operation `op` (kmalloc, free, alloc_pages, ...):
        run, cpu, lower_cycles, upper_cycles, count; one row per non-empty bucket."""
        with self._open() as f:
            known = set()
            for r in self._runs(f):
                names = f[f"runs/{r}/summary"].dtype.names or ()
                known |= {n[: -len(".ops")] for n in names if n.endswith(".ops")}
        empty = _LATENCY_COLUMNS if op in known else None
        return self._group_table("latency", op, run, "latency histogram", empty)

    def units(self, path: str, run: str | None = None) -> dict:
        """Column -> unit of a table (``summary``, ``counters``, ``timeseries/vmstat``,
        ``latency/kmalloc``, ``tables/replay``, ...) of `run` (default: the first run
        that has it); "" for text columns."""
        with self._open() as f:
            for r in self._select(f, run):
                d = f[f"runs/{r}"].get(path)
                if isinstance(d, h5py.Dataset) and d.dtype.names is not None:
                    units = [_text(u) for u in d.attrs.get("units", [])]
                    return dict(zip(d.dtype.names, units + [""] * len(d.dtype.names)))
        raise KeyError(f"no table {path!r} in {self.path}")

    def table(self, name: str, run: str | list[str] | None = None) -> pd.DataFrame:
        """A run's extra table ``tables/<name>``: ``exercise``, ``replay`` (a row per
        replayed event) or ``replay_accuracy``."""
        return self._group_table("tables", name, run, "table")

    def replay_accuracy(self, run: str | list[str] | None = None) -> pd.DataFrame:
        """How close a replay came to the traced kernel (``tables/replay_accuracy``):
        metric, key, traced, model, ratio (model / traced, NaN when traced is 0); one
        row per metric and key (docs/results.md)."""
        return self.table("replay_accuracy", run)

    def events(self, run: str | list[str] | None = None) -> pd.DataFrame:
        """The sampled operations (``runs/<name>/events``) of runs that kept them."""
        with self._open() as f:
            runs = self._select(f, run)
            frames = self._concat(f, runs, "events")
        if not frames:
            where = f"run {run!r}" if isinstance(run, str) else "these runs"
            raise KeyError(f"no events table in {where} "
                           f"(runs keep sampled operations only when configured to)")
        return self._join(frames).reset_index(drop=True)

    def latency_cdf(self, op: str, run: str | list[str] | None = None) -> pd.DataFrame:
        """The latency CDF of `op` per run: run, cycles (each bucket's upper bound), cdf
        (the share of operations at or below it, over all CPUs; the last is 1.0)."""
        h = self.latency(op, run)
        if h.empty:
            return pd.DataFrame({"run": pd.Series([], dtype=object),
                                 "cycles": pd.Series([], dtype="uint64"),
                                 "cdf": pd.Series([], dtype=float)})
        order = list(dict.fromkeys(h["run"]))
        g = h.groupby(["run", "upper_cycles"], sort=True)["count"].sum().reset_index()
        frames = []
        for r in order:
            part = g[g["run"] == r].sort_values("upper_cycles")
            counts = part["count"].to_numpy(dtype=np.float64)
            cum = np.cumsum(counts)
            frames.append(pd.DataFrame({"run": r,
                                        "cycles": part["upper_cycles"].to_numpy(),
                                        "cdf": cum / cum[-1]}))
        return pd.concat(frames, ignore_index=True)

    # -- xarray ---------------------------------------------------------------------

    def to_xarray(self, timeseries: str | None = None, run: str | list[str] | None = None):
        """The results as an ``xarray.Dataset`` (needs xarray, python3-xarray).

        Without `timeseries`: the summary, a variable per field. For a sweep whose swept
        parameters tell its runs apart, the dimensions are those parameters (in sweep
        order, each with its values as coordinates: ``ds.ops_per_ms.sel(...)``; a
        combination the sweep did not run is NaN) and ``run`` is a variable; otherwise
        the one dimension is ``run``.

        With `timeseries` (``"vmstat"``, ``"free_pages"``, ...): that time series of
        every run (or of `run`), dimensions ``run``, ``sample`` (the sample's number in
        its run) and the columns that tell a sample's rows apart
        (:data:`TIMESERIES_INDEX`, e.g. node, zone and order); the sample's time as the
        coordinates ``time_us`` and ``cycles`` (run x sample). Each variable's
        ``units`` attribute is its unit in the file."""
        import xarray as xr

        if timeseries is None:
            s = self.summary if run is None else self.summary.loc[
                [run] if isinstance(run, str) else list(run)]
            units = self.units("summary", None if run is None else s.index[0])
            params = [c for c in _parameter_columns(self) if c in s.columns]
            frame = s.reset_index()
            if params and not frame.duplicated(params).any():
                frame = frame.set_index(params)
            else:
                frame = frame.set_index("run")
            ds = xr.Dataset.from_dataframe(frame)
        else:
            df = self.timeseries(timeseries, run)
            units = self.units(f"timeseries/{timeseries}",
                               run if isinstance(run, str) else None)
            keys = [c for c in TIMESERIES_INDEX.get(timeseries, []) if c in df.columns]
            df["sample"] = (df.groupby("run", sort=False)["cycles"]
                            .rank(method="dense").astype("int64") - 1)
            if df.duplicated(["run", "sample", *keys]).any():  # a table not listed above
                keys.append("row")
                df["row"] = df.groupby(["run", "sample"]).cumcount()
            times = df.groupby(["run", "sample"])[["cycles", "time_us"]].first()
            values = df.drop(columns=[c for c in _TIME_COLUMNS if c in df.columns])
            ds = xr.Dataset.from_dataframe(values.set_index(["run", "sample", *keys]))
            ds = ds.assign_coords(time_us=times["time_us"].to_xarray(),
                                  cycles=times["cycles"].to_xarray())
        for name, var in ds.variables.items():
            if units.get(name):
                var.attrs["units"] = units[name]
        ds.attrs["path"] = self.path
        return ds


def _parameter_columns(results: "Results") -> list:
    """The swept keys of a file, in sweep order (none for a file that is not a sweep)."""
    table = results.sweep_table
    if table is None:
        return []
    return [c for c in table.columns if c not in ("index", "run", "status")]
