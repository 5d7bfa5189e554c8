#pragma once
// SLAB (mm/slab.c): per-node full/partial/free slab lists, slab colouring,
// per-CPU array caches with shared and alien arrays, cache_reap, on- and
// off-slab management. linux-2.6 follows 2.6.32; linux-6 follows 6.5, the
// last kernel with SLAB (removed in 6.8).
#include <deque>
#include <memory>
#include <vector>

#include "model/jiffies.hpp"
#include "model/object_allocator.hpp"
#include "model/object_bitmap.hpp"
#include "model/slab_geometry.hpp"
#include "model/slab_layout.hpp"
#include "model/slab_list.hpp"
#include "model/slab_table.hpp"
#include "sim/spinlock.hpp"
#include "sim/work_queue.hpp"

namespace allocsim::model {

inline constexpr std::uint32_t kNoSlabId = kNoSlabIndex;
inline constexpr std::uint32_t kBufctlEnd = 0xffffffffu;  // BUFCTL_END

// struct slab (2.6.32) / the slab fields of struct page (6.5), plus host state.
struct SlabSlab {
  std::uint32_t cache = kNoSlabId;
  Pfn pfn{};
  unsigned order = 0;
  sim::NodeId node = 0;
  std::uint32_t inuse = 0;            // slabp->inuse / slab->active
  std::uint32_t free = kBufctlEnd;    // first free object (slabp->free)
  std::vector<std::uint32_t> bufctl;  // next free object of each free object
  ObjectBitmap live;                  // objects held by users (debug tracking)
  std::uint32_t colouroff = 0;        // colour offset in bytes
  std::uint32_t s_mem = 0;            // first object, bytes from the slab's start
  sim::PhysAddr mgmt{};               // struct slab / freelist address
  VirtAddr offslab_obj{};             // kmalloc'ed descriptor, NULL if on-slab
  enum class List : std::uint8_t { none, full, partial, free } list = List::none;
  std::uint32_t prev = kNoSlabId, next = kNoSlabId;
};

using SlabList = SlabIndexList;

// A slab's list_head: slabp->list in the management area.
struct SlabSlabLinks {
  sim::PhysAddr operator()(const SlabSlab& s) const { return s.mgmt + SlabMgmtLayout::list; }
};

// struct array_cache: LIFO of object addresses.
struct ArrayCache {
  std::uint32_t avail = 0, limit = 0, batchcount = 0;
  bool touched = false;
  std::vector<VirtAddr> entry;
  sim::PhysAddr addr{};
  std::unique_ptr<sim::SpinLock> lock;  // alien caches only
  sim::PhysAddr entry_addr(std::uint32_t i) const {
    return addr + ArrayCacheLayout::entry + std::uint64_t{ArrayCacheLayout::entry_bytes} * i;
  }
};

// struct kmem_list3 (2.6.32) / kmem_cache_node (6.5).
struct SlabNode {
  SlabList full, partial, free;
  std::uint64_t free_objects = 0, free_limit = 0, total_slabs = 0;
  std::uint32_t colour_next = 0;
  bool free_touched = false;
  std::uint64_t next_reap = 0;  // in jiffies: cache_reap's next pass over this node
  std::unique_ptr<ArrayCache> shared;
  std::vector<std::unique_ptr<ArrayCache>> alien;  // by remote node
  std::unique_ptr<sim::SpinLock> list_lock;
  sim::PhysAddr addr{};
};

struct SlabCache : KmemCache {
  std::uint32_t id = 0;
  SlabGeometry g;
  bool colouring = true;
  std::vector<ArrayCache> array;  // per CPU
  std::vector<SlabNode> node;
  bool destroyed = false;
  std::uint64_t grown = 0, alien_overflow = 0;
  std::vector<std::uint64_t> colour_used;  // slabs grown at each colour index
};

// Not final: the magazine design (model/magazine.hpp) layers over its slabs.
class Slab : public ObjectAllocator {
 public:
  Slab(PageAllocator& pa, Highmem& hm, const ObjectAllocatorConfig& cfg, DiagnosticLog& diag);
  ~Slab() override;

