#pragma once
// recording.yaml, the manifest of a recording directory: what was recorded,
// how, when, how completely, and the files. docs/recording.md describes
// every key. Written last: its presence marks a complete recording.
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "io/recording/ring_buffer_stats.hpp"
#include "io/recording/trace_counts.hpp"

namespace allocsim::io::recording {

inline constexpr int kRecordingFormat = 1;

struct Manifest {
  std::vector<std::string> command_line;  // allocsim's own arguments
  long recorder_pid = 0, reader_tid = 0;  // allocsim's own events carry these
  std::string host, kernel_release;
  std::vector<std::string> command;  // empty: the whole system for `duration`
  std::optional<std::uint64_t> duration_ns;
  long command_pid = 0;
  std::optional<int> exit_code, exit_signal;  // of COMMAND
  std::vector<std::string> events;            // "system/event", as enabled
  bool stacktrace = false;
  std::optional<bool> hashed_pointers;  // nothing: the kernel has no options/hash-ptr
  std::uint64_t buffer_size_kb = 0;     // per CPU
  std::uint64_t start_mono_ns = 0, stop_mono_ns = 0, start_real_ns = 0, stop_real_ns = 0;
  std::uint64_t before_start_ns = 0, before_end_ns = 0, after_start_ns = 0, after_end_ns = 0;
  // Each snapshot file and when it had been read, in reading order.
  std::vector<std::pair<std::string, std::uint64_t>> before_reads, after_reads;
  std::vector<CpuBufferStats> cpu_stats;  // by CPU
  TraceCounts counts;
  std::uint64_t trace_bytes = 0;
  std::uint64_t lost_events = 0;       // 0 in every recording written
  std::uint64_t reader_urgent_ns = 0;  // the reader at normal priority (a buffer half full)
  std::vector<std::string> missing_before, missing_after;
  std::vector<std::pair<std::string, std::uint64_t>> files;  // path, bytes
};

std::string manifest_yaml(const Manifest& m);

// A YAML double-quoted scalar.
std::string yaml_quote(const std::string& s);

}  // namespace allocsim::io::recording
