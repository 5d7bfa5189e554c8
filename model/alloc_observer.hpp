#pragma once
// A tap on the object allocator's API, the way the kmem tracepoints tap the
// kernel's: one event per kmalloc, kfree, kmem_cache_alloc and
// kmem_cache_free that succeeded, with the fields those tracepoints print.
// Used to write a run as a trace that can be replayed elsewhere.
#include <cstdint>
#include <string_view>

#include "model/gfp.hpp"
#include "sim/types.hpp"

namespace allocsim::model {

struct AllocEvent {
  enum class Kind : std::uint8_t { kmalloc, kfree, kmem_cache_alloc, kmem_cache_free } kind;
  sim::CpuId cpu;
  sim::Cycles time;
  std::uint64_t ptr;
  std::uint64_t bytes_req = 0, bytes_alloc = 0;  // allocations only
  Gfp gfp{};                                     // allocations only
  int node = -1;
  std::string_view cache;  // kmem_cache events: the cache's name
};

class AllocObserver {
 public:
  virtual ~AllocObserver() = default;
  virtual void on_event(const AllocEvent& e) = 0;
};

}  // namespace allocsim::model
