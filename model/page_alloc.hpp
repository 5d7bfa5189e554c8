#pragma once
// The zoned page-frame allocator (mm/page_alloc.c) running on the simulated
// machine: nodes and zones, mem_map, buddy lists, watermarks and lowmem
// reserves, per-CPU page lists, NUMA zonelists, and a page-cache stand-in that
// kswapd and direct reclaim take pages back from. Every metadata access is
// charged to the CPU that makes it.
#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "model/alloc_flags.hpp"
#include "model/buddy.hpp"
#include "model/diagnostics.hpp"
#include "model/gfp.hpp"
#include "model/jiffies.hpp"
#include "model/kernel_config.hpp"
#include "model/mem_map.hpp"
#include "model/page_alloc_rules.hpp"
#include "model/zone.hpp"
#include "sim/machine.hpp"
#include "sim/stat_decl.hpp"

namespace allocsim::model {

struct AllocFailure {
  sim::Cycles time;
  sim::CpuId cpu;
  unsigned order;
  Gfp gfp;
  std::vector<std::uint64_t> zone_free;  // NR_FREE_PAGES of every zone when it failed
};

// A free the kernel would report with bad_page(): recorded, never applied.
// A zone's free lists as /proc/pagetypeinfo prints them: free blocks per
// migratetype (the flavour's numbering) and order, and pageblocks per type.
struct WarmFreeArea {
  std::array<std::array<std::uint64_t, kNrOrders>, kMaxMigrateTypes> free{};
  std::array<std::uint64_t, kMaxMigrateTypes> blocks{};
};
struct WarmFreeAreaResult {
  std::uint64_t free_pages = 0;      // pages now on the zone's free lists
  std::uint64_t held_pages = 0;      // pages the model had free that stay allocated
  std::uint64_t missing_blocks = 0;  // wanted blocks that found no room
};

struct BadPage {
  sim::Cycles time;
  sim::CpuId cpu;
  Pfn pfn;
  unsigned order;  // the order given to the free
  DiagKind kind;
  std::string reason;
};

struct VmEvents {
  std::uint64_t pgalloc = 0, pgfree = 0, allocstall = 0, pgsteal_kswapd = 0, pgsteal_direct = 0;
  std::uint64_t kswapd_wakeups = 0, kswapd_runs = 0, kswapd_cycles = 0;
  std::uint64_t compact_or_fail = 0;  // allocations that would need compaction (order > 0 failures)
  // The periodic vmstat work (model/vmstat_work.cpp).
  std::uint64_t vmstat_updates = 0, pcp_high_decays = 0, pcp_decay_pages = 0;
  std::uint64_t pcp_expire_pages = 0;

