#include "sim/memory.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdio>
#include <stdexcept>
#include <string>

namespace allocsim::sim {

Memory::Memory(const MachineConfig& config, const Topology& topology, StatsRegistry& stats)
    : nodes_(config.nodes),
      channels_(std::max<std::uint32_t>(1, config.memory.channels)),
      window_(std::max<Cycles>(1, config.memory.queue_window)) {
  if (!std::has_single_bit(config.memory.interleave_bytes))
    throw std::invalid_argument("memory interleave must be a power of two");
  if (config.memory.bytes_per_cycle <= 0)
    throw std::invalid_argument("channel bandwidth must be > 0");
  interleave_shift_ = static_cast<unsigned>(std::countr_zero(config.memory.interleave_bytes));
  service_ = config.line_bytes / config.memory.bytes_per_cycle;

  if (config.node_memory.size() != nodes_)
    throw std::invalid_argument("node memory must be given for every node");
  for (NodeId n = 0; n < nodes_; ++n) {
    const NodeMemory& m = config.node_memory[n];
    if (m.bytes > 0) ranges_.push_back({m.start, m.start + m.bytes, n});
  }
  std::sort(ranges_.begin(), ranges_.end(),
            [](const Range& a, const Range& b) { return a.start < b.start; });
  for (std::size_t i = 1; i < ranges_.size(); ++i)
    if (ranges_[i].start < ranges_[i - 1].end)
      throw std::invalid_argument("memory of nodes " + std::to_string(ranges_[i - 1].node) +
                                  " and " + std::to_string(ranges_[i].node) + " overlaps");

  // SLIT distances are relative latencies: distance 21 costs 2.1x the local
  // access, unless a measured remote latency anchors the nearest remote distance
  // (SLIT 32 on AMD Zen is not a latency ratio).
  const auto& mc = config.memory;
  const unsigned nearest = topology.nearest_remote_distance();
  latency_.resize(static_cast<std::size_t>(nodes_) * nodes_);
  for (NodeId a = 0; a < nodes_; ++a)
    for (NodeId b = 0; b < nodes_; ++b) {
      const unsigned d = topology.distance(a, b);
      double cycles = static_cast<double>(mc.latency) * d / kLocalDistance;
      if (mc.remote_latency > 0 && a != b)
        cycles =
            static_cast<double>(mc.latency) + static_cast<double>(mc.remote_latency - mc.latency) *
                                                  (d - kLocalDistance) / (nearest - kLocalDistance);
      latency_[a * nodes_ + b] = static_cast<Cycles>(std::llround(cycles));
    }

  channel_state_.resize(static_cast<std::size_t>(nodes_) * channels_);
  for (NodeId n = 0; n < nodes_; ++n) {
    stats.register_counters(counters_.emplace_back(), kMemoryCounters, static_cast<int>(n));
    for (std::uint32_t c = 0; c < channels_; ++c)
      channel_accesses_.push_back(
          &stats.counter(kChannelAccesses, static_cast<int>(n), std::to_string(c)));
  }
}

bool Memory::contains(PhysAddr addr) const {
  for (const Range& r : ranges_)
    if (addr >= r.start && addr < r.end) return true;
  return false;
}

NodeId Memory::home_node(PhysAddr addr) const {
  // Few ranges (one per node): a linear scan beats a search.
  for (const Range& r : ranges_)
    if (addr >= r.start && addr < r.end) return r.node;
  throw std::out_of_range("physical address 0x" + [&] {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%llx", static_cast<unsigned long long>(addr.value()));
    return std::string(buf);
  }() + " is not in any node's memory");
}

Cycles Memory::queue_delay(Channel& ch, Cycles now) {
  const std::uint64_t w = now / window_;
  if (w == ch.window) {
    ++ch.count;
  } else if (w > ch.window) {
    ch.previous = (w == ch.window + 1) ? ch.count : 0;
    ch.count = 1;
    ch.window = w;
  } else {
    ++ch.count;  // a CPU slightly behind in time: charge the current window
  }
  const double busy = static_cast<double>(std::max(ch.count, ch.previous)) * service_;
  const double rho = std::min(0.95, busy / static_cast<double>(window_));
  return static_cast<Cycles>(service_ * rho / (2.0 * (1.0 - rho)));
}

Cycles Memory::access(NodeId from, PhysAddr addr, Cycles now) {
  const NodeId home = home_node(addr);
  const std::uint32_t ch = channel_of(addr);
  const Cycles delay = queue_delay(channel_state_[home * channels_ + ch], now);
  MemoryCounters& k = counters_[from];
  (home == from ? k.local_accesses : k.remote_accesses)->add();
  counters_[home].queue_cycles->add(delay);
  channel_accesses_[home * channels_ + ch]->add();
  return latency(from, home) + delay;
}

void Memory::writeback(PhysAddr addr, Cycles now) {
  const NodeId home = home_node(addr);
  const std::uint32_t ch = channel_of(addr);
  queue_delay(channel_state_[home * channels_ + ch], now);
  counters_[home].writebacks->add();
  channel_accesses_[home * channels_ + ch]->add();
}

}  // namespace allocsim::sim
