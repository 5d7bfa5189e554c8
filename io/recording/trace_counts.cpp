#include "io/recording/trace_counts.hpp"

#include <charconv>

#include "workloads/trace/line_prefix.hpp"

namespace allocsim::io::recording {
namespace {

// "CPU:1 [LOST 123 EVENTS]": 123, or 0 when the line is something else.
std::uint64_t lost_events(std::string_view line) {
  if (line.rfind("CPU:", 0) != 0) return 0;
  const std::size_t at = line.find("[LOST ");
  if (at == std::string_view::npos) return 0;
  const char* first = line.data() + at + 6;
  std::uint64_t n = 0;
  const auto [ptr, ec] = std::from_chars(first, line.data() + line.size(), n);
  if (ec != std::errc() || std::string_view(ptr, line.data() + line.size() - ptr) != " EVENTS]")
    return 0;
  return n;
}

}  // namespace

void TraceCounts::add_line(std::string_view line) {
  ++lines;
  std::size_t lead = 0;
  while (lead < line.size() && line[lead] == ' ') ++lead;
  if (line.substr(lead, 3) == "=> ") {
    ++stack_frames;
    return;
  }
  if (const std::uint64_t n = lost_events(line)) {
    lost_reported += n;
    return;
  }
  workloads::trace::LinePrefix prefix;
  std::string_view why;
  if (workloads::trace::parse_line_prefix(line, prefix, why) !=
          workloads::trace::PrefixResult::ok ||
      prefix.cpu < 0) {
    ++other_lines;
    return;
  }
  const auto cpu = static_cast<std::size_t>(prefix.cpu);
  if (cpu >= events_per_cpu.size()) events_per_cpu.resize(cpu + 1, 0);
  ++events_per_cpu[cpu];
  if (first_ts_ns == 0) first_ts_ns = prefix.ts_ns;
  last_ts_ns = prefix.ts_ns;
  for (auto& [name, count] : per_event)
    if (name == prefix.event) {
      ++count;
      return;
    }
  per_event.emplace_back(std::string(prefix.event), 1);
}

std::uint64_t TraceCounts::events() const {
  std::uint64_t n = 0;
  for (std::uint64_t c : events_per_cpu) n += c;
  return n;
}

std::uint64_t TraceCounts::events_named(std::string_view name) const {
  for (const auto& [n, count] : per_event)
    if (n == name) return count;
  return 0;
}

}  // namespace allocsim::io::recording
