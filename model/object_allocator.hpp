#pragma once
// The object-allocator layer over the page allocator: kmem_cache_create and
// friends, the kmalloc family and the reports, with one implementation per
// Linux design (SLAB, SLUB, SLOB) behind this interface. Every slab page comes
// from the simulated buddy allocator on the CPU that asks, and every access the
// kernel code makes (descriptors, free lists, per-CPU arrays, free pointers,
// locks) is charged to that CPU. The designs register in model/slab_design.cpp.
//
// This class holds what the designs share: the kmalloc size classes, the large
// kmalloc path to the page allocator, kzalloc/krealloc/ksize, per-cache
// statistics, and the checks that turn a workload's bad free into a recorded
// diagnostic (DiagnosticLog) instead of a corrupted model.
#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/alloc_observer.hpp"
#include "model/diagnostics.hpp"
#include "model/highmem.hpp"
#include "model/kmalloc_index.hpp"
#include "model/kmem_cache_args.hpp"
#include "model/rcu.hpp"
#include "model/sheaf_stats.hpp"
#include "model/slab_design.hpp"
#include "model/slab_flags.hpp"
#include "model/slab_reap.hpp"
#include "model/slab_tunables.hpp"
#include "model/slabinfo.hpp"
#include "sim/stat_decl.hpp"

namespace allocsim::model {

using ObjectAllocatorConfig = SlabConfig;

// The largest object kmem_cache_create accepts (check_cache_args): one order-kMaxOrder slab.
inline constexpr std::uint32_t kMaxCacheObjectSize = kPageSize << kMaxOrder;

struct KmemCacheStats {
  std::uint64_t allocs = 0, frees = 0;
  std::uint64_t alloc_fastpath = 0;  // served from the per-CPU array / active slab
  std::uint64_t free_fastpath = 0;
  std::uint64_t refills = 0;  // slow paths: refill from the node lists / new slab
  std::uint64_t slabs_created = 0, slabs_freed = 0;
  std::uint64_t reaped = 0;        // slabs freed by SLAB's cache_reap
  std::uint64_t remote_frees = 0;  // objects freed on another node than the slab's
  std::uint64_t alloc_failures = 0;
  std::uint64_t bytes_req = 0, bytes_alloc = 0;  // cumulative, as perf kmem stat sums them

