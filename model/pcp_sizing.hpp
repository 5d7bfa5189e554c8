#pragma once
// Per-CPU pageset sizes: zone_batchsize and pcp high per flavour, and 6.x's
// mapping of (migratetype, order) to pcp lists.
#include <cstdint>

#include "model/flavour.hpp"

namespace allocsim::model {

unsigned zone_batchsize(Flavour f, std::uint64_t pages);  // present (2.6) or managed (6.x) pages

struct PcpSizes {
  std::int64_t batch;
  std::int64_t high;      // initial pcp->high
  std::int64_t high_min;  // 6.x auto-tuning bounds (= high in 2.6)
  std::int64_t high_max;
};
// setup_pageset (2.6.32): high = 6 * batch, batch = max(1, batch).
PcpSizes pcp_sizes_2_6(std::uint64_t present_pages);
// zone_set_pageset_high_and_batch + zone_highsize (6.8).
PcpSizes pcp_sizes_6(std::uint64_t managed_pages, std::uint64_t low_wmark,
                     unsigned cpus_on_zone_node, unsigned cpus_online,
                     unsigned percpu_pagelist_high_fraction = 0);

// 6.8 order_to_pindex: MIGRATE_PCPTYPES * order + migratetype for order <= 3;
// the THP list after the twelve low-order lists.
unsigned order_to_pindex(unsigned migratetype, unsigned order);
bool pcp_allowed_order(unsigned order, bool thp, unsigned pageblock_order = 9);

}  // namespace allocsim::model
