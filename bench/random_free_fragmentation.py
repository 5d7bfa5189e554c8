#!/usr/bin/env python3
"""Random-free fragmentation under SLAB, SLUB and SLOB, and the floor that
kmalloc's power-of-two classes set (issue 19's closing figure).

bench/random_free_fragmentation.yaml fills every CPU's heap with kmalloc
objects of eight sizes, frees 85 % of them at random and then idles (a
wake-up every 50 ms). For each design the script runs it twice: with the idle
phase cut to 1 ms ("before": the run ends before any cache_reap, whose first
pass comes about 0.8 s after boot) and with `--idle` of simulated time
("after": several reaps). It prints, per design and run:

* pages: the slab pages the workload holds, the summary's slab_pages less
  those of the same run with every object freed (boot caches, the metadata);
* live KiB: the bytes the live objects asked for (exact: each size keeps
  cpus x (objects - frees) objects);
* waste: 1 - live / (pages x 4 KiB);
* reaps and reaped: cache_reap runs and the slabs they freed (SLAB only).

The "classes" line is the power-of-two (kmalloc) classes alone: the bytes
the live objects take at the size kmalloc gives them (ksize) against what they
asked for, the waste no slab layout can avoid.

Run (from the repository, after building the Python module):
  PYTHONPATH=analysis:build/python /usr/bin/python3 bench/random_free_fragmentation.py
  ... --flavour linux-2.6 --idle 30s --objects 1000 --frees 900
"""

import argparse
from pathlib import Path

import allocsim

SIZES = [24, 40, 72, 100, 200, 300, 600, 1000]
WORKLOAD = Path(__file__).resolve().parent / "random_free_fragmentation.yaml"
P = "workload.generator.params."
PAGE = 4096


def summary(design: str, flavour: str, idle: str, objects: int, frees: int, seed: int):
    overrides = {"kernel.slab": design, "kernel.flavour": flavour, P + "idle": idle,
                 P + "objects": objects, P + "frees": frees, "run.sample_interval": "none"}
    return allocsim.run(WORKLOAD, overrides=overrides, seed=seed).summary.iloc[0]


def class_bytes(design: str, flavour: str) -> int:
    """What one object of each size takes at its kmalloc class (ksize)."""
    sim = allocsim.Simulator(WORKLOAD, overrides={"kernel.slab": design,
                                                  "kernel.flavour": flavour})
    return sum(sim.ksize(sim.kmalloc(0, size)) for size in SIZES)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--flavour", default="linux-6", choices=["linux-2.6", "linux-6"])
    ap.add_argument("--idle", default="20s", help="simulated idle time after the frees")
    ap.add_argument("--objects", type=int, default=2000, help="objects of each size per CPU")
    ap.add_argument("--frees", type=int, default=1700, help="of them freed at random")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    cpus = allocsim.Simulator(WORKLOAD).cpus
    kept = cpus * (args.objects - args.frees)
    live = kept * sum(SIZES)
    print(f"{args.flavour}, {cpus} CPUs: {args.objects} objects of each of {len(SIZES)} sizes "
          f"per CPU, {args.frees} freed at random; live {live / 1024:.1f} KiB")
    print(f"{'design':8} {'run':7} {'pages':>7} {'live KiB':>9} {'waste':>6} {'reaps':>6} "
          f"{'reaped':>7}")
    for design in ("slab", "slub", "slob"):
        for label, idle in (("before", "1ms"), ("after", args.idle)):
            run = summary(design, args.flavour, idle, args.objects, args.frees, args.seed)
            empty = summary(design, args.flavour, idle, 1, 1, args.seed)
            pages = int(run["slab_pages"]) - int(empty["slab_pages"])
            waste = 1 - live / (pages * PAGE) if pages > 0 else 0.0
            print(f"{design:8} {label:7} {pages:7d} {live / 1024:9.1f} {waste:6.3f} "
                  f"{int(run['cache_reap_runs']):6d} {int(run['slab_reaped']):7d}")
    for design in ("slab", "slub"):
        held = kept * class_bytes(design, args.flavour)
        print(f"classes  {design:7} {held / PAGE:7.0f} {live / 1024:9.1f} {1 - live / held:6.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
