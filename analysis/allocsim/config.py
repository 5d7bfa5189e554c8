"""Normalising the ``config`` argument of :func:`allocsim.run`, :func:`allocsim.sweep`
and :class:`allocsim.Simulator` into what the native layer takes.

A config is one of:

* ``None``: the embedded default (``configs/default.yaml`` compiled into allocsim);
* a path (``str`` or ``os.PathLike``) to an existing YAML file, or a list of paths,
  merged left to right over the default (like ``allocsim run a.yaml b.yaml``);
* a YAML document as a string (a ``str`` that is not an existing path and holds a
  newline or a ``:``), e.g. ``"machine: {cpus: 4}"``;
* a nested mapping (``{"machine": {"cpus": 4}}``), dumped to YAML text.

``overrides`` maps dotted config keys to values, applied after the config like
the CLI's ``--set KEY=VALUE``; the values are written as YAML by
:func:`override_text`.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from typing import Any

__all__ = ["to_native_args", "override_text"]


def _plain(value: Any) -> Any:
    """`value` with numpy scalars/arrays, tuples and paths made plain Python (for YAML/JSON)."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    tolist = getattr(value, "tolist", None)  # numpy scalars and arrays
    if tolist is not None and type(value).__module__ == "numpy":
        return _plain(tolist())
    return value


def override_text(value: Any) -> str:
    """The text of one ``--set KEY=VALUE`` value (YAML): ``True`` -> ``"true"``,
    ``None`` -> ``"none"``, numbers -> ``str()``, lists and dicts -> JSON flow text
    (valid YAML), strings as they are."""
    value = _plain(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "none"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, (list, dict)):
        return json.dumps(value, separators=(", ", ": "))
    return str(value)


def _is_path(value: Any) -> bool:
    return isinstance(value, os.PathLike) or isinstance(value, str)


def _existing_file(value: Any) -> str:
    path = os.fspath(value)
    if not os.path.isfile(path):
        if os.path.exists(path):
            raise IsADirectoryError(f"config {path!r} is not a file")
        raise FileNotFoundError(f"no config file {path!r}")
    return os.path.abspath(path)


def _looks_like_yaml(text: str) -> bool:
    return "\n" in text or ":" in text


def to_native_args(config: Any = None, overrides: Mapping[str, Any] | None = None,
                   seed: int | None = None) -> dict:
    """The native layer's arguments for `config`, `overrides` and `seed`:
    ``dict(files=[...], yaml_text=str|None, source=str, sets=["key=value", ...], seed=int|None)``.

    Paths are made absolute (so a worker with another working directory finds them).
    Raises ``FileNotFoundError`` for a path that does not exist and ``TypeError`` for
    anything that is not a config.
    """
    files: list[str] = []
    yaml_text: str | None = None
    if config is None:
        source = "<default>"
    elif isinstance(config, Mapping):
        import yaml  # PyYAML

        yaml_text = yaml.safe_dump(_plain(config), sort_keys=False, default_flow_style=False)
        source = "<dict>"
    elif isinstance(config, str) and not os.path.isfile(config) and _looks_like_yaml(config):
        yaml_text = config
        source = "<string>"
    elif _is_path(config):
        files = [_existing_file(config)]
        source = files[-1]
    elif isinstance(config, (list, tuple)):
        if not all(_is_path(c) for c in config):
            raise TypeError("a list config is a list of config file paths")
        files = [_existing_file(c) for c in config]
        source = files[-1] if files else "<default>"
    else:
        raise TypeError(
            f"config must be None, a path, a list of paths, a YAML string or a dict, "
            f"not {type(config).__name__}")

    sets: list[str] = []
    for key, value in (overrides or {}).items():
        key = str(key)
        if not key or "=" in key:
            raise ValueError(f"bad override key {key!r}: a dotted config key like 'machine.cpus'")
        sets.append(f"{key}={override_text(value)}")

    if seed is not None:
        seed = int(_plain(seed))
        if seed < 0 or seed >= 2**64:
            raise ValueError(f"seed {seed} is not in 0..2^64-1")
    return dict(files=files, yaml_text=yaml_text, source=source, sets=sets, seed=seed)
