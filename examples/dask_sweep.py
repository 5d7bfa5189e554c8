#!/usr/bin/env python3
"""A sweep on a Dask cluster, checked against the same sweep in local threads.

``allocsim.sweep(..., client=client)`` sends one task per point to a
``distributed`` cluster; each worker runs its point and sends the results
file's bytes back, so the workers need no shared file system (only allocsim
importable: here the installed package). The client merges the points into
one results file, in point order, exactly as the local sweep
(``jobs=N`` threads) and ``allocsim sweep`` do.

Here the cluster is a ``LocalCluster`` of 2 worker processes; for a real one
pass ``Client("tcp://scheduler:8786")`` instead. The grid is SLAB vs SLUB on
Hoard's threadtest (workloads/threadtest.yaml) with two thread counts, on the
default 2-node, 8-CPU machine.

What to look for: the two summary tables are identical (a run is a function
of its config and seed, wherever it runs); only host-side attributes
(``wall_seconds``, ``host``) differ between the files. The figure is each
point's kmalloc latency CDF: SLAB's long tail is its array-cache refills and
drains under the list lock.

Run:  python3 examples/dask_sweep.py [--small] [--out DIR]
"""

import sys
import time
from pathlib import Path

import _example

REPO = Path(__file__).resolve().parents[1]
WORKLOAD = REPO / "workloads" / "threadtest.yaml"


def main(argv=None) -> int:
    args, out, allocsim = _example.start("dask_sweep", __doc__, argv, ("distributed",))
    import pandas as pd
    from dask.distributed import Client, LocalCluster
    P = "workload.generator.params."
    grid = {"kernel.slab": ["slab", "slub"], P + "threads": [2, 4] if args.small else [4, 8]}
    overrides = {"run.sample_interval": "none", P + "rounds": 2 if args.small else 20}
    if args.small:
        overrides[P + "objects"] = 200
    try:
        out.mkdir(parents=True, exist_ok=True)
        t = time.perf_counter()
        local = allocsim.sweep(WORKLOAD, grid=grid, overrides=overrides, jobs=2,
                               out=out / "dask-local.h5", overwrite=True)
        print(f"local threads:   {len(local)} points in {time.perf_counter() - t:.1f} s")
        t = time.perf_counter()
        with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                          dashboard_address=None) as cluster, Client(cluster) as client:
            dask = allocsim.sweep(WORKLOAD, grid=grid, overrides=overrides, client=client,
                                  out=out / "dask-cluster.h5", overwrite=True)
        print(f"Dask cluster:    {len(dask)} points in {time.perf_counter() - t:.1f} s "
              "(with the cluster's start and stop)")
        pd.testing.assert_frame_equal(local, dask)  # identical, column for column
        table = dask.rename(columns={P + "threads": "threads"})
        print(table[["slab", "threads", "ops_per_ms", "kmalloc.p99_cycles", "lock_wait_cycles"]]
              .to_string(index=False, float_format=lambda v: f"{v:,.0f}"))
        fig = allocsim.plot.latency_ccdf(out / "dask-cluster.h5", op="kmalloc")
        allocsim.plot.save(fig, out / f"dask-latency.{args.format}")
    except AssertionError as e:
        print(f"dask_sweep: the Dask and local summaries differ:\n{e}", file=sys.stderr)
        return 1
    except Exception as e:  # ConfigError, SweepError, PlotError, OSError, ...
        print(f"dask_sweep: error: {type(e).__name__}: {e}", file=sys.stderr)
        return 1
    print(f"identical summaries; results: {out}/dask-{{local,cluster}}.h5; "
          f"figure: {out / f'dask-latency.{args.format}'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