  static constexpr std::array<sim::FieldDecl<KmemCacheStats>, 12> kFields{{
      {{"allocs", "1", "objects allocated (kmalloc's included, except under SLOB)",
        "ObjectAllocator::kmem_cache_alloc and kmalloc (model/object_allocator.cpp)"},
       &KmemCacheStats::allocs},
      {{"frees", "1", "objects freed",
        "ObjectAllocator::kmem_cache_free and kfree (model/object_allocator.cpp)"},
       &KmemCacheStats::frees},
      {{"alloc_fastpath", "1",
        "allocations served by the per-CPU array (SLAB) or the active slab (SLUB)",
        "STATS_INC_ALLOCHIT in ____cache_alloc() (mm/slab.c); ALLOC_FASTPATH (mm/slub.c)"},
       &KmemCacheStats::alloc_fastpath},
      {{"free_fastpath", "1", "frees to the per-CPU array (SLAB) or the active slab (SLUB)",
        "STATS_INC_FREEHIT in ___cache_free() (mm/slab.c); FREE_FASTPATH (mm/slub.c)"},
       &KmemCacheStats::free_fastpath},
      {{"refills", "1", "slow-path allocations: a refill from the node lists or a new slab",
        "cache_alloc_refill() (mm/slab.c); ___slab_alloc(), ALLOC_SLOWPATH (mm/slub.c)"},
       &KmemCacheStats::refills},
      {{"slabs_created", "slabs", "slabs allocated for the cache",
        "cache_grow() (mm/slab.c); allocate_slab(), ALLOC_SLAB (mm/slub.c)"},
       &KmemCacheStats::slabs_created},
      {{"slabs_freed", "slabs", "slabs given back to the page allocator",
        "slab_destroy() (mm/slab.c); discard_slab(), FREE_SLAB (mm/slub.c)"},
       &KmemCacheStats::slabs_freed},
      {{"reaped", "slabs", "free slabs SLAB's periodic cache_reap gave back (0 in other designs)",
        "STATS_ADD_REAPED: drain_freelist() called from cache_reap() (mm/slab.c), slabinfo's "
        "<reaped>"},
       &KmemCacheStats::reaped},
      {{"remote_frees", "1", "objects freed on another node than their slab's",
        "cache_free_alien() (mm/slab.c); Slub::do_cache_free (model/slub.cpp)"},
       &KmemCacheStats::remote_frees},
      {{"alloc_failures", "1", "allocations that returned NULL",
        "ObjectAllocator (model/object_allocator.cpp)"},
       &KmemCacheStats::alloc_failures},
      {{"bytes_req", "bytes", "bytes requested, cumulative",
        "the kmalloc and kmem_cache_alloc tracepoints' bytes_req, summed like perf kmem stat"},
       &KmemCacheStats::bytes_req},
      {{"bytes_alloc", "bytes", "bytes allocated (what the allocator gave), cumulative",
        "the kmalloc and kmem_cache_alloc tracepoints' bytes_alloc, summed like perf kmem stat"},
       &KmemCacheStats::bytes_alloc},
  }};
  KmemCacheStats& operator+=(const KmemCacheStats& o) { return sim::add_fields(*this, o, kFields); }
};
static_assert(sim::declares_every_field(KmemCacheStats::kFields),
              "every KmemCacheStats field needs its declaration in KmemCacheStats::kFields");

// Slab pages as the kernel's vmstat counts them: NR_SLAB_RECLAIMABLE(_B) for
// the slabs of SLAB_RECLAIM_ACCOUNT caches, NR_SLAB_UNRECLAIMABLE(_B) for the
// others (6.x also large kmallocs and SLOB pages).
struct SlabPages {
  std::uint64_t reclaimable = 0;
  std::uint64_t unreclaimable = 0;
};

// The part of a kmem_cache every design has.
struct KmemCache {
  virtual ~KmemCache() = default;
  std::string name;
  std::uint32_t object_size = 0;  // what the creator asked for
  std::uint32_t size = 0;         // the stride of one object (slabinfo's objsize)
  std::uint32_t align = 0;
  SlabFlags flags = 0;
  bool has_ctor = false;               // a constructor writes every object when its slab is made
  std::uint32_t objects_per_slab = 0;  // at the cache's order; 0 for SLOB (no slabs of its own)
  bool general = false;                // one of the kmalloc caches
  int refcount = 1;                    // > 1 when other caches were merged into it
  bool merge_target = true;            // false for create_boot_cache caches (refcount -1 in Linux)
  std::vector<std::string> aliases;    // names of the caches merged into this one
  sim::PhysAddr desc{};                // the simulated struct kmem_cache
  std::uint64_t in_use = 0;            // objects handed out and not yet freed by their users
  KmemCacheStats stats;
};

class ObjectAllocator {
 public:
  // Builds the chosen design and its boot caches (the cache of caches, the
  // general caches). Boot-time work runs on CPU 0.
  static std::unique_ptr<ObjectAllocator> create(PageAllocator& pa, Highmem& hm,
                                                 const ObjectAllocatorConfig& cfg,
                                                 DiagnosticLog& diag);
  virtual ~ObjectAllocator() = default;
  ObjectAllocator(const ObjectAllocator&) = delete;
  ObjectAllocator& operator=(const ObjectAllocator&) = delete;

  const SlabDesignTraits& design() const { return design_; }
  const ObjectAllocatorConfig& config() const { return cfg_; }
  const KmallocSizes& kmalloc_sizes() const { return sizes_; }
  PageAllocator& page_allocator() { return pa_; }
  Highmem& highmem() { return hm_; }
  DiagnosticLog& diagnostics() { return diag_; }

