// vmalloc in both generations: addresses (guard page, 2.6.32's skipped page),
// lazy freeing and purging, /proc/vmallocinfo, workload bugs, NUMA placement,
// and the TLB cost of reaching memory through vmalloc addresses.
#include "model/vmalloc.hpp"

#include <gtest/gtest.h>

#include "model/proc_vmallocinfo.hpp"
#include "model_machines.hpp"

namespace allocsim::model {
namespace {

constexpr VirtAddr S{0xffffc90000000000ull};  // VMALLOC_START, x86_64
constexpr std::uint64_t P = kPageSize;

// kmalloc stand-in: carves 64-byte aligned pieces from lowmem pages; free is a no-op.
class FakeMeta final : public MetaAlloc {
 public:
  FakeMeta(PageAllocator& pa, Highmem& hm) : pa_(pa), hm_(hm) {}
  VirtAddr alloc(sim::Cpu& cpu, std::uint64_t bytes, int) override {
    bytes = (bytes + 63) & ~63ull;
    if (bytes > kPageSize) return {};
    if (!cur_ || used_ + bytes > kPageSize) {
      const auto pfn = pa_.alloc_pages(cpu, parse_gfp(pa_.flavour(), "GFP_KERNEL"), 0);
      if (!pfn) return {};
      cur_ = hm_.page_address(*pfn);
      used_ = 0;
    }
    used_ += bytes;
    ++live;
    return cur_ + used_ - bytes;
  }
  void free(sim::Cpu&, VirtAddr) override { --live; }
  long live = 0;

