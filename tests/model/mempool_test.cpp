// mempool: the reserve when the page allocator is exhausted, NULL for atomic
// requests once the reserve is empty too, and a sleeping request that waits
// in simulated time until an element is freed.
#include <gtest/gtest.h>

#include "model/mempool.hpp"
#include "object_alloc_fixture.hpp"

namespace allocsim::model {
namespace {

using testing::Booted;

// Takes every free page (pcp lists included) so the allocator has nothing left.
std::vector<Pfn> exhaust(Booted& b) {
  std::vector<Pfn> taken;
  const Gfp g = b.gfp("GFP_ATOMIC|__GFP_NOWARN");  // may dig into the reserves too
  for (unsigned cpu = 0; cpu < b.machine.cpus(); ++cpu)
    while (auto p = b.pa.alloc_pages(b.cpu(cpu), g, 0)) taken.push_back(*p);
  return taken;
}

class Pool : public ::testing::TestWithParam<Flavour> {};

TEST_P(Pool, ReserveServesWhenTheAllocatorIsExhaustedThenAtomicGetsNull) {
  Booted b(GetParam(), "slub", 1, 16);
  sim::Cpu& cpu = b.cpu();
  auto pool = Mempool::create(cpu, *b.oa, 4, Mempool::Backend::pages, nullptr, 0, 0);
  ASSERT_TRUE(pool);
  EXPECT_EQ(pool->curr_nr(), 4u);
  const std::vector<Pfn> taken = exhaust(b);
  ASSERT_FALSE(taken.empty());
  const Gfp atomic = b.gfp("GFP_ATOMIC");
  std::vector<sim::VirtAddr> got;
  for (int i = 0; i < 4; ++i) {
    got.push_back(pool->alloc(cpu, atomic));
    EXPECT_TRUE(got.back()) << i;
  }
  EXPECT_EQ(pool->stats().from_reserve, 4u);
  EXPECT_EQ(pool->curr_nr(), 0u);
  EXPECT_FALSE(pool->alloc(cpu, atomic));  // reserve empty, may not sleep
  EXPECT_EQ(pool->stats().null_returns, 1u);
  // The reserve is LIFO and is refilled first on free.
  pool->free(cpu, got[3]);
  EXPECT_EQ(pool->curr_nr(), 1u);
  EXPECT_EQ(pool->alloc(cpu, atomic), got[3]);
  for (sim::VirtAddr e : got) pool->free(cpu, e);
  EXPECT_EQ(pool->curr_nr(), 4u);
  for (Pfn p : taken) b.pa.free_pages(cpu, p, 0);
  // Full again: frees go back to the allocator.
  const sim::VirtAddr extra = pool->alloc(cpu, b.gfp("GFP_KERNEL"));
  ASSERT_TRUE(extra);
  EXPECT_EQ(pool->stats().from_allocator, 1u);
  pool->free(cpu, extra);
  EXPECT_EQ(pool->stats().to_allocator, 1u);
  EXPECT_TRUE(pool->resize(cpu, 8));
  EXPECT_EQ(pool->curr_nr(), 8u);
  EXPECT_TRUE(pool->resize(cpu, 2));
  EXPECT_EQ(pool->curr_nr(), 2u);
  pool->destroy(cpu);
  b.pa.check_invariants();
}

TEST_P(Pool, SleepingRequestWaitsUntilAnElementIsFreed) {
  Booted b(GetParam(), "slub", 1, 16);
  KmemCache* c = b.oa->kmem_cache_create(b.cpu(), "bio", 200, 0, 0, false);
  auto pool = Mempool::create(b.cpu(), *b.oa, 2, Mempool::Backend::slab, c, 0, 0);
  ASSERT_TRUE(pool);
  const std::vector<Pfn> taken = exhaust(b);
  // Everything the pool's cache still has on its CPU slab is used up too.
  std::vector<sim::VirtAddr> cached;
  for (unsigned cpu = 0; cpu < b.machine.cpus(); ++cpu)
    while (sim::VirtAddr o =
               b.oa->kmem_cache_alloc(b.cpu(cpu), *c, b.gfp("GFP_ATOMIC|__GFP_NOWARN")))
      cached.push_back(o);
  const Gfp kernel = b.gfp("GFP_KERNEL");
  sim::VirtAddr e1, e2, e3;
  sim::Cycles freed_at = 0, third_at = 0;
  b.machine.spawn(0, [&](sim::Cpu& cpu) {
    e1 = pool->alloc(cpu, kernel);
    e2 = pool->alloc(cpu, kernel);
    e3 = pool->alloc(cpu, kernel);  // nothing left: sleeps
    third_at = cpu.now();
  });
  b.machine.spawn(1, [&](sim::Cpu& cpu) {
    cpu.sleep_until(2'000'000);
    freed_at = cpu.now();
    pool->free(cpu, e1);
  });
  b.machine.run();
  EXPECT_TRUE(e2);
  EXPECT_EQ(e3, e1);  // the element handed back
  EXPECT_GE(third_at, freed_at);
  EXPECT_GE(freed_at, 2'000'000u);
  EXPECT_EQ(pool->stats().waits, 1u);
  EXPECT_EQ(b.diag.errors(), 0u);
}

INSTANTIATE_TEST_SUITE_P(Flavours, Pool, ::testing::Values(Flavour::linux_2_6, Flavour::linux_6),
                         [](const auto& info) {
                           return info.param == Flavour::linux_6 ? "linux6" : "linux26";
                         });

}  // namespace
}  // namespace allocsim::model
