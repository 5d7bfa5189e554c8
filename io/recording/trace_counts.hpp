#pragma once
// What a recorded trace holds, counted line by line as it is streamed from
// trace_pipe: events per CPU and per event name, stack trace frames, and the
// "CPU:N [LOST M EVENTS]" lines the kernel prints where a reader missed
// events (kernel/trace/trace.c: print_trace_line).
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace allocsim::io::recording {

struct TraceCounts {
  std::uint64_t lines = 0;
  // Lines with a "[cpu] secs.usecs: event:" prefix (each is one ring buffer
  // event, "<stack trace>" ones included), by CPU.
  std::vector<std::uint64_t> events_per_cpu;
  // The same lines by event name as printed: "kmalloc", "<stack trace>",
  // "tracing_mark_write", ...; in order of first appearance.
  std::vector<std::pair<std::string, std::uint64_t>> per_event;
  std::uint64_t stack_frames = 0;                 // " => symbol" lines under "<stack trace>"
  std::uint64_t lost_reported = 0;                // the sum of M over "[LOST M EVENTS]" lines
  std::uint64_t other_lines = 0;                  // anything else (none expected)
  std::uint64_t first_ts_ns = 0, last_ts_ns = 0;  // of the event lines, 0 when none

  void add_line(std::string_view line);  // one line, without its '\n'
  std::uint64_t events() const;
  std::uint64_t events_named(std::string_view name) const;
};

}  // namespace allocsim::io::recording
