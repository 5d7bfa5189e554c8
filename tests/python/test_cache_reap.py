"""SLAB's cache_reap as per-CPU delayed work, seen from the results: the
runs, the objects they drained and the slabs they freed, the same whatever
the number of host threads that run the points."""

import allocsim

# Every CPU fills a kmalloc heap, frees 90 % of it and idles for 20 s with a
# wake-up every 50 ms: several reap passes.
WORKLOAD = """
machine: {cpus: 2, nodes: 1, frequency: 1GHz, memory: {per_node: 64MiB}}
kernel: {slab: slab, hz: 250}
run: {sample_interval: 1s}
workload:
  generator:
    name: reap
    threads:
      - name: heap
        cpus: all
        phases:
          - iterations: 2000
            ops:
              - kmalloc: {size: 200, into: heap}
          - iterations: 1800
            ops:
              - kfree: {from: heap, pick: random}
          - duration: 20s
            ops:
              - sleep: 50ms
"""

COLUMNS = ["cache_reap_runs", "cache_reap_objects_drained", "slab_reaped", "slab_pages"]


def test_reaps_are_the_same_with_one_or_two_jobs(tmp_path):
    grid = {"kernel.flavour": ["linux-2.6", "linux-6"]}
    one = allocsim.sweep(WORKLOAD, grid=grid, jobs=1, out=tmp_path / "one.h5")
    two = allocsim.sweep(WORKLOAD, grid=grid, jobs=2, out=tmp_path / "two.h5")
    assert one[COLUMNS].equals(two[COLUMNS])
    # About 20 s: each CPU runs its reap work every 2 s from about 0.8 s, ten
    # times (2.6.32 at jiffies 204 + 500k; 6.5 a few jiffies later).
    assert list(one["cache_reap_runs"]) == [20, 20]
    # The arrays' objects go back to their slabs. Few slabs are left for
    # drain_freelist: with this many free objects on the node, free_block
    # frees a slab that empties at once (free_objects > free_limit).
    assert (one["cache_reap_objects_drained"] > 0).all()
    # The time series shows the reaps as they happen, the same in both files.
    a = allocsim.load(tmp_path / "one.h5")
    b = allocsim.load(tmp_path / "two.h5")
    for run in a.runs:
        ta = a.timeseries("vmstat", run)
        tb = b.timeseries("vmstat", run)
        assert list(ta["cache_reap_runs"]) == list(tb["cache_reap_runs"])
        assert ta["cache_reap_runs"].is_monotonic_increasing
        assert ta["cache_reap_runs"].iloc[0] == 0
        slabs = a.timeseries("slab", run)
        last = slabs[slabs["time_ns"] == slabs["time_ns"].max()]
        assert last["reaped"].sum() == int(one.loc[run, "slab_reaped"])
