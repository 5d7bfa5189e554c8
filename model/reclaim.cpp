// Reclaim of the page-cache stand-in. Page-cache pages sit on their node's LRU
// (newest at the head); reclaim takes the oldest. kswapd is a per-node kernel
// thread woken when an allocation falls below the low watermark: after a
// wake-up delay it runs on a CPU of its node and frees pages until every
// populated zone of its node is at its high watermark (plus boost), then
// clears the boost. Direct reclaim runs on the allocating CPU. Both take the
// LRU lock and the zone lock and are charged to the CPU they run on.
#include "model/kswapd.hpp"

#include <algorithm>

#include "model/page_alloc.hpp"

namespace allocsim::model {

// kswapd() -> balance_pgdat() (mm/vmscan.c), in short. Everything it does is
// charged to `cpu`, lock waits included: that is kswapd_cycles.
void PageAllocator::Kswapd::run(sim::Cpu& cpu) {
  const sim::Cycles start = cpu.now();
  running_ = true;
  ++pa_.events_.kswapd_runs;
  // set_reclaim_active / clear_reclaim_active around balance_pgdat (6.x):
  // the node's managed zones, each a ZONE_RECLAIM_ACTIVE that caps the pcp
  // lists (nr_pcp_high) of CPUs freeing meanwhile.
  const bool v6 = pa_.config_.flavour != Flavour::linux_2_6;
  for (Zone& z : pa_.zones_)
    if (v6 && z.node == node_ && z.populated()) z.reclaim_active = true;
  while (!pa_.node_balanced(node_)) {
    const std::uint64_t n = pa_.reclaim_node(node_, pa_.config_.reclaim_batch, cpu, true);
    if (n == 0) break;  // nothing left to reclaim on this node
  }
  for (Zone& z : pa_.zones_)
    if (z.node == node_) {
      z.reclaim_active = false;
      z.watermark_boost = 0;
    }
  running_ = false;
  const sim::Cycles spent = cpu.now() - start;
  pa_.events_.kswapd_cycles += spent;
  pa_.kswapd_cpu_cycles_[cpu.id()]->add(spent);
}

// Where the woken thread runs. kswapd is bound to its node's CPUs (kswapd():
// set_cpus_allowed_ptr(cpumask_of_node)); the scheduler's wake-up path
// (select_task_rq_fair -> select_idle_sibling) puts a woken task on an idle
// CPU it may use, else on the waker's CPU (wake_affine) when allowed. Beyond
// that, the allowed CPU whose clock is least advanced: its next op boundary,
// where queued work runs, comes first. Ties go to the lowest CPU id. A CPU
// whose workload has ended runs no more work and is passed over.
sim::Cpu& PageAllocator::Kswapd::pick_cpu(sim::Cpu& waker) const {
  sim::Machine& m = pa_.machine_;
  for (sim::CpuId c : cpus_)
    if (m.cpu(c).idle()) return m.cpu(c);
  if (std::find(cpus_.begin(), cpus_.end(), waker.id()) != cpus_.end()) return waker;
  sim::Cpu* best = nullptr;
  for (sim::CpuId c : cpus_) {
    sim::Cpu& cpu = m.cpu(c);
    if (!cpu.finished() && (!best || cpu.now() < best->now())) best = &cpu;
  }
  return best ? *best : waker;
}

void PageAllocator::start_kswapd() {
  const sim::Topology& topo = machine_.topology();
  for (sim::NodeId n = 0; n < machine_.config().nodes; ++n) {
    // A node without CPUs: its kswapd runs on the nearest node that has some
    // (the kernel leaves such a kswapd unbound; the nearest CPUs are the model's choice).
    std::vector<sim::CpuId> cpus;
    for (sim::NodeId near : topo.fallback_order(n))
      if (!topo.cpus_of_node(near).empty()) {
        cpus = topo.cpus_of_node(near);
        break;
      }
    kswapd_.push_back(std::make_unique<Kswapd>(*this, n, std::move(cpus)));
  }
  for (sim::CpuId c = 0; c < machine_.cpus(); ++c)
    kswapd_cpu_cycles_.push_back(&machine_.stats().counter(kKswapdCpuCycles, static_cast<int>(c)));
}

// wakeup_kswapd() (mm/vmscan.c): wake the node's kswapd unless it is already
// awake (!waitqueue_active: woken and pending, or running, when balance_pgdat
// goes on until the node is balanced anyway) or the node is balanced.
void PageAllocator::wakeup_kswapd(sim::NodeId node, sim::Cpu& waker) {
  Kswapd& k = *kswapd_[node];
  ++events_.kswapd_wakeups;
  if (k.pending() || k.running() || node_balanced(node)) return;
  k.pick_cpu(waker).queue_work(k, waker.now() + config_.kswapd_wakeup_delay, false);
}

const std::vector<sim::CpuId>& PageAllocator::kswapd_cpus(sim::NodeId node) const {
  return kswapd_[node]->cpus();
}

bool PageAllocator::node_balanced(sim::NodeId node) const {
  for (const Zone& z : zones_)
    if (z.node == node && z.populated() && z.nr_free_pages < z.wmark.high + z.watermark_boost)
      return false;
  return true;
}

std::uint64_t PageAllocator::reclaim_node(sim::NodeId node, std::uint64_t pages, sim::Cpu& cpu,
                                          bool kswapd) {
  const Charge c{&cpu};
  FreeList& lru = lru_[node];
  std::uint64_t done = 0;
  cpu.lock(*lru_lock_[node]);
  std::vector<std::uint32_t>& isolated = reclaim_scratch_[cpu.id()];
  isolated.clear();
  while (done < pages && !lru.empty()) {
    const std::uint32_t idx = lru.tail;
    lists_.del(lru, lru_head_[node], idx, c);
    isolated.push_back(idx);
    ++done;
  }
  cpu.unlock(*lru_lock_[node]);
  for (std::uint32_t idx : isolated) {
    Page& p = map_[idx];
    Zone& z = zones_[p.zone];
    cpu.spend(config_.reclaim_cycles_per_page);
    p.flags = 0;
    p.refcount = 0;
    c.write(map_.desc_addr(idx) + layout_.flags, 8);
    ++events_.pgfree;
    cpu.lock(*z.lock);
    free_to_buddy(c, z, idx, 0);
    cpu.unlock(*z.lock);
  }
  (kswapd ? events_.pgsteal_kswapd : events_.pgsteal_direct) += done;
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
