// machine.interconnect: either an explicit SLIT distance matrix, or the links
// between nodes from which sim/topology derives distances by shortest paths.
// Only shapes and ranges are checked here; the paths are sim's business.
#include <string>
#include <vector>

#include "io/config/machine_parts.hpp"

namespace allocsim::io {
namespace {

// ACPI SLIT: 10 is local, 255 means unreachable, so remote is 11..254.
constexpr unsigned kMaxDistance = 254;
constexpr unsigned kDefaultLinkDistance = 21;  // a typical 2-socket Intel SLIT

Node flow_row(const std::vector<unsigned>& row) {
  std::vector<std::string> items;
  for (unsigned d : row) items.push_back(std::to_string(d));
  return resolved_list(items);
}

void read_distance(const Value& v, sim::MachineConfig& m) {
  std::vector<Value> rows = v.as_sequence();
  if (rows.size() != m.nodes) {
    v.fail("distance matrix has " + std::to_string(rows.size()) + " rows but machine.nodes is " +
           std::to_string(m.nodes));
  }
  m.distance.assign(m.nodes, {});
  for (std::uint32_t i = 0; i < m.nodes; ++i) {
    std::vector<Value> row = rows[i].as_sequence();
    if (row.size() != m.nodes) {
      rows[i].fail("distance row has " + std::to_string(row.size()) +
                   " entries but machine.nodes is " + std::to_string(m.nodes));
    }
    for (std::uint32_t j = 0; j < m.nodes; ++j) {
      if (i == j) {
        if (row[j].as_uint() != sim::kLocalDistance) row[j].fail("the diagonal must be 10 (local)");
        m.distance[i].push_back(sim::kLocalDistance);
      } else {
        m.distance[i].push_back(static_cast<unsigned>(row[j].as_uint(11, kMaxDistance)));
      }
    }
  }
}

void read_links(const std::optional<Value>& v, sim::MachineConfig& m) {
  m.links.clear();
  if (!v) {
    // Default: every pair of nodes directly linked.
    for (sim::NodeId a = 0; a < m.nodes; ++a) {
      for (sim::NodeId b = a + 1; b < m.nodes; ++b) {
        m.links.push_back(sim::Link{a, b, kDefaultLinkDistance});
      }
    }
    return;
  }
  std::vector<std::vector<bool>> seen(m.nodes, std::vector<bool>(m.nodes, false));
  for (const Value& link : v->as_sequence()) {
    std::vector<Value> parts = link.as_sequence();
    if (parts.size() != 3) link.fail("a link is [node_a, node_b, distance]");
    sim::NodeId a = read_node_id(parts[0], m);
    sim::NodeId b = read_node_id(parts[1], m);
    auto d = static_cast<unsigned>(parts[2].as_uint(11, kMaxDistance));
    if (a == b) link.fail("a link must join two different nodes");
    if (seen[a][b])
      link.fail("duplicate link between nodes " + std::to_string(a) + " and " + std::to_string(b));
    seen[a][b] = seen[b][a] = true;
    m.links.push_back(sim::Link{a, b, d});
  }
  // Every node must be reachable (a simple flood fill from node 0).
  std::vector<bool> reached(m.nodes, false);
  std::vector<sim::NodeId> stack{0};
  reached[0] = true;
  while (!stack.empty()) {
    sim::NodeId n = stack.back();
    stack.pop_back();
    for (sim::NodeId other = 0; other < m.nodes; ++other) {
      if (seen[n][other] && !reached[other]) {
        reached[other] = true;
        stack.push_back(other);
      }
    }
  }
  for (sim::NodeId n = 0; n < m.nodes; ++n) {
    if (!reached[n]) v->fail("node " + std::to_string(n) + " is not connected to node 0");
  }
}

}  // namespace

void read_interconnect(MapReader& interconnect, sim::MachineConfig& m) {
  // A matrix wins over links, unless the links were set by a later file or --set.
  const Node* matrix = interconnect.find_node("distance");
  const Node* links = interconnect.find_node("links");
  const bool use_matrix = matrix && !(links && links->origin().layer > matrix->origin().layer);
  m.distance.clear();
  if (use_matrix) {
    interconnect.ignore("links");
    read_distance(interconnect.get("distance"), m);
    Node rows = Node::sequence();
    for (const auto& row : m.distance) rows.items().push_back(flow_row(row));
    interconnect.record("distance", std::move(rows));
    m.links.clear();
  } else {
    interconnect.ignore("distance");
    read_links(interconnect.find("links"), m);
    Node list = Node::sequence();
    for (const sim::Link& l : m.links) list.items().push_back(flow_row({l.a, l.b, l.distance}));
    interconnect.record("links", std::move(list));
  }
  interconnect.done();
}

}  // namespace allocsim::io
