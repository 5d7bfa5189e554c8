"""The step-by-step kernel API (allocsim.Simulator), allocsim.run, GFP and the
exception paths, against the C++ model's own results."""

import re
import subprocess
import sys
import threading

import pytest

import allocsim

# A missing native module is a failure, not a skip.
assert allocsim._native.module() is not None, allocsim._native.why_missing()

SMALL = {"machine.cpus": 2}


def slabinfo_active(text: str, cache: str) -> int:
    for line in text.splitlines():
        fields = line.split()
        if fields and fields[0] == cache:
            return int(fields[1])
    raise AssertionError(f"{cache} not in slabinfo")


def test_pages_come_back_lifo_from_the_pcp_list():
    sim = allocsim.Simulator(None, overrides=SMALL)
    pfn = sim.alloc_pages(cpu=0, order=0, gfp="GFP_KERNEL")
    assert isinstance(pfn, int)
    assert sim.free_pages(cpu=0, pfn=pfn, order=0)
    # free_unref_page puts the page at the head of the CPU's pcp list; the next
    # order-0 allocation on that CPU takes it back.
    assert sim.alloc_pages(cpu=0, order=0) == pfn
    before = sim.now
    sim.touch(cpu=0, addr=pfn, size=4096, write=True, pfn=True)
    assert sim.now > before


def test_kmalloc_sizes_and_slabinfo_follow_the_kmalloc_caches():
    sim = allocsim.Simulator(None, overrides={**SMALL, "kernel.slab": "slub"})
    base = slabinfo_active(sim.proc("slabinfo"), "kmalloc-256")
    addrs = [sim.kmalloc(cpu=0, size=200, gfp="GFP_KERNEL") for _ in range(10)]
    assert all(sim.ksize(a) == 256 for a in addrs)  # kmalloc_index(200) = kmalloc-256
    assert sim.ksize(sim.kmalloc(cpu=1, size=8)) == 8
    assert len(set(addrs)) == 10
    # SLUB counts the objects of slabs not on a partial list as active.
    assert slabinfo_active(sim.proc("slabinfo"), "kmalloc-256") >= base + 10
    for a in addrs:
        assert sim.kfree(cpu=1, addr=a)  # remote frees are fine
    zeroed = sim.kzalloc(cpu=0, size=64, gfp=allocsim.GFP.KERNEL | allocsim.GFP.ZERO)
    assert sim.ksize(zeroed) == 64


def test_kmem_cache_and_sysfs_slab():
    sim = allocsim.Simulator(None, overrides={**SMALL, "kernel.slab": "slub",
                                              "kernel.slab_merge": False})
    cache = sim.kmem_cache_create("foo", size=100, align=0, flags=["SLAB_HWCACHE_ALIGN"])
    objs = [sim.kmem_cache_alloc(cpu=1, cache=cache) for _ in range(5)]
    attrs = sim.sysfs_slab(cache)
    assert attrs["object_size"] == "100"
    assert attrs["slab_size"] == "128"  # 100 rounded to the 64-byte line
    assert int(attrs["objs_per_slab"]) == 4096 // 128
    for o in objs:
        assert sim.kmem_cache_free(cpu=1, cache=cache, addr=o)
    sim.kmem_cache_destroy(cache)
    with pytest.raises(ValueError, match="no kmem_cache named 'foo'"):
        sim.kmem_cache_alloc(cpu=0, cache="foo")
    slab = allocsim.Simulator(None, overrides={**SMALL, "kernel.slab": "slab"})
    c = slab.kmem_cache_create("bar", size=64)
    with pytest.raises(ValueError, match="only with SLUB"):
        slab.sysfs_slab(c)


def test_slab_pages_split_reclaimable_caches_and_match_vmstat():
    sim = allocsim.Simulator(None, overrides={**SMALL, "kernel.slab": "slub",
                                              "kernel.slab_merge": False})
    before = sim.slab_pages()
    cache = sim.kmem_cache_create("dentry_like", size=192, flags=["SLAB_RECLAIM_ACCOUNT"])
    for _ in range(100):
        sim.kmem_cache_alloc(cpu=0, cache=cache)
    after = sim.slab_pages()
    assert after["reclaimable"] > before["reclaimable"]
    assert after["unreclaimable"] == before["unreclaimable"]
    vmstat = dict(line.split() for line in sim.proc("vmstat").splitlines())
    assert int(vmstat["nr_slab_reclaimable"]) == after["reclaimable"]
    assert int(vmstat["nr_slab_unreclaimable"]) == after["unreclaimable"]
    assert sim.large_kmalloc_pages() == 0
    big = sim.kmalloc(cpu=0, size=5 * 4096)  # order 3, past the kmalloc caches
    assert sim.large_kmalloc_pages() == 8
    assert sim.slab_pages()["unreclaimable"] == after["unreclaimable"] + 8  # 6.x accounts it
    assert sim.kfree(cpu=0, addr=big)
    assert sim.large_kmalloc_pages() == 0


