// i386 HIGHMEM: zones above 896 MiB, who may allocate there, kmap's pool and
// its waiting, kmap_atomic's slots.
#include "model/highmem.hpp"

#include <gtest/gtest.h>

#include "model_machines.hpp"

namespace allocsim::model {
namespace {

sim::MachineConfig i386_machine(std::uint32_t cpus = 2) {
  sim::MachineConfig c = testing::small_machine(1, 2048);
  c.arch = sim::Arch::i386;
  c.cpus = cpus;
  return c;
}

struct Booted32 {
  sim::Machine machine;
  PageAllocator pa;
  Highmem hm;
  explicit Booted32(Flavour f, std::uint32_t cpus = 2)
      : machine(i386_machine(cpus), 1), pa(machine, testing::kernel(f)), hm(pa) {}
  Gfp gfp(const char* s) const { return parse_gfp(pa.flavour(), s); }
};

class I386 : public ::testing::TestWithParam<Flavour> {};

TEST_P(I386, ZonesAndWhoGetsHighmem) {
  Booted32 b(GetParam());
  ASSERT_EQ(b.pa.zones().size(), 3u);
  EXPECT_EQ(b.pa.zones()[1].type, ZoneType::normal);
  EXPECT_EQ(b.pa.zones()[1].zone_start_pfn + b.pa.zones()[1].spanned_pages, Pfn(kLowmemEndPfn));
  EXPECT_EQ(b.pa.zones()[2].type, ZoneType::highmem);
  EXPECT_EQ(b.pa.zones()[2].zone_start_pfn, Pfn(kLowmemEndPfn));
  // Boot data (mem_map, per-CPU areas) stays in lowmem.
  EXPECT_EQ(b.pa.zones()[2].managed_pages, b.pa.zones()[2].present_pages);
  sim::Cpu& cpu = b.machine.cpu(0);
  for (int i = 0; i < 200; ++i) {
    EXPECT_LT(*b.pa.alloc_pages(cpu, b.gfp("GFP_KERNEL"), 0), Pfn(kLowmemEndPfn));
    EXPECT_GE(*b.pa.alloc_pages(cpu, b.gfp("GFP_HIGHUSER"), 0),
              Pfn(kLowmemEndPfn));  // HighMem first
  }
  b.pa.check_invariants();
}

TEST_P(I386, HighmemPagesHaveNoAddressUntilMapped) {
  Booted32 b(GetParam());
  sim::Cpu& cpu = b.machine.cpu(0);
  const Pfn low = *b.pa.alloc_pages(cpu, b.gfp("GFP_KERNEL"), 0);
  const Pfn high = *b.pa.alloc_pages(cpu, b.gfp("GFP_HIGHUSER"), 0);
  EXPECT_EQ(b.hm.page_address(low), VirtAddr(0xC0000000u + (low.value() << 12)));
  EXPECT_FALSE(b.hm.page_address(high));
  EXPECT_EQ(*b.hm.virt_to_page(b.hm.page_address(low) + 123), low);
  const VirtAddr v = b.hm.kmap(cpu, high);
  EXPECT_GE(v, VirtAddr(0xff800000u));
  EXPECT_EQ(b.hm.page_address(high), v);
  EXPECT_EQ(*b.hm.virt_to_page(v), high);
  EXPECT_EQ(b.hm.virt_to_phys(v + 8).value(), (high.value() << 12) + 8);
  EXPECT_EQ(b.hm.kmap(cpu, high), v);  // a second user shares the entry
  b.hm.kunmap(cpu, high);
  b.hm.kunmap(cpu, high);
  b.hm.kunmap(cpu, high);  // one too many: recorded, not applied
  EXPECT_EQ(b.hm.misuse().size(), 1u);
  EXPECT_EQ(b.hm.kmap(cpu, low), b.hm.page_address(low));  // lowmem: no mapping needed
}

TEST_P(I386, KmapWaitsForAFreeEntryAndKmapAtomicNever) {
  Booted32 b(GetParam());
  std::vector<Pfn> pages;
  for (unsigned i = 0; i <= b.hm.last_pkmap(); ++i)
    pages.push_back(*b.pa.alloc_pages(b.machine.cpu(0), b.gfp("GFP_HIGHUSER"), 0));
  sim::Cycles second_mapped_at = 0, freed_at = 0;
  b.machine.spawn(0, [&](sim::Cpu& cpu) {
    for (unsigned i = 0; i < b.hm.last_pkmap(); ++i) b.hm.kmap(cpu, pages[i]);  // the whole pool
    cpu.sleep_until(1000000);
    freed_at = cpu.now();
    b.hm.kunmap(cpu, pages[0]);
  });
  b.machine.spawn(1, [&](sim::Cpu& cpu) {
    cpu.sleep_until(500000);
    // Never sleeps, whatever the pool's state.
    const VirtAddr a = b.hm.kmap_atomic(cpu, pages.back());
    EXPECT_TRUE(a);
    b.hm.kunmap_atomic(cpu, a);
    EXPECT_LT(cpu.now(), 600000u);
    b.hm.kmap(cpu, pages.back());  // the pool is full: waits for CPU 0's kunmap
    second_mapped_at = cpu.now();
  });
  b.machine.run();
  EXPECT_EQ(b.hm.kmap_waits(), 1u);
  EXPECT_GE(second_mapped_at, freed_at);
  EXPECT_GE(b.hm.pkmap_flushes(), 1u);  // wrapping around flushes the unused entries
}

TEST_P(I386, KmapAtomicSlotsAreAStack) {
  Booted32 b(GetParam());
  sim::Cpu& cpu = b.machine.cpu(0);
  const Pfn p = *b.pa.alloc_pages(cpu, b.gfp("GFP_HIGHUSER"), 0);
  const VirtAddr a = b.hm.kmap_atomic(cpu, p);
  const VirtAddr c = b.hm.kmap_atomic(cpu, p);
  EXPECT_NE(a, c);
  b.hm.kunmap_atomic(cpu, a);  // out of order: recorded
  EXPECT_EQ(b.hm.misuse().size(), 1u);
  b.hm.kunmap_atomic(cpu, c);
  b.hm.kunmap_atomic(cpu, a);
  EXPECT_EQ(b.hm.misuse().size(), 1u);
  for (unsigned i = 0; i < b.hm.kmap_atomic_slots(); ++i) b.hm.kmap_atomic(cpu, p);
  EXPECT_FALSE(b.hm.kmap_atomic(cpu, p));  // out of slots
  EXPECT_EQ(b.hm.misuse().size(), 2u);
}

INSTANTIATE_TEST_SUITE_P(Flavours, I386, ::testing::Values(Flavour::linux_2_6, Flavour::linux_6),
                         [](const auto& info) {
                           return info.param == Flavour::linux_2_6 ? "linux_2_6" : "linux_6";
                         });

}  // namespace
}  // namespace allocsim::model

