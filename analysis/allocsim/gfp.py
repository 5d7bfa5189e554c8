"""GFP flags by name: ``allocsim.GFP.KERNEL | allocsim.GFP.ZERO``.

The members stand for the kernel's names, not its bit values (which differ
between the linux-2.6 and linux-6 flavours): the simulator reads the text
``"GFP_KERNEL|__GFP_ZERO"`` with the configured flavour's definitions. A name
the flavour lacks (``GFP_TEMPORARY`` in 6.x, ``__GFP_ACCOUNT`` in 2.6) is a
``ValueError`` when used.
"""

from __future__ import annotations

import enum

__all__ = ["GFP", "gfp_text"]


class GFP(enum.Flag):
    # Composites (GFP_*).
    KERNEL = enum.auto()
    ATOMIC = enum.auto()
    NOWAIT = enum.auto()
    NOIO = enum.auto()
    NOFS = enum.auto()
    USER = enum.auto()
    HIGHUSER = enum.auto()
    HIGHUSER_MOVABLE = enum.auto()
    KERNEL_ACCOUNT = enum.auto()
    TEMPORARY = enum.auto()
    # Modifiers (__GFP_*).
    DMA = enum.auto()
    DMA32 = enum.auto()
    HIGHMEM = enum.auto()
    MOVABLE = enum.auto()
    RECLAIMABLE = enum.auto()
    ZERO = enum.auto()
    NOWARN = enum.auto()
    RETRY_MAYFAIL = enum.auto()
    REPEAT = enum.auto()
    NOFAIL = enum.auto()
    NORETRY = enum.auto()
    COMP = enum.auto()
    NOMEMALLOC = enum.auto()
    MEMALLOC = enum.auto()
    HIGH = enum.auto()
    THISNODE = enum.auto()
    ACCOUNT = enum.auto()
    HARDWALL = enum.auto()


_COMPOSITES = {"KERNEL", "ATOMIC", "NOWAIT", "NOIO", "NOFS", "USER", "HIGHUSER",
               "HIGHUSER_MOVABLE", "KERNEL_ACCOUNT", "TEMPORARY"}


def gfp_text(gfp: "GFP | str") -> str:
    """The kernel spelling of `gfp`: a string is passed through unchanged."""
    if isinstance(gfp, str):
        return gfp
    if not isinstance(gfp, GFP):
        raise TypeError(f"gfp must be a string such as 'GFP_KERNEL' or an allocsim.GFP, not {gfp!r}")
    names = [m.name for m in GFP if m in gfp and m.name is not None]
    if not names:
        return "0"
    return "|".join(("GFP_" if n in _COMPOSITES else "__GFP_") + n for n in names)
