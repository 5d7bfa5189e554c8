// The per-CPU TLB model: set-associative L1 DTLBs per page size, the shared
// STLB, LRU, flushes; and the page walk the kernel page tables charge.
#include "model/tlb.hpp"

#include <gtest/gtest.h>

#include "model/kernel_pagetable.hpp"
#include "model_machines.hpp"

namespace allocsim::model {
namespace {

constexpr std::uint64_t P = 4096;
// The TLB is tested with plain numbers as virtual addresses.
constexpr sim::VirtAddr va(std::uint64_t v) {
  return sim::VirtAddr(v);
}

TEST(Tlb, SkylakeDefaults) {
  const TlbConfig c;
  EXPECT_EQ(c.l1_4k.entries, 64u);
  EXPECT_EQ(c.l1_4k.ways, 4u);
  EXPECT_EQ(c.l1_huge.entries, 32u);
  EXPECT_EQ(c.l1_huge.ways, 4u);
  EXPECT_EQ(c.stlb.entries, 1536u);
  EXPECT_EQ(c.stlb.ways, 12u);
  EXPECT_THROW(Tlb(TlbConfig{{63, 4}, {32, 4}, {1536, 12}}, 1), std::invalid_argument);
}

TEST(Tlb, HitsMissesAndPageSizes) {
  Tlb t(TlbConfig{}, 2);
  const std::uint64_t v = 0xffffc90000000000ull;
  EXPECT_EQ(t.lookup(0, va(v), false), TlbHit::miss);
  t.fill(0, va(v), false);
  EXPECT_EQ(t.lookup(0, va(v + 100), false), TlbHit::l1);  // same 4 KiB page
  EXPECT_EQ(t.lookup(0, va(v + P), false), TlbHit::miss);  // next page
  EXPECT_EQ(t.lookup(0, va(v), true), TlbHit::miss);       // large entries are separate
  EXPECT_EQ(t.lookup(1, va(v), false), TlbHit::miss);      // per CPU
  t.fill(0, va(0xffff888000000000ull), true);
  EXPECT_EQ(t.lookup(0, va(0xffff888000000000ull + (2 << 20) - 1), true), TlbHit::l1);
  EXPECT_EQ(t.counters(0).l1_hits, 2u);
  EXPECT_EQ(t.total().misses, 4u);
}

TEST(Tlb, FourWayL1EvictsLruIntoTheStlb) {
  Tlb t(TlbConfig{}, 1);
  // 16 sets in the 4K L1: pages 16 apart share a set; in the 128-set STLB they do not.
  for (std::uint64_t i = 0; i < 5; ++i) t.fill(0, va(i * 16 * P), false);
  EXPECT_EQ(t.lookup(0, va(0), false), TlbHit::stlb);  // page 0 was the LRU way: evicted
  EXPECT_EQ(t.lookup(0, va(0), false), TlbHit::l1);    // refilled from the STLB
  EXPECT_EQ(t.lookup(0, va(4 * 16 * P), false), TlbHit::l1);
  // Reach: 1536 distinct pages fit in the STLB, 1537 in a cyclic sweep do not.
  Tlb s(TlbConfig{}, 1);
  for (std::uint64_t i = 0; i < 1536; ++i) s.fill(0, va(i * P), false);
  std::uint64_t misses = 0;
  for (std::uint64_t i = 0; i < 1536; ++i) misses += s.lookup(0, va(i * P), false) == TlbHit::miss;
  EXPECT_EQ(misses, 0u);
}

TEST(Tlb, FlushRangeAndFlushAll) {
  Tlb t(TlbConfig{}, 1);
  for (std::uint64_t i = 0; i < 8; ++i) t.fill(0, va(i * P), false);
  t.fill(0, va(64ull << 20), true);
  t.flush_range(0, va(2 * P), va(4 * P));
  EXPECT_EQ(t.lookup(0, va(1 * P), false), TlbHit::l1);
  EXPECT_EQ(t.lookup(0, va(2 * P), false), TlbHit::miss);
  EXPECT_EQ(t.lookup(0, va(3 * P), false), TlbHit::miss);
  EXPECT_EQ(t.lookup(0, va(4 * P), false), TlbHit::l1);
  t.flush_range(0, va((64ull << 20) + P), va((64ull << 20) + 2 * P));  // overlaps the 2 MiB page
  EXPECT_EQ(t.lookup(0, va(64ull << 20), true), TlbHit::miss);
  t.flush_all(0);
  EXPECT_EQ(t.lookup(0, va(1 * P), false), TlbHit::miss);
  EXPECT_EQ(t.counters(0).flushes, 3u);
}

TEST(TlbWalk, MissReadsEveryLevelThenHitsAreFree) {
  for (sim::Arch arch : {sim::Arch::x86_64, sim::Arch::i386}) {
    sim::MachineConfig c = testing::small_machine(1, 64, /*timing=*/true);
    c.arch = arch;
    sim::Machine m(c, 1);
    PageAllocator pa(m, testing::kernel(Flavour::linux_6));
    Highmem hm(pa);
    KernelPageTables pt(pa, hm);
    sim::Cpu& cpu = m.cpu(0);
    const VirtAddr v(arch == sim::Arch::x86_64 ? 0xffffc90000000000ull : 0xf8800000ull);
    ASSERT_NE(pt.populate_pte(cpu, v), KernelPageTables::kNoTable);
    EXPECT_EQ(pt.pte_addr(v + P) - pt.pte_addr(v), pt.entry_bytes());
    EXPECT_EQ(pt.entry_bytes(), arch == sim::Arch::x86_64 ? 8u : 4u);
    // x86_64: PGD, the linear map's PUD and PMD (64 MiB: one GiB), the vmalloc
    // PUD, PMD and PTE pages; i386: PGD and one PTE page.
    EXPECT_EQ(pt.table_pages(), arch == sim::Arch::x86_64 ? 6u : 2u);
    sim::Cycles t0 = cpu.now();
    pt.translate(cpu, v, false);
    const sim::Cycles miss = cpu.now() - t0;
    // The STLB probe, the walker's own work and one load per level (the
    // tables were just written, so these hit at least in L1).
    const TlbConfig& tc = pt.tlb().config();
    EXPECT_GE(miss,
              tc.stlb_hit + tc.walk_overhead + (arch == sim::Arch::x86_64 ? 4 : 2) * c.l1d.latency);
    t0 = cpu.now();
    pt.translate(cpu, v, false);
    EXPECT_EQ(cpu.now() - t0, 0u);
    EXPECT_EQ(pt.walks(), 1u);
    KernelAccess lin(pt);
    const VirtAddr l = hm.page_offset() + (8ull << 20);
    EXPECT_GT(lin.access(cpu, l, 64, false), 0u);
    EXPECT_EQ(pt.walks(), 2u);
    lin.access(cpu, l + (1 << 20), 64, false);  // same large page
    EXPECT_EQ(pt.walks(), 2u);
  }
}

}  // namespace
}  // namespace allocsim::model
