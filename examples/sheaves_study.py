#!/usr/bin/env python3
"""SLUB per-CPU sheaves (linux-6.18): off, opt-in and all, from 1 to 64 CPUs.

The two caches linux-6.18 boots with sheaves: vm_area_struct (192 bytes,
SLAB_TYPESAFE_BY_RCU with its free pointer inside, sheaf_capacity 32) and
maple_node (256 bytes, 256-aligned, sheaf_capacity 32), used by name. Two
patterns drive them on every CPU of a one-node machine:

* fork/exit: a fork allocates 48 VMAs (an interactive bash has about 45
  lines in /proc/PID/maps) and 24 maple nodes; the child exits on
  the next CPU, which frees them (frees away from the allocating CPU);
* mmap: mmap allocates one VMA and two maple nodes, munmap frees them on the
  same CPU.

VMAs go back with kmem_cache_free (vm_area_free); maple nodes with kfree_rcu,
as 6.18's ma_free_rcu does: with sheaves they collect in the CPU's rcu_free
sheaf, which after its grace period joins the barn as a full sheaf. Every CPU
idles one grace period after each round, so the callbacks run (their cycles
are not in cycles/op).

Then workloads/fork-exit.yaml itself (its vm_area_struct asks for no sheaves,
so opt-in equals none there) runs as a sweep over the three modes into
sheaves-fork-exit.h5: operations per ms and lock wait of a concurrent run.

`kernel.slub_sheaves`: none (6.8's per-CPU slabs only), opt-in (6.18: these
two caches have sheaves) and all (every cache, as later kernels). Reported per
point: mean cycles per kmem_cache_alloc/free, how often the node list_lock
(kmem_cache_node.list_lock) and the barn lock were taken (the Python calls run
one at a time, so the locks are never contended here: their acquisitions are
the cost sheaves save; a workload run, `sim.run`, measures waits), and the
memory held in sheaves at the end. What to look for: with sheaves, alloc/free
mostly stay in the CPU's arrays, so list_lock acquisitions fall; the price is
memory parked in sheaves (two per CPU and up to 10 full per barn).

Run:  python3 examples/sheaves_study.py [--small] [--out DIR]
"""

import sys

import _example

# Idle this long after each round: more than two grace periods of the default
# kernel.rcu_grace_period (3 jiffies, 12 ms at HZ 250: 24 M cycles at 2 GHz).
GRACE_CYCLES = 80_000_000


def run_point(allocsim, mode: str, cpus: int, rounds: int) -> list[dict]:
    rows = []
    for pattern in ("fork/exit", "mmap"):
        sim = allocsim.Simulator(overrides={
            "kernel.flavour": "linux-6.18", "kernel.slub_sheaves": mode,
            "machine.nodes": 1, "machine.cpus": cpus, "machine.memory.per_node": "2GiB"}, seed=1)
        vma, maple = "vm_area_struct", "maple_node"  # the boot caches
        cycles = ops = 0

        def timed(cpu, fn, *a):
            nonlocal cycles, ops
            before = sim.cpu_now(cpu)
            r = fn(cpu, *a)
            cycles += sim.cpu_now(cpu) - before
            ops += 1
            return r

        def free(cpu, cache, addr):
            if cache == maple:
                timed(cpu, lambda c, a: sim.kfree_rcu(cpu=c, addr=a), addr)
            else:
                timed(cpu, sim.kmem_cache_free, cache, addr)

        for _ in range(rounds):
            for cpu in range(cpus):
                if pattern == "fork/exit":
                    got = [(vma, timed(cpu, sim.kmem_cache_alloc, vma)) for _ in range(48)]
                    got += [(maple, timed(cpu, sim.kmem_cache_alloc, maple)) for _ in range(24)]
                    for cache, addr in got:
                        free((cpu + 1) % cpus, cache, addr)
                else:
                    got = [(vma, timed(cpu, sim.kmem_cache_alloc, vma)),
                           (maple, timed(cpu, sim.kmem_cache_alloc, maple)),
                           (maple, timed(cpu, sim.kmem_cache_alloc, maple))]
                    for cache, addr in got:
                        free(cpu, cache, addr)
            for cpu in range(cpus):
                sim.advance(cpu, GRACE_CYCLES)
        st = sim.stats()
        held = 0  # bytes: the objects in sheaves (rcu_free ones too) plus the kmalloc-512 sheaves
        rcu_sheaf = 0
        for cache, size in ((vma, 192), (maple, 256)):
            a = sim.sysfs_slab(cache)
            if a.get("sheaf_capacity", "0") != "0":
                objects = int(a["sheaf_refill"]) + int(a["free_cpu_sheaf"]) \
                    + int(a["free_rcu_sheaf"]) - int(a["alloc_cpu_sheaf"]) - int(a["sheaf_flush"])
                sheaves = int(a["sheaf_alloc"]) - int(a["sheaf_free"])
                held += objects * size + sheaves * 512
                rcu_sheaf += int(a["free_rcu_sheaf"])
        rows.append({"sheaves": mode, "cpus": cpus, "pattern": pattern,
                     "cycles/op": cycles / ops,
                     "list_lock taken": st.get("lock.kmem_cache_node.list_lock.acquisitions", 0),
                     "barn lock taken": st.get("lock.node_barn.lock.acquisitions", 0),
                     "KiB in sheaves": held / 1024,
                     "kfree_rcu via rcu_free sheaf": rcu_sheaf,
                     "RCU callbacks": st.get("rcu_callbacks_queued", 0)})
    return rows


