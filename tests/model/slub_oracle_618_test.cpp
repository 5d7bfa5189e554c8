// Every non-alias cache of a live Linux 6.18 machine (/sys/kernel/slab of the
// project's build machine, 2 CPUs; tests/data/live-618/slab-sysfs.tsv),
// recreated under linux-6.18 SLUB with its object size, alignment and flags,
// gets the kernel's order, objs_per_slab, slab_size, min_partial, cpu_partial
// and sheaf_capacity.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>

#include "model/slub_geometry.hpp"
#include "model/slub_sheaf.hpp"

namespace allocsim::model {
namespace {

std::vector<std::map<std::string, std::string>> rows(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  std::vector<std::string> header;
  std::istringstream h(line);
  for (std::string f; std::getline(h, f, '\t');) header.push_back(f);
  std::vector<std::map<std::string, std::string>> out;
  while (std::getline(in, line)) {
    std::istringstream w(line);
    std::map<std::string, std::string> r;
    std::string f;
    for (std::size_t i = 0; i < header.size() && std::getline(w, f, '\t'); ++i) r[header[i]] = f;
    out.push_back(std::move(r));
  }
  return out;
}

TEST(SlubOracle618, EveryLiveCacheHasTheKernelsGeometry) {
  const auto all = rows(std::string(ALLOCSIM_SOURCE_DIR) + "/tests/data/live-618/slab-sysfs.tsv");
  SlubParams p;
  p.flavour = Flavour::linux_6_18;
  p.nr_cpus = 2;  // the machine's num_present_cpus()
  unsigned checked = 0;
  for (const auto& r : all) {
    if (r.at("is_symlink") != "0") continue;  // a merged alias: its target is checked
    const std::string& name = r.at("name");
    SCOPED_TRACE(name);
    SlabFlags flags = 0;
    if (r.at("hwcache_align") == "1") flags |= SLAB_HWCACHE_ALIGN;
    if (r.at("reclaim_account") == "1") flags |= SLAB_RECLAIM_ACCOUNT;
    if (r.at("cache_dma") == "1") flags |= SLAB_CACHE_DMA;
    if (r.at("destroy_by_rcu") == "1") flags |= SLAB_TYPESAFE_BY_RCU;
    const auto object_size = static_cast<std::uint32_t>(std::stoul(r.at("object_size")));
    KmemCacheArgs args;
    // The two caches 6.18 creates with kmem_cache_args.sheaf_capacity
    // (maple_tree_init, vma_state_init); vm_area_struct also names its free
    // pointer (vm_freeptr; where it lies inside the object does not change the layout).
    if (name == "maple_node" || name == "vm_area_struct") args.sheaf_capacity = 32;
    if (name == "vm_area_struct") args.freeptr_offset = object_size - 8;
    EXPECT_EQ(check_kmem_cache_args(p.flavour, object_size, flags, args), "");
    SlubGeometry g =
        slub_geometry(p, object_size, static_cast<std::uint32_t>(std::stoul(r.at("align"))), flags,
                      !r.at("ctor").empty(), args);
    g.sheaf_capacity = slub_sheaf_capacity(p.flavour, SlubSheaves::opt_in, flags, g.size,
                                           args.sheaf_capacity, false);
    EXPECT_EQ(std::to_string(g.size), r.at("slab_size"));
    EXPECT_EQ(std::to_string(g.order), r.at("order"));
    EXPECT_EQ(std::to_string(g.objects), r.at("objs_per_slab"));
    EXPECT_EQ(std::to_string(g.min_partial), r.at("min_partial"));
    EXPECT_EQ(std::to_string(g.cpu_partial), r.at("cpu_partial"));
    EXPECT_EQ(std::to_string(g.sheaf_capacity), r.at("sheaf_capacity"));
    ++checked;
  }
  EXPECT_EQ(checked, 232u);  // every real cache directory of the snapshot
}

// vm_area_struct: 6.18 keeps the free pointer inside (192 bytes, 21 a slab);
// the 6.8 rule puts it after the object (200 -> 256, 16 a slab).
TEST(SlubOracle618, FreePointerOffsetKeepsVmAreaStructAt192) {
  SlubParams p;
  p.flavour = Flavour::linux_6_18;
  p.nr_cpus = 2;
  const SlabFlags flags = SLAB_HWCACHE_ALIGN | SLAB_PANIC | SLAB_TYPESAFE_BY_RCU | SLAB_ACCOUNT;
  KmemCacheArgs args;
  args.freeptr_offset = 176;
  const SlubGeometry g618 = slub_geometry(p, 192, 0, flags, false, args);
  EXPECT_EQ(g618.size, 192u);
  EXPECT_EQ(g618.objects, 21u);
  EXPECT_EQ(g618.offset, 176u);
  p.flavour = Flavour::linux_6;
  const SlubGeometry g68 = slub_geometry(p, 192, 0, flags, false, args);
  EXPECT_EQ(g68.size, 256u);
  EXPECT_EQ(g68.objects, 16u);
  // create_cache's -EINVAL cases.
  EXPECT_NE(check_kmem_cache_args(Flavour::linux_6_18, 192, SLAB_HWCACHE_ALIGN, args), "");
  args.freeptr_offset = 192;
  EXPECT_NE(check_kmem_cache_args(Flavour::linux_6_18, 192, flags, args), "");
  args.freeptr_offset = 20;
  EXPECT_NE(check_kmem_cache_args(Flavour::linux_6_18, 192, flags, args), "");
}

// `all` (7.0): 60/28/12/4 objects by stride, at least the requested capacity;
// none for the bootstrap caches or under slab debugging; 6.18 opt-in: as asked.
TEST(SlubOracle618, SheafCapacityRules) {
  const auto f = Flavour::linux_6_18;
  EXPECT_EQ(slub_sheaf_capacity(f, SlubSheaves::all, 0, 192, 0, false), 60u);
  EXPECT_EQ(slub_sheaf_capacity(f, SlubSheaves::all, 0, 256, 0, false), 28u);
  EXPECT_EQ(slub_sheaf_capacity(f, SlubSheaves::all, 0, 1024, 0, false), 12u);
  EXPECT_EQ(slub_sheaf_capacity(f, SlubSheaves::all, 0, 4096, 0, false), 4u);
  EXPECT_EQ(slub_sheaf_capacity(f, SlubSheaves::all, 0, 256, 32, false), 32u);  // maple_node
  EXPECT_EQ(slub_sheaf_capacity(f, SlubSheaves::all, 0, 256, 0, true), 0u);
  EXPECT_EQ(slub_sheaf_capacity(f, SlubSheaves::all, SLAB_POISON, 256, 0, false), 0u);
  EXPECT_EQ(slub_sheaf_capacity(f, SlubSheaves::opt_in, 0, 192, 0, false), 0u);
  EXPECT_EQ(slub_sheaf_capacity(f, SlubSheaves::opt_in, 0, 192, 32, false), 32u);
  EXPECT_EQ(slub_sheaf_capacity(f, SlubSheaves::none, 0, 192, 32, false), 0u);
  EXPECT_EQ(slub_sheaf_capacity(Flavour::linux_6, SlubSheaves::all, 0, 192, 32, false), 0u);
}

}  // namespace
}  // namespace allocsim::model
