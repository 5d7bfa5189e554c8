#pragma once
// SLUB (mm/slub.c): per-CPU active slab with a lockless freelist, per-CPU
// partial slabs (6.x), per-node partial lists bounded by min_partial, remote
// frees straight into the owning slab's freelist, and cache merging. No
// colouring, as in Linux. linux-2.6 follows 2.6.32 (no per-CPU partial lists,
// free pointer at offset 0), linux-6 follows 6.8.
#include <deque>
#include <memory>
#include <vector>

#include "model/kmalloc_type.hpp"
#include "model/object_allocator.hpp"
#include "model/object_bitmap.hpp"
#include "model/slab_list.hpp"
#include "model/slab_table.hpp"
#include "model/slub_geometry.hpp"
#include "model/slub_layout.hpp"
#include "model/slub_sheaf.hpp"
#include "sim/spinlock.hpp"

namespace allocsim::model {

inline constexpr std::uint32_t kNoSlab = kNoSlabIndex;
inline constexpr std::uint32_t kNoObject = 0xffffffffu;

// struct slab (the slab's head struct page) plus host-side bookkeeping.
struct SlubSlab {
  std::uint32_t cache = 0;  // index into the allocator's cache table
  Pfn pfn{};
  unsigned order = 0;
  sim::NodeId node = 0;
  std::uint32_t objects = 0;
  std::uint32_t inuse = 0;               // objects not on slab->freelist
  std::uint32_t freelist = kNoObject;    // slab->freelist (object index)
  std::vector<std::uint32_t> next_free;  // the free pointer each free object holds
  ObjectBitmap live;                     // objects held by users (debug tracking)
  enum class Where : std::uint8_t { none, cpu, cpu_partial, node_partial } where = Where::none;
  bool frozen = false;
  std::uint32_t prev = kNoSlab, next = kNoSlab;  // list links (node or cpu partial)
};

using SlubList = SlabIndexList;

// A slab's list_head: slab->slab_list in its head struct page.
struct SlubSlabLinks {
  const PageAllocator* pa;
  sim::PhysAddr operator()(const SlubSlab& s) const {
    return pa->page_desc(s.pfn) + SlubSlabLayout::slab_list;
  }
};

struct SlubCpu {  // struct kmem_cache_cpu
  std::uint32_t slab = kNoSlab;
  std::uint32_t freelist = kNoObject;  // the lockless per-CPU freelist (of `slab`)
  SlubList partial;                    // 6.x per-CPU partial slabs
  sim::PhysAddr addr{};
};

struct SlubNode {  // struct kmem_cache_node
  SlubList partial;
  // Free objects on `partial`: count_partial(n, count_free) kept as slabs move
  // on and off the list and objects are freed into them, so /proc/slabinfo
  // (sampled often) needs no walk of the list.
  std::uint64_t partial_free = 0;
  std::uint64_t nr_slabs = 0, total_objects = 0;
  std::unique_ptr<sim::SpinLock> list_lock;
  sim::PhysAddr addr{};
};

struct SlubCache : KmemCache {
  std::uint32_t id = 0;
  SlubGeometry g;
  std::vector<SlubCpu> cpu;
  std::vector<SlubNode> node;
  bool destroyed = false;
  // linux-6.18 sheaves (slub_sheaves.cpp); empty when g.sheaf_capacity is 0.
  std::vector<SlubPcs> pcs;                     // s->cpu_sheaves, per CPU
  std::vector<SlubBarn> barn;                   // kmem_cache_node->barn, per node
  std::vector<SlubSheaf> sheaf_pool;            // every sheaf, by index
  std::vector<std::uint32_t> free_sheaf_slots;  // pool slots of freed sheaves
  SheafStats sheaf_stats;
};

class Slub final : public ObjectAllocator {
 public:
  Slub(PageAllocator& pa, Highmem& hm, const ObjectAllocatorConfig& cfg, DiagnosticLog& diag);
  ~Slub() override;

