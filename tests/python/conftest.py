"""Shared fixtures for the Python tests.

The Python tests import the *installed* allocsim package (``pip install .``, which
scripts/setup.sh runs; docs/tutorial.md): nothing here puts analysis/ or build/python
on sys.path, so subprocesses, notebooks and Dask workers import what a user imports.
test_package.py checks that. (To test a source tree without installing it, set
PYTHONPATH=$PWD/analysis:$PWD/build/python and ALLOCSIM_TEST_SOURCE_TREE=1.)

The command-line tests drive the built CLI binary; they never build it. The binary
is $ALLOCSIM_BIN if set, else <repo>/build/cli/allocsim. When it does not exist,
every test that needs it is skipped with a message saying where it was looked for.
"""

import os
import signal
import subprocess
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]


def allocsim_binary_path() -> Path:
    """Where the allocsim binary is expected: $ALLOCSIM_BIN, else the Release build."""
    env = os.environ.get("ALLOCSIM_BIN")
    if env:
        return Path(env).resolve()
    return REPO_ROOT / "build" / "cli" / "allocsim"


def _default_signals():
    """In the child, before exec: SIGINT/SIGTERM back to their default actions.

    A shell that starts pytest in the background without job control makes
    SIGINT ignored, and ignored signals survive exec; the signal tests need the
    child to see the ordinary dispositions whatever started pytest.
    """
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


class Allocsim:
    """Runs the allocsim binary: `run(...)` to completion, `start(...)` in the background."""

    def __init__(self, binary: Path):
        self.binary = binary

    def run(self, *args, cwd=None, timeout=120) -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(self.binary), *map(str, args)],
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=timeout,
            preexec_fn=_default_signals,
        )

    def start(self, *args, cwd=None) -> subprocess.Popen:
        return subprocess.Popen(
            [str(self.binary), *map(str, args)],
            cwd=cwd,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            preexec_fn=_default_signals,
        )

    def check(self, *args, cwd=None, timeout=120) -> subprocess.CompletedProcess:
        """Like run(), but the command must exit 0 (the failure shows its stderr)."""
        p = self.run(*args, cwd=cwd, timeout=timeout)
        assert p.returncode == 0, (
            f"allocsim {' '.join(map(str, args))} exited {p.returncode}\n"
            f"stdout:\n{p.stdout}\nstderr:\n{p.stderr}"
        )
        return p


@pytest.fixture(scope="session")
def allocsim_bin() -> Path:
    path = allocsim_binary_path()
    if not path.is_file() or not os.access(path, os.X_OK):
        pytest.skip(
            f"allocsim binary not found at {path} (build it first, or set ALLOCSIM_BIN)"
        )
    return path


@pytest.fixture(scope="session")
def allocsim(allocsim_bin) -> Allocsim:
    return Allocsim(allocsim_bin)


@pytest.fixture
def reap():
    """Popen objects registered here are killed and reaped if a test leaves them running."""
    procs = []
    yield procs.append
    for p in procs:
        if p.poll() is None:
            p.kill()
            p.communicate()


@pytest.fixture(scope="module")
def cli():
    """`cli(*args)`: runs the binary to completion, asserts exit 0, returns stdout."""
    b = allocsim_binary_path()
    if not (b.is_file() and os.access(b, os.X_OK)):
        pytest.skip(f"allocsim binary not found at {b} (build it, or set ALLOCSIM_BIN)")

    def run(*args):
        p = subprocess.run([str(b), *map(str, args)], capture_output=True, text=True, timeout=300)
        assert p.returncode == 0, f"allocsim {' '.join(map(str, args))}: {p.stderr}"
        return p.stdout

    return run
