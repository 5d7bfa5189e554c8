#include "sim/engine.hpp"

#include <boost/context/protected_fixedsize_stack.hpp>

#include "sim/cpu.hpp"

namespace allocsim::sim {

namespace ctx = boost::context;

// Deep enough for the allocators' call chains; guard pages catch overflow.
static constexpr std::size_t kFiberStack = 512 * 1024;

void Engine::start(Cpu& cpu, std::function<void(Cpu&)> body) {
  cpu.body_ = std::move(body);
  cpu.started_ = true;
  cpu.finished_ = false;
  queue_.push(cpu.clock_, cpu.id_, &cpu, 0);
}

void Engine::resume(Cpu& cpu) {
  if (cpu.finished_) return;
  if (!cpu.fiber_) {
    cpu.fiber_ = ctx::fiber(std::allocator_arg, ctx::protected_fixedsize_stack(kFiberStack),
                            [this, &cpu](ctx::fiber&& scheduler) {
                              scheduler_ = std::move(scheduler);
                              try {
                                cpu.body_(cpu);
                              } catch (const ctx::detail::forced_unwind&) {
                                throw;  // the engine is being destroyed: let the stack unwind
                              } catch (...) {
                                if (!error_) error_ = std::current_exception();
                              }
                              cpu.finished_ = true;
                              return std::move(scheduler_);
                            });
  }
  in_task_ = true;
  cpu.fiber_ = std::move(cpu.fiber_).resume();
  in_task_ = false;
}

void Engine::switch_to_scheduler() { scheduler_ = std::move(scheduler_).resume(); }

void Engine::run(Cycles until) {
  horizon_ = until;
  while (!queue_.empty() && queue_.top().time <= until) {
    const Event e = queue_.pop();
    now_ = e.time;
    e.handler->on_event(e.time, e.arg);
    if (error_) std::rethrow_exception(std::exchange(error_, nullptr));
  }
}

}  // namespace allocsim::sim
