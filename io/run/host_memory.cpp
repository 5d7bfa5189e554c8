#include "io/run/host_memory.hpp"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <limits>
#include <sstream>

#include "io/h5/spooled_table.hpp"
#include "io/results/sampler.hpp"
#include "model/mem_map.hpp"
#include "sim/cache.hpp"
#include "sim/directory.hpp"
#include "sim/memory_system.hpp"
#include "sim/topology.hpp"

namespace allocsim::io {

namespace {

// Fitted to peak RSS of the default workload at 8, 64, 256, 1024 and 4096 CPUs
// (bench/memory_scaling.md), after the parts counted exactly and the
// timeseries buffers: the program and its libraries, and the model's state
// per CPU (a latency histogram per operation kind, 13 x 7.8 KB, fiber stack
// pages in use, pcp lists, slab per-CPU caches, counters, the CPU's share of
// every spinlock's waiter ring) and per node (zones, slab node lists and
// their locks).
constexpr std::uint64_t kBaseBytes = 5ull << 20;
constexpr std::uint64_t kPerCpuBytes = 200ull << 10;
constexpr std::uint64_t kPerNodeBytes = 600ull << 10;
// A page frame's host records: its mem_map entry and its object-allocator owner.
constexpr std::uint64_t kPerPageBytes = sizeof(model::Page) + sizeof(std::uint32_t);

std::string human(std::uint64_t bytes) {
  char buf[32];
  if (bytes < (1ull << 30))
    std::snprintf(buf, sizeof buf, "%.0f MiB", static_cast<double>(bytes) / (1ull << 20));
  else
    std::snprintf(buf, sizeof buf, "%.2f GiB", static_cast<double>(bytes) / (1ull << 30));
  return buf;
}

}  // namespace

std::uint64_t HostMemoryEstimate::total() const {
  std::uint64_t t = 0;
  for (const auto& p : parts) t += p.bytes;
  return t;
}

const HostMemoryPart& HostMemoryEstimate::largest() const {
  return *std::max_element(parts.begin(), parts.end(),
                           [](const auto& a, const auto& b) { return a.bytes < b.bytes; });
}

HostMemoryEstimate estimate_host_memory(const sim::MachineConfig& m) {
  const sim::Topology topology(m);
  // mem_map spans the lowest to the highest page frame of any node, holes included.
  sim::PhysAddr lo = sim::kPhysAddrMax, hi{};
  for (const auto& n : m.node_memory) {
    if (n.bytes == 0) continue;
    lo = std::min(lo, n.start);
    hi = std::max(hi, n.start + n.bytes);
  }
  const std::uint64_t pages = hi > lo ? (hi - lo) >> model::kPageShift : 0;
  HostMemoryEstimate e;
  const bool timing = m.timing;
  e.parts.push_back(
      {"coherence directory",
       timing ? sim::Directory::table_bytes(sim::MemorySystem::private_lines(m)) : 0});
  e.parts.push_back(
      {"private caches (L1D, L2)", timing ? m.cpus * (sim::Cache::host_bytes(m.l1d, m.line_bytes) +
                                                      sim::Cache::host_bytes(m.l2, m.line_bytes))
                                          : 0});
  e.parts.push_back(
      {"LLCs", timing ? topology.llc_domains() * sim::Cache::host_bytes(m.llc, m.line_bytes) : 0});
  e.parts.push_back({"mem_map", pages * kPerPageBytes});
  // The timeseries are spooled to a temporary file as the run goes
  // (io/h5/spooled_table.hpp): each table (after "timeseries/*", the time
  // columns) holds at most a block of rows in memory.
  e.parts.push_back(
      {"timeseries buffers", (timeseries_schema().size() - 1) * h5::SpooledTable::kBlockBytes});
  e.parts.push_back({"per-CPU state", std::uint64_t{m.cpus} * kPerCpuBytes});
  e.parts.push_back({"per-node state", std::uint64_t{m.nodes} * kPerNodeBytes});
  e.parts.push_back({"program and results", kBaseBytes});
  return e;
}

std::optional<std::uint64_t> host_mem_available() {
  std::ifstream in("/proc/meminfo");
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string key;
    std::uint64_t kib = 0;
    if (fields >> key >> kib && key == "MemAvailable:") return kib * 1024;
  }
  return std::nullopt;
}

std::optional<std::uint64_t> host_memory_limit(const RunConfig& run) {
  if (!run.max_host_memory) return host_mem_available();
  if (*run.max_host_memory == std::numeric_limits<std::uint64_t>::max()) return std::nullopt;
  return run.max_host_memory;
}

void check_host_memory(const Config& c) {
  const std::optional<std::uint64_t> limit = host_memory_limit(c.run);
  if (!limit) return;
  const HostMemoryEstimate e = estimate_host_memory(c.machine);
  if (e.total() <= *limit) return;
  const HostMemoryPart& big = e.largest();
  throw ConfigError(c.run.max_host_memory_origin, "run.max_host_memory",
                    "this machine (" + std::to_string(c.machine.cpus) + " CPUs, " +
                        std::to_string(c.machine.nodes) + " nodes) needs an estimated " +
                        human(e.total()) + " of host memory, the largest part " + big.name + " (" +
                        human(big.bytes) + "), but the limit is " + human(*limit) +
                        (c.run.max_host_memory ? "" : " (auto: MemAvailable)") +
                        "; make the machine smaller or raise run.max_host_memory");
}

}  // namespace allocsim::io
