// libFuzzer harness of one trace reader (FUZZ_FORMAT, set by CMake), with
// malformed lines fatal or skipped (the first byte picks). Bad input must end
// in a TraceError.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "workloads/trace/readers.hpp"

namespace tr = allocsim::workloads::trace;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  tr::ReadOptions options;
  options.skip_bad_lines = data[0] & 1;
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  try {
    tr::parse_trace(text, tr::Format::FUZZ_FORMAT, "fuzz.trace", options);
  } catch (const tr::TraceError&) {
  }
  return 0;
}
