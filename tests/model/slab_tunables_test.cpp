// The object allocators' tunables through the kernel's own interfaces: SLUB's
// sysfs cpu_partial/min_partial (mm/slub.c cpu_partial_store,
// slub_set_cpu_partial, min_partial_store), SLAB's /proc/slabinfo write
// (slabinfo_write, do_tune_cpucache), cache_reap's drain_array, limit 0, and
// the colouring knobs (colour step, cap, forced).
#include <gtest/gtest.h>

#include <cerrno>
#include <map>
#include <string>
#include <vector>

#include "model/slab.hpp"
#include "model/slub.hpp"
#include "object_alloc_fixture.hpp"

namespace allocsim::model {
namespace {

using testing::Booted;

std::string attr(const Slub& s, const KmemCache& c, const std::string& key) {
  for (const auto& [k, v] : s.sysfs(c))
    if (k == key) return v;
  return "<none>";
}

// The errno of a refused write (0: accepted).
template <class F>
int write_errno(F&& f) {
  try {
    f();
  } catch (const SlabTuneError& e) {
    return e.err;
  }
  return 0;
}

TEST(SlubTunables, CpuPartialWriteSetsSlabsAsSlubSetCpuPartialComputes) {
  Booted b(Flavour::linux_6, "slub");
  auto& slub = static_cast<Slub&>(*b.oa);
  KmemCache* k64 = b.oa->find_cache("kmalloc-64");
  ASSERT_NE(k64, nullptr);
  const SlubGeometry& g = slub.cache(*k64).g;
  ASSERT_EQ(g.objects, 64u);  // order 0: 4096 / 64
  EXPECT_EQ(g.cpu_partial, 120u);
  EXPECT_EQ(g.cpu_partial_slabs, 4u);  // DIV_ROUND_UP(240, 64)
  b.oa->sysfs_slab_write(b.cpu(), *k64, "cpu_partial", "30\n");
  EXPECT_EQ(g.cpu_partial, 30u);
  EXPECT_EQ(g.cpu_partial_slabs, 1u);  // DIV_ROUND_UP(60, 64)
  EXPECT_EQ(attr(slub, *k64, "cpu_partial"), "30");
  b.oa->sysfs_slab_write(b.cpu(), *k64, "cpu_partial", "0");
  EXPECT_EQ(g.cpu_partial_slabs, 0u);

  KmemCache* big = b.oa->kmem_cache_create(b.cpu(), "page", 4096, 0, 0, false);
  const SlubGeometry& gb = slub.cache(*big).g;
  ASSERT_EQ(gb.objects, 8u);  // order 3 on this 2-CPU machine
  EXPECT_EQ(gb.cpu_partial, 6u);
  EXPECT_EQ(gb.cpu_partial_slabs, 2u);  // DIV_ROUND_UP(12, 8)
  b.oa->sysfs_slab_write(b.cpu(), *big, "cpu_partial", "+30");
  EXPECT_EQ(gb.cpu_partial_slabs, 8u);  // DIV_ROUND_UP(60, 8)

  // kstrtouint's refusals; the value stays.
  EXPECT_EQ(write_errno([&] { b.oa->sysfs_slab_write(b.cpu(), *big, "cpu_partial", "-1"); }),
            EINVAL);
  EXPECT_EQ(write_errno([&] { b.oa->sysfs_slab_write(b.cpu(), *big, "cpu_partial", "3O"); }),
            EINVAL);
  EXPECT_EQ(write_errno([&] { b.oa->sysfs_slab_write(b.cpu(), *big, "cpu_partial", ""); }), EINVAL);
  EXPECT_EQ(
      write_errno([&] { b.oa->sysfs_slab_write(b.cpu(), *big, "cpu_partial", "4294967296"); }),
      ERANGE);
  EXPECT_EQ(gb.cpu_partial, 30u);
  EXPECT_EQ(write_errno([&] { b.oa->sysfs_slab_write(b.cpu(), *big, "order", "1"); }), EACCES);
  EXPECT_EQ(write_errno([&] { b.oa->sysfs_slab_write(b.cpu(), *big, "no_such", "1"); }), ENOENT);
}

TEST(SlubTunables, CpuPartialWriteFlushesEveryCpuSlab) {
  Booted b(Flavour::linux_6, "slub");
  auto& slub = static_cast<Slub&>(*b.oa);
  KmemCache* c = b.oa->kmem_cache_create(b.cpu(), "flush", 256, 0, 0, false);
  std::vector<sim::VirtAddr> objs;
  for (unsigned i = 0; i < 40; ++i)
    objs.push_back(b.oa->kmem_cache_alloc(b.cpu(i % 2), *c, b.gfp("GFP_KERNEL")));
  EXPECT_NE(attr(slub, *c, "cpu_slabs"), "0");
  b.oa->sysfs_slab_write(b.cpu(), *c, "cpu_partial", "10");
  EXPECT_EQ(attr(slub, *c, "cpu_slabs"), "0");  // flush_all
  for (sim::VirtAddr o : objs) EXPECT_TRUE(b.oa->kmem_cache_free(b.cpu(), *c, o));
  b.oa->check_invariants();
}

TEST(SlubTunables, MinPartialIsSetAsWrittenIn6AndClampedIn26) {
  for (Flavour f : {Flavour::linux_6, Flavour::linux_2_6}) {
    Booted b(f, "slub");
    auto& slub = static_cast<Slub&>(*b.oa);
    KmemCache* c = b.oa->find_cache("kmalloc-128");
    const bool v26 = f == Flavour::linux_2_6;
    b.oa->sysfs_slab_write(b.cpu(), *c, "min_partial", "3");
    EXPECT_EQ(attr(slub, *c, "min_partial"), v26 ? "5" : "3");  // MIN_PARTIAL in 2.6.32
    b.oa->sysfs_slab_write(b.cpu(), *c, "min_partial", "100");
    EXPECT_EQ(attr(slub, *c, "min_partial"), v26 ? "10" : "100");  // MAX_PARTIAL in 2.6.32
    EXPECT_EQ(write_errno([&] { b.oa->sysfs_slab_write(b.cpu(), *c, "min_partial", "x"); }),
              EINVAL);
    // 2.6.32 has no cpu_partial attribute (3.2 added the per-CPU partial lists).
    EXPECT_EQ(write_errno([&] { b.oa->sysfs_slab_write(b.cpu(), *c, "cpu_partial", "30"); }),
              v26 ? ENOENT : 0);
    EXPECT_EQ(attr(slub, *c, "cpu_partial") == "<none>", v26);
  }
}

TEST(SlubTunables, OtherDesignsRefuseTheInterfacesTheyLack) {
  Booted slab(Flavour::linux_6, "slab");
  KmemCache* c = slab.oa->find_cache("kmalloc-64");
  EXPECT_THROW(slab.oa->sysfs_slab_write(slab.cpu(), *c, "cpu_partial", "1"),
               std::invalid_argument);
  Booted slub(Flavour::linux_6, "slub");
  EXPECT_THROW(slub.oa->slabinfo_write(slub.cpu(), "kmalloc-64 10 5 0"), std::invalid_argument);
  EXPECT_THROW(slub.oa->cache_reap_now(slub.cpu()), std::invalid_argument);
}

const SlabinfoRow& row(const ObjectAllocator& oa, const std::string& name,
                       std::vector<SlabinfoRow>& rows) {
  rows = oa.slabinfo_rows();
  for (const SlabinfoRow& r : rows)
    if (r.name == name) return r;
  throw std::logic_error("no slabinfo row " + name);
}

TEST(SlabTunables, SlabinfoWriteChangesTheTunablesOrIsRefusedAsTheKernelDoes) {
  for (Flavour f : {Flavour::linux_2_6, Flavour::linux_6}) {
    Booted b(f, "slab");
    KmemCache* c = b.oa->kmem_cache_create(b.cpu(), "tun", 100, 0, 0, false);
    std::vector<SlabinfoRow> rows;
    EXPECT_EQ(row(*b.oa, "tun", rows).limit, 120u);  // enable_cpucache: size <= 256
    // Objects in the per-CPU array when the write comes are freed back to their slabs.
    const sim::VirtAddr o = b.oa->kmem_cache_alloc(b.cpu(), *c, b.gfp("GFP_KERNEL"));
    const auto& sc = static_cast<const Slab&>(*b.oa).cache(*c);
    EXPECT_GT(sc.array[0].avail, 0u);
    b.oa->slabinfo_write(b.cpu(), "tun 20 10 4\n");
    const SlabinfoRow& r = row(*b.oa, "tun", rows);
    EXPECT_EQ(r.limit, 20u);
    EXPECT_EQ(r.batchcount, 10u);
    EXPECT_EQ(r.shared, 4u);
    EXPECT_EQ(sc.array[0].avail, 0u);
    EXPECT_EQ(sc.array[1].limit, 20u);
    ASSERT_TRUE(sc.node[0].shared);
    EXPECT_EQ(sc.node[0].shared->limit, 40u);  // shared * batchcount
    b.oa->check_invariants();

    // -EINVAL: malformed, unknown cache, too long.
    EXPECT_EQ(write_errno([&] { b.oa->slabinfo_write(b.cpu(), "tun"); }), EINVAL);
    EXPECT_EQ(write_errno([&] { b.oa->slabinfo_write(b.cpu(), "tun 1 2"); }), EINVAL);
    EXPECT_EQ(write_errno([&] { b.oa->slabinfo_write(b.cpu(), "tun a b c"); }), EINVAL);
    EXPECT_EQ(write_errno([&] { b.oa->slabinfo_write(b.cpu(), "nosuch 10 5 0"); }), EINVAL);
    EXPECT_EQ(write_errno([&] { b.oa->slabinfo_write(b.cpu(), std::string(129, 'x')); }), EINVAL);
    // The kernel takes these and changes nothing; the model says so.
    for (const char* ignored : {"tun 0 0 0", "tun 10 0 0", "tun 10 20 0", "tun 10 5 -1"}) {
      EXPECT_THROW(b.oa->slabinfo_write(b.cpu(), ignored), std::invalid_argument) << ignored;
      EXPECT_EQ(write_errno([&] {
                  try {
                    b.oa->slabinfo_write(b.cpu(), ignored);
                  } catch (const SlabTuneError&) {
                    throw;
                  } catch (const std::invalid_argument&) {
                  }
                }),
                0)
          << ignored;
    }
    EXPECT_EQ(row(*b.oa, "tun", rows).limit, 20u);
    // do_tune_cpucache's allocations: 6.x a percpu unit (32 KiB), 2.6.32 kmalloc (4 MiB).
    const std::string too_big = "tun " + std::to_string(max_cpucache_limit(f) + 1) + " 1 0";
    EXPECT_EQ(write_errno([&] { b.oa->slabinfo_write(b.cpu(), too_big); }), ENOMEM);
    EXPECT_EQ(max_cpucache_limit(f), f == Flavour::linux_2_6 ? 524285u : 4094u);
    EXPECT_TRUE(b.oa->kmem_cache_free(b.cpu(), *c, o));
    b.oa->check_invariants();
  }
}

TEST(SlabTunables, LimitZeroSendsEveryAllocationAndFreeToTheNodeLists) {
  for (Flavour f : {Flavour::linux_2_6, Flavour::linux_6}) {
    for (bool global : {false, true}) {
      ObjectAllocatorConfig oc;
      if (global) oc.slab_limit = 0;
      Booted b(f, "slab", testing::small_machine(2, 64), oc);
      KmemCache* c = b.oa->kmem_cache_create(b.cpu(), "bare", 200, 0, 0, false);
      if (!global) {
        CacheTunables t;
        t.limit = 0;
        b.oa->set_tunables(b.cpu(), *c, t);
      }
      const auto& sc = static_cast<const Slab&>(*b.oa).cache(*c);
      EXPECT_EQ(sc.g.limit, 0u);
      EXPECT_FALSE(sc.node[0].shared);
      std::vector<sim::VirtAddr> objs;
      for (unsigned i = 0; i < 100; ++i)
        objs.push_back(b.oa->kmem_cache_alloc(b.cpu(i % 4), *c, b.gfp("GFP_KERNEL")));
      b.oa->check_invariants();
      for (unsigned i = 0; i < objs.size(); ++i)
        EXPECT_TRUE(b.oa->kmem_cache_free(b.cpu((i + 1) % 4), *c, objs[i]));
      b.oa->check_invariants();
      EXPECT_EQ(c->stats.alloc_fastpath, 0u);
      EXPECT_EQ(c->stats.free_fastpath, 0u);
      EXPECT_EQ(c->stats.refills, 100u);
      EXPECT_EQ(c->stats.allocs, 100u);
      for (const ArrayCache& ac : sc.array) EXPECT_EQ(ac.avail, 0u);
    }
  }
}

TEST(SlabTunables, CacheReapDrainsAFifthOfTheLimitFromUntouchedArrays) {
  Booted b(Flavour::linux_6, "slab");
  KmemCache* c = b.oa->kmem_cache_create(b.cpu(), "reap", 100, 0, 0, false);
  b.oa->slabinfo_write(b.cpu(), "reap 20 10 0");
  const auto& ac = static_cast<const Slab&>(*b.oa).cache(*c).array[0];
  const sim::VirtAddr o = b.oa->kmem_cache_alloc(b.cpu(), *c, b.gfp("GFP_KERNEL"));
  EXPECT_EQ(ac.avail, 9u);  // a refill of batchcount 10, one handed out
  EXPECT_TRUE(b.oa->kmem_cache_free(b.cpu(), *c, o));
  EXPECT_EQ(ac.avail, 10u);
  // drain_array: a touched array is only untouched; then (limit + 4) / 5 = 4
  // each time, or half (rounded up) of what is left when that is fewer.
  std::vector<std::uint32_t> seen;
  for (int i = 0; i < 5; ++i) {
    b.oa->cache_reap_now(b.cpu());
    seen.push_back(ac.avail);
  }
  EXPECT_EQ(seen, (std::vector<std::uint32_t>{10, 6, 2, 1, 0}));
  b.oa->check_invariants();
}

// The lowest object offset in each slab, in creation order, with limit 0 so
// that every allocation takes the next object of the newest slab.
std::vector<std::uint64_t> slab_offsets(Booted& b, KmemCache& c, unsigned slabs) {
  const SlabGeometry& g = static_cast<const Slab&>(*b.oa).cache(c).g;
  const std::uint64_t bytes = kPageSize << g.order;
  std::vector<std::uint64_t> out;
  for (unsigned s = 0; s < slabs; ++s) {
    const std::uint64_t p =
        b.oa->kmem_cache_alloc(b.cpu(), c, b.gfp("GFP_KERNEL")) - b.hm.page_offset();
    out.push_back(p % bytes);
    for (unsigned i = 1; i < g.num; ++i) b.oa->kmem_cache_alloc(b.cpu(), c, b.gfp("GFP_KERNEL"));
  }
  return out;
}

TEST(SlabColourKnobs, StepOfEightGivesLeftoverOverEightColoursEightBytesApart) {
  ObjectAllocatorConfig oc;
  oc.slab_limit = 0;
  oc.slab_colour_step = 8;
  Booted b(Flavour::linux_6, "slab", testing::small_machine(1, 64), oc);
  KmemCache* c = b.oa->kmem_cache_create(b.cpu(), "step", 100, 0, 0, false);
  const SlabGeometry& g = static_cast<const Slab&>(*b.oa).cache(*c).g;
  // 6.5: stride 104, freelist in an object: 39 objects, 40 bytes left.
  EXPECT_EQ(g.size, 104u);
  EXPECT_EQ(g.num, 39u);
  EXPECT_EQ(g.left_over, 40u);
  EXPECT_EQ(g.colour_off, 8u);
  EXPECT_EQ(g.colour, 5u);  // 40 / 8 (with the 64-byte default: 0)
  // cache_grow_begin (6.5): colour_next advances, then is used: 1, 2, 3, 4, 0, 1.
  EXPECT_EQ(slab_offsets(b, *c, 6), (std::vector<std::uint64_t>{8, 16, 24, 32, 0, 8}));
  b.oa->check_invariants();

  oc.slab_colour_max = 3;  // the cap shortens colour_next's cycle
  Booted capped(Flavour::linux_6, "slab", testing::small_machine(1, 64), oc);
  KmemCache* d = capped.oa->kmem_cache_create(capped.cpu(), "step", 100, 0, 0, false);
  EXPECT_EQ(static_cast<const Slab&>(*capped.oa).cache(*d).g.colour, 3u);
  EXPECT_EQ(slab_offsets(capped, *d, 6), (std::vector<std::uint64_t>{8, 16, 0, 8, 16, 0}));
}

TEST(SlabColourKnobs, StepNeverBreaksTheAlignment) {
  ObjectAllocatorConfig oc;
  oc.slab_colour_step = 8;
  Booted b(Flavour::linux_2_6, "slab", testing::small_machine(1, 64), oc);
  KmemCache* c = b.oa->kmem_cache_create(b.cpu(), "aligned", 384, 0, SLAB_HWCACHE_ALIGN, false);
  const SlabGeometry& g = static_cast<const Slab&>(*b.oa).cache(*c).g;
  EXPECT_EQ(g.colour_off, 64u);  // max(step, align)
  EXPECT_EQ(g.colour, g.left_over / 64);
}

TEST(SlabColourKnobs, ForcedColouringMakesRoomInPageSizedSlabs) {
  ObjectAllocatorConfig oc;
  oc.slab_limit = 0;
  Booted b(Flavour::linux_6, "slab", testing::small_machine(1, 64), oc);
  KmemCache* plain = b.oa->kmem_cache_create(b.cpu(), "plain", 4096, 0, 0, false);
  const SlabGeometry& gp = static_cast<const Slab&>(*b.oa).cache(*plain).g;
  EXPECT_EQ(gp.order, 0u);
  EXPECT_EQ(gp.num, 1u);
  EXPECT_EQ(gp.colour, 0u);
  KmemCacheArgs args;
  args.colouring = SlabColouring::forced;
  KmemCache* forced = b.oa->kmem_cache_create(b.cpu(), "forced", 4096, 0, 0, false, args);
  ASSERT_NE(forced, plain);  // never merged
  const SlabGeometry& g = static_cast<const Slab&>(*b.oa).cache(*forced).g;
  // One object per slab: the order doubles, then one of its two objects is given up.
  EXPECT_EQ(g.order, 1u);
  EXPECT_EQ(g.num, 1u);
  EXPECT_EQ(g.left_over, 4096u);
  EXPECT_EQ(g.colour, 64u);
  EXPECT_EQ(slab_offsets(b, *forced, 3), (std::vector<std::uint64_t>{64, 128, 192}));
  // Several objects per slab: one is given up.
  KmemCache* half = b.oa->kmem_cache_create(b.cpu(), "half", 1024, 0, 0, false, args);
  const SlabGeometry& gh = static_cast<const Slab&>(*b.oa).cache(*half).g;
  EXPECT_EQ(gh.num, 3u);
  EXPECT_EQ(gh.left_over, 1024u);
  EXPECT_EQ(gh.colour, 16u);
  b.oa->check_invariants();

  args.colouring = SlabColouring::off;
  KmemCache* off = b.oa->kmem_cache_create(b.cpu(), "off", 100, 0, 0, false, args);
  EXPECT_FALSE(static_cast<const Slab&>(*b.oa).cache(*off).colouring);
}

}  // namespace
}  // namespace allocsim::model
