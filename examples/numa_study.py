#!/usr/bin/env python3
"""Local and remote memory by placement, on the default 2-node machine.

Workers on the CPUs of node 0 allocate pages into a pool of recent pages,
read each new page, and kmalloc short-lived 256-byte objects. Placements:

* local:       pages from the allocating CPU's node (alloc_pages);
* remote:      every page from node 1 (alloc_pages_node(1, ...): ``node: 1``);
* interleave:  one page from node 0 and one from node 1 per step;
* remote_free: pages local, but the kmalloc objects are freed by the CPUs of
  node 1 (``free_by: node1``), the remote-free pattern of network and block
  paths.

What to look for: the remote share of DRAM reads (``remote_access_share``) is
~0 for local, ~1 for remote and ~0.5 for interleave, and the page reads cost
more when remote. A remote free moves no data through DRAM (the share stays
~0) but shows up as cache-to-cache transfers and dearer kmalloc and free
operations on both sides.

Run:  python3 examples/numa_study.py [--small] [--out DIR]
"""

import sys

import _example

WORKLOAD = """
workload:
  generator:
    name: numa-placement
    params: {placement: local, node: 0, free_by: self, iterations: 2000, keep: 512}
    threads:
      - name: worker
        cpus: node0
        iterations: ${iterations}
        ops:
          - alloc_pages: {order: 0, node: "${node}", into: pages, keep: "${keep}"}
          - touch: {from: pages, pick: newest, mode: read}
          - alloc_pages: {order: 0, node: 1, into: pages, keep: "${keep}", when: {placement: interleave}}
          - touch: {from: pages, pick: newest, mode: read, when: {placement: interleave}}
          - kmalloc: {size: 256, init: true, lifetime: 2us, free_by: "${free_by}"}
"""
P = "workload.generator.params."
PLACEMENTS = {"local": (0, "self"), "remote": (1, "self"), "interleave": (0, "self"),
              "remote_free": (0, "node1")}  # name: (node of the pages, free_by)


def main(argv=None) -> int:
    args, out, allocsim = _example.start("numa_study", __doc__, argv, ())
    points = [{P + "placement": name, P + "node": node, P + "free_by": free_by}
              for name, (node, free_by) in PLACEMENTS.items()]
    overrides = {"run.sample_interval": "none"}
    if args.small:
        overrides.update({P + "iterations": 200, P + "keep": 64})
    path = out / "numa.h5"
    try:
        out.mkdir(parents=True, exist_ok=True)
        s = allocsim.sweep(WORKLOAD, points=points, overrides=overrides, out=path, overwrite=True,
                           jobs=1 if args.small else None)
        cols = ["remote_access_share", "memory_accesses", "c2c_transfers", "numa_other",
                "touch.mean_cycles", "kmalloc.mean_cycles", "free.mean_cycles", "remote_frees"]
        table = s.set_index(P + "placement")[cols].rename_axis("placement")
        print(table.to_string(float_format=lambda v: f"{v:.3f}" if v < 1 else f"{v:,.0f}"))
        fig = allocsim.plot.numa(path, x=P + "placement")
        fig.axes[0].set_xlabel("placement (CPUs of node 0)")
        allocsim.plot.save(fig, out / f"numa.{args.format}")
    except Exception as e:  # ConfigError, SweepError, PlotError, OSError, ...
        print(f"numa_study: error: {e}", file=sys.stderr)
        return 1
    print(f"results: {path}; figure: {out / f'numa.{args.format}'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
