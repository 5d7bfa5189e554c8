#pragma once
// The magazine design (kernel.slab: magazine): the magazine and depot layer of
// Bonwick and Adams, "Magazines and Vmem: Extending the Slab Allocator to Many
// CPUs and Arbitrary Resources" (USENIX 2001), as Solaris/illumos kmem
// implements it (usr/src/uts/common/os/kmem.c), over SLAB's slab layer (its
// node lists, colouring and growth; model/slab.hpp). Not a Linux design: it
// runs under every flavour, with SLAB's kmalloc caches and /proc/slabinfo.
//
// Each CPU holds a loaded and a previous magazine of M rounds (object
// pointers). An allocation pops the loaded magazine; when it is empty and the
// previous one is full the two swap; else the depot (one lock per cache) takes
// the previous magazine as an empty one and gives a full one; else the object
// comes from the slab layer. Frees are symmetric, and a free that finds no
// empty magazine in the depot allocates one from the magazine cache of its M
// (kmem_magazine_<M>), whose own objects bypass the magazine layer.
#include <array>
#include <cstdint>
#include <memory>
#include <vector>

#include "model/slab.hpp"
#include "sim/spinlock.hpp"

namespace allocsim::model {

// kmem_magtype_t: magazine size (rounds), the magazine cache's alignment, and
// the chunk sizes it is for (illumos kmem.c kmem_magtype[]).
struct MagazineType {
  std::uint32_t rounds, align, minbuf, maxbuf;
};
inline constexpr std::array<MagazineType, 9> kMagazineTypes{{
    {1, 8, 3200, 65536},
    {3, 16, 256, 32768},
    {7, 32, 64, 16384},
    {15, 64, 0, 8192},
    {31, 64, 0, 4096},
    {47, 64, 0, 2048},
    {63, 64, 0, 1024},
    {95, 64, 0, 512},
    {143, 64, 0, 0},
}};
// The largest magazine: kernel.magazine_rounds accepts 1 up to it.
inline constexpr unsigned kMaxMagazineRounds = kMagazineTypes.back().rounds;

// kmem_cache_create: the first type whose mt_minbuf is below the chunk size.
constexpr const MagazineType& magazine_type_for(std::uint32_t chunksize) {
  std::size_t i = 0;
  while (chunksize <= kMagazineTypes[i].minbuf) ++i;
  return kMagazineTypes[i];
}
// The magazine cache's alignment for `rounds` set by hand: that of the
// smallest type with at least as many rounds.
constexpr std::uint32_t magazine_align(std::uint32_t rounds) {
  for (const MagazineType& t : kMagazineTypes)
    if (t.rounds >= rounds) return t.align;
  return kMagazineTypes.back().align;
}

inline constexpr std::uint32_t kNoMagazine = 0xffffffffu;

// kmem_magazine_t: mag_next (the depot's list link) then mag_round[M].
struct KmemMagazine {
  VirtAddr addr{};                   // the magazine object (kmem_magazine_<M>)
  std::vector<VirtAddr> round;       // M slots
  std::uint32_t next = kNoMagazine;  // mag_next
};

// kmem_cpu_cache_t: the loaded and previous magazines with their rounds (-1:
// none loaded).
struct MagazineCpu {
  std::uint32_t loaded = kNoMagazine, prev = kNoMagazine;
  int rounds = -1, prounds = -1;
  sim::PhysAddr addr{};
};

// The magazine layer of one cache: rounds 0 means none (the magazine caches).
struct MagazineCache {
  bool ready = false;  // set up (an alias returned by kmem_cache_create is already)
  std::uint32_t rounds = 0;
  KmemCache* magazine_cache = nullptr;
  std::vector<MagazineCpu> cpu;
  // The depot (cache_depot_lock, cache_full, cache_empty): stacks of magazines.
  std::uint32_t full = kNoMagazine, empty = kNoMagazine;
  std::uint64_t nfull = 0, nempty = 0;
  std::unique_ptr<sim::SpinLock> depot_lock;
  sim::PhysAddr depot{};
  // Counters: hits in the loaded magazine, swaps with the previous one, depot
  // exchanges, magazines allocated, objects from and to the slab layer.
  std::uint64_t loaded_allocs = 0, loaded_frees = 0, swaps = 0;
  std::uint64_t full_taken = 0, empty_taken = 0, magazines_allocated = 0;
  std::uint64_t slab_allocs = 0, slab_frees = 0;
};

class Magazine final : public Slab {
 public:
  Magazine(PageAllocator& pa, Highmem& hm, const ObjectAllocatorConfig& cfg, DiagnosticLog& diag);

  KmemCache* kmem_cache_create(sim::Cpu& cpu, std::string_view name, std::uint32_t size,
                               std::uint32_t align, SlabFlags flags, bool ctor) override;
  int kmem_cache_shrink(sim::Cpu& cpu, KmemCache& c) override;
  std::vector<SlabinfoRow> slabinfo_rows() const override;
  void check_invariants() const override;

  const MagazineCache& magazines(const KmemCache& c) const {
    return mag_[static_cast<const SlabCache&>(c).id];
  }

 protected:
  VirtAddr do_cache_alloc(sim::Cpu& cpu, KmemCache& c, Gfp gfp, int node) override;
  void do_cache_free(sim::Cpu& cpu, KmemCache& c, VirtAddr addr) override;
  std::uint64_t objects_above_slabs(const SlabCache& c) const override;

 private:
  void setup_magazines(sim::Cpu& cpu, SlabCache& c);
  KmemCache* magazine_cache(sim::Cpu& cpu, std::uint32_t rounds);
  VirtAddr slab_alloc(sim::Cpu& cpu, SlabCache& c, Gfp gfp, sim::NodeId node);
  void slab_free(sim::Cpu& cpu, SlabCache& c, VirtAddr obj);
  // The depot's lists under its lock: pop one (kNoMagazine if none), push one.
  std::uint32_t depot_alloc(sim::Cpu& cpu, MagazineCache& m, bool full);
  void depot_free(sim::Cpu& cpu, MagazineCache& m, std::uint32_t mag, bool full);
  void reload(sim::Cpu& cpu, MagazineCpu& cc, std::uint32_t mag, int rounds);
  // kmem_cache_magazine_purge: every round to the slab layer, every magazine freed.
  void purge(sim::Cpu& cpu, SlabCache& c);
  void free_magazine(sim::Cpu& cpu, SlabCache& c, std::uint32_t mag, int rounds);
  std::uint32_t new_magazine(sim::Cpu& cpu, MagazineCache& m);
  // mag_round[i] of a magazine (after mag_next).
  sim::PhysAddr round_addr(const KmemMagazine& mg, int i) const {
    return phys(mg.addr) + std::uint64_t{word_} * (1 + static_cast<std::uint64_t>(i));
  }

  std::uint32_t word_ = 8;
  Gfp gfp_nowait_{};
  std::vector<MagazineCache> mag_;  // by SlabCache::id
  std::vector<KmemMagazine> mags_;  // every magazine, by id
  std::vector<std::uint32_t> free_ids_;
  std::vector<std::pair<std::uint32_t, KmemCache*>> magazine_caches_;  // by rounds
};

}  // namespace allocsim::model
