#pragma once
// /proc/pagetypeinfo: free blocks per (zone, migrate type, order), then the
// number of pageblocks of each migrate type per zone (mm/vmstat.c
// pagetypeinfo_show, 2.6.24+). Lists every migrate type of the flavour:
// 2.6.32 five (Unmovable .. Isolate), 6.8 six (Unmovable .. CMA, Isolate).
#include <string>

#include "model/page_alloc.hpp"

namespace allocsim::model {

std::string proc_pagetypeinfo(const PageAllocator& pa);

}  // namespace allocsim::model