def test_vmalloc_and_mempool():
    sim = allocsim.Simulator(None, overrides=SMALL)
    area = sim.vmalloc(cpu=0, size=1 << 20)
    assert area is not None
    assert "python" in sim.proc("vmallocinfo")  # the caller's name
    assert sim.touch(cpu=0, addr=area, size=8192) > 0
    assert sim.vfree(cpu=0, addr=area)
    pool = sim.mempool_create(min_nr=4, size=512)
    elems = [sim.mempool_alloc(cpu=0, pool=pool, gfp="GFP_NOIO") for _ in range(6)]
    assert all(e is not None for e in elems)
    for e in elems:
        sim.mempool_free(cpu=0, pool=pool, addr=e)
    with pytest.raises(ValueError, match="exactly one"):
        sim.mempool_create(min_nr=2)


def test_bad_frees_raise_or_are_recorded():
    sim = allocsim.Simulator(None, overrides=SMALL)
    a = sim.kmalloc(cpu=0, size=100)
    sim.kfree(cpu=0, addr=a)
    with pytest.raises(allocsim.AllocatorError, match="double free"):
        sim.kfree(cpu=0, addr=a)
    rec = allocsim.Simulator(None, overrides=SMALL, on_bad_free="record")
    b = rec.kmalloc(cpu=0, size=100)
    assert rec.kfree(cpu=0, addr=b)
    assert rec.kfree(cpu=0, addr=b) is False
    assert len(rec.diagnostics()) == 1 and "double free" in rec.diagnostics()[0]
    assert rec.stats()["diagnostics"] == 1
    pfn = rec.alloc_pages(cpu=0, order=1)
    assert rec.free_pages(cpu=0, pfn=pfn, order=0) is False  # wrong order
    # Page frees are diagnosed like object frees: kind, CPU, cycle, pfn, orders.
    assert len(rec.diagnostics()) == 2 and rec.stats()["diagnostics"] == 2
    assert re.fullmatch(r"cpu 0 at cycle \d+: bad order at 0x[0-9a-f]+: free_pages: "
                        f"pfn {pfn:#x}, order 0: freed with order 0, allocated with order 1",
                        rec.diagnostics()[1]), rec.diagnostics()[1]
    assert rec.free_pages(cpu=0, pfn=pfn, order=1)
    with pytest.raises(allocsim.AllocatorError,
                       match=r"cpu 0 at cycle \d+: double free .* order 1: page already free"):
        p = sim.alloc_pages(cpu=0, order=1)
        sim.free_pages(cpu=0, pfn=p, order=1)
        sim.free_pages(cpu=0, pfn=p, order=1)


def test_hostile_config_text_is_a_config_error():
    # Recursive aliases once crashed the interpreter (a segfault); alias bombs
    # took gigabytes before any error.
    with pytest.raises(allocsim.ConfigError, match=r"recursive alias \*r"):
        allocsim.Simulator("x: &r [*r]\n")
    bomb = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]\n" for i in range(1, 8))
    with pytest.raises(allocsim.ConfigError, match="an alias bomb"):
        allocsim.run(bomb)
    with pytest.raises(allocsim.ConfigError, match=r"unknown key 'a\\x04b'"):
        allocsim.Simulator(None, overrides={"machine.a\x04b": 1})


def test_input_errors_are_python_exceptions():
    with pytest.raises(allocsim.ConfigError, match="did you mean 'slab'"):
        allocsim.Simulator(None, overrides={"kernel.slabb": "slub"})
    with pytest.raises(allocsim.ConfigError):
        allocsim.Simulator("machine:\n  cpus: many\n")
    sim = allocsim.Simulator(None, overrides=SMALL)
    with pytest.raises(ValueError, match="GFP_KERNELL"):
        sim.kmalloc(cpu=0, size=64, gfp="GFP_KERNELL")
    with pytest.raises(IndexError, match="cpu 5 of a 2-CPU machine"):
        sim.kmalloc(cpu=5, size=64)
    with pytest.raises(ValueError):
        sim.alloc_pages(cpu=0, order=42)
    with pytest.raises(ValueError):
        allocsim.Simulator(None, on_bad_free="ignore")
    with pytest.raises(TypeError):
        sim.kmalloc(cpu=0, size=64, gfp=3)


