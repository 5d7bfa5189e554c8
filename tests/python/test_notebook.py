"""examples/tutorial.ipynb runs from start to finish in the python3 kernel of Debian's
ipykernel (nbconvert --execute), with the installed allocsim and no PYTHONPATH: a run,
a sweep in threads (jobs=2, no __main__ guard) with its progress bar, figures, and a
trace replay with its kmem statistics. The shipped notebook carries no outputs."""

import os
import subprocess
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat", reason="python3-nbformat is not installed")
pytest.importorskip("nbconvert", reason="python3-nbconvert is not installed")
pytest.importorskip("ipykernel", reason="python3-ipykernel is not installed")

NOTEBOOK = Path(__file__).resolve().parents[2] / "examples" / "tutorial.ipynb"


def test_the_shipped_notebook_is_clean():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    assert nb.metadata.kernelspec.name == "python3"
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None


def test_the_notebook_runs(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "ALLOCSIM_BIN",
                                                            "ALLOCSIM_BACKEND")}
    env["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"  # the kernel's debugger: no warning
    p = subprocess.run(["/usr/bin/python3", "-m", "nbconvert", "--to", "notebook", "--execute",
                        "--ExecutePreprocessor.kernel_name=python3",
                        "--ExecutePreprocessor.timeout=120", "--output-dir", str(tmp_path),
                        str(NOTEBOOK)], env=env, capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr[-3000:]
    nb = nbformat.read(tmp_path / NOTEBOOK.name, as_version=4)
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    images = [o for o in outputs if o.output_type == "display_data" and "image/png" in o.data]
    assert len(images) == 2
    streams = {name: "".join(o.text for o in outputs
                             if o.output_type == "stream" and o.name == name)
               for name in ("stdout", "stderr")}
    assert "allocsim sweep: 100%" in streams["stderr"]  # the progress bar, in a notebook
    assert "4/4" in streams["stderr"]
    assert "PAGE ALLOCATIONS (mm_page_alloc)" in streams["stdout"]
