// Per-CPU page lists. linux-2.6 (2.6.32): order-0 only, one list per
// migratetype, hot pages at the head and cold at the tail, high = 6 x batch,
// free_pcppages_bulk round-robin with batch_free. linux-6 (6.8): orders 0-3
// (and THP), 12 (+1) lists, high auto-tuned between high_min and high_max,
// refills scaled by alloc_factor and drains by free_count; linux-6.18 the
// same with the rules of model/page_alloc_rules.hpp. The vmstat pass's
// drains (decay_pcp_high, drain_zone_pages) are here too; model/vmstat_work.cpp
// times them.
#include <algorithm>

#include "model/page_alloc.hpp"
#include "model/pcp_layout.hpp"
#include "model/pcp_sizing.hpp"
#include "model/watermarks.hpp"

namespace allocsim::model {

namespace {
constexpr unsigned kPcpBatchScaleMax = 5;  // CONFIG_PCP_BATCH_SCALE_MAX default
// 6.x spin_lock(&pcp->lock) around the vmstat pass's drains: the CPU's own,
// uncontended lock, charged as the atomic on its line (the allocation and
// free paths do not charge it).
void pcp_lock(sim::Cpu& cpu, const PerCpuPages& pcp) {
  cpu.rmw(pcp.addr + PerCpuPagesLayout::counts);
}
constexpr sim::PhysAddr pcp_list_head(const PerCpuPages& p, unsigned pindex) {
  return p.addr + PerCpuPagesLayout::list_head(pindex);
}
constexpr unsigned pindex_order(unsigned pindex, unsigned pageblock_order) {
  return pindex < kMigratePcpTypes * (kPageAllocCostlyOrder + 1) ? pindex / kMigratePcpTypes
                                                                 : pageblock_order;
}
}  // namespace

std::uint64_t PageAllocator::rmqueue_bulk(sim::Cpu& cpu, Zone& z, unsigned order,
                                          std::uint64_t count, unsigned mt, unsigned pindex,
                                          bool cold, const AllocFlags& flags) {
  const Charge c{&cpu};
  PerCpuPages& pcp = z.pcp[cpu.id()];
  FreeList& list = pcp.lists[pindex];
  cpu.lock(*z.lock);
  RmqueueMode mode = RmqueueMode::normal;  // one per batch, as the zone lock is held
  std::uint64_t i = 0;
  for (; i < count; ++i) {
    const std::uint32_t idx = buddy_->rmqueue(z, order, mt, flags, c, &mode);
    if (idx == kNilIndex) break;
    tracepoints_.pcp_refill_pages += 1ull << order;  // trace_mm_page_alloc_zone_locked
    Page& p = map_[idx];
    p.flags = PG_pcp;
    p.order = static_cast<std::uint8_t>(order);
    p.list = pcp_list_byte(pindex, mt);
    // 2.6.32 threads hot pages after the previous one (physical order) and
    // cold ones before it; 6.8 appends every page at the tail.
    if (config_.flavour == Flavour::linux_2_6 && cold)
      lists_.add(list, pcp_list_head(pcp, pindex), idx, c);
    else
      lists_.add_tail(list, pcp_list_head(pcp, pindex), idx, c);
  }
  cpu.unlock(*z.lock);
  ++z.counters.pcp_refills;
  return i;
}

std::int64_t PageAllocator::nr_pcp_alloc(PerCpuPages& pcp, const Zone& z, unsigned order) const {
  const std::int64_t base = pcp.batch;
  std::int64_t high = pcp.high = std::clamp(pcp.high, pcp.high_min, pcp.high_max);
  if (high < base) return 1;  // pcp disabled or boot pageset
  std::int64_t batch = order ? base : base << pcp.alloc_factor;
  if (pcp.high_min != pcp.high_max && !z.below_high)
    high = pcp.high = std::min(high + batch, pcp.high_max);
  if (order == 0) {
    const std::int64_t max_nr_alloc = std::max(high - pcp.count - base, base);
    if (batch <= max_nr_alloc && pcp.alloc_factor < kPcpBatchScaleMax) ++pcp.alloc_factor;
    batch = std::min(batch, max_nr_alloc);
  }
  if (batch > 1) batch = std::max<std::int64_t>(batch >> order, 2);
  return batch;
}

std::uint64_t PageAllocator::warm_pcp(sim::Cpu& cpu, std::size_t zone, std::uint64_t count,
                                      std::int64_t high) {
  Zone& z = zones_.at(zone);
  PerCpuPages& pcp = z.pcp[cpu.id()];
  pcp.high_max = std::max(pcp.high_max, high);
  pcp.high = high;
  // Boot leaves some pages on CPU 0's lists: only the difference is moved.
  const std::uint64_t have = static_cast<std::uint64_t>(std::max<std::int64_t>(pcp.count, 0));
  if (count <= have) return 0;
  count -= have;
  // The list page-cache pages come from (GFP_HIGHUSER_MOVABLE's migrate type).
  const unsigned mt =
      gfp_migratetype(config_.flavour, page_cache_gfp_, buddy_->group_by_mobility_disabled());
  const bool v6 = config_.flavour != Flavour::linux_2_6;
  const unsigned pindex = v6 ? order_to_pindex(mt, 0) : mt;
  std::vector<std::uint32_t>* held = zone < warm_held_.size() ? &warm_held_[zone] : nullptr;
  if (!held || held->empty()) {
    const std::uint64_t got = rmqueue_bulk(cpu, z, 0, count, mt, pindex, false, AllocFlags{});
    pcp.count += static_cast<std::int64_t>(got);
    return got;
  }
  // Pages warm_free_area kept allocated: the free lists stay as recorded.
  const Charge c{&cpu};
  std::uint64_t got = 0;
  for (; got < count && !held->empty(); ++got) {
    const std::uint32_t idx = held->back();
    held->pop_back();
    Page& p = map_[idx];
    p.refcount = 0;
    p.flags = PG_pcp;
    p.order = 0;
    p.list = pcp_list_byte(pindex, buddy_->pageblock_mt(z, map_.pfn(idx)));
    lists_.add_tail(pcp.lists[pindex], pcp_list_head(pcp, pindex), idx, c);
  }
  pcp.count += static_cast<std::int64_t>(got);
  return got;
}

std::uint32_t PageAllocator::rmqueue_pcplist(sim::Cpu& cpu, Zone& z, unsigned order, unsigned mt,
                                             bool cold, const AllocFlags& flags) {
  const bool v6 = config_.flavour != Flavour::linux_2_6;
  PerCpuPages& pcp = z.pcp[cpu.id()];
  const unsigned pindex = v6 ? order_to_pindex(mt, order) : mt;
  FreeList& list = pcp.lists[pindex];
  cpu.read(pcp.addr + PerCpuPagesLayout::counts, 64);  // count, high, batch
  if (v6) pcp.free_count >>= 1;
  cpu.read(pcp_list_head(pcp, pindex), 16);
  if (list.empty()) {
    const std::int64_t batch = v6 ? nr_pcp_alloc(pcp, z, order) : pcp.batch;
    pcp.count += static_cast<std::int64_t>(rmqueue_bulk(
                     cpu, z, order, static_cast<std::uint64_t>(batch), mt, pindex, cold, flags))
                 << order;
    if (list.empty()) return kNilIndex;
  }
  // Hot pages from the head; 2.6 __GFP_COLD takes the tail.
  const std::uint32_t idx = (!v6 && cold) ? list.tail : list.head;
  lists_.del(list, pcp_list_head(pcp, pindex), idx, Charge{&cpu});
  pcp.count -= 1ll << order;
  cpu.write(pcp.addr + PerCpuPagesLayout::counts, 8);
  map_[idx].flags = 0;
  return idx;
}

// mm/page_alloc.c:nr_pcp_high (6.7+, unchanged to 6.18).
std::int64_t PageAllocator::nr_pcp_high(PerCpuPages& pcp, const Zone& z, bool free_high) const {
  const std::int64_t batch = pcp.batch;
  std::int64_t high = pcp.high = std::clamp(pcp.high, pcp.high_min, pcp.high_max);
  if (high == 0) return 0;
  if (free_high) {
    pcp.high = std::max(high - (batch << kPcpBatchScaleMax), pcp.high_min);
    return 0;
  }
  // While kswapd balances the node (ZONE_RECLAIM_ACTIVE, 5.14's "limit the
  // number of pages on PCP lists when reclaim is active"; 6.7 shrinks high
  // too), at most four batches stay on the list, even with a fixed high.
  if (z.reclaim_active) {
    pcp.high = std::max(high - std::max(pcp.free_count, batch), pcp.high_min);
    return std::min(batch << 2, pcp.high);
  }
  if (pcp.high_min == pcp.high_max) return high;
  if (z.below_high) {
    const std::int64_t free_count = std::max(pcp.free_count, batch);
    pcp.high = std::max(high - free_count, pcp.high_min);
    high = std::max(pcp.count, pcp.high_min);
  } else if (pcp.count >= high) {
    const std::int64_t need_high = pcp.free_count + batch;
    if (pcp.high < need_high) pcp.high = std::clamp(need_high, pcp.high_min, pcp.high_max);
  }
  return high;
}

void PageAllocator::free_to_pcp(sim::Cpu& cpu, Zone& z, std::uint32_t idx, unsigned order) {
  const MigrateTypes t = migrate_types(config_.flavour);
  const bool v6 = config_.flavour != Flavour::linux_2_6;
  const Charge c{&cpu};
  const unsigned mt = buddy_->pageblock_mt(z, map_.pfn(idx));
  if (mt == t.isolate) {  // isolated blocks bypass the pcp
    cpu.lock(*z.lock);
    free_to_buddy(c, z, idx, order);
    cpu.unlock(*z.lock);
    return;
  }
  const unsigned list_mt =
      mt >= kMigratePcpTypes ? t.movable : mt;  // RESERVE/HIGHATOMIC → the movable list
  const unsigned pindex = v6 ? order_to_pindex(list_mt, order) : list_mt;
  PerCpuPages& pcp = z.pcp[cpu.id()];
  Page& p = map_[idx];
  p.flags = PG_pcp;
  p.order = static_cast<std::uint8_t>(order);
  p.list = pcp_list_byte(pindex, mt);
  cpu.read(pcp.addr + PerCpuPagesLayout::counts, 64);
  lists_.add(pcp.lists[pindex], pcp_list_head(pcp, pindex), idx, c);  // hot: the head
  pcp.count += 1ll << order;
  cpu.write(pcp.addr + PerCpuPagesLayout::counts, 8);
  if (!v6) {
    if (pcp.count >= pcp.high) free_pcppages_bulk(c, z, pcp.batch, pcp, 0);
    return;
  }
  // free_unref_page_commit (6.8) / free_frozen_page_commit (6.18).
  pcp.alloc_factor >>= 1;
  const std::int64_t batch = pcp.batch;
  bool free_high = false;
  if (order && order <= kPageAllocCostlyOrder) {
    // 6.16 raised the threshold by half of high_min: with free_count capped
    // at batch << CONFIG_PCP_BATCH_SCALE_MAX below, free_high never fires
    // where high_min / 2 exceeds that cap minus a batch.
    const std::int64_t threshold =
        rules_.free_high_half_high_min ? batch + pcp.high_min / 2 : batch;
    // PCPF_FREE_HIGH_BATCH (zone_pcp_update_cacheinfo): a CPU with a large
    // LLC share keeps a batch of them before free_high drains.
    free_high = pcp.free_count >= threshold && pcp.prev_free_high_order &&
                (!pcp.free_high_batch || pcp.count >= batch);
    pcp.prev_free_high_order = true;
  } else {
    pcp.prev_free_high_order = false;
  }
  if (pcp.free_count < (batch << kPcpBatchScaleMax)) pcp.free_count += 1ll << order;
  const std::int64_t high = nr_pcp_high(pcp, z, free_high);
  if (pcp.count >= high) {
    std::int64_t to_free;
    if (free_high)
      to_free = std::min(pcp.count, batch << kPcpBatchScaleMax);
    else if (high < batch)
      to_free = 1;
    else
      to_free = std::clamp(pcp.free_count, batch, high - batch);
    free_pcppages_bulk(c, z, to_free, pcp, pindex);
    if (z.below_high &&
        watermark_ok(z, 0, z.wmark.high + z.watermark_boost,
                     zone_index(machine_.config().arch, ZoneType::movable), AllocFlags{}))
      z.below_high = false;
  }
}

void PageAllocator::free_pcppages_bulk(const Charge& c, Zone& z, std::int64_t count,
                                       PerCpuPages& pcp, unsigned pindex) {
  const bool v6 = config_.flavour != Flavour::linux_2_6;
  count = std::min(count, pcp.count);
  if (count <= 0) return;
  if (c.cpu) c.cpu->lock(*z.lock);
  ++z.counters.pcp_drains;
  const unsigned nr_lists = v6 ? kMaxPcpLists : kMigratePcpTypes;
  if (!v6) {
    // 2.6.32: round-robin from list 1, one page from a list whose successor is
    // non-empty, more from one that follows empty lists; always the tail.
    unsigned mt = 0, batch_free = 0;
    while (count > 0) {
      FreeList* list;
      do {
        ++batch_free;
        if (++mt == kMigratePcpTypes) mt = 0;
        list = &pcp.lists[mt];
      } while (list->empty());
      do {
        const std::uint32_t idx = list->tail;
        lists_.del(*list, pcp_list_head(pcp, mt), idx, c);
        --pcp.count;
        ++z.counters.pcp_drained_pages;
        buddy_->free_one_page(z, idx, 0, pcp_mt(map_[idx].list), c);
      } while (--count && --batch_free && !list->empty());
    }
  } else {
    // 6.8: start with the list just freed to, drain each list fully, round-robin.
    unsigned p = pindex == 0 ? nr_lists - 1 : pindex - 1;
    while (count > 0) {
      FreeList* list;
      do {
        if (++p > nr_lists - 1) p = 0;
        list = &pcp.lists[p];
      } while (list->empty());
      const unsigned order = pindex_order(p, config_.pageblock_order);
      do {
        const std::uint32_t idx = list->tail;
        lists_.del(*list, pcp_list_head(pcp, p), idx, c);
        count -= 1ll << order;
        pcp.count -= 1ll << order;
        z.counters.pcp_drained_pages += 1ull << order;
        // 6.8 frees to the type cached when the page went on the list; 6.10
        // to its pageblock's type now (get_pfnblock_migratetype).
        const unsigned mt = rules_.free_to_block_type ? buddy_->pageblock_mt(z, map_.pfn(idx))
                                                      : pcp_mt(map_[idx].list);
        buddy_->free_one_page(z, idx, order, mt, c);
      } while (count > 0 && !list->empty());
    }
  }
  if (c.cpu) c.cpu->unlock(*z.lock);
}

// drain_pages_zone for each zone: all of the list under one lock (6.8), or
// (6.10+) batch << CONFIG_PCP_BATCH_SCALE_MAX pages at a time, each chunk a
// free_pcppages_bulk of its own that starts again at list 0.
void PageAllocator::drain_local_pages(sim::Cpu& cpu) {
  for (Zone& z : zones_) {
    PerCpuPages& pcp = z.pcp[cpu.id()];
    while (pcp.count > 0) {
      const std::int64_t to_drain = rules_.chunked_zone_drain
                                        ? std::min(pcp.count, pcp.batch << kPcpBatchScaleMax)
                                        : pcp.count;
      free_pcppages_bulk(Charge{&cpu}, z, to_drain, pcp, 0);
    }
  }
}

// mm/page_alloc.c:decay_pcp_high (6.7+): high drops by an eighth per pass, but
// never below high_min nor more than batch << CONFIG_PCP_BATCH_SCALE_MAX under
// count; the pages above the new high go back to the buddy lists.
bool PageAllocator::decay_pcp_high(sim::Cpu& cpu, Zone& z, PerCpuPages& pcp) {
  bool todo = false;
  if (pcp.high > pcp.high_min) {
    const std::int64_t old = pcp.high;
    pcp.high = std::max(
        {pcp.count - (pcp.batch << kPcpBatchScaleMax), pcp.high - (pcp.high >> 3), pcp.high_min});
    cpu.write(pcp.addr + PerCpuPagesLayout::counts, 8);
    events_.pcp_high_decays += pcp.high < old;
    todo = pcp.high > pcp.high_min;
  }
  const std::int64_t to_drain = pcp.count - pcp.high;
  if (to_drain > 0) {
    const std::int64_t before = pcp.count;
    pcp_lock(cpu, pcp);
    free_pcppages_bulk(Charge{&cpu}, z, to_drain, pcp, 0);
    events_.pcp_decay_pages += static_cast<std::uint64_t>(before - pcp.count);
    todo = true;
  }
  return todo;
}

// drain_zone_pages (2.6.32 and 6.x): at most a batch.
void PageAllocator::drain_zone_pages(sim::Cpu& cpu, Zone& z, PerCpuPages& pcp) {
  const std::int64_t to_drain = std::min(pcp.count, pcp.batch);
  if (to_drain <= 0) return;
  const std::int64_t before = pcp.count;
  if (config_.flavour != Flavour::linux_2_6) pcp_lock(cpu, pcp);  // 2.6.32: irqs off only
  free_pcppages_bulk(Charge{&cpu}, z, to_drain, pcp, 0);
  events_.pcp_expire_pages += static_cast<std::uint64_t>(before - pcp.count);
}

}  // namespace allocsim::model
