// machine.caches: the line size and the L1D, L2 (private per CPU) and LLC
// (shared per node or per group of CPUs) geometries.
#include <array>
#include <bit>
#include <cctype>
#include <string>

#include "io/config/machine_parts.hpp"
#include "io/config/units.hpp"
#include "sim/cache.hpp"

namespace allocsim::io {
namespace {

using sim::Replacement;

constexpr std::array<EnumName<Replacement>, 3> kReplacements{{
    {"lru", Replacement::lru},
    {"tree_plru", Replacement::tree_plru},
    {"random", Replacement::random},
}};

// The largest LLCs shipping hold about 1 GiB per socket; the simulator keeps a
// tag array of host memory for every simulated cache.
constexpr std::uint64_t kMaxCacheBytes = std::uint64_t{2} << 30;

void read_level(MapReader& level, const sim::MachineConfig& m, sim::CacheConfig& out) {
  Value size = level.get("size");
  out.size_bytes = size.as_size();
  if (out.size_bytes > kMaxCacheBytes)
    size.fail("a cache holds at most " + format_size(kMaxCacheBytes) + ", got " +
              format_size(out.size_bytes));
  level.record("size", format_size(out.size_bytes));
  out.ways = static_cast<std::uint32_t>(level.uint("ways", 1, sim::kMaxCacheWays));
  out.latency = level.time("latency", m.ghz);
  out.replacement = level.enumeration("replacement", kReplacements);

  // Sets need not be a power of two (the sim indexes modulo), but must be whole.
  const std::uint64_t set_bytes = std::uint64_t{m.line_bytes} * out.ways;
  if (out.size_bytes % set_bytes != 0) {
    level.get(level.latest({"size", "ways"}))
        .fail("size " + format_size(out.size_bytes) + " is not a whole number of sets of " +
              std::to_string(out.ways) + " ways x " + format_size(m.line_bytes) + " lines (" +
              format_size(set_bytes) + " per set)");
  }
  if (out.replacement == Replacement::tree_plru && !std::has_single_bit(out.ways)) {
    level.get(level.latest({"replacement", "ways"}))
        .fail("tree_plru needs a power-of-two number of ways, got " + std::to_string(out.ways));
  }
}

void read_shared_by(MapReader& llc, sim::MachineConfig& m) {
  Value v = llc.get("shared_by");
  if (v.present() && v.node().is_scalar() && v.node().text() == "node") {
    m.llc.shared_by = 0;
    llc.record("shared_by", "node");
    return;
  }
  if (v.present() && v.node().is_scalar() && !v.node().text().empty() &&
      !std::isdigit(static_cast<unsigned char>(v.node().text().front()))) {
    v.fail("expected 'node' or a number of CPUs, got " + v.node().describe());
  }
  m.llc.shared_by = static_cast<std::uint32_t>(v.as_uint(1, m.cpus));
  // Every node must split into whole LLC domains (a domain never spans nodes).
  std::vector<std::uint32_t> per_node(m.nodes, 0);
  for (sim::NodeId node : m.cpu_node) ++per_node[node];
  for (sim::NodeId node = 0; node < m.nodes; ++node) {
    if (per_node[node] % m.llc.shared_by != 0) {
      v.fail("node " + std::to_string(node) + " has " + std::to_string(per_node[node]) +
             " CPUs, which do not split into LLCs shared by " + std::to_string(m.llc.shared_by));
    }
  }
  llc.record("shared_by", std::to_string(m.llc.shared_by));
}

}  // namespace

void read_caches(MapReader& caches, sim::MachineConfig& m) {
  Value line = caches.get("line");
  const std::uint64_t line_bytes = line.as_size();
  if (!std::has_single_bit(line_bytes) || line_bytes < 8 || line_bytes > kPageBytes) {
    line.fail("line size must be a power of two between 8B and 4KiB, got " +
              format_size(line_bytes));
  }
  m.line_bytes = static_cast<std::uint32_t>(line_bytes);
  caches.record("line", format_size(line_bytes));

  MapReader l1d = caches.map("l1d", {"size", "ways", "latency", "replacement"});
  read_level(l1d, m, m.l1d);
  l1d.done();
  MapReader l2 = caches.map("l2", {"size", "ways", "latency", "replacement"});
  read_level(l2, m, m.l2);
  l2.done();
  MapReader llc = caches.map("llc", {"size", "ways", "latency", "replacement", "shared_by"});
  read_level(llc, m, m.llc);
  read_shared_by(llc, m);
  llc.done();
  // The L2 is inclusive of the L1D (sim/memory_system).
  const Value l1_size = l1d.get("size"), l2_size = l2.get("size");
  if (m.l2.size_bytes < m.l1d.size_bytes)
    (l1_size.origin().layer > l2_size.origin().layer ? l1_size : l2_size)
        .fail("the L2 (" + format_size(m.l2.size_bytes) +
              ") must be at least as large as the L1D (" + format_size(m.l1d.size_bytes) +
              "): it is inclusive");
  caches.done();
}

}  // namespace allocsim::io
