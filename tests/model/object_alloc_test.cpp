// The object allocators through their common interface: kmalloc classes,
// bad frees reported without damage, and a randomized stress with invariant
// checks, for each flavour and every registered design (model/slab_design.cpp).
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <tuple>

#include "object_alloc_fixture.hpp"
#include "sim/rng.hpp"

namespace allocsim::model {
namespace {

using testing::Booted;

using Combo = std::tuple<Flavour, std::string_view>;
class EveryAllocator : public ::testing::TestWithParam<Combo> {
 protected:
  Flavour flavour() const { return std::get<0>(GetParam()); }
  std::string_view kind() const { return std::get<1>(GetParam()); }
  const SlabDesignTraits& design() const { return slab_design(kind()).traits; }
};

TEST_P(EveryAllocator, KmallocServesEverySizeWithinItsClass) {
  Booted b(flavour(), kind());
  sim::Cpu& cpu = b.cpu();
  const Gfp k = b.gfp("GFP_KERNEL");
  const KmallocSizes& sizes = b.oa->kmalloc_sizes();
  std::set<sim::VirtAddr> seen;
  std::vector<sim::VirtAddr> held;
  for (std::uint64_t size = 1; size <= 9000; size += (size < 300 ? 1 : 37)) {
    const sim::VirtAddr p = b.oa->kmalloc(cpu, size, k);
    ASSERT_TRUE(p) << size;
    EXPECT_TRUE(seen.insert(p).second) << "address handed out twice at size " << size;
    EXPECT_GE(b.oa->ksize(p), size) << size;
    if (design().kmalloc != KmallocScheme::slob) {
      const int idx = sizes.index(size);
      if (idx >= 0) {
        EXPECT_EQ(b.oa->ksize(p) >= sizes.caches()[static_cast<unsigned>(idx)].size ||
                      flavour() == Flavour::linux_6,
                  true);
        EXPECT_EQ(p.value() % 8, 0u) << "kmalloc objects are at least 8-byte aligned";
      } else {
        EXPECT_EQ(p.value() % kPageSize, 0u) << "large kmalloc is page aligned: " << size;
      }
    }
    held.push_back(p);
  }
  EXPECT_EQ(b.oa->kmalloc(cpu, 0, k), ObjectAllocator::kZeroSizePtr);
  b.oa->check_invariants();
  for (sim::VirtAddr p : held) EXPECT_TRUE(b.oa->kfree(cpu, p));
  EXPECT_EQ(b.diag.errors(), 0u);
  b.oa->check_invariants();
}

TEST_P(EveryAllocator, BadFreesAreReportedAndChangeNothing) {
  Booted b(flavour(), kind());
  sim::Cpu& cpu = b.cpu();
  const Gfp k = b.gfp("GFP_KERNEL");
  KmemCache* a = b.oa->kmem_cache_create(cpu, "test_a", 100, 0, 0, false);
  KmemCache* c = b.oa->kmem_cache_create(cpu, "test_c", 200, 0, SLAB_RECLAIM_ACCOUNT, false);
  ASSERT_TRUE(a && c);
  const sim::VirtAddr x = b.oa->kmem_cache_alloc(cpu, *a, k);
  const sim::VirtAddr y = b.oa->kmalloc(cpu, 64, k);
  ASSERT_TRUE(x);
  ASSERT_TRUE(y);
  EXPECT_TRUE(b.oa->kmem_cache_free(cpu, *a, x));
  EXPECT_FALSE(b.oa->kmem_cache_free(cpu, *a, x));  // double free
  EXPECT_EQ(b.diag.count(DiagKind::double_free), 1u);
  const sim::VirtAddr x2 = b.oa->kmem_cache_alloc(cpu, *a, k);
  if (design().own_slabs) {  // SLOB has no per-cache ownership beyond its header
    EXPECT_FALSE(b.oa->kmem_cache_free(cpu, *c, x2));  // wrong cache
    EXPECT_EQ(b.diag.count(DiagKind::wrong_cache), 1u);
  }
  EXPECT_FALSE(b.oa->kfree(cpu, y + 8));                                 // inside an object
  EXPECT_FALSE(b.oa->kfree(cpu, sim::VirtAddr(0xffffc90000001000ull)));  // a vmalloc address
  EXPECT_EQ(b.diag.count(DiagKind::kfree_vmalloc), 1u);
  EXPECT_FALSE(b.oa->kfree(cpu, b.hm.page_offset() + (1ull << 20) + 24));  // never allocated
  EXPECT_GE(b.diag.count(DiagKind::invalid_free), 2u);
  b.oa->check_invariants();
  EXPECT_TRUE(b.oa->kfree(cpu, y));
  EXPECT_TRUE(b.oa->kmem_cache_free(cpu, *a, x2));
  b.oa->check_invariants();
  // Destroying a cache with an object still allocated is reported; the cache stays.
  const sim::VirtAddr z = b.oa->kmem_cache_alloc(cpu, *c, k);
  b.oa->kmem_cache_destroy(cpu, c);
  EXPECT_EQ(b.diag.count(DiagKind::cache_busy), 1u);
  EXPECT_TRUE(b.oa->kmem_cache_free(cpu, *c, z));
  b.oa->kmem_cache_destroy(cpu, c);
  b.oa->kmem_cache_destroy(cpu, a);
  EXPECT_EQ(b.oa->find_cache("test_a"), nullptr);
  b.oa->check_invariants();
  // Stop-on-error turns the next bad free into an exception.
  b.diag.set_stop_on_error(true);
  EXPECT_THROW(b.oa->kfree(cpu, y), ModelError);
}

TEST_P(EveryAllocator, RandomStressAcrossCpusKeepsEveryInvariant) {
  Booted b(flavour(), kind(), /*nodes=*/2, /*mib=*/64);
  const Gfp k = b.gfp("GFP_KERNEL");
  const Gfp atomic = b.gfp("GFP_ATOMIC");
  std::vector<KmemCache*> caches;
  const std::uint32_t sizes[] = {16, 24, 72, 100, 192, 600, 1500, 4000};
  for (unsigned i = 0; i < std::size(sizes); ++i)
    caches.push_back(b.oa->kmem_cache_create(b.cpu(), "stress" + std::to_string(i), sizes[i],
                                             i % 3 == 0 ? 64 : 0, i % 2 ? SLAB_HWCACHE_ALIGN : 0,
                                             i == 3));
  struct Held {
    sim::VirtAddr addr;
    int cache;  // -1: kmalloc
  };
  std::vector<Held> held;
  sim::Rng rng(42, 0);
  const unsigned ops = 200000;
  std::uint64_t failures = 0;
  for (unsigned op = 0; op < ops; ++op) {
    sim::Cpu& cpu = b.cpu(static_cast<unsigned>(rng.below(b.machine.cpus())));
    const bool alloc = held.size() < 64 || (held.size() < 6000 && rng.below(100) < 52);
    if (alloc) {
      const int which = static_cast<int>(rng.below(std::size(sizes) + 2)) - 2;
      const Gfp g = rng.below(10) == 0 ? atomic : k;
      const int node = rng.below(8) == 0 ? static_cast<int>(rng.below(2)) : -1;
      sim::VirtAddr p;
      if (which < 0) {
        const std::uint64_t size = rng.below(8) == 0 ? 1 + rng.below(20000) : 1 + rng.below(700);
        p = b.oa->kmalloc(cpu, size, g, node);
      } else {
        p = b.oa->kmem_cache_alloc(cpu, *caches[static_cast<unsigned>(which)], g, node);
      }
      if (!p) {
        ++failures;
        continue;
      }
      held.push_back({p, which});
    } else {
      const std::size_t i = rng.below(held.size());
      const Held h = held[i];
      held[i] = held.back();
      held.pop_back();
      const bool ok =
          h.cache < 0 ? b.oa->kfree(cpu, h.addr)
                      : b.oa->kmem_cache_free(cpu, *caches[static_cast<unsigned>(h.cache)], h.addr);
      ASSERT_TRUE(ok) << "op " << op;
    }
    if (op % 4000 == 0) {
      // A simulated second on this CPU: SLAB's cache_reap work comes due and runs.
      cpu.spend(static_cast<sim::Cycles>(b.machine.config().ghz * 1e9));
      cpu.run_due_work();
      b.oa->check_invariants();
      b.pa.check_invariants();
    }
  }
  EXPECT_EQ(failures, 0u);
  EXPECT_EQ(b.diag.errors(), 0u);
  for (const Held& h : held)
    if (h.cache < 0)
      b.oa->kfree(b.cpu(), h.addr);
    else
      b.oa->kmem_cache_free(b.cpu(), *caches[static_cast<unsigned>(h.cache)], h.addr);
  b.oa->check_invariants();
  for (KmemCache* c : caches) {
    EXPECT_EQ(c->in_use, 0u);
    b.oa->kmem_cache_shrink(b.cpu(), *c);
  }
  EXPECT_EQ(b.diag.errors(), 0u);
  b.oa->check_invariants();
  b.pa.check_invariants();
}

TEST_P(EveryAllocator, SameSeedSameAddresses) {
  auto run = [&] {
    Booted b(flavour(), kind(), 2, 64);
    std::vector<std::uint64_t> out;
    sim::Rng rng(7, 0);
    std::vector<sim::VirtAddr> held;
    for (int i = 0; i < 3000; ++i) {
      sim::Cpu& cpu = b.cpu(static_cast<unsigned>(rng.below(4)));
      if (held.empty() || rng.below(3)) {
        held.push_back(b.oa->kmalloc(cpu, 1 + rng.below(3000), b.gfp("GFP_KERNEL")));
        out.push_back(held.back().value());
      } else {
        const std::size_t j = rng.below(held.size());
        b.oa->kfree(cpu, held[j]);
        held.erase(held.begin() + static_cast<long>(j));
      }
    }
    out.push_back(b.oa->pages_held());
    return out;
  };
  EXPECT_EQ(run(), run());
}

TEST_P(EveryAllocator, I386SlabsComeFromLowmemAndWordsAreFourBytes) {
  sim::MachineConfig mc = testing::small_machine(1, 2048);
  mc.arch = sim::Arch::i386;
  Booted b(flavour(), kind(), mc);
  const Gfp k = b.gfp("GFP_KERNEL");
  sim::Rng rng(3, 0);
  std::vector<sim::VirtAddr> held;
  for (int i = 0; i < 20000; ++i) {
    sim::Cpu& cpu = b.cpu(static_cast<unsigned>(rng.below(2)));
    if (held.size() < 500 && rng.below(2)) {
      const sim::VirtAddr p = b.oa->kmalloc(cpu, 1 + rng.below(5000), k);
      ASSERT_TRUE(p);
      // Directly mapped kernel memory: below PAGE_OFFSET + 896 MiB, 4-byte aligned at least.
      EXPECT_GE(p, sim::VirtAddr(0xC0000000ull));
      EXPECT_LT(p, sim::VirtAddr(0xC0000000ull) + (896ull << 20));
      EXPECT_EQ(p.value() % 4, 0u);
      held.push_back(p);
    } else if (!held.empty()) {
      const std::size_t j = rng.below(held.size());
      EXPECT_TRUE(b.oa->kfree(cpu, held[j]));
      held[j] = held.back();
      held.pop_back();
    }
  }
  EXPECT_EQ(b.diag.errors(), 0u);
  b.oa->check_invariants();
  b.pa.check_invariants();
}

std::string combo_name(const ::testing::TestParamInfo<Combo>& info) {
  return testing::name(std::get<0>(info.param), std::get<1>(info.param));
}

INSTANTIATE_TEST_SUITE_P(All, EveryAllocator,
                         ::testing::Combine(::testing::Values(Flavour::linux_2_6, Flavour::linux_6),
                                            ::testing::ValuesIn(testing::every_design())),
                         combo_name);
INSTANTIATE_TEST_SUITE_P(
    Linux618, EveryAllocator,
    ::testing::Combine(::testing::Values(Flavour::linux_6_18),
                       ::testing::ValuesIn(testing::designs_in(Flavour::linux_6_18))),
    combo_name);

}  // namespace
}  // namespace allocsim::model
