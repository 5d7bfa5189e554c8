// The hot path allocates nothing: kmalloc and kfree in steady state,
// through SLAB, SLUB and SLOB, never call operator new.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>

#include "object_alloc_fixture.hpp"

#include "../common/alloc_counter.hpp"  // replaces operator new: this file only

namespace allocsim::model {
namespace {

TEST(SlabNoAlloc, SteadyStateKmallocKfreeAllocatesNothing) {
  for (Flavour f : {Flavour::linux_2_6, Flavour::linux_6})
    for (std::string_view k : testing::every_design()) {
      testing::Booted b(f, k, 2, 64, /*timing=*/true);
      KmemCache* c = b.oa->kmem_cache_create(b.cpu(), "steady", 200, 0, 0, false);
      const Gfp g = b.gfp("GFP_KERNEL");
      const std::uint64_t sizes[] = {24, 64, 100, 200, 512, 1000};
      std::vector<sim::VirtAddr> ring(256);
      unsigned i = 0;
      auto churn = [&](unsigned n) {
        for (const unsigned end = i + n; i < end; ++i) {
          sim::Cpu& cpu = b.cpu(i % 4);
          sim::VirtAddr& slot = ring[i % ring.size()];
          if (slot) {
            if (i % 3 == 0)
              b.oa->kmem_cache_free(cpu, *c, slot);
            else
              b.oa->kfree(cpu, slot);
          }
          slot = (i + 1) % 3 == 0 ? b.oa->kmem_cache_alloc(cpu, *c, g)
                                  : b.oa->kmalloc(cpu, sizes[i % std::size(sizes)], g);
        }
      };
      churn(20000);  // warm-up: slabs, pages and host records reach their working set
      counting = true;
      allocations = 0;
      churn(20000);
      counting = false;
      EXPECT_EQ(allocations.load(), 0u) << to_string(f) << " " << k;
      EXPECT_EQ(b.diag.errors(), 0u);
      for (const auto& d : b.diag.entries()) ADD_FAILURE() << DiagnosticLog::format(d);
    }
}

}  // namespace
}  // namespace allocsim::model
