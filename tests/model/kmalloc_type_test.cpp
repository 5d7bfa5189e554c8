// linux-6.18 kmalloc type caches: kmalloc_type()'s routing (DMA before
// RECLAIMABLE before ACCOUNT), the 6.18 names, and /proc/slabinfo listing the
// 52 kmalloc caches of a live 6.18 machine in the same order.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "model/kmalloc_type.hpp"
#include "model/slub.hpp"
#include "object_alloc_fixture.hpp"

namespace allocsim::model {
namespace {

TEST(KmallocType618, RoutingPrecedence) {
  const auto f = Flavour::linux_6_18;
  const KmallocTypeBits bits(f);
  auto type = [&](const char* gfp, bool accounted = false) {
    return kmalloc_type(bits, parse_gfp(f, gfp), accounted);
  };
  EXPECT_EQ(type("GFP_KERNEL"), KmallocType::normal);
  EXPECT_EQ(type("GFP_ATOMIC"), KmallocType::normal);
  EXPECT_EQ(type("GFP_KERNEL_ACCOUNT"), KmallocType::cgroup);
  EXPECT_EQ(type("GFP_KERNEL", true), KmallocType::cgroup);
  EXPECT_EQ(type("GFP_KERNEL|__GFP_RECLAIMABLE"), KmallocType::reclaim);
  EXPECT_EQ(type("GFP_KERNEL_ACCOUNT|__GFP_RECLAIMABLE"), KmallocType::reclaim);
  EXPECT_EQ(type("GFP_KERNEL|GFP_DMA|__GFP_RECLAIMABLE"), KmallocType::dma);
  EXPECT_EQ(type("GFP_DMA", true), KmallocType::dma);
  EXPECT_EQ(kmalloc_type_name(KmallocType::reclaim, "kmalloc-1k"), "kmalloc-rcl-1k");
  EXPECT_EQ(kmalloc_type_name(KmallocType::dma, "kmalloc-96"), "dma-kmalloc-96");
  EXPECT_EQ(kmalloc_type_name(KmallocType::cgroup, "kmalloc-8k"), "kmalloc-cg-8k");
}

TEST(KmallocType618, KmallocLandsInItsTypesCache) {
  testing::Booted b(Flavour::linux_6_18, "slub");
  sim::Cpu& cpu = b.cpu();
  const sim::VirtAddr cg = b.oa->kmalloc(cpu, 100, b.gfp("GFP_KERNEL_ACCOUNT"));
  const sim::VirtAddr rcl = b.oa->kmalloc(cpu, 100, b.gfp("GFP_KERNEL|__GFP_RECLAIMABLE"));
  const sim::VirtAddr dma = b.oa->kmalloc(cpu, 100, b.gfp("GFP_KERNEL|GFP_DMA"));
  const sim::VirtAddr normal = b.oa->kmalloc(cpu, 100, b.gfp("GFP_KERNEL"));
  EXPECT_EQ(b.oa->find_cache("kmalloc-cg-128")->in_use, 1u);
  EXPECT_EQ(b.oa->find_cache("kmalloc-rcl-128")->in_use, 1u);
  EXPECT_EQ(b.oa->find_cache("dma-kmalloc-128")->in_use, 1u);
  EXPECT_EQ(b.oa->find_cache("kmalloc-128")->in_use, 1u);
  for (const sim::VirtAddr p : {cg, rcl, dma, normal}) EXPECT_TRUE(b.oa->kfree(cpu, p));
  EXPECT_EQ(b.oa->find_cache("kmalloc-cg-128")->in_use, 0u);
  b.oa->check_invariants();
  // linux-6 (6.8 as modelled) has only the normal caches.
  testing::Booted old(Flavour::linux_6, "slub");
  EXPECT_EQ(old.oa->find_cache("kmalloc-cg-128"), nullptr);
}

TEST(KmallocType618, SlabinfoListsTheKmallocCachesAsTheLiveKernel) {
  std::ifstream in(std::string(ALLOCSIM_SOURCE_DIR) + "/tests/data/live-618/slabinfo");
  std::vector<std::string> live;
  for (std::string line; std::getline(in, line);) {
    const std::string name = line.substr(0, line.find(' '));
    if (name.find("kmalloc-") != std::string::npos && name != "kmalloc_buckets")
      live.push_back(name);
  }
  ASSERT_EQ(live.size(), 52u);
  testing::Booted b(Flavour::linux_6_18, "slub");
  std::vector<std::string> model;
  for (const SlabinfoRow& r : b.oa->slabinfo_rows())
    if (r.name.find("kmalloc-") != std::string::npos) model.push_back(r.name);
  EXPECT_EQ(model, live);
}

}  // namespace
}  // namespace allocsim::model
