#!/usr/bin/env python3
"""kmalloc/kfree scalability from 1 to 16 CPUs, with and without per-CPU caches.

workloads/linux-scalability.yaml (Lever & Boreham): every CPU allocates an
object and frees it at once, in a tight loop, so only the allocator's fast path
and its locks are measured. The machine is one NUMA node of N CPUs
(machine.nodes=1, so any N divides), N = 1, 2, 4, 8, 16, with a worker per CPU.

Two sweeps:

* objects: kmalloc(512) under SLAB (per-CPU array caches), SLUB (per-CPU
  slabs) and SLOB (no per-CPU caching: one global slob_lock);
* pages: kmalloc(16 KiB), which SLUB hands to the page allocator as order-2
  pages, with the per-CPU page lists on and off (kernel.pcp).

What to look for (the figures: throughput in operations per simulated ms, all
CPUs, and below it the lock wait per operation): with per-CPU caches (SLAB,
SLUB, kernel.pcp on) the throughput grows with the CPUs, close to linearly
(about 3.1 to 3.9 times from 1 to 4 CPUs with --small, 5000 operations per
CPU), and the lock wait stays within a few cycles per operation. Without them
(SLOB's one slob_lock; kernel.pcp off, every order-2 allocation taking the
zone lock) the throughput falls as soon as a second CPU competes, to a
seventh of one CPU's or less, and each operation waits about a thousand
cycles for the lock with 2 CPUs and several thousand with 4.

Run:  python3 examples/scalability_study.py [--small] [--out DIR]
"""

import sys
from pathlib import Path

import _example

REPO = Path(__file__).resolve().parents[1]
WORKLOAD = REPO / "workloads" / "linux-scalability.yaml"
P = "workload.generator.params."


def points(key, values, cpus):
    """One point per (value, N): an N-CPU machine with a worker on each CPU."""
    return [{key: v, "machine.cpus": n, P + "threads": n} for v in values for n in cpus]


def main(argv=None) -> int:
    args, out, allocsim = _example.start("scalability_study", __doc__, argv, ())
    cpus = [1, 2, 4] if args.small else [1, 2, 4, 8, 16]
    common = {"machine.nodes": 1, "run.sample_interval": "none",
              P + "iterations": 5000 if args.small else 20000}
    jobs = 1 if args.small else None
    studies = [  # (name, swept key, its values, extra overrides)
        ("objects", "kernel.slab", ["slab", "slub", "slob"], {P + "size": 512}),
        ("pages", "kernel.pcp", [True, False], {P + "size": "16KiB", "kernel.slab": "slub"}),
    ]
    try:
        out.mkdir(parents=True, exist_ok=True)
        for name, key, values, extra in studies:
            path = out / f"scalability-{name}.h5"
            s = allocsim.sweep(WORKLOAD, points=points(key, values, cpus),
                               overrides={**common, **extra}, out=path, jobs=jobs,
                               overwrite=True)
            print(f"\n{name}: kmalloc({extra[P + 'size']}) + kfree, by {key}")
            s = s.assign(lock_wait_per_op=s["lock_wait_cycles"] / s["ops"])
            for col in ("ops_per_ms", "lock_wait_per_op"):
                print(f"{col}:")
                print(s.pivot_table(index="cpus", columns=key, values=col).to_string(
                    float_format=lambda v: f"{v:,.1f}"))
            hue = "slab" if key == "kernel.slab" else key
            fig = allocsim.plot.scalability(path, hue=hue, lock_wait=True)
            allocsim.plot.save(fig, out / f"scalability-{name}.{args.format}")
            print(f"results: {path}; figure: {out / f'scalability-{name}.{args.format}'}")
    except Exception as e:  # ConfigError, SweepError, PlotError, OSError, ...
        print(f"scalability_study: error: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