  // Every field, in the order the results' counters table lists them.
  static constexpr std::array<sim::FieldDecl<VmEvents>, 13> kFields{{
      {{"pgalloc", "pages", "pages allocated (2^order per allocation)",
        "PGALLOC: __count_zone_vm_events() (2.6.32), __count_zid_vm_events() (6.x) in "
        "mm/page_alloc.c"},
       &VmEvents::pgalloc},
      {{"pgfree", "pages", "pages freed, reclaimed page-cache pages included",
        "PGFREE: __count_vm_events(PGFREE, 1 << order) in mm/page_alloc.c"},
       &VmEvents::pgfree},
      {{"allocstall", "1", "direct-reclaim passes of allocations (each retry counts)",
        "ALLOCSTALL: do_try_to_free_pages() in mm/vmscan.c"},
       &VmEvents::allocstall},
      {{"pgsteal_kswapd", "pages", "pages reclaimed by kswapd",
        "PGSTEAL_KSWAPD: shrink_inactive_list() in mm/vmscan.c"},
       &VmEvents::pgsteal_kswapd},
      {{"pgsteal_direct", "pages", "pages reclaimed by direct reclaim",
        "PGSTEAL_DIRECT: shrink_inactive_list() in mm/vmscan.c"},
       &VmEvents::pgsteal_direct},
      {{"kswapd_wakeups", "1", "requests to wake a node's kswapd",
        "wakeup_kswapd() calls (mm/vmscan.c; model/reclaim.cpp)"},
       &VmEvents::kswapd_wakeups},
      {{"kswapd_runs", "1", "kswapd passes", "balance_pgdat() runs, like PAGEOUTRUN (mm/vmscan.c)"},
       &VmEvents::kswapd_runs},
      {{"kswapd_cycles", "cycles",
        "cycles kswapd spent in balance_pgdat, lock waits included, on the CPUs it ran on",
        "the clock of the CPU running kswapd's work, end minus start (model/reclaim.cpp)"},
       &VmEvents::kswapd_cycles},
      {{"compact_or_fail", "1",
        "order > 0 allocations that failed and would have needed compaction (not modelled)",
        "PageAllocator::record_failure (model/page_alloc.cpp)"},
       &VmEvents::compact_or_fail},
      {{"vmstat_updates", "1", "runs of a CPU's periodic vmstat work",
        "vmstat_update() in mm/vmstat.c (refresh_cpu_vm_stats; not a Linux counter)"},
       &VmEvents::vmstat_updates},
      {{"pcp_high_decays", "1", "times a vmstat pass lowered a pcp list's high (6.x)",
        "decay_pcp_high() in mm/page_alloc.c (6.7+; not a Linux counter)"},
       &VmEvents::pcp_high_decays},
      {{"pcp_decay_pages", "pages", "pages decay_pcp_high drained from pcp lists above high (6.x)",
        "decay_pcp_high() -> free_pcppages_bulk() (not a Linux counter)"},
       &VmEvents::pcp_decay_pages},
      {{"pcp_expire_pages", "pages",
        "pages drained from remote nodes' pcp lists after 3 idle vmstat passes",
        "refresh_cpu_vm_stats() -> drain_zone_pages() in mm/vmstat.c (CONFIG_NUMA; not a Linux "
        "counter)"},
       &VmEvents::pcp_expire_pages},
  }};
};
static_assert(sim::declares_every_field(VmEvents::kFields),
              "every VmEvents field needs its declaration in VmEvents::kFields");

// kswapd_cycles split by the CPU that ran kswapd (registered for every CPU).
inline constexpr sim::RegistryDecl kKswapdCpuCycles{
    {"kswapd.cycles", "cycles", "cycles this CPU spent running a node's kswapd",
     "PageAllocator::Kswapd::run (model/reclaim.cpp): the CPU's clock, end minus start"},
    sim::StatScope::cpu};

// How often the model passed the places where Linux emits the page
// allocator's kmem tracepoints (include/trace/events/kmem.h), so that a replay
// can set them beside a recording's counts. Kept apart from the counters
// table: they restate what VmEvents and ZoneCounters already show in sums.
struct PageTracepoints {
  // trace_mm_page_alloc: successful allocations per order (__alloc_pages).
  std::array<std::uint64_t, kNrOrders> mm_page_alloc{};
  // trace_mm_page_alloc_zone_locked with percpu_refill=1, in pages: the
  // blocks rmqueue_bulk() moves from the buddy lists onto a pcp list.
  std::uint64_t pcp_refill_pages = 0;
};

class PageAllocator {
 public:
  PageAllocator(sim::Machine& machine, const KernelConfig& config);
  ~PageAllocator();
  PageAllocator(const PageAllocator&) = delete;
  PageAllocator& operator=(const PageAllocator&) = delete;

  // alloc_pages(): the first pfn of 2^order pages, or nothing.
  std::optional<Pfn> alloc_pages(sim::Cpu& cpu, Gfp gfp, unsigned order);
  // The same from node `nid`'s zonelist (an invalid nid means the CPU's node).
  std::optional<Pfn> alloc_pages_node(sim::Cpu& cpu, sim::NodeId nid, Gfp gfp, unsigned order);
  // __free_pages(): false (and a BadPage record) if the block is not an
  // allocated block of that order; the state is then left untouched.
  bool free_pages(sim::Cpu& cpu, Pfn pfn, unsigned order);

