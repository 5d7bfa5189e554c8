"""allocsim.sweep without the native module (an analysis-only install, or
``ALLOCSIM_BACKEND=cli``): the ``allocsim sweep`` binary on a sweep file written from
the Python arguments. It expands, runs and merges the points with the same C++ code as
the native path, so the results file is the same; one difference: a bad config in any
point stops the whole sweep with ValueError before anything runs (``allocsim sweep``
checks every point first), where the native path reports that point as failed.
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile

from ._native import cli_binary

__all__ = ["sweep_with_cli"]


def _absolute_trace(yaml_text: str) -> str:
    """`yaml_text` with a relative ``workload.trace`` made absolute (relative to the
    working directory, as for a YAML string), since the CLI reads the text from a
    temporary file and would resolve it against that file's directory."""
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


def _sweep_file(tmp: str, base: dict, axes: list, extra: list) -> str:
    """The sweep as a sweep file (JSON, which is YAML) in `tmp`; returns its path."""
    files = list(base["files"])
    if base["yaml_text"] is not None:
        files = [os.path.join(tmp, "config.yaml")]
        with open(files[0], "w", encoding="utf-8") as f:
            f.write(_absolute_trace(base["yaml_text"]))
    sets = dict(s.split("=", 1) for s in base["sets"])
    if base["seed"] is not None:
        sets["run.seed"] = str(base["seed"])  # as --seed: after every override
    spec = {"base": files, "set": sets, "grid": dict(axes), "points": [dict(p) for p in extra]}
    path = os.path.join(tmp, "sweep.yaml")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(spec, f)
    return path


def _failures(stderr: str, names: list) -> dict:
    """Point name -> message, from the "allocsim: point NAME failed: MESSAGE" lines."""
    out = {}
    for line in stderr.splitlines():
        for name in names:
            prefix = f"allocsim: point {name} failed: "
            if line.startswith(prefix):
                out[name] = line[len(prefix):]
    return out


def sweep_with_cli(base: dict, axes: list, extra: list, jobs, out: str):
    """``allocsim sweep`` of `axes` ([(key, [text, ...])]) and `extra` points
    ([[(key, text)]]) over `base` (:func:`allocsim.config.to_native_args`) into `out`,
    which is replaced only if some point is complete. Returns the points as
    [(index, name, params)] and, per point, None or why it failed."""
    from .results import load

    binary = cli_binary()
    if binary is None or not (binary.is_file() and os.access(binary, os.X_OK)):
        raise FileNotFoundError(
            f"cannot sweep: no native module _allocsim and no allocsim binary "
            f"({binary or 'none found'}; install allocsim with pip, build it, or set "
            f"ALLOCSIM_BIN)")
    with tempfile.TemporaryDirectory(prefix=".allocsim-sweep-", dir=os.path.dirname(out)) as tmp:
        result = os.path.join(tmp, "out.h5")
        cmd = [str(binary), "sweep", _sweep_file(tmp, base, axes, extra), "-o", result, "-q"]
        if jobs:
            cmd += ["-j", str(int(jobs))]
        p = subprocess.run(cmd, capture_output=True, text=True, stdin=subprocess.DEVNULL)
        if p.returncode not in (0, 1) or not os.path.exists(result):
            msg = p.stderr.strip() or p.stdout.strip() or f"exit status {p.returncode}"
            msg = msg.removeprefix("allocsim: error: ").removeprefix("allocsim: ")
            msg = msg.replace(os.path.join(tmp, "config.yaml"), base["source"])
            # Exit status 2: a bad config or option (the native module's ConfigError).
            raise (ValueError if p.returncode == 2 else RuntimeError)(msg)
        table = load(result).sweep_table
        points = [(int(r["index"]), r["run"], [(k, r[k]) for k in table.columns[3:] if r[k]])
                  for _, r in table.iterrows()]
        why = _failures(p.stderr, [name for _, name, _ in points])
        errors = [None if status == "complete" else why.get(name, "failed")
                  for (_, name, _), status in zip(points, table["status"])]
        if not all(errors):
            os.replace(result, out)
    return points, errors
