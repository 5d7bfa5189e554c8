// Boot of the page allocator: zones from the layout, mem_map and descriptors
// placed in node memory, free memory handed to the buddy allocator, then
// watermarks, lowmem reserves, pcp sizes and zonelists, in the kernel's order
// (mem_init, then init_per_zone_wmark_min, then the pagesets).
#include <algorithm>
#include <bit>
#include <stdexcept>

#include "model/kernel_math.hpp"
#include "model/kswapd.hpp"
#include "model/page_alloc.hpp"
#include "model/pcp_sizing.hpp"
#include "model/watermarks.hpp"
#include "model/zone_layout.hpp"
#include "model/zonelist_order.hpp"

namespace allocsim::model {

namespace {
constexpr std::uint32_t kPcpBytes = 256;  // simulated struct per_cpu_pages, rounded to lines
constexpr std::uint32_t kNodeHeaderBytes =
    4096;  // pg_data_t fields before node_zones[] (lruvec, kswapd)
}  // namespace

void PageAllocator::build_zones() {
  const sim::MachineConfig& mc = machine_.config();
  std::vector<ZoneSpec> specs = config_.zones.empty() ? derive_zones(mc) : config_.zones;
  check_zones(mc, specs);
  std::sort(specs.begin(), specs.end(), [&](const ZoneSpec& a, const ZoneSpec& b) {
    return a.node != b.node ? a.node < b.node
                            : zone_index(mc.arch, a.type) < zone_index(mc.arch, b.type);
  });

  Pfn lo(~0ull), hi{};
  for (const auto& m : mc.node_memory) {
    if (!m.bytes) continue;
    lo = std::min(lo, phys_to_pfn(m.start));
    hi = std::max(hi, phys_to_pfn(m.start + m.bytes));
  }
  if (hi - lo > kNilIndex) throw std::invalid_argument("too many page frames for one mem_map");
  map_ = MemMap(lo, hi);
  layout_ = PageLayout{mc.arch == sim::Arch::x86_64 ? 64u : 32u};
  lists_ = PageListOps{&map_, layout_};

  // Node-local mem_map and pg_data_t, as memblock places them at boot.
  sim::BootMemory& boot = machine_.boot_memory();
  std::vector<sim::PhysAddr> pgdat(mc.nodes);
  lru_.assign(mc.nodes, FreeList{});
  lru_head_.assign(mc.nodes, sim::PhysAddr{});
  for (sim::NodeId n = 0; n < mc.nodes; ++n) {
    const auto& m = mc.node_memory[n];
    if (!m.bytes) continue;
    const Pfn start = phys_to_pfn(m.start), end = phys_to_pfn(m.start + m.bytes);
    const sim::PhysAddr memmap =
        boot.alloc((end - start) * layout_.size, kPageSize, n, machine_.lowmem_limit());
    map_.set_node_memmap(start, end, memmap, layout_.size);
    pgdat[n] = boot.alloc(kNodeHeaderBytes + nr_zone_indices() * ZoneLayout::size, 64, n,
                          machine_.lowmem_limit());
    lru_head_[n] = pgdat[n] + 64;
  }
  for (sim::NodeId n = 0; n < mc.nodes; ++n)
    lru_lock_.push_back(
        std::make_unique<sim::SpinLock>(machine_.make_lock(pgdat[n] + 128, "lru_lock")));

  node_zone_.assign(mc.nodes, std::vector<int>(kMaxNrZones, -1));
  zones_.reserve(specs.size());
  for (const ZoneSpec& s : specs) {
    Zone z;
    z.type = s.type;
    z.idx = static_cast<unsigned>(zone_index(mc.arch, s.type));
    z.node = s.node;
    z.zone_start_pfn = Pfn(s.start_pfn);  // a config number
    z.spanned_pages = s.spanned;
    z.present_pages = s.present;
    z.addr = pgdat[s.node] + kNodeHeaderBytes + z.idx * ZoneLayout::size;
    z.lock = std::make_unique<sim::SpinLock>(machine_.make_lock(z.addr + ZoneLayout::lock, "zone"));
    const std::uint64_t first_block = s.start_pfn >> config_.pageblock_order;
    const std::uint64_t last_block = (s.start_pfn + s.spanned - 1) >> config_.pageblock_order;
    // memmap_init marks a block MOVABLE at its aligned first pfn; a block whose
    // first pfn lies outside the zone (or in a hole) keeps type 0, Unmovable.
    z.pageblock_mt.assign(last_block - first_block + 1, 0);
    node_zone_[s.node][z.idx] = static_cast<int>(zones_.size());
    zones_.push_back(std::move(z));
  }

  // Page records: holes first (the ISA hole, then any other missing pages at
  // the end of the span), the rest present and reserved until freed at boot.
  const unsigned movable = migrate_types(config_.flavour).movable;
  for (std::size_t zi = 0; zi < zones_.size(); ++zi) {
    Zone& z = zones_[zi];
    const Pfn start = z.zone_start_pfn, end = start + z.spanned_pages;
    std::uint64_t holes = z.spanned_pages - z.present_pages;
    std::uint64_t isa = 0;
    const Pfn isa_start(kIsaHole.start_pfn), isa_end(kIsaHole.end_pfn);
    if (start < isa_end && isa_start < end)
      isa = std::min(end, isa_end) - std::max(start, isa_start);
    isa = std::min(isa, holes);
    std::uint64_t tail_holes = holes - isa;
    for (Pfn pfn = start; pfn < end; ++pfn) {
      Page& p = map_.page(pfn);
      const bool in_isa = isa && pfn >= isa_start && pfn < isa_end;
      const bool in_tail = pfn >= end - tail_holes;
      p.zone = static_cast<std::uint8_t>(zi);
      p.flags = (in_isa || in_tail) ? PG_nomap : PG_reserved;
      if (!(p.flags & PG_nomap) && (pfn.value() & ((1ull << config_.pageblock_order) - 1)) == 0)
        buddy_->set_pageblock_mt(z, pfn, movable);
    }
  }
}

void PageAllocator::free_boot_memory() {
  // Boot reservations (memblock) stay PG_reserved; everything else is freed.
  std::vector<std::pair<Pfn, Pfn>> reserved;
  for (const auto& r : machine_.boot_memory().reserved())
    // PFN_DOWN(start), PFN_UP(end)
    reserved.emplace_back(phys_to_pfn(r.start), phys_to_pfn(r.start + r.bytes + kPageSize - 1));
  // Sorted and merged, so a page's test is a binary search: a scan of every
  // reservation (one per CPU's per-CPU area) per page made boot O(pages x CPUs).
  std::sort(reserved.begin(), reserved.end());
  std::vector<std::pair<Pfn, Pfn>> merged;
  for (const auto& r : reserved) {
    if (!merged.empty() && r.first <= merged.back().second)
      merged.back().second = std::max(merged.back().second, r.second);
    else
      merged.push_back(r);
  }
  auto is_reserved = [&](Pfn pfn) {
    auto after = std::upper_bound(merged.begin(), merged.end(), pfn,
                                  [](Pfn p, const std::pair<Pfn, Pfn>& r) { return p < r.first; });
    return after != merged.begin() && pfn < std::prev(after)->second;
  };
  for (Zone& z : zones_) {
    const Pfn start = z.zone_start_pfn, end = start + z.spanned_pages;
    std::uint64_t boot_reserved = 0;
    for (Pfn pfn = start; pfn < end; ++pfn)
      if (!(map_.page(pfn).flags & PG_nomap) && is_reserved(pfn)) ++boot_reserved;
    // An explicit managed count reserves further pages (firmware, kernel
    // image) from the start of the zone.
    const ZoneSpec* spec = nullptr;
    for (const ZoneSpec& s : config_.zones)
      if (s.node == z.node && s.type == z.type) spec = &s;
    std::uint64_t extra = 0;
    if (spec && spec->managed && z.present_pages - boot_reserved > *spec->managed)
      extra = z.present_pages - boot_reserved - *spec->managed;
    z.managed_pages = z.present_pages - boot_reserved - extra;

    // __free_pages_memory: the largest aligned blocks of each free run.
    Pfn pfn = start;
    while (pfn < end) {
      const Page& p = map_.page(pfn);
      if ((p.flags & PG_nomap) || is_reserved(pfn) || extra) {
        if (!(p.flags & PG_nomap) && !is_reserved(pfn) && extra) --extra;
        ++pfn;
        continue;
      }
      Pfn run_end = pfn;
      while (run_end < end && !(map_.page(run_end).flags & PG_nomap) && !is_reserved(run_end))
        ++run_end;
      while (pfn < run_end) {
        unsigned order = std::min<unsigned>(
            kMaxOrder, static_cast<unsigned>(std::countr_zero(pfn.value() | (1ull << 63))));
        while (pfn + (1ull << order) > run_end) --order;
        for (Pfn q = pfn; q < pfn + (1ull << order); ++q) map_.page(q).flags = 0;
        // 6.x __free_pages_core frees to the tail (FPI_TO_TAIL); 2.6 to the head.
        buddy_->free_one_page(z, map_.index(pfn), order, buddy_->pageblock_mt(z, pfn), Charge{},
                              config_.flavour != Flavour::linux_2_6);
        pfn += 1ull << order;
      }
    }
  }
}

// build_all_zonelists (2.6.32 and 6.x) turns grouping off when
// vm_total_pages < pageblock_nr_pages * MIGRATE_TYPES. It runs after
// memmap_init, so the pageblocks stay Movable until a fallback steals them;
// the watermarks are not set yet (high is 0). vm_total_pages is
// nr_free_pagecache_pages(): the pages of every populated zone up to
// ZONE_MOVABLE, present pages in 2.6.32, managed pages in 6.x.
void PageAllocator::decide_mobility_grouping() {
  const bool v6 = config_.flavour != Flavour::linux_2_6;
  vm_total_pages_ = 0;
  for (const Zone& z : zones_)
    if (z.populated() && z.type != ZoneType::device)
      vm_total_pages_ += v6 ? z.managed_pages : z.present_pages;
  const std::uint64_t needed =
      (1ull << config_.pageblock_order) * migrate_types(config_.flavour).count;
  if (!config_.mobility_grouping || vm_total_pages_ < needed)
    buddy_->set_group_by_mobility_disabled(true);
}

void PageAllocator::setup_watermarks() {
  const bool v6 = config_.flavour != Flavour::linux_2_6;
  auto size_of = [&](const Zone& z) { return v6 ? z.managed_pages : z.present_pages; };
  std::uint64_t lowmem_pages = 0;
  unsigned lowmem_zones = 0;
  for (const Zone& z : zones_)
    if (!is_highmem_like(z.type)) {
      lowmem_pages += size_of(z);
      lowmem_zones += z.populated();
    }
  if (config_.min_free_kbytes) {
    min_free_kbytes_ = *config_.min_free_kbytes;
  } else {
    min_free_kbytes_ =
        calculate_min_free_kbytes(config_.flavour, lowmem_pages << (kPageShift - 10));
    if (v6 && config_.transparent_hugepage)
      min_free_kbytes_ = thp_min_free_kbytes(min_free_kbytes_, lowmem_zones,
                                             1ull << config_.pageblock_order, lowmem_pages);
  }
  std::vector<ZoneWmarkInput> inputs;
  for (const Zone& z : zones_)
    inputs.push_back(
        {z.type == ZoneType::highmem || (v6 && z.type == ZoneType::movable), size_of(z)});
  const std::vector<Watermarks> w = setup_per_zone_wmarks(config_.flavour, min_free_kbytes_,
                                                          config_.watermark_scale_factor, inputs);
  for (std::size_t i = 0; i < zones_.size(); ++i)
    zones_[i].wmark = {w[i].min, w[i].low, w[i].high, w[i].promo};

  const auto ratio = config_.lowmem_reserve_ratio
                         ? *config_.lowmem_reserve_ratio
                         : default_lowmem_reserve_ratio(config_.flavour, machine_.config().arch);
  for (sim::NodeId n = 0; n < node_zone_.size(); ++n) {
    std::array<std::uint64_t, kMaxNrZones> pages{};
    for (unsigned i = 0; i < kMaxNrZones; ++i)
      if (node_zone_[n][i] >= 0) pages[i] = size_of(zones_[node_zone_[n][i]]);
    const auto reserve =
        setup_per_zone_lowmem_reserve(config_.flavour, pages, ratio, nr_zone_indices());
    for (unsigned i = 0; i < kMaxNrZones; ++i)
      if (node_zone_[n][i] >= 0) zones_[node_zone_[n][i]].lowmem_reserve = reserve[i];
  }
  if (!v6)
    for (Zone& z : zones_) setup_zone_migrate_reserve(z);
}

// setup_zone_migrate_reserve (2.6.32): up to two MOVABLE pageblocks per zone,
// scanned from the zone start, become MIGRATE_RESERVE with their free pages.
void PageAllocator::setup_zone_migrate_reserve(Zone& z) {
  const MigrateTypes t = migrate_types(config_.flavour);
  const std::uint64_t pbn = 1ull << config_.pageblock_order;
  std::uint64_t reserve =
      std::min<std::uint64_t>(2, ((z.wmark.min + pbn - 1) / pbn * pbn) >> config_.pageblock_order);
  const Pfn end = z.zone_start_pfn + z.spanned_pages;
  for (Pfn pfn = align_up(z.zone_start_pfn, pbn); pfn < end; pfn += pbn) {
    const Page& p = map_.page(pfn);
    if (p.flags & PG_nomap) continue;
    const unsigned mt = buddy_->pageblock_mt(z, pfn);
    if (reserve > 0 && mt == t.reserve) {
      --reserve;
      continue;
    }
    if (reserve > 0 && mt == t.movable) {
      buddy_->set_pageblock_mt(z, pfn, t.reserve);
      buddy_->move_freepages_block(z, map_.index(pfn), t.reserve, Charge{});
      --reserve;
      continue;
    }
    if (mt == t.reserve) {  // more than needed: give the block back
      buddy_->set_pageblock_mt(z, pfn, t.movable);
      buddy_->move_freepages_block(z, map_.index(pfn), t.movable, Charge{});
    }
  }
}

// Per-CPU pagesets live in each CPU's node (alloc_percpu); they are boot
// reservations, so they are placed before free memory goes to the buddy.
void PageAllocator::setup_pcp_areas() {
  const sim::Topology& topo = machine_.topology();
  const std::uint32_t cpus = machine_.cpus();
  for (sim::CpuId c = 0; c < cpus; ++c) {
    const sim::PhysAddr base = machine_.boot_memory().alloc(
        zones_.size() * kPcpBytes, 64, topo.node_of_cpu(c), machine_.lowmem_limit());
    for (std::size_t zi = 0; zi < zones_.size(); ++zi) {
      if (zones_[zi].pcp.empty()) zones_[zi].pcp.assign(cpus, PerCpuPages{});
      zones_[zi].pcp[c].addr = base + zi * kPcpBytes;
    }
  }
}

// zone_pcp_update / setup_pageset: batch and high per flavour (pcp high of
// 6.x depends on the low watermark, so this follows the watermarks).
void PageAllocator::setup_pcp_sizes() {
  const sim::Topology& topo = machine_.topology();
  const std::uint32_t cpus = machine_.cpus();
  // update_per_cpu_data_slice_size_cpu (drivers/base/cacheinfo.c, 6.7+): the
  // LLC's size over the CPUs sharing it (shared_cpu_map's weight).
  std::vector<std::uint32_t> llc_sharers(topo.llc_domains(), 0);
  for (sim::CpuId c = 0; c < cpus; ++c) ++llc_sharers[topo.llc_of_cpu(c)];
  for (Zone& z : zones_) {
    const auto type = static_cast<unsigned>(z.type);
    const PcpOverride o{config_.pcp_batch[type], config_.pcp_high[type]};
    const PcpSizes s = config_.flavour == Flavour::linux_2_6
                           ? pcp_sizes_2_6(z.present_pages, o)
                           : pcp_sizes_6(z.managed_pages, z.wmark.low,
                                         static_cast<unsigned>(topo.cpus_of_node(z.node).size()),
                                         cpus, config_.percpu_pagelist_high_fraction, o);
    for (PerCpuPages& p : z.pcp) {
      p.batch = s.batch;
      p.high = s.high;
      p.high_min = s.high_min;
      p.high_max = s.high_max;
    }
    if (config_.flavour == Flavour::linux_2_6) continue;
    // zone_pcp_update_cacheinfo (6.7+): PCPF_FREE_HIGH_BATCH when the CPU's
    // data cache slice holds more than three batches of pages.
    for (sim::CpuId c = 0; c < cpus; ++c) {
      const std::uint64_t slice =
          machine_.config().llc.size_bytes / llc_sharers[topo.llc_of_cpu(c)];
      z.pcp[c].free_high_batch =
          (slice >> kPageShift) > 3 * static_cast<std::uint64_t>(z.pcp[c].batch);
    }
  }
}

void PageAllocator::build_zonelists() {
  const sim::MachineConfig& mc = machine_.config();
  const sim::Topology& topo = machine_.topology();
  std::vector<bool> has_cpus(mc.nodes), has_memory(mc.nodes);
  for (sim::NodeId n = 0; n < mc.nodes; ++n) {
    has_cpus[n] = !topo.cpus_of_node(n).empty();
    for (int zi : node_zone_[n])
      has_memory[n] = has_memory[n] || (zi >= 0 && zones_[zi].populated());
  }
  node_orders_ = build_node_orders(config_.flavour, topo.distance_matrix(), has_cpus, has_memory);

  // 2.6.32 default_zonelist_order(): zone order unless DMA/DMA32 is absent,
  // large (> half of memory), dominates a big node (> 70 %), or a node lacks
  // a populated Normal zone. 6.x always uses node order.
  bool zone_order = false;
  if (config_.flavour == Flavour::linux_2_6 && mc.nodes > 1) {
    std::uint64_t low = 0, total = 0;
    bool normal_missing = false;
    const int normal_idx = zone_index(mc.arch, ZoneType::normal);
    for (sim::NodeId n = 0; n < mc.nodes; ++n)
      for (unsigned i = 0; i < kMaxNrZones; ++i) {
        const int zi = node_zone_[n][i];
        if (zi >= 0 && zones_[zi].populated()) {
          if (static_cast<int>(i) < normal_idx) low += zones_[zi].present_pages;
          total += zones_[zi].present_pages;
        } else if (static_cast<int>(i) == normal_idx) {
          normal_missing = true;
        }
      }
    zone_order = !normal_missing && low && low <= total / 2;
    if (zone_order) {
      unsigned memory_nodes = 0;
      for (bool m : has_memory) memory_nodes += m;
      const std::uint64_t average = total / (memory_nodes + 1);
      for (sim::NodeId n = 0; n < mc.nodes; ++n) {
        std::uint64_t nlow = 0, ntotal = 0;
        for (unsigned i = 0; i < kMaxNrZones; ++i) {
          const int zi = node_zone_[n][i];
          if (zi < 0 || !zones_[zi].populated()) continue;
          if (static_cast<int>(i) < normal_idx) nlow += zones_[zi].present_pages;
          ntotal += zones_[zi].present_pages;
        }
        if (nlow && ntotal > average && nlow > ntotal * 70 / 100) zone_order = false;
      }
    }
  }

  // RECLAIM_DISTANCE is 20 in 2.6.32 (30 in 6.x, which no longer enables it).
  if (config_.flavour == Flavour::linux_2_6)
    for (sim::NodeId a = 0; a < mc.nodes; ++a)
      for (sim::NodeId b = 0; b < mc.nodes; ++b) zone_reclaim_mode_ |= topo.distance(a, b) > 20;

  zonelists_.assign(mc.nodes, {});
  thisnode_zonelists_.assign(mc.nodes, {});
  for (sim::NodeId n = 0; n < mc.nodes; ++n)
    for (int idx = kMaxNrZones - 1; idx >= 0; --idx) {
      const int zi = node_zone_[n][idx];
      if (zi >= 0 && zones_[zi].populated())
        thisnode_zonelists_[n].push_back(static_cast<unsigned>(zi));
    }
  for (sim::NodeId n = 0; n < mc.nodes; ++n) {
    auto& list = zonelists_[n];
    auto add = [&](sim::NodeId node, int idx) {
      const int zi = node_zone_[node][idx];
      if (zi >= 0 && zones_[zi].populated()) list.push_back(static_cast<unsigned>(zi));
    };
    if (zone_order) {
      for (int idx = kMaxNrZones - 1; idx >= 0; --idx)
        for (sim::NodeId node : node_orders_[n]) add(node, idx);
    } else {
      for (sim::NodeId node : node_orders_[n])
        for (int idx = kMaxNrZones - 1; idx >= 0; --idx) add(node, idx);
    }
  }
}

PageAllocator::PageAllocator(sim::Machine& machine, const KernelConfig& config)
    : machine_(machine),
      config_(config),
      layout_{64},
      jiffies_(machine.config().ghz, config.hz, config.flavour) {
  page_cache_gfp_ = parse_gfp(config_.flavour, "GFP_HIGHUSER_MOVABLE");
  if (config_.pageblock_order > kMaxOrder)
    throw std::invalid_argument("pageblock_order exceeds MAX_ORDER");
  BuddyParams bp{config_.flavour, config_.pageblock_order, config_.watermark_boost_factor,
                 config_.mobility_grouping};
  buddy_ = std::make_unique<Buddy>(bp, map_, layout_);
  build_zones();
  buddy_ = std::make_unique<Buddy>(bp, map_, layout_);  // now with the final page layout
  setup_pcp_areas();
  free_boot_memory();
  decide_mobility_grouping();
  setup_watermarks();
  setup_pcp_sizes();
  build_zonelists();
  start_kswapd();
  start_vmstat_work();
  reclaim_scratch_.resize(machine_.cpus());
  for (auto& scratch : reclaim_scratch_)
    scratch.reserve(std::max<std::uint64_t>(config_.reclaim_batch, 1ull << kMaxOrder));
}

}  // namespace allocsim::model
