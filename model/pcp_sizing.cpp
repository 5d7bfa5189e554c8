#include "model/pcp_sizing.hpp"

#include <algorithm>

#include "model/kernel_math.hpp"
#include "model/migratetype.hpp"

namespace allocsim::model {

// mm/page_alloc.c:zone_batchsize (2.6.32 and 6.8).
unsigned zone_batchsize(Flavour f, std::uint64_t pages) {
  // 2.6.32: present / 1024, capped at 512 KB of pages; 6.8: managed >> 10,
  // capped at SZ_1M / PAGE_SIZE.
  const std::uint64_t cap = (f == Flavour::linux_2_6 ? 512 * 1024 : 1024 * 1024) / kPageSize;
  std::uint64_t batch = std::min(pages >> 10, cap);
  batch /= 4;  // "we effectively *= 4 below"
  if (batch < 1) batch = 1;
  // rounddown_pow_of_two(batch + batch/2) - 1: keeps batches off power-of-two
  // strides that alias in caches.
  return static_cast<unsigned>(rounddown_pow_of_two(batch + batch / 2) - 1);
}

// mm/page_alloc.c:setup_pageset (2.6.32).
PcpSizes pcp_sizes_2_6(std::uint64_t present_pages, PcpOverride o) {
  const std::int64_t b = o.batch ? o.batch : zone_batchsize(Flavour::linux_2_6, present_pages);
  // pageset_set_batch: from the unclamped batch, so a DMA zone gets high 0.
  const std::int64_t high = o.high ? o.high : 6 * b;
  return {std::max<std::int64_t>(1, b), high, high, high};
}

namespace {
// mm/page_alloc.c:zone_highsize (6.8). Reference §3.2: total = high_fraction
// ? managed / high_fraction : low_wmark_pages(zone); "nr_split_cpus = cpus on
// zone's node + cpu_online (or num_online_cpus if 0)"; high = max(total /
// nr_split_cpus, batch << 2). cpu_online is zone_pcp_update's 0/1 argument,
// not a count: 1 only from the CPU-hotplug callback (the new CPU is not yet in
// the node's mask), 0 from setup_per_zone_wmarks, the last call at boot. So
// the split is over the node's CPUs, or every online CPU for a node without any.
std::int64_t zone_highsize(std::uint64_t total_pages, std::int64_t batch, unsigned cpus_on_node,
                           unsigned cpus_online) {
  const unsigned split = cpus_on_node ? cpus_on_node : std::max(1u, cpus_online);
  const auto high = static_cast<std::int64_t>(total_pages / split);
  return std::max(high, batch << 2);
}
}  // namespace

// mm/page_alloc.c:zone_set_pageset_high_and_batch (6.8).
PcpSizes pcp_sizes_6(std::uint64_t managed, std::uint64_t low_wmark, unsigned cpus_on_node,
                     unsigned cpus_online, unsigned fraction, PcpOverride o) {
  const std::int64_t batch =
      o.batch ? o.batch : std::max<std::int64_t>(1, zone_batchsize(Flavour::linux_6, managed));
  if (o.high) return {batch, o.high, o.high, o.high};
  constexpr unsigned kMinFraction = 8;  // MIN_PERCPU_PAGELIST_HIGH_FRACTION
  std::int64_t high_min, high_max;
  if (fraction) {  // percpu_pagelist_high_fraction set: auto-tuning off
    high_min = high_max = zone_highsize(managed / fraction, batch, cpus_on_node, cpus_online);
  } else {
    high_min = zone_highsize(low_wmark, batch, cpus_on_node, cpus_online);
    high_max = zone_highsize(managed / kMinFraction, batch, cpus_on_node, cpus_online);
  }
  return {batch, high_min, high_min, high_max};
}

// mm/page_alloc.c:order_to_pindex (6.8).
unsigned order_to_pindex(unsigned migratetype, unsigned order) {
  if (order > kPageAllocCostlyOrder)
    return kMigratePcpTypes * (kPageAllocCostlyOrder + 1);  // NR_LOWORDER_PCP_LISTS: THP
  return kMigratePcpTypes * order + migratetype;
}

// mm/page_alloc.c:pcp_allowed_order (6.8).
bool pcp_allowed_order(unsigned order, bool thp, unsigned pageblock_order) {
  return order <= kPageAllocCostlyOrder || (thp && order == pageblock_order);
}

}  // namespace allocsim::model
