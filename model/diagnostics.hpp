#pragma once
// Workload bugs found by the allocators, recorded the way slub_debug or
// bad_page() report them: what, where (CPU and simulated time), which address
// and cache. The run continues with the model unchanged, unless it was asked
// to stop at the first error.
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "sim/types.hpp"

namespace allocsim::model {

enum class DiagKind : std::uint8_t {
  double_free,    // the object (or area) is already free
  invalid_free,   // no allocator handed this address out (or not an object's start)
  wrong_cache,    // kmem_cache_free to a cache that does not own the object
  kfree_vmalloc,  // kfree() of a vmalloc address
  vfree_kmalloc,  // vfree() of an address outside the vmalloc range, e.g. from kmalloc
  cache_busy,     // kmem_cache_destroy with objects still allocated
  alloc_failure,  // a request that got NULL (recorded, not an error by itself)
  // Page frees that __free_pages_ok / free_pages_prepare would reject
  // (bad_page(), mm/page_alloc.c): the order differs from the allocation's,
  // the pfn is outside this machine's memory, or the page is in a state no
  // free may find it in (reserved, a tail page, not allocated).
  bad_order,
  not_a_page,
  bad_page_state,
};
inline constexpr unsigned kDiagKinds = static_cast<unsigned>(DiagKind::bad_page_state) + 1;
std::string_view to_string(DiagKind k);

struct Diagnostic {
  DiagKind kind;
  sim::Cycles time;
  sim::CpuId cpu;
  std::uint64_t addr;
  std::string cache;   // owning or named cache, if any
  std::string detail;  // one line, in the kernel's words where it has them
};

// Thrown instead of recording when the run stops at the first error.
struct ModelError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class DiagnosticLog {
 public:
  explicit DiagnosticLog(bool stop_on_error = false) : stop_(stop_on_error) {}
  // Records (keeping at most kMaxKept entries, counting all) or throws ModelError.
  void report(Diagnostic d);
  const std::vector<Diagnostic>& entries() const { return kept_; }
  std::uint64_t count(DiagKind k) const { return counts_[static_cast<unsigned>(k)]; }
  std::uint64_t errors() const;  // every kind but alloc_failure
  static std::string format(const Diagnostic& d);
  bool stop_on_error() const { return stop_; }
  void set_stop_on_error(bool s) { stop_ = s; }

 private:
  static constexpr std::size_t kMaxKept = 4096;
  bool stop_;
  std::vector<Diagnostic> kept_;
  std::uint64_t counts_[kDiagKinds] = {};
};

}  // namespace allocsim::model
