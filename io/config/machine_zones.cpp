// machine.zones: an exact zone layout (node, zone, start_pfn, spanned,
// present, managed), e.g. from `allocsim machine import`. Optional: without it
// the zones are derived from the node memory the way x86 boots.
#include <stdexcept>

#include "io/config/machine_parts.hpp"
#include "model/zone_layout.hpp"

namespace allocsim::io {
namespace {

constexpr std::array<EnumName<model::ZoneType>, 5> kZoneNames{{
    {"DMA", model::ZoneType::dma},
    {"DMA32", model::ZoneType::dma32},
    {"Normal", model::ZoneType::normal},
    {"HighMem", model::ZoneType::highmem},
    {"Movable", model::ZoneType::movable},
}};

}  // namespace

std::vector<model::ZoneSpec> read_zones(MapReader& machine, const sim::MachineConfig& m) {
  std::optional<Value> list = machine.find("zones");
  if (!list) return {};
  std::vector<model::ZoneSpec> zones;
  std::vector<Node> resolved;
  for (const Value& item : list->as_sequence()) {
    Node out = Node::map();
    MapReader z(&item.node(), item.path(), item.origin(), &out,
                {"node", "zone", "start_pfn", "spanned", "present", "managed"});
    model::ZoneSpec s;
    s.node = read_node_id(z.get("node"), m);
    out.set("node", Node::scalar(std::to_string(s.node)));
    s.type = z.enumeration("zone", kZoneNames);
    s.start_pfn = z.uint("start_pfn");
    s.spanned = z.uint("spanned", 1);
    s.present = z.uint("present");
    if (std::optional<Value> managed = z.find("managed")) {
      s.managed = managed->as_uint();
      z.record("managed", std::to_string(*s.managed));
    }
    z.done();
    try {
      model::check_zones(m, {s});
    } catch (const std::invalid_argument& e) {
      item.fail(e.what());
    }
    zones.push_back(s);
    resolved.push_back(std::move(out));
  }
  try {
    model::check_zones(m, zones);
  } catch (const std::invalid_argument& e) {
    list->fail(e.what());
  }
  machine.record("zones", Node::sequence(std::move(resolved)));
  return zones;
}

}  // namespace allocsim::io