  // --- kmem_cache API ------------------------------------------------------
  // Null (and a diagnostic-free failure) if the cache cannot be made; throws
  // std::invalid_argument for impossible parameters (size 0, align not a power of 2).
  virtual KmemCache* kmem_cache_create(sim::Cpu& cpu, std::string_view name, std::uint32_t size,
                                       std::uint32_t align, SlabFlags flags, bool ctor) = 0;
  // With 6.18 kmem_cache_args (sheaf_capacity, freeptr_offset): honoured by
  // linux-6.18 SLUB, ignored by the older kernels, which lack them. Throws
  // std::invalid_argument where 6.18's create_cache returns -EINVAL.
  KmemCache* kmem_cache_create(sim::Cpu& cpu, std::string_view name, std::uint32_t size,
                               std::uint32_t align, SlabFlags flags, bool ctor,
                               const KmemCacheArgs& args);
  // bytes_alloc as the kmem_cache_alloc tracepoint prints it for `c`: the
  // stride (s->size); SLOB prints its own rounding.
  virtual std::uint64_t cache_bytes_alloc(const KmemCache& c) const { return c.size; }
  // Frees the cache; objects still in use are reported (cache_busy) and the
  // cache is kept, as the kernel does.
  virtual void kmem_cache_destroy(sim::Cpu& cpu, KmemCache* c) = 0;
  // Releases free slabs; returns 0 if the cache is now empty of free slabs.
  virtual int kmem_cache_shrink(sim::Cpu& cpu, KmemCache& c) = 0;
  // 0 on failure. node -1: the CPU's own node (numa_mem_id()).
  VirtAddr kmem_cache_alloc(sim::Cpu& cpu, KmemCache& c, Gfp gfp, int node = -1);
  // False (with a diagnostic, nothing changed) for a bad free.
  bool kmem_cache_free(sim::Cpu& cpu, KmemCache& c, VirtAddr addr);

  // call_rcu(&obj->rcu, cb) whose cb does kmem_cache_free(c, obj): the object
  // stays allocated until a grace period has passed, then is freed on `cpu`.
  void kmem_cache_free_rcu(sim::Cpu& cpu, KmemCache& c, VirtAddr addr);

  // --- kmalloc -------------------------------------------------------------
  VirtAddr kmalloc(sim::Cpu& cpu, std::uint64_t size, Gfp gfp, int node = -1);
  VirtAddr kzalloc(sim::Cpu& cpu, std::uint64_t size, Gfp gfp, int node = -1);
  bool kfree(sim::Cpu& cpu, VirtAddr addr);
  // kfree_rcu(obj, rcu): kfree on `cpu` after a grace period (NULL: nothing).
  // The object stays allocated (ksize works, its slot is not reused) until then.
  void kfree_rcu(sim::Cpu& cpu, VirtAddr addr);
  // Usable size of a live kmalloc object (0 for NULL/ZERO_SIZE_PTR/unknown).
  std::uint64_t ksize(VirtAddr addr) const;
  VirtAddr krealloc(sim::Cpu& cpu, VirtAddr addr, std::uint64_t new_size, Gfp gfp);

  // --- housekeeping and reports ---------------------------------------------
  // The kernel's RCU (model/rcu.hpp), booted with the object allocator, its
  // main user: kfree_rcu, SLAB_TYPESAFE_BY_RCU slabs, SLOB's RCU frees.
  Rcu& rcu() { return *rcu_; }
  const Rcu& rcu() const { return *rcu_; }
  // /sys/kernel/slab/<cache>/ as (file, contents) pairs; nullopt when the
  // design has no /sys/kernel/slab (only SLUB has one).
  using SysfsFiles = std::vector<std::pair<std::string, std::string>>;
  virtual std::optional<SysfsFiles> sysfs_slab(const KmemCache& /*c*/) const {
    return std::nullopt;
  }
  // linux-6.18 SLUB sheaves of `c` (model/sheaf_stats.hpp): their counters,
  // null for a cache without sheaves, and what they hold now.
  virtual const SheafStats* sheaf_stats(const KmemCache& /*c*/) const { return nullptr; }
  virtual SheafUsage sheaf_usage(const KmemCache& /*c*/) const { return {}; }
  // SLAB's cache_reap run now on `cpu`, whenever its timer is due (which
  // stays as it is); throws std::invalid_argument for the designs without it.
  virtual void cache_reap_now(sim::Cpu& cpu);
  const CacheReapEvents& reap_events() const { return reap_events_; }

