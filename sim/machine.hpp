#pragma once
// The whole simulated machine: topology, CPUs, the memory system (when timing
// is on), boot-time memory, the engine and the statistics. The kernel model is
// built on top of one Machine.
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "sim/boot_memory.hpp"
#include "sim/cpu.hpp"
#include "sim/engine.hpp"
#include "sim/machine_config.hpp"
#include "sim/memory_system.hpp"
#include "sim/spinlock.hpp"
#include "sim/stats.hpp"
#include "sim/topology.hpp"

namespace allocsim::sim {

class Machine {
 public:
  Machine(const MachineConfig& config, std::uint64_t seed);
  Machine(const Machine&) = delete;
  Machine& operator=(const Machine&) = delete;
  ~Machine();

  const MachineConfig& config() const { return config_; }
  const Topology& topology() const { return topology_; }
  std::uint64_t seed() const { return seed_; }
  StatsRegistry& stats() { return stats_; }
  const StatsRegistry& stats() const { return stats_; }
  MemorySystem* memory_system() { return memory_.get(); }  // null with timing off
  BootMemory& boot_memory() { return boot_memory_; }
  Engine& engine() { return engine_; }

  std::uint32_t cpus() const { return static_cast<std::uint32_t>(cpus_.size()); }
  Cpu& cpu(CpuId id) { return *cpus_.at(id); }
  // Kernel data must sit in directly mapped memory: below 896 MiB on i386.
  static constexpr PhysAddr kI386LowmemEnd{896ull << 20};
  PhysAddr lowmem_limit() const;
  // Start of a CPU's per-CPU area (one page on the CPU's node, like __per_cpu_offset).
  PhysAddr percpu_base(CpuId id) const { return percpu_.at(id); }

  // Counters shared by all locks of a class, registered on first use.
  LockStats lock_class(const std::string& name);
  // A class whose first lock may be made after the run has begun (StatsRegistry::expect).
  void expect_lock_class(const std::string& name);
  struct LockClassEntry {
    std::string name;
    LockStats stats;
  };
  // Every lock class, in the order of first use.
  const std::deque<LockClassEntry>& lock_classes() const { return lock_classes_; }
  // A lock of a kLockClasses class gets that class's kind and extra costs
  // (config().lock_classes); other classes, the machine-wide kind.
  SpinLock make_lock(PhysAddr word, const std::string& lock_class);
  SpinLock make_lock(PhysAddr word, const std::string& lock_class, LockKind kind);

  // The workload driver that wakes an idle CPU for work that is due
  // (sim/work_queue.hpp); null: none, work waits for the CPU's next activity.
  void set_idle_kick(IdleKick* kick);

  // Runs `body` on a CPU as soon as the engine reaches that CPU's clock.
  void spawn(CpuId cpu, std::function<void(Cpu&)> body);
  // Runs until no work is left (or until `until`); throws if CPUs are left
  // blocked with nothing to wake them (a deadlock).
  void run(Cycles until = kNever);
  // The latest CPU clock: the simulated time the machine has reached.
  Cycles now() const;

 private:
  MachineConfig config_;
  std::uint64_t seed_;
  Topology topology_;
  StatsRegistry stats_;
  std::unique_ptr<MemorySystem> memory_;
  BootMemory boot_memory_;
  Engine engine_;
  std::vector<std::unique_ptr<Cpu>> cpus_;
  std::vector<PhysAddr> percpu_;
  std::vector<PhysAddr> qnodes_;
  std::deque<LockClassEntry> lock_classes_;
};

// Fills node_memory with contiguous ranges when a hand-built config leaves it empty.
void assign_contiguous_memory(MachineConfig& config, std::uint64_t bytes_per_node);

}  // namespace allocsim::sim