  // A page-cache page (GFP_HIGHUSER_MOVABLE, order 0) put on its node's LRU,
  // where reclaim can take it back.
  std::optional<Pfn> alloc_page_cache(sim::Cpu& cpu);

  // Drains every pcp list of a CPU (drain_local_pages).
  void drain_local_pages(sim::Cpu& cpu);

  Flavour flavour() const { return config_.flavour; }
  const KernelConfig& config() const { return config_; }
  sim::Machine& machine() { return machine_; }
  const sim::Machine& machine() const { return machine_; }
  const MemMap& mem_map() const { return map_; }
  const std::vector<Zone>& zones() const { return zones_; }
  std::vector<Zone>& zones() { return zones_; }
  // Zones of a node in index order (null where the node lacks that index).
  const Zone* zone_of(sim::NodeId node, unsigned idx) const;
  // N_NORMAL_MEMORY: a populated zone at or below ZONE_NORMAL (an i386 node
  // that is all HIGHMEM has none).
  bool has_normal_memory(sim::NodeId node) const;
  // MAX_NR_ZONES of the simulated kernel (5 with linux-6.18's ZONE_DEVICE).
  unsigned nr_zone_indices() const {
    return model::nr_zone_indices(config_.flavour, machine_.config().arch, config_.zone_device);
  }
  const std::vector<unsigned>& zonelist(sim::NodeId node) const { return zonelists_[node]; }
  const std::vector<sim::NodeId>& node_order(sim::NodeId node) const { return node_orders_[node]; }
  std::uint64_t min_free_kbytes() const { return min_free_kbytes_; }
  unsigned pageblock_order() const { return config_.pageblock_order; }
  const Buddy& buddy() const { return *buddy_; }
  // page_group_by_mobility_disabled (kernel.mobility_grouping: false, or too
  // little memory: decide_mobility_grouping).
  bool group_by_mobility_disabled() const { return buddy_->group_by_mobility_disabled(); }
  // build_all_zonelists' vm_total_pages, the pages the grouping decision counts.
  std::uint64_t vm_total_pages() const { return vm_total_pages_; }
  std::uint64_t page_cache_pages(sim::NodeId node) const { return lru_[node].count; }
  // The CPUs node `node`'s kswapd runs on (model/reclaim.cpp).
  const std::vector<sim::CpuId>& kswapd_cpus(sim::NodeId node) const;

  const std::vector<AllocFailure>& failures() const { return failures_; }
  const std::vector<BadPage>& bad_pages() const { return bad_pages_; }
  // Where bad page frees are also reported (the kernel's log, as for the slab
  // allocators: recorded, or the run stops); none by default.
  void set_diagnostics(DiagnosticLog* log) { diag_ = log; }
  const VmEvents& events() const { return events_; }
  const PageTracepoints& tracepoints() const { return tracepoints_; }
  // Kernel time at this kernel's CONFIG_HZ.
  const Jiffies& jiffies() const { return jiffies_; }

  // A replay's warm start (model/warm_free_area.cpp): zone `zone`'s free
  // lists become exactly `want` (a recording's pagetypeinfo); what the model
  // had free beyond it stays allocated, as the recorded kernel's memory in use.
  WarmFreeAreaResult warm_free_area(std::size_t zone, const WarmFreeArea& want);
  // `cpu`'s pcp list of zone `zone` holds `count` order-0 movable pages and
  // its high is `high`, widening high_max to it (the recorded kernel's
  // auto-tuned high may exceed the model's bound). The pages come from what
  // warm_free_area left allocated, else from the buddy lists (as
  // rmqueue_bulk() would). Returns the pages moved: fewer when there are not
  // enough.
  std::uint64_t warm_pcp(sim::Cpu& cpu, std::size_t zone, std::uint64_t count, std::int64_t high);
  // Up to `pages` of what warm_free_area left allocated on `node` (highest
  // zone first, as GFP_HIGHUSER_MOVABLE prefers) become page-cache pages on
  // the node's LRU, which reclaim can take. Returns the pages moved.
  std::uint64_t warm_page_cache(sim::NodeId node, std::uint64_t pages);
  // Pages warm_free_area left allocated on `node` and nothing took since.
  std::uint64_t warm_held_pages(sim::NodeId node) const;