def main(argv=None) -> int:
    args, out, allocsim = _example.start("sheaves_study", __doc__, argv, ("pandas",))
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import pandas as pd

    cpus_list = [1, 2, 4] if args.small else [1, 2, 4, 8, 16, 32, 64]
    rounds = 2 if args.small else 20
    try:
        out.mkdir(parents=True, exist_ok=True)
        rows = [r for mode in ("none", "opt-in", "all") for cpus in cpus_list
                for r in run_point(allocsim, mode, cpus, rounds)]
        df = pd.DataFrame(rows)
        df.to_csv(out / "sheaves.csv", index=False)
        print(df.to_string(index=False, float_format=lambda v: f"{v:.1f}"))
        # Colour: the sheaves mode; line style: the pattern.
        panels = ("cycles/op", "list_lock taken", "barn lock taken", "KiB in sheaves")
        titles = ("cycles per alloc or free", "node list_lock acquisitions",
                  "barn lock acquisitions", "KiB held in sheaves")
        colours = {"none": "#4c72b0", "opt-in": "#dd8452", "all": "#55a868"}
        styles = {"fork/exit": "-", "mmap": "--"}
        fig, axes = plt.subplots(1, len(panels), figsize=(15, 3.6))
        for (pattern, mode), g in df.groupby(["pattern", "sheaves"]):
            for ax, col in zip(axes, panels):
                ax.plot(g["cpus"], g[col], marker="o", markersize=4, color=colours[mode],
                        linestyle=styles[pattern], label=f"{pattern}, sheaves {mode}")
        for ax, title in zip(axes, titles):
            ax.set_xscale("log", base=2)
            ax.set_xticks(cpus_list, [str(c) for c in cpus_list])
            ax.set_xlabel("CPUs")
            ax.set_title(title, fontsize=10)
            ax.grid(True, alpha=0.3)
        handles, labels = axes[0].get_legend_handles_labels()
        fig.legend(handles, labels, loc="lower center", ncol=len(labels), fontsize=8,
                   frameon=False)
        fig.tight_layout(rect=(0, 0.07, 1, 1))
        fig.savefig(out / f"sheaves.{args.format}")
        workload = _example.Path(__file__).resolve().parents[1] / "workloads" / "fork-exit.yaml"
        s = allocsim.sweep(workload, grid={"kernel.slub_sheaves": ["none", "opt-in", "all"]},
                           overrides={"kernel.flavour": "linux-6.18", "run.sample_interval": "none",
                                      "workload.generator.params.forks": 10 if args.small else 300},
                           out=out / "sheaves-fork-exit.h5", jobs=1 if args.small else None,
                           overwrite=True)
        print(s.set_index("kernel.slub_sheaves")[["ops_per_ms", "lock_wait_cycles"]].to_string())
        # The same through the results file: the summary's sheaf columns (only
        # runs with sheaves have them).
        summary = allocsim.load(out / "sheaves-fork-exit.h5").summary
        sheaf_cols = [c for c in ("sheaf_caches", "sheaf_objects", "sheaf_bytes", "barn_full")
                      if c in summary.columns]
        print(summary[sheaf_cols].to_string())
    except Exception as e:  # ConfigError, AllocatorError, OSError, ...
        print(f"sheaves_study: error: {e}", file=sys.stderr)
        return 1
    print(f"results: {out / 'sheaves.csv'}; figure: {out / f'sheaves.{args.format}'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
