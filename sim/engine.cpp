#include "sim/engine.hpp"

#include <boost/context/preallocated.hpp>
#include <boost/context/protected_fixedsize_stack.hpp>

#include "sim/cpu.hpp"

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/common_interface_defs.h>
#endif

namespace allocsim::sim {

namespace ctx = boost::context;

namespace {
// AddressSanitizer must be told about every stack switch (Debian's Boost.Context
// is built without BOOST_USE_ASAN); without ASan these do nothing.
void start_switch(void** fake_stack, const void* bottom, std::size_t size) {
#if defined(__SANITIZE_ADDRESS__)
  __sanitizer_start_switch_fiber(fake_stack, bottom, size);
#else
  (void)fake_stack, (void)bottom, (void)size;
#endif
}
void finish_switch(void* fake_stack, const void** old_bottom, std::size_t* old_size) {
#if defined(__SANITIZE_ADDRESS__)
  __sanitizer_finish_switch_fiber(fake_stack, old_bottom, old_size);
#else
  (void)fake_stack, (void)old_bottom, (void)old_size;
#endif
}
}  // namespace

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
    ctx::protected_fixedsize_stack allocator(kFiberStack);
    const ctx::stack_context stack = allocator.allocate();
    cpu.stack_bottom_ = static_cast<char*>(stack.sp) - stack.size;
    cpu.stack_size_ = stack.size;
    cpu.fiber_ =
        ctx::fiber(std::allocator_arg, ctx::preallocated(stack.sp, stack.size, stack), allocator,
                   [this, &cpu](ctx::fiber&& scheduler) {
                     finish_switch(nullptr, &scheduler_stack_bottom_, &scheduler_stack_size_);
                     scheduler_ = std::move(scheduler);
                     try {
                       cpu.body_(cpu);
                     } catch (const ctx::detail::forced_unwind&) {
                       start_switch(nullptr, scheduler_stack_bottom_, scheduler_stack_size_);
                       throw;  // being discarded: let the stack unwind back to discard()
                     } catch (...) {
                       if (!error_) error_ = std::current_exception();
                     }
                     cpu.finished_ = true;
                     start_switch(nullptr, scheduler_stack_bottom_, scheduler_stack_size_);
                     return std::move(scheduler_);
                   });
  }
  void* fake_stack = nullptr;
  in_task_ = true;
  start_switch(&fake_stack, cpu.stack_bottom_, cpu.stack_size_);
  cpu.fiber_ = std::move(cpu.fiber_).resume();
  finish_switch(fake_stack, nullptr, nullptr);
  in_task_ = false;
}

void Engine::switch_to_scheduler() {
  void* fake_stack = nullptr;
  start_switch(&fake_stack, scheduler_stack_bottom_, scheduler_stack_size_);
  try {
    scheduler_ = std::move(scheduler_).resume();
  } catch (const ctx::detail::forced_unwind&) {
    finish_switch(fake_stack, &scheduler_stack_bottom_, &scheduler_stack_size_);
    throw;
  }
  finish_switch(fake_stack, &scheduler_stack_bottom_, &scheduler_stack_size_);
}

void Engine::discard(Cpu& cpu) {
  if (!cpu.fiber_) return;
  void* fake_stack = nullptr;
  start_switch(&fake_stack, cpu.stack_bottom_, cpu.stack_size_);
  { ctx::fiber dying = std::move(cpu.fiber_); }  // resumes it to unwind its stack
  finish_switch(fake_stack, nullptr, nullptr);
}

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
