#pragma once
// The debugfs fragmentation files /sys/kernel/debug/extfrag/extfrag_index and
// unusable_index (mm/vmstat.c extfrag_show / unusable_show). Linux added them
// in 2.6.35, so a real 2.6.32 kernel has neither; both flavours print them
// here, from the same formulas (model/fragmentation.hpp).
#include <string>

#include "model/page_alloc.hpp"

namespace allocsim::model {

// A line per populated zone: "Node %d, zone %8s ", then "%2d.%03d " of
// __fragmentation_index for orders 0..10 (-1.000: the allocation would succeed).
std::string debugfs_extfrag_index(const PageAllocator& pa);
// The same lines with "%d.%03d " of unusable_free_index.
std::string debugfs_unusable_index(const PageAllocator& pa);

}  // namespace allocsim::model
