// The page allocator's periodic work, mm/vmstat.c's vmstat_update every
// sysctl_stat_interval (kernel.stat_interval seconds, HZ by default):
// refresh_cpu_vm_stats folds the CPU's per-CPU stat diffs, then on linux-6
// decay_pcp_high takes every pcp list's auto-tuned high back toward high_min
// and drains what lies above it, and with NUMA a CPU's list of a remote zone
// that saw no stat change for 3 passes gives back a batch (drain_zone_pages).
// decay_pcp_high and drain_zone_pages, mm/page_alloc.c's, are in pcp.cpp.
//
// The per-CPU diff: the model keeps no vm_stat_diff counters; a CPU's diff
// for a zone counts as nonzero from the first change it makes to the zone's
// NR_FREE_PAGES (buddy allocations and frees it is charged for: pcp refills
// and drains, direct buddy traffic) or, on 2.6.32, to its NUMA_* items, until
// its next vmstat pass folds it. Folding at stat_threshold inside
// __mod_zone_page_state (which can leave a zero diff) and the other zone and
// node items (LRU, slab, ...) are not modelled.
#include <algorithm>
#include <memory>

#include "model/page_alloc.hpp"
#include "model/pcp_layout.hpp"

namespace allocsim::model {

namespace {
constexpr std::uint8_t kExpirePasses = 3;  // "3 seconds idle till flush"
}  // namespace

void PageAllocator::start_vmstat_work() {
  if (config_.stat_interval == 0) return;  // kernel.stat_interval: none
  const sim::CpuId cpus = machine_.cpus();
  for (sim::CpuId c = 0; c < cpus; ++c)
    vmstat_work_.push_back(std::make_unique<VmstatUpdate>(*this));
  const sim::Cycles now = 0;  // boot
  if (config_.flavour == Flavour::linux_2_6) {
    // start_cpu_timer: every online CPU, __round_jiffies_relative(HZ, cpu).
    for (sim::CpuId c = 0; c < cpus; ++c)
      machine_.cpu(c).queue_work(*vmstat_work_[c],
                                 jiffies_.due(now, jiffies_.round_relative(jiffies_.hz(), now, c)),
                                 true);
    return;
  }
  // start_shepherd_timer: the per-CPU work waits for the shepherd, which the
  // boot CPU schedules round_jiffies_relative(sysctl_stat_interval) ahead.
  shepherd_ = std::make_unique<VmstatShepherd>(*this);
  machine_.cpu(0).queue_work(
      *shepherd_, jiffies_.due(now, jiffies_.round_relative(stat_interval_jiffies(), now, 0)),
      true);
}

void PageAllocator::vmstat_update(sim::Cpu& cpu) {
  ++events_.vmstat_updates;
  const bool changes = refresh_cpu_vm_stats(cpu);
  // 2.6.32 always re-arms; 6.x only while there was something to do (the
  // shepherd re-queues an idle CPU's work once its diffs change again).
  if (config_.flavour == Flavour::linux_2_6 || changes) {
    const sim::Cycles now = cpu.now();
    cpu.queue_work(
        *vmstat_work_[cpu.id()],
        jiffies_.due(now, jiffies_.round_relative(stat_interval_jiffies(), now, cpu.id())), true);
  }
}

bool PageAllocator::need_update(sim::CpuId cpu) const {
  // memchr_inv over each populated zone's per-CPU diffs.
  return std::any_of(zones_.begin(), zones_.end(), [cpu](const Zone& z) {
    return z.populated() && cpu < z.pcp.size() && z.pcp[cpu].stat_diff;
  });
}

void PageAllocator::vmstat_shepherd(sim::Cpu& cpu) {
  for (sim::CpuId c = 0; c < machine_.cpus(); ++c) {
    VmstatUpdate& w = *vmstat_work_[c];
    if (w.pending()) continue;
    // Reading another CPU's per-CPU diffs (charged as its pcp lines).
    for (const Zone& z : zones_)
      if (z.populated() && c < z.pcp.size()) cpu.read(z.pcp[c].addr + PerCpuPagesLayout::counts);
    // queue_delayed_work_on(cpu, mm_percpu_wq, dw, 0): queued at once, so a
    // kworker wakes that CPU even if idle.
    if (need_update(c)) machine_.cpu(c).queue_work(w, cpu.now(), false);
  }
  const sim::Cycles now = cpu.now();
  cpu.queue_work(*shepherd_,
                 jiffies_.due(now, jiffies_.round_relative(stat_interval_jiffies(), now, cpu.id())),
                 true);
}

bool PageAllocator::refresh_cpu_vm_stats(sim::Cpu& cpu) {
  const bool v6 = config_.flavour != Flavour::linux_2_6;
  bool changes = false;
  for (Zone& z : zones_) {  // for_each_populated_zone: node order, then zone index
    if (!z.populated() || cpu.id() >= z.pcp.size()) continue;
    PerCpuPages& pcp = z.pcp[cpu.id()];
    cpu.read(pcp.addr + PerCpuPagesLayout::counts, 64);
    if (pcp.stat_diff) {
      // Fold into zone->vm_stat (an atomic add), and arm the remote countdown.
      pcp.stat_diff = false;
      cpu.rmw(z.addr + ZoneLayout::vm_stat);
      pcp.expire = kExpirePasses;
      changes = true;
    }
    if (v6) changes |= decay_pcp_high(cpu, z, pcp);
    // CONFIG_NUMA: drain this CPU's list of a remote zone once it has seen no
    // stat change for 3 passes; never a local zone's.
    if (pcp.expire == 0 || pcp.count == 0) continue;
    if (z.node == cpu.node()) {
      pcp.expire = 0;
      continue;
    }
    if (--pcp.expire != 0) {
      changes = true;
      continue;
    }
    drain_zone_pages(cpu, z, pcp);
    changes = true;
  }
  return changes;
}

}  // namespace allocsim::model
