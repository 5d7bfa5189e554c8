#pragma once
// The machine state around a recording: copies of /proc and /sys files and
// tables built from /sys, read into memory as quickly as possible (so that
// reading disturbs the allocators little and close to the tracing switch)
// and written out afterwards. docs/recording.md lists every file.
#include <cstdint>
#include <string>
#include <vector>

namespace allocsim::io::recording {

struct SnapshotSources {
  std::string proc = "/proc";
  std::string sys = "/sys";
};

struct SnapshotFile {
  std::string path;  // relative to before/ or after/: "zoneinfo", "node/node0/distance", ...
  std::string text;
  std::uint64_t read_ns = 0;  // CLOCK_MONOTONIC when it had been read
};

struct Snapshot {
  std::vector<SnapshotFile> files;         // in the order they were read
  std::vector<std::string> missing;        // sources this kernel does not have
  std::uint64_t start_ns = 0, end_ns = 0;  // CLOCK_MONOTONIC around the reads
};

// Before tracing, the files that change least are read first and the page
// allocator's last (buddyinfo just before tracing starts); after tracing, in
// the reverse order. Throws std::runtime_error when /proc/zoneinfo cannot be
// read (a machine config needs it).
enum class SnapshotWhen { before, after };
Snapshot take_snapshot(const SnapshotSources& sources, SnapshotWhen when);

// Writes the files under `dir` (created, with the subdirectories).
void write_snapshot(const Snapshot& snapshot, const std::string& dir);

}  // namespace allocsim::io::recording
