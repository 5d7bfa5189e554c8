#!/usr/bin/env python3
"""External fragmentation under page-cache churn (workloads/page-cache-churn.yaml).

Readers stream files through the page cache on a machine of 2 x 64 MiB, so
kswapd keeps reclaiming the oldest pages, while workers on the other CPUs
replace pages of an anonymous working set at random and allocate short-lived
kmalloc objects. Freed page-cache pages come back scattered among pages that
stay allocated, so high-order free blocks break up.

The study runs it with the page allocator's mobility grouping on (movable,
reclaimable and unmovable allocations kept in separate 2 MiB pageblocks; Gorman
and Whitcroft, "The What, The Why and The Where To of Anti-Fragmentation", OLS
2006) and off (page_group_by_mobility_disabled), and prints

* the free-page histogram per buddy order over time (free blocks of each
  order, all zones, from the ``free_pages`` time series). With --small (2 x 32
  MiB) the order-10 blocks, 11 at the start, are down to one or two within
  2 ms, as reclaim starts, and orders 8-10 stay nearly empty from then on,
  while the low orders fill with the scattered pages reclaim frees;
* the unusable free space index at the end (0: all free memory is usable at
  that order; 1: none of it is): order 9 (a huge page) is far above order 3;
* whether grouping off changed anything: its histograms are compared with
  grouping on's, and the study says so when they are identical (the
  simulated kernel then does not yet model what turning grouping off
  changes).

The ``fragmentation`` figures are the histograms over time as heatmaps, one per
setting.

Run:  python3 examples/fragmentation_study.py [--small] [--out DIR]
"""

import sys
from pathlib import Path

import _example

REPO = Path(__file__).resolve().parents[1]
WORKLOAD = REPO / "workloads" / "page-cache-churn.yaml"
P = "workload.generator.params."


def main(argv=None) -> int:
    args, out, allocsim = _example.start("fragmentation_study", __doc__, argv, ())
    # --small: 2 x 32 MiB and fewer steps, still enough to wake kswapd.
    overrides = ({"machine.memory.per_node": "32MiB", P + "iterations": 800,
                  P + "anon_pages": 256} if args.small else {})
    overrides["run.sample_interval"] = "200us"
    path = out / "fragmentation.h5"
    try:
        out.mkdir(parents=True, exist_ok=True)
        s = allocsim.sweep(WORKLOAD, grid={"kernel.mobility_grouping": [True, False]},
                           overrides=overrides, out=path, jobs=1 if args.small else None,
                           overwrite=True)
        res = allocsim.load(path)
        for run in res.runs:
            fp = res.timeseries("free_pages", run)
            hist = fp.pivot_table(index="time_us", columns="order", values="free_blocks",
                                  aggfunc="sum")
            rows = hist.iloc[sorted({round(i * (len(hist) - 1) / 5) for i in range(6)})]
            print(f"\n{run}: free blocks per order (all zones) over simulated time (us)")
            print(rows.to_string(float_format=lambda v: f"{v:.0f}"))
            print(f"/proc unusable_index at the end:\n{res.proc(run, 'unusable_index').rstrip()}")
            grouping = "on" if res.parameters(run)["kernel.mobility_grouping"] else "off"
            fig = allocsim.plot.fragmentation(res, run=run)
            allocsim.plot.save(fig, out / f"fragmentation-grouping-{grouping}.{args.format}")
        cols = ["unusable_index_order3", "unusable_index_order9", "extfrag_index_order9",
                "kswapd_runs", "pgsteal_kswapd", "pgsteal_direct"]
        print("\nat the end, by kernel.mobility_grouping:")
        print(s.set_index("kernel.mobility_grouping")[cols].T.to_string(
            float_format=lambda v: f"{v:g}"))
        on, off = (res.timeseries("free_pages", run) for run in res.runs)
        same = on.drop(columns="run").reset_index(drop=True).equals(
            off.drop(columns="run").reset_index(drop=True))
        print("\nmobility grouping off: " + ("the same free-page histograms as on (this kernel "
                                            "model does not change them)" if same else
                                            "different free-page histograms from on"))
    except Exception as e:  # ConfigError, SweepError, PlotError, OSError, ...
        print(f"fragmentation_study: error: {e}", file=sys.stderr)
        return 1
    if not s["kswapd_runs"].gt(0).all():
        print("fragmentation_study: note: kswapd never ran (memory was never tight)",
              file=sys.stderr)
    print(f"results: {path}; figures: {out}/fragmentation-grouping-{{on,off}}.{args.format}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
