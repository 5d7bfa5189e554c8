#include "sim/machine.hpp"

#include <algorithm>
#include <stdexcept>

namespace allocsim::sim {

namespace {
constexpr std::uint64_t kPerCpuBytes = 4096;
}

void assign_contiguous_memory(MachineConfig& config, std::uint64_t bytes_per_node) {
  config.node_memory.clear();
  PhysAddr start{};
  for (NodeId n = 0; n < config.nodes; ++n) {
    config.node_memory.push_back({start, bytes_per_node});
    start += bytes_per_node;
  }
}

Machine::Machine(const MachineConfig& config, std::uint64_t seed)
    : config_(config), seed_(seed), topology_(config_), boot_memory_(config_) {
  if (config_.ghz <= 0) throw std::invalid_argument("CPU frequency must be positive");
  // Declared whether or not this run has instances (timing off builds no memory system).
  stats_.declare(kCacheCounters);
  stats_.declare(kMemoryCounters);
  stats_.declare(kChannelAccesses);
  stats_.declare(kLockCounters);
  stats_.declare(kAccessLatency);
  stats_.declare(kLockWait);
  if (config_.timing) memory_ = std::make_unique<MemorySystem>(config_, topology_, stats_, seed);
  for (CpuId c = 0; c < config_.cpus; ++c) {
    const NodeId node = topology_.node_of_cpu(c);
    cpus_.push_back(
        std::make_unique<Cpu>(c, node, seed, engine_, memory_.get(), config_.line_bytes));
    percpu_.push_back(boot_memory_.alloc(kPerCpuBytes, kPerCpuBytes, node, lowmem_limit()));
    qnodes_.push_back(percpu_.back());  // the MCS node is the first line of the per-CPU area
  }
  for (auto& cpu : cpus_) cpu->set_qnodes(&qnodes_);
}

PhysAddr Machine::lowmem_limit() const {
  return config_.arch == Arch::i386 ? kI386LowmemEnd : kPhysAddrMax;
}

Machine::~Machine() {
  for (auto& cpu : cpus_) engine_.discard(*cpu);  // CPUs still waiting or stopped at `until`
}

LockStats Machine::lock_class(const std::string& name) {
  for (const auto& e : lock_classes_)
    if (e.name == name) return e.stats;
  LockStats s{};
  stats_.register_counters(s, kLockCounters, StatsRegistry::kGlobal, name);
  s.wait = &stats_.histogram(kLockWait, StatsRegistry::kGlobal, name);
  lock_classes_.push_back({name, s});
  return s;
}

void Machine::expect_lock_class(const std::string& name) {
  stats_.expect(kLockCounters, name);
  stats_.expect(kLockWait, name);
}

SpinLock Machine::make_lock(PhysAddr word, const std::string& cls) {
  const std::size_t i = lock_class_of_stat(cls);
  if (i == kLockClasses.size()) return make_lock(word, cls, config_.lock_kind);
  const LockClassConfig& c = config_.lock_classes[i];
  return SpinLock(word, c.kind.value_or(config_.lock_kind), lock_class(cls), cpus(),
                  c.acquire_cycles, c.release_cycles);
}

SpinLock Machine::make_lock(PhysAddr word, const std::string& cls, LockKind kind) {
  return SpinLock(word, kind, lock_class(cls), cpus());
}

void Machine::set_idle_kick(IdleKick* kick) {
  for (auto& c : cpus_) c->idle_kick_ = kick;
}

void Machine::spawn(CpuId cpu, std::function<void(Cpu&)> body) {
  Cpu& c = this->cpu(cpu);
  if (c.started_ && !c.finished_)
    throw std::logic_error("CPU " + std::to_string(cpu) + " is already running work");
  engine_.start(c, std::move(body));
}

void Machine::run(Cycles until) {
  engine_.run(until);
  if (!engine_.queue().empty()) return;  // stopped at `until`
  for (const auto& c : cpus_)
    if (c->blocked())
      throw std::runtime_error("deadlock: CPU " + std::to_string(c->id()) +
                               " waits and nothing is left to wake it");
}

Cycles Machine::now() const {
  Cycles t = engine_.now();
  for (const auto& c : cpus_) t = std::max(t, c->now());
  return t;
}

}  // namespace allocsim::sim
