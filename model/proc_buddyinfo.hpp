#pragma once
// /proc/buddyinfo: free blocks per order of every populated zone
// (mm/vmstat.c frag_show_print; the same layout in 2.6.32 and 6.8).
#include <string>

#include "model/page_alloc.hpp"

namespace allocsim::model {

std::string proc_buddyinfo(const PageAllocator& pa);

}  // namespace allocsim::model
