// nr_slab_reclaimable / nr_slab_unreclaimable: ObjectAllocator::slab_pages
// counts the slabs of SLAB_RECLAIM_ACCOUNT caches apart from the others (and,
// in linux-6, large kmallocs as unreclaimable), and /proc/vmstat and
// /proc/zoneinfo print exactly those counts.
#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "model/proc_vmstat.hpp"
#include "model/proc_zoneinfo.hpp"
#include "object_alloc_fixture.hpp"

namespace allocsim::model {
namespace {

using testing::Booted;

std::uint64_t vmstat_value(const std::string& text, const std::string& name) {
  std::istringstream in(text);
  std::string key;
  std::uint64_t v = 0;
  while (in >> key >> v)
    if (key == name) return v;
  ADD_FAILURE() << name << " missing";
  return 0;
}

// Sum of every "nr_slab_..." line of zoneinfo (zones in 2.6.32, nodes in 6.x).
std::uint64_t zoneinfo_sum(const std::string& text, const std::string& name) {
  std::istringstream in(text);
  std::string line;
  std::uint64_t sum = 0;
  while (std::getline(in, line)) {
    std::istringstream l(line);
    std::string key;
    std::uint64_t v = 0;
    if (l >> key >> v && key == name) sum += v;
  }
  return sum;
}

std::uint64_t slab_pages_of(const ObjectAllocator& oa, const std::string& cache) {
  for (const SlabinfoRow& r : oa.slabinfo_rows())
    if (r.name == cache) return r.num_slabs * r.pagesperslab;
  ADD_FAILURE() << cache;
  return 0;
}

// What slabinfo says, split by the caches' SLAB_RECLAIM_ACCOUNT.
SlabPages slabinfo_pages(const ObjectAllocator& oa) {
  SlabPages out;
  for (const SlabinfoRow& r : oa.slabinfo_rows()) {
    const KmemCache* c = oa.find_cache(r.name);
    if (!c) {
      ADD_FAILURE() << r.name;
      continue;
    }
    ((c->flags & SLAB_RECLAIM_ACCOUNT) ? out.reclaimable : out.unreclaimable) +=
        r.num_slabs * r.pagesperslab;
  }
  return out;
}

class SlabVmstat : public ::testing::TestWithParam<std::tuple<Flavour, std::string_view>> {};

TEST_P(SlabVmstat, CountsReclaimableCachesApart) {
  const auto [f, kind] = GetParam();
  Booted b(f, kind, 2);
  const SlabPages boot = b.oa->slab_pages();
  KmemCache* rcl =
      b.oa->kmem_cache_create(b.cpu(), "dentry_like", 192, 0, SLAB_RECLAIM_ACCOUNT, false);
  KmemCache* plain = b.oa->kmem_cache_create(b.cpu(), "plain", 192, 0, 0, false);
  ASSERT_TRUE(rcl && plain);
  std::vector<sim::VirtAddr> objs;
  for (int i = 0; i < 300; ++i)
    objs.push_back(b.oa->kmem_cache_alloc(b.cpu(i % 4), *rcl, b.gfp("GFP_KERNEL")));
  for (int i = 0; i < 100; ++i) b.oa->kmem_cache_alloc(b.cpu(i % 4), *plain, b.gfp("GFP_KERNEL"));
  const std::uint64_t rcl_pages = slab_pages_of(*b.oa, "dentry_like");
  ASSERT_GT(rcl_pages, 0u);
  const SlabPages now = b.oa->slab_pages();
  EXPECT_EQ(now.reclaimable, boot.reclaimable + rcl_pages);
  // Every slab of every cache, as slabinfo counts them (cache creation also
  // kmallocs its own metadata, so "plain" is not the only growth).
  EXPECT_EQ(now.reclaimable, slabinfo_pages(*b.oa).reclaimable);
  EXPECT_EQ(now.unreclaimable, slabinfo_pages(*b.oa).unreclaimable);
  EXPECT_GT(now.unreclaimable, boot.unreclaimable);

  // Frees that empty slabs give their pages back, and the count follows.
  for (sim::VirtAddr o : objs) b.oa->kmem_cache_free(b.cpu(), *rcl, o);
  b.oa->kmem_cache_shrink(b.cpu(), *rcl);
  EXPECT_EQ(b.oa->slab_pages().reclaimable, boot.reclaimable + slab_pages_of(*b.oa, "dentry_like"));

  // A large kmalloc (order 2 under SLUB): 6.x __kmalloc_large_node accounts it
  // as unreclaimable slab, 2.6.32's kmalloc_large does not.
  if (kind == "slub") {
    const SlabPages before = b.oa->slab_pages();
    ASSERT_TRUE(b.oa->kmalloc(b.cpu(), 16384, b.gfp("GFP_KERNEL")));
    EXPECT_EQ(b.oa->large_kmalloc_pages(), 4u);
    EXPECT_EQ(b.oa->slab_pages().unreclaimable,
              before.unreclaimable + (f == Flavour::linux_2_6 ? 0 : 4));
  }

  // The reports print the counts, in pages; per-zone (2.6) or per-node (6.x)
  // lines add up to the total.
  const SlabPages p = b.oa->slab_pages();
  const std::string vmstat = proc_vmstat(b.pa, b.oa.get());
  EXPECT_EQ(vmstat_value(vmstat, "nr_slab_reclaimable"), p.reclaimable);
  EXPECT_EQ(vmstat_value(vmstat, "nr_slab_unreclaimable"), p.unreclaimable);
  const std::string zoneinfo = proc_zoneinfo(b.pa, b.oa.get());
  EXPECT_EQ(zoneinfo_sum(zoneinfo, "nr_slab_reclaimable"), p.reclaimable);
  EXPECT_EQ(zoneinfo_sum(zoneinfo, "nr_slab_unreclaimable"), p.unreclaimable);
  SlabPages zones;
  for (std::size_t z = 0; z < b.pa.zones().size(); ++z) {
    zones.reclaimable += b.oa->slab_pages(static_cast<int>(z)).reclaimable;
    zones.unreclaimable += b.oa->slab_pages(static_cast<int>(z)).unreclaimable;
  }
  EXPECT_EQ(zones.reclaimable, p.reclaimable);
  EXPECT_EQ(zones.unreclaimable, p.unreclaimable);
}

// SLOB: 6.x counts every SLOB page as unreclaimable, 2.6.32 none.
TEST(SlabVmstatSlob, Linux6CountsEveryPageUnreclaimable) {
  Booted six(Flavour::linux_6, "slob");
  ASSERT_TRUE(six.oa->kmalloc(six.cpu(), 100, six.gfp("GFP_KERNEL")));
  EXPECT_GT(six.oa->slab_pages().unreclaimable, 0u);
  EXPECT_EQ(six.oa->slab_pages().reclaimable, 0u);
  Booted old(Flavour::linux_2_6, "slob");
  ASSERT_TRUE(old.oa->kmalloc(old.cpu(), 100, old.gfp("GFP_KERNEL")));
  EXPECT_EQ(old.oa->slab_pages().unreclaimable, 0u);
}

INSTANTIATE_TEST_SUITE_P(Designs, SlabVmstat,
                         ::testing::Combine(::testing::Values(Flavour::linux_2_6, Flavour::linux_6),
                                            ::testing::Values(std::string_view("slab"),
                                                              std::string_view("slub"),
                                                              std::string_view("magazine"))),
                         [](const auto& info) {
                           return testing::name(std::get<0>(info.param), std::get<1>(info.param));
                         });

}  // namespace
}  // namespace allocsim::model
