"""docs/tutorial.md, executed: every ```sh and ```python block, in order, twice in a
row (every command can run again: no "exists" errors), in a temporary directory where
configs/, workloads/, tests/ and examples/ are the repository's, with the installed
allocsim and no PYTHONPATH (tutorial_blocks.py runs them: shell blocks in bash -e,
Python blocks in one /usr/bin/python3 per pass). Blocks marked as not run (the install
command, which the test command has run; an example, which test_examples.py runs) are
listed below.
"""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tutorial_blocks import FENCE, TUTORIAL, blocks

REPO = Path(__file__).resolve().parents[2]
RUNNER = Path(__file__).with_name("tutorial_blocks.py")


def test_the_tutorial_has_what_it_promises():
    text = TUTORIAL.read_text()
    found = blocks(text)
    assert {lang for lang, _, _ in found} == {"sh", "python"}
    skipped = [m.group(2) for m in FENCE.finditer(text) if m.group(1) in ("sh", "python")
               and (m.group(1), m.group(2)) not in {(lang, code) for lang, code, _ in found}]
    assert skipped == ["bash scripts/setup.sh\n",
                       "/usr/bin/python3 examples/colouring_study.py --small --out study\n"
                       "ls study\n"]
    # The interpreter warning comes before the first Python command.
    first_python = min(text.index("```python"), text.index("/usr/bin/python3 -c"))
    assert text.index("**Which Python.**") < first_python
    for heading in ("## 8. Replaying a kernel trace", "kmem statistics",
                    "## 10. Recording a live kernel"):
        assert heading in text


@pytest.mark.skipif(shutil.which("allocsim") is None, reason="the allocsim command is not on "
                    "PATH (install the package: bash scripts/setup.sh)")
def test_the_tutorial_runs_twice(tmp_path):
    for name in ("configs", "workloads", "tests", "examples"):
        (tmp_path / name).symlink_to(REPO / name)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "ALLOCSIM_BIN",
                                                            "ALLOCSIM_BACKEND")}
    env["MPLBACKEND"] = "Agg"
    for attempt in (1, 2):
        p = subprocess.run(["/usr/bin/python3", str(RUNNER), str(tmp_path)], env=env,
                           capture_output=True, text=True, timeout=600)
        assert p.returncode == 0, f"run {attempt}:\n{p.stderr[-4000:]}"
        assert "exists" not in p.stderr, f"run {attempt}:\n{p.stderr}"
    assert (tmp_path / "fig.pdf").is_file() and (tmp_path / "mixed-slub.h5").is_file()
