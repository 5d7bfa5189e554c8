#pragma once
// A parsed trace file: its events, string pool and what the reader skipped,
// plus the read options and the error every reader throws.
#include <array>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "workloads/trace/event.hpp"
#include "workloads/trace/string_pool.hpp"

namespace allocsim::workloads::trace {

enum class Format : std::uint8_t {
  ftrace,          // raw `trace` / `trace_pipe`
  trace_cmd,       // `trace-cmd report`
  perf,            // `perf script`
  wee_alloc,       // wee_alloc test/traces: Alloc(n), / Free(i),
  malloc_lab_rep,  // CS:APP malloc lab .rep
  native,          // allocsim's own (native_format.hpp)
};
std::string_view format_name(Format f);

struct ReadOptions {
  // Count a malformed known-event line and go on instead of throwing.
  bool skip_bad_lines = false;
  std::size_t kept_messages = 5;  // how many bad-line messages to keep
};

struct TraceStats {
  std::uint64_t lines = 0;
  std::array<std::uint64_t, kEventKinds> events{};  // per EventKind
  std::uint64_t header_lines = 0;        // '#' comments, trace-cmd/perf headers, blank lines
  std::uint64_t stack_lines = 0;         // "<stack trace>", " => sym", perf callchain lines
  std::uint64_t unrecognised_lines = 0;  // no event on the line and none expected
  std::uint64_t unknown_fields = 0;      // key=value pairs the kind does not print
  std::uint64_t glued_fields = 0;        // "bytes_req=56bytes_alloc=64" split in two
  std::uint64_t incomplete_events = 0;   // kmem events missing a required field
  std::uint64_t bad_lines = 0;           // skipped under skip_bad_lines
  std::vector<std::string> messages;     // the first bad-line messages, "file:line: ..."

  std::uint64_t count(EventKind k) const { return events[static_cast<std::size_t>(k)]; }
  std::uint64_t total_events() const;
};

struct Trace {
  std::string file;  // as named in messages
  Format format = Format::ftrace;
  StringPool strings;
  std::vector<TraceEvent> events;
  TraceStats stats;

  std::string_view str(StrId id) const { return strings.view(id); }
};

// "file:line: message" for a line that cannot be parsed.
class TraceError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace allocsim::workloads::trace
