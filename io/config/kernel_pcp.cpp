// kernel.pcp_batch and kernel.pcp_high: explicit per-CPU pageset sizes, for
// studies that sweep them. Each is `auto` (the flavour's zone_batchsize /
// zone_highsize rules), one number for every zone, or a map by zone name
// ({Normal: 31, DMA32: 63}; zones left out stay auto).
#include <string>

#include "io/config/sections.hpp"

namespace allocsim::io {
namespace {

// pcp->batch is an int in both kernels; a batch beyond 2^15 - 1 pages (128 MiB)
// would not fit 6.x's batch << CONFIG_PCP_BATCH_SCALE_MAX drain in an int either.
constexpr std::uint64_t kMaxPcpBatch = 32767;
constexpr std::uint64_t kMaxPcpHigh = 1u << 30;

// One value: "auto" (0) or a number in [min, max].
std::uint32_t read_size(const Value& v, std::uint64_t min, std::uint64_t max) {
  if (v.node().is_scalar() && v.as_string() == "auto") return 0;
  return static_cast<std::uint32_t>(v.as_uint(min, max));
}

std::string text(std::uint32_t n) {
  return n ? std::to_string(n) : "auto";
}

// Reads `key` into sizes[ZoneType]; `where[ZoneType]` keeps each value's Value
// for the high >= batch check.
void read_per_zone(MapReader& kernel, std::string_view key, sim::Arch arch, std::uint64_t min,
                   std::uint64_t max, std::array<std::uint32_t, model::kNrZoneTypes>& sizes,
                   std::array<std::optional<Value>, model::kNrZoneTypes>& where) {
  std::vector<std::string> names;
  for (model::ZoneType t : model::zone_types(arch))
    if (t != model::ZoneType::device) names.emplace_back(model::zone_name(t));
  const Value v = kernel.get(key);
  if (v.node().is_scalar()) {
    const std::uint32_t n = read_size(v, min, max);
    for (model::ZoneType t : model::zone_types(arch)) {
      sizes[static_cast<unsigned>(t)] = n;
      if (n) where[static_cast<unsigned>(t)] = v;
    }
    kernel.record(key, text(n));
    return;
  }
  MapReader zones = kernel.map(key, names);
  for (model::ZoneType t : model::zone_types(arch)) {
    if (t == model::ZoneType::device) continue;
    const std::string name(model::zone_name(t));
    const std::optional<Value> z = zones.find(name);
    if (!z) continue;
    const std::uint32_t n = read_size(*z, min, max);
    sizes[static_cast<unsigned>(t)] = n;
    if (n) where[static_cast<unsigned>(t)] = z;
    zones.record(name, text(n));
  }
  zones.done();
}

}  // namespace

void read_pcp_sizes(MapReader& kernel, sim::Arch arch, model::KernelConfig& k) {
  std::array<std::optional<Value>, model::kNrZoneTypes> batch_at, high_at;
  read_per_zone(kernel, "pcp_batch", arch, 1, kMaxPcpBatch, k.pcp_batch, batch_at);
  read_per_zone(kernel, "pcp_high", arch, 1, kMaxPcpHigh, k.pcp_high, high_at);
  for (model::ZoneType t : model::zone_types(arch)) {
    const auto i = static_cast<unsigned>(t);
    if (!k.pcp_high[i]) continue;
    const std::string zone(model::zone_name(t));
    // The zone's auto batch is known only once its size is, at boot: an
    // explicit high needs an explicit batch so that this check is complete.
    if (!k.pcp_batch[i])
      high_at[i]->fail("for zone " + zone + " needs kernel.pcp_batch set for it too");
    // Below its batch a pcp would never hold a refill (6.x nr_pcp_alloc takes
    // one page at a time when high < batch).
    if (k.pcp_high[i] < k.pcp_batch[i])
      high_at[i]->fail("for zone " + zone + " (" + std::to_string(k.pcp_high[i]) +
                       ") is below its pcp_batch (" + std::to_string(k.pcp_batch[i]) + ")");
  }
}

}  // namespace allocsim::io
