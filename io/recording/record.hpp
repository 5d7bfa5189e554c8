#pragma once
// `allocsim record`: records the live kernel's allocator events while a
// command runs (or for a duration) into a recording directory, with the
// machine state before and after and a machine config. docs/recording.md
// describes the directory; this is the sequence:
//   1. a private tracefs instance, its clock, buffer, options and events set
//      up with tracing off, and a reader of its trace_pipe started;
//   2. the "before" snapshot read, tracing switched on, the snapshot written;
//   3. COMMAND run to its end (or the duration waited);
//   4. tracing switched off, the "after" snapshot read, the trace drained;
//   5. the ring buffer's per-CPU statistics checked: any lost event fails
//      the recording with the --buffer-size that would have held every event;
//   6. the instance removed, the files written and the directory renamed
//      into place.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "io/recording/tracefs.hpp"

namespace allocsim::io::recording {

struct RecordOptions {
  std::string out_dir;
  bool force = false;
  std::vector<std::string> events;         // empty: default_events()
  std::optional<std::uint64_t> buffer_kb;  // per CPU; nothing: default_buffer_kb()
  bool stacktrace = false;
  bool hash_pointers = false;
  std::optional<std::uint64_t> duration_ns;  // without a command
  std::vector<std::string> command;
  std::vector<std::string> command_line;  // allocsim's own, for the manifest
  std::string tracefs = kTracefsPath;
};

struct RecordResult {
  int exit_code =
      0;           // 0: recorded; 1: recorded but COMMAND failed, or events lost (nothing written)
  int signal = 0;  // interrupted by this signal (nothing written): re-raise it
};

// 256 MiB per CPU (a few seconds of a busy machine's events), but at most a
// sixteenth of MemAvailable over all CPUs, in whole MiB, and at least 1 MiB.
std::uint64_t default_buffer_kb(std::uint64_t mem_available_kb, unsigned cpus);

// Prints progress and failures on standard error. Throws InputError for bad
// input (exit code 2) and std::exception for other failures.
RecordResult record(const RecordOptions& options);

}  // namespace allocsim::io::recording
