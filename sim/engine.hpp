#pragma once
// The discrete-event engine. Each CPU's work runs as a fiber (Boost.Context)
// with its own stack; the engine resumes whichever has the earliest simulated
// time, in (time, cpu, sequence) order. A CPU runs freely between
// synchronisation points and yields only when another CPU or a timer is behind
// it, so ordinary code (allocators, workloads) needs no callbacks or coroutines.
#include <boost/context/fiber.hpp>
#include <exception>
#include <functional>

#include "sim/event_queue.hpp"
#include "sim/types.hpp"

namespace allocsim::sim {

class Cpu;

class Engine {
 public:
  Engine() : queue_(256) {}
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  EventQueue& queue() { return queue_; }
  Cycles now() const { return now_; }
  // The `until` of the current run(): a CPU that passes it yields at its next sync.
  Cycles horizon() const { return horizon_; }

  // Runs events until none is left or the next is later than `until`.
  // Rethrows the first exception raised inside a CPU's work.
  void run(Cycles until);

  // Machine-wide event (timers, sampling): ordered after CPU events at equal time.
  void schedule(Cycles at, EventHandler* handler, std::uint64_t arg = 0) {
    queue_.push(at, kNoCpu, handler, arg);
  }

  // --- used by Cpu ---
  void start(Cpu& cpu, std::function<void(Cpu&)> body);
  void resume(Cpu& cpu);       // scheduler side
  void switch_to_scheduler();  // task side
  void discard(Cpu& cpu);      // unwinds a CPU's suspended work (scheduler side)
  bool in_task() const { return in_task_; }

 private:
  EventQueue queue_;
  boost::context::fiber scheduler_;  // valid while a task runs
  bool in_task_ = false;
  Cycles now_ = 0;
  Cycles horizon_ = kNever;
  std::exception_ptr error_;
  // The scheduler's own stack, learnt at the first switch (for ASan's fiber API).
  const void* scheduler_stack_bottom_ = nullptr;
  std::size_t scheduler_stack_size_ = 0;
};

}  // namespace allocsim::sim
