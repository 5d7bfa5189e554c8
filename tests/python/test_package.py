"""The installed package: what `pip install .` (scripts/setup.sh) puts in place.

The tests import allocsim as a user does (no PYTHONPATH, any directory), check that it
is the installed copy and not the source tree, that it carries its native module and
the allocsim binary, that it imports without the native module (an analysis-only
install: reading and plotting results), in a venv made with --system-site-packages,
and that `python3 -m build --no-isolation --wheel` makes a wheel from the build tree.
"""

import os
import site
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

import allocsim
from allocsim import _native

REPO = Path(__file__).resolve().parents[2]
SOURCE_TREE_OK = os.environ.get("ALLOCSIM_TEST_SOURCE_TREE") == "1"


def _clean_env(**extra):
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "ALLOCSIM_BIN",
                                                            "ALLOCSIM_BACKEND")}
    env.update(extra)
    return env


def _python(code, cwd, python=sys.executable, **env):
    return subprocess.run([python, "-c", code], cwd=cwd, env=_clean_env(**env),
                          capture_output=True, text=True, timeout=120)


def test_the_installed_package_is_tested():
    if SOURCE_TREE_OK:
        pytest.skip("ALLOCSIM_TEST_SOURCE_TREE=1: testing the source tree")
    here = Path(allocsim.__file__).resolve()
    assert REPO not in here.parents, (
        f"the tests import allocsim from the source tree ({here}); install the package "
        f"(bash scripts/setup.sh, docs/tutorial.md) or set ALLOCSIM_TEST_SOURCE_TREE=1")
    assert _native.module() is not None and _native.module().__name__ == "allocsim._allocsim"
    binary = _native.cli_binary()
    assert binary == here.parent / "bin" / "allocsim" and os.access(binary, os.X_OK)
    assert allocsim.__version__ == subprocess.run(
        [str(binary), "--version"], capture_output=True, text=True).stdout.split()[1]


def test_imports_anywhere_without_pythonpath(tmp_path):
    p = _python("import allocsim, allocsim.plot, allocsim._native as n\n"
                "print(allocsim.__file__, n.module() is not None, n.cli_binary())", tmp_path)
    assert p.returncode == 0, p.stderr
    file, native, binary = p.stdout.split()
    assert Path(file) == Path(allocsim.__file__) and native == "True" and binary != "None"
    # python3 -m allocsim, and the allocsim command installed beside python3's scripts:
    # the binary itself (no Python started for each command).
    command = Path(sysconfig.get_path("scripts")) / "allocsim"
    if not command.exists():  # a --user install
        command = Path(sysconfig.get_path("scripts", f"{os.name}_user")) / "allocsim"
    assert command.read_bytes()[:4] == b"\x7fELF", command
    for cmd in ([sys.executable, "-m", "allocsim", "--version"], [str(command), "--version"]):
        q = subprocess.run(cmd, cwd=tmp_path, env=_clean_env(), capture_output=True, text=True,
                           timeout=30)
        assert q.returncode == 0 and q.stdout.startswith("allocsim "), (cmd, q.stderr)


def test_analysis_only_without_the_native_module(tmp_path, cli):
    """ALLOCSIM_BACKEND=cli hides the native module, as a package without it: results
    files load and plot; what needs the simulator says how to get it."""
    cli("run", "--set", "machine.cpus=2", "-o", tmp_path / "r.h5", "-q")
    code = """
import allocsim, allocsim.plot
assert allocsim._native.module() is None
res = allocsim.load("r.h5")
assert res.runs == ["default"] and res.summary.loc["default", "cpus"] == 2
allocsim.plot.save(allocsim.plot.fragmentation(res), "f.png")
for call in (lambda: allocsim.Simulator(), lambda: allocsim.run()):
    try:
        call()
    except ImportError as e:
        assert "native module" in str(e) or "C++ module" in str(e), e
    else:
        raise AssertionError("ran without the native module")
print("ok")
"""
    p = _python(code, tmp_path, ALLOCSIM_BACKEND="cli")
    assert p.returncode == 0 and p.stdout.strip() == "ok", p.stderr
    assert (tmp_path / "f.png").stat().st_size > 0


def test_a_venv_with_system_site_packages_sees_it(tmp_path):
    if not any(Path(allocsim.__file__).resolve().is_relative_to(Path(d).resolve())
               for d in site.getsitepackages()):
        pytest.skip(f"allocsim is not installed system-wide ({allocsim.__file__})")
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", "--system-site-packages",
                    str(venv)], check=True, timeout=120)
    p = _python("import allocsim; print(allocsim._native.module() is not None)", tmp_path,
                python=str(venv / "bin" / "python"))
    assert p.returncode == 0 and p.stdout.strip() == "True", p.stderr


def test_build_makes_a_wheel_from_the_build_tree(tmp_path):
    pytest.importorskip("build", reason="python3-build is not installed")
    if not (REPO / "build" / "CMakeCache.txt").is_file():
        pytest.skip("no configured build tree in build/")
    p = subprocess.run([sys.executable, "-m", "build", "--no-isolation", "--wheel", "--outdir",
                        str(tmp_path)], cwd=REPO, env=_clean_env(), capture_output=True,
                       text=True, timeout=600)
    assert p.returncode == 0, p.stdout[-2000:] + p.stderr[-2000:]
    (wheel,) = tmp_path.glob("allocsim-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "allocsim/bin/allocsim" in names and "allocsim/plot.py" in names
    assert any(n.endswith(".data/scripts/allocsim") for n in names)  # the command
    assert any(n.startswith("allocsim/_allocsim.") and n.endswith(".so") for n in names)
    assert not any(n.startswith("tests/") or n.startswith("build/") for n in names)