def test_gfp_enum_spells_kernel_names():
    G = allocsim.GFP
    assert allocsim.gfp_text(G.KERNEL | G.ZERO) == "GFP_KERNEL|__GFP_ZERO"
    assert allocsim.gfp_text(G.ATOMIC) == "GFP_ATOMIC"
    assert allocsim.gfp_text("GFP_NOIO") == "GFP_NOIO"


def test_run_matches_the_cli_and_threads_run_in_parallel(tmp_path):
    cli = subprocess.run([sys.executable, "-m", "allocsim", "run", "-q", "-o",
                          str(tmp_path / "cli.h5"), "--set", "machine.cpus=2"],
                         capture_output=True, text=True, timeout=120)
    assert cli.returncode == 0, cli.stderr
    ref = allocsim.load(tmp_path / "cli.h5").summary.iloc[0]
    res = allocsim.run(None, out=tmp_path / "py.h5", machine__cpus=2)
    row = res.summary.iloc[0]
    assert row["fingerprint"] == ref["fingerprint"]
    assert row["simulated_cycles"] == ref["simulated_cycles"]
    # Several simulators in Python threads (the GIL is released while they run).
    out = {}

    def one(i):
        out[i] = allocsim.run(None, out=tmp_path / f"t{i}.h5", machine__cpus=2).summary.iloc[0]

    threads = [threading.Thread(target=one, args=(i,)) for i in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(out[i]["fingerprint"] == ref["fingerprint"] for i in range(3))


def test_simulator_run_after_steps_and_until(tmp_path):
    sim = allocsim.Simulator(None, overrides=SMALL)
    sim.kmalloc(cpu=0, size=64)
    res = sim.run(until=50_000, out=tmp_path / "s.h5", name="stepwise")
    assert res.runs == ["stepwise"]
    s = res.summary.loc["stepwise"]
    assert 0 < s["ops"] < allocsim.run(None, machine__cpus=2).summary.iloc[0]["ops"]
    with pytest.raises(RuntimeError, match="already ran"):
        sim.run()


def test_module_entry_forwards_to_the_cli():
    p = subprocess.run([sys.executable, "-m", "allocsim", "--version"], capture_output=True,
                       text=True, timeout=30)
    assert p.returncode == 0
    assert re.fullmatch(r"allocsim \d+\.\d+\.\d+\n", p.stdout)
    assert allocsim.__version__ in p.stdout


def test_run_refuses_an_existing_output_and_names_runs_as_the_cli(tmp_path, cli):
    out = tmp_path / "x.h5"
    assert allocsim.run(None, out=out, machine__cpus=2).runs == ["default"]
    before = out.read_bytes()
    with pytest.raises(FileExistsError, match="overwrite=True"):
        allocsim.run(None, out=out, machine__cpus=2, seed=5)
    assert out.read_bytes() == before
    res = allocsim.run(None, out=out, machine__cpus=2, seed=5, overwrite=True)
    assert res.attrs("default")["seed"] == 5
    # A config file's run is named after its stem, from Python as from the CLI.
    config = tmp_path / "two-cpus.yaml"
    config.write_text("machine: {cpus: 2}\n")
    cli("run", config, "-o", tmp_path / "cli.h5", "-q")
    assert allocsim.load(tmp_path / "cli.h5").runs == ["two-cpus"]
    assert allocsim.run(config, out=tmp_path / "py.h5").runs == ["two-cpus"]
    assert allocsim.run_name(config) == "two-cpus" and allocsim.run_name(None) == "default"
    assert allocsim.run({"machine": {"cpus": 2}}).runs == ["default"]
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "cli.h5", "py.h5", "two-cpus.yaml", "x.h5"]  # no temporary left behind