  // Physical address of a frame, and of its simulated struct page.
  // PFN_PHYS() and PHYS_PFN() (include/linux/pfn.h).
  sim::PhysAddr pfn_to_phys(Pfn pfn) const { return sim::PhysAddr(pfn.value() << kPageShift); }
  Pfn phys_to_pfn(sim::PhysAddr phys) const { return Pfn(phys.value() >> kPageShift); }
  sim::PhysAddr page_desc(Pfn pfn) const { return map_.desc_addr(map_.index(pfn)); }
  bool is_highmem(Pfn pfn) const;

  // Throws std::logic_error describing the first inconsistency: free counts
  // against list contents, overlapping or uncoalesced free blocks, pages
  // neither free, on a pcp list, reserved nor allocated.
  void check_invariants() const;

 private:
  friend class Kswapd;
  class Kswapd;

  void build_zones();
  void setup_watermarks();
  void setup_pcp_areas();
  void setup_pcp_sizes();
  void start_kswapd();
  // The periodic vmstat work (model/vmstat_work.cpp).
  void start_vmstat_work();
  void vmstat_update(sim::Cpu& cpu);
  void vmstat_shepherd(sim::Cpu& cpu);
  // mm/vmstat.c's per-CPU vmstat_work and 6.x's shepherd (deferrable delayed_work).
  using VmstatUpdate = sim::MemberWork<PageAllocator, &PageAllocator::vmstat_update>;
  using VmstatShepherd = sim::MemberWork<PageAllocator, &PageAllocator::vmstat_shepherd>;
  bool need_update(sim::CpuId cpu) const;
  bool refresh_cpu_vm_stats(sim::Cpu& cpu);
  bool decay_pcp_high(sim::Cpu& cpu, Zone& z, PerCpuPages& pcp);
  void drain_zone_pages(sim::Cpu& cpu, Zone& z, PerCpuPages& pcp);
  std::uint64_t stat_interval_jiffies() const {
    return std::uint64_t{config_.stat_interval} * jiffies_.hz();
  }
  void build_zonelists();
  void setup_zone_migrate_reserve(Zone& z);
  void free_boot_memory();
  void decide_mobility_grouping();

  std::uint32_t get_page_from_freelist(sim::Cpu& cpu, Gfp gfp, unsigned order, AllocFlags flags,
                                       int high_zoneidx, unsigned mt,
                                       const std::vector<unsigned>& zonelist, unsigned* zone_out);
  std::uint32_t rmqueue(sim::Cpu& cpu, Zone& z, unsigned order, Gfp gfp, const AllocFlags& flags,
                        unsigned mt);
  std::uint32_t rmqueue_pcplist(sim::Cpu& cpu, Zone& z, unsigned order, unsigned mt, bool cold,
                                const AllocFlags& flags);
  std::uint64_t rmqueue_bulk(sim::Cpu& cpu, Zone& z, unsigned order, std::uint64_t count,
                             unsigned mt, unsigned pindex, bool cold, const AllocFlags& flags);
  void free_to_pcp(sim::Cpu& cpu, Zone& z, std::uint32_t idx, unsigned order);
  void free_pcppages_bulk(const Charge& c, Zone& z, std::int64_t count, PerCpuPages& pcp,
                          unsigned pindex);
  std::int64_t nr_pcp_high(PerCpuPages& pcp, const Zone& z, bool free_high) const;
  std::int64_t nr_pcp_alloc(PerCpuPages& pcp, const Zone& z, unsigned order) const;
  void free_to_buddy(const Charge& c, Zone& z, std::uint32_t idx, unsigned order);
  bool watermark_ok(const Zone& z, unsigned order, std::uint64_t mark, int high_zoneidx,
                    const AllocFlags& flags) const;
  std::uint64_t wmark_pages(const Zone& z, Wmark w) const;
  void zone_statistics(const Zone& preferred, Zone& z, const sim::Cpu& cpu);
  void prep_new_page(sim::Cpu& cpu, std::uint32_t idx, unsigned order, Gfp gfp, unsigned mt);
  // Why free_pages(pfn, order) is bad (free_pages_check / bad_page in
  // mm/page_alloc.c), with time and CPU left 0; nothing for a good free.
  std::optional<BadPage> check_free(Pfn pfn, unsigned order) const;
  void record_failure(sim::Cpu& cpu, Gfp gfp, unsigned order);

