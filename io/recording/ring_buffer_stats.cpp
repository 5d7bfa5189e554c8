#include "io/recording/ring_buffer_stats.hpp"

#include <charconv>
#include <sstream>
#include <stdexcept>

#include "io/recording/files.hpp"

namespace allocsim::io::recording {

CpuBufferStats parse_cpu_buffer_stats(std::string_view text, const std::string& name) {
  CpuBufferStats s;
  std::istringstream in{std::string(text)};
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    const std::size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    const std::string key = trimmed(std::string_view(line).substr(0, colon));
    const std::string value = trimmed(std::string_view(line).substr(colon + 1));
    if (key == "oldest event ts") {
      s.oldest_event_ts = value;
      continue;
    }
    if (key == "now ts") {
      s.now_ts = value;
      continue;
    }
    std::uint64_t* field = key == "entries"          ? &s.entries
                           : key == "overrun"        ? &s.overrun
                           : key == "commit overrun" ? &s.commit_overrun
                           : key == "bytes"          ? &s.bytes
                           : key == "dropped events" ? &s.dropped_events
                           : key == "read events"    ? &s.read_events
                                                     : nullptr;
    if (!field) continue;  // a field of a newer kernel
    const char* end = value.data() + value.size();
    const auto [ptr, ec] = std::from_chars(value.data(), end, *field);
    if (ec != std::errc() || ptr != end)
      throw std::runtime_error(name + ":" + std::to_string(number) + ": '" + key +
                               "' is not a number: '" + value + "'");
  }
  return s;
}

}  // namespace allocsim::io::recording