  // --- tunables, through the kernel's own interfaces (model/slab_tunables.hpp)
  // Each throws SlabTuneError where the kernel refuses the write, and
  // std::invalid_argument where the design lacks the interface.
  // A write of `text` to /sys/kernel/slab/<cache>/<attr> (SLUB).
  virtual void sysfs_slab_write(sim::Cpu& cpu, KmemCache& c, std::string_view attr,
                                std::string_view text);
  // A write of `text` to /proc/slabinfo (SLAB).
  virtual void slabinfo_write(sim::Cpu& cpu, std::string_view text);
  // A config's or workload's tunables for one cache, checked by the config
  // reader (SLAB limit 0 included); each design takes its own, ignores the rest.
  virtual void set_tunables(sim::Cpu& /*cpu*/, KmemCache& /*c*/, const CacheTunables& /*t*/) {}
  // Caches in /proc/slabinfo order (newest first), aliases excluded.
  virtual std::vector<const KmemCache*> slab_caches() const;
  // /proc/slabinfo (version 2.1); "" for a design without one (SLOB).
  std::string slabinfo() const;
  // Its rows, in the same order (SLOB: none).
  virtual std::vector<SlabinfoRow> slabinfo_rows() const = 0;
  // Throws std::logic_error on the first inconsistency in any cache.
  virtual void check_invariants() const = 0;
  // Pages currently held by the object allocator (slab pages, large kmallocs).
  std::uint64_t pages_held() const { return pages_held_; }
  std::uint64_t large_kmalloc_pages() const { return large_pages_; }
  // Counted slab pages of one zone (an index into PageAllocator::zones()), or
  // of every zone with -1. Scans the zone's pages: for reports, not hot paths.
  SlabPages slab_pages(int zone = -1) const;
  KmemCache* find_cache(std::string_view name) const;
  // The vmalloc range, so kfree() can name a vmalloc address for what it is.
  void set_vmalloc_range(VirtAddr start, VirtAddr end) {
    vmalloc_start_ = start;
    vmalloc_end_ = end;
  }
  bool is_vmalloc_addr(VirtAddr addr) const;
  // Every successful kmalloc/kfree/kmem_cache_alloc/kmem_cache_free from now
  // on is reported to `o` (null: none).
  void set_observer(AllocObserver* o) { observer_ = o; }

  static constexpr VirtAddr kZeroSizePtr{16};  // ZERO_SIZE_PTR

 protected:
  ObjectAllocator(PageAllocator& pa, Highmem& hm, const ObjectAllocatorConfig& cfg,
                  DiagnosticLog& diag);

  // What an address is, as far as the design knows.
  struct Lookup {
    enum State : std::uint8_t {
      unknown,      // not an object of this allocator
      live,         // the start of an object handed out to a user
      free_object,  // the start of an object that is free (double free)
      interior,     // inside an object, not its start
      large,        // a large kmalloc (pages straight from the page allocator)
    } state = unknown;
    KmemCache* cache = nullptr;
    unsigned order = 0;  // large: the allocation order
  };
  // Which vmstat counter a page with design owner id `owner` (>= kFirstSlabOwner) is in.
  enum class SlabAccount : std::uint8_t { none, reclaimable, unreclaimable };
  virtual SlabAccount account_of(std::uint32_t owner) const = 0;
  // The design's view of a slab address (large kmallocs are recognised here first).
  virtual Lookup lookup(VirtAddr addr) const = 0;
  Lookup classify(VirtAddr addr) const;
  virtual VirtAddr do_cache_alloc(sim::Cpu& cpu, KmemCache& c, Gfp gfp, int node) = 0;
  // kmem_cache_create with args, for the designs that have them (6.18 SLUB).
  virtual KmemCache* create_with_args(sim::Cpu& cpu, std::string_view name, std::uint32_t size,
                                      std::uint32_t align, SlabFlags flags, bool ctor,
                                      const KmemCacheArgs& /*args*/) {
    return kmem_cache_create(cpu, name, size, align, flags, ctor);
  }
  // The object was checked to be live in `c`.
  virtual void do_cache_free(sim::Cpu& cpu, KmemCache& c, VirtAddr addr) = 0;
  // kvfree_call_rcu's kfree_rcu_sheaf (6.18): true when the design took the
  // live object `addr` of `c` into a per-CPU RCU batch of its own; false: the
  // common kvfree_rcu path queues it.
  virtual bool kfree_rcu_sheaf(sim::Cpu& /*cpu*/, KmemCache& /*c*/, VirtAddr /*addr*/) {
    return false;
  }
  // The end of a kfree_rcu whose object the design batched: the user's free
  // is counted and reported now; the design has already put the object back.
  void rcu_batch_freed(sim::Cpu& cpu, KmemCache& c, VirtAddr addr);
  // kmalloc backend: the default uses the general caches and the large path.
  virtual VirtAddr do_kmalloc(sim::Cpu& cpu, std::uint64_t size, Gfp gfp, int node);
  // False (after reporting) when the design refuses the free.
  virtual bool do_kfree(sim::Cpu& cpu, VirtAddr addr, const Lookup& l);
  // The per-cache counters of one allocation (bytes_req as requested) and of
  // one free of a live object through the design's do_cache_free.
  void count_alloc(KmemCache& c, std::uint64_t bytes_req);
  void free_object(sim::Cpu& cpu, KmemCache& c, VirtAddr addr);
  virtual std::uint64_t do_ksize(VirtAddr addr, const Lookup& l) const;