  KmemCache* kmem_cache_create(sim::Cpu& cpu, std::string_view name, std::uint32_t size,
                               std::uint32_t align, SlabFlags flags, bool ctor) override;
  void kmem_cache_destroy(sim::Cpu& cpu, KmemCache* c) override;
  int kmem_cache_shrink(sim::Cpu& cpu, KmemCache& c) override;
  // cache_reap: one pass on `cpu` over every cache (the work's body).
  void cache_reap(sim::Cpu& cpu);
  void cache_reap_now(sim::Cpu& cpu) override;
  // mm/slab.c:slabinfo_write and the tunables of a config (slab_tune.cpp).
  void slabinfo_write(sim::Cpu& cpu, std::string_view text) override;
  void set_tunables(sim::Cpu& cpu, KmemCache& c, const CacheTunables& t) override;
  std::vector<SlabinfoRow> slabinfo_rows() const override;
  void check_invariants() const override;

  const SlabCache& cache(const KmemCache& c) const { return static_cast<const SlabCache&>(c); }
  const SlabSlab& slab(std::uint32_t id) const { return slabs_[id]; }
  const SlabParams& params() const { return params_; }
  const Jiffies& jiffies() const { return jiffies_; }
  // The CPU's slab_reap_work, and the node whose alien caches it drains next.
  const sim::Work& reap_work(sim::CpuId cpu) const { return reap_work_[cpu]; }
  sim::NodeId reap_node(sim::CpuId cpu) const { return reap_node_[cpu]; }

 protected:
  Lookup lookup(VirtAddr addr) const override;
  SlabAccount account_of(std::uint32_t owner) const override;
  VirtAddr do_cache_alloc(sim::Cpu& cpu, KmemCache& c, Gfp gfp, int node) override;
  void do_cache_free(sim::Cpu& cpu, KmemCache& c, VirtAddr addr) override;
  std::uint64_t do_ksize(VirtAddr addr, const Lookup& l) const override;
  // Objects a design layered over these slabs keeps in caches of its own (the
  // magazine design's magazines): allocated from the slabs, not with users.
  virtual std::uint64_t objects_above_slabs(const SlabCache& /*c*/) const { return 0; }
  // A cache with its own colouring or slab_max_order (never merged).
  KmemCache* create_with_args(sim::Cpu& cpu, std::string_view name, std::uint32_t size,
                              std::uint32_t align, SlabFlags flags, bool ctor,
                              const KmemCacheArgs& args) override;

