#pragma once
// kswapd of one node: a kernel thread, modelled as non-deferrable per-CPU
// work (sim/work_queue.hpp) queued on a CPU of its node when it is woken
// (see reclaim.cpp for which CPU and why).
#include "model/page_alloc.hpp"

namespace allocsim::model {

class PageAllocator::Kswapd final : public sim::Work {
 public:
  Kswapd(PageAllocator& pa, sim::NodeId node, std::vector<sim::CpuId> cpus)
      : pa_(pa), node_(node), cpus_(std::move(cpus)) {}

  // balance_pgdat in short: reclaim until every zone is at its high watermark.
  void run(sim::Cpu& cpu) override;
  // The CPU a wake-up by `waker` queues this kswapd on.
  sim::Cpu& pick_cpu(sim::Cpu& waker) const;
  // The CPUs it may run on: its node's, or the nearest node's if it has none.
  const std::vector<sim::CpuId>& cpus() const { return cpus_; }
  // In balance_pgdat: a wake-up now finds no sleeper on kswapd_wait.
  bool running() const { return running_; }

 private:
  PageAllocator& pa_;
  sim::NodeId node_;
  std::vector<sim::CpuId> cpus_;
  bool running_ = false;
};

}  // namespace allocsim::model
