#include "io/recording/buffer_size.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

namespace allocsim::io::recording {
namespace {

constexpr std::uint64_t kRbEventHeader = 4;       // RB_EVNT_HDR_SIZE
constexpr std::uint64_t kRbMaxSmallData = 112;    // RB_MAX_SMALL_DATA: 28 words of 4 bytes
constexpr std::uint64_t kRbAlign = 4;             // RB_ARCH_ALIGNMENT without 64-bit alignment
constexpr double kPage = 4096, kPageHeader = 16;  // BUF_PAGE_HDR_SIZE of a sub-buffer

std::uint64_t number_after(std::string_view line, std::string_view key, bool& ok) {
  const std::size_t at = line.find(key);
  if (at == std::string_view::npos) {
    ok = false;
    return 0;
  }
  const char* first = line.data() + at + key.size();
  std::uint64_t v = 0;
  ok = std::from_chars(first, line.data() + line.size(), v).ec == std::errc();
  return v;
}

}  // namespace

std::uint64_t event_payload_bytes(std::string_view format_text) {
  std::uint64_t end = 0, dynamic = 0;
  std::size_t pos = 0;
  while (pos < format_text.size()) {
    std::size_t eol = format_text.find('\n', pos);
    if (eol == std::string_view::npos) eol = format_text.size();
    const std::string_view line = format_text.substr(pos, eol - pos);
    pos = eol + 1;
    if (line.find("field:") == std::string_view::npos) continue;
    bool ok_offset = false, ok_size = false;
    const std::uint64_t offset = number_after(line, "offset:", ok_offset);
    const std::uint64_t size = number_after(line, "size:", ok_size);
    if (!ok_offset || !ok_size) continue;
    end = std::max(end, offset + size);
    if (line.find("__data_loc") != std::string_view::npos) dynamic += kDynamicFieldGuess;
  }
  if (end == 0) return 0;
  return (end + 7) / 8 * 8 + dynamic;
}

std::uint64_t stack_payload_bytes(double frames) {
  return 16 + static_cast<std::uint64_t>(std::ceil(std::max(frames, 0.0))) * 8;
}

std::uint64_t ring_buffer_event_bytes(std::uint64_t payload) {
  std::uint64_t length = std::max<std::uint64_t>(payload, 1);
  if (length > kRbMaxSmallData) length += 4;  // the length word, array[0]
  length += kRbEventHeader;
  return (length + kRbAlign - 1) / kRbAlign * kRbAlign;
}

std::uint64_t suggest_buffer_kb(std::uint64_t buffer_kb, const std::vector<CpuEvents>& cpus) {
  double worst = 0;
  for (const CpuEvents& c : cpus)
    worst = std::max(worst, static_cast<double>(c.written) * c.bytes_per_event);
  const double needed = worst * kPage / (kPage - kPageHeader) * 1.5;
  const auto mib = static_cast<std::uint64_t>(std::ceil(needed / (1024.0 * 1024.0)));
  const std::uint64_t twice_mib = (buffer_kb * 2 + 1023) / 1024;
  return std::max({mib, twice_mib, std::uint64_t{1}}) * 1024;
}

}  // namespace allocsim::io::recording
