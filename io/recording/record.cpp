#include "io/recording/record.hpp"

#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <sstream>
#include <thread>

#include "io/config/units.hpp"
#include "io/recording/buffer_size.hpp"
#include "io/recording/child.hpp"
#include "io/recording/clock.hpp"
#include "io/recording/error.hpp"
#include "io/recording/files.hpp"
#include "io/recording/manifest.hpp"
#include "io/recording/recorded_machine.hpp"
#include "io/recording/recording_dir.hpp"
#include "io/recording/ring_buffer_stats.hpp"
#include "io/recording/signals.hpp"
#include "io/recording/snapshot.hpp"
#include "io/recording/trace_stream.hpp"

namespace allocsim::io::recording {
namespace fs = std::filesystem;

namespace {

constexpr int kCommandGraceMs = 10000;  // after forwarding a signal, before SIGKILL

std::uint64_t meminfo_kb(const std::string& meminfo, std::string_view key) {
  const std::size_t at = meminfo.find(std::string(key) + ":");
  if (at == std::string::npos) return 0;
  std::size_t p = at + key.size() + 1;
  while (p < meminfo.size() && meminfo[p] == ' ') ++p;
  std::uint64_t v = 0;
  std::from_chars(meminfo.data() + p, meminfo.data() + meminfo.size(), v);
  return v;
}

// per_cpu/cpu<N>/stats of the instance, indexed by N.
std::vector<CpuBufferStats> read_stats(const TraceInstance& inst) {
  std::vector<CpuBufferStats> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(inst.path("per_cpu"), ec)) {
    const std::string name = e.path().filename().string();
    unsigned cpu = 0;
    const auto [ptr, err] = std::from_chars(name.data() + 3, name.data() + name.size(), cpu);
    if (name.rfind("cpu", 0) != 0 || err != std::errc() || ptr != name.data() + name.size())
      continue;
    if (out.size() <= cpu) out.resize(cpu + 1);
    const std::string path = e.path().string() + "/stats";
    out[cpu] = parse_cpu_buffer_stats(read_required(path), path);
  }
  return out;
}

// The fullest CPU buffer: its unread bytes over the buffer's size.
double fullest(const std::vector<CpuBufferStats>& stats, std::uint64_t buffer_kb) {
  double most = 0;
  for (const CpuBufferStats& s : stats)
    most = std::max(most, static_cast<double>(s.bytes) / static_cast<double>(buffer_kb * 1024));
  return most;
}

bool buffers_empty(const std::vector<CpuBufferStats>& stats) {
  return std::all_of(stats.begin(), stats.end(),
                     [](const CpuBufferStats& s) { return s.entries == 0; });
}

// The mean size in the ring buffer of the events the trace holds.
double mean_event_bytes(const TraceCounts& counts, const std::vector<EventId>& events,
                        const std::string& events_dir) {
  double bytes = 0, n = 0;
  for (const auto& [name, count] : counts.per_event) {
    std::uint64_t payload = 64;  // an event without a format (none expected)
    if (name == "<stack trace>") {
      payload = stack_payload_bytes(static_cast<double>(counts.stack_frames) /
                                    static_cast<double>(count));
    } else {
      std::string format_path = events_dir + "/ftrace/print/format";  // trace_marker lines
      for (const EventId& e : events)
        if (e.name == name) format_path = events_dir + "/" + e.system + "/" + e.name + "/format";
      if (const std::optional<std::string> format = read_text(format_path))
        if (const std::uint64_t p = event_payload_bytes(*format)) payload = p;
    }
    bytes += static_cast<double>(ring_buffer_event_bytes(payload)) * static_cast<double>(count);
    n += static_cast<double>(count);
  }
  return n > 0 ? bytes / n : static_cast<double>(ring_buffer_event_bytes(64));
}

// Best effort: a line in the trace marking a moment of the recording.
void marker(const TraceInstance& inst, const std::string& text) {
  try {
    inst.write("trace_marker", "allocsim-record " + text);
  } catch (const std::exception&) {
  }
}

std::string size_text(std::uint64_t kb) {
  return format_size(kb * 1024);
}

std::string host_name() {
  char buf[256] = {};
  if (::gethostname(buf, sizeof buf - 1) != 0) return "";
  return buf;
}

// Every file under `dir`, relative and sorted, with its size.
std::vector<std::pair<std::string, std::uint64_t>> list_files(const std::string& dir) {
  std::vector<std::pair<std::string, std::uint64_t>> out;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file()) out.emplace_back(fs::relative(e.path(), dir).string(), e.file_size());
  std::sort(out.begin(), out.end());
  return out;
}

void message(const std::string& text) {
  std::cerr << "allocsim: " << text << "\n" << std::flush;
}