  KmemCache* kmem_cache_create(sim::Cpu& cpu, std::string_view name, std::uint32_t size,
                               std::uint32_t align, SlabFlags flags, bool ctor) override;
  // Objects held in the cache's sheaves (main, spare, barn; not the rcu_free
  // sheaves, whose objects are still in use) and the bytes of
  // the sheaves and barns themselves.
  std::uint64_t sheaf_objects(const SlubCache& s) const;
  std::uint64_t sheaf_bytes(const SlubCache& s) const;
  const SheafStats* sheaf_stats(const KmemCache& c) const override;
  SheafUsage sheaf_usage(const KmemCache& c) const override;
  void kmem_cache_destroy(sim::Cpu& cpu, KmemCache* c) override;
  int kmem_cache_shrink(sim::Cpu& cpu, KmemCache& c) override;
  std::vector<SlabinfoRow> slabinfo_rows() const override;
  void check_invariants() const override;

  const SlubCache& cache(const KmemCache& c) const { return static_cast<const SlubCache&>(c); }
  const SlubSlab& slab(std::uint32_t id) const { return slabs_[id]; }
  const SlubParams& params() const { return params_; }
  // The /sys/kernel/slab/<cache>/ attributes (name -> text, as sysfs prints them).
  std::vector<std::pair<std::string, std::string>> sysfs(const KmemCache& c) const;
  std::optional<SysfsFiles> sysfs_slab(const KmemCache& c) const override { return sysfs(c); }
  // flush_all: every CPU's active and partial slabs back to the node lists.
  void flush_all(sim::Cpu& cpu, SlubCache& s);
  // cpu_partial_store, min_partial_store, shrink_store (mm/slub.c).
  void sysfs_slab_write(sim::Cpu& cpu, KmemCache& c, std::string_view attr,
                        std::string_view text) override;
  void set_tunables(sim::Cpu& cpu, KmemCache& c, const CacheTunables& t) override;

 protected:
  Lookup lookup(VirtAddr addr) const override;
  SlabAccount account_of(std::uint32_t owner) const override;
  VirtAddr do_cache_alloc(sim::Cpu& cpu, KmemCache& c, Gfp gfp, int node) override;
  void do_cache_free(sim::Cpu& cpu, KmemCache& c, VirtAddr addr) override;
  KmemCache* create_with_args(sim::Cpu& cpu, std::string_view name, std::uint32_t size,
                              std::uint32_t align, SlabFlags flags, bool ctor,
                              const KmemCacheArgs& args) override;
  // 6.18: kmalloc_slab picks the cache of kmalloc_type(gfp).
  VirtAddr do_kmalloc(sim::Cpu& cpu, std::uint64_t size, Gfp gfp, int node) override;
  // 6.18 kfree_rcu_sheaf / __kfree_rcu_sheaf (slub_sheaves.cpp).
  bool kfree_rcu_sheaf(sim::Cpu& cpu, KmemCache& c, VirtAddr addr) override;

