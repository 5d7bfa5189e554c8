#pragma once
// /proc/slabinfo version 2.1 (2.6.32 mm/slab.c:s_show, 6.x
// mm/slab_common.c:cache_show), shared by SLAB and SLUB.
#include <cstdint>
#include <string>

namespace allocsim::model {

struct SlabinfoRow {
  std::string name;
  std::uint64_t active_objs = 0, num_objs = 0;
  std::uint32_t objsize = 0, objperslab = 0, pagesperslab = 0;
  std::uint32_t limit = 0, batchcount = 0, shared = 0;  // tunables (0 0 0 for SLUB)
  std::uint64_t active_slabs = 0, num_slabs = 0, shared_avail = 0;
};

// "slabinfo - version: 2.1" and the column header line.
std::string slabinfo_header(bool statistics);
std::string slabinfo_row(const SlabinfoRow& r);

}  // namespace allocsim::model
