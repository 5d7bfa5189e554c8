#pragma once
// A trace format's reader, one line at a time. The whole-text readers
// (parse_trace) and the streaming one (TraceStream) both hand it the lines of
// a file in order, so every format is parsed by the same code either way.
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "workloads/trace/trace.hpp"

namespace allocsim::workloads::trace {

class LineParser {
 public:
  virtual ~LineParser() = default;
  // Line `number` (1-based, without its line end): its events, none, one or
  // (a malloc-lab realloc) two, appended to `out`; the line counted in the
  // trace's stats. A malformed line throws TraceError, or is counted under
  // ReadOptions::skip_bad_lines.
  virtual void parse(std::string_view line, std::uint32_t number, std::vector<TraceEvent>& out) = 0;
};

// The parser of t.format, writing strings and statistics into `t` (which
// must outlive it; its events are left alone).
std::unique_ptr<LineParser> make_line_parser(Trace& t, const ReadOptions& opt);

}  // namespace allocsim::workloads::trace
