#pragma once
// What a reader does with a malformed line: throw TraceError("file:line:
// message"), or, under ReadOptions::skip_bad_lines, count it and keep the
// first few messages.
#include <cstdint>
#include <string_view>

#include "workloads/trace/trace.hpp"

namespace allocsim::workloads::trace {

void report_bad_line(Trace& t, const ReadOptions& opt, std::uint32_t line,
                     std::string_view message);

}  // namespace allocsim::workloads::trace
