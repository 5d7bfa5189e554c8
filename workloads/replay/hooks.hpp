#pragma once
// Where a replay asks what only a recording can tell, each a seam with a
// default: the state to start from, the geometry of a cache the trace names,
// and whether a traced page event is one to replay. A replay of a plain trace
// uses none; a replay of a recording directory plugs in what it knows.
#include <cstdint>
#include <optional>
#include <string_view>
#include <utility>

#include "model/kernel.hpp"
#include "model/slab_flags.hpp"
#include "workloads/trace/trace.hpp"

namespace allocsim::workloads::replaying {

// Runs once before the first event, before the statistics freeze: the kernel
// is booted and nothing has run on its machine yet. It may spawn work on the
// machine's CPUs and run it (Machine::run); the replay then starts at
// Machine::now().
class WarmStart {
 public:
  virtual ~WarmStart() = default;
  virtual void apply(model::Kernel& kernel) = 0;
  // After apply(): the cache it made for a trace's cache name (the replay
  // allocates from it instead of creating one), or null.
  virtual model::KmemCache* cache(std::string_view /*name*/) const { return nullptr; }
  // A live object of that cache that the trace's free of an object it never
  // allocated (one live before it began) may free, or nothing.
  virtual std::optional<std::pair<model::KmemCache*, sim::VirtAddr>> take_object(
      std::string_view /*name*/) {
    return std::nullopt;
  }
};

// kmem_cache_create's arguments for a cache the trace allocates from.
struct CacheSpec {
  std::uint32_t size = 0;
  std::uint32_t align = 0;
  model::SlabFlags flags = 0;
  bool ctor = false;
};

// Consulted when the replay creates a kmem cache: the trace's name for it
// (empty when the trace prints none), the traced object size (bytes_req) and
// the traced bytes_alloc. Nothing: the replay's default (size bytes_req, no
// alignment, flags or constructor).
class CacheCatalogue {
 public:
  virtual ~CacheCatalogue() = default;
  virtual std::optional<CacheSpec> find(std::string_view name, std::uint64_t bytes_req,
                                        std::uint64_t bytes_alloc) const = 0;
};

// Whether a traced page allocation or free is replayed. A page the traced
// kernel allocated for a new slab, say, is one the model's own slab
// allocator allocates by itself. Asked as each page event is read.
class PageEventClassifier {
 public:
  virtual ~PageEventClassifier() = default;
  virtual bool replay(const trace::TraceEvent& e, const trace::Trace& t) = 0;
};

}  // namespace allocsim::workloads::replaying
