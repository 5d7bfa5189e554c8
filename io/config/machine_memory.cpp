// machine.memory: how much memory each node has and where it sits in the
// physical address space, DRAM latency, and the channels that bound bandwidth.
#include <algorithm>
#include <bit>
#include <numeric>
#include <string>

#include "io/config/machine_parts.hpp"
#include "io/config/units.hpp"
#include "model/free_area.hpp"

namespace allocsim::io {
namespace {

// 32-bit x86 reaches 36-bit physical addresses with PAE, no further.
constexpr std::uint64_t kI386PhysLimit = std::uint64_t{64} << 30;
// x86_64's architectural maximum (52-bit physical addresses).
constexpr std::uint64_t kPhysLimit = std::uint64_t{1} << 52;

std::uint64_t node_size(const Value& v) {
  std::uint64_t bytes = v.as_size();
  if (bytes % kPageBytes != 0) {
    v.fail("node memory " + format_size(bytes) + " is not a whole number of 4KiB pages");
  }
  return bytes;
}

std::vector<std::uint64_t> read_sizes(const Value& v, std::string_view key,
                                      const sim::MachineConfig& m) {
  if (key == "per_node") return std::vector<std::uint64_t>(m.nodes, node_size(v));
  std::vector<Value> items = v.as_sequence();
  if (items.size() != m.nodes) {
    v.fail("has " + std::to_string(items.size()) + " entries but machine.nodes is " +
           std::to_string(m.nodes));
  }
  std::vector<std::uint64_t> sizes;
  for (const Value& item : items) sizes.push_back(node_size(item));
  return sizes;
}

std::vector<std::uint64_t> read_starts(const std::optional<Value>& list,
                                       const sim::MachineConfig& m,
                                       const std::vector<std::uint64_t>& sizes) {
  std::vector<std::uint64_t> starts;
  if (!list) {
    // Node i starts where node i-1 ends, node 0 at address 0.
    std::exclusive_scan(sizes.begin(), sizes.end(), std::back_inserter(starts), std::uint64_t{0});
    return starts;
  }
  std::vector<Value> items = list->as_sequence();
  if (items.size() != m.nodes) {
    list->fail("has " + std::to_string(items.size()) + " entries but machine.nodes is " +
               std::to_string(m.nodes));
  }
  for (const Value& item : items) {
    const std::uint64_t start = item.as_size(0);
    if (start % kPageBytes != 0) item.fail("node start is not 4KiB-page aligned");
    starts.push_back(start);
  }
  return starts;
}

// Every node below the physical address limit, and no two nodes overlapping.
void check_ranges(const std::vector<std::uint64_t>& starts, const std::vector<std::uint64_t>& sizes,
                  const Value& blamed, const sim::MachineConfig& m) {
  const std::uint64_t limit = m.arch == sim::Arch::i386 ? kI386PhysLimit : kPhysLimit;
  for (sim::NodeId node = 0; node < m.nodes; ++node) {
    if (starts[node] > limit || sizes[node] > limit - starts[node]) {
      blamed.fail("node " + std::to_string(node) + " ends above the " + format_size(limit) +
                  " physical address limit" +
                  (m.arch == sim::Arch::i386 ? " of i386 with PAE" : ""));
    }
  }
  // One mem_map indexes every page frame between the lowest and the highest
  // address with 32 bits (model/free_area.hpp).
  std::uint64_t lo = UINT64_MAX, hi = 0;
  for (sim::NodeId node = 0; node < m.nodes; ++node) {
    lo = std::min(lo, starts[node]);
    hi = std::max(hi, starts[node] + sizes[node]);
  }
  if ((hi - lo) / kPageBytes > model::kNilIndex)
    blamed.fail("the nodes span " + format_size(hi - lo) +
                " of physical addresses; the page allocator indexes at most " +
                std::to_string(model::kNilIndex) + " pages (" +
                format_size(std::uint64_t{model::kNilIndex} * kPageBytes) + ")");
  std::vector<std::size_t> order(m.nodes);
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](auto a, auto b) { return starts[a] < starts[b]; });
  for (std::size_t i = 1; i < order.size(); ++i) {
    std::size_t prev = order[i - 1], cur = order[i];
    if (starts[prev] + sizes[prev] > starts[cur]) {
      blamed.fail("node " + std::to_string(cur) + " overlaps node " + std::to_string(prev));
    }
  }
}

// Node starts stay numbers while they are checked; the machine's config holds
// them as physical addresses.
void read_layout(MapReader& memory, sim::MachineConfig& m) {
  std::string_view size_key = memory.pick("per_node", "nodes");
  if (size_key.empty()) {
    Value(nullptr, memory.key_path("per_node"), memory.origin())
        .fail("missing: give memory.per_node or memory.nodes");
  }
  Value size_value = memory.get(size_key);
  std::vector<std::uint64_t> sizes = read_sizes(size_value, size_key, m);
  std::optional<Value> start_list = memory.find("starts");
  std::vector<std::uint64_t> starts = read_starts(start_list, m, sizes);
  check_ranges(starts, sizes, start_list ? *start_list : size_value, m);

  m.node_memory.clear();
  std::vector<std::string> size_names, start_names;
  for (sim::NodeId node = 0; node < m.nodes; ++node) {
    m.node_memory.push_back(sim::NodeMemory{sim::PhysAddr(starts[node]), sizes[node]});
    size_names.push_back(format_size(sizes[node]));
    start_names.push_back(format_size(starts[node]));
  }
  // Resolved form: always one size and one start per node.
  memory.record("nodes", resolved_list(size_names));
  memory.record("starts", resolved_list(start_names));
}

}  // namespace

void read_memory(MapReader& memory, sim::MachineConfig& m) {
  read_layout(memory, m);
  m.memory.latency = memory.time("latency", m.ghz);
  // Optional: measured DRAM latency at the nearest remote distance. Without it
  // sim scales `latency` by SLIT distance / 10.
  if (std::optional<Value> remote = memory.find("remote_latency")) {
    m.memory.remote_latency = remote->as_time(m.ghz);
    if (m.memory.remote_latency < m.memory.latency)
      remote->fail("remote_latency must not be below latency");
    memory.record("remote_latency", std::to_string(m.memory.remote_latency) + "cycles");
  }
  m.memory.channels = static_cast<std::uint32_t>(memory.uint("channels", 1, 64));
  Value interleave = memory.get("interleave");
  m.memory.interleave_bytes = interleave.as_size();
  if (!std::has_single_bit(m.memory.interleave_bytes) || m.memory.interleave_bytes < m.line_bytes) {
    interleave.fail("interleave must be a power of two of at least the line size (" +
                    format_size(m.line_bytes) + "), got " + format_size(m.memory.interleave_bytes));
  }
  memory.record("interleave", format_size(m.memory.interleave_bytes));
  m.memory.bytes_per_cycle = memory.bandwidth("channel_bandwidth", m.ghz);
  Value window = memory.get("queue_window");
  m.memory.queue_window = window.as_time(m.ghz);
  if (m.memory.queue_window == 0) window.fail("queue_window must be at least one cycle");
  memory.record("queue_window", std::to_string(m.memory.queue_window) + "cycles");
  memory.done();
}

}  // namespace allocsim::io
