// The allocation and free paths: __alloc_pages (fast path, slow path with
// kswapd wake-up, reserves and direct reclaim), get_page_from_freelist,
// rmqueue, prep_new_page and __free_pages with bad_page detection.
#include "model/page_alloc.hpp"
#include "model/kswapd.hpp"

#include <algorithm>
#include <cstdio>

#include "model/costs.hpp"
#include "model/pcp_sizing.hpp"
#include "model/watermarks.hpp"

namespace allocsim::model {

PageAllocator::~PageAllocator() = default;

const Zone* PageAllocator::zone_of(sim::NodeId node, unsigned idx) const {
  const int zi = node_zone_.at(node).at(idx);
  return zi < 0 ? nullptr : &zones_[zi];
}

bool PageAllocator::is_highmem(Pfn pfn) const {
  return map_.contains(pfn) && map_.page(pfn).zone != 0xff &&
         zones_[map_.page(pfn).zone].type == ZoneType::highmem;
}

std::uint64_t PageAllocator::wmark_pages(const Zone& z, Wmark w) const {
  const std::uint64_t base = w == Wmark::min   ? z.wmark.min
                             : w == Wmark::low ? z.wmark.low
                                               : z.wmark.high;
  return base + z.watermark_boost;  // the boost is 0 in 2.6
}

bool PageAllocator::watermark_ok(const Zone& z, unsigned order, std::uint64_t mark, int classzone,
                                 const AllocFlags& flags) const {
  // zone_watermark_fast (6.8): order-0 atomic requests at the min watermark ignore the boost.
  if (config_.flavour != Flavour::linux_2_6 && order == 0 && flags.high && z.watermark_boost &&
      flags.wmark == Wmark::min)
    mark = z.wmark.min;
  // __zone_watermark_unusable_free: 6.8 holds back the whole HighAtomic
  // reserve, 6.12+ only its free pages.
  const std::uint64_t highatomic = rules_.unusable_free_highatomic
                                       ? nr_free_highatomic(config_.flavour, z.free_area)
                                       : z.nr_reserved_highatomic;
  return zone_watermark_ok(config_.flavour, order, mark, z.lowmem_reserve[classzone], flags,
                           static_cast<std::int64_t>(z.nr_free_pages), z.free_area, highatomic);
}

void PageAllocator::zone_statistics(const Zone& preferred, Zone& z, const sim::Cpu& cpu) {
  const sim::NodeId local = cpu.node();
  Zone& pz = zones_[&preferred - zones_.data()];
  if (z.node == preferred.node) {
    ++z.counters.numa_hit;
  } else {
    ++z.counters.numa_miss;
    ++pz.counters.numa_foreign;
  }
  // 2.6.32 counts these with __inc_zone_state, zone stat items whose per-CPU
  // diffs vmstat_update folds; 6.x keeps them apart (vm_numa_event).
  if (config_.flavour == Flavour::linux_2_6 && cpu.id() < z.pcp.size()) {
    z.pcp[cpu.id()].stat_diff = true;
    if (&pz != &z && cpu.id() < pz.pcp.size()) pz.pcp[cpu.id()].stat_diff = true;
  }
  ++(z.node == local ? z.counters.numa_local : z.counters.numa_other);
}

std::uint32_t PageAllocator::get_page_from_freelist(sim::Cpu& cpu, Gfp gfp, unsigned order,
                                                    AllocFlags flags, int high_zoneidx, unsigned mt,
                                                    const std::vector<unsigned>& zonelist,
                                                    unsigned* zone_out) {
  const bool v6 = config_.flavour != Flavour::linux_2_6;
  const bool multi_node = machine_.config().nodes > 1;
  const GfpTraits traits = gfp_traits(config_.flavour, gfp);
  const Zone* preferred = nullptr;
  for (unsigned zi : zonelist)
    if (static_cast<int>(zones_[zi].idx) <= high_zoneidx) {
      preferred = &zones_[zi];
      break;
    }
  if (!preferred) return kNilIndex;
  // 2.6.32 checks lowmem_reserve[zone_idx(preferred_zone)]; 6.x [highest_zoneidx].
  const int classzone = v6 ? high_zoneidx : static_cast<int>(preferred->idx);
  for (;;) {
    for (unsigned zi : zonelist) {
      Zone& z = zones_[zi];
      if (static_cast<int>(z.idx) > high_zoneidx) continue;
      if (v6 && flags.nofragment && multi_node && z.node != preferred->node)
        break;  // retry below without it
      cpu.spend(cost::kZoneCheck);
      cpu.read(z.addr + ZoneLayout::watermark, 64);
      cpu.read(z.addr + ZoneLayout::vm_stat);
      bool ok = flags.no_watermarks;
      if (!ok && v6 && !z.below_high) {
        ok = watermark_ok(z, order, wmark_pages(z, Wmark::high), classzone, flags);
        if (!ok) z.below_high = true;
      }
      if (!ok) ok = watermark_ok(z, order, wmark_pages(z, flags.wmark), classzone, flags);
      // 2.6.32 zone_reclaim_mode (on when some SLIT distance exceeds
      // RECLAIM_DISTANCE 20): a sleeping request reclaims its own node first.
      if (!ok && !v6 && zone_reclaim_mode_ && traits.direct_reclaim && z.node == cpu.node()) {
        reclaim_node(z.node, std::max<std::uint64_t>(1ull << order, config_.reclaim_batch), cpu,
                     false);
        ok = watermark_ok(z, order, wmark_pages(z, flags.wmark), classzone, flags);
      }
      if (!ok) continue;
      const std::uint32_t idx = rmqueue(cpu, z, order, gfp, flags, mt);
      if (idx == kNilIndex) continue;
      zone_statistics(*preferred, z, cpu);
      *zone_out = zi;
      return idx;
    }
    if (v6 && flags.nofragment) {  // 6.8: drop ALLOC_NOFRAGMENT and try again
      flags.nofragment = false;
      continue;
    }
    return kNilIndex;
  }
}

std::uint32_t PageAllocator::rmqueue(sim::Cpu& cpu, Zone& z, unsigned order, Gfp gfp,
                                     const AllocFlags& flags, unsigned mt) {
  const bool v6 = config_.flavour != Flavour::linux_2_6;
  if (config_.pcp && (v6 ? pcp_allowed_order(order, config_.transparent_hugepage) : order == 0)) {
    const std::uint32_t idx =
        rmqueue_pcplist(cpu, z, order, mt, gfp_traits(config_.flavour, gfp).cold, flags);
    if (idx != kNilIndex || !v6) return idx;  // 6.8 falls back to rmqueue_buddy
  }
  const Charge c{&cpu};
  cpu.lock(*z.lock);
  const std::uint32_t idx = buddy_->rmqueue(z, order, mt, flags, c);
  cpu.unlock(*z.lock);
  if (v6 && flags.kswapd && z.boosted) {  // ZONE_BOOSTED_WATERMARK: let kswapd restore it
    z.boosted = false;
    wakeup_kswapd(z.node, cpu);
  }
  return idx;
}

void PageAllocator::prep_new_page(sim::Cpu& cpu, std::uint32_t idx, unsigned order, Gfp gfp,
                                  unsigned mt) {
  const GfpTraits t = gfp_traits(config_.flavour, gfp);
  Page& head = map_[idx];
  head.flags = PG_head;
  head.order = static_cast<std::uint8_t>(order);
  head.list = static_cast<std::uint8_t>(mt);
  head.refcount = 1;
  cpu.write(map_.desc_addr(idx) + layout_.flags, 8);
  cpu.write(map_.desc_addr(idx) + layout_.refcount, 4);  // set_page_refcounted
  for (std::uint32_t i = 1; i < (1u << order); ++i) {
    map_[idx + i].flags = PG_tail;
    if (t.comp) cpu.write(map_.desc_addr(idx + i), 16);  // prep_compound_page
  }
  if (t.zero) cpu.write(pfn_to_phys(map_.pfn(idx)), static_cast<std::uint32_t>(kPageSize << order));
  events_.pgalloc += 1u << order;  // __count_zone_vm_events(PGALLOC, zone, 1 << order)
}

void PageAllocator::record_failure(sim::Cpu& cpu, Gfp gfp, unsigned order) {
  for (Zone& z : zones_)
    if (z.node == cpu.node()) ++z.counters.alloc_fail;
  if (order > 0) ++events_.compact_or_fail;
  if (failures_.size() >= kMaxRecords) return;
  AllocFailure f{cpu.now(), cpu.id(), order, gfp, {}};
  for (const Zone& z : zones_) f.zone_free.push_back(z.nr_free_pages);
  failures_.push_back(std::move(f));
}

bool PageAllocator::has_normal_memory(sim::NodeId node) const {
  const auto normal = static_cast<unsigned>(zone_index(machine_.config().arch, ZoneType::normal));
  for (unsigned idx = 0; idx <= normal; ++idx)
    if (const Zone* z = zone_of(node, idx); z && z->populated()) return true;
  return false;
}

std::optional<Pfn> PageAllocator::alloc_pages(sim::Cpu& cpu, Gfp gfp, unsigned order) {
  return alloc_pages_node(cpu, cpu.node(), gfp, order);
}

// alloc_pages_node / __alloc_pages(gfp, order, nid): the zonelist of `nid`,
// NUMA statistics against the CPU's own node.
std::optional<Pfn> PageAllocator::alloc_pages_node(sim::Cpu& cpu, sim::NodeId nid, Gfp gfp,
                                                   unsigned order) {
  const Flavour f = config_.flavour;
  cpu.spend(cost::kAllocCall);
  if (order > kMaxOrder) {  // WARN_ON_ONCE and NULL
    record_failure(cpu, gfp, order);
    return std::nullopt;
  }
  const GfpTraits traits = gfp_traits(f, gfp);
  const int high_zoneidx = gfp_zone(f, machine_.config().arch, gfp);
  const unsigned mt = gfp_migratetype(f, gfp, buddy_->group_by_mobility_disabled());
  const sim::NodeId node = nid < zonelists_.size() ? nid : cpu.node();
  const std::vector<unsigned>& zonelist =
      traits.thisnode ? thisnode_zonelists_[node] : zonelists_[node];

  AllocFlags flags = fast_path_alloc_flags(f);
  if (f != Flavour::linux_2_6) {
    // alloc_flags_nofragment: the preferred zone is Normal and DMA32 below it
    // is populated (or there is one node).
    flags.kswapd = traits.kswapd_reclaim;
    for (unsigned zi : zonelist) {
      const Zone& z = zones_[zi];
      if (static_cast<int>(z.idx) > high_zoneidx) continue;
      if (z.type == ZoneType::normal) {
        const Zone* below = z.idx > 0 ? zone_of(z.node, z.idx - 1) : nullptr;
        flags.nofragment = machine_.config().nodes == 1 || (below && below->populated());
      }
      break;
    }
  }
  unsigned zone = 0;
  std::uint32_t idx =
      get_page_from_freelist(cpu, gfp, order, flags, high_zoneidx, mt, zonelist, &zone);
  if (idx == kNilIndex) {
    // __alloc_pages_slowpath: wake kswapd, retry at the min watermark with the
    // reserves the request may use, then reclaim directly if it may sleep.
    if (traits.kswapd_reclaim)
      for (unsigned zi : zonelist)
        if (static_cast<int>(zones_[zi].idx) <= high_zoneidx) wakeup_kswapd(zones_[zi].node, cpu);
    const AllocFlags slow = gfp_to_alloc_flags(f, gfp, order);
    for (unsigned attempt = 0;; ++attempt) {
      idx = get_page_from_freelist(cpu, gfp, order, slow, high_zoneidx, mt, zonelist, &zone);
      if (idx != kNilIndex || !traits.direct_reclaim) break;
      ++events_.allocstall;
      std::uint64_t reclaimed = 0;
      for (sim::NodeId n : node_orders_[node]) {
        reclaimed = reclaim_node(n, std::max<std::uint64_t>(1ull << order, config_.reclaim_batch),
                                 cpu, false);
        if (reclaimed) break;
      }
      if (reclaimed == 0 || attempt + 1 >= config_.max_reclaim_retries ||
          (traits.noretry && attempt > 0)) {
        idx = get_page_from_freelist(cpu, gfp, order, slow, high_zoneidx, mt, zonelist, &zone);
        break;
      }
    }
  }
  if (idx == kNilIndex) {
    record_failure(cpu, gfp, order);
    return std::nullopt;
  }
  ++zones_[zone].counters.alloc_success;
  ++tracepoints_.mm_page_alloc[order];  // trace_mm_page_alloc
  prep_new_page(cpu, idx, order, gfp, mt);
  return map_.pfn(idx);
}

std::optional<BadPage> PageAllocator::check_free(Pfn pfn, unsigned order) const {
  auto bad = [&](DiagKind kind, std::string reason) {
    return BadPage{0, 0, pfn, order, kind, std::move(reason)};
  };
  if (order > kMaxOrder)
    return bad(DiagKind::bad_order, "order " + std::to_string(order) + " exceeds MAX_ORDER");
  if (!map_.contains(pfn)) return bad(DiagKind::not_a_page, "pfn outside memory");
  const Page& p = map_.page(pfn);
  if (p.flags & PG_nomap) return bad(DiagKind::not_a_page, "pfn in a memory hole");
  if (p.flags & PG_reserved) return bad(DiagKind::bad_page_state, "PageReserved");
  if (p.flags & (PG_buddy | PG_pcp))
    return bad(DiagKind::double_free, "page already free (double free)");
  if (p.flags & PG_tail)
    return bad(DiagKind::bad_page_state, "not the first page of an allocated block");
  if (!(p.flags & PG_head) || p.refcount <= 0)
    return bad(DiagKind::bad_page_state, "page not allocated");
  if (p.order != order)
    return bad(DiagKind::bad_order, "freed with order " + std::to_string(order) +
                                        ", allocated with order " + std::to_string(p.order));
  return std::nullopt;
}

bool PageAllocator::free_pages(sim::Cpu& cpu, Pfn pfn, unsigned order) {
  cpu.spend(cost::kFreeCall);
  if (std::optional<BadPage> bad = check_free(pfn, order)) {  // bad_page(): report, leave alone
    bad->time = cpu.now();
    bad->cpu = cpu.id();
    if (diag_) {
      char where[64];
      std::snprintf(where, sizeof where,
                    "pfn 0x%llx, order %u: ", static_cast<unsigned long long>(pfn.value()), order);
      diag_->report({bad->kind, bad->time, bad->cpu, pfn_to_phys(pfn).value(), "",
                     "free_pages: " + std::string(where) + bad->reason});
    }
    if (bad_pages_.size() < kMaxRecords) bad_pages_.push_back(std::move(*bad));
    return false;
  }
  const std::uint32_t idx = map_.index(pfn);
  Page& p = map_[idx];
  cpu.rmw(map_.desc_addr(idx) + layout_.refcount, 4);  // put_page_testzero
  if (--p.refcount > 0) return true;
  Zone& z = zones_[p.zone];
  if (p.flags & PG_lru) {  // a page-cache page freed by its owner leaves the LRU
    cpu.lock(*lru_lock_[z.node]);
    lists_.del(lru_[z.node], lru_head_[z.node], idx, Charge{&cpu});
    cpu.unlock(*lru_lock_[z.node]);
  }
  for (std::uint32_t i = 0; i < (1u << order); ++i) map_[idx + i].flags = 0;
  cpu.write(map_.desc_addr(idx) + layout_.flags, 8);  // free_pages_prepare
  events_.pgfree += 1u << order;                      // __count_vm_events(PGFREE, 1 << order)
  const bool v6 = config_.flavour != Flavour::linux_2_6;
  if (config_.pcp && (v6 ? pcp_allowed_order(order, config_.transparent_hugepage) : order == 0)) {
    free_to_pcp(cpu, z, idx, order);
    return true;
  }
  cpu.lock(*z.lock);
  free_to_buddy(Charge{&cpu}, z, idx, order);
  cpu.unlock(*z.lock);
  return true;
}

void PageAllocator::free_to_buddy(const Charge& c, Zone& z, std::uint32_t idx, unsigned order) {
  buddy_->free_one_page(z, idx, order, buddy_->pageblock_mt(z, map_.pfn(idx)), c);
}

}  // namespace allocsim::model