def test_kmem_cache_args_under_linux_618_and_linux_6():
    """6.18's kmem_cache_args: sheaves and the free pointer inside a
    SLAB_TYPESAFE_BY_RCU object (192-byte stride); linux-6 (6.8) ignores them."""
    flags = ["SLAB_HWCACHE_ALIGN", "SLAB_TYPESAFE_BY_RCU", "SLAB_ACCOUNT"]
    new = allocsim.Simulator(overrides={"kernel.flavour": "linux-6.18"}, seed=1)
    c = new.kmem_cache_create("vm_area_struct", 192, flags=flags, sheaf_capacity=32,
                              freeptr_offset=176)
    a = new.sysfs_slab(c)
    assert (a["slab_size"], a["objs_per_slab"], a["sheaf_capacity"]) == ("192", "21", "32")
    addr = new.kmem_cache_alloc(cpu=0, cache=c)
    assert new.sysfs_slab(c)["alloc_cpu_sheaf"] == "1"
    new.kmem_cache_free(cpu=0, cache=c, addr=addr)
    assert new.sysfs_slab(c)["free_cpu_sheaf"] == "1"
    with pytest.raises(ValueError):
        new.kmem_cache_create("bad", 192, flags=["SLAB_HWCACHE_ALIGN"], freeptr_offset=8)
    old = allocsim.Simulator(overrides={"kernel.flavour": "linux-6"}, seed=1)
    c = old.kmem_cache_create("vm_area_struct", 192, flags=flags, sheaf_capacity=32,
                              freeptr_offset=176)
    a = old.sysfs_slab(c)
    assert (a["slab_size"], a["objs_per_slab"]) == ("256", "32")  # 8 CPUs: order 1
    assert "sheaf_capacity" not in a


def test_linux_618_boot_caches_and_kfree_rcu_into_the_rcu_free_sheaf():
    """6.18 boots maple_node and vm_area_struct with sheaves; kfree_rcu of
    their objects fills the CPU's rcu_free sheaf, whose 32 objects wait one
    grace period as one RCU callback and then join the barn as a full sheaf."""
    sim = allocsim.Simulator(overrides={"kernel.flavour": "linux-6.18", "machine.nodes": 1,
                                        "machine.cpus": 2, "kernel.rcu_grace_period": "1ms"},
                             seed=1)
    a = sim.sysfs_slab("maple_node")
    assert (a["object_size"], a["slab_size"], a["objs_per_slab"], a["sheaf_capacity"]) == \
        ("256", "256", "16", "32")
    assert "maple_node" in sim.proc("slabinfo") and "vm_area_struct" in sim.proc("slabinfo")
    nodes = [sim.kmem_cache_alloc(cpu=0, cache="maple_node") for _ in range(33)]
    for n in nodes:
        sim.kfree_rcu(cpu=0, addr=n)
    a = sim.sysfs_slab("maple_node")
    assert (a["free_rcu_sheaf"], a["free_rcu_sheaf_fail"]) == ("33", "0")
    assert sim.stats()["rcu_callbacks_queued"] == 1  # one for the full sheaf, none per object
    assert sim.ksize(nodes[0]) == 256  # still allocated
    sim.advance(0, 10_000_000)  # past the grace period (1 ms = 2 M cycles at 2 GHz)
    assert sim.ksize(nodes[0]) == 0
    a = sim.sysfs_slab("maple_node")
    assert (a["barn_put"], a["sheaf_flush"]) == ("1", "0")  # kept whole in the barn
    # linux-6 has neither the boot caches nor sheaves: one callback per object.
    old = allocsim.Simulator(overrides={"kernel.flavour": "linux-6"}, seed=1)
    with pytest.raises(ValueError):
        old.sysfs_slab("maple_node")
    for _ in range(3):
        old.kfree_rcu(cpu=0, addr=old.kmalloc(cpu=0, size=100))
    assert old.stats()["rcu_callbacks_queued"] == 3


def test_sheaf_results_load_from_a_linux_618_run(tmp_path):
    res = allocsim.run(None, out=tmp_path / "r.h5", kernel__flavour="linux-6.18",
                       machine__cpus=2, run__sample_interval="50us",
                       workload__generator__duration="100us")
    loaded = allocsim.load(tmp_path / "r.h5")
    assert loaded.summary["sheaf_caches"].iloc[0] == 2
    ts = loaded.timeseries("slab_sheaves")
    assert set(ts["cache"]) == {"maple_node", "vm_area_struct"}
    assert (ts["sheaf_alloc"] == 2).all()  # each CPU's empty main sheaf
    assert loaded.units("timeseries/slab_sheaves")["sheaf_bytes"] == "bytes"
    assert res.runs == loaded.runs


