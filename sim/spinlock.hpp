#pragma once
// Simulated spinlocks. The lock word is a real simulated address, so taking a
// lock moves its line between caches. Under contention waiters queue FIFO and
// sleep in simulated time until their turn; the handoff cost depends on the kind:
// - ticket: every spinner re-reads the lock line after each release, and the
//   next holder sees its turn only after all of them (cost grows with waiters,
//   Boyd-Wickizer et al., "Non-scalable locks are dangerous");
// - queued (MCS / qspinlock): the releaser writes the successor's own queue
//   node, which the successor then reads: O(1) transfers.
// Acquire and release are synchronisation points (see Cpu::sync), so requests
// are granted in exact simulated-time order.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "sim/machine_config.hpp"
#include "sim/stats.hpp"

namespace allocsim::sim {

class Cpu;

// Counters shared by every lock of one class (all zone locks, all list_locks, ...).
struct LockStats {
  Counter* acquisitions;
  Counter* contended;
  Counter* wait_cycles;
  Counter* hold_cycles;
  Histogram* wait;
};

// Registered per lock class in this order (Machine::lock_class), like the
// columns of /proc/lock_stat (Documentation/locking/lockstat.rst).
inline constexpr std::array<CounterField<LockStats>, 4> kLockCounters{{
    {{{"lock.<class>.acquisitions", "1", "lock acquisitions",
       "Cpu::lock (lock_stat's acquisitions)"},
      StatScope::global},
     &LockStats::acquisitions},
    {{{"lock.<class>.contended", "1", "acquisitions that had to wait, counted at the request",
       "Cpu::lock (lock_stat's contentions)"},
      StatScope::global},
     &LockStats::contended},
    {{{"lock.<class>.wait_cycles", "cycles", "cycles waited for the locks",
       "Cpu::unlock: grant time - request time (lock_stat's waittime-total)"},
      StatScope::global},
     &LockStats::wait_cycles},
    {{{"lock.<class>.hold_cycles", "cycles", "cycles the locks were held",
       "Cpu::unlock: release time - acquisition time (lock_stat's holdtime-total)"},
      StatScope::global},
     &LockStats::hold_cycles},
}};

inline constexpr RegistryDecl kLockWait{
    {"lock.<class>.wait", "cycles", "wait of each acquisition (0 when uncontended)",
     "Cpu::lock and Cpu::unlock"},
    StatScope::global,
    StatKind::histogram};

class SpinLock {
 public:
  SpinLock(PhysAddr word, LockKind kind, LockStats stats, std::uint32_t cpus,
           Cycles acquire_cycles = 0, Cycles release_cycles = 0)
      : word_(word),
        kind_(kind),
        stats_(stats),
        acquire_cycles_(acquire_cycles),
        release_cycles_(release_cycles),
        waiters_(cpus),
        requested_(cpus) {}

  PhysAddr word() const { return word_; }
  LockKind kind() const { return kind_; }
  CpuId holder() const { return holder_; }
  std::uint32_t waiting() const { return count_; }

 private:
  friend class Cpu;
  void enqueue(Cpu* cpu, Cycles at) {
    const std::size_t tail = (head_ + count_) % waiters_.size();
    waiters_[tail] = cpu;
    requested_[tail] = at;
    ++count_;
  }
  Cpu* dequeue(Cycles* requested_at) {
    Cpu* const cpu = waiters_[head_];
    *requested_at = requested_[head_];
    head_ = (head_ + 1) % waiters_.size();
    --count_;
    return cpu;
  }
  Cpu* waiter(std::uint32_t i) const { return waiters_[(head_ + i) % waiters_.size()]; }

  PhysAddr word_;
  LockKind kind_;
  LockStats stats_;
  Cycles acquire_cycles_;  // extra cost of every acquisition (machine.lock_classes)
  Cycles release_cycles_;  // extra cost of every release
  CpuId holder_ = kNoCpu;
  Cycles acquired_at_ = 0;
  std::vector<Cpu*> waiters_;  // FIFO ring, one slot per CPU
  std::vector<Cycles> requested_;
  std::size_t head_ = 0;
  std::uint32_t count_ = 0;
};

}  // namespace allocsim::sim
