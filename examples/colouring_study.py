#!/usr/bin/env python3
"""Does SLAB's cache colouring still pay? (workloads/colouring-study.yaml)

One CPU allocates a few hundred 384-byte SLAB_HWCACHE_ALIGN objects and then
reads the first line of every object over and over (the hot fields a hash-chain
walk reads). With 4 KiB slabs and an L1D whose sets span exactly one page,
object k of every slab falls into the same L1 set unless the slabs start at
different offsets: that is what colouring does.

The sweep runs SLAB with colouring on and off, and SLUB (which has no
colouring, so its two points must agree). What to look for:

* SLAB coloured: an L1D miss rate near 0 and ~4 cycles per hot-line read
  (L1 hits); SLAB uncoloured and SLUB: most reads miss L1 and hit L2 (~14).
* the L2 miss rate is high only when L1 hits: the few L2 lookups left are
  the first, cold pass.

Run:  python3 examples/colouring_study.py [--small] [--out DIR]
"""

import sys
from pathlib import Path

import _example

REPO = Path(__file__).resolve().parents[1]
WORKLOAD = REPO / "workloads" / "colouring-study.yaml"
P = "workload.generator.params."


def main(argv=None) -> int:
    args, out, allocsim = _example.start("colouring_study", __doc__, argv, ())
    objects = 240  # 24 slabs: more than fit the L1 sets uncoloured
    overrides = {"run.sample_interval": "none", P + "objects": objects,
                 P + "passes": 5 if args.small else 50, P + "repeat": 2 if args.small else 4}
    grid = {"kernel.slab": ["slab", "slub"], "kernel.slab_colouring": [True, False]}
    try:
        out.mkdir(parents=True, exist_ok=True)
        s = allocsim.sweep(WORKLOAD, grid=grid, overrides=overrides, out=out / "colouring.h5", overwrite=True,
                           jobs=1 if args.small else None)
        # One touch unit reads the hot line of every object.
        s["cycles/read"] = s["touch.mean_cycles"] / objects
        table = s.set_index(["slab", "kernel.slab_colouring"])[
            ["l1d_miss_rate", "l2_miss_rate", "cycles/read", "touch.p99_cycles"]]
        print(table.to_string(float_format=lambda v: f"{v:.3f}"))
        fig = allocsim.plot.colouring(out / "colouring.h5")
        allocsim.plot.save(fig, out / f"colouring.{args.format}")
    except Exception as e:  # ConfigError, SweepError, PlotError, OSError, ...
        print(f"colouring_study: error: {e}", file=sys.stderr)
        return 1

    slab = s[s["slab"] == "slab"].set_index("kernel.slab_colouring")["cycles/read"]
    if not slab[True] < slab[False]:
        print("colouring_study: note: colouring did not make SLAB's reads cheaper here",
              file=sys.stderr)
    print(f"results: {out / 'colouring.h5'}; figure: {out / f'colouring.{args.format}'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