def test_slab_designs_lists_the_registry():
    designs = allocsim.slab_designs()
    assert [d["name"] for d in designs] == ["slab", "slub", "slob", "magazine"]
    by_name = {d["name"]: d for d in designs}
    assert by_name["slob"]["proc_slabinfo"] is False
    assert by_name["slab"]["removed_in"] == "6.8"
    assert by_name["magazine"]["removed_in"] == ""


def test_magazine_design_through_the_simulator():
    # A registered research design: kmalloc through SLAB's caches with magazines
    # in front, slabinfo rows with M as the tunables, and no /sys/kernel/slab.
    sim = allocsim.Simulator(None, overrides={**SMALL, "kernel.slab": "magazine",
                                              "kernel.magazine_rounds": 7})
    objs = [sim.kmalloc(cpu=0, size=200) for _ in range(8)]
    for o in objs:
        assert sim.kfree(cpu=0, addr=o)
    assert sim.kmalloc(cpu=0, size=200) == objs[-1]  # LIFO from the loaded magazine
    rows = {line.split()[0]: line.split() for line in sim.proc("slabinfo").splitlines()[2:]}
    assert rows["kmalloc-256"][8:11] == ["7", "7", "0"]  # tunables: M, M, 0
    assert "kmem_magazine_7" in rows
    c = sim.kmem_cache_create("baz", size=64)
    with pytest.raises(ValueError, match="only with SLUB"):
        sim.sysfs_slab(c)


def test_a_machine_too_large_for_the_host_is_refused_before_it_is_built():
    # Issue 18: 4096 CPUs ended in std::bad_alloc; the estimate refuses them first.
    big = {"machine.cpus": 4096, "machine.nodes": 8, "run.max_host_memory": "1GiB"}
    with pytest.raises(allocsim.ConfigError,
                       match=r"run\.max_host_memory: this machine \(4096 CPUs, 8 nodes\) needs "
                             r"an estimated [\d.]+ GiB of host memory, the largest part"):
        allocsim.Simulator(None, overrides=big)
    with pytest.raises(allocsim.ConfigError, match=r"needs an estimated"):
        allocsim.run(None, overrides=big)


def test_sysfs_slab_write_follows_cpu_partial_store():
    import errno
    sim = allocsim.Simulator(None, overrides={**SMALL, "kernel.slab": "slub",
                                              "kernel.slab_merge": False})
    cache = sim.kmem_cache_create("page", size=4096)
    attrs = sim.sysfs_slab(cache)
    assert (attrs["objs_per_slab"], attrs["cpu_partial"]) == ("8", "6")
    sim.sysfs_slab_write(cache, "cpu_partial", 30)
    assert sim.sysfs_slab(cache)["cpu_partial"] == "30"
    sim.sysfs_slab_write(cache, "min_partial", "3\n")
    assert sim.sysfs_slab(cache)["min_partial"] == "3"
    for value, code in (("-1", errno.EINVAL), ("4294967296", errno.ERANGE)):
        with pytest.raises(OSError) as e:
            sim.sysfs_slab_write(cache, "cpu_partial", value)
        assert e.value.errno == code and errno.errorcode[code] in str(e.value)
    with pytest.raises(OSError) as e:
        sim.sysfs_slab_write(cache, "objs_per_slab", 1)
    assert e.value.errno == errno.EACCES
    old = allocsim.Simulator(None, overrides={**SMALL, "kernel.slab": "slub",
                                              "kernel.flavour": "linux-2.6"})
    with pytest.raises(OSError, match="does not exist in linux-2.6") as e:
        old.sysfs_slab_write("kmalloc-64", "cpu_partial", 30)
    assert e.value.errno == errno.ENOENT
    with pytest.raises(ValueError, match="only slabinfo"):
        sim.proc_write("zoneinfo", "x")
    with pytest.raises(ValueError, match="SLAB has"):
        sim.proc_write("slabinfo", "kmalloc-64 10 5 0")


def _slabinfo_fields(sim, name):
    for line in sim.proc("slabinfo").splitlines():
        fields = line.split()
        if fields and fields[0] == name:
            return fields
    raise AssertionError(name)


def _tunables(sim, name):
    fields = _slabinfo_fields(sim, name)
    at = fields.index("tunables")
    return tuple(int(x) for x in fields[at + 1:at + 4])


