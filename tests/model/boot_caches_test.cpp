// linux-6.18 boots with maple_node and vm_area_struct (maple_tree_init,
// vma_state_init), shaped as on the live 6.18 machine (tests/data/live-618):
// sysfs geometry and sheaf capacity, /proc/slabinfo rows, use by name, and a
// later cache of the same name being a cache of its own.
#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <string>

#include "model/boot_caches.hpp"
#include "model/kernel.hpp"
#include "model/slub.hpp"
#include "model_machines.hpp"
#include "object_alloc_fixture.hpp"

namespace allocsim::model {
namespace {

struct Booted618 {
  explicit Booted618(Flavour f = Flavour::linux_6_18, sim::Arch arch = sim::Arch::x86_64)
      : m(machine(arch), 1), k(m, testing::kernel(f)) {}
  static sim::MachineConfig machine(sim::Arch arch) {
    sim::MachineConfig c = testing::small_machine(1, 64);
    c.arch = arch;
    return c;
  }
  std::map<std::string, std::string> sysfs(const char* cache) {
    const KmemCache* c = k.slab().find_cache(cache);
    EXPECT_NE(c, nullptr) << cache;
    std::map<std::string, std::string> out;
    if (!c) return out;
    const std::optional<ObjectAllocator::SysfsFiles> files = k.slab().sysfs_slab(*c);
    for (const auto& [file, text] : *files) out[file] = text;
    return out;
  }
  sim::Machine m;
  Kernel k;
};

TEST(BootCaches618, ShapedAsTheLiveKernelsSysfs) {
  Booted618 b;
  // /sys/kernel/slab/<cache>/ of tests/data/live-618/slab-sysfs.tsv.
  const std::map<std::string, std::map<std::string, std::string>> live{
      {"vm_area_struct",
       {{"object_size", "192"},
        {"slab_size", "192"},
        {"align", "64"},
        {"order", "0"},
        {"objs_per_slab", "21"},
        {"sheaf_capacity", "32"},
        {"min_partial", "5"},
        {"cpu_partial", "120"},
        {"destroy_by_rcu", "1"},
        {"hwcache_align", "1"},
        {"reclaim_account", "0"}}},
      {"maple_node",
       {{"object_size", "256"},
        {"slab_size", "256"},
        {"align", "256"},
        {"order", "0"},
        {"objs_per_slab", "16"},
        {"sheaf_capacity", "32"},
        {"min_partial", "5"},
        {"cpu_partial", "52"},
        {"destroy_by_rcu", "0"},
        {"hwcache_align", "0"},
        {"reclaim_account", "0"}}}};
  for (const auto& [cache, files] : live) {
    SCOPED_TRACE(cache);
    const auto got = b.sysfs(cache.c_str());
    for (const auto& [file, text] : files) EXPECT_EQ(got.at(file), text) << file;
  }
  // vm_freeptr is at offset 0 (it shares the word with vm_start).
  const Slub& slub = static_cast<const Slub&>(b.k.slab());
  EXPECT_EQ(slub.cache(*b.k.slab().find_cache("vm_area_struct")).g.offset, 0u);
  EXPECT_EQ(b.k.slab().find_cache("vm_area_struct")->flags & SLAB_ACCOUNT, SLAB_ACCOUNT);
  // /proc/slabinfo lists them, the newest first; nothing allocated yet.
  const std::string info = b.k.proc("slabinfo");
  const auto vma = info.find("vm_area_struct         0      0    192   21    1 : tunables");
  const auto maple = info.find("maple_node             0      0    256   16    1 : tunables");
  ASSERT_NE(vma, std::string::npos) << info;
  ASSERT_NE(maple, std::string::npos);
  EXPECT_LT(vma, maple);
}

TEST(BootCaches618, UsableByNameAndADuplicateNameIsACacheOfItsOwn) {
  Booted618 b;
  sim::Cpu& cpu = b.m.cpu(0);
  KmemCache* vma = b.k.slab().find_cache("vm_area_struct");
  ASSERT_NE(vma, nullptr);
  const VirtAddr p =
      b.k.slab().kmem_cache_alloc(cpu, *vma, parse_gfp(Flavour::linux_6_18, "GFP_KERNEL"));
  ASSERT_TRUE(p);
  EXPECT_EQ(vma->in_use, 1u);
  EXPECT_EQ(b.k.slab().sheaf_stats(*vma)->alloc_cpu_sheaf, 1u);  // served by its sheaves
  // kmem_cache_create allows a name that exists (fork-exit.yaml's 176-byte
  // vm_area_struct): a new cache; the boot one stays what find_cache returns.
  KmemCache* again =
      b.k.slab().kmem_cache_create(cpu, "vm_area_struct", 176, 0, SLAB_ACCOUNT, false);
  ASSERT_NE(again, nullptr);
  EXPECT_NE(again, vma);
  EXPECT_EQ(again->object_size, 176u);
  EXPECT_EQ(b.k.slab().find_cache("vm_area_struct"), vma);
  EXPECT_TRUE(b.k.slab().kmem_cache_free(cpu, *vma, p));
  b.k.slab().check_invariants();
}

TEST(BootCaches618, OnlyLinux618AndVmAreaStructOnlyOnX86_64) {
  for (Flavour f : {Flavour::linux_2_6, Flavour::linux_6}) {
    Booted618 old(f);
    EXPECT_EQ(old.k.slab().find_cache("maple_node"), nullptr);
    EXPECT_EQ(old.k.slab().find_cache("vm_area_struct"), nullptr);
  }
  Booted618 i386(Flavour::linux_6_18, sim::Arch::i386);
  EXPECT_NE(i386.k.slab().find_cache("maple_node"), nullptr);
  EXPECT_EQ(i386.k.slab().find_cache("vm_area_struct"), nullptr);
}

}  // namespace
}  // namespace allocsim::model
