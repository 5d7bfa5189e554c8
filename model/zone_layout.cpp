#include "model/zone_layout.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace allocsim::model {

namespace {

unsigned checked_zone_index(sim::Arch arch, ZoneType t) {
  const int i = zone_index(arch, t);
  if (i < 0)
    throw std::invalid_argument("zone " + std::string(zone_name(t)) + " does not exist on " +
                                (arch == sim::Arch::i386 ? "i386" : "x86_64"));
  return static_cast<unsigned>(i);
}

std::uint64_t holes_in(std::uint64_t start, std::uint64_t end) {
  const std::uint64_t lo = std::max(start, kIsaHole.start_pfn),
                      hi = std::min(end, kIsaHole.end_pfn);
  return hi > lo ? hi - lo : 0;
}

}  // namespace

std::vector<ZoneSpec> derive_zones(const sim::MachineConfig& machine) {
  const bool i386 = machine.arch == sim::Arch::i386;
  // Zone upper limits in pfns, in zone order (Movable is not populated by default).
  struct Limit {
    ZoneType type;
    std::uint64_t end;
  };
  const std::vector<Limit> limits = i386 ? std::vector<Limit>{{ZoneType::dma, kDmaEndPfn},
                                                              {ZoneType::normal, kLowmemEndPfn},
                                                              {ZoneType::highmem, ~0ull}}
                                         : std::vector<Limit>{{ZoneType::dma, kDmaEndPfn},
                                                              {ZoneType::dma32, kDma32EndPfn},
                                                              {ZoneType::normal, ~0ull}};
  std::vector<ZoneSpec> zones;
  for (sim::NodeId n = 0; n < machine.node_memory.size(); ++n) {
    const auto& m = machine.node_memory[n];
    // PFN_DOWN: config pfns stay numbers until the page allocator builds its zones.
    std::uint64_t start = m.start.value() >> kPageShift;
    const std::uint64_t end = (m.start + m.bytes).value() >> kPageShift;
    if (start == 0)
      start = 1;  // pfn 0 is reserved by x86 (real-mode IVT): the DMA zone starts at 1
    std::uint64_t lo = 0;
    for (const Limit& l : limits) {
      const std::uint64_t zs = std::max(start, lo), ze = std::min(end, l.end);
      lo = l.end;
      if (ze <= zs) continue;
      zones.push_back({n, l.type, zs, ze - zs, (ze - zs) - holes_in(zs, ze), std::nullopt});
    }
  }
  return zones;
}

void check_zones(const sim::MachineConfig& machine, const std::vector<ZoneSpec>& zones) {
  auto fail = [](const std::string& m) { throw std::invalid_argument("zones: " + m); };
  for (std::size_t i = 0; i < zones.size(); ++i) {
    const ZoneSpec& z = zones[i];
    const std::string name =
        "node " + std::to_string(z.node) + " " + std::string(zone_name(z.type));
    if (z.node >= machine.nodes) fail(name + ": no such node");
    checked_zone_index(machine.arch, z.type);
    if (z.spanned == 0) fail(name + ": spans no pages");
    if (z.present > z.spanned) fail(name + ": present exceeds spanned");
    if (z.managed && *z.managed > z.present) fail(name + ": managed exceeds present");
    const auto& m = machine.node_memory[z.node];
    if (z.start_pfn < (m.start.value() >> kPageShift) ||
        z.start_pfn + z.spanned > (m.start + m.bytes).value() >> kPageShift)
      fail(name + ": outside the node's memory");
    for (std::size_t j = 0; j < i; ++j) {
      const ZoneSpec& o = zones[j];
      if (o.node == z.node && o.type == z.type) fail(name + ": given twice");
      if (z.start_pfn < o.start_pfn + o.spanned && o.start_pfn < z.start_pfn + z.spanned)
        fail(name + ": overlaps node " + std::to_string(o.node) + " " +
             std::string(zone_name(o.type)));
      if (o.node == z.node &&
          (checked_zone_index(machine.arch, o.type) < checked_zone_index(machine.arch, z.type)) !=
              (o.start_pfn < z.start_pfn))
        fail(name + ": zones of a node must ascend in address with their index");
    }
  }
}

}  // namespace allocsim::model