  // Pages for slabs (and large kmallocs): alloc_pages on the CPU, on `node`
  // when >= 0 (__GFP_THISNODE semantics left to the gfp), tagged with an owner
  // id that lookup() implementations read back with page_owner().
  std::optional<Pfn> alloc_slab_pages(sim::Cpu& cpu, Gfp gfp, unsigned order, int node,
                                      std::uint32_t owner);
  void free_slab_pages(sim::Cpu& cpu, Pfn pfn, unsigned order);
  // A SLAB_TYPESAFE_BY_RCU slab of `c` leaving the cache: its pages go back
  // through free_slab_pages after a grace period (mm/slab.c:slab_destroy ->
  // call_rcu(kmem_rcu_free); mm/slub.c:free_slab -> call_rcu(rcu_free_slab)),
  // with `offslab` (a kmalloc'd descriptor, 0: none) kfree'd alongside. Until
  // then they stay slab pages of no slab. `head`: the struct rcu_head.
  void free_slab_pages_rcu(sim::Cpu& cpu, const KmemCache& c, Pfn pfn, unsigned order,
                           sim::PhysAddr head, VirtAddr offslab = {});
  // How the pages of a slab waiting for its grace period are counted: by the
  // cache's SLAB_RECLAIM_ACCOUNT (`reclaimable`).
  virtual SlabAccount rcu_account(bool reclaimable) const {
    return reclaimable ? SlabAccount::reclaimable : SlabAccount::unreclaimable;
  }
  void set_page_owner(Pfn pfn, unsigned order, std::uint32_t owner);
  // Owner id of the page holding `addr` (0: none). Ids 1 and up are the design's.
  std::uint32_t page_owner(VirtAddr addr) const;
  std::uint32_t page_owner_pfn(Pfn pfn) const;
  VirtAddr large_kmalloc(sim::Cpu& cpu, std::uint64_t size, Gfp gfp, int node);

  // Alignment a general cache is created with: ARCH_KMALLOC_MINALIGN, and in
  // 6.x create_boot_cache also the natural alignment of power-of-two sizes.
  std::uint32_t kmalloc_align(std::uint32_t size) const;
  VirtAddr virt(sim::PhysAddr phys) const;  // linear map
  sim::PhysAddr phys(VirtAddr virt) const;
  void report(sim::Cpu& cpu, DiagKind kind, VirtAddr addr, const KmemCache* c, std::string detail);
  // Cost of a constructor or __GFP_ZERO: writes over the object.
  void write_object(sim::Cpu& cpu, VirtAddr addr, std::uint32_t bytes);
  // Simulated kernel memory for metadata the kernel keeps in per-CPU chunks,
  // boot memory or its own descriptor caches before they exist: bump-allocated
  // from pages taken (and kept) on `node`.
  sim::PhysAddr meta_alloc(sim::Cpu& cpu, sim::NodeId node, std::uint32_t bytes,
                           std::uint32_t align = 64);
  // Per-CPU data (alloc_percpu): each CPU's unit is its own chunk on its node,
  // so two CPUs' copies never share a cache line.
  sim::PhysAddr percpu_alloc(sim::Cpu& cpu, sim::CpuId owner, std::uint32_t bytes,
                             std::uint32_t align);
  // slab_common.c:find_mergeable + __kmem_cache_alias (6.x; SLUB also in
  // 2.6.32): an existing cache the new one can share, already counted as an
  // alias, or null. Honours kernel.slab_merge.
  KmemCache* merge_alias(std::string_view name, std::uint32_t size, std::uint32_t align,
                         SlabFlags flags, bool ctor);
  // kmem_cache_create's sanity checks: throws std::invalid_argument.
  static void check_cache_args(std::string_view name, std::uint32_t size, std::uint32_t align);
  void register_cache(KmemCache* c);  // appended to slab_caches order
  void unregister_cache(KmemCache* c);

