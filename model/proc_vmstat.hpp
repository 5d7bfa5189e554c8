#pragma once
// /proc/vmstat-style "name value" lines (mm/vmstat.c vmstat_show) for the
// counters the model keeps, under the flavour's own Linux names and in its
// vmstat_text order. Counters the model does not keep are left out, not
// printed as 0.
#include <string>

#include "model/object_allocator.hpp"
#include "model/page_alloc.hpp"

namespace allocsim::model {

// `slab`: where nr_slab_reclaimable / nr_slab_unreclaimable come from (null: 0).
std::string proc_vmstat(const PageAllocator& pa, const ObjectAllocator* slab = nullptr);

}  // namespace allocsim::model
