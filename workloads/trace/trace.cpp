#include "workloads/trace/trace.hpp"

namespace allocsim::workloads::trace {

std::uint64_t TraceStats::total_events() const {
  std::uint64_t n = 0;
  for (auto c : events) n += c;
  return n;
}

std::string_view format_name(Format f) {
  switch (f) {
    case Format::ftrace:
      return "ftrace";
    case Format::trace_cmd:
      return "trace-cmd";
    case Format::perf:
      return "perf";
    case Format::wee_alloc:
      return "wee_alloc";
    case Format::malloc_lab_rep:
      return "malloc-lab-rep";
    case Format::native:
      return "native";
  }
  return "?";
}

}  // namespace allocsim::workloads::trace
