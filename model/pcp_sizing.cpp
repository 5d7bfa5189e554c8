#include "model/pcp_sizing.hpp"

#include <algorithm>
#include <bit>

#include "model/migratetype.hpp"

namespace allocsim::model {

unsigned zone_batchsize(Flavour f, std::uint64_t pages) {
  const std::uint64_t cap = (f == Flavour::linux_2_6 ? 512 * 1024 : 1024 * 1024) / kPageSize;
  std::uint64_t batch = std::min(pages / 1024, cap);
  batch /= 4;
  if (batch < 1) batch = 1;
  // rounddown_pow_of_two(batch + batch/2) - 1: keeps batches off power-of-two
  // strides that alias in caches.
  return static_cast<unsigned>(std::bit_floor(batch + batch / 2) - 1);
}

PcpSizes pcp_sizes_2_6(std::uint64_t present_pages) {
  const std::int64_t b = zone_batchsize(Flavour::linux_2_6, present_pages);
  const std::int64_t high = 6 * b;
  return {std::max<std::int64_t>(1, b), high, high, high};
}

namespace {
// zone_highsize(): split over the CPUs of the zone's node (all online CPUs
// for a node without CPUs), at least batch * 4.
std::int64_t zone_highsize(std::uint64_t total_pages, std::int64_t batch, unsigned cpus_on_node,
                           unsigned cpus_online) {
  const unsigned split = cpus_on_node ? cpus_on_node : cpus_online;
  const auto high = static_cast<std::int64_t>(total_pages / std::max(1u, split));
  return std::max(high, batch << 2);
}
}  // namespace

PcpSizes pcp_sizes_6(std::uint64_t managed, std::uint64_t low_wmark, unsigned cpus_on_node,
                     unsigned cpus_online, unsigned fraction) {
  const std::int64_t batch = std::max<std::int64_t>(1, zone_batchsize(Flavour::linux_6, managed));
  constexpr unsigned kMinFraction = 8;  // MIN_PERCPU_PAGELIST_HIGH_FRACTION
  std::int64_t high_min, high_max;
  if (fraction) {  // tuned by hand: auto-tuning off
    high_min = high_max = zone_highsize(managed / fraction, batch, cpus_on_node, cpus_online);
  } else {
    high_min = zone_highsize(low_wmark, batch, cpus_on_node, cpus_online);
    high_max = zone_highsize(managed / kMinFraction, batch, cpus_on_node, cpus_online);
  }
  return {batch, high_min, high_min, high_max};
}

unsigned order_to_pindex(unsigned migratetype, unsigned order) {
  if (order > kPageAllocCostlyOrder)
    return kMigratePcpTypes * (kPageAllocCostlyOrder + 1);  // the THP list
  return kMigratePcpTypes * order + migratetype;
}

bool pcp_allowed_order(unsigned order, bool thp, unsigned pageblock_order) {
  return order <= kPageAllocCostlyOrder || (thp && order == pageblock_order);
}

}  // namespace allocsim::model
