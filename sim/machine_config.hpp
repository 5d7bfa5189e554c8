#pragma once
// The resolved description of a simulated machine. Filled by the config reader
// (io/config) or by hand in tests; every time is already converted to cycles.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/lock_class.hpp"
#include "sim/types.hpp"

namespace allocsim::sim {

enum class Arch : std::uint8_t { x86_64, i386 };
enum class Replacement : std::uint8_t { lru, tree_plru, random };
enum class LockKind : std::uint8_t { ticket, queued };

// machine.lock_classes.<class>: the kind of one lock class (empty: machine.locks)
// and extra cycles its acquirer spends taking and releasing each lock, inside
// the critical section (so they also lengthen every handoff under contention).
struct LockClassConfig {
  std::optional<LockKind> kind;
  Cycles acquire_cycles = 0;
  Cycles release_cycles = 0;
};

struct CacheConfig {
  std::uint64_t size_bytes = 0;
  std::uint32_t ways = 1;
  Cycles latency = 0;  // load-to-use latency of a hit at this level (not additive)
  Replacement replacement = Replacement::lru;
};

struct LlcConfig : CacheConfig {
  // CPUs sharing one LLC instance; 0 means one LLC per NUMA node.
  std::uint32_t shared_by = 0;
};

struct NodeMemory {
  PhysAddr start{};         // first physical address of the node
  std::uint64_t bytes = 0;  // size of the node's memory
};

struct MemoryConfig {
  Cycles latency = 0;  // DRAM latency from the home node (distance 10)
  // DRAM latency at the nearest remote distance; farther nodes scale linearly
  // with (distance - 10). 0: remote latency is latency * distance / 10.
  Cycles remote_latency = 0;
  std::uint32_t channels = 1;            // channels per node
  std::uint64_t interleave_bytes = 256;  // consecutive bytes mapped to one channel
  double bytes_per_cycle = 8.0;          // bandwidth of one channel
  Cycles queue_window = 4096;            // utilisation is measured over windows this long
};

struct CoherenceConfig {
  Cycles c2c_same_llc = 0;   // cache-to-cache transfer between CPUs sharing an LLC
  Cycles c2c_same_node = 0;  // between LLCs of one node
  Cycles c2c_remote = 0;     // across nodes at the nearest remote distance; scales with distance
};

struct Link {
  NodeId a = 0, b = 0;
  unsigned distance = kRemoteDistance;  // SLIT distance of a direct link
};

struct MachineConfig {
  std::string name = "machine";
  Arch arch = Arch::x86_64;
  double ghz = 2.0;
  std::uint32_t cpus = 1;
  std::uint32_t nodes = 1;
  std::vector<NodeId> cpu_node;                 // cpu -> node; empty: contiguous blocks
  std::vector<NodeMemory> node_memory;          // one per node
  std::vector<Link> links;                      // interconnect; used when distance is empty
  std::vector<std::vector<unsigned>> distance;  // explicit SLIT matrix, or empty
  std::uint32_t line_bytes = 64;
  CacheConfig l1d{32 * 1024, 8, 4, Replacement::lru};
  CacheConfig l2{1024 * 1024, 16, 14, Replacement::lru};
  LlcConfig llc{{16 * 1024 * 1024, 16, 50, Replacement::lru}, 0};
  MemoryConfig memory{};
  CoherenceConfig coherence{};
  LockKind lock_kind = LockKind::queued;  // default kind of simulated spinlocks
  std::array<LockClassConfig, kLockClasses.size()> lock_classes{};  // by kLockClasses index
  bool timing = true;  // false: functional only, every access is free

  Cycles ns_to_cycles(double ns) const { return static_cast<Cycles>(ns * ghz + 0.5); }
};

}  // namespace allocsim::sim
