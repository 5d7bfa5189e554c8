#pragma once
// The page allocator's reports in Linux's own text formats (mm/vmstat.c):
// /proc/buddyinfo, /proc/pagetypeinfo, /proc/zoneinfo (each flavour's
// layout) and the debugfs extfrag_index and unusable_index files.
#include <string>

#include "model/page_alloc.hpp"

namespace allocsim::model {

std::string proc_buddyinfo(const PageAllocator& pa);
std::string proc_pagetypeinfo(const PageAllocator& pa);
std::string proc_zoneinfo(const PageAllocator& pa);
std::string debugfs_extfrag_index(const PageAllocator& pa);
std::string debugfs_unusable_index(const PageAllocator& pa);
// /proc/vmstat lines ("name value") for the counters the model keeps.
std::string proc_vmstat(const PageAllocator& pa);

}  // namespace allocsim::model
