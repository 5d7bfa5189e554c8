"""docs/tutorial.md, executed: every ```sh and ```python block, in order, twice in a
row (every command can run again: no "exists" errors), in a temporary directory where
configs/, workloads/, tests/ and examples/ are the repository's. Shell blocks run in
bash (-e), Python blocks as scripts of Debian's /usr/bin/python3 (a file each: the Dask
block's worker processes import the script), all with the installed allocsim. A block marked
``<!-- not run by tests/python/test_tutorial.py: WHY -->`` on the line before it is
skipped (the install command, which the test command has already run).
"""

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
TUTORIAL = REPO / "docs" / "tutorial.md"
FENCE = re.compile(r"^```(\w*)\n(.*?)^```$", re.S | re.M)
SKIP = "<!-- not run by tests/python/test_tutorial.py"


def blocks(text: str) -> list:
    """(language, code, line) of every sh and python block not marked as skipped."""
    out = []
    for m in FENCE.finditer(text):
        lang, code = m.group(1), m.group(2)
        before = text[:m.start()].rstrip().splitlines()
        if lang not in ("sh", "python") or (before and before[-1].startswith(SKIP)):
            continue
        out.append((lang, code, text[:m.start()].count("\n") + 1))
    return out


def test_the_tutorial_has_what_it_promises():
    text = TUTORIAL.read_text()
    found = blocks(text)
    assert {lang for lang, _, _ in found} == {"sh", "python"}
    assert sum(1 for m in FENCE.finditer(text) if m.group(1) in ("sh", "python")) \
        == len(found) + 1  # only the install block is skipped
    # The interpreter warning comes before the first Python command.
    first_python = min(text.index("```python"), text.index("/usr/bin/python3 -c"))
    assert text.index("**Which Python.**") < first_python
    for heading in ("Replaying a kernel trace", "kmem statistics", "Recording a live kernel"):
        assert f"{heading}" in text


@pytest.mark.skipif(shutil.which("allocsim") is None, reason="the allocsim command is not on "
                    "PATH (install the package: bash scripts/setup.sh)")
def test_the_tutorial_runs_twice(tmp_path):
    for name in ("configs", "workloads", "tests", "examples"):
        (tmp_path / name).symlink_to(REPO / name)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "ALLOCSIM_BIN",
                                                            "ALLOCSIM_BACKEND")}
    env["MPLBACKEND"] = "Agg"
    for attempt in (1, 2):
        for lang, code, line in blocks(TUTORIAL.read_text()):
            script = tmp_path / f"tutorial_line_{line}.py"
            if lang == "python":
                script.write_text(code)
            cmd = ["bash", "-e", "-c", code] if lang == "sh" else ["/usr/bin/python3", script.name]
            p = subprocess.run(cmd, cwd=tmp_path, env=env, capture_output=True, text=True,
                               timeout=300, stdin=subprocess.DEVNULL)
            where = f"docs/tutorial.md:{line} ({lang}, run {attempt})"
            assert p.returncode == 0, f"{where} failed:\n{code}\nstderr:\n{p.stderr[-3000:]}"
            assert "exists" not in p.stderr, f"{where}:\n{p.stderr}"
    assert (tmp_path / "fig.pdf").is_file() and (tmp_path / "mixed-slub.h5").is_file()
