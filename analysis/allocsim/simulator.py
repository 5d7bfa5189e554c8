"""The step-by-step kernel: :class:`Simulator`.

Each call runs the simulated kernel's function on the CPU given, charged to
the hardware model (caches, coherence, NUMA latency, locks), and advances
that CPU's clock: ``sim.now`` is the latest CPU's clock in cycles.
"""

from __future__ import annotations

import os
from typing import Any, Iterable, Mapping

from . import _native
from ._output import write_results
from .config import to_native_args
from .gfp import GFP, gfp_text
from .results import Results, load

__all__ = ["Simulator"]


def _flags_text(flags: "str | Iterable[str] | None") -> str:
    if flags is None:
        return ""
    if isinstance(flags, str):
        return flags
    return "|".join(flags)


class Simulator:
    """A machine and kernel built from a config (a YAML path, YAML text, a dict
    or None for the embedded default), with ``overrides`` ({dotted key: value})
    and ``seed`` applied. A bad free raises :class:`allocsim.AllocatorError`;
    with ``on_bad_free="record"`` it is only recorded (see :meth:`diagnostics`)
    and the call returns ``False``."""

    def __init__(self, config: Any = None, overrides: Mapping[str, Any] | None = None,
                 seed: int | None = None, on_bad_free: str = "raise"):
        if on_bad_free not in ("raise", "record"):
            raise ValueError(f"on_bad_free must be 'raise' or 'record', not {on_bad_free!r}")
        args = to_native_args(config, overrides, seed)
        self._raise = on_bad_free == "raise"
        self._files = args["files"]
        self._native = _native.require("allocsim.Simulator").Simulator(
            args["files"], args["yaml_text"], args["source"], args["sets"], args["seed"],
            self._raise)

    # --- state ---------------------------------------------------------------
    @property
    def now(self) -> int:
        """Simulated cycles: the latest CPU's clock."""
        return self._native.now

    def cpu_now(self, cpu: int) -> int:
        """One CPU's clock in cycles (each call advances the CPU it runs on)."""
        return self._native.cpu_now(cpu)

    @property
    def cpus(self) -> int:
        return self._native.cpus

    @property
    def config(self) -> str:
        """The fully resolved config (YAML text)."""
        return self._native.config

    def proc(self, name: str) -> str:
        """A /proc file in Linux's format: buddyinfo, zoneinfo, pagetypeinfo,
        vmstat, slabinfo, vmallocinfo, extfrag_index, unusable_index."""
        return self._native.proc(name)

    def slab_pages(self) -> dict:
        """Slab pages as /proc/vmstat's nr_slab_reclaimable and
        nr_slab_unreclaimable count them: ``{"reclaimable": n, "unreclaimable": m}``
        (slabs of SLAB_RECLAIM_ACCOUNT caches and the rest; linux-6 also counts
        large kmallocs and SLOB pages as unreclaimable)."""
        reclaimable, unreclaimable = self._native.slab_pages()
        return {"reclaimable": reclaimable, "unreclaimable": unreclaimable}

    def large_kmalloc_pages(self) -> int:
        """Pages held by kmallocs too large for the kmalloc caches (kmalloc_large)."""
        return self._native.large_kmalloc_pages()

    def sysfs_slab(self, cache: str) -> dict:
        """The /sys/kernel/slab/<cache>/ attributes (SLUB only), as sysfs prints them."""
        return dict(self._native.sysfs_slab(cache))

    def sysfs_slab_write(self, cache: str, attr: str, value: "int | str") -> None:
        """Writes ``value`` to /sys/kernel/slab/<cache>/<attr> (SLUB), as
        ``echo value > ...`` would: ``cpu_partial``, ``min_partial``, ``shrink``.
        A write the kernel refuses raises OSError with its errno (EINVAL, ERANGE,
        ENOENT for an attribute the flavour lacks, EACCES for a read-only one)."""
        self._native.sysfs_slab_write(cache, attr, str(value))

    def proc_write(self, name: str, text: str) -> None:
        """Writes ``text`` to /proc/<name>; only ``slabinfo`` is writable (SLAB):
        "cache limit batchcount shared". A write the kernel refuses raises
        OSError(EINVAL, ...); values the kernel accepts but ignores (limit < 1,
        batchcount < 1 or > limit, shared < 0) raise ValueError."""
        self._native.proc_write(name, text)

    def cache_reap(self, cpu: int) -> None:
        """One pass of SLAB's cache_reap on ``cpu``, run now: reap_alien, the
        per-CPU array if not touched since the last pass (drain_array) and, when
        the node's REAPTIMEOUT_NODE has passed, its shared array and free slabs.
        The per-CPU timer that runs the same pass every 2*HZ while a workload
        runs is left as it is."""
        self._native.cache_reap(cpu)

    def advance(self, cpu: int, cycles: int) -> None:
        """``cpu`` idles ``cycles`` cycles, then passes an operation boundary:
        the kernel work due on it by then runs there (RCU callbacks, ...)."""
        self._native.advance(cpu, cycles)

    def stats(self) -> dict:
        """Every counter (name, with [scope] for per-CPU/node ones) -> value: the
        registry's, every page-allocator event (``vm.<event>``), ``diagnostics``,
        RCU's (``rcu_callbacks_queued``, ``rcu_callbacks_completed``,
        ``rcu_callbacks_pending``, ``rcu_slabs_freed``), ``now``."""
        return dict(self._native.stats())

    def diagnostics(self) -> list:
        """The recorded workload bugs (bad frees, ...), in the kernel's words."""
        return list(self._native.diagnostics())

    # --- pages -----------------------------------------------------------------
    def alloc_pages(self, cpu: int, order: int = 0, gfp: "GFP | str" = "GFP_KERNEL",
                    node: int = -1) -> int | None:
        """alloc_pages(): the first pfn of 2^order pages, or None."""
        return self._native.alloc_pages(cpu, order, gfp_text(gfp), node)

    def free_pages(self, cpu: int, pfn: int, order: int = 0) -> bool:
        return self._native.free_pages(cpu, pfn, order)

    def get_zeroed_page(self, cpu: int, gfp: "GFP | str" = "GFP_KERNEL") -> int | None:
        """A zeroed lowmem page's virtual address, or None."""
        return self._native.get_zeroed_page(cpu, gfp_text(gfp))

    # --- kmem_cache --------------------------------------------------------------
    def kmem_cache_create(self, name: str, size: int, align: int = 0,
                          flags: "str | Iterable[str] | None" = None, ctor: bool = False,
                          sheaf_capacity: int = 0, freeptr_offset: "int | None" = None) -> str:
        """Creates a cache (flags as a list of SLAB_* names or "A|B"); returns
        its handle, the name, for the other kmem_cache calls. sheaf_capacity and
        freeptr_offset are the 6.18 kmem_cache_args (linux-6.18 SLUB honours
        them; the older flavours' kernels lack them and ignore them)."""
        return self._native.kmem_cache_create(
            name, size, align, _flags_text(flags), ctor, sheaf_capacity,
            -1 if freeptr_offset is None else freeptr_offset)

    def kmem_cache_alloc(self, cpu: int, cache: str, gfp: "GFP | str" = "GFP_KERNEL",
                         node: int = -1) -> int | None:
        return self._native.kmem_cache_alloc(cpu, cache, gfp_text(gfp), node)

    def kmem_cache_free(self, cpu: int, cache: str, addr: int) -> bool:
        return self._native.kmem_cache_free(cpu, cache, addr)

    def kmem_cache_free_rcu(self, cpu: int, cache: str, addr: int) -> None:
        """call_rcu whose callback does kmem_cache_free: the object stays
        allocated until a grace period (``kernel.rcu_grace_period``) has passed;
        ``cpu`` frees it once ``advance`` takes that CPU past its end."""
        self._native.kmem_cache_free_rcu(cpu, cache, addr)

    def kmem_cache_destroy(self, cache: str) -> None:
        self._native.kmem_cache_destroy(cache)

    def kmem_cache_shrink(self, cache: str) -> int:
        return self._native.kmem_cache_shrink(cache)

    # --- kmalloc -------------------------------------------------------------------
    def kmalloc(self, cpu: int, size: int, gfp: "GFP | str" = "GFP_KERNEL",
                node: int = -1) -> int | None:
        return self._native.kmalloc(cpu, size, gfp_text(gfp), node, False)

    def kzalloc(self, cpu: int, size: int, gfp: "GFP | str" = "GFP_KERNEL",
                node: int = -1) -> int | None:
        return self._native.kmalloc(cpu, size, gfp_text(gfp), node, True)

    def kfree(self, cpu: int, addr: int) -> bool:
        return self._native.kfree(cpu, addr)

    def kfree_rcu(self, cpu: int, addr: int) -> None:
        """kfree_rcu(): the object stays allocated (``ksize`` works, its slot is
        not reused) until a grace period (``kernel.rcu_grace_period``) has
        passed; ``cpu`` kfrees it once ``advance`` takes that CPU past its end.
        Under linux-6.18, an object of a cache with sheaves (``maple_node``,
        ``vm_area_struct``, ...) first collects in ``cpu``'s rcu_free sheaf:
        the grace period starts only when that sheaf is full (its
        ``sheaf_capacity`` objects) or flushed (``kmem_cache_shrink``)."""
        self._native.kfree_rcu(cpu, addr)

    def ksize(self, addr: int) -> int:
        return self._native.ksize(addr)

    # --- vmalloc -------------------------------------------------------------------
    def vmalloc(self, cpu: int, size: int) -> int | None:
        return self._native.vmalloc(cpu, size, False)

    def vzalloc(self, cpu: int, size: int) -> int | None:
        return self._native.vmalloc(cpu, size, True)

    def vfree(self, cpu: int, addr: int) -> bool:
        return self._native.vfree(cpu, addr)

    # --- mempool -------------------------------------------------------------------
    def mempool_create(self, min_nr: int, cache: str | None = None, size: int | None = None,
                       order: int | None = None) -> int:
        """A mempool of `min_nr` reserved elements over a cache, kmalloc(size)
        or pages of `order` (exactly one); returns its handle."""
        return self._native.mempool_create(min_nr, cache or "", size or 0, order)

    def mempool_alloc(self, cpu: int, pool: int, gfp: "GFP | str" = "GFP_KERNEL") -> int | None:
        return self._native.mempool_alloc(cpu, pool, gfp_text(gfp))

    def mempool_free(self, cpu: int, pool: int, addr: int) -> None:
        self._native.mempool_free(cpu, pool, addr)

    # --- memory accesses -------------------------------------------------------------
    def touch(self, cpu: int, addr: int, size: int = 8, write: bool = False,
              pfn: bool = False) -> int:
        """Reads (or writes) [addr, addr+size) from `cpu`, line by line: a
        kmalloc/slab or vmalloc address, or with ``pfn=True`` a page frame
        number (its first byte). Returns the cycles it cost."""
        return self._native.touch(cpu, addr, size, write, pfn)

    # --- the configured workload ---------------------------------------------------
    def run(self, until: int | None = None, out: "str | os.PathLike | None" = None,
            name: str | None = None, overwrite: bool = False) -> Results:
        """Runs the configured workload on this kernel (once), after whatever
        was done step by step; ``until`` (cycles after the workload starts)
        bounds a generated workload. The results go to ``out`` (a temporary
        file when None; an existing one only with ``overwrite=True``) and come back
        as :class:`allocsim.Results`; the run is named as :func:`allocsim.run` would
        name it unless ``name`` is given."""
        if name is None:
            name = _native.require("Simulator.run").default_run_name(self._files)
        return load(write_results(out, overwrite, lambda path: self._native.run(path, name,
                                                                                  until)))
