#include "io/recording/manifest.hpp"

#include <cstdio>
#include <sstream>

#include "allocsim/version.hpp"
#include "io/recording/clock.hpp"

namespace allocsim::io::recording {
namespace {

std::string list(const std::vector<std::string>& items) {
  std::string out = "[";
  for (std::size_t i = 0; i < items.size(); ++i) out += (i ? ", " : "") + yaml_quote(items[i]);
  return out + "]";
}

void snapshot_times(std::ostream& y, std::uint64_t start, std::uint64_t end,
                    const std::vector<std::pair<std::string, std::uint64_t>>& reads) {
  y << "    start_ns: " << start << "\n    end_ns: " << end << "\n    read_ns:\n";
  for (const auto& [path, ns] : reads) y << "      " << yaml_quote(path) << ": " << ns << "\n";
}

}  // namespace

std::string yaml_quote(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

std::string manifest_yaml(const Manifest& m) {
  std::ostringstream y;
  y << "# An allocsim recording: docs/recording.md describes every key and file.\n"
    << "format: " << kRecordingFormat << "\n"
    << "allocsim:\n"
    << "  version: " << yaml_quote(kVersion) << "\n"
    << "  git_revision: " << yaml_quote(kGitRevision) << "\n"
    << "  command_line: " << list(m.command_line) << "\n"
    << "  pid: " << m.recorder_pid << "\n"
    << "  reader_tid: " << m.reader_tid << "\n"
    << "host: " << yaml_quote(m.host) << "\n"
    << "kernel_release: " << yaml_quote(m.kernel_release) << "\n";
  if (m.command.empty()) {
    y << "command: null\n";
  } else {
    y << "command: " << list(m.command) << "\n";
  }
  if (m.duration_ns) {
    y << "duration_ns: " << *m.duration_ns << "\n";
  } else {
    y << "duration_ns: null\n";
  }
  y << "command_pid: " << (m.command.empty() ? "null" : std::to_string(m.command_pid)) << "\n";
  y << "command_exit: ";
  if (m.exit_code) {
    y << "{code: " << *m.exit_code << "}\n";
  } else if (m.exit_signal) {
    y << "{signal: " << *m.exit_signal << "}\n";
  } else {
    y << "null\n";
  }
  y << "time:\n"
    << "  clock: mono\n"
    << "  start: {wall: " << yaml_quote(utc_timestamp(m.start_real_ns))
    << ", trace_ns: " << m.start_mono_ns << "}\n"
    << "  stop: {wall: " << yaml_quote(utc_timestamp(m.stop_real_ns))
    << ", trace_ns: " << m.stop_mono_ns << "}\n"
    << "  before_snapshot:\n";
  snapshot_times(y, m.before_start_ns, m.before_end_ns, m.before_reads);
  y << "  after_snapshot:\n";
  snapshot_times(y, m.after_start_ns, m.after_end_ns, m.after_reads);
  y << "trace:\n"
    << "  file: trace.txt\n"
    << "  events_enabled: " << list(m.events) << "\n"
    << "  stacktrace: " << (m.stacktrace ? "true" : "false") << "\n"
    << "  hashed_pointers: "
    << (!m.hashed_pointers   ? "null"
        : *m.hashed_pointers ? "true"
                             : "false")
    << "\n"
    << "  buffer_size_kb: " << m.buffer_size_kb << "\n"
    << "  reader_normal_priority_ns: " << m.reader_urgent_ns << "\n"
    << "  bytes: " << m.trace_bytes << "\n"
    << "  lines: " << m.counts.lines << "\n"
    << "  events: " << m.counts.events() << "\n"
    << "  stack_frames: " << m.counts.stack_frames << "\n"
    << "  first_event_ns: " << m.counts.first_ts_ns << "\n"
    << "  last_event_ns: " << m.counts.last_ts_ns << "\n"
    << "  by_event:\n";
  for (const auto& [name, count] : m.counts.per_event)
    y << "    " << yaml_quote(name) << ": " << count << "\n";
  y << "  lost_events: " << m.lost_events << "\n";
  y << "cpus:\n";
  for (std::size_t cpu = 0; cpu < m.cpu_stats.size(); ++cpu) {
    const CpuBufferStats& s = m.cpu_stats[cpu];
    const std::uint64_t in_trace =
        cpu < m.counts.events_per_cpu.size() ? m.counts.events_per_cpu[cpu] : 0;
    y << "  - {cpu: " << cpu << ", events: " << in_trace << ", read_events: " << s.read_events
      << ", entries: " << s.entries << ", overrun: " << s.overrun
      << ", commit_overrun: " << s.commit_overrun << ", dropped_events: " << s.dropped_events
      << "}\n";
  }
  y << "snapshot_missing:\n"
    << "  before: " << list(m.missing_before) << "\n"
    << "  after: " << list(m.missing_after) << "\n";
  y << "files:\n";
  for (const auto& [path, bytes] : m.files)
    y << "  - {path: " << yaml_quote(path) << ", bytes: " << bytes << "}\n";
  return y.str();
}

}  // namespace allocsim::io::recording