  // Reclaim of the page-cache stand-in.
  void wakeup_kswapd(sim::NodeId node, sim::Cpu& waker);
  // Reclaims up to `pages` of the node's page cache on `cpu` (PGSTEAL_KSWAPD
  // or PGSTEAL_DIRECT by `kswapd`).
  std::uint64_t reclaim_node(sim::NodeId node, std::uint64_t pages, sim::Cpu& cpu, bool kswapd);
  bool node_balanced(sim::NodeId node) const;

  sim::Machine& machine_;
  KernelConfig config_;
  PageAllocRules rules_ = page_alloc_rules(config_.flavour);  // 6.18's changes, or none
  MemMap map_;
  PageLayout layout_;
  std::unique_ptr<Buddy> buddy_;
  PageListOps lists_;
  std::vector<Zone> zones_;
  std::vector<std::vector<int>> node_zone_;       // node -> zone idx -> index in zones_ (-1: none)
  std::vector<std::vector<unsigned>> zonelists_;  // node -> zones_ indices in fallback order
  std::vector<std::vector<unsigned>> thisnode_zonelists_;  // __GFP_THISNODE: the node's own zones
  bool zone_reclaim_mode_ = false;                         // 2.6.32: set when a distance exceeds 20
  std::vector<std::vector<sim::NodeId>> node_orders_;
  std::uint64_t min_free_kbytes_ = 0;
  std::uint64_t vm_total_pages_ = 0;
  Gfp page_cache_gfp_{};                 // GFP_HIGHUSER_MOVABLE in this flavour's bits
  std::vector<FreeList> lru_;            // per node: page-cache stand-in, oldest at the tail
  std::vector<sim::PhysAddr> lru_head_;  // simulated lruvec list heads
  std::vector<std::unique_ptr<sim::SpinLock>> lru_lock_;
  std::vector<std::unique_ptr<Kswapd>> kswapd_;
  std::vector<sim::Counter*> kswapd_cpu_cycles_;  // per CPU: kKswapdCpuCycles
  Jiffies jiffies_;
  std::vector<std::unique_ptr<VmstatUpdate>> vmstat_work_;  // per CPU
  std::unique_ptr<VmstatShepherd> shepherd_;                // 6.x, on CPU 0
  // One per CPU (kswapd runs as a CPU's work), reserved at boot: reclaim
  // allocates nothing, and a reclaimer that another interrupts at a lock keeps
  // its own isolated pages.
  std::vector<std::vector<std::uint32_t>> reclaim_scratch_;
  std::vector<std::vector<std::uint32_t>> warm_held_;  // per zone: warm_free_area's kept pages
  std::vector<AllocFailure> failures_;
  std::vector<BadPage> bad_pages_;
  DiagnosticLog* diag_ = nullptr;
  VmEvents events_;
  PageTracepoints tracepoints_;
  static constexpr std::size_t kMaxRecords = 4096;  // failure and bad-page records kept
};

}  // namespace allocsim::model
