#pragma once
// The per-CPU ring buffer statistics of a tracefs instance,
// per_cpu/cpu<N>/stats (kernel/trace/trace.c: tracing_stats_read):
//   entries: 0
//   overrun: 0
//   commit overrun: 0
//   bytes: 64
//   oldest event ts:  2546.566564
//   now ts:  2549.092795
//   dropped events: 0
//   read events: 261786
#include <cstdint>
#include <string>
#include <string_view>

namespace allocsim::io::recording {

struct CpuBufferStats {
  std::uint64_t entries = 0;            // events in the buffer, not yet read
  std::uint64_t overrun = 0;            // overwritten before being read (options/overwrite 1)
  std::uint64_t commit_overrun = 0;     // lost to nested writers wrapping the buffer
  std::uint64_t bytes = 0;              // bytes in the buffer, not yet read
  std::uint64_t dropped_events = 0;     // refused because the buffer was full (overwrite 0)
  std::uint64_t read_events = 0;        // consumed by trace_pipe readers
  std::string oldest_event_ts, now_ts;  // "secs.usecs" as printed

  // Events the buffer lost: overwritten, wrapped or dropped.
  std::uint64_t lost() const { return overrun + commit_overrun + dropped_events; }
};

// Throws std::runtime_error naming `name` when a known field is not a number.
CpuBufferStats parse_cpu_buffer_stats(std::string_view text, const std::string& name);

}  // namespace allocsim::io::recording