RecordResult interrupted_by(int signo) {
  message(std::string("interrupted by SIG") + sigabbrev_np(signo) + "; no recording written");
  return {0, signo};
}

}  // namespace

std::uint64_t default_buffer_kb(std::uint64_t mem_available_kb, unsigned cpus) {
  constexpr std::uint64_t kMaxKb = 256 * 1024, kMinKb = 1024;
  std::uint64_t kb = kMaxKb;
  if (mem_available_kb > 0 && cpus > 0)
    kb = std::min(kb, mem_available_kb / 16 / cpus / 1024 * 1024);
  return std::max(kb, kMinKb);
}

RecordResult record(const RecordOptions& opt) {
  if (::geteuid() != 0)
    throw InputError("allocsim record needs root (it drives tracefs and reads /proc/pagetypeinfo)");
  SignalWatch signals;
  RecordingDir dir(opt.out_dir, opt.force);
  Tracefs tracefs(opt.tracefs);
  for (const std::string& stale : remove_stale_instances(tracefs.root()))
    message("removed the tracefs instance " + stale + " of a killed recording");
  const std::string events_dir = tracefs.root() + "/events";
  const std::vector<EventId> events =
      opt.events.empty() ? default_events(events_dir) : resolve_events(events_dir, opt.events);
  if (events.empty())
    throw InputError("this kernel has none of the kmem events (CONFIG_TRACEPOINTS)");
  std::uint64_t buffer_kb = opt.buffer_kb.value_or(0);
  if (!opt.buffer_kb)
    buffer_kb =
        default_buffer_kb(meminfo_kb(read_text("/proc/meminfo").value_or(""), "MemAvailable"),
                          static_cast<unsigned>(std::max(1L, ::sysconf(_SC_NPROCESSORS_ONLN))));

  // 1. The instance, set up with tracing off.
  TraceInstance inst(tracefs.root(), instance_name(::getpid()));
  inst.write("tracing_on", "0");
  inst.write("trace_clock", "mono");
  inst.write("options/overwrite", "0");  // a full buffer drops new events, counted as dropped
  inst.write("options/stacktrace", opt.stacktrace ? "1" : "0");
  std::optional<bool> hashed;
  if (fs::exists(inst.path("options/hash-ptr"))) {
    inst.write("options/hash-ptr", opt.hash_pointers ? "1" : "0");
    hashed = opt.hash_pointers;
  }
  try {
    inst.write("buffer_size_kb", std::to_string(buffer_kb));
  } catch (const std::exception& e) {
    throw InputError("--buffer-size " + size_text(buffer_kb) + " per CPU: " + e.what());
  }
  buffer_kb = std::stoull(trimmed(inst.read("buffer_size_kb")));  // as the kernel rounded it
  for (const EventId& e : events) inst.write("events/" + e.system + "/" + e.name + "/enable", "1");
  TraceStream stream(inst.path("trace_pipe"), dir.file("trace.txt"));
  stream.start();
  if (signals.any()) return interrupted_by(signals.first());

  // 2. Before: the snapshot read, tracing on, the snapshot written (traced).
  Manifest m;
  m.command_line = opt.command_line;
  m.recorder_pid = ::getpid();
  m.host = host_name();
  m.command = opt.command;
  m.duration_ns = opt.duration_ns;
  for (const EventId& e : events) m.events.push_back(e.full());
  m.stacktrace = opt.stacktrace;
  m.hashed_pointers = hashed;
  m.buffer_size_kb = buffer_kb;
  const SnapshotSources sources;
  const Snapshot before = take_snapshot(sources, SnapshotWhen::before);
  m.start_real_ns = realtime_ns();
  m.start_mono_ns = monotonic_ns();
  inst.write("tracing_on", "1");
  marker(inst, "start");
  write_snapshot(before, dir.file("before"));
  m.before_start_ns = before.start_ns;
  m.before_end_ns = before.end_ns;
  m.missing_before = before.missing;
  for (const SnapshotFile& f : before.files) {
    m.before_reads.emplace_back(f.path, f.read_ns);
    if (f.path == "kernel_release") m.kernel_release = trimmed(f.text);
  }

  // 3. The command, or the duration.
  std::optional<Child> child;
  if (!opt.command.empty()) {
    child.emplace(opt.command);
    m.command_pid = child->pid();
    marker(inst, "command pid=" + std::to_string(child->pid()));
  }
  std::optional<ExitStatus> status;
  int interrupted = 0;
  const std::uint64_t deadline = opt.duration_ns ? m.start_mono_ns + *opt.duration_ns : 0;
  while (true) {
    int timeout_ms = 100;
    if (deadline) {
      const std::uint64_t now = monotonic_ns();
      if (now >= deadline) break;
      timeout_ms = static_cast<int>(std::min<std::uint64_t>(100, (deadline - now) / 1000000 + 1));
    }
    pollfd fds[2] = {{signals.fd(), POLLIN, 0}, {child ? child->pidfd() : -1, POLLIN, 0}};
    ::poll(fds, 2, timeout_ms);
    if (const CaughtSignal s = signals.take(); s.signo) {
      interrupted = s.signo;
      // A terminal's signal reached the command too; one sent to allocsim alone is passed on.
      if (child && s.from_process) child->signal(s.signo);
      if (child) status = child->wait_or_kill(kCommandGraceMs);
      break;
    }
    if (child)
      if ((status = child->try_wait())) break;
    // The reader at normal priority while a buffer is more than half full, until it is a quarter.
    const double fill = fullest(read_stats(inst), buffer_kb);
    if (fill > 0.5) stream.set_urgent(true);
    if (fill < 0.25) stream.set_urgent(false);
  }

  // 4. After: tracing off, the snapshot read, the trace drained.
  if (!interrupted) marker(inst, "stop");
  inst.write("tracing_on", "0");
  m.stop_mono_ns = monotonic_ns();
  m.stop_real_ns = realtime_ns();
  if (interrupted || signals.any())
    return interrupted_by(interrupted ? interrupted : signals.first());
  const Snapshot after = take_snapshot(sources, SnapshotWhen::after);
  m.after_start_ns = after.start_ns;
  m.after_end_ns = after.end_ns;
  m.missing_after = after.missing;
  for (const SnapshotFile& f : after.files) m.after_reads.emplace_back(f.path, f.read_ns);
  stream.stop();
  stream.drain();
  std::vector<CpuBufferStats> stats = read_stats(inst);
  // Events still being committed when tracing stopped arrive a moment later.
  for (int i = 0; i < 100 && !buffers_empty(stats); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    stream.drain();
    stats = read_stats(inst);
  }
  stream.close_pipe();
  stream.finish();
  inst.remove();
  if (signals.any()) return interrupted_by(signals.first());
  m.cpu_stats = stats;
  m.counts = stream.counts();
  m.reader_tid = stream.reader_tid();
  m.reader_urgent_ns = stream.urgent_ns();
  m.trace_bytes = stream.bytes();

  // 5. Nothing lost, or no recording.
  std::uint64_t lost = m.counts.lost_reported;
  std::vector<CpuEvents> written;
  const double mean = mean_event_bytes(m.counts, events, events_dir);
  std::string per_cpu;
  for (std::size_t cpu = 0; cpu < stats.size(); ++cpu) {
    // What the buffer lost, and what was read from it but is not in trace.txt.
    const std::uint64_t in_trace =
        cpu < m.counts.events_per_cpu.size() ? m.counts.events_per_cpu[cpu] : 0;
    const std::uint64_t cpu_lost =
        stats[cpu].lost() +
        (stats[cpu].read_events > in_trace ? stats[cpu].read_events - in_trace : 0);
    lost += cpu_lost;
    written.push_back({in_trace + cpu_lost, mean});
    if (cpu_lost)
      per_cpu += (per_cpu.empty() ? "" : ", ") + std::string("CPU ") + std::to_string(cpu) + ": " +
                 std::to_string(cpu_lost);
  }
  if (!buffers_empty(stats)) throw std::runtime_error("the instance's ring buffer did not drain");
  m.lost_events = lost;
  if (lost > 0) {
    const std::uint64_t suggested = suggest_buffer_kb(buffer_kb, written);
    message("failed: the ring buffer lost " + std::to_string(lost) + " events (" +
            (per_cpu.empty() ? "reported in the trace" : per_cpu) + ") with a ring buffer of " +
            size_text(buffer_kb) + " per CPU; no recording written. --buffer-size " +
            size_text(suggested) + " would have held every event");
    return {1, 0};
  }

  // 6. The directory.
  write_snapshot(after, dir.file("after"));
  write_text(
      dir.file("machine.yaml"),
      recorded_machine_yaml(dir.file("before"), fs::path(dir.final_dir()).filename().string()));
  if (status) {
    m.exit_code = status->code;
    m.exit_signal = status->signal;
  }
  m.files = list_files(dir.temp());
  write_text(dir.file(kManifestName), manifest_yaml(m));
  dir.commit();

  std::ostringstream summary;
  summary << "recorded " << m.counts.events() << " events ("
          << (m.trace_bytes + 512 * 1024) / (1024 * 1024) << " MiB) in "
          << (m.stop_mono_ns - m.start_mono_ns) / 1000000 << " ms into " << dir.final_dir();
  message(summary.str());
  if (status && !status->ok()) {
    message("failed: the command ended with " + status->text() + "; the recording in " +
            dir.final_dir() + " is complete");
    return {1, 0};
  }
  return {0, 0};
}

}  // namespace allocsim::io::recording
