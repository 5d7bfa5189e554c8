#pragma once
// Per-CPU pageset sizes: zone_batchsize and pcp high per flavour, and 6.x's
// mapping of (migratetype, order) to pcp lists (mm/page_alloc.c zone_batchsize,
// zone_highsize, order_to_pindex).
#include <cstdint>

#include "model/flavour.hpp"

namespace allocsim::model {

// zone_batchsize: present pages (2.6.32, 512 KB cap) or managed pages (6.8,
// 1 MB cap); may return 0 (a small DMA zone), which pagesets raise to 1.
unsigned zone_batchsize(Flavour f, std::uint64_t pages);

struct PcpSizes {
  std::int64_t batch;     // pcp->batch, at least 1
  std::int64_t high;      // initial pcp->high (6.x: high_min, where nr_pcp_high clamps it)
  std::int64_t high_min;  // 6.x auto-tuning bounds (= high in 2.6)
  std::int64_t high_max;
};
// An explicit batch and high (kernel.pcp_batch, kernel.pcp_high); 0 = the
// kernel's own rule. An explicit high fixes high_min = high_max (no auto-tuning).
struct PcpOverride {
  std::uint32_t batch = 0;
  std::uint32_t high = 0;
};

// setup_pageset (2.6.32): high = 6 * zone_batchsize, batch = max(1, zone_batchsize).
// An explicit batch goes through pageset_set_batch (high = 6 * batch).
PcpSizes pcp_sizes_2_6(std::uint64_t present_pages, PcpOverride o = {});
// zone_set_pageset_high_and_batch + zone_highsize (6.8) as last run at boot
// (zone_pcp_update(zone, 0) from setup_per_zone_wmarks). cpus_on_zone_node:
// CPUs of the zone's node; cpus_online: num_online_cpus(), used when the node
// has none. An explicit batch replaces zone_batchsize, also in zone_highsize's
// floor of 4 * batch.
PcpSizes pcp_sizes_6(std::uint64_t managed_pages, std::uint64_t low_wmark,
                     unsigned cpus_on_zone_node, unsigned cpus_online,
                     unsigned percpu_pagelist_high_fraction = 0, PcpOverride o = {});

// 6.8 order_to_pindex: MIGRATE_PCPTYPES * order + migratetype for order <= 3;
// the THP list (NR_LOWORDER_PCP_LISTS = 12) for the pageblock order.
unsigned order_to_pindex(unsigned migratetype, unsigned order);
// 6.8 pcp_allowed_order: order <= PAGE_ALLOC_COSTLY_ORDER, or the pageblock
// order with CONFIG_TRANSPARENT_HUGEPAGE.
bool pcp_allowed_order(unsigned order, bool thp, unsigned pageblock_order = 9);

}  // namespace allocsim::model
