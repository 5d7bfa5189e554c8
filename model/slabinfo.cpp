#include "model/slabinfo.hpp"

#include <cstdio>

namespace allocsim::model {

std::string slabinfo_header(bool statistics) {
  std::string h =
      statistics ? "slabinfo - version: 2.1 (statistics)\n" : "slabinfo - version: 2.1\n";
  h += "# name            <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab>"
       " : tunables <limit> <batchcount> <sharedfactor> : slabdata <active_slabs> <num_slabs>"
       " <sharedavail>";
  if (statistics)
    h += " : globalstat <listallocs> <maxobjs> <grown> <reaped> <error> <maxfreeable>"
         " <nodeallocs> <remotefrees> <alienoverflow> : cpustat <allochit> <allocmiss>"
         " <freehit> <freemiss>";
  return h + "\n";
}

std::string slabinfo_row(const SlabinfoRow& r) {
  char buf[256];
  std::snprintf(
      buf, sizeof buf,
      "%-17s %6llu %6llu %6u %4u %4u : tunables %4u %4u %4u : slabdata %6llu %6llu %6llu\n",
      r.name.c_str(), static_cast<unsigned long long>(r.active_objs),
      static_cast<unsigned long long>(r.num_objs), r.objsize, r.objperslab, r.pagesperslab, r.limit,
      r.batchcount, r.shared, static_cast<unsigned long long>(r.active_slabs),
      static_cast<unsigned long long>(r.num_slabs),
      static_cast<unsigned long long>(r.shared_avail));
  return buf;
}

}  // namespace allocsim::model
