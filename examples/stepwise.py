#!/usr/bin/env python3
"""The simulated kernel step by step: allocsim.Simulator.

Each call runs the kernel function (alloc_pages, kmem_cache_alloc, kmalloc,
vmalloc, mempool_alloc, ...) on the CPU given, charged to the hardware model,
and advances that CPU's clock; ``sim.now`` is the latest CPU's clock in cycles.
The same steps as the Python section of docs/tutorial.md:

1. pages: alloc_pages/free_pages, and a touch (its cost in cycles);
2. a kmem cache: create, allocate on CPU 0, free half of it from CPU 4 (node 1:
   remote frees), /sys/kernel/slab and /proc/slabinfo;
3. kmalloc/kzalloc/ksize/kfree, vmalloc, a mempool;
4. a bad free, raised as allocsim.AllocatorError;
5. the configured workload run on this same kernel (``sim.run``), its results
   (allocsim.Results) and a latency CDF figure.

What to look for: a cold touch costs DRAM latency, a warm one L1 hits; a
remote read of a line written on another node costs a cache-to-cache
transfer across the interconnect.

Run:  python3 examples/stepwise.py [--small] [--out DIR]
"""

import sys

import _example


def main(argv=None) -> int:
    args, out, allocsim = _example.start("stepwise", __doc__, argv, ())
    try:
        out.mkdir(parents=True, exist_ok=True)
        # The embedded default machine (2 nodes x 4 CPUs) and workload, SLUB.
        sim = allocsim.Simulator(overrides={"kernel.slab": "slub"}, seed=1)
        print(f"{sim.cpus} CPUs, booted at cycle {sim.now}")

        pfn = sim.alloc_pages(cpu=0, order=2, gfp=allocsim.GFP.KERNEL)
        cold = sim.touch(cpu=0, addr=pfn, size=4 * 4096, write=True, pfn=True)
        warm = sim.touch(cpu=0, addr=pfn, size=64, pfn=True)
        print(f"order-2 block at pfn {pfn}: writing it {cold} cycles, re-reading a line {warm}")
        sim.free_pages(cpu=0, pfn=pfn, order=2)

        cache = sim.kmem_cache_create("my_obj", size=192, flags=["SLAB_HWCACHE_ALIGN"])
        objs = [sim.kmem_cache_alloc(cpu=0, cache=cache) for _ in range(100)]
        sim.touch(cpu=0, addr=objs[0], size=64, write=True)
        print(f"reading a line CPU 0 wrote: from CPU 1 {sim.touch(cpu=1, addr=objs[0])} cycles, "
              f"from CPU 4 (node 1) {sim.touch(cpu=4, addr=objs[0])}")
        for a in objs[::2]:
            sim.kmem_cache_free(cpu=4, cache=cache, addr=a)
        attrs = sim.sysfs_slab(cache)
        print(f"/sys/kernel/slab/my_obj: order {attrs['order']}, "
              f"{attrs['objs_per_slab']} objects per slab, {attrs['slabs']} slabs")
        # SLUB's slabinfo counts every object of a slab that is not on a partial list
        # (the CPU slab included) as active, so the 50 frees do not show here.
        print(next(l for l in sim.proc("slabinfo").splitlines() if l.startswith("my_obj")))

        p = sim.kmalloc(cpu=2, size=200)
        z = sim.kzalloc(cpu=2, size=64, gfp="GFP_KERNEL")
        print(f"kmalloc(200) -> ksize {sim.ksize(p)}; kzalloc(64) -> ksize {sim.ksize(z)}")
        sim.kfree(cpu=2, addr=p)
        sim.kfree(cpu=3, addr=z)
        v = sim.vmalloc(cpu=1, size=1 << 20)
        cost = sim.touch(cpu=1, addr=v, size=8192)
        print(f"vmalloc(1 MiB) at {v:#x}; reading 8 KiB costs {cost} cycles (page walks included)")
        sim.vfree(cpu=1, addr=v)
        pool = sim.mempool_create(min_nr=4, cache=cache)
        elem = sim.mempool_alloc(cpu=0, pool=pool, gfp=allocsim.GFP.NOIO)
        sim.mempool_free(cpu=0, pool=pool, addr=elem)
        try:
            sim.kfree(cpu=2, addr=p)  # a double free
        except allocsim.AllocatorError as e:
            print(f"AllocatorError: {e}")
        stats = sim.stats()
        print(f"at cycle {sim.now}: l1d misses on CPU 0 {stats['l1d.misses[0]']}, "
              f"zone lock acquisitions {stats['lock.zone.acquisitions']}")
        print(sim.proc("buddyinfo").rstrip())

        # The configured workload (the default mixed-kernel one), on this kernel.
        if args.small:
            print("(--small: the workload is cut at 200000 cycles)")
        res = sim.run(until=200_000 if args.small else None, out=out / "stepwise.h5",
                      name="stepwise", overwrite=True)
        print(res.summary[["ops", "ops_per_ms", "kmalloc.p99_cycles", "slab_caches"]]
              .to_string())
        fig = allocsim.plot.latency_ccdf(res, op="kmalloc")
        allocsim.plot.save(fig, out / f"stepwise-kmalloc-ccdf.{args.format}")
    except Exception as e:  # ConfigError, AllocatorError, PlotError, OSError, ...
        print(f"stepwise: error: {type(e).__name__}: {e}", file=sys.stderr)
        return 1
    print(f"results: {out / 'stepwise.h5'}; figure: "
          f"{out / f'stepwise-kmalloc-ccdf.{args.format}'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
