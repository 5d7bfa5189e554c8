#pragma once
// The page allocator's periodic vmstat work as per-CPU deferred kernel work
// (sim/work_queue.hpp): each CPU's vmstat_update and, on linux-6, the
// vmstat_shepherd that re-queues it (model/vmstat_work.cpp).
#include "model/page_alloc.hpp"

namespace allocsim::model {

// mm/vmstat.c's per-CPU vmstat_work (a deferrable delayed_work).
class PageAllocator::VmstatUpdate final : public sim::Work {
 public:
  explicit VmstatUpdate(PageAllocator& pa) : pa_(pa) {}
  void run(sim::Cpu& cpu) override { pa_.vmstat_update(cpu); }

 private:
  PageAllocator& pa_;
};

// 6.x mm/vmstat.c's shepherd (DECLARE_DEFERRABLE_WORK).
class PageAllocator::VmstatShepherd final : public sim::Work {
 public:
  explicit VmstatShepherd(PageAllocator& pa) : pa_(pa) {}
  void run(sim::Cpu& cpu) override { pa_.vmstat_shepherd(cpu); }

 private:
  PageAllocator& pa_;
};

}  // namespace allocsim::model