 private:
  SlubCache* create_cache(sim::Cpu& cpu, std::string_view name, std::uint32_t size,
                          std::uint32_t align, SlabFlags flags, bool ctor, bool general,
                          const KmemCacheArgs& args = {});
  // The 6.8 per-CPU slab paths (slab_alloc_node / do_slab_free).
  VirtAddr slab_alloc_node(sim::Cpu& cpu, SlubCache& s, Gfp gfp, int node);
  void do_slab_free(sim::Cpu& cpu, SlubCache& s, VirtAddr addr);
  // Sheaves (slub_sheaves.cpp).
  void init_sheaves(sim::Cpu& cpu, SlubCache& s);
  void flush_sheaves(sim::Cpu& cpu, SlubCache& s, bool free_main);
  VirtAddr alloc_from_pcs(sim::Cpu& cpu, SlubCache& s, Gfp gfp, int node);
  bool free_to_pcs(sim::Cpu& cpu, SlubCache& s, VirtAddr addr);
  bool pcs_replace_empty_main(sim::Cpu& cpu, SlubCache& s, SlubPcs& pcs, Gfp gfp);
  bool pcs_replace_full_main(sim::Cpu& cpu, SlubCache& s, SlubPcs& pcs);
  std::uint32_t alloc_empty_sheaf(sim::Cpu& cpu, SlubCache& s, Gfp gfp);
  void free_empty_sheaf(sim::Cpu& cpu, SlubCache& s, std::uint32_t i);
  bool refill_sheaf(sim::Cpu& cpu, SlubCache& s, std::uint32_t i, Gfp gfp);
  void flush_sheaf(sim::Cpu& cpu, SlubCache& s, std::uint32_t i);
  SlubBarn& barn_of(SlubCache& s, sim::Cpu& cpu);
  void barn_lock(sim::Cpu& cpu, SlubBarn& b);
  void barn_move(sim::Cpu& cpu, SlubBarn& b, const SlubSheaf& sh, std::uint32_t list);
  std::uint32_t barn_take(sim::Cpu& cpu, SlubCache& s, SlubBarn& b, bool full);
  void barn_put(sim::Cpu& cpu, SlubCache& s, SlubBarn& b, std::uint32_t i, bool full);
  void set_live(VirtAddr addr, bool live);
  // call_rcu(&sheaf->rcu_head, rcu_free_sheaf or, from a flush, rcu_free_sheaf_nobarn).
  void submit_rcu_sheaf(sim::Cpu& cpu, SlubCache& s, std::uint32_t i, bool to_barn);
  void rcu_free_sheaf(sim::Cpu& cpu, SlubCache& s, std::uint32_t i, bool to_barn);
  struct RcuSheafCb final : RcuCallback {  // a = the cache id, b = sheaf | to_barn << 32
    explicit RcuSheafCb(Slub& o) : slub(o) {}
    void invoke(sim::Cpu& cpu, std::uint64_t a, std::uint64_t b) override;
    Slub& slub;
  } rcu_sheaf_cb_{*this};
  // add_partial / remove_partial: the node partial list and its free-object count.
  void add_partial(const Charge& ch, SlubNode& n, std::uint32_t id, bool tail);
  void remove_partial(const Charge& ch, SlubNode& n, std::uint32_t id);
  VirtAddr slab_alloc_slow(sim::Cpu& cpu, SlubCache& s, SlubCpu& c, Gfp gfp, int node);
  VirtAddr get_freelist(sim::Cpu& cpu, SlubCache& s, SlubCpu& c);
  bool take_cpu_partial(sim::Cpu& cpu, SlubCache& s, SlubCpu& c, int node);
  std::uint32_t new_slab(sim::Cpu& cpu, SlubCache& s, Gfp gfp, int node);
  void discard_slab(sim::Cpu& cpu, SlubCache& s, std::uint32_t id);
  std::uint32_t get_partial(sim::Cpu& cpu, SlubCache& s, SlubCpu& c, int node);
  std::uint32_t get_partial_node(sim::Cpu& cpu, SlubCache& s, SlubCpu& c, sim::NodeId node);
  void deactivate_slab(sim::Cpu& cpu, SlubCache& s, SlubCpu& c);
  void put_cpu_partial(sim::Cpu& cpu, SlubCache& s, SlubCpu& c, std::uint32_t id);
  void unfreeze_partials(sim::Cpu& cpu, SlubCache& s, SlubCpu& c);
  void slab_free_slow(sim::Cpu& cpu, SlubCache& s, std::uint32_t id, std::uint32_t obj);
  void slab_free_lists_6(sim::Cpu& cpu, SlubCache& s, std::uint32_t id, std::uint32_t prior);
  void slab_free_lists_2_6(sim::Cpu& cpu, SlubCache& s, std::uint32_t id, std::uint32_t prior);

  sim::PhysAddr obj_phys(const SlubSlab& sl, const SlubCache& s, std::uint32_t i) const {
    return pa_.pfn_to_phys(sl.pfn) + std::uint64_t{i} * s.size;
  }
  sim::PhysAddr slab_desc(const SlubSlab& sl) const { return pa_.page_desc(sl.pfn); }

  SlubParams params_;
  std::vector<std::unique_ptr<SlubCache>> caches_;  // by id; destroyed ones stay null
  SlabTable<SlubSlab, SlubSlabLinks, kFirstSlabOwner> slabs_{SlubSlabLinks{&pa_}};
  SlubCache* kmem_cache_ = nullptr;       // the cache of struct kmem_cache
  SlubCache* kmem_cache_node_ = nullptr;  // the cache of struct kmem_cache_node
  Gfp gfp_kernel_{}, gfp_thisnode_{}, gfp_reclaim_bits_{}, gfp_nowait_{};
  bool bypass_sheaves_ = false;  // sheaf and barn memory itself skips the sheaves
  bool kmalloc_ready_ = false;   // bootstrap_kmalloc_sheaves has run
  // 6.18 rcl, dma and cg kmalloc caches, parallel to kmalloc_caches_ (empty before 6.18).
  std::array<std::vector<KmemCache*>, 3> type_caches_;
  KmallocTypeBits type_bits_;
};

}  // namespace allocsim::model