def test_proc_write_slabinfo_and_cache_reap():
    import errno
    sim = allocsim.Simulator(None, overrides={**SMALL, "kernel.slab": "slab"})
    cache = sim.kmem_cache_create("tun", size=100)
    assert _tunables(sim, "tun") == (120, 60, 8)
    sim.proc_write("slabinfo", "tun 20 10 4")
    assert _tunables(sim, "tun") == (20, 10, 4)
    for bad in ("tun", "tun 1 2", "nosuch 10 5 0"):
        with pytest.raises(OSError) as e:
            sim.proc_write("slabinfo", bad)
        assert e.value.errno == errno.EINVAL
    with pytest.raises(ValueError, match="changes nothing"):
        sim.proc_write("slabinfo", "tun 0 0 0")
    assert _tunables(sim, "tun") == (20, 10, 4)
    # drain_array: a touched array is spared once, then gives back (limit + 4) / 5
    # (or half of the rest); /proc/slabinfo counts objects in the arrays as active.
    obj = sim.kmem_cache_alloc(cpu=0, cache=cache)  # a refill of batchcount 10
    sim.kmem_cache_free(cpu=0, cache=cache, addr=obj)
    active = []
    for _ in range(4):
        sim.cache_reap(cpu=0)
        active.append(int(_slabinfo_fields(sim, "tun")[1]))
    assert active == [10, 6, 2, 1]
    with pytest.raises(ValueError, match="SLAB has"):
        allocsim.Simulator(None, overrides=SMALL).cache_reap(cpu=0)


def test_limit_zero_has_no_per_cpu_arrays():
    sim = allocsim.Simulator(None, overrides={**SMALL, "kernel.slab": "slab",
                                              "kernel.slab_limit": 0})
    cache = sim.kmem_cache_create("bare", size=200)
    objs = [sim.kmem_cache_alloc(cpu=i % 2, cache=cache) for i in range(50)]
    assert int(_slabinfo_fields(sim, "bare")[1]) == 50  # nothing waits in an array
    for o in objs:
        assert sim.kmem_cache_free(cpu=0, cache=cache, addr=o)
    assert int(_slabinfo_fields(sim, "bare")[1]) == 0
    assert _tunables(sim, "bare") == (0, 0, 0)


def test_vfree_past_lazy_max_pages_purges_at_the_call_boundary():
    # 2 CPUs: lazy_max_pages() = fls(2) * 8192 = 16384. Each 16 MiB area
    # frees 4097 pages plus its 9-page vmalloc'ed pages[] (VM_VPAGES): the
    # fourth vfree passes the limit. 6.x queues drain_vmap_work on CPU 0, and
    # the op boundary after the call runs it: 6.8's /proc/vmallocinfo (which
    # lists lazy areas after the last busy one) then shows none.
    sim = allocsim.Simulator(None, overrides=SMALL)
    assert sim.vmalloc(cpu=0, size=4096)  # stays busy
    for i in range(4):
        area = sim.vmalloc(cpu=0, size=16 << 20)
        assert sim.vfree(cpu=0, addr=area)
        assert ("unpurged vm_area" in sim.proc("vmallocinfo")) == (i < 3)


def test_kfree_rcu_keeps_the_object_until_its_grace_period_ends():
    # 4 jiffies at HZ 250 on the default 2.5 GHz machine: 40,000,000 cycles.
    sim = allocsim.Simulator(None, overrides={**SMALL, "kernel.slab": "slub",
                                              "kernel.rcu_grace_period": "4 jiffies"})
    grace = 40_000_000
    p = sim.kmalloc(cpu=1, size=100)
    size = sim.ksize(p)
    sim.kfree_rcu(cpu=1, addr=p)
    assert sim.ksize(p) == size  # still allocated
    assert sim.kmalloc(cpu=1, size=100) != p  # its slot is not reused
    stats = sim.stats()
    assert (stats["rcu_callbacks_queued"], stats["rcu_callbacks_pending"]) == (1, 1)
    sim.advance(cpu=0, cycles=2 * grace)  # another CPU: its callbacks are not there
    sim.advance(cpu=1, cycles=grace // 2)
    assert sim.ksize(p) == size
    sim.advance(cpu=1, cycles=grace)  # on the queuing CPU, past the grace period
    assert sim.ksize(p) == 0
    stats = sim.stats()
    assert (stats["rcu_callbacks_completed"], stats["rcu_callbacks_pending"]) == (1, 0)
    assert sim.kmalloc(cpu=1, size=100) == p  # SLUB's freelist is LIFO
    with pytest.raises(allocsim.AllocatorError):
        sim.kfree_rcu(cpu=1, addr=p + 8)  # not an object: reported when queued