  SlabCache* create_cache(sim::Cpu& cpu, std::string_view name, std::uint32_t size,
                          std::uint32_t align, SlabFlags flags, bool ctor, bool general,
                          const KmemCacheArgs& args = {});
  void setup_arrays(sim::Cpu& cpu, SlabCache& c);
  void make_array(sim::Cpu& cpu, ArrayCache& ac, std::uint32_t limit, std::uint32_t batch,
                  sim::NodeId node);
  void make_alien_caches(sim::Cpu& cpu, SlabCache& c, sim::NodeId n);
  // do_tune_cpucache: new per-CPU and shared arrays, the old ones drained (slab_tune.cpp).
  void do_tune_cpucache(sim::Cpu& cpu, SlabCache& c, const CpucacheTunables& t);
  VirtAddr cache_alloc_refill(sim::Cpu& cpu, SlabCache& c, Gfp gfp);
  VirtAddr cache_alloc_node(sim::Cpu& cpu, SlabCache& c, Gfp gfp, sim::NodeId node);
  std::uint32_t cache_grow(sim::Cpu& cpu, SlabCache& c, Gfp gfp, int node);
  std::uint32_t cache_grow_begin(sim::Cpu& cpu, SlabCache& c, Gfp gfp, int node);
  void cache_grow_end(sim::Cpu& cpu, SlabCache& c, std::uint32_t id);
  std::uint32_t next_colour_offset(sim::Cpu& cpu, SlabCache& c, int node);
  void alloc_slabmgmt(sim::Cpu& cpu, SlabCache& c, SlabSlab& s);
  void cache_init_objs(sim::Cpu& cpu, SlabCache& c, SlabSlab& s);
  VirtAddr slab_get_obj(sim::Cpu& cpu, SlabCache& c, SlabSlab& s);
  void slab_put_obj(sim::Cpu& cpu, SlabCache& c, SlabSlab& s, std::uint32_t obj);
  void free_block(sim::Cpu& cpu, SlabCache& c, const VirtAddr* objs, std::uint32_t nr,
                  sim::NodeId node);
  void cache_flusharray(sim::Cpu& cpu, SlabCache& c, ArrayCache& ac);
  bool cache_free_alien(sim::Cpu& cpu, SlabCache& c, VirtAddr obj, sim::NodeId slab_node);
  // Both return the objects they took from the array.
  std::uint32_t drain_alien(sim::Cpu& cpu, SlabCache& c, ArrayCache& ac, sim::NodeId node);
  std::uint32_t drain_array(sim::Cpu& cpu, SlabCache& c, ArrayCache& ac, bool force,
                            sim::NodeId node);
  void start_cpu_timers();
  void queue_reap_work(sim::Cpu& cpu, sim::Cycles now, std::uint64_t j);
  // The per-CPU delayed work slab_reap_work (2.6.32: reap_work): cache_reap,
  // then re-arming itself.
  void slab_reap_work(sim::Cpu& cpu);
  std::uint32_t reap_alien(sim::Cpu& cpu, SlabCache& c, SlabNode& n);
  std::uint32_t drain_freelist(sim::Cpu& cpu, SlabCache& c, sim::NodeId node, std::uint64_t tofree);
  void slab_destroy(sim::Cpu& cpu, SlabCache& c, std::uint32_t id);
  std::uint32_t transfer_objects(sim::Cpu& cpu, ArrayCache& to, ArrayCache& from,
                                 std::uint32_t max);
  void list_add(const Charge& ch, SlabList& l, sim::PhysAddr head, std::uint32_t id, bool tail,
                SlabSlab::List which);
  void list_del(const Charge& ch, SlabList& l, sim::PhysAddr head, std::uint32_t id);
  void list_del_any(const Charge& ch, SlabNode& n, std::uint32_t id);  // off whichever list
  SlabList& list_of(SlabNode& n, SlabSlab::List which);
  std::uint32_t slab_of(VirtAddr addr) const;
  sim::PhysAddr obj_phys(const SlabSlab& s, const SlabCache& c, std::uint32_t i) const {
    return pa_.pfn_to_phys(s.pfn) + s.s_mem + std::uint64_t{i} * c.size;
  }
  // slab_bufctl(slabp)[obj] (2.6.32) / the freelist_idx_t of obj (6.5).
  static sim::PhysAddr bufctl_addr(const SlabSlab& s, const SlabCache& c, std::uint32_t obj) {
    return s.mgmt + SlabMgmtLayout::bufctl + std::uint64_t{c.g.bufctl_size} * obj;
  }
  std::uint32_t obj_index(const SlabSlab& s, const SlabCache& c, VirtAddr addr) const {
    return static_cast<std::uint32_t>((phys(addr) - pa_.pfn_to_phys(s.pfn) - s.s_mem) / c.size);
  }

  SlabParams params_;
  std::vector<std::unique_ptr<SlabCache>> caches_;
  SlabTable<SlabSlab, SlabSlabLinks, kFirstSlabOwner> slabs_{SlabSlabLinks{}};
  SlabCache* cache_cache_ = nullptr;  // "kmem_cache": the cache of cache descriptors
  bool general_ready_ = false;        // the kmalloc caches exist
  Gfp gfp_kernel_{}, gfp_thisnode_{};
  Jiffies jiffies_;
  std::deque<sim::MemberWork<Slab, &Slab::slab_reap_work>>
      reap_work_;                       // per CPU; a deque: the queues hold pointers
  std::vector<sim::NodeId> reap_node_;  // per CPU: slab_reap_node
};

}  // namespace allocsim::model
