#pragma once
// Deterministic event queue: events leave in (time, cpu, sequence) order, so
// simultaneous events are ordered by CPU and then by insertion, never by host
// addresses or timing. A binary heap over a reserved vector: pushing within the
// reserved capacity allocates nothing.
#include <cstdint>
#include <vector>

#include "sim/types.hpp"

namespace allocsim::sim {

class EventHandler {
 public:
  virtual ~EventHandler() = default;
  virtual void on_event(Cycles time, std::uint64_t arg) = 0;
};

struct Event {
  Cycles time;
  CpuId cpu;  // tie-breaker; kNoCpu (largest) for machine-wide events
  std::uint64_t seq;
  EventHandler* handler;
  std::uint64_t arg;
};

class EventQueue {
 public:
  explicit EventQueue(std::size_t reserve = 64) { heap_.reserve(reserve); }

  void push(Cycles time, CpuId cpu, EventHandler* handler, std::uint64_t arg = 0);
  Event pop();
  const Event& top() const { return heap_.front(); }
  bool empty() const { return heap_.empty(); }
  std::size_t size() const { return heap_.size(); }
  std::uint64_t pushed() const { return next_seq_; }

  static bool before(const Event& a, const Event& b) {
    if (a.time != b.time) return a.time < b.time;
    if (a.cpu != b.cpu) return a.cpu < b.cpu;
    return a.seq < b.seq;
  }

 private:
  void sift_up(std::size_t i);
  void sift_down(std::size_t i);
  std::vector<Event> heap_;
  std::uint64_t next_seq_ = 0;
};

}  // namespace allocsim::sim
