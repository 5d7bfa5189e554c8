"""A progress bar for long Python calls (sweeps): tqdm's, shown on a terminal or in a
notebook, and not when the output goes to a file or a pipe (scripts, tests' captured
output) unless asked for."""

from __future__ import annotations

import contextlib
import sys

__all__ = ["progress_bar", "interactive"]


def _in_notebook() -> bool:
    """Whether this runs in a Jupyter kernel (a notebook, JupyterLab, nbconvert)."""
    if "IPython" not in sys.modules:
        return False
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and type(shell).__name__ == "ZMQInteractiveShell"


def interactive() -> bool:
    """Whether a person is watching: standard error is a terminal, or a notebook."""
    if _in_notebook():
        return True
    stream = sys.stderr
    return stream is not None and hasattr(stream, "isatty") and stream.isatty()


class _NoBar:
    def update(self, n: int = 1) -> None:
        pass


def _tqdm_class():
    """tqdm's notebook widget when ipywidgets is there, else its text bar (which a
    notebook shows too); None without tqdm."""
    try:
        from tqdm import std
    except ImportError:
        return None
    if _in_notebook():
        try:
            import ipywidgets  # noqa: F401
            from tqdm.notebook import tqdm as notebook_tqdm
            return notebook_tqdm
        except ImportError:
            pass
    return std.tqdm


@contextlib.contextmanager
def progress_bar(total: int, description: str, show: bool | None = None):
    """A bar counting `total` items (``bar.update()`` per item). `show`: True, False or
    None for :func:`interactive`. Without tqdm (python3-tqdm) there is no bar."""
    wanted = interactive() if show is None else bool(show)
    cls = _tqdm_class() if wanted and total > 0 else None
    if cls is None:
        yield _NoBar()
        return
    with cls(total=total, desc=description, unit="point", file=sys.stderr,
             dynamic_ncols=True, leave=True) as bar:
        yield bar
