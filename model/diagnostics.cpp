#include "model/diagnostics.hpp"

#include <cstdio>

namespace allocsim::model {

std::string_view to_string(DiagKind k) {
  switch (k) {
    case DiagKind::double_free:
      return "double free";
    case DiagKind::invalid_free:
      return "invalid free";
    case DiagKind::wrong_cache:
      return "free to the wrong cache";
    case DiagKind::kfree_vmalloc:
      return "kfree of a vmalloc address";
    case DiagKind::vfree_kmalloc:
      return "vfree of a non-vmalloc address";
    case DiagKind::cache_busy:
      return "cache destroyed with objects in use";
    case DiagKind::alloc_failure:
      return "allocation failure";
    case DiagKind::bad_order:
      return "bad order";
    case DiagKind::not_a_page:
      return "not a page of this machine";
    case DiagKind::bad_page_state:
      return "bad page state";
  }
  return "?";
}

std::string DiagnosticLog::format(const Diagnostic& d) {
  char head[160];
  std::snprintf(head, sizeof head, "cpu %u at cycle %llu: %.*s at 0x%llx", d.cpu,
                static_cast<unsigned long long>(d.time), static_cast<int>(to_string(d.kind).size()),
                to_string(d.kind).data(), static_cast<unsigned long long>(d.addr));
  std::string s = head;
  if (!d.cache.empty()) s += " (cache " + d.cache + ")";
  if (!d.detail.empty()) s += ": " + d.detail;
  return s;
}

void DiagnosticLog::report(Diagnostic d) {
  ++counts_[static_cast<unsigned>(d.kind)];
  if (stop_ && d.kind != DiagKind::alloc_failure) throw ModelError(format(d));
  if (kept_.size() < kMaxKept) kept_.push_back(std::move(d));
}

std::uint64_t DiagnosticLog::errors() const {
  std::uint64_t n = 0;
  for (unsigned k = 0; k < kDiagKinds; ++k)
    if (k != static_cast<unsigned>(DiagKind::alloc_failure)) n += counts_[k];
  return n;
}

}  // namespace allocsim::model