  PageAllocator& pa_;
  Highmem& hm_;
  ObjectAllocatorConfig cfg_;
  const SlabDesignTraits& design_;
  DiagnosticLog& diag_;
  KmallocSizes sizes_;
  std::vector<KmemCache*> kmalloc_caches_;  // parallel to sizes_.caches()
  std::vector<KmemCache*> all_caches_;      // creation order
  std::vector<std::uint32_t> owner_;        // mem_map index -> owner id
  std::uint64_t pages_held_ = 0, large_pages_ = 0;
  CacheReapEvents reap_events_;                         // counted by the designs that reap (SLAB)
  static constexpr std::uint32_t kLargeOwner = 1;       // pages of a large kmalloc
  static constexpr std::uint32_t kMetaOwner = 2;        // meta_alloc pages
  static constexpr std::uint32_t kRcuOwner = 3;         // a freed RCU slab's pages, unreclaimable
  static constexpr std::uint32_t kRcuReclaimOwner = 4;  // the same, SLAB_RECLAIM_ACCOUNT
  static constexpr std::uint32_t kFirstSlabOwner = 5;   // the design's own ids start here
  struct MetaChunk {
    sim::PhysAddr next{}, end{};
  };
  std::vector<MetaChunk> meta_;    // per node
  std::vector<MetaChunk> percpu_;  // per CPU
  sim::PhysAddr bump(sim::Cpu& cpu, MetaChunk& m, sim::NodeId node, std::uint32_t bytes,
                     std::uint32_t align);
  Gfp gfp_zero_{}, gfp_comp_{};  // this flavour's __GFP_ZERO, __GFP_COMP bits
  VirtAddr vmalloc_start_, vmalloc_end_;
  AllocObserver* observer_ = nullptr;
  std::unique_ptr<Rcu> rcu_;
  // The rcu_head funcs: kfree (a = the object), kmem_cache_free (a = the
  // cache, b = the object), a slab's pages (a = pfn | order << 56, b = offslab).
  struct KfreeCb final : RcuCallback {
    explicit KfreeCb(ObjectAllocator& o) : oa(o) {}
    void invoke(sim::Cpu& cpu, std::uint64_t a, std::uint64_t b) override;
    ObjectAllocator& oa;
  } kfree_cb_{*this};
  struct CacheFreeCb final : RcuCallback {
    explicit CacheFreeCb(ObjectAllocator& o) : oa(o) {}
    void invoke(sim::Cpu& cpu, std::uint64_t a, std::uint64_t b) override;
    ObjectAllocator& oa;
  } cache_free_cb_{*this};
  struct SlabFreeCb final : RcuCallback {
    explicit SlabFreeCb(ObjectAllocator& o) : oa(o) {}
    void invoke(sim::Cpu& cpu, std::uint64_t a, std::uint64_t b) override;
    ObjectAllocator& oa;
  } slab_free_cb_{*this};
  void notify(sim::Cpu& cpu, AllocEvent::Kind kind, VirtAddr ptr, std::uint64_t req,
              std::uint64_t alloc, Gfp gfp, int node, const KmemCache* c) const {
    if (observer_)
      observer_->on_event({kind, cpu.id(), cpu.now(), ptr.value(), req, alloc, gfp, node,
                           c ? std::string_view(c->name) : std::string_view()});
  }
};

}  // namespace allocsim::model
