// Reclaim of the page-cache stand-in. Page-cache pages sit on their node's LRU
// (newest at the head); reclaim takes the oldest. kswapd is a per-node
// background activity woken when an allocation falls below the low watermark:
// it runs after a wake-up delay and frees pages until every populated zone of
// its node is at its high watermark (plus boost), then clears the boost.
// Direct reclaim runs on the allocating CPU and is charged to it.
//
// Simplification: kswapd runs between CPU steps, charged to no CPU (its work is
// counted in kswapd_cycles) and without taking the simulated zone lock.
#include "model/kswapd.hpp"
#include "model/page_alloc.hpp"

namespace allocsim::model {

void PageAllocator::Kswapd::on_event(sim::Cycles, std::uint64_t) {
  pending = false;
  ++pa_.events_.kswapd_runs;
  while (!pa_.node_balanced(node_)) {
    const std::uint64_t n = pa_.reclaim_node(node_, pa_.config_.reclaim_batch, nullptr);
    pa_.events_.pgsteal_kswapd += n;
    pa_.events_.kswapd_cycles += n * pa_.config_.reclaim_cycles_per_page;
    if (n == 0) break;  // nothing left to reclaim on this node
  }
  for (Zone& z : pa_.zones_)
    if (z.node == node_) z.watermark_boost = 0;
}

void PageAllocator::start_kswapd() {
  for (sim::NodeId n = 0; n < machine_.config().nodes; ++n)
    kswapd_.push_back(std::make_unique<Kswapd>(*this, n));
}

void PageAllocator::wakeup_kswapd(sim::NodeId node, sim::Cycles now) {
  Kswapd& k = *kswapd_[node];
  ++events_.kswapd_wakeups;
  if (k.pending || node_balanced(node)) return;
  k.pending = true;
  machine_.engine().schedule(now + config_.kswapd_wakeup_delay, &k);
}

bool PageAllocator::node_balanced(sim::NodeId node) const {
  for (const Zone& z : zones_)
    if (z.node == node && z.populated() && z.nr_free_pages < z.wmark.high + z.watermark_boost)
      return false;
  return true;
}

std::uint64_t PageAllocator::reclaim_node(sim::NodeId node, std::uint64_t pages, sim::Cpu* cpu) {
  const Charge c{cpu};
  FreeList& lru = lru_[node];
  std::uint64_t done = 0;
  if (cpu) cpu->lock(*lru_lock_[node]);
  std::vector<std::uint32_t>& isolated = reclaim_scratch_[cpu ? cpu->id() : machine_.cpus()];
  isolated.clear();
  while (done < pages && !lru.empty()) {
    const std::uint32_t idx = lru.tail;
    lists_.del(lru, lru_head_[node], idx, c);
    isolated.push_back(idx);
    ++done;
  }
  if (cpu) cpu->unlock(*lru_lock_[node]);
  for (std::uint32_t idx : isolated) {
    Page& p = map_[idx];
    Zone& z = zones_[p.zone];
    if (cpu) cpu->spend(config_.reclaim_cycles_per_page);
    p.flags = 0;
    p.refcount = 0;
    c.write(map_.desc_addr(idx) + layout_.flags, 8);
    ++events_.pgfree;
    if (cpu) cpu->lock(*z.lock);
    free_to_buddy(c, z, idx, 0);
    if (cpu) cpu->unlock(*z.lock);
  }
  if (cpu) events_.pgsteal_direct += done;
  return done;
}

std::optional<Pfn> PageAllocator::alloc_page_cache(sim::Cpu& cpu) {
  const std::optional<Pfn> pfn = alloc_pages(cpu, page_cache_gfp_, 0);
  if (!pfn) return pfn;
  const std::uint32_t idx = map_.index(*pfn);
  Page& p = map_[idx];
  p.flags |= PG_lru;
  const sim::NodeId node = zones_[p.zone].node;
  cpu.lock(*lru_lock_[node]);
  lists_.add(lru_[node], lru_head_[node], idx, Charge{&cpu});
  cpu.unlock(*lru_lock_[node]);
  return pfn;
}

}  // namespace allocsim::model
