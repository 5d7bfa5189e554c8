#pragma once
// /proc/zoneinfo in each flavour's layout (mm/vmstat.c zoneinfo_show_print):
// 2.6.32 lists the populated zones with its zone counters, scanned,
// prev_priority and inactive_ratio; 6.8 lists every zone of every node
// (unpopulated ones end after "protection"), the node's counters under its
// first populated zone, boost, managed and cma. The 6.9+ "promo" line is not
// printed: the linux_6 flavour is 6.8.
#include <string>

#include "model/object_allocator.hpp"
#include "model/page_alloc.hpp"

namespace allocsim::model {

// `slab`: where nr_slab_reclaimable / nr_slab_unreclaimable come from (null: 0).
std::string proc_zoneinfo(const PageAllocator& pa, const ObjectAllocator* slab = nullptr);

}  // namespace allocsim::model