#include "model/page_api.hpp"
#include "model/proc_page.hpp"

namespace allocsim::model {
namespace {

TEST(PageApi, AddressBasedCallsOnBothArchitectures) {
  for (sim::Arch arch : {sim::Arch::x86_64, sim::Arch::i386}) {
    sim::MachineConfig c =
        testing::small_machine(1, arch == sim::Arch::i386 ? 2048 : 64, /*timing=*/true);
    c.arch = arch;
    sim::Machine m(c, 1);
    PageAllocator pa(m, testing::kernel(Flavour::linux_6));
    Highmem hm(pa);
    PageApi api(pa, hm);
    sim::Cpu& cpu = m.cpu(0);
    const VirtAddr base(arch == sim::Arch::i386 ? 0xC0000000ull : 0xffff888000000000ull);
    const VirtAddr v = api.get_free_pages(cpu, parse_gfp(Flavour::linux_6, "GFP_KERNEL"), 2);
    ASSERT_TRUE(v);
    EXPECT_EQ((v - base) % (4096 * 4), 0u);  // an order-2 block is 16 KiB aligned
    const Pfn pfn = *hm.virt_to_page(v);
    EXPECT_EQ(api.pfn_to_page(pfn), pa.page_desc(pfn));
    EXPECT_TRUE(api.free_pages(cpu, v, 2));
    EXPECT_FALSE(api.free_pages(cpu, v, 2));          // double free, reported
    EXPECT_TRUE(api.free_pages(cpu, VirtAddr{}, 0));  // free_pages(0): nothing
    // get_zeroed_page writes the whole page: 64 lines cost at least 64 L1 writes.
    const sim::Cycles t0 = cpu.now();
    ASSERT_TRUE(api.get_zeroed_page(cpu, parse_gfp(Flavour::linux_6, "GFP_KERNEL")));
    EXPECT_GT(cpu.now() - t0, 64u * 4);
    // 6.8 masks __GFP_HIGHMEM off: the page comes from lowmem.
    const VirtAddr h = api.get_free_pages(cpu, parse_gfp(Flavour::linux_6, "GFP_HIGHUSER"), 0);
    ASSERT_TRUE(h);
    EXPECT_FALSE(pa.is_highmem(*hm.virt_to_page(h)));
    EXPECT_EQ(api.highmem_misuse(), 0u);
    // PGFREE counts pages (1 << order): the order-2 block is 4.
    EXPECT_NE(proc_vmstat(pa).find("pgfree 4\n"), std::string::npos);
  }
  // 2.6.32 treats __GFP_HIGHMEM in __get_free_pages as a bug.
  sim::Machine m(testing::small_machine(1, 64), 1);
  PageAllocator pa(m, testing::kernel(Flavour::linux_2_6));
  Highmem hm(pa);
  PageApi api(pa, hm);
  EXPECT_FALSE(api.get_free_pages(m.cpu(0), parse_gfp(Flavour::linux_2_6, "GFP_HIGHUSER"), 0));
  EXPECT_EQ(api.highmem_misuse(), 1u);
}

}  // namespace
}  // namespace allocsim::model