 private:
  PageAllocator& pa_;
  Highmem& hm_;
  VirtAddr cur_;
  std::uint64_t used_ = 0;
};

struct Booted {
  sim::Machine machine;
  PageAllocator pa;
  Highmem hm;
  DiagnosticLog log;
  FakeMeta meta;
  Vmalloc vm;
  Booted(Flavour f, sim::MachineConfig c, VmallocConfig vc = {})
      : machine(c, 1),
        pa(machine, testing::kernel(f)),
        hm(pa),
        meta(pa, hm),
        vm(pa, hm, log, meta, vc) {}
  sim::Cpu& cpu(sim::CpuId i = 0) { return machine.cpu(i); }
};

sim::MachineConfig machine(std::uint32_t cpus = 2, unsigned nodes = 1, bool timing = false,
                           std::uint64_t mib = 128) {
  sim::MachineConfig c = testing::small_machine(nodes, mib, timing);
  c.cpus = cpus;
  c.cpu_node.clear();
  return c;
}

std::string flavour_name(const ::testing::TestParamInfo<Flavour>& info) {
  return info.param == Flavour::linux_2_6 ? "linux_2_6" : "linux_6";
}

TEST(VmallocRange, PerArchitecture) {
  for (Flavour f : {Flavour::linux_2_6, Flavour::linux_6}) {
    const VmallocRange r = vmalloc_range(f, sim::Arch::x86_64, VirtAddr{});
    EXPECT_EQ(r.start, sim::VirtAddr(0xffffc90000000000ull));
    EXPECT_EQ(r.end, sim::VirtAddr(0xffffe8ffffffffffull));
    EXPECT_EQ(r.end - r.start + 1, 32ull << 40);  // 32 TB
    const VmallocRange r32 = vmalloc_range(f, sim::Arch::i386, VirtAddr(0xf8000000ull));
    EXPECT_EQ(r32.start, sim::VirtAddr(0xf8800000ull));  // high_memory + 8 MiB
    EXPECT_EQ(r32.end, sim::VirtAddr(0xff7fe000ull));    // PKMAP_BASE - 2 pages
  }
}

TEST(VmallocAddresses, Linux26SkipsAPageAfterEachBusyArea) {
  Booted b(Flavour::linux_2_6, machine());
  sim::Cpu& cpu = b.cpu();
  EXPECT_EQ(b.vm.vmalloc(cpu, P), S);              // [S, S+2P): a page and its guard
  EXPECT_EQ(b.vm.vmalloc(cpu, P), S + 3 * P);      // one page skipped after the first
  EXPECT_EQ(b.vm.vmalloc(cpu, 3 * P), S + 6 * P);  // [S+6P, S+10P)
  EXPECT_EQ(b.vm.vmalloc(cpu, 1), S + 11 * P);     // sizes are page-aligned
  EXPECT_EQ(b.vm.stats().areas, 4u);
  EXPECT_EQ(b.vm.stats().pages, 6u);
  EXPECT_TRUE(b.vm.is_vmalloc_addr(S));
  EXPECT_FALSE(b.vm.is_vmalloc_addr(b.hm.page_offset()));
}

TEST(VmallocAddresses, Linux6PacksAreasBackToBack) {
  Booted b(Flavour::linux_6, machine());
  sim::Cpu& cpu = b.cpu();
  EXPECT_EQ(b.vm.vmalloc(cpu, P), S);
  EXPECT_EQ(b.vm.vmalloc(cpu, P), S + 2 * P);
  EXPECT_EQ(b.vm.vmalloc(cpu, 3 * P), S + 4 * P);
  EXPECT_EQ(b.vm.vmalloc(cpu, 1), S + 8 * P);
}

TEST(VmallocAddresses, Linux26ReusesOnlyAfterThePurge) {
  Booted b(Flavour::linux_2_6, machine());
  sim::Cpu& cpu = b.cpu();
  const VirtAddr a = b.vm.vmalloc(cpu, P);
  EXPECT_EQ(b.vm.vmalloc(cpu, P), S + 3 * P);
  EXPECT_TRUE(b.vm.vfree(cpu, a));
  EXPECT_EQ(b.vm.vmap_lazy_nr(), 2u);          // guard page included
  EXPECT_EQ(b.vm.vmalloc(cpu, P), S + 6 * P);  // the lazy area is still busy
  b.vm.vm_unmap_aliases(cpu);
  EXPECT_EQ(b.vm.vmap_lazy_nr(), 0u);
  EXPECT_EQ(b.vm.stats().tlb_flushes, 1u);
  EXPECT_EQ(b.vm.vmalloc(cpu, P), S);              // first fit from VMALLOC_START again
  EXPECT_EQ(b.vm.vmalloc(cpu, 5 * P), S + 9 * P);  // too big for the 1-page hole
}

TEST(VmallocAddresses, Linux6ReusesOnlyAfterThePurge) {
  Booted b(Flavour::linux_6, machine());
  sim::Cpu& cpu = b.cpu();
  const VirtAddr a = b.vm.vmalloc(cpu, P);
  EXPECT_EQ(b.vm.vmalloc(cpu, P), S + 2 * P);
  EXPECT_TRUE(b.vm.vfree(cpu, a));
  EXPECT_EQ(b.vm.vmalloc(cpu, P), S + 4 * P);  // lazily freed: not reusable yet
  b.vm.vm_unmap_aliases(cpu);
  EXPECT_EQ(b.vm.vmalloc(cpu, 2 * P), S + 6 * P);  // 3 pages do not fit the 2-page hole
  EXPECT_EQ(b.vm.vmalloc(cpu, P), S);              // the lowest free block that fits
}

// vmap_lazy_nr counts whole areas (guard page included); the purge runs when
// it exceeds fls(num_online_cpus()) * 8192 pages.
class VmallocLazy : public ::testing::TestWithParam<Flavour> {};

TEST_P(VmallocLazy, PurgeExactlyWhenLazyPagesExceedTheLimit) {
  for (const auto& [cpus, limit] : {std::pair{1u, 8192u}, {2u, 16384u}, {4u, 24576u}}) {
    Booted b(GetParam(), machine(cpus));
    sim::Cpu& cpu = b.cpu();
    const std::size_t queued = cpu.work().size();  // the page allocator's vmstat work
    ASSERT_EQ(b.vm.lazy_max_pages(), limit);
    const std::uint64_t area_pages = 512;  // 511 pages + guard; pages[] still kmalloc'ed
    const unsigned frees_before = limit / area_pages;
    for (unsigned i = 0; i < frees_before; ++i) {
      const VirtAddr v = b.vm.vmalloc(cpu, (area_pages - 1) * P);
      ASSERT_TRUE(v);
      ASSERT_TRUE(b.vm.vfree(cpu, v));
    }
    EXPECT_EQ(b.vm.vmap_lazy_nr(), limit);  // equal is not above: no purge yet
    EXPECT_EQ(b.vm.stats().purges, 0u);
    EXPECT_EQ(b.vm.lazy_areas().size(), frees_before);
    const VirtAddr v = b.vm.vmalloc(cpu, (area_pages - 1) * P);
    ASSERT_TRUE(b.vm.vfree(cpu, v));
    if (GetParam() != Flavour::linux_2_6) {
      // 6.x: vfree only queued drain_vmap_work on this CPU; it purges at the
      // CPU's next op boundary.
      EXPECT_EQ(b.vm.stats().purges, 0u);
      EXPECT_EQ(b.vm.vmap_lazy_nr(), limit + area_pages);
      EXPECT_EQ(cpu.work().size(), queued + 1);
      cpu.run_due_work();
      EXPECT_EQ(cpu.work().size(), queued);
    }
    EXPECT_EQ(b.vm.stats().purges, 1u);
    const bool v2 = GetParam() == Flavour::linux_2_6;
    EXPECT_EQ(b.machine.stats().total("vmalloc.purges_sync"), v2 ? 1u : 0u);
    EXPECT_EQ(b.machine.stats().total("vmalloc.purges_deferred"), v2 ? 0u : 1u);
    EXPECT_EQ(b.vm.stats().tlb_flushes, 1u);
    EXPECT_EQ(b.vm.vmap_lazy_nr(), 0u);
    EXPECT_TRUE(b.vm.lazy_areas().empty());
    EXPECT_EQ(b.vm.vmalloc(cpu, P), S);  // everything reusable again
    b.pa.check_invariants();
  }
}

TEST_P(VmallocLazy, AddressSpaceExhaustionPurgesOnceThenFails) {
  sim::MachineConfig c = testing::small_machine(1, 2048);
  c.arch = sim::Arch::i386;
  c.cpus = 4;  // lazy_max_pages() = 3 * 8192
  Booted b(GetParam(), c);
  sim::Cpu& cpu = b.cpu();
  EXPECT_EQ(b.vm.range().start, sim::VirtAddr(0xf8800000ull));  // 896 MiB of lowmem + 8 MiB
  const VirtAddr a = b.vm.vmalloc(cpu, 64 << 20);
  ASSERT_EQ(a, sim::VirtAddr(0xf8800000ull));
  ASSERT_TRUE(b.vm.vfree(cpu, a));  // lazy: 16385 + 17 (pages[]) < 24576, no purge
  EXPECT_EQ(b.vm.stats().purges, 0u);
  // 100 MiB does not fit beside the lazily freed 64 MiB: purge once, then it fits.
  const VirtAddr c2 = b.vm.vmalloc(cpu, 100 << 20);
  EXPECT_EQ(c2, sim::VirtAddr(0xf8800000ull));
  EXPECT_EQ(b.vm.stats().purges, 1u);
  // 200 MiB is beyond the whole ~112 MiB range: purge once more, then NULL.
  EXPECT_FALSE(b.vm.vmalloc(cpu, 200 << 20));
  EXPECT_EQ(b.vm.stats().purges, 2u);
  EXPECT_EQ(b.vm.stats().failures, 1u);
  ASSERT_EQ(b.log.count(DiagKind::alloc_failure), 1u);
  const std::string expect = std::string(
                                 "vmap allocation for size 209719296 failed: use "
                                 "vmalloc=<size> to increase size") +
                             (GetParam() == Flavour::linux_2_6 ? "." : "");
  EXPECT_EQ(b.log.entries().back().detail, expect);
  EXPECT_EQ(b.log.errors(), 0u);
}

INSTANTIATE_TEST_SUITE_P(Flavours, VmallocLazy,
                         ::testing::Values(Flavour::linux_2_6, Flavour::linux_6), flavour_name);

TEST(VmallocInfo, Linux6Lines) {
  Booted b(Flavour::linux_6, machine());
  sim::Cpu& cpu = b.cpu();
  const VirtAddr a = b.vm.vmalloc(cpu, P, "foo_init+0x10/0x20");
  const Pfn p0 = *b.pa.alloc_pages(cpu, parse_gfp(Flavour::linux_6, "GFP_KERNEL"), 0);
  const Pfn p1 = *b.pa.alloc_pages(cpu, parse_gfp(Flavour::linux_6, "GFP_KERNEL"), 0);
  const VirtAddr m = b.vm.vmap(cpu, {p0, p1});
  EXPECT_EQ(m, S + 2 * P);
  EXPECT_EQ(*b.vm.vmalloc_to_pfn(m + P + 5), p1);
  const VirtAddr big = b.vm.vmalloc(cpu, 1024 * P, "alloc_large_system_hash+0x127/0x246");
  EXPECT_EQ(big, S + 5 * P);
  EXPECT_EQ(proc_vmallocinfo(b.vm),
            "0xffffc90000000000-0xffffc90000002000    8192 foo_init+0x10/0x20 pages=1 vmalloc\n"
            "0xffffc90000002000-0xffffc90000005000   12288 vmap\n"
            "0xffffc90000005000-0xffffc90000406000 4198400 alloc_large_system_hash+0x127/0x246 "
            "pages=1024 vmalloc vpages\n"
            "0xffffc90000406000-0xffffc90000409000   12288 alloc_large_system_hash+0x127/0x246 "
            "pages=2 vmalloc\n");
  EXPECT_TRUE(b.vm.vfree(cpu, a));
  EXPECT_TRUE(b.vm.vunmap(cpu, m));  // adjacent lazy ranges merge in the purge tree
  EXPECT_EQ(proc_vmallocinfo(b.vm),
            "0xffffc90000005000-0xffffc90000406000 4198400 alloc_large_system_hash+0x127/0x246 "
            "pages=1024 vmalloc vpages\n"
            "0xffffc90000406000-0xffffc90000409000   12288 alloc_large_system_hash+0x127/0x246 "
            "pages=2 vmalloc\n"
            "0xffffc90000000000-0xffffc90000005000   20480 unpurged vm_area\n");
  EXPECT_TRUE(b.vm.vfree(cpu, big));  // frees its vmalloc'ed pages[] too
  EXPECT_EQ(b.vm.stats().areas, 0u);
  EXPECT_EQ(proc_vmallocinfo(b.vm), "");
  EXPECT_EQ(b.vm.vmap_lazy_nr(), 5u + 1025 + 3);
}

TEST(VmallocInfo, Linux26LinesAndI386Width) {
  Booted b(Flavour::linux_2_6, machine());
  sim::Cpu& cpu = b.cpu();
  b.vm.vmalloc(cpu, 2 * P, "bar+0x1/0x2");
  const VirtAddr x = b.vm.vmalloc(cpu, P);
  b.vm.vmalloc(cpu, 1024 * P);
  EXPECT_TRUE(b.vm.vfree(cpu, x));  // 2.6.32 walks vmlist: lazy areas are not shown
  EXPECT_EQ(proc_vmallocinfo(b.vm),
            "0xffffc90000000000-0xffffc90000003000   12288 bar+0x1/0x2 pages=2 vmalloc\n"
            "0xffffc90000007000-0xffffc90000408000 4198400 pages=1024 vmalloc vpages\n"
            "0xffffc90000409000-0xffffc9000040c000   12288 pages=2 vmalloc\n");

  sim::MachineConfig c = testing::small_machine(1, 2048);
  c.arch = sim::Arch::i386;
  Booted b32(Flavour::linux_2_6, c);
  b32.vm.vmalloc(b32.cpu(), P);
  EXPECT_EQ(proc_vmallocinfo(b32.vm), "0xf8800000-0xf8802000    8192 pages=1 vmalloc\n");
  // i386: vmalloc pages come from HIGHMEM first, and are still reachable.
  const Pfn pfn = *b32.vm.vmalloc_to_pfn(VirtAddr(0xf8800000ull));
  EXPECT_TRUE(b32.pa.is_highmem(pfn));
  EXPECT_GT(b32.vm.access(b32.cpu(), VirtAddr(0xf8800000ull) + 8, 8, true), 0u);
}

TEST(VmallocNuma, PagesOnTheRequestedNode) {
  sim::MachineConfig c = testing::small_machine(2, 64);  // 2 CPUs per node
  Booted b(Flavour::linux_6, c);
  sim::Cpu& cpu = b.cpu(0);
  ASSERT_EQ(cpu.node(), 0u);
  const VirtAddr v = b.vm.vmalloc_node(cpu, 16 * P, 1, "drv+0x0/0x10");
  ASSERT_TRUE(v);
  for (unsigned i = 0; i < 16; ++i) EXPECT_EQ(b.vm.page_node(*b.vm.vmalloc_to_pfn(v + i * P)), 1u);
  b.vm.vmalloc(cpu, 3 * P);                // NUMA_NO_NODE: the CPU's node
  b.vm.vmalloc_node(b.cpu(2), 2 * P, -1);  // a node-1 CPU
  EXPECT_EQ(proc_vmallocinfo(b.vm),
            "0xffffc90000000000-0xffffc90000011000   69632 drv+0x0/0x10 pages=16 vmalloc N1=16\n"
            "0xffffc90000011000-0xffffc90000015000   16384 pages=3 vmalloc N0=3\n"
            "0xffffc90000015000-0xffffc90000018000   12288 pages=2 vmalloc N1=2\n");
  // Without CONFIG_NUMA output on a one-node machine nothing is added; forced on, N0.
  Booted one(Flavour::linux_2_6, machine(), VmallocConfig{{}, true});
  one.vm.vmalloc(one.cpu(), P);
  EXPECT_EQ(proc_vmallocinfo(one.vm),
            "0xffffc90000000000-0xffffc90000002000    8192 pages=1 vmalloc N0=1\n");
}

class VmallocBugs : public ::testing::TestWithParam<Flavour> {};

TEST_P(VmallocBugs, BadFreesAreRecordedNotApplied) {
  Booted b(GetParam(), machine());
  sim::Cpu& cpu = b.cpu();
  const VirtAddr v = b.vm.vmalloc(cpu, 4 * P);
  const VirtAddr lin = b.hm.page_address(
      *b.pa.alloc_pages(cpu, parse_gfp(GetParam(), "GFP_KERNEL"), 0));  // e.g. a kmalloc address
  EXPECT_TRUE(b.vm.vfree(cpu, VirtAddr{}));                             // vfree(NULL) is fine
  EXPECT_FALSE(b.vm.vfree(cpu, lin));
  EXPECT_EQ(b.log.count(DiagKind::vfree_kmalloc), 1u);
  EXPECT_FALSE(b.vm.vfree(cpu, v + P));             // inside an area, not its start
  EXPECT_FALSE(b.vm.vfree(cpu, v + 8));             // not even page aligned
  EXPECT_FALSE(b.vm.vfree(cpu, S + (1ull << 30)));  // never allocated
  EXPECT_EQ(b.log.count(DiagKind::invalid_free), 3u);
  EXPECT_EQ(b.vm.stats().areas, 1u);
  EXPECT_TRUE(b.vm.vfree(cpu, v));
  EXPECT_FALSE(b.vm.vfree(cpu, v));  // twice
  EXPECT_FALSE(b.vm.vunmap(cpu, v));
  EXPECT_EQ(b.log.count(DiagKind::double_free), 2u);
  EXPECT_EQ(b.log.entries().back().detail,
            "Trying to vunmap() nonexistent vm area (" + std::string("ffffc90000000000") + ")");
  EXPECT_EQ(b.vm.stats().vfrees, 1u);
  EXPECT_EQ(b.vm.access(cpu, v, 8, false), 0u);  // freed: not mapped any more
  EXPECT_EQ(b.vm.stats().bad_accesses, 1u);
  b.pa.check_invariants();
  // Stopping at the first error throws instead.
  b.log.set_stop_on_error(true);
  EXPECT_THROW(b.vm.vfree(cpu, v), ModelError);
}

TEST_P(VmallocBugs, PagesAndMetadataComeBack) {
  Booted b(GetParam(), machine());
  sim::Cpu& cpu = b.cpu();
  const VirtAddr v = b.vm.vzalloc(cpu, 600 * P);  // pages[] vmalloc'ed (4800 bytes)
  ASSERT_TRUE(v);
  EXPECT_EQ(b.vm.areas().size(), 2u);
  EXPECT_EQ(b.vm.stats().pages, 602u);
  const std::uint64_t free_before = b.pa.events().pgfree;
  EXPECT_TRUE(b.vm.vfree(cpu, v));
  EXPECT_EQ(b.pa.events().pgfree - free_before, 602u);
  EXPECT_EQ(b.vm.stats().pages, 0u);
  b.vm.vm_unmap_aliases(cpu);
  EXPECT_EQ(b.meta.live, 2);  // only vmalloc's lock word and first tree node remain
  EXPECT_GT(b.vm.page_tables().table_pages(), 0u);  // page tables are never freed
  b.pa.check_invariants();
}

INSTANTIATE_TEST_SUITE_P(Flavours, VmallocBugs,
                         ::testing::Values(Flavour::linux_2_6, Flavour::linux_6), flavour_name);

// The same physical pages read through vmalloc addresses (4 KiB TLB entries)
// and through the linear map (2 MiB entries): beyond the STLB's 6 MiB reach
// every vmalloc access walks the page tables.
TEST(VmallocTiming, SlowerThanTheLinearMapBeyondTlbReach) {
  for (Flavour f : {Flavour::linux_2_6, Flavour::linux_6}) {
    Booted b(f, machine(2, 1, /*timing=*/true));
    sim::Cpu& cpu = b.cpu();
    const std::uint64_t pages = 2048;  // 8 MiB > 1536 * 4 KiB
    const VirtAddr v = b.vm.vmalloc(cpu, pages * P);
    ASSERT_TRUE(v);
    KernelAccess linear(b.vm.page_tables());
    std::vector<VirtAddr> lin;
    for (std::uint64_t i = 0; i < pages; ++i)
      lin.push_back(b.hm.page_address(*b.vm.vmalloc_to_pfn(v + i * P)));
    auto sweep = [&](bool via_vmalloc) {
      sim::Cycles t = 0;
      for (int rep = 0; rep < 3; ++rep)
        for (std::uint64_t i = 0; i < pages; ++i)
          t += via_vmalloc ? b.vm.access(cpu, v + i * P + 128, 64, false)
                           : linear.access(cpu, lin[i] + 128, 64, false);
      return t;
    };
    sweep(true);
    sweep(false);  // warm both
    const std::uint64_t walks0 = b.vm.page_tables().walks();
    const sim::Cycles tv = sweep(true);
    const std::uint64_t vm_walks = b.vm.page_tables().walks() - walks0;
    const sim::Cycles tl = sweep(false);
    const std::uint64_t lin_walks = b.vm.page_tables().walks() - walks0 - vm_walks;
    EXPECT_EQ(vm_walks, 3 * pages);  // LRU over 2048 pages: every access misses
    EXPECT_EQ(lin_walks, 0u);        // 4 large pages stay in the L1 DTLB
    EXPECT_GT(tv, tl + 3 * pages *
                           (b.vm.page_tables().tlb().config().stlb_hit +
                            b.vm.page_tables().tlb().config().walk_overhead));
  }
}

TEST(VmallocTiming, PurgeChargesTheFlushPerCpu) {
  for (Flavour f : {Flavour::linux_2_6, Flavour::linux_6}) {
    Booted b(f, machine(4, 1, true));
    sim::Cpu& cpu = b.cpu();
    const VirtAddr v = b.vm.vmalloc(cpu, P);
    b.vm.access(b.cpu(1), v, 8, false);  // CPU 1 caches the translation
    ASSERT_TRUE(b.vm.vfree(cpu, v));
    const sim::Cycles t0 = cpu.now();
    b.vm.vm_unmap_aliases(cpu);
    const TlbConfig& tc = b.vm.page_tables().tlb().config();
    // 2.6.32 flushes everything; 6.8 invalidates the 2 pages one by one.
    const sim::Cycles local = f == Flavour::linux_2_6 ? tc.flush_local : 2 * tc.invlpg;
    EXPECT_GE(cpu.now() - t0, local + 3 * tc.flush_per_cpu);
    EXPECT_EQ(b.vm.page_tables().tlb().counters(1).flushes, 1u);
    EXPECT_EQ(b.vm.page_tables().tlb().lookup(1, v, false), TlbHit::miss);
  }
}

// Several CPUs vmalloc and vfree at once with timing on, so they queue for
// vmap_area_lock. A CPU that waits for the lock inside vfree must not act on
// what it looked up before: another CPU changes the busy list meanwhile.
// (Regression: remove_area erased by a stale index, so a live area vanished
// and its own vfree later reported a double free.)
TEST(VmallocConcurrency, FreesWhileOthersAllocateLoseNothing) {
  for (Flavour f : {Flavour::linux_2_6, Flavour::linux_6}) {
    Booted b(f, machine(4, 1, true, 256));
    for (sim::CpuId c = 0; c < 4; ++c)
      b.machine.spawn(c, [&](sim::Cpu& cpu) {
        VirtAddr prev{};
        for (int i = 0; i < 300; ++i) {
          const VirtAddr a = b.vm.vmalloc(cpu, (1 + i % 4) * P);
          ASSERT_TRUE(a);
          if (prev) {
            EXPECT_TRUE(b.vm.vfree(cpu, prev));
          }
          prev = a;
          cpu.sync();
        }
        EXPECT_TRUE(b.vm.vfree(cpu, prev));
      });
    b.machine.run();
    EXPECT_EQ(b.log.errors(), 0u);
    EXPECT_TRUE(b.vm.areas().empty());
    EXPECT_EQ(b.vm.stats().vfrees, 4u * 300u);
  }
}

}  // namespace
}  // namespace allocsim::model
